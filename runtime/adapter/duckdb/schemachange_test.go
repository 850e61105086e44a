package duckdb

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// TestOnSchemaChange builds silver.m as (id INTEGER, v VARCHAR) with rows
// (1,'a'), (2,'b'), then runs it incrementally with a SELECT that gained,
// lost or retyped a column, under each on_schema_change setting.
func TestOnSchemaChange(t *testing.T) {
	rel := adapter.Relation{Schema: "silver", Identifier: "m"}
	const base = `select * from (values (1,'a'),(2,'b')) v(id, v)`
	const (
		added   = `select * from (values (3,'c',30)) v(id, v, n)`
		removed = `select 3 as id`
		retyped = `select '3' as id, 'c' as v`
	)
	orig := []string{"id INTEGER", "v VARCHAR"}
	origRows := []string{"1|a", "2|b"}
	tests := []struct {
		name     string
		sql      string
		mode     any // on_schema_change; nil leaves it unset
		strategy string
		key      []string
		wantErr  []string // substrings of the error; none means success
		wantCols []string
		wantRows []string // select * order by all
	}{
		// ignore leaves a new column out of the insert, as dbt does; a
		// lost column is NULL in new rows and kept in merged ones.
		{name: "added, unset is ignore", sql: added, strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "added, ignore", sql: added, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "added, ignore, merge", mode: "ignore", strategy: "merge", key: []string{"id"},
			sql:      `select * from (values (2,'B',20),(3,'c',30)) v(id, v, n)`,
			wantCols: orig, wantRows: []string{"1|a", "2|B", "3|c"}},
		{name: "added and reordered, ignore, delete+insert", mode: "ignore", strategy: "delete+insert", key: []string{"id"},
			sql:      `select * from (values (20,'B',2),(30,'c',3)) v(n, v, id)`,
			wantCols: orig, wantRows: []string{"1|a", "2|B", "3|c"}},
		{name: "added and removed, ignore", sql: `select 3 as id, 30 as n`, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "added and removed, ignore, merge", mode: "ignore", strategy: "merge", key: []string{"id"},
			sql:      `select * from (values (2,20),(3,30)) v(id, n)`,
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "added, fail", sql: added, mode: "fail", strategy: "append",
			wantErr:  []string{`incremental model "silver"."m"`, "added: n INTEGER", "--full-refresh", "on_schema_change"},
			wantCols: orig, wantRows: origRows},
		{name: "added, append_new_columns", sql: added, mode: "append_new_columns", strategy: "append",
			wantCols: []string{"id INTEGER", "v VARCHAR", "n INTEGER"}, wantRows: []string{"1|a|NULL", "2|b|NULL", "3|c|30"}},
		{name: "added, sync_all_columns", sql: added, mode: "sync_all_columns", strategy: "append",
			wantCols: []string{"id INTEGER", "v VARCHAR", "n INTEGER"}, wantRows: []string{"1|a|NULL", "2|b|NULL", "3|c|30"}},
		{name: "added, append_new_columns, merge", mode: "append_new_columns", strategy: "merge", key: []string{"id"},
			sql:      `select * from (values (2,'B',20),(3,'c',30)) v(id, v, n)`,
			wantCols: []string{"id INTEGER", "v VARCHAR", "n INTEGER"}, wantRows: []string{"1|a|NULL", "2|B|20", "3|c|30"}},
		{name: "added, fail, merge", mode: "fail", strategy: "merge", key: []string{"id"},
			sql:     `select * from (values (2,'B',20)) v(id, v, n)`,
			wantErr: []string{"added: n INTEGER"}, wantCols: orig, wantRows: origRows},
		{name: "removed, ignore", sql: removed, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "removed, fail", sql: removed, mode: "fail", strategy: "append",
			wantErr: []string{"removed: v"}, wantCols: orig, wantRows: origRows},
		{name: "removed, append_new_columns keeps it", sql: removed, mode: "append_new_columns", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|NULL"}},
		{name: "removed, sync_all_columns drops it", sql: removed, mode: "sync_all_columns", strategy: "append",
			wantCols: []string{"id INTEGER"}, wantRows: []string{"1", "2", "3"}},
		{name: "removed, sync_all_columns, delete+insert", mode: "sync_all_columns", strategy: "delete+insert", key: []string{"id"},
			sql:      `select * from (values (2),(3)) v(id)`,
			wantCols: []string{"id INTEGER"}, wantRows: []string{"1", "2", "3"}},
		{name: "retyped, ignore casts", sql: retyped, mode: "ignore", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "retyped, fail", sql: retyped, mode: "fail", strategy: "append",
			wantErr: []string{"type changed: id INTEGER -> VARCHAR"}, wantCols: orig, wantRows: origRows},
		{name: "retyped, append_new_columns leaves type", sql: retyped, mode: "append_new_columns", strategy: "append",
			wantCols: orig, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "retyped, sync_all_columns alters type", sql: retyped, mode: "sync_all_columns", strategy: "append",
			wantCols: []string{"id VARCHAR", "v VARCHAR"}, wantRows: []string{"1|a", "2|b", "3|c"}},
		{name: "retyped beyond cast, sync_all_columns fails", sql: `select 3 as id, 5 as v`, mode: "sync_all_columns", strategy: "append",
			wantErr:  []string{"on_schema_change", `ALTER COLUMN "v" SET DATA TYPE INTEGER`},
			wantCols: orig, wantRows: origRows},
		{name: "unknown value", sql: added, mode: "add_columns", strategy: "append",
			wantErr:  []string{"on_schema_change", "want ignore, fail, append_new_columns or sync_all_columns", "add_columns"},
			wantCols: orig, wantRows: origRows},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, _ := openTemp(t)
			if _, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table", SQL: base}); err != nil {
				t.Fatalf("first build: %v", err)
			}
			m := adapter.Materialization{Relation: rel, Kind: "incremental", SQL: tc.sql,
				IncrementalStrategy: tc.strategy, UniqueKey: tc.key}
			if tc.mode != nil {
				m.Extra = map[string]any{"on_schema_change": tc.mode}
			}
			_, err := a.Materialize(ctx, m)
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
			cols := rowsOf(t, a, `select column_name || ' ' || data_type from information_schema.columns
				where table_schema = 'silver' and table_name = 'm' order by ordinal_position`)
			if !slices.Equal(cols, tc.wantCols) {
				t.Errorf("columns = %q, want %q", cols, tc.wantCols)
			}
			if rows := rowsOf(t, a, `select * from silver.m order by all`); !slices.Equal(rows, tc.wantRows) {
				t.Errorf("rows = %q, want %q", rows, tc.wantRows)
			}
		})
	}
}
