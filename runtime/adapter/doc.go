// Package adapter is the narrow seam between the engine and a warehouse.
// The engine speaks to DuckDB, Databricks or Spark only through the
// interfaces declared here; everything dialect-specific lives in the
// adapter subpackages and in dispatched macros.
package adapter
