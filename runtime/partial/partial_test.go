package partial

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/manifest"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// testTarget is a DuckDB target as profile.Resolve returns it for
// `type: duckdb, path: warehouse/<db>.duckdb, threads: 4`.
func testTarget(db string) adapter.Config {
	return adapter.Config{Name: "dev", Type: "duckdb", Schema: "main", Threads: 4,
		Fields: map[string]any{"type": "duckdb", "path": "warehouse/" + db + ".duckdb", "threads": 4}}
}

func testOptions(vars map[string]any) Options {
	t := testTarget("techstore")
	return Options{Compile: compile.Options{Target: t, Dialect: duckdb.DialectFor(t), Vars: vars}}
}

// copyTree copies the files under src (hidden folders and target/ left
// out) to dst.
func copyTree(t *testing.T, src, dst string, only ...string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if de.IsDir() {
			if rel != "." && (strings.HasPrefix(de.Name(), ".") || rel == "target") {
				return filepath.SkipDir
			}
			if len(only) > 0 && rel != "." && !strings.Contains(rel, string(filepath.Separator)) {
				keep := false
				for _, o := range only {
					keep = keep || rel == o
				}
				if !keep {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if len(only) > 0 && !strings.Contains(rel, string(filepath.Separator)) {
			keep := false
			for _, o := range only {
				keep = keep || rel == o
			}
			if !keep {
				return nil
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func manifestBytes(t *testing.T, e *compile.Engine) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "manifest.json")
	err := manifest.WriteFile(p, e.Project, e.DAG, manifest.Metadata{
		AdapterType: "duckdb", TargetName: "dev", RelationName: e.RelationName,
		GeneratedAt: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameEngine checks that got behaves as want (a fresh compile.Load):
// equal projects and settings, byte-identical manifests, the same DAG
// order, relations, and renders at execution time (incremental or not).
func sameEngine(t *testing.T, got, want *compile.Engine) {
	t.Helper()
	if !reflect.DeepEqual(got.Project, want.Project) {
		for id, n := range want.Project.Nodes {
			if !reflect.DeepEqual(got.Project.Nodes[id], n) {
				t.Errorf("node %s differs:\n got %+v\nwant %+v", id, got.Project.Nodes[id], n)
				break
			}
		}
		t.Fatalf("restored project differs from a fresh load")
	}
	if !reflect.DeepEqual(got.Settings, want.Settings) {
		t.Fatalf("settings differ: %+v vs %+v", got.Settings, want.Settings)
	}
	if !reflect.DeepEqual(got.DAG, want.DAG) {
		t.Fatalf("DAG differs")
	}
	if !bytes.Equal(manifestBytes(t, got), manifestBytes(t, want)) {
		t.Fatalf("manifests differ")
	}
	for id, n := range want.Project.Nodes {
		if got.Relation(id) != want.Relation(id) || got.RelationName(id) != want.RelationName(id) {
			t.Fatalf("relation of %s: %v vs %v", id, got.Relation(id), want.Relation(id))
		}
		if n.ResourceType != project.Model {
			continue
		}
		for _, inc := range []bool{false, true} {
			g, gerr := got.Render(got.Project.Nodes[id], compile.RenderContext{IsIncremental: inc})
			w, werr := want.Render(n, compile.RenderContext{IsIncremental: inc})
			if g != w || (gerr == nil) != (werr == nil) {
				t.Fatalf("render %s (incremental %v): %q, %v; want %q, %v", id, inc, g, gerr, w, werr)
			}
		}
	}
	for id := range want.Project.Sources {
		if got.RelationName(id) != want.RelationName(id) {
			t.Fatalf("relation of %s differs", id)
		}
	}
}

// loadTwice loads dir through the cache twice (a miss that writes, then a
// hit) and returns the hit.
func loadTwice(t *testing.T, dir string, o Options) *compile.Engine {
	t.Helper()
	_, hit := missThenHit(t, dir, o)
	return hit
}

// missThenHit loads dir through the cache twice and returns both Engines:
// the miss (loaded from the files the key was hashed from) and the hit.
func missThenHit(t *testing.T, dir string, o Options) (miss, hit *compile.Engine) {
	t.Helper()
	ctx := context.Background()
	miss, st, err := Load(ctx, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if st.Hit || !st.Wrote {
		t.Fatalf("first load: %+v, want a miss that writes the cache", st)
	}
	e, st, err := Load(ctx, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Hit {
		t.Fatalf("second load: %+v, want a hit", st)
	}
	return miss, e
}

func TestRestoredEngineEqualsFreshLoad(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		vars  map[string]any
	}{
		{"techstore", func(t *testing.T, dir string) {
			copyTree(t, "../..", dir, "project.yml", "selectors.yml", "models", "macros", "seeds", "tests")
		}, map[string]any{"as_of_date": "2026-10-31"}},
		{"shop with ephemeral models", func(t *testing.T, dir string) {
			copyTree(t, "../compile/testdata/shop", dir)
		}, map[string]any{"min_amount": 7}},
		{"no models at all", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"project.yml": "name: empty\nprofile: empty\n"})
		}, nil},
		{"sources and a seed only", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{
				"project.yml":     "name: src\nprofile: src\n",
				"models/src.yml":  "sources:\n  - name: raw\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [unique]\n",
				"seeds/codes.csv": "code,name\nde,Germany\n",
				"seeds/codes.yml": "seeds:\n  - name: codes\n    description: country codes\n",
			})
		}, nil},
		{"synthetic 300 models", func(t *testing.T, dir string) {
			if err := synth.Generate(dir, 300); err != nil {
				t.Fatal(err)
			}
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.setup(t, dir)
			o := testOptions(c.vars)
			miss, hit := missThenHit(t, dir, o)
			fresh, err := compile.Load(context.Background(), dir, o.Compile)
			if err != nil {
				t.Fatal(err)
			}
			sameEngine(t, miss, fresh)
			sameEngine(t, hit, fresh)
		})
	}
}

// A template reads this variable with env; tests set it with t.Setenv.
const envName = "TECHSTORE_PARTIAL_TEST_REGION"

func baseProject() map[string]string {
	return map[string]string{
		"project.yml":      "name: inv\nprofile: inv\nvars:\n  min_amount: 10\nmodels:\n  inv:\n    +materialized: table\n",
		"models/a.sql":     "{{ config \"tags\" (list \"a\") }}select 1 as id, '{{ env \"" + envName + "\" \"none\" }}' as region\n",
		"models/b.sql":     "select * from {{ ref \"a\" }} where id >= {{ var \"min_amount\" }} and {{ include \"flag\" }}\n",
		"models/props.yml": "models:\n  - name: a\n    description: the a model\n    columns:\n      - name: id\n        tests: [not_null]\n",
		"macros/m.sql":     "{{ define \"flag\" }}1 = 1{{ end }}\n",
	}
}

func TestChangesInvalidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string, o *Options)
		check  func(e *compile.Engine) bool // true when the change shows
	}{
		{"model body", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/b.sql": "select id + 1 as id from {{ ref \"a\" }}\n"})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id + 1")
		}},
		{"model body, same size", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/b.sql": "select * from {{ ref \"a\" }} where id >= {{ var \"min_amount\" }} and {{ include \"flag\" }}\r"})
		}, func(e *compile.Engine) bool {
			return strings.HasSuffix(e.Project.Nodes["model.inv.b"].CompiledCode, "1 = 1\r")
		}},
		{"YAML description", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/props.yml": "models:\n  - name: a\n    description: the changed model\n    columns:\n      - name: id\n        tests: [not_null]\n"})
		}, func(e *compile.Engine) bool {
			return e.Project.Nodes["model.inv.a"].Description == "the changed model"
		}},
		{"macro", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"macros/m.sql": "{{ define \"flag\" }}2 = 2{{ end }}\n"})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "2 = 2")
		}},
		{"project.yml var default", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"project.yml": "name: inv\nprofile: inv\nvars:\n  min_amount: 42\nmodels:\n  inv:\n    +materialized: table\n"})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id >= 42")
		}},
		{"--vars", func(_ *testing.T, _ string, o *Options) {
			o.Compile.Vars = map[string]any{"min_amount": 5}
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id >= 5")
		}},
		{"--vars same text, other type", func(_ *testing.T, _ string, o *Options) {
			o.Compile.Vars = map[string]any{"min_amount": "10"}
		}, func(e *compile.Engine) bool {
			return e.Project.Vars["min_amount"] == "10"
		}},
		{"env var read by a template", func(t *testing.T, _ string, _ *Options) {
			t.Setenv(envName, "emea")
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.a"].CompiledCode, "'emea'")
		}},
		{"target schema", func(_ *testing.T, _ string, o *Options) {
			o.Compile.Target.Schema = "analytics"
		}, func(e *compile.Engine) bool {
			return e.Project.Nodes["model.inv.a"].Schema == "analytics"
		}},
		{"target name", func(_ *testing.T, _ string, o *Options) {
			o.Compile.Target.Name = "prod"
		}, func(e *compile.Engine) bool { return true }},
		{"target field (database file)", func(_ *testing.T, _ string, o *Options) {
			o.Compile.Target = testTarget("other")
			o.Compile.Dialect = duckdb.DialectFor(o.Compile.Target)
		}, func(e *compile.Engine) bool { return true }},
		{"add a model", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/sub/c.sql": "select * from {{ ref \"b\" }}\n"})
		}, func(e *compile.Engine) bool {
			_, ok := e.Project.Nodes["model.inv.c"]
			return ok
		}},
		{"add a file the loader ignores today", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/notes.md": "# notes\n"})
		}, func(e *compile.Engine) bool { return true }},
		{"remove a YAML file", func(t *testing.T, dir string, _ *Options) {
			if err := os.Remove(filepath.Join(dir, "models", "props.yml")); err != nil {
				t.Fatal(err)
			}
		}, func(e *compile.Engine) bool {
			return e.Project.Nodes["model.inv.a"].Description == "" && len(e.Project.Nodes) == 2
		}},
		{"add selectors.yml", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"selectors.yml": "selectors:\n  - name: all\n    definition: a\n"})
		}, func(e *compile.Engine) bool { return e.Project.SelectorsFile == "selectors.yml" }},
		{"a YAML file at the root (packages.yml)", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"packages.yml": "packages: []\n"})
		}, func(e *compile.Engine) bool { return true }},
		{"two model bodies", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{
				"models/a.sql": "{{ config \"tags\" (list \"a\") }}select 2 as id, '{{ env \"" + envName + "\" \"none\" }}' as region\n",
				"models/b.sql": "select id * 3 as id from {{ ref \"a\" }}\n",
			})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.a"].CompiledCode, "select 2") &&
				strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id * 3")
		}},
		{"YAML comment line at the end", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/props.yml": baseProject()["models/props.yml"] + "# reviewed\n"})
		}, func(e *compile.Engine) bool {
			return strings.HasSuffix(e.Project.PropsFiles[0].Text, "# reviewed\n")
		}},
		{"YAML test added", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/props.yml": strings.Replace(baseProject()["models/props.yml"], "[not_null]", "[not_null, unique]", 1)})
		}, func(e *compile.Engine) bool {
			return e.Project.Nodes["test.inv.unique_a_id"] != nil
		}},
		{"YAML description on a new line", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/props.yml": strings.Replace(baseProject()["models/props.yml"], "      - name: id\n", "      - name: id\n        description: the key\n", 1)})
		}, func(e *compile.Engine) bool {
			return e.Project.Nodes["model.inv.a"].Columns[0].Description == "the key"
		}},
		{"a model body that drops its ref", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/b.sql": "select 1 as id\n"})
		}, func(e *compile.Engine) bool {
			return len(e.Project.Nodes["model.inv.b"].DependsOn.Nodes) == 0 && len(e.DAG.Parents("model.inv.b")) == 0
		}},
		{"a model's config call", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{"models/a.sql": "{{ config \"tags\" (list \"z\") }}select 1 as id, '{{ env \"" + envName + "\" \"none\" }}' as region\n"})
		}, func(e *compile.Engine) bool {
			return slices.Contains(e.Project.Nodes["model.inv.a"].Tags, "z")
		}},
		{"a model body that reads another env var", func(t *testing.T, dir string, _ *Options) {
			t.Setenv("TECHSTORE_PARTIAL_TEST_OTHER", "x1")
			writeFiles(t, dir, map[string]string{"models/b.sql": "select '{{ env \"TECHSTORE_PARTIAL_TEST_OTHER\" }}' as o from {{ ref \"a\" }}\n"})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "'x1'")
		}},
		{"a model body and a YAML file", func(t *testing.T, dir string, _ *Options) {
			writeFiles(t, dir, map[string]string{
				"models/b.sql":     "select id + 1 as id from {{ ref \"a\" }}\n",
				"models/props.yml": "models:\n  - name: a\n    description: edited too\n",
			})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id + 1") &&
				e.Project.Nodes["model.inv.a"].Description == "edited too"
		}},
		{"a model body and the env var value", func(t *testing.T, dir string, _ *Options) {
			t.Setenv(envName, "apac")
			writeFiles(t, dir, map[string]string{"models/b.sql": "select id + 1 as id from {{ ref \"a\" }}\n"})
		}, func(e *compile.Engine) bool {
			return strings.Contains(e.Project.Nodes["model.inv.a"].CompiledCode, "'apac'")
		}},
		{"a hidden folder under models is not an input", nil, nil},
		{"another binary", func(_ *testing.T, _ string, o *Options) {
			o.BinaryID = "test-binary-2"
		}, func(e *compile.Engine) bool { return true }},
	}
	// The changes that only edit model SQL (same config calls) are
	// applied to the restored Engine; every other one loads in full.
	updated := map[string]int{"model body": 1, "model body, same size": 1, "two model bodies": 2, "a model body that drops its ref": 1}
	// The changes of descriptions alone in a properties file are applied
	// too.
	described := map[string]int{"YAML description": 1, "YAML comment line at the end": 1}
	// Why a change loads in full, as compile prints it.
	reasons := map[string]string{
		"YAML test added":                         "models/props.yml changed more than descriptions in place (only edits of model SQL, and of descriptions in properties files",
		"YAML description on a new line":          "models/props.yml changed more than descriptions in place",
		"macro":                                   "macros/m.sql changed, and it is not a model",
		"project.yml var default":                 "project.yml changed",
		"--vars":                                  "the techstore binary, --vars or the target changed",
		"target schema":                           "the techstore binary, --vars or the target changed",
		"another binary":                          "the techstore binary, --vars or the target changed",
		"env var read by a template":              "an environment variable the templates read changed (" + envName + ")",
		"add a model":                             "files were added or removed",
		"remove a YAML file":                      "files were added or removed",
		"add selectors.yml":                       "selectors.yml changed",
		"a model's config call":                   "models/a.sql: its config calls changed",
		"a model body that reads another env var": "the templates read other environment variables",
		"a model body and a YAML file":            "models/props.yml changed",
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(envName, "na")
			dir := t.TempDir()
			writeFiles(t, dir, baseProject())
			o := testOptions(nil)
			o.BinaryID = "test-binary-1"
			loadTwice(t, dir, o)
			if c.change == nil { // the loader skips hidden folders: so does the key
				writeFiles(t, dir, map[string]string{"models/.scratch/x.sql": "select {{ now }}"})
				if _, st, err := Load(ctx, dir, o); err != nil || !st.Hit {
					t.Fatalf("after a change in a hidden folder: %+v, %v; want a hit", st, err)
				}
				return
			}
			c.change(t, dir, &o)
			e, st, err := Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Hit {
				t.Fatalf("after the change the cache was used: %+v", st)
			}
			if !c.check(e) {
				t.Fatalf("the change does not show in the load")
			}
			if st.Updated != updated[c.name] || st.Described != described[c.name] || !st.Wrote {
				t.Fatalf("status %+v: want %d edited files rendered again, %d properties files' descriptions applied and the cache written",
					st, updated[c.name], described[c.name])
			}
			if want, ok := reasons[c.name]; ok && !strings.Contains(st.Reason, want) {
				t.Fatalf("reason %q, want it to say %q", st.Reason, want)
			}
			fresh, err := compile.Load(ctx, dir, o.Compile)
			if err != nil {
				t.Fatal(err)
			}
			sameEngine(t, e, fresh)
			// The new cache holds the changed project.
			e2, st, err := Load(ctx, dir, o)
			if err != nil || !st.Hit {
				t.Fatalf("load after the change: %+v, %v; want a hit", st, err)
			}
			sameEngine(t, e2, fresh)
		})
	}
}

