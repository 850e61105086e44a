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
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				w.code = 0
				h.ServeHTTP(w, req)
				if w.code != http.StatusOK && w.code != 0 {
					b.Fatalf("%s: %d", p, w.code)
				}
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps the status and headers and
// drops the body, so the benchmark measures the handler, not a recorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(b), nil
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
