package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// oldSuffix ends the name of an old content left behind by Replace.
const oldSuffix = ".old"

// Replace is Write for large files rewritten on every command (the
// manifest, the partial parse cache): a reader still sees the old content
// or the new one, never a part of either, but the command does not wait
// for the file system to dispose of the old file.
//
// Renaming a file over another makes ext4 (its auto_da_alloc default)
// start writing the new file out before rename returns, and frees the old
// file's pages and blocks in the same call: about 30 ms for a 55 MB
// manifest on this project's benchmark machine, at the very end of a
// compile, with nothing else left to run. Replace instead swaps the new
// file with the old one (renameat2 with RENAME_EXCHANGE, Linux 3.15+;
// a plain rename where that is not available) and keeps the old content
// as ".<base>-*.old" beside path. The next Replace of path deletes it on
// another goroutine while fill runs, when a 2-core machine has a core to
// spare (a command that leaves path as it is calls RemoveOld). So path's
// folder holds the previous content until then: one more file of path's
// size.
//
// Like a plain rename without fsync, a crash soon after may leave path
// empty or short (ext4's rename heuristic narrowed that window for
// renames over a file, which an exchange is not); callers write files
// that the next command writes again.
func Replace(path string, perm fs.FileMode, fill func(w io.Writer) error) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	cleaned := make(chan struct{})
	go func() {
		defer close(cleaned)
		removeOld(dir, base)
	}()
	defer func() { <-cleaned }()
	return write(path, perm, fill, func(tmp string) error {
		if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
			// Nothing to swap with, or not a file (a folder would be
			// swapped out, then deleted): rename, which fails on a folder.
			return os.Rename(tmp, path)
		}
		if err := exchange(tmp, path); err != nil {
			// No RENAME_EXCHANGE on this system or file system, or path
			// went away meanwhile.
			return os.Rename(tmp, path)
		}
		// tmp now names the old content: keep it for the next Replace
		// to delete (once this one's deletions are done: they must not
		// see it). Should that rename fail, delete it now.
		<-cleaned
		old := strings.TrimSuffix(tmp, ".tmp") + oldSuffix
		if err := os.Rename(tmp, old); err != nil {
			os.Remove(tmp)
		}
		return nil
	})
}

// RemoveOld deletes the old contents Replace left beside path, for a
// command that does not write path this time (it would delete them
// itself otherwise).
func RemoveOld(path string) { removeOld(filepath.Dir(path), filepath.Base(path)) }

// removeOld deletes the old contents Replace left beside dir/base.
func removeOld(dir, base string) {
	olds, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+"-*"+oldSuffix))
	for _, p := range olds {
		os.Remove(p)
	}
}

// escapeGlob quotes the characters filepath.Match gives a meaning.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