func TestVolatileTemplatesAreNotCached(t *testing.T) {
	cases := []struct {
		name, model string
		cached      bool
		reason      string // part of the reason when not cached
	}{
		{"now", `select '{{ now | date "2006-01-02" }}' as d`, false, "calls now"},
		{"date of a var", `select '{{ date "2006" (var "d") }}' as d`, false, "calls date"},
		{"uuidv4", `select '{{ uuidv4 }}' as id`, false, "calls uuidv4"},
		{"randAlphaNum in a macro call", `select '{{ include "m" (randAlphaNum 4) }}' as id`, false, "calls randAlphaNum"},
		{"env with a computed name", `select '{{ env (printf "X_%s" "Y") "d" }}' as x`, false, "env called without a literal name"},
		{"env piped", `select '{{ "HOME" | env }}' as x`, false, "env called without a literal name"},
		{"now in SQL text only", `select now() as d, current_date as date`, true, ""},
		{"date in a comment and a string", `{{/* the date of now */}}select {{ dispatch "datediff" "a" "b" }} as d`, true, ""},
		{"date as a field", `select '{{ $x := dict "date" 1 }}{{ $x.date }}' as d`, true, ""},
		{"env with a literal name", `select '{{ env "HOME" "h" }}' as h`, true, ""},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"project.yml":  "name: vol\nprofile: vol\nvars:\n  d: 2026-10-31T00:00:00Z\n",
				"models/x.sql": c.model,
				"macros/m.sql": "{{ define \"m\" }}{{ . }}{{ end }}{{ define \"default__datediff\" }}{{ index . 1 }} - {{ index . 0 }}{{ end }}",
			})
			o := testOptions(nil)
			_, st, err := Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Wrote != c.cached {
				t.Fatalf("wrote = %v, want %v (%s)", st.Wrote, c.cached, st.Reason)
			}
			if !c.cached && !strings.Contains(st.Reason, c.reason) {
				t.Errorf("reason %q does not say %q", st.Reason, c.reason)
			}
			_, st, err = Load(ctx, dir, o)
			if err != nil || st.Hit != c.cached {
				t.Fatalf("second load: %+v, %v; want hit = %v", st, err, c.cached)
			}
		})
	}
}

