package project

import "golang.org/x/sys/unix"

// oPath opens a folder only to name files relative to it.
const oPath = unix.O_PATH
