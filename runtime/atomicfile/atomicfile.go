package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write creates path's folder if needed, lets fill write the content to a
// temporary file beside path (named ".<base>-*.tmp"), gives it mode perm
// and renames it to path. If fill or any step fails, the temporary file is
// removed and path is left as it was. Errors are the os package's (they
// name the file); callers add their own context.
func Write(path string, perm fs.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, fill, func(tmp string) error { return os.Rename(tmp, path) })
}

// write is Write with the last step, putting the complete temporary file
// in place, left to put.
func write(path string, perm fs.FileMode, fill func(w io.Writer) error, put func(tmp string) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = fill(f); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	return put(f.Name())
}

// WriteFile is Write with the content given as bytes.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
