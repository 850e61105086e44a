//go:build !unix

package project

import "os"

// readFile returns the content of the file at path.
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// dirReader reads files by their paths.
type dirReader struct{}

func newDirReader() *dirReader { return &dirReader{} }

func (*dirReader) read(path string) (string, error) { return readFile(path) }

func (*dirReader) close() {}
