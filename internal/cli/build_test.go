package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildModelSQLError builds a project with two independent branches,
// one of whose models has a SQL error DuckDB rejects: the error names the
// model, its compiled file and DuckDB's message; the broken branch is
// skipped (model and test) while the other branch builds and tests.
func TestBuildModelSQLError(t *testing.T) {
	files := map[string]string{
		"project.yml": `name: be
profile: be
models:
  be:
    silver: {+materialized: table, +schema: silver}
    gold: {+materialized: table, +schema: gold}
`,
		"models/silver/bad.sql":        `select id, nope from (select 1 as id) t`,
		"models/silver/good.sql":       `select 1 as id`,
		"models/gold/after_bad.sql":    `select * from {{ ref "bad" }}`,
		"models/gold/after_good.sql":   `select id * 2 as id from {{ ref "good" }}`,
		"models/silver/properties.yml": "version: 2\nmodels:\n  - name: good\n    columns:\n      - name: id\n        tests: [not_null]\n  - name: bad\n    columns:\n      - name: id\n        tests: [not_null]\n",
	}
	compiled := filepath.Join("target", "run", "models", "silver", "bad.sql")
	// DuckDB's own words for a column that does not exist.
	duckMsg := `Referenced column "nope" not found in FROM clause`
	cases := []struct {
		name    string
		args    []string
		wantOut []string
	}{
		{name: "text log", args: []string{"build"}, wantOut: []string{
			"ERROR creating sql table model silver.bad",
			"Error in model bad (models/silver/bad.sql)",
			"model bad (compiled SQL: " + compiled + "): ",
			duckMsg,
			"OK created sql table model silver.good",
			"PASS not_null_good_id",
			"OK created sql table model gold.after_good",
			"SKIP relation gold.after_bad",
			"SKIP test not_null_bad_id",
			"Done. PASS=3 WARN=0 ERROR=1 SKIP=2 TOTAL=6",
		}},
		{name: "json log, one thread", args: []string{"build", "--log-format", "json", "--threads", "1"}, wantOut: []string{
			`"event":"node_end"`,
			`model bad (compiled SQL: ` + jsonEscape(compiled) + `): `,
			jsonEscape(duckMsg),
			`"msg":"Done. PASS=3 WARN=0 ERROR=1 SKIP=2 TOTAL=6"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", dir)
			writeFiles(t, dir, files)
			out, errOut, err := run(t, append(c.args, "--project-dir", dir)...)
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != 1 {
				t.Fatalf("err = %v, want exit status 1\n%s%s", err, out, errOut)
			}
			for _, w := range c.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			// The compiled file named in the error holds the SQL that failed.
			b, err := os.ReadFile(filepath.Join(dir, compiled))
			if err != nil || !strings.Contains(string(b), "select id, nope from (select 1 as id) t") {
				t.Errorf("compiled file %s: %q, %v", compiled, b, err)
			}
			b, err = os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
			if err != nil {
				t.Fatal(err)
			}
			var rr struct {
				Results []struct {
					UniqueID string  `json:"unique_id"`
					Status   string  `json:"status"`
					Message  *string `json:"message"`
				} `json:"results"`
			}
			if err := json.Unmarshal(b, &rr); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"model.be.bad": "error", "model.be.after_bad": "skipped", "test.be.not_null_bad_id": "skipped",
				"model.be.good": "success", "test.be.not_null_good_id": "pass", "model.be.after_good": "success",
			}
			got := map[string]string{}
			for _, r := range rr.Results {
				got[r.UniqueID] = r.Status
				if r.UniqueID == "model.be.bad" && (r.Message == nil || !strings.Contains(*r.Message, duckMsg)) {
					t.Errorf("bad's message in run_results.json: %v, want DuckDB's", r.Message)
				}
			}
			for id, st := range want {
				if got[id] != st {
					t.Errorf("%s: %q, want %q", id, got[id], st)
				}
			}
			if len(got) != len(want) {
				t.Errorf("results %v, want %v", got, want)
			}
		})
	}
}

// jsonEscape is s as it appears inside a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
