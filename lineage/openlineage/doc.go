// Package openlineage emits OpenLineage run events for engine runs: an
// exec.Observer that sends a parent run for the invocation and a START then
// COMPLETE, FAIL or ABORT per node, with input and output datasets and the
// schema, sql, jobType, parent, errorMessage and columnLineage facets, to an
// NDJSON file and/or a Marquez-compatible HTTP endpoint.
package openlineage
