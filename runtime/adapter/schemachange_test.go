package adapter

import (
	"reflect"
	"strings"
	"testing"
)

func TestDiffColumns(t *testing.T) {
	table := []Column{{"id", "INTEGER"}, {"v", "VARCHAR"}, {"d", "DATE"}}
	tests := []struct {
		name  string
		query []Column
		want  SchemaDiff
		text  string
	}{
		{name: "same, case differs", query: []Column{{"ID", "integer"}, {"v", "VARCHAR"}, {"d", "DATE"}}},
		{name: "added", query: []Column{{"id", "INTEGER"}, {"n", "BIGINT"}, {"v", "VARCHAR"}, {"d", "DATE"}},
			want: SchemaDiff{Added: []Column{{"n", "BIGINT"}}}, text: "added: n BIGINT"},
		{name: "removed and retyped", query: []Column{{"id", "VARCHAR"}, {"d", "DATE"}},
			want: SchemaDiff{Removed: []Column{{"v", "VARCHAR"}}, Changed: []ColumnChange{{"id", "INTEGER", "VARCHAR"}}},
			text: "removed: v; type changed: id INTEGER -> VARCHAR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DiffColumns(table, tc.query)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("DiffColumns = %+v, want %+v", got, tc.want)
			}
			if got.Empty() != (tc.text == "") {
				t.Errorf("Empty() = %v for %+v", got.Empty(), got)
			}
			if got.String() != tc.text {
				t.Errorf("String() = %q, want %q", got.String(), tc.text)
			}
		})
	}
}

func TestOnSchemaChange(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]any
		want  string
		err   string
	}{
		{name: "unset is ignore", want: "ignore"},
		{name: "each value", extra: map[string]any{"on_schema_change": "sync_all_columns"}, want: "sync_all_columns"},
		{name: "unknown", extra: map[string]any{"on_schema_change": "drop"}, err: "want ignore, fail, append_new_columns or sync_all_columns, got drop"},
		{name: "not a string", extra: map[string]any{"on_schema_change": 1}, err: "got 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OnSchemaChange(tc.extra)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestPadSelect: the padded SELECT names the table's columns in the
// table's order, NULL of the column's type for those the SELECT lacks,
// and leaves the SELECT's other columns out; names match without case.
func TestPadSelect(t *testing.T) {
	quote := func(s string) string { return `"` + s + `"` }
	table := []Column{{Name: "id", DataType: "INTEGER"}, {Name: "v", DataType: "VARCHAR"}}
	tests := []struct {
		name string
		have []string
		want string
	}{
		{"same columns", []string{"id", "v"}, `SELECT "id", "v" FROM (` + "\nselect 1\n)"},
		{"reordered", []string{"v", "id"}, `SELECT "id", "v" FROM (` + "\nselect 1\n)"},
		{"a new column left out", []string{"id", "v", "n"}, `SELECT "id", "v" FROM (` + "\nselect 1\n)"},
		{"a lost column is NULL", []string{"ID"}, `SELECT "id", CAST(NULL AS VARCHAR) AS "v" FROM (` + "\nselect 1\n)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PadSelect("select 1", table, tc.have, quote); got != tc.want {
				t.Errorf("PadSelect = %q, want %q", got, tc.want)
			}
		})
	}
}
