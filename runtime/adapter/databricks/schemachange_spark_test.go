//go:build spark

package databricks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// TestSparkOnSchemaChange builds a Delta table (id int, v string) with rows
// (1,'a'), (2,'b') per case, then runs it incrementally with a SELECT that
// gained, lost or retyped a column.
func TestSparkOnSchemaChange(t *testing.T) {
	a := openSpark(t, sparkFields())
	schema := testSchema(t, a)
	const base = `SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, v)`
	orig := []string{"id int", "v string"}
	origRows := []string{"1|a", "2|b"}
	mapping := map[string]any{"tblproperties": map[string]any{
		"delta.columnMapping.mode": "name", "delta.minReaderVersion": "2", "delta.minWriterVersion": "5"}}
	tests := []struct {
		name     string
		create   map[string]any // Extra of the first build
		sql      string
		mode     string
		strategy string
		key      []string
		preds    []any // incremental_predicates
		wantErr  []string
		wantCols []string
		wantRows []string
	}{
		// ignore (the default) leaves a new column out of the insert, as
		// dbt does; a lost one is NULL in new rows, kept in merged ones.
		{name: "added ignore append", sql: `SELECT 3 AS id, 'c' AS v, 30 AS n`, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "added ignore merge", sql: `SELECT * FROM VALUES (2, 'B', 20), (3, 'c', 30) AS v(id, v, n)`,
			mode: "ignore", strategy: "merge", key: []string{"id"},
			wantCols: orig, wantRows: []string{"1|a", "2|B", "3|c"}},
		{name: "added and reordered ignore replace_where", sql: `SELECT 'B' AS v, 20 AS n, 2 AS id`,
			mode: "ignore", strategy: "replace_where", preds: []any{"id >= 2"},
			wantCols: orig, wantRows: []string{"1|a", "2|B"}},
		{name: "removed ignore merge", sql: `SELECT * FROM VALUES (2), (3) AS v(id)`,
			mode: "ignore", strategy: "merge", key: []string{"id"},
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "added and removed ignore append", sql: `SELECT 3 AS id, 30 AS n`, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "added fail", sql: `SELECT 3 AS id, 'c' AS v, 30 AS n`, mode: "fail", strategy: "append",
			wantErr: []string{"added: n int", "--full-refresh"}, wantCols: orig, wantRows: origRows},
		{name: "added append_new_columns append", sql: `SELECT 3 AS id, 'c' AS v, 30 AS n`, mode: "append_new_columns", strategy: "append",
			wantCols: []string{"id int", "v string", "n int"}, wantRows: []string{"1|a|NULL", "2|b|NULL", "3|c|30"}},
		{name: "added append_new_columns merge", sql: `SELECT * FROM VALUES (2, 'B', 20), (3, 'c', 30) AS v(id, v, n)`,
			mode: "append_new_columns", strategy: "merge", key: []string{"id"},
			wantCols: []string{"id int", "v string", "n int"}, wantRows: []string{"1|a|NULL", "2|B|20", "3|c|30"}},
		{name: "removed append_new_columns merge", sql: `SELECT * FROM VALUES (2), (3) AS v(id)`,
			mode: "append_new_columns", strategy: "merge", key: []string{"id"},
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "removed sync without column mapping", sql: `SELECT 3 AS id`, mode: "sync_all_columns", strategy: "append",
			wantErr: []string{"column mapping", "--full-refresh"}, wantCols: orig, wantRows: origRows},
		{name: "removed sync with column mapping", create: mapping, sql: `SELECT 3 AS id`, mode: "sync_all_columns", strategy: "append",
			wantCols: []string{"id int"}, wantRows: []string{"1", "2", "3"}},
		{name: "added and reordered append_new_columns replace_where", sql: `SELECT 'B' AS v, 20 AS n, 2 AS id`,
			mode: "append_new_columns", strategy: "replace_where", preds: []any{"id >= 2"},
			wantCols: []string{"id int", "v string", "n int"}, wantRows: []string{"1|a|NULL", "2|B|20"}},
		{name: "removed append_new_columns replace_where", sql: `SELECT 20 AS n, 2 AS id`,
			mode: "append_new_columns", strategy: "replace_where", preds: []any{"id >= 2"},
			wantCols: []string{"id int", "v string", "n int"}, wantRows: []string{"1|a|NULL", "2|NULL|20"}},
		{name: "retyped sync", sql: `SELECT '3' AS id, 'c' AS v`, mode: "sync_all_columns", strategy: "append",
			wantErr: []string{"cannot change column id from int to string", "--full-refresh"}, wantCols: orig, wantRows: origRows},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			rel := adapter.Relation{Schema: schema, Identifier: fmt.Sprintf("m%d", i)}
			name := a.RelationName(rel)
			if _, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table", SQL: base, Extra: tc.create}); err != nil {
				t.Fatalf("first build: %v", err)
			}
			extra := map[string]any{"on_schema_change": tc.mode}
			if tc.preds != nil {
				extra["incremental_predicates"] = tc.preds
			}
			_, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "incremental", SQL: tc.sql,
				IncrementalStrategy: tc.strategy, UniqueKey: tc.key, Extra: extra})
			switch {
			case len(tc.wantErr) == 0 && err != nil:
				t.Fatalf("incremental run: %v", err)
			case len(tc.wantErr) > 0 && err == nil:
				t.Fatalf("incremental run: no error, want one containing %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			cols, err := a.describeColumns(ctx, "DESCRIBE TABLE "+name)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(cols))
			for i, c := range cols {
				got[i] = c.Name + " " + c.DataType
			}
			if !slices.Equal(got, tc.wantCols) {
				t.Errorf("columns = %q, want %q", got, tc.wantCols)
			}
			if rows := rowsOf(t, a, "SELECT * FROM "+name+" ORDER BY id"); !slices.Equal(rows, tc.wantRows) {
				t.Errorf("rows = %q, want %q", rows, tc.wantRows)
			}
		})
	}
}
