// Package duckdb is the adapter for the embedded DuckDB warehouse (the
// default target): a single database file opened through
// github.com/duckdb/duckdb-go/v2, with tables built under a temporary name
// and swapped in atomically.
package duckdb
