//go:build !linux

package cli

import "os"

// dirStats stats files by path where folder descriptors are not at hand.
type dirStats struct{}

func openDirStats([]string) *dirStats { return &dirStats{} }

// stat returns the size and modification time of the regular file at p,
// ok false when it is missing or not a regular file.
func (*dirStats) stat(p string) (size, mtime int64, ok bool) {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return 0, 0, false
	}
	return st.Size(), st.ModTime().UnixNano(), true
}

func (*dirStats) close() {}
