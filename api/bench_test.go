package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// benchHandler serves TECHSTORE_BENCH_DUCKDB (a built warehouse) when set,
// else the test fixture.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	path := os.Getenv("TECHSTORE_BENCH_DUCKDB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "warehouse.duckdb")
		buildWarehouse(b, path)
	}
	store := NewStore(&DuckDB{Path: path}, slog.New(slog.DiscardHandler))
	if _, err := store.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	h, _ := NewHandler(Options{Store: store})
	return h
}

// BenchmarkEndpoints measures the router and handlers without the network:
// go test ./api -run '^$' -bench Endpoints -benchmem
func BenchmarkEndpoints(b *testing.B) {
	h := benchHandler(b)
	for _, c := range []struct{ name, path string }{
		{"get-customer", "/api/customers/analytics/1"},
		{"list-products-50", "/api/products/performance?limit=50"},
		{"summary", "/api/sales/summary"},
		{"filter-sort-customers-50", "/api/customers/analytics?sort=-clv&country=Spain&limit=50"},
	} {
		p := c.path
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", p, w.Code)
				}
			}
		})
	}
}

// BenchmarkReload measures loading a whole snapshot (set
// TECHSTORE_BENCH_DUCKDB to a built warehouse for realistic sizes) and
// reports the Go heap it keeps.
func BenchmarkReload(b *testing.B) {
	path := os.Getenv("TECHSTORE_BENCH_DUCKDB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "warehouse.duckdb")
		buildWarehouse(b, path)
	}
	store := NewStore(&DuckDB{Path: path}, nil)
	for b.Loop() {
		if _, err := store.Reload(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
	runtime.KeepAlive(store.Current())
}
