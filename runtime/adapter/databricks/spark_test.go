//go:build spark

// These tests run against a real Spark Thrift server with Delta Lake
// (scripts/spark/start.sh; `make test-spark` starts and stops it). The
// server is found at SPARK_HOST:SPARK_PORT/SPARK_HTTP_PATH (default
// 127.0.0.1:10001/cliservice). Every test works in its own schema.
package databricks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func sparkFields() map[string]any {
	return map[string]any{
		"host":      envOr("SPARK_HOST", "127.0.0.1"),
		"port":      envOr("SPARK_PORT", "10001"),
		"http_path": envOr("SPARK_HTTP_PATH", "cliservice"),
		"retries":   1,
	}
}

func openSpark(t *testing.T, fields map[string]any) *Adapter {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := Open(ctx, adapter.Config{Name: "spark", Type: TypeSpark, Schema: "default", Fields: fields})
	if err != nil {
		t.Fatalf("open spark (start it with scripts/spark/start.sh): %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// testSchema creates a fresh schema and drops it when the test ends.
func testSchema(t *testing.T, a *Adapter) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ts_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if err := a.CreateSchema(ctx, "", name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = a.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+a.QuoteIdent(name)+" CASCADE")
	})
	return name
}

// rowsOf runs a query and renders every row as "v1|v2|..." for comparison.
func rowsOf(t *testing.T, a *Adapter, q string) []string {
	t.Helper()
	_, rows, err := a.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			switch v := v.(type) {
			case nil:
				parts[j] = "NULL"
			case time.Time:
				parts[j] = v.UTC().Format("2006-01-02 15:04:05")
			default:
				parts[j] = fmt.Sprint(v)
			}
		}
		out[i] = strings.Join(parts, "|")
	}
	return out
}

func TestSparkQueryValues(t *testing.T) {
	a := openSpark(t, sparkFields())
	ctx := context.Background()
	cols, rows, err := a.Query(ctx, `SELECT 7 AS i, CAST(9000000000 AS BIGINT) AS b, 'it\'s' AS s,
		CAST(1234.5 AS DECIMAL(12,2)) AS amount, DATE'2026-10-31' AS d,
		TIMESTAMP'2026-10-31 23:59:58' AS ts, CAST(NULL AS STRING) AS n, TRUE AS t, 0.25D AS f`)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{"i", "b", "s", "amount", "d", "ts", "n", "t", "f"}
	if !reflect.DeepEqual(cols, wantCols) {
		t.Fatalf("columns = %v, want %v", cols, wantCols)
	}
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	r := rows[0]
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"int", r[0], int32(7)},
		{"bigint", r[1], int64(9000000000)},
		{"string", r[2], "it's"},
		{"decimal as exact text", r[3], "1234.50"},
		{"date", r[4].(time.Time).Format("2006-01-02"), "2026-10-31"},
		{"timestamp UTC", r[5].(time.Time).UTC().Format(time.DateTime), "2026-10-31 23:59:58"},
		{"null", r[6], nil},
		{"bool", r[7], true},
		{"double", r[8], 0.25},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}

	t.Run("placeholders are inlined as literals", func(t *testing.T) {
		_, rows, err := a.Query(ctx, "SELECT ? AS a, ? AS b, ? AS c", "o'k\\", 42, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(rows[0]); got != `[o'k\ 42 <nil>]` {
			t.Errorf("got %s", got)
		}
	})
	t.Run("ANSI mode is on", func(t *testing.T) {
		_, _, err := a.Query(ctx, "SELECT CAST('abc' AS INT)")
		if err == nil || !strings.Contains(err.Error(), "CAST_INVALID_INPUT") {
			t.Errorf("want CAST_INVALID_INPUT under ANSI mode, got %v", err)
		}
	})
}

