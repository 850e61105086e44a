package api

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

//go:embed testdata/gold_fixture.sql
var fixtureSQL string

// buildWarehouse writes a DuckDB file with the gold schema of the contract
// (tables from GoldColumns) and the hand-made rows of testdata/gold_fixture.sql,
// then runs extra statements.
func buildWarehouse(t testing.TB, path string, extra ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{"CREATE SCHEMA IF NOT EXISTS gold"}
	cols := GoldColumns()
	models := make([]string, 0, len(cols))
	for m := range cols {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, m := range models {
		var defs []string
		for _, c := range cols[m] {
			defs = append(defs, `"`+c.Name+`" `+c.Type)
		}
		stmts = append(stmts, "CREATE OR REPLACE TABLE gold."+m+" ("+strings.Join(defs, ", ")+")")
	}
	stmts = append(stmts, fixtureSQL)
	stmts = append(stmts, extra...)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("fixture: %v\n%s", err, s)
		}
	}
}

type testServer struct {
	URL   string
	Store *Store
	Path  string // the DuckDB file
}

// startServer loads the warehouse at path and serves it on a loopback port
// over the real router until the test ends.
func startServer(t *testing.T, opener Opener, token string) *testServer {
	t.Helper()
	store := NewStore(opener, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := store.Reload(ctx); err != nil {
		t.Logf("initial load: %v", err)
	}
	h, _ := NewHandler(Options{Store: store, ReloadToken: token, CORSOrigins: []string{"https://dash.example"}})
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", h, nil, func(a net.Addr) { addrc <- a.String() })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("graceful shutdown: %v", err)
		}
	})
	ts := &testServer{URL: "http://" + addr, Store: store}
	if d, ok := opener.(*DuckDB); ok {
		ts.Path = d.Path
	}
	return ts
}

func newFixtureServer(t *testing.T) *testServer {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	buildWarehouse(t, path)
	s := startServer(t, &DuckDB{Path: path}, "s3cret")
	if s.Store.Current() == nil {
		t.Fatalf("the fixture does not load: %s", s.Store.LastReload().Error)
	}
	return s
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(t testing.TB, url string) response {
	t.Helper()
	return do(t, http.MethodGet, url, nil)
}

func do(t testing.TB, method, url string, hdr map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// query runs SQL on the warehouse file (read-only) and returns rows as
// maps of JSON-comparable values.
func query(t *testing.T, path, q string, args ...any) []map[string]any {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = normalize(vals[i])
		}
		out = append(out, m)
	}
	return out
}

// normalize maps warehouse values to what JSON decoding gives: numbers as
// float64, dates as YYYY-MM-DD.
func normalize(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.Format(time.DateOnly)
	case string, bool:
		return x
	case interface{ Float64() float64 }:
		return x.Float64()
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case float64:
		return x
	}
	return v
}
