package render

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// slowRender is the reference: text/template parse and execute.
func slowRender(e *Env, text string, st *State) (string, error) {
	tree, err := e.Parse("models/x.sql", text)
	if err != nil {
		return "", err
	}
	return e.NewRenderer().Execute("models/x.sql", tree, st)
}

// checkSame renders text both ways and fails when the fast path handled it
// but differs from text/template in output or recorded state. It reports
// whether the fast path handled it.
func checkSame(t *testing.T, e *Env, r *Renderer, name, text string, incremental bool) bool {
	t.Helper()
	fst := &State{Resolver: nameResolver{}, IsIncremental: incremental}
	out, ok := r.ExecuteFast(text, fst)
	if !ok {
		if !reflect.DeepEqual(*fst, State{Resolver: nameResolver{}, IsIncremental: incremental}) {
			t.Errorf("%s: fast path gave up but left state behind: %+v", name, *fst)
		}
		return false
	}
	sst := &State{Resolver: nameResolver{}, IsIncremental: incremental}
	want, err := slowRender(e, text, sst)
	if err != nil {
		t.Errorf("%s: fast path rendered %q, text/template fails: %v", name, out, err)
		return true
	}
	if out != want {
		t.Errorf("%s: fast path output differs\nfast: %q\nslow: %q", name, out, want)
	}
	if !reflect.DeepEqual(fst, sst) {
		t.Errorf("%s: fast path state differs\nfast: %+v\nslow: %+v", name, *fst, *sst)
	}
	return true
}

