package api

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

// The snapshot loads the same through a runtime adapter (the path the
// Databricks target takes) as through the DuckDB file directly.
func TestLoadThroughAdapter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	buildWarehouse(t, path)
	reg := adapter.NewRegistry()
	duckdb.Register(reg)
	cfg := adapter.Config{Name: "dev", Type: "duckdb", Fields: map[string]any{"path": path}}
	viaAdapter := startServer(t, &Warehouse{
		Connect: func(ctx context.Context) (adapter.Adapter, error) { return reg.Open(ctx, cfg) },
		Name:    "duckdb:dev",
	}, "")
	if viaAdapter.Store.Current() == nil {
		t.Fatalf("load through the adapter: %s", viaAdapter.Store.LastReload().Error)
	}
	direct := startServer(t, &DuckDB{Path: path}, "")
	for _, p := range []string{
		"/api/customers/analytics?sort=-clv", "/api/customers/analytics/4", "/api/products/performance", "/api/sales/metrics",
		"/api/sales/summary", "/api/sales/trends?period=month&metric=avg_order_value", "/api/sales/cohorts",
		"/api/operations/metrics", "/api/operations/categories", "/api/operations/payment-methods", "/api/operations/rating-trends",
	} {
		a, d := get(t, viaAdapter.URL+p), get(t, direct.URL+p)
		if a.Status != 200 || !bytes.Equal(a.Body, d.Body) {
			t.Errorf("%s: through the adapter %d %s\ndirect %d %s", p, a.Status, a.Body, d.Status, d.Body)
		}
	}
}

// A file named like the schema (gold.duckdb, whose catalog is "gold")
// still loads: the loader qualifies names with the catalog.
func TestLoadFileNamedLikeTheSchema(t *testing.T) {
	dir := t.TempDir()
	built := filepath.Join(dir, "warehouse.duckdb")
	buildWarehouse(t, built)
	path := filepath.Join(dir, "gold.duckdb")
	if err := os.Rename(built, path); err != nil {
		t.Fatal(err)
	}
	s := NewStore(&DuckDB{Path: path}, nil)
	sn, err := s.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := sn.Counts["gold_customer_analytics"]; n != 5 {
		t.Errorf("loaded %d customers, want 5", n)
	}
}
