// Package graph builds the documented model-level graph of a compiled
// project: sources, seeds and models with their layer (source, bronze,
// silver, gold), columns, tests, last run results (run_results.json) and
// column lineage. The site and the exports render this value.
package graph
