package compile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baseProject is a small valid project; error cases override or add files.
var baseProject = map[string]string{
	"project.yml":       "name: p\nvars:\n  known: 1\n",
	"models/a.sql":      "select 1 as id\n",
	"models/b.sql":      "select * from {{ ref \"a\" }}\n",
	"models/schema.yml": "version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n",
	"macros/m.sql":      "{{ define \"m\" }}x{{ end }}\n",
}

func writeProject(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if text == "" {
			continue // "" removes a base file
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func with(over map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range baseProject {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func TestBaseProjectLoads(t *testing.T) {
	if _, err := Load(context.Background(), writeProject(t, baseProject), duckTarget()); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error, the first being file:line[:col]
	}{
		{"template syntax error", map[string]string{"models/b.sql": "select *\nfrom {{ ref \"a\" }\n"},
			[]string{"models/b.sql:2:", "template syntax error"}},
		{"unknown function", map[string]string{"models/b.sql": "select 1,\n  {{ reff \"a\" }}\n"},
			[]string{"models/b.sql:2:6:", `function "reff" not defined`}},
		{"unknown ref with suggestion", map[string]string{"models/b.sql": "select *\nfrom {{ ref \"aa\" }}\n"},
			[]string{"models/b.sql:2:9:", `ref "aa"`, `did you mean "a"`}},
		{"undeclared source", map[string]string{"models/b.sql": "select * from {{ source \"raw\" \"x\" }}\n"},
			[]string{"models/b.sql:1:18:", `source "raw" "x" is not declared`}},
		{"undeclared var", map[string]string{"models/b.sql": "select\n{{ var \"nope\" }}\n"},
			[]string{"models/b.sql:2:", `var "nope" is not declared`, "project.yml"}},
		{"var with default is fine but unknown env is not", map[string]string{"models/b.sql": "select {{ var \"nope\" \"d\" }}, '{{ env \"TECHSTORE_SURELY_UNSET_VAR\" }}'\n"},
			[]string{"models/b.sql:1:", "TECHSTORE_SURELY_UNSET_VAR is not set"}},
		{"duplicate model names", map[string]string{"models/sub/a.sql": "select 2\n"},
			[]string{"models/sub/a.sql", `model "a" is defined twice`, "models/a.sql"}},
		{"cycle", map[string]string{"models/a.sql": "select * from {{ ref \"c\" }}\n", "models/c.sql": "select * from {{ ref \"b\" }}\n"},
			[]string{"dependency cycle", "a (models/a.sql)", "b (models/b.sql)", "c (models/c.sql)", "referenced by b at models/b.sql:1:18"}},
		{"cycle through ephemeral models", map[string]string{
			"models/e1.sql": "{{ config \"materialized\" \"ephemeral\" }}select * from {{ ref \"e2\" }}\n",
			"models/e2.sql": "{{ config \"materialized\" \"ephemeral\" }}select * from {{ ref \"e1\" }}\n",
			"models/c.sql":  "select * from {{ ref \"e1\" }}\n"},
			[]string{"dependency cycle", "e1 (models/e1.sql)", "e2 (models/e2.sql)"}},
		{"YAML syntax error", map[string]string{"models/schema.yml": "models:\n  - name: a\n    description: bad: colon\n"},
			[]string{"models/schema.yml:3:", "invalid YAML"}},
		{"YAML names a missing model", map[string]string{"models/schema.yml": "models:\n  - name: a\n  - name: bb\n"},
			[]string{"models/schema.yml:3:", `model "bb" is described here`, "did you mean b"}},
		{"model described twice", map[string]string{"models/z.yml": "models:\n  - name: b\n  - name: a\n"},
			[]string{"models/z.yml:3:", `model "a" is already described at models/schema.yml:3; keep one entry`}},
		{"YAML wrong type", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns: nope\n"},
			[]string{"models/schema.yml:3:", "invalid YAML"}},
		{"macro syntax error", map[string]string{"macros/m.sql": "{{ define \"m\" }}\n{{ if }}x{{ end }}{{ end }}\n"},
			[]string{"macros/m.sql:2:", "template syntax error"}},
		{"duplicate macro", map[string]string{"macros/n.sql": "\n{{ define \"m\" }}y{{ end }}\n"},
			[]string{"macros/n.sql:2:", `macro "m" is defined twice`, "macros/m.sql:1"}},
		{"unknown macro", map[string]string{"models/b.sql": "select {{ include \"mm\" }}\n"},
			[]string{"models/b.sql:1:", `macro "mm" is not defined`, "did you mean m"}},
		{"dispatch without implementation", map[string]string{"models/b.sql": "select {{ dispatch \"nothing\" 1 }}\n"},
			[]string{"models/b.sql:1:", `dispatch "nothing"`, "default__nothing"}},
		{"recursive macro", map[string]string{"macros/m.sql": "{{ define \"m\" }}{{ include \"m\" }}{{ end }}", "models/b.sql": "select {{ include \"m\" }}\n"},
			[]string{"macros/m.sql:1:", "nest deeper than 64"}},
		{"unknown generic test", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - uniq\n"},
			[]string{"models/schema.yml:6:", `unknown test "uniq"`, "test_uniq"}},
		{"relationships to an unknown model", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - relationships: {to: ref('zz'), field: id}\n"},
			[]string{"models/schema.yml:6:", `ref "zz"`}},
		{"accepted_values without values", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - accepted_values: {quote: true}\n"},
			[]string{"models/schema.yml:6:", "needs `values:`"}},
		{"bad config type in a model", map[string]string{"models/b.sql": "{{ config \"materialized\" (list 1 2) }}select 1\n"},
			[]string{"models/b.sql", `config "materialized": want a string`}},
		{"bad severity", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - unique: {config: {severity: fatal}}\n"},
			[]string{"models/schema.yml:6:", "want warn or error"}},
		{"define in a model", map[string]string{"models/b.sql": "select 1\n{{ define \"x\" }}y{{ end }}\n"},
			[]string{"models/b.sql:2:", "belong in a macros/ file"}},
		{"project without name", map[string]string{"project.yml": "vars: {}\n"},
			[]string{"project.yml:1", "has no name"}},
		{"no project", map[string]string{"project.yml": ""},
			[]string{"no project.yml"}},
		{"bad config type in YAML", map[string]string{"models/schema.yml": "models:\n  - name: b\n    config:\n      enabled: perhaps\n"},
			[]string{"models/schema.yml:2:", `model b: config "enabled": want true or false`}},
		{"same test twice", map[string]string{"models/schema.yml": "models:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null, unique]\n"},
			[]string{"models/schema.yml:5:", "test unique_a_id is declared twice (also at models/schema.yml:5)"}},
		{"generic test named like a singular test", map[string]string{
			"models/schema.yml":     "models:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n",
			"tests/unique_a_id.sql": "select 1 where false\n"},
			[]string{"models/schema.yml:5:", "test unique_a_id has the name of the singular test tests/unique_a_id.sql"}},
		{"unknown on_schema_change", map[string]string{"models/b.sql": "{{ config \"materialized\" \"incremental\" \"on_schema_change\" \"add_columns\" }}select 1\n"},
			[]string{"models/b.sql", "model b", `config "on_schema_change": want ignore, fail, append_new_columns or sync_all_columns, got add_columns`}},
		{"config with odd arguments", map[string]string{"models/b.sql": "{{ config \"materialized\" }}select 1\n"},
			[]string{"models/b.sql:1:", "key/value pairs"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeProject(t, with(c.files))
			_, err := Load(context.Background(), dir, duckTarget())
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", c.want)
			}
			msg := err.Error()
			for i, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
				if i == 0 && strings.Contains(w, ":") && !strings.HasPrefix(msg, w) && !strings.Contains(msg, "\n"+w) && !strings.Contains(msg, "cycle") {
					t.Errorf("error should start with %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestRefErrorsInOrder: unknown refs in several models are reported in
// the models' order, the same on every load.
func TestRefErrorsInOrder(t *testing.T) {
	files := map[string]string{}
	var want []string
	for _, m := range []string{"c", "d", "e", "f", "g", "h"} {
		files["models/"+m+".sql"] = "select * from {{ ref \"no_" + m + "\" }}\n"
		want = append(want, "models/"+m+".sql:1:18: ref \"no_"+m+"\"")
	}
	dir := writeProject(t, with(files))
	for range 5 {
		_, err := Load(context.Background(), dir, duckTarget())
		if err == nil {
			t.Fatal("Load succeeded")
		}
		msg, last := err.Error(), -1
		for _, w := range want {
			i := strings.Index(msg, w)
			if i <= last {
				t.Fatalf("%q missing or out of order in:\n%s", w, msg)
			}
			last = i
		}
	}
}