func TestExecuteFast(t *testing.T) {
	e := newEnv(t, orderDialect{order: []string{"duckdb", "default"}})
	cases := []struct {
		name, text  string
		incremental bool
		fast        bool   // expected to take the fast path
		want        string // expected output when fast
		refs        []string
		config      map[string]any
	}{
		{name: "plain text", text: "select 1", fast: true, want: "select 1", config: map[string]any{}},
		{name: "ref and source", text: `select * from {{ ref "a" }} join {{ source "raw" "t" }} on {{ref "pkg" "b"}}`, fast: true,
			want: "select * from REF(a) join SRC(raw.t) on REF(b)", refs: []string{"a", "b"}, config: map[string]any{}},
		{name: "ref twice recorded once", text: `{{ ref "a" }},{{ ref "a" }}`, fast: true, want: "REF(a),REF(a)", refs: []string{"a"}, config: map[string]any{}},
		{name: "raw string and escapes", text: "{{ ref `a\"b` }} {{ ref \"c\\td\" }}", fast: true, want: "REF(a\"b) REF(c\td)", refs: []string{`a"b`, "c\td"}, config: map[string]any{}},
		{name: "raw string drops carriage returns", text: "{{ ref `a\rb` }}", fast: true, want: "REF(ab)", refs: []string{"ab"}, config: map[string]any{}},
		{name: "string holding braces", text: `{{ ref "x}}y" }}!`, fast: true, want: "REF(x}}y)!", refs: []string{"x}}y"}, config: map[string]any{}},
		{name: "action over lines", text: "{{ ref\n  \"a\"\n}}", fast: true, want: "REF(a)", refs: []string{"a"}, config: map[string]any{}},
		{name: "this", text: `{{ this }}`, fast: true, want: "THIS", config: map[string]any{}},
		{name: "vars", text: `{{ var "n" }}/{{ var "s" }}/{{ var "missing" "d" }}/{{ var "missing" 7 }}`, fast: true, want: "3/x/d/7", config: map[string]any{}},
		{name: "config pairs and list", text: `{{ config "materialized" "table" "tags" (list "a" "b") "enabled" true "n" 3 }}x`, fast: true, want: "x",
			config: map[string]any{"materialized": "table", "tags": []string{"a", "b"}, "enabled": true, "n": 3}},
		{name: "include and dispatch", text: `{{ include "pair" "a" 2 }} {{ dispatch "dt" "c" }} {{ include "outer" "q" }}`, fast: true,
			want: "a+2 duckdb(c) [Q]", config: map[string]any{}},
		{name: "incremental off", text: `a{{ if is_incremental }}inc{{ ref "x" }}{{ else }}full{{ end }}b`, fast: true, want: "afullb", config: map[string]any{}},
		{name: "incremental on", text: `a{{ if is_incremental }}inc{{ ref "x" }}{{ else }}full{{ end }}b`, incremental: true, fast: true,
			want: "aincREF(x)b", refs: []string{"x"}, config: map[string]any{}},
		{name: "nested if", text: `{{ if is_incremental }}1{{ if is_incremental }}2{{ end }}{{ end }}3`, incremental: true, fast: true, want: "123", config: map[string]any{}},
		{name: "trim markers", text: `a {{- ref "x" -}} b`},
		{name: "comment", text: `{{/* c */}}x`},
		{name: "pipe", text: `{{ "a" | upper }}`},
		{name: "sprig call", text: `{{ upper "a" }}`},
		{name: "target", text: `{{ (target).schema }}`},
		{name: "undeclared var", text: `{{ var "nope" }}`},
		{name: "unknown macro", text: `{{ include "nope" }}`},
		{name: "macro that fails", text: `{{ include "loop" }}`},
		{name: "float literal", text: `{{ config "x" 1.5 }}`},
		{name: "octal literal", text: `{{ config "x" 010 }}`},
		{name: "negative literal", text: `{{ config "x" -1 }}`},
		{name: "unclosed action", text: `{{ ref "a" `},
		{name: "unclosed if", text: `{{ if is_incremental }}x`},
		{name: "stray end", text: `x{{ end }}`},
		{name: "else if", text: `{{ if is_incremental }}a{{ else if is_incremental }}b{{ end }}`},
		{name: "define in a model", text: `{{ define "m" }}x{{ end }}`},
		{name: "unknown function in a skipped branch", text: `{{ if is_incremental }}{{ nope }}{{ end }}`},
		{name: "config with one argument", text: `{{ config "materialized" }}`},
		{name: "ref with no arguments", text: `{{ ref }}`},
		{name: "empty action", text: `{{ }}`},
		{name: "call syntax", text: `{{ ref("a") }}`},
	}
	r := e.NewRenderer()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := &State{Resolver: nameResolver{}, IsIncremental: c.incremental}
			out, ok := r.ExecuteFast(c.text, st)
			if ok != c.fast {
				t.Fatalf("fast path taken = %v, want %v", ok, c.fast)
			}
			if !ok {
				return
			}
			if out != c.want {
				t.Errorf("output %q, want %q", out, c.want)
			}
			if !reflect.DeepEqual(st.Refs, c.refs) {
				t.Errorf("refs %q, want %q", st.Refs, c.refs)
			}
			if !reflect.DeepEqual(st.Config, c.config) {
				t.Errorf("config %#v, want %#v", st.Config, c.config)
			}
			checkSame(t, e, r, c.name, c.text, c.incremental)
		})
	}
}