// cacheFile returns the path and bytes of dir's cache file.
func cacheFile(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	p, err := Path(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestDamagedCacheIsIgnored(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, baseProject())
	o := testOptions(nil)
	o.BinaryID = "test-binary"
	loadTwice(t, dir, o)
	cachePath, good := cacheFile(t, dir)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x55
		return b
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("not a cache at all")},
		{"magic only", []byte(magic)},
		{"other format version", append([]byte(magic), 99)},
		{"truncated header", good[:len(magic)+10]},
		{"truncated body", good[:len(good)-7]},
		{"one byte short", good[:len(good)-1]},
		{"a byte too many", append(bytes.Clone(good), 0)},
		{"flipped byte in the key", flip(len(magic) + 3)},
		{"flipped byte in the body", flip(len(good) - 20)},
		{"flipped last byte", flip(len(good) - 1)},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(cachePath, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			e, st, err := Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Hit {
				t.Fatalf("a damaged cache was used")
			}
			if e.Project.Nodes["model.inv.b"] == nil || !st.Wrote {
				t.Fatalf("load after a damaged cache: %+v", st)
			}
		})
	}
}

// shopBody is the encoded snapshot of a fresh load of testdata/shop.
func shopBody(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, "../compile/testdata/shop", dir)
	e, err := compile.Load(context.Background(), dir, testOptions(nil).Compile)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := encodeSnapshot(&buf, e.Snapshot()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeNeverPanics decodes every prefix and many one-byte changes of
// a real body (the CRC is bypassed: this is the decoder's own guard).
func TestDecodeNeverPanics(t *testing.T) {
	body := shopBody(t)
	if _, err := decodeSnapshot(body); err != nil {
		t.Fatalf("the intact body does not decode: %v", err)
	}
	for n := 0; n < len(body); n++ {
		if _, err := decodeSnapshot(body[:n]); err == nil {
			t.Fatalf("a body cut at %d of %d bytes decoded", n, len(body))
		}
	}
	for i := 0; i < len(body); i += 7 {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(body)
			b[i] ^= x
			decodeSnapshot(b) // may decode (a changed string) but must not panic
		}
	}
}

