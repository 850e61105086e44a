package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
)

// TestPartialParse runs compile and ls through Main (the real CLI, the
// real DuckDB dialect) on the shop project: the first compile writes
// target/partial_parse.bin, later ones restore from it and write the same
// compiled SQL; the manifest is left alone while nothing changed and is
// rewritten when it was touched; --no-partial-parse and
// TECHSTORE_NO_PARTIAL_PARSE=1 neither read nor write the cache; an edit
// shows in the next compile.
func TestPartialParse(t *testing.T) {
	cases := []struct {
		name      string
		env       string // TECHSTORE_NO_PARTIAL_PARSE
		flag      bool   // --no-partial-parse
		wantCache bool
	}{
		{"default", "", false, true},
		{"flag", "", true, false},
		{"environment", "1", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", c.env)
			dir := copyShop(t)
			args := []string{"compile", "--project-dir", dir, "--vars", "{min_amount: 7}"}
			if c.flag {
				args = append(args, "--no-partial-parse")
			}
			cache := filepath.Join(dir, "target", "partial_parse.bin")
			manifest := filepath.Join(dir, "target", "manifest.json")
			compiled := filepath.Join(dir, "target", "compiled", "shop", "models", "silver", "s_orders_eph.sql")
			if _, _, err := run(t, args...); err != nil {
				t.Fatal(err)
			}
			_, err := os.Stat(cache)
			if (err == nil) != c.wantCache {
				t.Fatalf("cache file exists = %v, want %v", err == nil, c.wantCache)
			}
			first, err := os.ReadFile(manifest)
			if err != nil {
				t.Fatal(err)
			}
			fi1, _ := os.Stat(manifest)
			if _, _, err := run(t, args...); err != nil {
				t.Fatal(err)
			}
			fi2, _ := os.Stat(manifest)
			if c.wantCache != fi1.ModTime().Equal(fi2.ModTime()) {
				t.Errorf("manifest rewritten = %v, want %v", !fi1.ModTime().Equal(fi2.ModTime()), !c.wantCache)
			}
			second, _ := os.ReadFile(manifest)
			if c.wantCache && !bytes.Equal(first, second) {
				t.Errorf("manifest changed on a cache hit")
			}
			b, _ := os.ReadFile(compiled)
			if want := "\nselect * from \"bronze\".\"b_orders\" where amount >= 7\n"; string(b) != want {
				t.Errorf("compiled = %q, want %q", b, want)
			}
			// A touched manifest (same size) is written again.
			if c.wantCache {
				touched := bytes.Replace(second, []byte(`"shop"`), []byte(`"SHOP"`), 1)
				if err := os.WriteFile(manifest, touched, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, _, err := run(t, args...); err != nil {
					t.Fatal(err)
				}
				if third, _ := os.ReadFile(manifest); bytes.Equal(third, touched) {
					t.Errorf("a manifest edited by hand was not written again")
				}
			}
			// An edit shows in the next compile, and in ls.
			p := filepath.Join(dir, "models", "silver", "s_orders_eph.sql")
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(src), ">=", ">", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, _, err := run(t, args...); err != nil {
				t.Fatal(err)
			}
			b, _ = os.ReadFile(compiled)
			if want := "\nselect * from \"bronze\".\"b_orders\" where amount > 7\n"; string(b) != want {
				t.Errorf("after the edit, compiled = %q, want %q", b, want)
			}
			m, _ := os.ReadFile(manifest)
			if !bytes.Contains(m, []byte(`where amount > 7`)) {
				t.Errorf("after the edit, the manifest does not show it")
			}
			lsArgs := []string{"ls", "--project-dir", dir, "-s", "s_orders_eph", "--output", "path"}
			if c.flag {
				lsArgs = append(lsArgs, "--no-partial-parse")
			}
			out, _, err := run(t, lsArgs...)
			if err != nil || out != "models/silver/s_orders_eph.sql\n" {
				t.Errorf("ls = %q, %v", out, err)
			}
		})
	}
}

