package render

import (
	"reflect"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// nameResolver spells relations plainly so that outputs are easy to read.
type nameResolver struct{}

func (nameResolver) Ref(n string) (string, error)       { return "REF(" + n + ")", nil }
func (nameResolver) Source(s, t string) (string, error) { return "SRC(" + s + "." + t + ")", nil }
func (nameResolver) This() (string, error)              { return "THIS", nil }

type orderDialect struct{ order []string }

func (d orderDialect) Type() string                         { return d.order[0] }
func (d orderDialect) DispatchOrder() []string              { return d.order }
func (orderDialect) QuoteIdent(s string) string             { return s }
func (orderDialect) RelationName(r adapter.Relation) string { return r.Schema + "." + r.Identifier }

const macros = `{{ define "outer" }}[{{ include "inner" . }}]{{ end }}
{{ define "inner" }}{{ . | upper }}{{ end }}
{{ define "pair" }}{{ index . 0 }}+{{ index . 1 }}{{ end }}
{{ define "none" }}{{ if . }}set{{ else }}nil{{ end }}{{ end }}
{{ define "default__dt" }}default({{ . }}){{ end }}
{{ define "databricks__dt" }}databricks({{ . }}){{ end }}
{{ define "duckdb__dt" }}duckdb({{ . }}){{ end }}
{{ define "loop" }}{{ include "loop" }}{{ end }}
{{ define "calls" }}{{ dispatch "dt" 1 }}{{ template "inner" "x" }}{{ end }}
`

func newEnv(t *testing.T, d adapter.Dialect) *Env {
	t.Helper()
	e, err := NewEnv(Options{
		Project: "p",
		Target: adapter.Config{Name: "prod", Type: "duckdb", Schema: "analytics", Threads: 4,
			Fields: map[string]any{"path": "w.duckdb", "token": "s3cr3t", "catalog": "main"}},
		Dialect:    d,
		Vars:       map[string]any{"n": 3, "s": "x"},
		MacroFiles: []project.File{{Path: "macros/m.sql", Text: macros}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func render(t *testing.T, e *Env, text string, st *State) (string, error) {
	t.Helper()
	tree, err := e.Parse("models/x.sql", text)
	if err != nil {
		return "", err
	}
	return e.NewRenderer().Execute("models/x.sql", tree, st)
}

func TestFunctions(t *testing.T) {
	t.Setenv("TECHSTORE_RENDER_TEST", "from-env")
	e := newEnv(t, nil)
	cases := []struct {
		name, text, want string
		incremental      bool
	}{
		{"ref and source", `{{ ref "a" }} {{ ref "pkg" "b" }} {{ source "raw" "t" }}`, "REF(a) REF(b) SRC(raw.t)", false},
		{"this", `{{ this }}`, "THIS", false},
		{"is_incremental false", `{{ if is_incremental }}inc{{ else }}full{{ end }}`, "full", false},
		{"is_incremental true", `{{ if is_incremental }}inc{{ else }}full{{ end }}`, "inc", true},
		{"target", `{{ (target).name }} {{ (target).type }} {{ (target).schema }} {{ (target).threads }} {{ (target).catalog }}`, "prod duckdb analytics 4 main", false},
		{"target hides secrets", `{{ index (target) "token" }}`, "<no value>", false},
		{"var and default", `{{ var "n" }} {{ var "s" }} {{ var "missing" "dflt" }}`, "3 x dflt", false},
		{"env", `{{ env "TECHSTORE_RENDER_TEST" }} {{ env "TECHSTORE_RENDER_TEST_UNSET" "d" }}`, "from-env d", false},
		{"sprig", `{{ "abc" | upper }} {{ list 1 2 | len }} {{ default "z" "" }} {{ (dict "k" "v").k }} {{ trim "  t " }}`, "ABC 2 z v t", false},
		{"builtins", `{{ printf "%03d" 7 }} {{ index (list "a" "b") 1 }} {{ eq 1 1 }} {{ and true false }}`, "007 b true false", false},
		{"include one arg", `{{ include "outer" "q" }}`, "[Q]", false},
		{"include several args", `{{ include "pair" "a" "b" }}`, "a+b", false},
		{"include no arg", `{{ include "none" }}`, "nil", false},
		{"config renders nothing", `a{{ config "materialized" "table" }}b`, "ab", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := render(t, e, c.text, &State{Resolver: nameResolver{}, IsIncremental: c.incremental})
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRecording(t *testing.T) {
	e := newEnv(t, nil)
	st := &State{Resolver: nameResolver{}}
	_, err := render(t, e, `{{ config "materialized" "incremental" "tags" (list "a") }}{{ config (dict "tags" "b" "schema" "s") }}`+
		`{{ ref "y" }}{{ ref "x" }}{{ ref "y" }}{{ source "s" "t" }}{{ source "s" "t" }}{{ include "outer" "z" }}`, st)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"materialized": "incremental", "tags": []string{"a", "b"}, "schema": "s"}; !reflect.DeepEqual(st.Config, want) {
		t.Errorf("config = %#v, want %#v", st.Config, want)
	}
	if want := []string{"y", "x"}; !reflect.DeepEqual(st.Refs, want) {
		t.Errorf("refs = %q, want %q", st.Refs, want)
	}
	if want := [][2]string{{"s", "t"}}; !reflect.DeepEqual(st.Sources, want) {
		t.Errorf("sources = %q, want %q", st.Sources, want)
	}
	if want := []string{"outer", "inner"}; !reflect.DeepEqual(st.Macros, want) {
		t.Errorf("macros = %q, want %q", st.Macros, want)
	}
}

func TestDispatch(t *testing.T) {
	cases := []struct {
		name    string
		dialect adapter.Dialect
		want    string
	}{
		{"no dialect: target type", nil, "duckdb(1)"},
		{"spark falls back to databricks", orderDialect{[]string{"spark", "databricks", "default"}}, "databricks(1)"},
		{"unknown adapter falls back to default", orderDialect{[]string{"postgres"}}, "default(1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := render(t, newEnv(t, c.dialect), `{{ dispatch "dt" 1 }}`, &State{Resolver: nameResolver{}})
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestMacroMetadata(t *testing.T) {
	e := newEnv(t, nil)
	m := e.Macros()["calls"]
	if m == nil {
		t.Fatal("macro calls not parsed")
	}
	// dispatch "dt" resolves to duckdb__dt on this target; template "inner" counts too.
	if want := []string{"duckdb__dt", "inner"}; !reflect.DeepEqual(m.DependsOnMacros, want) {
		t.Errorf("depends on %q, want %q", m.DependsOnMacros, want)
	}
	if m.Line != 9 || m.OriginalFilePath != "macros/m.sql" || m.UniqueID != "macro.p.calls" {
		t.Errorf("macro = %+v", m)
	}
	if got, want := e.Macros()["pair"].Body, "{{index . 0}}+{{index . 1}}"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"parse error column", "select\n  {{ nosuch 1 }}", []string{"models/x.sql:2:6:", `function "nosuch" not defined`}},
		{"exec error position", "select\n   {{ var \"v\" }}", []string{"models/x.sql:2:7:", `var "v" is not declared`}},
		{"var suggestion", `{{ var "nn" }}`, []string{`var "nn" is not declared (did you mean n, s?)`}},
		{"recursion", `{{ include "loop" }}`, []string{"macros/m.sql:8:", "nest deeper than 64"}},
		{"unknown macro", `{{ include "outr" }}`, []string{`macro "outr" is not defined`, "did you mean outer"}},
		{"ref arity", `{{ ref }}`, []string{"ref takes a model name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := render(t, e, c.text, &State{Resolver: nameResolver{}})
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
}
