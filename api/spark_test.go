//go:build spark

// The API serves the same answers from a Databricks/Spark target as from
// DuckDB: the gold fixture is written to a real Spark Thrift server with
// Delta (scripts/spark/start.sh; SPARK_HOST, SPARK_PORT, SPARK_HTTP_PATH)
// and loaded through the databricks adapter. Run by `make test-spark`.
package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/databricks"
)

func sparkEnv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func TestServeFromSpark(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	reg := adapter.NewRegistry()
	databricks.Register(reg)
	cfg := adapter.Config{Name: "spark", Type: databricks.TypeSpark, Schema: "default", Fields: map[string]any{
		"host": sparkEnv("SPARK_HOST", "127.0.0.1"), "port": sparkEnv("SPARK_PORT", "10001"),
		"http_path": sparkEnv("SPARK_HTTP_PATH", "cliservice"), "retries": 1,
	}}
	a, err := reg.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open spark (start it with scripts/spark/start.sh): %v", err)
	}
	defer a.Close()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := "api_gold_" + hex.EncodeToString(b)
	if _, err := a.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer a.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")

	cols := GoldColumns()
	models := make([]string, 0, len(cols))
	for m := range cols {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, m := range models {
		var defs []string
		for _, c := range cols[m] {
			typ := c.Type
			switch typ {
			case "varchar":
				typ = "string"
			case "integer":
				typ = "int"
			}
			defs = append(defs, "`"+c.Name+"` "+typ)
		}
		if _, err := a.Exec(ctx, "CREATE TABLE "+schema+"."+m+" ("+strings.Join(defs, ", ")+") USING DELTA"); err != nil {
			t.Fatal(err)
		}
	}
	comments := regexp.MustCompile(`(?m)^--.*$`)
	for _, stmt := range strings.Split(comments.ReplaceAllString(fixtureSQL, ""), ";") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" {
			continue
		}
		stmt = strings.ReplaceAll(stmt, "INTO gold.", "INTO "+schema+".")
		if _, err := a.Exec(ctx, stmt); err != nil {
			t.Fatalf("%v\n%s", err, stmt)
		}
	}

	spark := startServer(t, &Warehouse{
		Connect: func(ctx context.Context) (adapter.Adapter, error) { return reg.Open(ctx, cfg) },
		Schema:  schema, Name: "spark:" + schema,
	}, "")
	if spark.Store.Current() == nil {
		t.Fatalf("load from spark: %s", spark.Store.LastReload().Error)
	}
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	buildWarehouse(t, path)
	duck := startServer(t, &DuckDB{Path: path}, "")
	for _, p := range []string{
		"/api/customers/analytics?sort=-clv", "/api/customers/analytics/4", "/api/customers/segments/VIP",
		"/api/products/performance", "/api/products/low-stock?include_low=true", "/api/sales/metrics?period=month",
		"/api/sales/summary", "/api/sales/trends?period=month&metric=avg_order_value", "/api/sales/cohorts",
		"/api/operations/metrics", "/api/operations/categories", "/api/operations/payment-methods", "/api/operations/rating-trends",
	} {
		s, d := get(t, spark.URL+p), get(t, duck.URL+p)
		if s.Status != 200 || !bytes.Equal(s.Body, d.Body) {
			t.Errorf("%s differs\nspark  %d %s\nduckdb %d %s", p, s.Status, s.Body, d.Status, d.Body)
		}
	}
}
