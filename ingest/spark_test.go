//go:build spark

// This test loads the data through the Databricks adapter into a real
// Spark Thrift server with Delta Lake (scripts/spark/start.sh), found at
// SPARK_HOST:SPARK_PORT/SPARK_HTTP_PATH (default 127.0.0.1:10001/cliservice).
// It works in its own schema and drops it at the end.
package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/databricks"
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func TestSparkLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	a, err := databricks.Open(ctx, adapter.Config{Name: "spark", Type: "spark", Schema: "default", Fields: map[string]any{
		"host": envOr("SPARK_HOST", "127.0.0.1"), "port": envOr("SPARK_PORT", "10001"),
		"http_path": envOr("SPARK_HTTP_PATH", "cliservice"), "retries": 1,
	}})
	if err != nil {
		t.Fatalf("open spark (start it with scripts/spark/start.sh): %v", err)
	}
	defer a.Close()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := "ingest_" + hex.EncodeToString(b)
	defer func() {
		if _, err := a.Exec(context.Background(), "DROP SCHEMA IF EXISTS `"+schema+"` CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	}()
	cfg := Config{Scale: 1, Seed: 42, EndDate: DefaultEndDate}
	opts := AdapterOptions{Schema: schema, BatchRows: 5000}
	rep, err := LoadAdapter(ctx, a, cfg, opts)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	count := func(q string) int64 {
		t.Helper()
		_, rows, err := a.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return countValue(rows)
	}
	for i, n := range TableNames() {
		if got := count("SELECT count(*) FROM `" + schema + "`.`" + n + "`"); got != rep.Rows[i] {
			t.Errorf("%s: %d rows, report says %d", n, got, rep.Rows[i])
		}
	}
	rules := []struct{ name, q string }{
		{"line_total formula", "SELECT count(*) FROM `" + schema + "`.order_items WHERE line_total <> CAST(round(quantity * unit_price * (1 - discount_percent / 100), 2) AS DECIMAL(10,2))"},
		{"total formula", "SELECT count(*) FROM `" + schema + "`.orders WHERE total_amount <> subtotal + tax_amount + shipping_cost - discount_amount"},
	}
	for _, r := range rules {
		if got := count(r.q); got != 0 {
			t.Errorf("%s: %d rows break it", r.name, got)
		}
	}
	// The CHECK constraint is enforced by Delta.
	if _, err := a.Exec(ctx, "INSERT INTO `"+schema+"`.orders (id, customer_id, order_date, status, total_amount) VALUES (999999, 1, current_timestamp(), 'lost', 1.00)"); err == nil {
		t.Errorf("insert with status 'lost' succeeded; want the CHECK constraint to refuse it")
	}
	// A second load without Replace is refused.
	var e *ExistingDataError
	if _, err := LoadAdapter(ctx, a, cfg, opts); !errors.As(err, &e) {
		t.Errorf("second load without replace: got %v, want ExistingDataError", err)
	}
}
