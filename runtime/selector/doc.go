// Package selector implements dbt's node selection syntax over a loaded
// project: node names and globs, the graph operators (+model, model+,
// 2+model, model+3, @model), the methods (tag:, path:, file:, fqn:,
// package:, config.<key>:, resource_type:, source:, test_type:, test_name:,
// state:, selector:), unions (space), intersections (comma) and --exclude,
// named selectors from selectors.yml, indirect selection of tests (eager,
// cautious, buildable, empty) and state comparison against an earlier
// manifest (state:new, state:modified and its sub-selectors).
//
// Parse turns one --select argument into an Expr; Select evaluates a Spec
// against a project and its DAG and returns the selected unique ids in
// topological order together with the reasons each one was selected (what
// `ls --explain` prints). Errors in selector text are *SyntaxError values
// that print the input with a caret under the offending character.
package selector
