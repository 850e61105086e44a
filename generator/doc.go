// Package generator turns the gold models' YAML contracts (models/gold/*.yml:
// columns with data types, descriptions and tests, and meta.api) into the Go
// code of the API: a row type per gold model, its table description for the
// snapshot store, its list/get operations and constants for the gold
// relations and columns. The output is gofmt'ed and deterministic.
package generator
