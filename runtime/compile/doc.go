// Package compile is the entry point of the engine core: it loads a
// project (runtime/project), renders every template once and in parallel
// (runtime/render), resolves refs and sources, generates the data tests
// declared in YAML, builds and checks the DAG (runtime/dag) and writes the
// manifest (runtime/manifest). The resulting Engine re-renders nodes for
// execution, renders hooks and macros, and names relations.
package compile
