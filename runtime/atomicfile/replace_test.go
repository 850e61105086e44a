package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
)

// TestReplace runs Replace several times on one path and checks, after
// each, the content at path, the old contents kept beside it (at most the
// one before) and that no temporary file is left.
func TestReplace(t *testing.T) {
	errFill := errors.New("fill failed half-way")
	type step struct {
		fill    func(io.Writer) error
		wantErr bool
		want    string   // content at path
		olds    []string // contents of the .old files beside it
	}
	exchanged := runtime.GOOS == "linux"
	kept := func(s ...string) []string {
		if !exchanged {
			return nil
		}
		return s
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first write: nothing to keep", []step{{fill: text("v1"), want: "v1"}}},
		{"each write keeps the previous content, and only it", []step{
			{fill: text("v1"), want: "v1"},
			{fill: text("v2"), want: "v2", olds: kept("v1")},
			{fill: text("v3"), want: "v3", olds: kept("v2")},
		}},
		{"a failed fill leaves the content; the old one is deleted anyway", []step{
			{fill: text("v1"), want: "v1"},
			{fill: text("v2"), want: "v2", olds: kept("v1")},
			{fill: func(w io.Writer) error { io.WriteString(w, "half"); return errFill }, wantErr: true, want: "v2"},
			{fill: text("v4"), want: "v4", olds: kept("v2")},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "manifest.json")
			for i, s := range tc.steps {
				err := Replace(path, 0o644, s.fill)
				if (err != nil) != s.wantErr || (s.wantErr && !errors.Is(err, errFill)) {
					t.Fatalf("step %d: err = %v, want error: %v", i, err, s.wantErr)
				}
				if b, err := os.ReadFile(path); err != nil || string(b) != s.want {
					t.Errorf("step %d: content %q, %v; want %q", i, b, err, s.want)
				}
				olds, _ := filepath.Glob(filepath.Join(dir, ".manifest.json-*.old"))
				var got []string
				for _, p := range olds {
					b, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, string(b))
				}
				sort.Strings(got)
				if len(got) != len(s.olds) || (len(got) > 0 && got[0] != s.olds[0]) {
					t.Errorf("step %d: old contents kept %q, want %q", i, got, s.olds)
				}
				if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
					t.Errorf("step %d: temporary files left behind: %v", i, left)
				}
			}
		})
	}
}

// TestReplaceFolder: a folder where the file should go is an error, and
// the folder and what it holds stay (an exchange would have swapped it
// out, for the next Replace to delete).
func TestReplaceFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	if err := os.MkdirAll(filepath.Join(path, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := Replace(path, 0o644, text("x")); err == nil {
			t.Fatalf("Replace over a folder: no error")
		}
	}
	if st, err := os.Stat(filepath.Join(path, "inner")); err != nil || !st.IsDir() {
		t.Errorf("the folder's content is gone: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".manifest.json-*")); len(left) > 0 {
		t.Errorf("files left beside it: %v", left)
	}
}

// TestReplaceGlobName: a base name with glob characters removes its own
// old contents and no other file's.
func TestReplaceGlobName(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, ".ab-1.old") // what an unescaped ".[a]b-*.old" matches
	if err := os.WriteFile(other, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "[a]b")
	for _, v := range []string{"1", "2", "3"} {
		if err := Replace(path, 0o644, text(v)); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(other); err != nil || string(b) != "keep" {
		t.Errorf("another file's old content was removed: %q, %v", b, err)
	}
	if olds, _ := filepath.Glob(filepath.Join(dir, ".\\[a\\]b-*.old")); runtime.GOOS == "linux" && len(olds) != 1 {
		t.Errorf("old contents of [a]b: %v, want one", olds)
	}
}
