package duckdb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// holdEnv makes the test binary a child that holds a database open.
const holdEnv = "TECHSTORE_TEST_HOLD_DUCKDB"

func TestMain(m *testing.M) {
	if p := os.Getenv(holdEnv); p != "" {
		a, err := Open(context.Background(), cfgFor(p))
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(2)
		}
		fmt.Println("ready")
		time.Sleep(30 * time.Second)
		_ = a.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func cfgFor(path string) adapter.Config {
	return adapter.Config{Name: "dev", Type: Type, Fields: map[string]any{"path": path}}
}

func openTemp(t *testing.T) (*Adapter, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "w.duckdb")
	a, err := Open(context.Background(), cfgFor(p))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a, p
}

func mustExec(t *testing.T, a *Adapter, q string) {
	t.Helper()
	if _, err := a.Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rowsOf returns the rows of a query as strings "v1|v2|...".
func rowsOf(t *testing.T, a *Adapter, q string) []string {
	t.Helper()
	_, rows, err := a.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := []string{}
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			if v == nil {
				parts[i] = "NULL"
			} else if tm, ok := v.(time.Time); ok {
				parts[i] = tm.Format("2006-01-02")
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func TestRelationName(t *testing.T) {
	tests := []struct {
		name string
		rel  adapter.Relation
		want string
	}{
		{"schema and table", adapter.Relation{Schema: "gold", Identifier: "gold_x"}, `"gold"."gold_x"`},
		{"schema named like the file gets the catalog", adapter.Relation{Schema: "techstore", Identifier: "orders"}, `"techstore"."techstore"."orders"`},
		{"catalog", adapter.Relation{Database: "w", Schema: "s", Identifier: "t"}, `"w"."s"."t"`},
		{"quote inside", adapter.Relation{Schema: "s", Identifier: `a"b`}, `"s"."a""b"`},
		{"no schema", adapter.Relation{Identifier: "t"}, `"t"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := DialectFor(cfgFor("/w/warehouse/techstore.duckdb"))
			if got := d.RelationName(tc.rel); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMaterialize(t *testing.T) {
	rel := adapter.Relation{Schema: "silver", Identifier: "m"}
	const base = `select * from (values (1,'a'),(2,'b')) v(id, v)`
	tests := []struct {
		name    string
		setup   []adapter.Materialization
		m       adapter.Materialization
		wantErr string
		want    []string // rows of select id, v from silver.m order by id, v
		kind    string
	}{
		{name: "table first build", m: adapter.Materialization{Kind: "table", SQL: base},
			want: []string{"1|a", "2|b"}, kind: "table"},
		{name: "table replaces table", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:    adapter.Materialization{Kind: "table", SQL: `select 7 as id, 'z' as v`},
			want: []string{"7|z"}, kind: "table"},
		{name: "table replaces view", setup: []adapter.Materialization{{Kind: "view", SQL: base}},
			m:    adapter.Materialization{Kind: "table", SQL: `select 7 as id, 'z' as v`},
			want: []string{"7|z"}, kind: "table"},
		{name: "view replaces table", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:    adapter.Materialization{Kind: "view", SQL: `select 8 as id, 'y' as v`},
			want: []string{"8|y"}, kind: "view"},
		{name: "failed table leaves old", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:       adapter.Materialization{Kind: "table", SQL: `select id, nope from silver.m`},
			wantErr: "nope", want: []string{"1|a", "2|b"}, kind: "table"},
		{name: "incremental first build is a table",
			m:    adapter.Materialization{Kind: "incremental", SQL: base, UniqueKey: []string{"id"}, IncrementalStrategy: "merge"},
			want: []string{"1|a", "2|b"}, kind: "table"},
		{name: "incremental append", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:    adapter.Materialization{Kind: "incremental", SQL: `select 'c' as v, 2 as id`, IncrementalStrategy: "append"},
			want: []string{"1|a", "2|b", "2|c"}, kind: "table"},
		{name: "incremental merge updates and inserts", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m: adapter.Materialization{Kind: "incremental", SQL: `select * from (values (2,'B'),(3,'c')) v(id, v)`,
				UniqueKey: []string{"id"}, IncrementalStrategy: "merge"},
			want: []string{"1|a", "2|B", "3|c"}, kind: "table"},
		{name: "incremental merge matches columns by name", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m: adapter.Materialization{Kind: "incremental", SQL: `select * from (values ('B', 2), ('c', 3)) v(v, id)`,
				UniqueKey: []string{"id"}, IncrementalStrategy: "merge"},
			want: []string{"1|a", "2|B", "3|c"}, kind: "table"},
		{name: "incremental delete+insert on two keys", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m: adapter.Materialization{Kind: "incremental", SQL: `select * from (values (1,'a'),(1,'q'),(5,'e')) v(id, v)`,
				UniqueKey: []string{"id", "v"}, IncrementalStrategy: "delete+insert"},
			want: []string{"1|a", "1|q", "2|b", "5|e"}, kind: "table"},
		{name: "incremental full refresh rebuilds", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m: adapter.Materialization{Kind: "incremental", SQL: `select 9 as id, 'n' as v`, UniqueKey: []string{"id"},
				IncrementalStrategy: "merge", FullRefresh: true},
			want: []string{"9|n"}, kind: "table"},
		{name: "incremental merge without key", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:       adapter.Materialization{Kind: "incremental", SQL: base, IncrementalStrategy: "merge"},
			wantErr: "needs config unique_key", want: []string{"1|a", "2|b"}, kind: "table"},
		{name: "unknown strategy", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m:       adapter.Materialization{Kind: "incremental", SQL: base, IncrementalStrategy: "insert_overwrite", UniqueKey: []string{"id"}},
			wantErr: `strategy "insert_overwrite" is not supported`, want: []string{"1|a", "2|b"}, kind: "table"},
		{name: "failed incremental leaves old", setup: []adapter.Materialization{{Kind: "table", SQL: base}},
			m: adapter.Materialization{Kind: "incremental", SQL: `select 1 as id, error('boom') as v`,
				UniqueKey: []string{"id"}, IncrementalStrategy: "delete+insert"},
			wantErr: "boom", want: []string{"1|a", "2|b"}, kind: "table"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := openTemp(t)
			ctx := context.Background()
			for _, s := range tc.setup {
				s.Relation = rel
				if _, err := a.Materialize(ctx, s); err != nil {
					t.Fatalf("setup: %v", err)
				}
			}
			m := tc.m
			m.Relation = rel
			_, err := a.Materialize(ctx, m)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("materialize: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			if got := rowsOf(t, a, `select id, v from silver.m order by id, v`); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			rels, err := a.ListRelations(ctx, "", "silver")
			if err != nil {
				t.Fatal(err)
			}
			if len(rels) != 1 || rels["m"].Relation.Kind != tc.kind {
				t.Errorf("relations %+v, want only m as %s", rels, tc.kind)
			}
		})
	}
}

// TestSwapIsAtomicForReaders builds a slow table while a reader polls it:
// every read sees the old 3 rows or the new 1,000,000, never an error.
func TestSwapIsAtomicForReaders(t *testing.T) {
	a, _ := openTemp(t)
	ctx := context.Background()
	rel := adapter.Relation{Schema: "gold", Identifier: "g"}
	if _, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table", SQL: "select * from range(3) r(i)"}); err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	seen := map[int64]int{}
	var readErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			_, rows, err := a.Query(ctx, `select count(*) from gold.g`)
			if err != nil {
				readErr = err
				return
			}
			seen[rows[0][0].(int64)]++
		}
	}()
	// A sort over 1e6 rows keeps the build busy for a while.
	_, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table",
		SQL: "select i from range(1000000) r(i) order by md5(i::varchar)"})
	time.Sleep(20 * time.Millisecond)
	done.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if readErr != nil {
		t.Fatalf("reader failed during swap: %v", readErr)
	}
	for n := range seen {
		if n != 3 && n != 1000000 {
			t.Errorf("reader saw %d rows; want only 3 (old) or 1000000 (new)", n)
		}
	}
	if seen[3] == 0 || seen[1000000] == 0 {
		t.Logf("reads: %v (reader did not overlap both states)", seen)
	}
}

func TestLoadTable(t *testing.T) {
	tests := []struct {
		name    string
		cols    []adapter.Column
		rows    [][]any
		query   string
		want    []string
		wantErr string
	}{
		{name: "typed columns",
			cols:  []adapter.Column{{Name: "id", DataType: "BIGINT"}, {Name: "d", DataType: "DATE"}, {Name: "x", DataType: "DOUBLE"}, {Name: "ok", DataType: "BOOLEAN"}},
			rows:  [][]any{{"1", "2026-01-02", "1.5", "true"}, {int64(2), nil, 2.25, false}},
			query: `select id + 1, d, x * 2, ok from seeds.s order by id`,
			want:  []string{"2|2026-01-02|3|true", "3|NULL|4.5|false"}},
		{name: "bad value names the table", cols: []adapter.Column{{Name: "id", DataType: "INTEGER"}},
			rows: [][]any{{"x1"}}, wantErr: `load "seeds"."s"`},
		{name: "short row", cols: []adapter.Column{{Name: "a"}, {Name: "b"}},
			rows: [][]any{{"1"}}, wantErr: "row 1 has 1 values, want 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := openTemp(t)
			res, err := a.LoadTable(context.Background(), adapter.Relation{Schema: "seeds", Identifier: "s"}, tc.cols, tc.rows)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.RowsAffected != int64(len(tc.rows)) {
				t.Errorf("rows affected %d, want %d", res.RowsAffected, len(tc.rows))
			}
			if got := rowsOf(t, a, tc.query); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOpenDropsLeftovers(t *testing.T) {
	a, p := openTemp(t)
	mustExec(t, a, `create schema gold; create table gold.g as select 1 as i; create table "gold"."g__tmp_0badcafe" as select 2 as i`)
	_ = a.Close()
	b, err := Open(context.Background(), cfgFor(p))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rels, err := b.ListRelations(context.Background(), "", "gold")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rels["g__tmp_0badcafe"]; ok || len(rels) != 1 {
		t.Errorf("relations after open: %v, want only g", rels)
	}
}

// TestSchemaNamedLikeCatalog builds in a schema named like the database
// file, which DuckDB finds ambiguous unless the catalog is spelled out.
func TestSchemaNamedLikeCatalog(t *testing.T) {
	a, err := Open(context.Background(), cfgFor(filepath.Join(t.TempDir(), "techstore.duckdb")))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	rel := adapter.Relation{Schema: "techstore", Identifier: "orders"}
	if _, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table", SQL: "select 1 as id"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Materialize(ctx, adapter.Materialization{Relation: rel, Kind: "table", SQL: "select 2 as id"}); err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(t, a, "select id from "+a.RelationName(rel)); len(got) != 1 || got[0] != "2" {
		t.Errorf("got %v, want [2]", got)
	}
}

func TestListRelationsMissingSchema(t *testing.T) {
	a, _ := openTemp(t)
	rels, err := a.ListRelations(context.Background(), "", "nope")
	if err != nil || rels != nil {
		t.Fatalf("got %v, %v; want nil, nil", rels, err)
	}
	mustExec(t, a, `create schema s; create table s.t (a int, b varchar); create view s.v as select a from s.t`)
	rels, err = a.ListRelations(context.Background(), "", "s")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]adapter.RelationInfo{
		"t": {Relation: adapter.Relation{Schema: "s", Identifier: "t", Kind: "table"}, Columns: []adapter.Column{{Name: "a", DataType: "INTEGER"}, {Name: "b", DataType: "VARCHAR"}}},
		"v": {Relation: adapter.Relation{Schema: "s", Identifier: "v", Kind: "view"}, Columns: []adapter.Column{{Name: "a", DataType: "INTEGER"}}},
	}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("got %+v\nwant %+v", rels, want)
	}
}

// TestLockedByOtherProcess re-executes the test binary as a child holding
// the file, and checks the one-line message a second opener gets.
func TestLockedByOtherProcess(t *testing.T) {
	p := filepath.Join(t.TempDir(), "locked.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+p)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("child: %q", line)
	}
	start := time.Now()
	_, err = OpenWith(context.Background(), cfgFor(p), Options{LockWait: 300 * time.Millisecond})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want *LockedError", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, want retries for the lock wait", waited)
	}
	want := "warehouse file " + p + " is in use by another process (pid " + strconv.Itoa(cmd.Process.Pid) + ") — stop `techstore serve` or the other run, then retry"
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}

// TestConcurrentBuildsInOneSchema builds tables and views in the same new
// schema from many goroutines at once: DuckDB's catalog conflicts between
// them must be absorbed, not reported.
func TestConcurrentBuildsInOneSchema(t *testing.T) {
	a, _ := openTemp(t)
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				kind := "table"
				if i%3 == 0 {
					kind = "view"
				}
				_, err := a.Materialize(ctx, adapter.Materialization{Kind: kind,
					Relation: adapter.Relation{Schema: fmt.Sprintf("s%d", round), Identifier: fmt.Sprintf("m%d", i)},
					SQL:      fmt.Sprintf("select %d as i", i)})
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
}

func TestSettings(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		want     string // current_setting('threads') on a pooled connection
		wantErr  string
	}{
		{name: "threads applied", settings: map[string]any{"threads": 1}, want: "1"},
		{name: "bad key", settings: map[string]any{"threads; drop": 1}, wantErr: `settings key "threads; drop" is not a DuckDB option name`},
		{name: "not a mapping", settings: []any{"threads"}, wantErr: "`settings:` must be a mapping"},
		{name: "unknown option", settings: map[string]any{"no_such_option": 1}, wantErr: "no_such_option"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cfgFor(filepath.Join(t.TempDir(), "s.duckdb"))
			cfg.Fields["settings"] = tc.settings
			a, err := Open(context.Background(), cfg)
			if err == nil {
				defer a.Close()
				_, _, err = a.Query(context.Background(), `select 1`)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(t, a, `select current_setting('threads')`); len(got) != 1 || got[0] != tc.want {
				t.Errorf("threads %v, want %s", got, tc.want)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	a, p := openTemp(t)
	mustExec(t, a, "create table t as select 1 as i")
	_ = a.Close()
	cfg := cfgFor(p)
	cfg.Fields["read_only"] = true
	ro, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := rowsOf(t, ro, "select i from t"); len(got) != 1 || got[0] != "1" {
		t.Errorf("read %v", got)
	}
	if _, err := ro.Exec(context.Background(), "create table u as select 1"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write on a read-only warehouse: %v", err)
	}
	missing := cfgFor(filepath.Join(t.TempDir(), "none.duckdb"))
	missing.Fields["read_only"] = true
	if _, err := Open(context.Background(), missing); err == nil || !strings.Contains(err.Error(), "does not exist yet") {
		t.Errorf("missing file: %v", err)
	}
}

// TestSchemaDroppedByExec builds into a schema, drops it with Exec (as a
// run-operation might) and builds again: the schema must be re-created.
func TestSchemaDroppedByExec(t *testing.T) {
	a, _ := openTemp(t)
	ctx := context.Background()
	m := adapter.Materialization{Relation: adapter.Relation{Schema: "g", Identifier: "t"}, Kind: "table", SQL: "select 1 as i"}
	if _, err := a.Materialize(ctx, m); err != nil {
		t.Fatal(err)
	}
	mustExec(t, a, "drop schema g cascade")
	if _, err := a.Materialize(ctx, m); err != nil {
		t.Fatalf("build after the schema was dropped: %v", err)
	}
}
