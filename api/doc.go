// Package api serves the gold layer over HTTP: a Huma v2 API on chi whose
// per-model types and list/get operations are generated from the gold
// contracts (the *_gen.go files, written by techstore generate), beside
// hand-written operations (top customers, sales trends and summary, ...).
// Every request is answered from an in-memory snapshot of the gold tables
// (Store), swapped atomically when a run finishes or on POST /admin/reload.
package api

//go:generate go run ../generator/cmd/generate -contracts ../models/gold -out .
