package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestCommand runs `techstore ingest` on a project folder with the
// built-in DuckDB target: a first load, a refused second load, a
// replacing load, and flag errors.
func TestIngestCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "project.yml"), []byte("name: techstore\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TECHSTORE_PROFILES_DIR", "")
	t.Setenv("HOME", dir) // no ~/.techstore/profiles.yml: the built-in dev target
	cases := []struct {
		name    string
		args    []string
		wantErr string   // substring of the error, "" for success
		wantOut []string // substrings of the output
	}{
		{"first load", []string{"ingest", "--seed", "5"}, "", []string{
			"scale 1, seed 5, end date 2026-10-31",
			"techstore.product_categories          19",
			"techstore.customers                 1100",
			"techstore.orders                    5200",
			"customer_phone_format", "review_comment_empty",
		}},
		{"refused without replace", []string{"ingest", "--seed", "6"}, "run `techstore ingest --replace`", nil},
		{"replace", []string{"ingest", "--seed", "6", "--replace"}, "", []string{"scale 1, seed 6"}},
		{"bad end date", []string{"ingest", "--end-date", "31/10/2026"}, `--end-date "31/10/2026": want a date as YYYY-MM-DD`, nil},
		{"bad scale", []string{"ingest", "--scale", "0"}, "give --scale between 1 and 10000", nil},
		{"unknown target", []string{"ingest", "--target", "prod"}, `target "prod"`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := NewRoot()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append(tc.args, "--project-dir", dir))
			err := root.ExecuteContext(context.Background())
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "warehouse", "techstore.duckdb")); err != nil {
		t.Errorf("warehouse file: %v", err)
	}
}
