package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any YAML gives a contract or an error naming the file, and
// a contract that parses always generates gofmt'ed code.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/contract/*.yml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("models:\n  - name: gold_x\n    meta: {api: {path: /api/x/y, key: id}}\n    columns: [{name: id, data_type: bigint, tests: [not_null]}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := Parse(map[string][]byte{"models/gold/f.yml": src})
		if err != nil {
			if !strings.Contains(err.Error(), "f.yml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(c.Models) == 0 {
			return
		}
		if _, err := Generate(c, Options{}); err != nil {
			t.Fatalf("a parsed contract does not generate: %v", err)
		}
	})
}
