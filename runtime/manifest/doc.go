// Package manifest writes target/manifest.json in dbt's layout for the
// fields both share: metadata, nodes, sources, macros, parent_map,
// child_map and selectors. The output is deterministic apart from
// metadata.generated_at: map keys are sorted and lists keep graph order.
package manifest
