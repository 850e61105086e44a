//go:build unix

package project

import (
	"io/fs"
	"syscall"
	"unsafe"
)

// readFile returns the content of the file at path. It is os.ReadFile
// with the system calls a project load of thousands of small files can
// do without: os.Open also switches the descriptor to non-blocking mode
// and back and tries to register it with the poller (five more calls per
// file); here it is open, fstat, read and close.
func readFile(path string) (string, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return "", &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
		return "", &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	size := int(st.Size)
	// One byte more than the size: a read that fills the buffer means the
	// file grew, and reading goes on to the end.
	b := make([]byte, 0, size+1)
	for {
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", &fs.PathError{Op: "read", Path: path, Err: err}
		}
		b = b[:len(b)+n]
		if n == 0 || len(b) == size && size > 0 {
			break // end of file (or exactly the size stat reported)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	if len(b) == 0 {
		return "", nil
	}
	// b is never written again: the string can share it.
	return unsafe.String(&b[0], len(b)), nil
}
