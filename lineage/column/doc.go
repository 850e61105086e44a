// Package column computes column-level lineage from compiled SQL.
//
// The SQL is parsed by DuckDB's own parser (json_serialize_sql on an
// in-memory database); this package walks the parse tree, resolving CTEs,
// subqueries, aliases, star expansion (with the columns known for each
// upstream relation), joins with ON and USING, window functions, aggregates,
// CASE and set operations. Each output column gets a list of input columns,
// each edge labelled identity, renamed, transformed or aggregated; columns
// used in WHERE/HAVING/QUALIFY and join conditions are reported as
// model-wide filter and join dependencies. Whatever cannot be analysed is
// reported as "unknown" with a reason, never guessed.
package column
