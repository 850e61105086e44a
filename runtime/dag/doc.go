// Package dag is the dependency graph of a project: nodes and sources by
// unique id, edges from parents to children, a stable topological order
// (ties broken by unique id) and cycle reports that list every node of a
// cycle in order.
//
// It is written by hand rather than on github.com/dominikbraun/graph:
// that library's stable topological sort re-sorts its ready queue at
// every step, which is quadratic on the 30,000-node graphs the compile
// benchmark builds, and the engine needs only adjacency lists and Kahn's
// algorithm with a heap.
package dag