func TestSparkErrorShowsSparkMessage(t *testing.T) {
	a := openSpark(t, sparkFields())
	_, _, err := a.Query(context.Background(), "SELECT no_such_column FROM VALUES (1) AS v(id)")
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	var se *SQLError
	if !errors.As(err, &se) {
		t.Errorf("want a *SQLError, got %T", err)
	}
	for _, want := range []string{"[UNRESOLVED_COLUMN", "`no_such_column`"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	for _, noise := range []string{"\tat org.apache", "HiveSQLException", "Caused by", "ERROR_STATE"} {
		if strings.Contains(msg, noise) {
			t.Errorf("message carries driver/Java noise %q: %q", noise, msg)
		}
	}
}

func TestSparkMaterializations(t *testing.T) {
	a := openSpark(t, sparkFields())
	ctx := context.Background()
	schema := testSchema(t, a)
	rel := func(id string) adapter.Relation { return adapter.Relation{Schema: schema, Identifier: id} }
	name := func(id string) string { return a.RelationName(rel(id)) }

	type step struct {
		name  string
		m     adapter.Materialization
		check string   // query whose rows are compared
		want  []string // rows as "a|b|c", ordered by the check query
	}
	orders1 := `SELECT * FROM VALUES (1, 'eu', 10.50), (2, 'us', 20.00), (3, 'eu', 5.25) AS v(id, region, amount)`
	steps := []step{
		{
			name: "table with partition_by and tblproperties",
			m: adapter.Materialization{Relation: rel("orders"), Kind: "table", SQL: orders1, PartitionBy: []string{"region"},
				Extra: map[string]any{"tblproperties": map[string]any{"techstore.layer": "silver"}}},
			check: "SELECT id, region, amount FROM " + name("orders") + " ORDER BY id",
			want:  []string{"1|eu|10.50", "2|us|20.00", "3|eu|5.25"},
		},
		{
			name:  "table replaced by a new select",
			m:     adapter.Materialization{Relation: rel("orders"), Kind: "table", SQL: `SELECT * FROM VALUES (1, 'eu', 11.00) AS v(id, region, amount)`, PartitionBy: []string{"region"}},
			check: "SELECT id, region, amount FROM " + name("orders") + " ORDER BY id",
			want:  []string{"1|eu|11.00"},
		},
		{
			name:  "view over the table",
			m:     adapter.Materialization{Relation: rel("orders_v"), Kind: "view", SQL: "SELECT id, amount * 2 AS doubled FROM " + name("orders")},
			check: "SELECT * FROM " + name("orders_v"),
			want:  []string{"1|22.00"},
		},
		{
			name:  "table replaces a view of the same name",
			m:     adapter.Materialization{Relation: rel("orders_v"), Kind: "table", SQL: "SELECT 5 AS id"},
			check: "SELECT * FROM " + name("orders_v"),
			want:  []string{"5"},
		},
		{
			name:  "view replaces a table of the same name",
			m:     adapter.Materialization{Relation: rel("orders_v"), Kind: "view", SQL: "SELECT 6 AS id"},
			check: "SELECT * FROM " + name("orders_v"),
			want:  []string{"6"},
		},
		{
			name:  "incremental first run builds the table",
			m:     adapter.Materialization{Relation: rel("inc"), Kind: "incremental", UniqueKey: []string{"id"}, SQL: `SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, val)`},
			check: "SELECT id, val FROM " + name("inc") + " ORDER BY id",
			want:  []string{"1|a", "2|b"},
		},
		{
			name: "incremental merge updates matches and inserts the rest",
			m: adapter.Materialization{Relation: rel("inc"), Kind: "incremental", UniqueKey: []string{"id"}, IncrementalStrategy: "merge",
				SQL:   `SELECT * FROM VALUES (2, 'B'), (3, 'c') AS v(id, val)`,
				Extra: map[string]any{"incremental_predicates": []any{"DBT_INTERNAL_DEST.id >= 2"}}},
			check: "SELECT id, val FROM " + name("inc") + " ORDER BY id",
			want:  []string{"1|a", "2|B", "3|c"},
		},
		{
			name:  "incremental append adds rows by name",
			m:     adapter.Materialization{Relation: rel("inc"), Kind: "incremental", IncrementalStrategy: "append", SQL: `SELECT 'd' AS val, 4 AS id`},
			check: "SELECT id, val FROM " + name("inc") + " ORDER BY id",
			want:  []string{"1|a", "2|B", "3|c", "4|d"},
		},
		{
			name:  "incremental replace_where swaps the matching rows",
			m:     adapter.Materialization{Relation: rel("inc"), Kind: "incremental", IncrementalStrategy: "replace_where", SQL: `SELECT 3 AS id, 'C' AS val`, Extra: map[string]any{"incremental_predicates": "id >= 3"}},
			check: "SELECT id, val FROM " + name("inc") + " ORDER BY id",
			want:  []string{"1|a", "2|B", "3|C"},
		},
		{
			name:  "full refresh rebuilds",
			m:     adapter.Materialization{Relation: rel("inc"), Kind: "incremental", FullRefresh: true, UniqueKey: []string{"id"}, SQL: `SELECT 9 AS id, 'z' AS val`},
			check: "SELECT id, val FROM " + name("inc") + " ORDER BY id",
			want:  []string{"9|z"},
		},
		{
			name:  "insert_overwrite first run",
			m:     adapter.Materialization{Relation: rel("daily"), Kind: "incremental", IncrementalStrategy: "insert_overwrite", PartitionBy: []string{"day"}, SQL: `SELECT * FROM VALUES (DATE'2026-10-01', 1), (DATE'2026-10-02', 2) AS v(day, n)`},
			check: "SELECT day, n FROM " + name("daily") + " ORDER BY day, n",
			want:  []string{"2026-10-01 00:00:00|1", "2026-10-02 00:00:00|2"},
		},
		{
			name:  "insert_overwrite replaces only the partitions it writes",
			m:     adapter.Materialization{Relation: rel("daily"), Kind: "incremental", IncrementalStrategy: "insert_overwrite", PartitionBy: []string{"day"}, SQL: `SELECT * FROM VALUES (DATE'2026-10-02', 20), (DATE'2026-10-03', 30) AS v(day, n)`},
			check: "SELECT day, n FROM " + name("daily") + " ORDER BY day, n",
			want:  []string{"2026-10-01 00:00:00|1", "2026-10-02 00:00:00|20", "2026-10-03 00:00:00|30"},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if _, err := a.Materialize(ctx, s.m); err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(t, a, s.check); !reflect.DeepEqual(got, s.want) {
				t.Errorf("rows = %q, want %q", got, s.want)
			}
		})
	}

	t.Run("partitioning and table properties reach Delta", func(t *testing.T) {
		cols, rows, err := a.Query(ctx, "DESCRIBE DETAIL "+name("orders"))
		if err != nil {
			t.Fatal(err)
		}
		detail := map[string]any{}
		for i, c := range cols {
			detail[c] = rows[0][i]
		}
		if detail["format"] != "delta" {
			t.Errorf("format = %v, want delta", detail["format"])
		}
		if fmt.Sprint(detail["partitionColumns"]) != `["region"]` {
			t.Errorf("partitionColumns = %v, want [\"region\"]", detail["partitionColumns"])
		}
	})
}

