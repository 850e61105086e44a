package partial

import (
	"reflect"
	"testing"
)

func TestScanTemplate(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		env      []string
		volatile string // "" when cacheable
	}{
		{"plain SQL", "select now(), date '2026-01-01', uuid() from t", nil, ""},
		{"env literal", `{{ env "A" }} {{- env "B" "d" -}}`, []string{"A", "B"}, ""},
		{"env raw string", "{{ env `C` }}", []string{"C"}, ""},
		{"env in parentheses", `{{ (env "D") | upper }}`, []string{"D"}, ""},
		{"env with a paren argument", `{{ env ("E") }}`, []string{"E"}, ""},
		{"env computed", `{{ env (printf "%s" "X") }}`, nil, "env called without a literal name"},
		{"env of a variable", `{{ $n := "X" }}{{ env $n }}`, nil, "env called without a literal name"},
		{"env piped into", `{{ "X" | env }}`, nil, "env called without a literal name"},
		{"env alone", `{{ env }}`, nil, "env called without a literal name"},
		{"env as a field", `{{ .env }}{{ $.env }}{{ $env := 1 }}`, nil, ""},
		{"now", `{{ now }}`, nil, "calls now"},
		{"date in a pipeline", `{{ "2026" | toDate "2006" | date "2006" }}`, nil, "calls toDate"},
		{"randAlpha", `{{ randAlpha 3 }}`, nil, "calls randAlpha"},
		{"volatile name in a string", `{{ config "partition_by" "date" }}{{ include "now" }}`, nil, ""},
		{"volatile name in a comment", `{{/* now and date */}}{{- /* uuidv4 }} */ -}}`, nil, ""},
		{"braces inside a string", `{{ print "}} now {{" }}{{ env "F" }}`, []string{"F"}, ""},
		{"volatile field", `{{ .now }}{{ $.date }}`, nil, ""},
		{"later action", `{{ ref "a" }} select {{ uuidv4 }}`, nil, "calls uuidv4"},
		{"unterminated action", `{{ env "G"`, []string{"G"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var use templateUse
			scanTemplate(c.text, &use)
			if use.volatile != c.volatile {
				t.Errorf("volatile = %q, want %q", use.volatile, c.volatile)
			}
			if c.volatile == "" && !reflect.DeepEqual(use.env, c.env) {
				t.Errorf("env = %q, want %q", use.env, c.env)
			}
		})
	}
}
