package project

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// sameTree reports the first difference between two yaml.Node trees
// (kind, resolved tag, value, style of quoting, line and column).
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value {
		return fmt.Errorf("%s: fast kind=%v tag=%s value=%q, yaml.v3 kind=%v tag=%s value=%q", path, a.Kind, a.ShortTag(), a.Value, b.Kind, b.ShortTag(), b.Value)
	}
	quotes := yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle
	if a.Style&quotes != b.Style&quotes {
		return fmt.Errorf("%s: style %v vs %v", path, a.Style, b.Style)
	}
	if a.Kind != yaml.DocumentNode && (a.Line != b.Line || a.Column != b.Column) {
		return fmt.Errorf("%s (%q): position %d:%d vs %d:%d", path, a.Value, a.Line, a.Column, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %d children vs %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func TestFastYAMLMatchesYAMLv3(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		wantFast bool // whether the fast parser should take it
	}{
		{"properties", `version: 2
models:
  - name: orders   # trailing comment
    description: "Orders, one row each: \"quoted\" \u00e9"
    config:
      materialized: table
      tags: [a, 'b c', "d"]
      meta: {owner: 'it''s me', level: 3, on: true, empty: ''}
    columns:
      - name: id
        data_type: bigint
        tests:
          - unique
          - not_null
          - accepted_values:
              values: [1, 2.5, -3, null, ~, yes]
      - name: x
        tests: [{relationships: {to: "ref('customers')", field: id}}]
`, true},
		{"sequence at the key's indent", "models:\n- name: a\n  columns:\n  - name: b\n- name: c\n", true},
		{"document marker", "---\nname: a\n", true},
		{"plain scalars of every kind", "a: 1\nb: 1.5\nc: true\nd: null\ne: 2026-10-31\nf: 0x1F\ng: -7\nh: .inf\ni: some text, with comma\nj: a#b\nk: 'single'\n", true},
		{"block scalar falls back", "description: |\n  line one\n  line two\n", false},
		{"folded scalar falls back", "description: >\n  folded\n", false},
		{"multi-line plain falls back", "description: one\n  two\n", false},
		{"anchors fall back", "a: &x 1\nb: *x\n", false},
		{"duplicate key falls back", "a: 1\na: 2\n", false},
		{"empty value falls back", "a:\nb: 1\n", false},
		{"colon in value falls back", "description: Incremental: each run\n", false},
		{"tabs fall back", "a:\n\tb: 1\n", false},
		{"multi-line flow falls back", "a: [1,\n  2]\n", false},
		{"multi-line quoted falls back", "a: \"one\n  two\"\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fast, ok := fastYAML(c.text)
			if ok != c.wantFast {
				t.Fatalf("fast parser took it = %v, want %v", ok, c.wantFast)
			}
			if !ok {
				return
			}
			var want yaml.Node
			if err := yaml.Unmarshal([]byte(c.text), &want); err != nil {
				t.Fatalf("yaml.v3 rejects what the fast parser took: %v", err)
			}
			if err := sameTree(fast, &want, ""); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestFastYAMLOnRepositoryFiles runs both parsers over every YAML file of
// the repository's projects and fixtures.
func TestFastYAMLOnRepositoryFiles(t *testing.T) {
	var files []string
	for _, root := range []string{"../../models", "../../seeds", "../compile/testdata"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no YAML files found")
	}
	took := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := fastYAML(string(b))
		if !ok {
			continue
		}
		took++
		var want yaml.Node
		if err := yaml.Unmarshal(b, &want); err != nil {
			t.Errorf("%s: yaml.v3 rejects what the fast parser took: %v", f, err)
			continue
		}
		if err := sameTree(fast, &want, f); err != nil {
			t.Error(err)
		}
	}
	t.Logf("fast parser took %d of %d files", took, len(files))
}

// FuzzFastYAML: whatever the fast parser accepts, yaml.v3 accepts and
// reads into the same tree.
func FuzzFastYAML(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "models:\n  - name: a\n    tests: [unique, {x: 'y'}]\n", "- a\n- b: c\n  d: e\n",
		"a: {b: [1, 2], c: \"x\\ty\"}\n", "k: 'it''s'\n", "---\nx: y # c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fast, ok := fastYAML(text)
		if !ok {
			return
		}
		var want yaml.Node
		if err := yaml.Unmarshal([]byte(text), &want); err != nil {
			t.Fatalf("yaml.v3 rejects what the fast parser took: %v\n%q", err, text)
		}
		if err := sameTree(fast, &want, ""); err != nil {
			t.Fatalf("%v\n%q", err, text)
		}
	})
}
