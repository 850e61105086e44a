package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestOnSchemaChangeThroughRun edits an incremental model's SELECT between
// runs on the built-in DuckDB target and checks the table after each run.
// The steps share one warehouse and run in order.
func TestOnSchemaChangeThroughRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir) // the built-in dev target
	writeFiles(t, dir, map[string]string{"project.yml": "name: sc\nprofile: sc\n"})
	cfg := func(mode string) string {
		return `{{ config "materialized" "incremental" "on_schema_change" "` + mode + `" }}`
	}
	show := []string{"show", "--inline", `select id, coalesce(tag, '-') as tag from {{ ref "m" }} order by id`, "--output", "csv"}
	showID := []string{"show", "--inline", `select * from {{ ref "m" }} order by id`, "--output", "csv"}
	steps := []struct {
		name  string
		model string // models/m.sql before the step; "" keeps it
		args  []string
		fails bool
		want  []string // substrings of the output and error
	}{
		{name: "first run builds the table", model: cfg("fail") + "select 1 as id, 'a' as tag", args: []string{"run"},
			want: []string{"OK created sql incremental model"}},
		{name: "fail on an added column", model: cfg("fail") + "select 2 as id, 'b' as tag, 20 as n", args: []string{"run"}, fails: true,
			want: []string{"added: n INTEGER", "--full-refresh", "ERROR=1"}},
		{name: "fail left the table", args: show, want: []string{"id,tag\n1,a\n"}},
		{name: "append_new_columns adds n, the removed tag is NULL", model: cfg("append_new_columns") + "select 2 as id, 20 as n", args: []string{"run"},
			want: []string{"OK created sql incremental model"}},
		{name: "rows after append_new_columns", args: []string{"show", "--inline", `select id, coalesce(tag, '-') as tag, coalesce(n, 0) as n from {{ ref "m" }} order by id`, "--output", "csv"},
			want: []string{"id,tag,n\n1,a,0\n2,-,20\n"}},
		{name: "sync_all_columns drops tag and n", model: cfg("sync_all_columns") + "select 3 as id", args: []string{"run"},
			want: []string{"OK created sql incremental model"}},
		{name: "rows after sync_all_columns", args: showID, want: []string{"id\n1\n2\n3\n"}},
		{name: "unknown value stops the compile", model: cfg("add_new") + "select 4 as id", args: []string{"run"}, fails: true,
			want: []string{"models/m.sql", "model m", `config "on_schema_change": want ignore, fail, append_new_columns or sync_all_columns, got add_new`}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.model != "" {
				writeFiles(t, dir, map[string]string{"models/m.sql": st.model})
			}
			root := NewRoot()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append(st.args, "--project-dir", dir))
			err := root.ExecuteContext(context.Background())
			if (err != nil) != st.fails {
				t.Fatalf("error %v, want failure %v\n%s", err, st.fails, out.String())
			}
			text := out.String()
			if err != nil {
				text += "\n" + err.Error()
			}
			for _, w := range st.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
