//go:build !unix

package partial

import (
	"io"
	"os"
)

// readStat is readInto with the file's state, unknown here.
func readStat(p string, buf []byte) ([]byte, fileStat, bool, error) {
	b, err := readInto(p, buf)
	return b, fileStat{}, false, err
}

// readInto reads the file at p into buf's storage.
func readInto(p string, buf []byte) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
