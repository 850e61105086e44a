package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFile: readFile returns what was written, for sizes around its
// buffer edges, and errors as os.ReadFile does.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		content string
	}{
		{"empty", ""},
		{"one byte", "x"},
		{"a model", "select 1 as id\nfrom {{ ref \"a\" }}\n"},
		{"4 KiB", strings.Repeat("abcdefgh", 512)},
		{"1 MiB and a byte", strings.Repeat("0123456789abcdef", 1<<16) + "z"},
		{"non-UTF-8 bytes", "\xff\xfe\x00\x01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.content {
				t.Errorf("read %d bytes, want %d (%q...)", len(got), len(c.content), got[:min(len(got), 20)])
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := readFile(filepath.Join(dir, "nope.sql"))
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope.sql") {
			t.Errorf("error %v, want a not-exist error naming the file", err)
		}
	})
	t.Run("a folder", func(t *testing.T) {
		if _, err := readFile(dir); err == nil {
			t.Error("reading a folder: no error")
		}
	})
	t.Run("size unknown to stat", func(t *testing.T) {
		const p = "/proc/self/status" // stat says 0 bytes; reading gives more
		if _, err := os.Stat(p); err != nil {
			t.Skip("no /proc here")
		}
		got, err := readFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got, "Name:") || !strings.HasSuffix(got, "\n") {
			t.Errorf("read %q", got)
		}
	})
}

// TestDirReader: files read through a folder's descriptor, folder after
// folder and back, hold what was written; a missing file or folder is an
// error naming the file.
func TestDirReader(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"a/1.sql": "select 1", "a/2.sql": "select 2", "b/1.sql": "select b1", "b/sub/x.yml": "models: []"}
	writeFiles(t, dir, files)
	r := newDirReader()
	defer r.close()
	for _, c := range []struct {
		name, wantErr string
	}{
		{"a/1.sql", ""}, {"a/2.sql", ""}, {"b/1.sql", ""}, {"a/1.sql", ""}, {"b/sub/x.yml", ""},
		{"a/missing.sql", "missing.sql"},
		{"a/2.sql", ""},
		{"nofolder/x.sql", "nofolder"},
		{"b/1.sql", ""},
	} {
		got, err := r.read(filepath.Join(dir, filepath.FromSlash(c.name)))
		switch {
		case c.wantErr != "":
			if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want a not-exist error naming %s", c.name, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case got != files[c.name]:
			t.Errorf("%s: %q, want %q", c.name, got, files[c.name])
		}
	}
}