// TestRunUsesPartialParse: run goes through the cache too (the file is
// written), and an edited model is built from its new text.
func TestRunUsesPartialParse(t *testing.T) {
	t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", "")
	dir := t.TempDir()
	t.Setenv("HOME", dir) // the built-in dev target
	writeFiles(t, dir, map[string]string{
		"project.yml":  "name: pp\nprofile: pp\nmodels:\n  pp:\n    +materialized: table\n",
		"models/m.sql": "select 41 as answer",
	})
	if _, _, err := run(t, "run", "--project-dir", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "partial_parse.bin")); err != nil {
		t.Fatalf("run did not write the cache: %v", err)
	}
	// Nothing changed: the second run restores the project and leaves the
	// manifest alone.
	manifest := filepath.Join(dir, "target", "manifest.json")
	before, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "run", "--project-dir", dir); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(manifest); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("an unchanged project's manifest was written again by run")
	}
	writeFiles(t, dir, map[string]string{"models/m.sql": "select 42 as answer"})
	if _, _, err := run(t, "run", "--project-dir", dir); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "show", "--project-dir", dir, "--select", "m", "--output", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "42") || strings.Contains(out, "41") {
		t.Fatalf("show after the edit = %q, want the answer 42", out)
	}
}

// TestProfileChangeInvalidates: the resolved target is part of the cache
// key, so an edit of profiles.yml (a schema here) shows in the next
// compile although no project file changed.
func TestProfileChangeInvalidates(t *testing.T) {
	t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", "")
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	profile := func(schema string) map[string]string {
		return map[string]string{"profiles.yml": "pp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse/pp.duckdb\n      schema: " + schema + "\n"}
	}
	writeFiles(t, dir, map[string]string{
		"project.yml":  "name: pp\nprofile: pp\n",
		"models/a.sql": "select 1 as id",
		"models/b.sql": `select * from {{ ref "a" }}`,
	})
	compiled := filepath.Join(dir, "target", "compiled", "pp", "models", "b.sql")
	for _, schema := range []string{"first_schema", "second_schema", "first_schema"} {
		writeFiles(t, dir, profile(schema))
		if _, _, err := run(t, "compile", "--project-dir", dir); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(compiled)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), schema) {
			t.Fatalf("with schema %s, compiled b = %q", schema, b)
		}
	}
}

