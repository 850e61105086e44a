// Package medallion proves the TechStore models (models/, macros/, seeds/,
// tests/ at the repository root) on the real engine: runtime/compile
// renders them, runtime/exec runs them on an embedded DuckDB file, and the
// tests compare what lands in the gold schema with values worked out by
// hand from a tiny raw data set (testdata/raw.sql), check the gold tables
// against their YAML contracts, and show that the silver data tests catch
// every planted defect kind when the silver layer is bypassed.
//
// The package holds tests only.
package medallion
