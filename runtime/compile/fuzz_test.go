package compile

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// Inputs that ask for huge loops or strings (range 99999, repeat, until)
// are legitimate templates that take long by design; the fuzzer skips them.
var costly = regexp.MustCompile(`[0-9]{4,}|repeat|until|seq|range|wrap|indent|trunc|substr|pad`)

// FuzzLoad loads a project whose model template and properties YAML are
// random: Load must return a project or an error, never panic or hang, and
// errors about the fuzzed files must name them.
func FuzzLoad(f *testing.F) {
	seeds := [][2]string{
		{`select * from {{ ref "b" }}`, "models:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n"},
		{`{{ config "materialized" "table" "tags" (list "x") }}select {{ var "v" "d" }}`, "models:\n  - name: a\n    config: {schema: s}\n"},
		{`{{ if is_incremental }}{{ this }}{{ end }}{{ source "raw" "t" }}`, "sources:\n  - name: raw\n    tables: [{name: t}]\n"},
		{`{{ include "m" 1 2 }}{{ dispatch "d" }}`, "models: [{name: a, tests: [{expression_is_true: {expression: 'x > 0'}}]}]\n"},
		{`{{ ref "a" }}`, "models:\n  - name: zz\n"},
		{`{{`, ":\n- ["},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, model, props string) {
		if len(model) > 2000 || len(props) > 2000 || costly.MatchString(model) {
			t.Skip()
		}
		dir := writeProject(t, map[string]string{
			"project.yml":       "name: p\n",
			"models/a.sql":      model,
			"models/b.sql":      "select 1 as id\n",
			"models/schema.yml": props,
			"macros/m.sql":      "{{ define \"m\" }}m{{ end }}{{ define \"default__d\" }}d{{ end }}",
		})
		e, err := Load(context.Background(), dir, duckTarget())
		if err != nil {
			var pe *project.PosError
			if errors.As(err, &pe) && pe.File == "" {
				t.Errorf("error without a file: %v", err)
			}
			return
		}
		if e.DAG == nil || e.Project.Nodes["model.p.b"] == nil {
			t.Fatalf("loaded without a DAG or without model b")
		}
	})
}
