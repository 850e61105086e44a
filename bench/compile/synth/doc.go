// Package synth generates synthetic layered projects for the compile
// benchmark: N models across ten layers, each model reading two or three
// models of the layer below (the first layer reads sources), with YAML
// properties (description, three documented columns) and two tests per
// model, config calls, vars, includes and dispatched macros.
package synth