func TestConcurrentLoads(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Generate(dir, 200); err != nil {
		t.Fatal(err)
	}
	o := testOptions(nil)
	fresh, err := compile.Load(context.Background(), dir, o.Compile)
	if err != nil {
		t.Fatal(err)
	}
	want := manifestBytes(t, fresh)
	for round := range 2 { // round 0: every loader misses and writes; round 1: hits
		var wg sync.WaitGroup
		engines := make([]*compile.Engine, 4)
		errs := make([]error, 4)
		for i := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				engines[i], _, errs[i] = Load(context.Background(), dir, o)
			}()
		}
		wg.Wait()
		for i, e := range engines {
			if errs[i] != nil {
				t.Fatalf("round %d loader %d: %v", round, i, errs[i])
			}
			if !bytes.Equal(manifestBytes(t, e), want) {
				t.Fatalf("round %d loader %d: manifest differs", round, i)
			}
		}
	}
	_, st, err := Load(context.Background(), dir, o)
	if err != nil || !st.Hit {
		t.Fatalf("after concurrent writers: %+v, %v; want a hit", st, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "target", "*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestDisabled(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, baseProject())
	o := testOptions(nil)
	o.Disabled = true
	if _, st, err := Load(context.Background(), dir, o); err != nil || st.Wrote || st.Hit {
		t.Fatalf("disabled: %+v, %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", FileName)); err == nil {
		t.Fatalf("disabled partial parsing wrote %s", FileName)
	}
}

// TestWriteBehind: with WriteBehind a miss returns before the cache is
// written; after Wait the file is there and the next load hits, equal to
// a fresh load. A write that fails is reported by Wait, not by Load.
func TestWriteBehind(t *testing.T) {
	ctx := context.Background()
	t.Run("written after Wait", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, baseProject())
		o := testOptions(nil)
		o.WriteBehind = true
		_, st, err := Load(ctx, dir, o)
		if err != nil {
			t.Fatal(err)
		}
		st.Wait()
		if st.Hit || !st.Wrote || st.Key == "" {
			t.Fatalf("miss with write behind: %+v, want written with a key", st)
		}
		hit, st2, err := Load(ctx, dir, o)
		if err != nil || !st2.Hit || st2.Key != st.Key {
			t.Fatalf("next load: %+v, %v; want a hit with key %s", st2, err, st.Key)
		}
		fresh, err := compile.Load(ctx, dir, o.Compile)
		if err != nil {
			t.Fatal(err)
		}
		sameEngine(t, hit, fresh)
	})
	t.Run("a failed write", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, baseProject())
		// target/partial_parse.bin is a folder: the rename over it fails.
		if err := os.MkdirAll(filepath.Join(dir, "target", FileName, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		o := testOptions(nil)
		o.WriteBehind = true
		e, st, err := Load(ctx, dir, o)
		if err != nil || e == nil {
			t.Fatalf("load: %v; a cache that cannot be written is never an error", err)
		}
		st.Wait()
		if st.Wrote || !strings.Contains(st.Reason, "not cached") {
			t.Fatalf("after Wait: %+v, want not written and the reason", st)
		}
		st.Wait() // a second Wait returns at once
	})
}

