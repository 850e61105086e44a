package project

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
)

// TestWalkPropsMatchesDecode checks the reflection-free reader against
// yaml.v3's decoder on every properties file of the repository, the test
// fixtures, a synthetic project and hand-written shapes.
func TestWalkPropsMatchesDecode(t *testing.T) {
	texts := map[string]string{
		"nulls and numbers": "models:\n  - name: 123\n    description: ~\n    tags: single\n    columns:\n      - name: true\n        data_type: 2026-01-01\n        tests: ~\n",
		"sources":           "sources:\n  - name: raw\n    schema: landing\n    tags: [a, b]\n    meta: {k: 1}\n    tables:\n      - name: t\n        identifier: tt\n        tests: [x]\n        columns: [{name: c, tests: [not_null]}]\n",
		"unknown keys":      "version: 2\nexposures: [{name: e}]\nmodels:\n  - name: m\n    docs: {show: true}\n    constraints: []\n",
	}
	synthDir := t.TempDir()
	if err := synth.Generate(synthDir, 20); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{"../../models", "../../seeds", "../compile/testdata", synthDir} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				if b, err := os.ReadFile(p); err == nil {
					texts[p] = string(b)
				}
			}
			return nil
		})
	}
	walked := 0
	for name, text := range texts {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil || doc.Kind == 0 {
			continue
		}
		var got, want propsFile
		if !walkProps(&doc, &got) {
			continue
		}
		walked++
		if err := doc.Decode(&want); err != nil {
			t.Errorf("%s: walked, but yaml.v3 cannot decode it: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: walker and decoder differ:\n got %+v\nwant %+v", name, got, want)
		}
	}
	if walked < 4 {
		t.Errorf("the walker read only %d files", walked)
	}
}

func TestWalkPropsFallsBack(t *testing.T) {
	for _, text := range []string{"models: {a: b}\n", "models:\n  - name: [a]\n", "models:\n  - columns: x\n"} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		var p propsFile
		if walkProps(&doc, &p) {
			t.Errorf("walkProps took %q; yaml.v3 must word its error", text)
		}
	}
}
