// Package site writes the documentation site: one self-contained HTML file
// (CSS, JavaScript, data and a DAG layout all inline, no request to any
// other host) that works from file://.
//
// The layout (layout.go) is Sugiyama's layered method, in pure Go: ranks
// from the medallion layers, crossing reduction by median sweeps with
// transposition, vertical positions by weighted isotonic regression, and
// edges as curves through dummy vertices. It is written here rather than
// on github.com/goccy/go-graphviz, which architecture.md names as the
// example of a module to prefer: go-graphviz compiles and instantiates its
// WebAssembly Graphviz in a package init, so every techstore process paid
// about 27 ms and 16 MB before main, compile and ls included, whose issue
// sets a 100 ms target for 2,000 models (a full load took 110 to 130 ms, 90
// ms without it). Its init cannot be deferred without copying its source.
// The Go layout also lays out 2,000 models in about 20 ms
// (BenchmarkCompute2000); docs generate of that project went from 1.53 s
// with dot to 0.78 s (bench/docs/run.sh).
package site