// TestLoadErrorsAreTheLoaders: a project that does not load reports the
// loader's error, cache or not, and a cache never hides it.
func TestLoadErrorsAreTheLoaders(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, baseProject())
	o := testOptions(nil)
	loadTwice(t, dir, o)
	writeFiles(t, dir, map[string]string{"models/b.sql": "select * from {{ ref \"nope\" }}\n"})
	_, _, err := Load(context.Background(), dir, o)
	if err == nil || !strings.Contains(err.Error(), "models/b.sql") || !strings.Contains(err.Error(), `ref "nope"`) {
		t.Fatalf("error = %v, want the loader's error naming models/b.sql", err)
	}
}

// TestFieldsCovered fails when a field is added to a type the cache
// stores: encode and decode it in codec.go, then update the count here.
// (TestRestoredEngineEqualsFreshLoad also catches a field that a load
// fills but the codec drops.)
func TestFieldsCovered(t *testing.T) {
	cases := []struct {
		v    any
		want int
	}{
		{project.Project{}, 17},
		{project.Node{}, 29},
		{project.Config{}, 20},
		{project.Column{}, 6},
		{project.Source{}, 15},
		{project.TestSpec{}, 5},
		{project.TestMetadata{}, 5},
		{project.DependsOn{}, 2},
		{project.File{}, 2},
		{project.Settings{}, 4},
		{compile.Snapshot{}, 5},
		{compile.EphemeralSQL{}, 3},
	}
	for _, c := range cases {
		typ := reflect.TypeOf(c.v)
		t.Run(typ.Name(), func(t *testing.T) {
			if got := typ.NumField(); got != c.want {
				t.Errorf("%s has %d fields, the cache codec knows %d: add the new field to runtime/partial/codec.go", typ, got, c.want)
			}
		})
	}
}

