//go:build unix

package partial

import (
	"io/fs"
	"syscall"
)

// readStat reads the file at p into buf's storage with plain system
// calls: open, fstat, read, close. os.Open would also try to register the
// descriptor with the poller, one more system call per file, and a
// project has thousands of files. A read shorter than asked for is taken
// as the end of the file (it is, for regular files); were it not, the
// content would hash differently and the cache would only miss. It also
// returns the file's state (statFile) as fstat saw it before the read;
// ok is false when it is unknown.
func readStat(p string, buf []byte) (b []byte, st fileStat, ok bool, err error) {
	var fd int
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf, st, false, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	st, ok = fstatFile(fd)
	if cap(buf) < 16<<10 {
		buf = make([]byte, 0, 16<<10)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		space := cap(buf) - len(buf)
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, st, false, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		buf = buf[:len(buf)+n]
		if n < space {
			return buf, st, ok, nil
		}
	}
}
