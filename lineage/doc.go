// Package lineage is the root of the lineage and documentation packages:
// graph (the model-level graph built from a project and run results),
// column (column-level lineage from compiled SQL), site (the self-contained
// HTML documentation page), export (DOT, Mermaid, JSON and CSV) and
// openlineage (OpenLineage run events).
package lineage
