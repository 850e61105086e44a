package project

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFolderConfig(t *testing.T) {
	withProject := map[string]any{
		"+tags": []any{"all"},
		"shop": map[string]any{
			"+materialized": "view",
			"silver": map[string]any{
				"+schema":       "silver",
				"+tags":         []any{"silver"},
				"materialized":  "table",
				"s_customers":   map[string]any{"+materialized": "incremental"},
				"not_a_config":  "ignored",
				"nested_folder": map[string]any{"+tags": "deep"},
			},
		},
	}
	withoutProject := map[string]any{"silver": map[string]any{"+schema": "silver"}}
	cases := []struct {
		name string
		tree map[string]any
		fqn  []string
		want map[string]any
	}{
		{"project level and folder", withProject, []string{"shop", "silver", "s_orders"},
			map[string]any{"tags": []string{"all", "silver"}, "materialized": "table", "schema": "silver"}},
		{"model entry wins over its folder", withProject, []string{"shop", "silver", "s_customers"},
			map[string]any{"tags": []string{"all", "silver"}, "materialized": "incremental", "schema": "silver"}},
		{"deeper folder accumulates tags", withProject, []string{"shop", "silver", "nested_folder", "m"},
			map[string]any{"tags": []string{"all", "silver", "deep"}, "materialized": "table", "schema": "silver"}},
		{"other folder gets project level only", withProject, []string{"shop", "gold", "g"},
			map[string]any{"tags": []string{"all"}, "materialized": "view"}},
		{"tree without the project name", withoutProject, []string{"shop", "silver", "x"},
			map[string]any{"schema": "silver"}},
		{"empty tree", nil, []string{"shop", "x"}, map[string]any{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FolderConfig(c.tree, c.fqn); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestMergeConfig(t *testing.T) {
	dst := map[string]any{"tags": []string{"a"}, "meta": map[string]any{"x": 1, "y": 1}, "pre-hook": "h1", "schema": "s1"}
	MergeConfig(dst, map[string]any{"+tags": []any{"b", "a"}, "meta": map[string]any{"y": 2}, "pre_hook": []any{"h2"}, "schema": "s2"})
	want := map[string]any{"tags": []string{"a", "b"}, "meta": map[string]any{"x": 1, "y": 2}, "pre-hook": []any{"h1", "h2"}, "schema": "s2"}
	if !reflect.DeepEqual(dst, want) {
		t.Errorf("got %#v, want %#v", dst, want)
	}
}

func TestToConfig(t *testing.T) {
	full := false
	cases := []struct {
		name string
		raw  map[string]any
		want Config
		err  string
	}{
		{"defaults", nil, Config{Enabled: true, Materialized: "view", Tags: []string{}}, ""},
		{"lists from strings", map[string]any{"unique_key": "id", "partition_by": "d", "cluster_by": []any{"a", "b"}, "tags": "t"},
			Config{Enabled: true, Materialized: "view", Tags: []string{"t"}, UniqueKey: []string{"id"}, PartitionBy: []string{"d"}, ClusterBy: []string{"a", "b"}}, ""},
		{"hooks and extras", map[string]any{"post-hook": []any{"a", map[string]any{"sql": "b"}}, "full_refresh": false, "file_format": "delta", "catalog": "c"},
			Config{Enabled: true, Materialized: "view", Tags: []string{}, PostHook: []string{"a", "b"}, FullRefresh: &full, Database: "c", Extra: map[string]any{"file_format": "delta"}}, ""},
		{"test keys", map[string]any{"severity": "WARN", "where": "x > 1", "store_failures": true, "enabled": false},
			Config{Enabled: false, Materialized: "view", Tags: []string{}, Severity: "warn", Where: "x > 1", StoreFailures: true}, ""},
		{"bad bool", map[string]any{"enabled": "maybe"}, Config{}, `config "enabled": want true or false`},
		{"bad partition", map[string]any{"partition_by": []any{1}}, Config{}, `config "partition_by": want a list of column names`},
		{"bad severity", map[string]any{"severity": "fatal"}, Config{}, "want warn or error"},
		{"on_schema_change kept in extra", map[string]any{"on_schema_change": "sync_all_columns"},
			Config{Enabled: true, Materialized: "view", Tags: []string{}, Extra: map[string]any{"on_schema_change": "sync_all_columns"}}, ""},
		{"bad on_schema_change", map[string]any{"on_schema_change": "add"}, Config{}, `config "on_schema_change": want ignore, fail, append_new_columns or sync_all_columns, got add`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := ToConfig(c.raw, "view")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestClosestAndLineCol(t *testing.T) {
	names := []string{"silver_orders", "silver_order_items", "gold_sales", "orders"}
	cases := []struct {
		in   string
		want []string
	}{
		{"silver_order", []string{"silver_orders"}},
		{"silver_ordrs", []string{"silver_orders"}},
		{"ordrs", []string{"orders"}},
		{"completely_else", []string{}},
	}
	for _, c := range cases {
		if got := Closest(c.in, names, 3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		text      string
		off       int
		line, col int
	}{{"abc", 0, 1, 1}, {"ab\ncd", 3, 2, 1}, {"ab\ncd", 4, 2, 2}, {"a\n\nb", 3, 3, 1}} {
		if l, col := LineCol(c.text, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%q, %d) = %d:%d, want %d:%d", c.text, c.off, l, col, c.line, c.col)
		}
	}
}

func TestLoadProjectSettings(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"dbt_project.yml":       "name: p\nprofile: prof\nversion: 2\nvars: {a: 1, b: x}\nmodel-paths: [transform]\non-run-start: \"select 1\"\non-run-end: [\"select 2\", \"select 3\"]\n",
		"transform/m.sql":       "select 1",
		"transform/.hidden.sql": "not a model",
		"models/ignored.sql":    "not in model-paths",
		"seeds/s.csv":           "a\n1\n",
		"tests/t.sql":           "select 1 where false",
		"macros/x.sql":          "{{ define \"x\" }}{{ end }}",
		"selectors.yml":         "selectors: []\n",
	}
	writeFiles(t, dir, files)
	p, _, err := Load(context.Background(), dir, LoadOptions{Vars: map[string]any{"b": "override"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(p.Nodes))
	for id := range p.Nodes {
		ids = append(ids, id)
	}
	sortStrings(ids)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"name/profile/version", p.Name + "/" + p.Profile + "/" + p.Version, "p/prof/2"},
		{"vars", p.Vars, map[string]any{"a": 1, "b": "override"}},
		{"paths", [][]string{p.ModelPaths, p.SeedPaths, p.TestPaths, p.MacroPaths}, [][]string{{"transform"}, {"seeds"}, {"tests"}, {"macros"}}},
		{"hooks", [][]string{p.OnRunStart, p.OnRunEnd}, [][]string{{"select 1"}, {"select 2", "select 3"}}},
		{"nodes", ids, []string{"model.p.m", "seed.p.s", "test.p.t"}},
		{"model path", p.Nodes["model.p.m"].Path + " " + p.Nodes["model.p.m"].OriginalFilePath, "m.sql transform/m.sql"},
		{"seed checksum of the CSV", p.Nodes["seed.p.s"].Checksum, Checksum("a\n1\n")},
		{"macro files", len(p.MacroFiles), 1},
		{"selectors file", p.SelectorsFile, "selectors.yml"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// writeFiles writes each file (a slash path under dir) with its text,
// creating folders.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestLoadFilesGiven: a file in LoadOptions.Files is loaded from there
// (text and checksum), not read again; a file it lacks is read from disk.
func TestLoadFilesGiven(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"project.yml":      "name: p\nprofile: p\n",
		"models/a.sql":     "select 1 as on_disk",
		"models/b.sql":     "select 2 as on_disk",
		"models/props.yml": "models:\n  - name: a\n    description: from disk\n",
	})
	given := "select 1 as given"
	props := "models:\n  - name: a\n    description: given\n"
	// The sum of given as sha256sum prints it (printf ... | sha256sum).
	const givenSum = "0be8dc2208ff49a4da2f39255b85443aaf076606b1667caab6d437ed6861bc5d"
	var sum [32]byte
	if _, err := hex.Decode(sum[:], []byte(givenSum)); err != nil {
		t.Fatal(err)
	}
	p, _, err := Load(context.Background(), dir, LoadOptions{Files: map[string]FileContent{
		"models/a.sql":     {Text: given, Sum: sum},
		"models/props.yml": {Text: props},
	}})
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.Nodes["model.p.a"], p.Nodes["model.p.b"]
	checks := []struct{ name, got, want string }{
		{"a's text", a.RawCode, given},
		{"a's checksum is the given sum", a.Checksum, givenSum},
		{"a's description from the given YAML", a.Description, "given"},
		{"b's text, read from disk", b.RawCode, "select 2 as on_disk"},
		{"b's checksum, computed", b.Checksum, Checksum("select 2 as on_disk")},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestLoadWalk: the walk hands files to the readers in batches of 64; a
// project of several batches loads every file once, in path order, with a
// folder listed twice in model-paths and a file that cannot be read
// named in the error.
func TestLoadWalk(t *testing.T) {
	cases := []struct {
		name       string
		modelPaths string
		broken     bool // add models/f1/zz_broken.sql, a link to nothing
		wantErr    string
	}{
		{"five folders", "[models]", false, ""},
		{"a folder listed twice", "[models, models, models/f2]", false, ""},
		{"a file that cannot be read", "[models]", true, "read models/f1/zz_broken.sql"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, text string) { writeFiles(t, dir, map[string]string{name: text}) }
			write("project.yml", "name: p\nmodel-paths: "+c.modelPaths+"\n")
			var want []string
			for f := 0; f < 5; f++ {
				for m := 0; m < 70; m++ {
					name := fmt.Sprintf("m%d_%02d", f, m)
					write(fmt.Sprintf("models/f%d/%s.sql", f, name), "select "+name)
					want = append(want, "model.p."+name)
				}
				write(fmt.Sprintf("models/f%d/props.yml", f), fmt.Sprintf("models:\n  - name: m%d_00\n    description: first of f%d\n", f, f))
			}
			if c.broken {
				if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "models", "f1", "zz_broken.sql")); err != nil {
					t.Fatal(err)
				}
			}
			p, _, err := Load(context.Background(), dir, LoadOptions{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for id, n := range p.Nodes {
				got = append(got, id)
				if n.RawCode != "select "+n.Name {
					t.Errorf("%s: code %q", id, n.RawCode)
				}
			}
			sortStrings(got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d nodes, want %d", len(got), len(want))
			}
			var props []string
			for _, f := range p.PropsFiles {
				props = append(props, f.Path)
			}
			wantProps := []string{"models/f0/props.yml", "models/f1/props.yml", "models/f2/props.yml", "models/f3/props.yml", "models/f4/props.yml"}
			if !reflect.DeepEqual(props, wantProps) {
				t.Errorf("properties files %v, want %v", props, wantProps)
			}
			if d := p.Nodes["model.p.m3_00"].Description; d != "first of f3" {
				t.Errorf("m3_00's description %q", d)
			}
		})
	}
}

// TestYAMLConfigStaysOnItsNode: nodes of a folder share its project.yml
// configuration; a config block in one's YAML entry changes that node
// only: neither the node read before it (a) nor the one after (c).
func TestYAMLConfigStaysOnItsNode(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"project.yml":      "name: p\nmodels:\n  p:\n    +materialized: view\n    +tags: [all]\n",
		"models/a.sql":     "select 1",
		"models/b.sql":     "select 2",
		"models/c.sql":     "select 3",
		"models/props.yml": "models:\n  - name: b\n    config: {materialized: table, tags: [big]}\n",
	})
	p, _, err := Load(context.Background(), dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"a": {"materialized": "view", "tags": []string{"all"}},
		"b": {"materialized": "table", "tags": []string{"all", "big"}},
		"c": {"materialized": "view", "tags": []string{"all"}},
	}
	for name, w := range want {
		if got := p.Nodes["model.p."+name].BaseConfig; !reflect.DeepEqual(got, w) {
			t.Errorf("%s: base config %#v, want %#v", name, got, w)
		}
	}
}