func TestManifestRecord(t *testing.T) {
	cases := []struct {
		name   string
		racy   bool                                 // the record is written in the manifest's clock tick
		change func(t *testing.T, path, rec string) // after RecordManifest
		st     Status                               // given to ManifestUpToDate
		want   bool
	}{
		{"untouched", false, func(*testing.T, string, string) {}, Status{Key: "k1"}, true},
		{"other key", false, func(*testing.T, string, string) {}, Status{Key: "k2"}, false},
		{"not cacheable", false, func(*testing.T, string, string) {}, Status{}, false},
		{"rewritten, same size", false, func(t *testing.T, path, _ string) {
			writeFiles(t, filepath.Dir(path), map[string]string{"manifest.json": `{"b": 2}`})
		}, Status{Key: "k1"}, false},
		{"other size", false, func(t *testing.T, path, _ string) {
			writeFiles(t, filepath.Dir(path), map[string]string{"manifest.json": `{"a": 10}`})
		}, Status{Key: "k1"}, false},
		{"removed", false, func(t *testing.T, path, _ string) { os.Remove(path) }, Status{Key: "k1"}, false},
		{"record removed", false, func(t *testing.T, _, rec string) { os.Remove(rec) }, Status{Key: "k1"}, false},
		{"record damaged", false, func(t *testing.T, _, rec string) { os.WriteFile(rec, []byte("k1 x"), 0o644) }, Status{Key: "k1"}, false},
		{"racily clean, untouched", true, func(*testing.T, string, string) {}, Status{Key: "k1"}, true},
		{"racily clean, other bytes in the same tick", true, func(t *testing.T, path, _ string) {
			fi, _ := os.Stat(path)
			writeFiles(t, filepath.Dir(path), map[string]string{"manifest.json": `{"b": 2}`})
			os.Chtimes(path, fi.ModTime(), fi.ModTime())
		}, Status{Key: "k1"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "manifest.json")
			writeFiles(t, dir, map[string]string{"manifest.json": `{"a": 1}`})
			// A manifest time in the past leaves the record trusted by
			// time; one in the future stands for a write in the same tick.
			mt := time.Now().Add(-time.Hour)
			if c.racy {
				mt = time.Now().Add(time.Hour)
			}
			os.Chtimes(path, mt, mt)
			if err := RecordManifest(path, Status{Key: "k1"}, manifest.Layout{}); err != nil {
				t.Fatal(err)
			}
			c.change(t, path, recordPath(path))
			if got := ManifestUpToDate(path, c.st); got != c.want {
				t.Errorf("up to date = %v, want %v", got, c.want)
			}
		})
	}
}

func TestExecutableID(t *testing.T) {
	a, err := executableID()
	if err != nil {
		t.Fatal(err)
	}
	b, err := executableID()
	if err != nil || a != b {
		t.Fatalf("executableID is not stable: %q, %q, %v", a, b, err)
	}
	if !strings.HasPrefix(a, "go-build-id:") && !strings.HasPrefix(a, "sha256:") {
		t.Fatalf("executableID = %q, want a Go build ID or a sha256", a)
	}
}

// TestEncodeReusing: nodes copied from an earlier encoding
// (decodeSnapshotSpans) and nodes encoded afresh decode together to the
// snapshot as it is now, edited node included.
func TestEncodeReusing(t *testing.T) {
	spans := map[*project.Node][]byte{}
	snap, err := decodeSnapshotSpans(shopBody(t), spans)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != len(snap.Project.Nodes) {
		t.Fatalf("%d spans for %d nodes", len(spans), len(snap.Project.Nodes))
	}
	edited := snap.Project.Nodes["model.shop.b_orders"]
	edited.RawCode += "-- edited\n"
	edited.CompiledCode += "-- edited\n"
	delete(spans, edited)
	var again bytes.Buffer
	if err := encodeSnapshotReusing(&again, snap, spans); err != nil {
		t.Fatal(err)
	}
	got, err := decodeSnapshot(again.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Project.Nodes, snap.Project.Nodes) {
		t.Fatal("nodes decoded from the reused encoding differ from the snapshot")
	}
	if !strings.HasSuffix(got.Project.Nodes["model.shop.b_orders"].RawCode, "-- edited\n") {
		t.Fatal("the edited node was not encoded afresh")
	}
}

