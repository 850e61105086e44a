//go:build unix

package project

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// readFile returns the content of the file at path. It is os.ReadFile
// with the system calls a project load of thousands of small files can
// do without: os.Open also switches the descriptor to non-blocking mode
// and back and tries to register it with the poller (five more calls per
// file); here it is open, fstat, read and close.
func readFile(path string) (string, error) { return readFileAt(atFDCWD, path, path) }

// atFDCWD: openat resolves a relative name from the current folder, an
// absolute one as is.
const atFDCWD = unix.AT_FDCWD

// dirReader reads files folder after folder through a descriptor of the
// folder (openat): the kernel then resolves each file's name within the
// folder instead of its whole path again. One goroutine uses it at a time.
type dirReader struct {
	dir string
	fd  int // of dir; -1 when none is open
}

func newDirReader() *dirReader { return &dirReader{fd: -1} }

// read returns the content of the file at path.
func (r *dirReader) read(path string) (string, error) {
	dir, name := filepath.Split(path)
	if dir != r.dir || r.fd < 0 {
		r.close()
		fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC|oPath, 0)
		if err != nil {
			return readFile(path) // and its error, naming the file
		}
		r.dir, r.fd = dir, fd
	}
	return readFileAt(r.fd, name, path)
}

// close closes the folder's descriptor.
func (r *dirReader) close() {
	if r.fd >= 0 {
		syscall.Close(r.fd)
		r.fd = -1
	}
}

// readFileAt is readFile of name in the folder open as dirfd; path names
// the file in errors.
func readFileAt(dirfd int, name, path string) (string, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
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
