package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes files (path relative to dir -> text).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, text := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunCommands drives build, show, run-operation, run, retry and test
// through the CLI on a small project and the built-in DuckDB target. The
// steps share one warehouse and run in order.
func TestRunCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir) // no ~/.techstore/profiles.yml: the built-in dev target
	writeFiles(t, dir, map[string]string{
		"project.yml": `name: tp
profile: tp
models:
  tp:
    silver: {+materialized: table, +schema: silver}
    gold: {+materialized: table, +schema: gold}
seeds:
  tp: {+schema: silver}
`,
		"seeds/countries.csv":          "code,name\nDE,Germany\nFR,France\n",
		"models/silver/s_orders.sql":   `select * from (values (1, 'DE', 10.0), (2, 'FR', 5.5), (3, 'DE', 1.0)) v(id, country, amount)`,
		"models/gold/g_by_country.sql": `{{ config "materialized" "incremental" "unique_key" "country" }}select o.country, c.name, sum(amount) as total from {{ ref "s_orders" }} o join {{ ref "countries" }} c on c.code = o.country group by all`,
		"models/gold/schema.yml": `version: 2
models:
  - name: g_by_country
    columns:
      - name: country
        tests: [unique, not_null]
      - name: total
        tests:
          - accepted_range:
              min_value: 6
              config: {severity: warn}
`,
		"macros/ops.sql": `{{ define "purge_before" }}delete from {{ ref "s_orders" }} where id < {{ .min_id }}{{ end }}`,
	})
	steps := []struct {
		name     string
		before   map[string]string // files to write first
		args     []string
		wantCode int    // ExitError code; 0 for success
		wantErr  string // substring of a non-exit error
		wantOut  []string
	}{
		// DE: 10.0 + 1.0 = 11.0, FR: 5.5, which is below the warn range of 6.
		{name: "build", args: []string{"build"}, wantOut: []string{
			"OK loaded seed file silver.countries", "OK created sql incremental model gold.g_by_country",
			"WARN 1 accepted_range_g_by_country_total__6", "Done. PASS=5 WARN=1 ERROR=0 SKIP=0 TOTAL=6"}},
		{name: "show csv", args: []string{"show", "--inline", `select country, cast(total * 10 as integer) as t10 from {{ ref "g_by_country" }} order by 1`, "--output", "csv"},
			wantOut: []string{"country,t10\nDE,110\nFR,55\n"}},
		{name: "show a model as a table", args: []string{"show", "--select", "s_orders", "--limit", "1"},
			wantOut: []string{"Previewing node 's_orders':", "| id | country | amount |", "| 1  | DE      | 10.0   |"}},
		{name: "run-operation", args: []string{"run-operation", "purge_before", "--args", "{min_id: 2}"},
			wantOut: []string{"Ran operation purge_before (1 rows affected)"}},
		// run selects models only: s_orders, bad, after_bad, g_by_country.
		{name: "run with a broken model",
			before: map[string]string{
				"models/silver/bad.sql":     `select nope`,
				"models/gold/after_bad.sql": `select * from {{ ref "bad" }}`,
			},
			args: []string{"run"}, wantCode: 1, wantOut: []string{
				"ERROR creating sql table model silver.bad", "SKIP relation gold.after_bad",
				"model bad (compiled SQL: " + filepath.Join("target", "run", "models", "silver", "bad.sql") + ")", `"nope"`,
				"Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4"}},
		{name: "retry after the fix", before: map[string]string{"models/silver/bad.sql": `select 1 as fixed`},
			args: []string{"retry"}, wantOut: []string{"OK created sql table model silver.bad", "OK created sql table model gold.after_bad",
				"Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"}},
		{name: "retry with nothing left", args: []string{"retry"}, wantOut: []string{"Nothing to retry"}},
		{name: "test one model quietly", args: []string{"test", "--select", "g_by_country", "-q"},
			wantOut: []string{"Done. PASS=2 WARN=1 ERROR=0 SKIP=0 TOTAL=3"}},
		{name: "bad log format", args: []string{"run", "--log-format", "xml"}, wantErr: `--log-format "xml": use text or json`},
		{name: "show needs one source", args: []string{"show"}, wantErr: "give exactly one of --select MODEL or --inline"},
		{name: "bad args mapping", args: []string{"run-operation", "purge_before", "--args", "[1"}, wantErr: "--args"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			writeFiles(t, dir, st.before)
			root := NewRoot()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append(st.args, "--project-dir", dir))
			err := root.ExecuteContext(context.Background())
			var ee *ExitError
			switch {
			case st.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), st.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, st.wantErr)
				}
			case st.wantCode != 0:
				if !errors.As(err, &ee) || ee.Code != st.wantCode {
					t.Fatalf("error %v, want exit code %d\n%s", err, st.wantCode, out.String())
				}
			case err != nil:
				t.Fatalf("unexpected error: %v\n%s", err, out.String())
			}
			for _, w := range st.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	// The last run's results are in dbt's layout, with the invocation's args.
	b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Results []struct{ UniqueID, Status string } `json:"results"`
		Args    map[string]any                      `json:"args"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		t.Fatal(err)
	}
	if rr.Args["which"] != "test" || len(rr.Results) != 3 {
		t.Errorf("run_results: which=%v, %d results", rr.Args["which"], len(rr.Results))
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "manifest.json")); err != nil {
		t.Errorf("manifest not written: %v", err)
	}
}
