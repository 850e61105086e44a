// Package project holds the in-memory model of a TechStore Analytics project:
// project.yml, models, properties (YAML), sources, macros, seeds and tests,
// loaded once and handed on as plain values to the DAG, the selector, the
// compiler, the runtime and the lineage site.
package project
