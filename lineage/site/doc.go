// Package site writes the documentation site: one self-contained HTML file
// (CSS, JavaScript, data and a DAG layout all inline, no request to any
// other host) that works from file://. The layout (layout.go) is
// Sugiyama's layered method, in pure Go: ranks from the medallion layers,
// crossing reduction by median sweeps, positions by isotonic regression.
package site
