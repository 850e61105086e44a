package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// compiledFiles returns every compiled SQL file under dir/target/compiled
// (path relative to it -> content), without the index.
func compiledFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	base := filepath.Join(dir, "target", "compiled")
	out := map[string]string{}
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == compiledIndexName {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCompiledIndex: a compile over an existing target/compiled leaves
// every file holding exactly what a compile into an empty target writes,
// whatever happened to the files or to the index in between, and does
// not rewrite files that are unchanged.
func TestCompiledIndex(t *testing.T) {
	// The reference: a compile of another copy into an empty target.
	ref := copyShop(t)
	if _, _, err := run(t, "compile", "--project-dir", ref); err != nil {
		t.Fatal(err)
	}
	want := compiledFiles(t, ref)
	const victim = "shop/models/bronze/b_orders.sql"
	if _, ok := want[victim]; !ok {
		t.Fatalf("the fixture has no %s: %v", victim, want)
	}

	dir := copyShop(t)
	compiled := filepath.Join(dir, "target", "compiled")
	victimPath := filepath.Join(compiled, filepath.FromSlash(victim))
	if _, _, err := run(t, "compile", "--project-dir", dir); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		change        func(t *testing.T)
		wantUntouched bool // no compiled file may be written again
	}{
		{"nothing changed", func(*testing.T) {}, true},
		{"nothing changed, again (index now trusted)", func(*testing.T) {}, true},
		{"file edited, same size", func(t *testing.T) {
			write(t, victimPath, strings.Repeat("x", len(want[victim])))
		}, false},
		{"file edited, other size", func(t *testing.T) { write(t, victimPath, "select 1") }, false},
		{"file deleted", func(t *testing.T) {
			if err := os.Remove(victimPath); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"index corrupt", func(t *testing.T) {
			write(t, filepath.Join(compiled, compiledIndexName), "techstore compiled index 1\nnot a line")
		}, false},
		{"index of another format", func(t *testing.T) {
			write(t, filepath.Join(compiled, compiledIndexName), "something else\n")
		}, false},
		{"index hash of other text", func(t *testing.T) {
			p := filepath.Join(compiled, compiledIndexName)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, l := range strings.SplitAfter(string(b), "\n") {
				if f := strings.Fields(l); len(f) == 4 && f[3] == victim {
					l = f[0] + " " + f[1] + " " + strings.Repeat("0", hashLen) + " " + f[3] + "\n"
				}
				lines = append(lines, l)
			}
			write(t, p, strings.Join(lines, ""))
		}, false},
		{"index deleted", func(t *testing.T) {
			if err := os.Remove(filepath.Join(compiled, compiledIndexName)); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.change(t)
			before := mtimes(t, compiled)
			if _, _, err := run(t, "compile", "--project-dir", dir); err != nil {
				t.Fatal(err)
			}
			got := compiledFiles(t, dir)
			if len(got) != len(want) {
				t.Errorf("%d compiled files, want %d", len(got), len(want))
			}
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s = %q, want %q", p, got[p], w)
				}
			}
			if c.wantUntouched {
				after := mtimes(t, compiled)
				for p, m := range before {
					if !after[p].Equal(m) {
						t.Errorf("%s was written again (mtime %v -> %v)", p, m, after[p])
					}
				}
			}
		})
	}
}

func write(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mtimes(t *testing.T, base string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == compiledIndexName {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = st.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
