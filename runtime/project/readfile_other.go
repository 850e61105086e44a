//go:build !unix

package project

import "os"

// readFile returns the content of the file at path.
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