func TestSparkLiquidClusteringAndOptimize(t *testing.T) {
	a := openSpark(t, sparkFields())
	ctx := context.Background()
	schema := testSchema(t, a)
	r := adapter.Relation{Schema: schema, Identifier: "clustered"}
	detail := func() string {
		cols, rows, err := a.Query(ctx, "DESCRIBE DETAIL "+a.RelationName(r))
		if err != nil {
			t.Fatal(err)
		}
		got, err := clusteringColumns(cols, rows)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ",")
	}
	m := adapter.Materialization{Relation: r, Kind: "incremental", UniqueKey: []string{"id"},
		SQL: "SELECT * FROM VALUES (1, 'eu'), (2, 'us') AS v(id, region)", Extra: map[string]any{"liquid_clustered_by": "id"}}
	cases := []struct {
		name       string
		cluster    any
		optimize   bool
		want       string
		statements int64 // statements the build sends
	}{
		// describe (table missing) + CREATE
		{"first build clusters by id", "id", false, "id", 2},
		// describe + DESCRIBE QUERY (on_schema_change) + DESCRIBE DETAIL +
		// MERGE: clustering unchanged, no ALTER
		{"same clustering sends no ALTER", "id", false, "id", 4},
		// describe + DESCRIBE QUERY + DESCRIBE DETAIL + ALTER + MERGE
		{"changed clustering is altered", []any{"region", "id"}, false, "region,id", 5},
		// describe + DESCRIBE QUERY + DESCRIBE DETAIL + MERGE + OPTIMIZE
		{"optimize only when configured", []any{"region", "id"}, true, "region,id", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m.Extra = map[string]any{"liquid_clustered_by": c.cluster, "optimize": c.optimize}
			before := a.Statements()
			if _, err := a.Materialize(ctx, m); err != nil {
				t.Fatal(err)
			}
			if got := a.Statements() - before; got != c.statements {
				t.Errorf("sent %d statements, want %d", got, c.statements)
			}
			if got := detail(); got != c.want {
				t.Errorf("clustering = %q, want %q", got, c.want)
			}
		})
	}
}

