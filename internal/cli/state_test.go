package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// saveState copies dir's target/manifest.json into a fresh folder, the way
// an operator keeps the production manifest for --state.
func saveState(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return state
}

// TestLsState compiles the fixture project, keeps its manifest, changes
// one model's SQL (or adds one), and lists state:modified / state:new
// against the kept manifest.
func TestLsState(t *testing.T) {
	dir := copyShop(t)
	t.Setenv("HOME", dir)
	if _, errOut, err := run(t, "compile", "--project-dir", dir); err != nil {
		t.Fatalf("compile: %v (%s)", err, errOut)
	}
	state := saveState(t, dir)
	// A changed body: s_customers now filters on id.
	p := filepath.Join(dir, "models", "silver", "s_customers.sql")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(b), `from {{ ref "b_customers" }}`, `from {{ ref "b_customers" }} where id > 0`, 1)
	if changed == string(b) {
		t.Fatal("fixture changed: s_customers.sql no longer reads b_customers")
	}
	if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	// The tests of s_customers: three on its own columns, and the
	// relationships test of g_revenue.id that points at it.
	own := "not_null_s_customers_email\nnot_null_s_customers_id\n"
	cases := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{name: "modified model and its tests (eager)", args: []string{"-s", "state:modified"},
			want: "s_customers\n" + own + "relationships_g_revenue_id__id__ref_s_customers_\nunique_s_customers_id\n"},
		{name: "cautious leaves out the test that also needs g_revenue", args: []string{"-s", "state:modified", "--indirect-selection", "cautious"},
			want: "s_customers\n" + own + "unique_s_customers_id\n"},
		{name: "empty adds no tests", args: []string{"-s", "state:modified", "--indirect-selection", "empty"},
			want: "s_customers\n"},
		{name: "models only", args: []string{"-s", "state:modified", "--resource-type", "model"},
			want: "s_customers\n"},
		{name: "modified and downstream models", args: []string{"-s", "state:modified+", "--resource-type", "model"},
			want: "s_customers\ng_revenue\n"},
		{name: "nothing is new", args: []string{"-s", "state:new"}, want: ""},
		{name: "state folder without a manifest", args: []string{"-s", "state:modified", "--state", t.TempDir()},
			wantErr: "manifest.json does not exist"},
		{name: "unknown indirect selection", args: []string{"-s", "s_customers", "--indirect-selection", "lazy"},
			wantErr: `unknown indirect selection "lazy"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"ls", "--project-dir", dir, "--state", state}, c.args...)
			out, errOut, err := run(t, args...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ls: %v (stderr %s)", err, errOut)
			}
			if out != c.want {
				t.Errorf("stdout = %q, want %q", out, c.want)
			}
		})
	}
}

// TestRunState runs the selection flags through run, build and test on
// the built-in DuckDB target: after the first build, only the model whose
// SQL changed runs again.
func TestRunState(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	writeFiles(t, dir, map[string]string{
		"project.yml":           "name: st\nprofile: st\nmodels:\n  st:\n    +materialized: table\n",
		"models/m_base.sql":     `select 1 as id`,
		"models/m_changing.sql": `select id, 'v1' as v from {{ ref "m_base" }}`,
		"models/m_other.sql":    `select id from {{ ref "m_base" }}`,
		"models/schema.yml":     "version: 2\nmodels:\n  - name: m_changing\n    columns:\n      - name: id\n        tests: [not_null]\n",
	})
	if out, _, err := run(t, "build", "--project-dir", dir); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	state := saveState(t, dir)
	writeFiles(t, dir, map[string]string{"models/m_changing.sql": `select id, 'v2' as v from {{ ref "m_base" }}`})
	cases := []struct {
		name     string
		args     []string
		wantOut  []string
		wantCode int
	}{
		{name: "run runs the modified model only", args: []string{"run", "-s", "state:modified"},
			wantOut: []string{"1 of 1 OK created sql table model main.m_changing", "TOTAL=1"}},
		{name: "build adds its test (eager)", args: []string{"build", "-s", "state:modified"},
			wantOut: []string{"OK created sql table model main.m_changing", "PASS not_null_m_changing_id", "TOTAL=2"}},
		{name: "build with --indirect-selection empty leaves the test out", args: []string{"build", "-s", "state:modified", "--indirect-selection", "empty"},
			wantOut: []string{"1 of 1 OK created sql table model main.m_changing", "TOTAL=1"}},
		{name: "test runs the modified model's test", args: []string{"test", "-s", "state:modified"},
			wantOut: []string{"1 of 1 PASS not_null_m_changing_id", "TOTAL=1"}},
		{name: "seed has nothing modified to load", args: []string{"seed", "-s", "state:modified"},
			wantOut: []string{"Nothing to do"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, err := run(t, append(c.args, "--project-dir", dir, "--state", state)...)
			var ee *ExitError
			switch {
			case c.wantCode != 0:
				if !errors.As(err, &ee) || ee.Code != c.wantCode {
					t.Fatalf("err = %v, want exit code %d\n%s", err, c.wantCode, out)
				}
			case err != nil:
				t.Fatalf("%v: %v\n%s%s", c.args, err, out, errOut)
			}
			for _, w := range c.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// run_results.json records the flags of the last invocation (seed
	// wrote none: it had nothing to do, so the test command's remain).
	b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Args map[string]any `json:"args"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		t.Fatal(err)
	}
	if rr.Args["which"] != "test" || rr.Args["state"] != state {
		t.Errorf("run_results args = %v, want which=test and state=%s", rr.Args, state)
	}
}

// TestCompileStateOwnTarget: compile writes target/manifest.json while it
// selects, except when the selection compares with a manifest (--state),
// which may be that very file. With --state target, state:modified is
// worked out against the manifest of the previous compile, every time, and
// the new manifest is written afterwards.
func TestCompileStateOwnTarget(t *testing.T) {
	dir := copyShop(t)
	t.Setenv("HOME", dir)
	if _, errOut, err := run(t, "compile", "--project-dir", dir); err != nil {
		t.Fatalf("compile: %v (%s)", err, errOut)
	}
	p := filepath.Join(dir, "models", "silver", "s_customers.sql")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(b, "\n-- edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	out, errOut, err := run(t, "compile", "--project-dir", dir, "-s", "state:modified", "--indirect-selection", "empty", "--state", target)
	if err != nil {
		t.Fatalf("compile --state target: %v (%s)", err, errOut)
	}
	if !strings.Contains(out, "Compiled 1 of ") {
		t.Errorf("first compile against its own target: want the edited model only, got %q", out)
	}
	// The manifest now holds the edit: nothing is modified any more.
	out, errOut, err = run(t, "compile", "--project-dir", dir, "-s", "state:modified", "--indirect-selection", "empty", "--state", target)
	if err != nil {
		t.Fatalf("second compile --state target: %v (%s)", err, errOut)
	}
	if !strings.Contains(out, "Compiled 0 of ") {
		t.Errorf("second compile against its own target: want nothing selected, got %q", out)
	}
	// A selector that does not parse still fails, and leaves a whole manifest.
	if _, _, err := run(t, "compile", "--project-dir", dir, "-s", "tag:"); err == nil {
		t.Error("compile -s 'tag:' succeeded; want a selector error")
	}
	var m map[string]any
	mb, err := os.ReadFile(filepath.Join(target, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Errorf("manifest after a selector error does not parse: %v", err)
	}
}
