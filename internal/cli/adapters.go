package cli

import (
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/databricks"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

// newRegistry builds the adapter registry with every adapter this binary
// links. Each adapter adds its own line.
func newRegistry() *adapter.Registry {
	r := adapter.NewRegistry()
	duckdb.Register(r)
	databricks.Register(r) // types databricks and spark
	return r
}
