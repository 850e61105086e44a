// Package site writes the documentation site: one self-contained HTML file
// (CSS, JavaScript, data and a DAG layout computed by Graphviz's dot engine
// all inline, no request to any other host) that works from file://.
package site
