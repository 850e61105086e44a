// Package export writes the lineage graph, model-level or column-level, as
// Graphviz DOT, Mermaid, JSON or CSV.
package export
