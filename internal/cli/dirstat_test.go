//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDirStats: sizes and modification times match os.Stat's for files in
// folders held open and in folders beyond the cap (stat'ed by path); a
// missing file or a folder is not ok.
func TestDirStats(t *testing.T) {
	defer func(n int) { maxDirFDs = n }(maxDirFDs)
	maxDirFDs = 1 // a held open, b beyond the cap
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, d := range []string{a, b, filepath.Join(a, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{filepath.Join(a, "x.sql"): "select 1", filepath.Join(b, "y.sql"): "select 22"}
	for p, text := range files {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := openDirStats([]string{a, b})
	defer d.close()
	if fd := d.fds[a]; fd < 0 {
		t.Fatalf("folder a not held open")
	}
	if _, held := d.fds[b]; held {
		t.Fatalf("folder b held open beyond the cap")
	}
	for p := range files {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size, mtime, ok := d.stat(p)
		if !ok || size != st.Size() || mtime != st.ModTime().UnixNano() {
			t.Errorf("stat %s = %d, %d, %v; want %d, %d, true", p, size, mtime, ok, st.Size(), st.ModTime().UnixNano())
		}
	}
	for _, p := range []string{filepath.Join(a, "missing.sql"), filepath.Join(b, "missing.sql"), filepath.Join(a, "sub")} {
		if _, _, ok := d.stat(p); ok {
			t.Errorf("stat %s: ok, want not ok", p)
		}
	}
}