// TestManifestReuse: after an update, ManifestReuse offers the manifest
// the previous Engine wrote (as recorded) and the manifest written from
// it equals a full one; it offers nothing when the manifest there is not
// that one, or when the load was not an update.
func TestManifestReuse(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		before func(t *testing.T, path string) // between the record and the edit
		reuse  bool
	}{
		{"recorded manifest", nil, true},
		{"manifest rewritten since, other size", func(t *testing.T, path string) {
			writeFiles(t, filepath.Dir(path), map[string]string{filepath.Base(path): "{}\n"})
		}, false},
		{"record removed", func(t *testing.T, path string) {
			if err := os.Remove(recordPath(path)); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(envName, "na")
			dir := t.TempDir()
			writeFiles(t, dir, baseProject())
			o := testOptions(nil)
			path := filepath.Join(dir, "target", "manifest.json")
			e, st, err := Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if r, _ := ManifestReuse(path, st); r != nil {
				t.Fatal("a full load offers reuse")
			}
			l, err := e.WriteManifestReusing(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := RecordManifest(path, st, l); err != nil {
				t.Fatal(err)
			}
			if c.before != nil {
				c.before(t, path)
			}
			writeFiles(t, dir, map[string]string{"models/b.sql": "select id + 1 as id from {{ ref \"a\" }}\n"})
			e, st, err = Load(ctx, dir, o)
			if err != nil || st.Updated != 1 {
				t.Fatalf("load after the edit: %+v, %v; want an update", st, err)
			}
			reuse, done := ManifestReuse(path, st)
			if (reuse != nil) != c.reuse {
				t.Fatalf("reuse offered = %v, want %v", reuse != nil, c.reuse)
			}
			if reuse == nil {
				return
			}
			if reuse.Graph || len(reuse.Changed) != 1 || !reuse.Changed["model.inv.b"] {
				t.Fatalf("reuse %+v: want model.inv.b changed, the graph not", reuse)
			}
			if _, err := e.WriteManifestReusing(path, reuse); err != nil {
				t.Fatal(err)
			}
			done()
			fresh, err := compile.Load(ctx, dir, o.Compile)
			if err != nil {
				t.Fatal(err)
			}
			fullPath := filepath.Join(t.TempDir(), "manifest.json")
			if err := fresh.WriteManifest(fullPath); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			want, _ := os.ReadFile(fullPath)
			mask := regexp.MustCompile(`"generated_at":"[^"]*"`)
			if !bytes.Equal(mask.ReplaceAll(got, nil), mask.ReplaceAll(want, nil)) {
				t.Fatalf("manifest written with reuse differs from a full one:\n%s\n%s", got, want)
			}
		})
	}
}

