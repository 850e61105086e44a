package api

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/api/table"
)

// After a reload the replaced snapshot must be garbage at once: memory
// during the next reload holds two snapshots, not three. Its tables have
// served pages (their buffer pools are registered with the runtime).
func TestReloadReleasesTheReplacedSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	buildWarehouse(t, path)
	s := NewStore(&DuckDB{Path: path}, nil)
	s.FreeMemory = true
	released := make(chan struct{})
	func() {
		old, err := s.Reload(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []table.Query{{Limit: 5}, {Sort: "-clv", Limit: 5, Filters: []table.Filter{{Column: ColCustomerAnalyticsCountry, Value: "Spain"}}}} {
			b, err := old.Gold.CustomerAnalytics.List(q)
			if err != nil {
				t.Fatal(err)
			}
			b.Release()
		}
		runtime.AddCleanup(old.Gold.CustomerAnalytics, func(ch chan struct{}) { close(ch) }, released)
	}()
	if _, err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the replaced snapshot's customer table is still reachable after the reload")
	}
}
