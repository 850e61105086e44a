//go:build unix && !linux

package project

// oPath: no O_PATH here; the folder is opened for reading.
const oPath = 0
