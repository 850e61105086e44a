// Package table is the in-memory form of one gold table that the API serves:
// every row pre-encoded as JSON in one arena (optionally without its keys,
// see arena.go), an index by key (a sorted array for integer keys),
// pre-sorted orderings and equality-filter indexes, so a request costs
// O(page). The typed rows are kept only when a table is loaded without
// LoadOptions.DropRows; a table loaded with it holds no pointer per row.
// The code generated from the gold contracts (api/*_gen.go) describes each
// table with a Spec; this package loads it from a warehouse, one row at a
// time, and answers list/get requests from it.
package table