func TestSparkListRelations(t *testing.T) {
	a := openSpark(t, sparkFields())
	ctx := context.Background()
	schema := testSchema(t, a)
	for _, m := range []adapter.Materialization{
		{Relation: adapter.Relation{Schema: schema, Identifier: "t1"}, Kind: "table", SQL: "SELECT 1 AS id, CAST(2.5 AS DECIMAL(12,2)) AS amount, 'x' AS label"},
		{Relation: adapter.Relation{Schema: schema, Identifier: "v1"}, Kind: "view", SQL: "SELECT id FROM " + a.RelationName(adapter.Relation{Schema: schema, Identifier: "t1"})},
	} {
		if _, err := a.Materialize(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	before := a.Statements()
	got, err := a.ListRelations(ctx, "", schema)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.Statements() - before; n != 1 {
		t.Errorf("ListRelations sent %d statements, want 1", n)
	}
	want := map[string]adapter.RelationInfo{
		"t1": {Relation: adapter.Relation{Schema: schema, Identifier: "t1", Kind: "table"},
			Columns: []adapter.Column{{Name: "id", DataType: "integer"}, {Name: "amount", DataType: "decimal(12,2)"}, {Name: "label", DataType: "string"}}},
		"v1": {Relation: adapter.Relation{Schema: schema, Identifier: "v1", Kind: "view"},
			Columns: []adapter.Column{{Name: "id", DataType: "integer"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListRelations = %+v\nwant %+v", got, want)
	}
	t.Run("missing schema gives nil", func(t *testing.T) {
		got, err := a.ListRelations(ctx, "", schema+"_missing")
		if err != nil || got != nil {
			t.Errorf("got %v, %v; want nil, nil", got, err)
		}
	})
}

func TestSparkLoadTable(t *testing.T) {
	a := openSpark(t, sparkFields())
	ctx := context.Background()
	schema := testSchema(t, a)
	cols := []adapter.Column{{Name: "code", DataType: "VARCHAR"}, {Name: "qty", DataType: "INTEGER"}, {Name: "price", DataType: "DECIMAL(10,2)"}, {Name: "day", DataType: "DATE"}}
	cases := []struct {
		name  string
		rows  [][]any
		batch int
		want  []string
	}{
		{
			name: "one batch with quotes, backslashes and NULLs",
			rows: [][]any{{"a'b", "3", "1.10", "2026-01-02"}, {`c\d`, nil, "2", time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)}, {"e\nf", 7, nil, nil}},
			want: []string{"a'b|3|1.10|2026-01-02 00:00:00", `c\d|NULL|2.00|2026-02-03 00:00:00`, "e\nf|7|NULL|NULL"},
		},
		{
			name:  "several batches through a staging table",
			rows:  [][]any{{"x", 1, "1", "2026-01-01"}, {"y", 2, "2", "2026-01-01"}, {"z", 3, "3", "2026-01-01"}},
			batch: 10, // bytes: every row is its own batch
			want:  []string{"x|1|1.00|2026-01-01 00:00:00", "y|2|2.00|2026-01-01 00:00:00", "z|3|3.00|2026-01-01 00:00:00"},
		},
		{
			name: "no rows gives an empty typed table",
			rows: nil,
			want: []string{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.loadBatchBytes = c.batch
			r := adapter.Relation{Schema: schema, Identifier: "seed"}
			res, err := a.LoadTable(ctx, r, cols, c.rows)
			if err != nil {
				t.Fatal(err)
			}
			if res.RowsAffected != int64(len(c.rows)) {
				t.Errorf("RowsAffected = %d, want %d", res.RowsAffected, len(c.rows))
			}
			got := rowsOf(t, a, "SELECT code, qty, price, day FROM "+a.RelationName(r)+" ORDER BY code")
			sort.Strings(c.want)
			if len(got) != 0 || len(c.want) != 0 {
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("rows = %q, want %q", got, c.want)
				}
			}
			infos, err := a.ListRelations(ctx, "", schema)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := infos["seed__techstore_load"]; ok {
				t.Errorf("staging table left behind")
			}
			types := []string{}
			for _, col := range infos["seed"].Columns {
				types = append(types, col.DataType)
			}
			if want := "string,int,decimal(10,2),date"; strings.Join(types, ",") != strings.ReplaceAll(want, "int,", "integer,") {
				t.Errorf("column types = %v, want %s", types, strings.ReplaceAll(want, "int,", "integer,"))
			}
		})
	}
	t.Run("a short row names the row", func(t *testing.T) {
		_, err := a.LoadTable(ctx, adapter.Relation{Schema: schema, Identifier: "bad"}, cols, [][]any{{"a", 1, "1", "2026-01-01"}, {"b"}})
		if err == nil || !strings.Contains(err.Error(), "row 2 has 1 values, want 4") {
			t.Errorf("got %v", err)
		}
	})
}

func TestSparkWrongProfileFields(t *testing.T) {
	// A port with nothing listening: take a free port and close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadPort := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	fast := func(k string, v any) map[string]any {
		f := sparkFields()
		f["retries"] = 0
		f["connect_timeout"] = 5
		f[k] = v
		return f
	}
	cases := []struct {
		name   string
		fields map[string]any
		want   string
	}{
		{"wrong port", fast("port", deadPort), "profile field `host` / `port`: nothing answers at http://127.0.0.1:"},
		{"unresolvable host", fast("host", "no-such-host.invalid"), "profile field `host`: cannot resolve host \"no-such-host.invalid\""},
		{"wrong http_path", fast("http_path", "/sql/1.0/warehouses/nope"), "profile field `http_path`"},
		{"method other than http", fast("method", "thrift"), "field `method`: \"thrift\" is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			a, err := Open(ctx, adapter.Config{Name: "spark", Type: TypeSpark, Schema: "default", Fields: c.fields})
			if err == nil {
				_ = a.Close()
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

// proxy is a TCP relay on loopback in front of the Spark server, so a test
// can make the warehouse vanish mid-run.
type proxy struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); _ = u.Close() }()
			go func() { _, _ = io.Copy(c, u); _ = c.Close() }()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) port() int { return p.l.Addr().(*net.TCPAddr).Port }

// stop closes the listener and every relayed connection: from then on the
// client gets "connection refused", as from a stopped warehouse.
func (p *proxy) stop() {
	_ = p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func TestSparkWarehouseDropsMidRun(t *testing.T) {
	target := net.JoinHostPort(envOr("SPARK_HOST", "127.0.0.1"), envOr("SPARK_PORT", "10001"))
	p := startProxy(t, target)
	f := sparkFields()
	f["port"] = p.port()
	f["retries"] = 2
	f["retry_wait_min"] = "50ms"
	f["retry_wait_max"] = "100ms"
	a := openSpark(t, f)
	ctx := context.Background()
	if _, _, err := a.Query(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	p.stop()
	// A query is safe to repeat, so every retry is used whichever way the
	// first attempt fails: the pooled connection the relay closed answers
	// EOF, a new one is refused.
	_, _, err := a.Query(ctx, "SELECT 2")
	if err == nil {
		t.Fatal("want an error once the warehouse is gone")
	}
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *ConnectionError, got %T: %v", err, err)
	}
	msg := err.Error()
	// retries: 2 -> three attempts, the last one refused
	for _, want := range []string{"stopped answering", "gave up after 3 attempts (2 retries, profile field `retries`)", "connection refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("query: message %q lacks %q", msg, want)
		}
	}
	// A statement that may not be safe to repeat is retried only while it
	// provably never left; the message still counts the attempts and names
	// the profile field.
	_, err = a.Exec(ctx, "SELECT 3")
	if !errors.As(err, &ce) {
		t.Fatalf("exec: want a *ConnectionError, got %T: %v", err, err)
	}
	for _, want := range []string{"stopped answering", "profile field `retries`"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("exec: message %q lacks %q", err.Error(), want)
		}
	}
}