// TestUnchangedFilesNotRead: with the cache file's record (prior), files
// whose state is unchanged are not read again and hash as before; a file
// rewritten with content of the same size and its modification time set
// back is read (its change time moved) and its edit shows; a file
// touched within the racy window of the hashing is always read.
func TestUnchangedFilesNotRead(t *testing.T) {
	defer func(w int64) { racyWindow = w }(racyWindow)
	racyWindow = int64(50 * time.Millisecond) // instead of 2 s, to keep the test short
	t.Setenv(envName, "na")
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, baseProject())
	time.Sleep(3 * time.Duration(racyWindow))
	o := testOptions(nil)
	if _, st, err := Load(ctx, dir, o); err != nil || !st.Wrote {
		t.Fatalf("first load: %+v, %v", st, err)
	}
	prior := func() *prior {
		data, err := os.ReadFile(filepath.Join(dir, "target", FileName))
		if err != nil {
			t.Fatal(err)
		}
		h, _, ok := parseHeader(data)
		if !ok || h.prior() == nil {
			t.Fatal("the cache file has no record of the files")
		}
		return h.prior()
	}
	full, err := hashInputs(ctx, dir, true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	known, err := hashInputs(ctx, dir, true, true, prior())
	if err != nil {
		t.Fatal(err)
	}
	if known.read != 0 || known.digest != full.digest || !slices.Equal(known.use.env, full.use.env) {
		t.Fatalf("unchanged project: %d files read, digest equal %v, env %v vs %v; want none read, the same digest and env",
			known.read, known.digest == full.digest, known.use.env, full.use.env)
	}
	if len(full.use.env) != 1 || full.use.env[0] != envName {
		t.Fatalf("env read by the templates = %v, want [%s]", full.use.env, envName)
	}

	// Same size, modification time set back: the change time gives it away.
	p := filepath.Join(dir, "models", "b.sql")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	was, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	now := strings.Replace(string(was), ">=", "> ", 1)
	if len(now) != len(was) || now == string(was) {
		t.Fatalf("bad edit %q", now)
	}
	time.Sleep(10 * time.Millisecond) // past the timestamp tick of the first write
	if err := os.WriteFile(p, []byte(now), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	edited, err := hashInputs(ctx, dir, true, true, prior())
	if err != nil {
		t.Fatal(err)
	}
	if edited.read != 1 || edited.digest == full.digest {
		t.Fatalf("after the edit: %d files read, digest changed %v; want b.sql read and a new digest", edited.read, edited.digest != full.digest)
	}
	e, st, err := Load(ctx, dir, o)
	if err != nil || st.Updated != 1 || !strings.Contains(e.Project.Nodes["model.inv.b"].CompiledCode, "id >  10") {
		t.Fatalf("load after the edit: %+v, %v", st, err)
	}

	// Just written (b.sql, by the edit): racy for the cache written now,
	// so read again however unchanged its state.
	again, err := hashInputs(ctx, dir, true, true, prior())
	if err != nil {
		t.Fatal(err)
	}
	if again.read != 1 {
		t.Fatalf("right after the edit: %d files read, want 1 (b.sql, within the racy window)", again.read)
	}
}

// TestHeaderNeverPanics: every prefix of a real cache file, and a flip of
// every byte of its header, parses or is refused without a panic, and a
// Load with it returns the project as a fresh load does (from the cache,
// updated, or in full).
func TestHeaderNeverPanics(t *testing.T) {
	// Files older than the racy window, so that the recorded states and
	// sums are used (and a flipped sum is trusted for an unread file).
	defer func(w int64) { racyWindow = w }(racyWindow)
	racyWindow = int64(50 * time.Millisecond)
	t.Setenv(envName, "na")
	dir := t.TempDir()
	writeFiles(t, dir, baseProject())
	time.Sleep(3 * time.Duration(racyWindow))
	o := testOptions(nil)
	loadTwice(t, dir, o)
	cachePath, good := cacheFile(t, dir)
	_, body, ok := parseHeader(good)
	if !ok {
		t.Fatal("the intact file does not parse")
	}
	headerLen := len(good) - len(body) - trailerLen
	fresh, err := compile.Load(context.Background(), dir, o.Compile)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(good); n++ {
		if h, _, ok := parseHeader(good[:n]); ok {
			t.Fatalf("a file cut at %d of %d bytes parsed", n, len(good))
		} else {
			h.prior()
		}
	}
	ctx := context.Background()
	for i := len(magic); i < headerLen; i++ {
		b := bytes.Clone(good)
		b[i] ^= 0x41
		if h, _, ok := parseHeader(b); ok {
			h.prior()
		}
		if i%5 != 0 {
			continue // a Load for every fifth byte is enough
		}
		if err := os.WriteFile(cachePath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		e, _, err := Load(ctx, dir, o)
		if err != nil {
			t.Fatalf("load with byte %d of the header flipped: %v", i, err)
		}
		sameEngine(t, e, fresh)
	}
}

// TestBodyReadOnDemand: Load reads the cache's body only when the header
// says it may be used. A model added (which partial parsing cannot apply)
// is decided on the header alone, so a damaged body is not even noticed
// and the reason names the change; an unchanged project reads the body
// and refuses it. A header longer than the first read (headerProbe) is read
// whole.
func TestBodyReadOnDemand(t *testing.T) {
	for _, probe := range []int64{headerProbe, 16} {
		t.Run(fmt.Sprintf("probe %d bytes", probe), func(t *testing.T) {
			defer func(p, s int64) { headerProbe, headStep = p, s }(headerProbe, headStep)
			headerProbe, headStep = probe, probe
			dir := t.TempDir()
			writeFiles(t, dir, baseProject())
			o := testOptions(nil)
			o.BinaryID = "test-binary"
			loadTwice(t, dir, o) // with this probe, a miss then a hit
			cachePath, good := cacheFile(t, dir)
			damaged := bytes.Clone(good)
			damaged[len(damaged)-trailerLen-5] ^= 0x55 // in the body
			if err := os.WriteFile(cachePath, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			e, st, err := Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Hit || st.Reason != "cache file of another format or damaged" || e.Project.Nodes["model.inv.b"] == nil {
				t.Fatalf("unchanged project, damaged body: %+v, want a full load because the cache is damaged", st)
			}
			// A description edit is decided on the head of the body, which
			// is intact; the rest is damaged, so the update is refused before
			// anything is restored, and the load is full.
			if err := os.WriteFile(cachePath, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, map[string]string{"models/props.yml": strings.Replace(baseProject()["models/props.yml"], "the a model", "the edited a model", 1)})
			e, st, err = Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Hit || st.Described != 0 || st.Reason != "cache file damaged" || e.Project.Nodes["model.inv.a"].Description != "the edited a model" {
				t.Fatalf("description edit over a damaged body: %+v (description %q), want a full load because the cache is damaged",
					st, e.Project.Nodes["model.inv.a"].Description)
			}
			if err := os.WriteFile(cachePath, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, map[string]string{"models/c.sql": "select 3 as id\n"})
			e, st, err = Load(ctx, dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if st.Hit || st.Reason != "files were added or removed" || !st.Wrote {
				t.Fatalf("a model added over a damaged body: %+v, want that as the reason and a new cache", st)
			}
			if e.Project.Nodes["model.inv.c"] == nil {
				t.Fatal("the added model is not in the load")
			}
			if _, st, err = Load(ctx, dir, o); err != nil || !st.Hit {
				t.Fatalf("after the rewrite: %+v, %v; want a hit", st, err)
			}
		})
	}
}