// TestEditedModelCompile: after a compile, editing model SQL or the
// descriptions in a properties file goes through the cache's update (only
// the edited models rendered again, or the descriptions applied; the
// unchanged parts of the manifest copied from the old one), and what it
// writes is what a full load writes: the same manifest (generated_at
// aside) and compiled files. Any other YAML edit (a test added) loads in
// full. The project has 300 models, so the manifest has many node blocks,
// all but the edited ones copied.
func TestEditedModelCompile(t *testing.T) {
	t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", "")
	dir := t.TempDir()
	if err := synth.Generate(dir, 300); err != nil {
		t.Fatal(err)
	}
	manifestPath := filepath.Join(dir, "target", "manifest.json")
	var out string
	compile := func() []byte {
		t.Helper()
		var err error
		if out, _, err = run(t, "compile", "--project-dir", dir); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(manifestPath)
		if err != nil {
			t.Fatal(err)
		}
		return generatedAt.ReplaceAll(b, []byte(`"generated_at":"-"`))
	}
	compile()
	if !strings.Contains(out, "Partial parse: full load (no cache file)") {
		t.Fatalf("first compile said %q, want the full load and why", out)
	}
	models, err := filepath.Glob(filepath.Join(dir, "models", "*", "*", "*.sql"))
	if err != nil || len(models) < 3 {
		t.Fatalf("models: %v, %v", models, err)
	}
	schema := filepath.Join(filepath.Dir(models[0]), "schema.yml")
	// Each edit: a change to one file, what compile must say, and what the
	// manifest must then hold.
	edited := []struct {
		file, old, new string // new is appended when old is ""
		say, shows     string
	}{
		{models[0], "", "-- first edit\n", "Partial parse: 1 edited model file(s) rendered again", "-- first edit"},
		{models[len(models)/2], "", "-- another model\n", "Partial parse: 1 edited model file(s) rendered again", "-- another model"},
		{models[len(models)-1], "", "-- and the last\n", "Partial parse: 1 edited model file(s) rendered again", "-- and the last"},
		{schema, "description: Synthetic model 0 of layer 0.", "description: The first model, described again.",
			"Partial parse: the descriptions of 1 edited properties file(s) applied", "The first model, described again."},
		{schema, "description: Amount in euros.", "description: Amount in euros, VAT included.",
			"Partial parse: the descriptions of 1 edited properties file(s) applied", "Amount in euros, VAT included."},
		{schema, "", "# reviewed\n", "Partial parse: the descriptions of 1 edited properties file(s) applied", "The first model, described again."},
		{schema, "tests: [unique, not_null]", "tests: [unique, not_null, {accepted_values: {values: [1]}}]",
			"changed more than descriptions in place", "accepted_values_m_l0_00000_id__1"},
	}
	for _, ed := range edited {
		b, err := os.ReadFile(ed.file)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case ed.old == "":
			b = append(b, ed.new...)
		case bytes.Contains(b, []byte(ed.old)):
			b = bytes.Replace(b, []byte(ed.old), []byte(ed.new), 1)
		default:
			t.Fatalf("fixture: %q not in %s", ed.old, ed.file)
		}
		if err := os.WriteFile(ed.file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		got := compile()
		if !strings.Contains(out, ed.say) {
			t.Fatalf("compile after editing %s said %q, want %q", ed.file, out, ed.say)
		}
		if strings.HasSuffix(ed.file, ".sql") {
			compiled := filepath.Join(dir, "target", "compiled", "synth", filepath.ToSlash(strings.TrimPrefix(ed.file, dir+string(filepath.Separator))))
			text, err := os.ReadFile(compiled)
			if err != nil || !strings.Contains(string(text), ed.shows) {
				t.Fatalf("compiled %s after the edit: %q, %v", compiled, text, err)
			}
		}
		// A full load of a copy (so that the next edit still starts
		// from this compile's cache and manifest record).
		full := t.TempDir()
		if err := os.CopyFS(full, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", "1")
		if _, _, err := run(t, "compile", "--project-dir", full); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TECHSTORE_NO_PARTIAL_PARSE", "")
		want, err := os.ReadFile(filepath.Join(full, "target", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		want = generatedAt.ReplaceAll(want, []byte(`"generated_at":"-"`))
		if !bytes.Equal(got, want) {
			t.Fatalf("after editing %s the manifest (%d bytes) differs from a full load's (%d bytes)", ed.file, len(got), len(want))
		}
		if !bytes.Contains(got, []byte(ed.shows)) {
			t.Fatalf("the edit of %s is not in the manifest (%q)", ed.file, ed.shows)
		}
	}
}

var generatedAt = regexp.MustCompile(`"generated_at":"[^"]*"`)

// TestOldContentsRemoved: a compile that writes the manifest anew leaves
// the previous one beside it (atomicfile.Replace); the next compile
// deletes it, whether it writes the manifest again or finds it up to
// date.
func TestOldContentsRemoved(t *testing.T) {
	dir := copyShop(t)
	olds := func() []string {
		l, err := filepath.Glob(filepath.Join(dir, "target", ".*.old"))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	steps := []struct {
		name    string
		args    []string
		wantOld bool // old contents left in target/ afterwards
	}{
		{"first compile: nothing to keep", nil, false},
		{"a full load rewrites the manifest: the old one is kept", []string{"--no-partial-parse"}, true},
		{"the cache is used, the manifest written again: the older one deleted, the last kept", nil, true},
		{"nothing written: the last old ones deleted", nil, false},
	}
	for _, s := range steps {
		args := append([]string{"compile", "--project-dir", dir}, s.args...)
		if _, _, err := run(t, args...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := olds(); (len(got) > 0) != s.wantOld || len(got) > 2 {
			t.Errorf("%s: old contents %v, want some (at most a manifest and a cache): %v", s.name, got, s.wantOld)
		}
	}
}
