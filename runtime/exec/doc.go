// Package exec runs a selected part of a project on a warehouse adapter:
// it schedules nodes as soon as their parents succeed, materializes models,
// loads seeds, runs data tests, prints dbt-shaped progress lines and writes
// target/run_results.json. Observers (such as an OpenLineage emitter) see
// every node start and finish as plain data.
package exec