// TestExecuteFastMatchesTemplate compares both paths on every model of the
// repository's projects and of a generated synthetic project, with
// is_incremental off and on, using each project's own macros.
func TestExecuteFastMatchesTemplate(t *testing.T) {
	synthDir := t.TempDir()
	if err := synth.Generate(synthDir, 200); err != nil {
		t.Fatal(err)
	}
	projects := []string{"../..", "../compile/testdata/shop", synthDir}
	for _, dir := range projects {
		var macroFiles []project.File
		var models []project.File
		for _, sub := range []string{"macros", "models", "tests"} {
			root := filepath.Join(dir, sub)
			if _, err := os.Stat(root); err != nil {
				continue
			}
			err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				f := project.File{Path: p, Text: string(b)}
				if sub == "macros" {
					macroFiles = append(macroFiles, f)
				} else {
					models = append(models, f)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(models) == 0 {
			t.Fatalf("%s: no models found", dir)
		}
		for _, typ := range []string{"duckdb", "databricks"} {
			e, err := NewEnv(Options{
				Project:    "p",
				Target:     adapter.Config{Name: "dev", Type: typ, Schema: "main"},
				Vars:       map[string]any{"as_of_date": "2026-10-31", "min_amount": 10, "start_date": "2024-01-01", "end_date": "2026-10-31"},
				MacroFiles: macroFiles,
			})
			if err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
			r := e.NewRenderer()
			fast := 0
			for _, m := range models {
				for _, inc := range []bool{false, true} {
					if checkSame(t, e, r, m.Path, m.Text, inc) {
						fast++
					}
				}
			}
			t.Logf("%s on %s: %d of %d renders took the fast path", dir, typ, fast, 2*len(models))
			if dir == synthDir && fast != 2*len(models) {
				t.Errorf("synthetic models: %d of %d renders took the fast path, want all", fast, 2*len(models))
			}
		}
	}
}

// FuzzExecuteFast: whenever the fast path renders a template, text/template
// renders it the same way and records the same state.
func FuzzExecuteFast(f *testing.F) {
	for _, s := range []string{
		`select * from {{ ref "a" }}`, `{{ source "raw" "t" }}`, `{{ config "tags" (list "a") "n" 1 }}`,
		`{{ if is_incremental }}x{{ else }}y{{ end }}`, `{{ include "pair" "a" "b" }}`, `{{ dispatch "dt" 1 }}`,
		`{{ var "n" }}{{ var "z" "d" }}`, "{{ ref `x` }}", "{{ ref \"a\xffb\" }}", "{{ ref `a\r\nb` }}", `{{ this }}`, `{{ ref "a}}" }}`, `{{ config "a" true }}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	e, err := NewEnv(Options{
		Project: "p", Target: adapter.Config{Name: "prod", Type: "duckdb", Schema: "analytics"},
		Vars: map[string]any{"n": 3, "s": "x"}, MacroFiles: []project.File{{Path: "macros/m.sql", Text: macros}},
	})
	if err != nil {
		f.Fatal(err)
	}
	r := e.NewRenderer()
	f.Fuzz(func(t *testing.T, text string, inc bool) {
		checkSame(t, e, r, "fuzz", text, inc)
	})
}

// TestMacroMemo: a pure macro's output is reused for the same arguments
// and still recorded as used; a macro reading is_incremental is not reused
// across renders that differ in it; arguments of different types differ.
func TestMacroMemo(t *testing.T) {
	e, err := NewEnv(Options{
		Project: "p", Target: adapter.Config{Name: "dev", Type: "duckdb", Schema: "main"},
		MacroFiles: []project.File{{Path: "macros/m.sql", Text: `{{ define "pure" }}<{{ printf "%v" . }}>{{ end }}` +
			`{{ define "inc" }}{{ if is_incremental }}I{{ else }}F{{ end }}{{ end }}`}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !e.pure["pure"] || e.pure["inc"] {
		t.Fatalf("pure = %v, want pure only for the macro without engine calls", e.pure)
	}
	r := e.NewRenderer()
	cases := []struct {
		name, text  string
		incremental bool
		want        string
	}{
		{"first call", `{{ include "pure" "a" }}`, false, "<a>"},
		{"same call again", `{{ include "pure" "a" }}{{ include "pure" "a" }}`, false, "<a><a>"},
		{"string and int differ", `{{ include "pure" "1" }}{{ include "pure" 1 }}{{ include "pure" "b" }}`, false, "<1><1><b>"},
		{"impure full", `{{ include "inc" }}`, false, "F"},
		{"impure incremental", `{{ include "inc" }}`, true, "I"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := &State{Resolver: nameResolver{}, IsIncremental: c.incremental}
			tree, err := e.Parse("models/x.sql", c.text)
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.Execute("models/x.sql", tree, st)
			if err != nil {
				t.Fatal(err)
			}
			if out != c.want {
				t.Errorf("output %q, want %q", out, c.want)
			}
			if len(st.Macros) != 1 {
				t.Errorf("macros recorded %q, want one", st.Macros)
			}
		})
	}
	if _, ok := r.memo["pure\x00s1:a"]; !ok {
		t.Errorf("memo %q lacks the call of pure with \"a\"", r.memo)
	}
}
