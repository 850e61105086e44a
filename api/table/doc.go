// Package table is the in-memory form of one gold table that the API serves:
// typed rows, an index by key, pre-sorted orderings, equality-filter indexes
// and every row pre-encoded as JSON, so a request costs O(page). The code
// generated from the gold contracts (api/*_gen.go) describes each table with
// a Spec; this package loads it from a warehouse and answers list/get
// requests from it.
package table
