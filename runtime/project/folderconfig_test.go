package project

import (
	"reflect"
	"testing"
)

// TestFolderConfigs: the per-folder cache answers what FolderConfig
// answers for every node, whether or not the folder was seen before.
// (The maps it hands out are shared by a folder's nodes and never
// modified: TestYAMLConfigStaysOnItsNode checks that a node's YAML
// config does not reach its neighbours.)
func TestFolderConfigs(t *testing.T) {
	tree := map[string]any{
		"+tags": []any{"all"},
		"shop": map[string]any{
			"+materialized": "view",
			"bronze": map[string]any{
				"+materialized": "table",
				"+pre-hook":     "select 1",
				"b_orders":      map[string]any{"+materialized": "incremental", "+tags": []any{"big"}},
			},
			"silver": map[string]any{"+schema": "silver", "+meta": map[string]any{"owner": "a"}},
		},
	}
	cases := []struct {
		name string
		fqn  []string
		want map[string]any // written out by hand
	}{
		{"folder config", []string{"shop", "bronze", "b_customers"},
			map[string]any{"tags": []string{"all"}, "materialized": "table", "pre-hook": []any{"select 1"}}},
		{"same folder, level named after the model", []string{"shop", "bronze", "b_orders"},
			map[string]any{"tags": []string{"all", "big"}, "materialized": "incremental", "pre-hook": []any{"select 1"}}},
		{"same folder again", []string{"shop", "bronze", "b_customers"},
			map[string]any{"tags": []string{"all"}, "materialized": "table", "pre-hook": []any{"select 1"}}},
		{"other folder", []string{"shop", "silver", "s_orders"},
			map[string]any{"tags": []string{"all"}, "materialized": "view", "schema": "silver", "meta": map[string]any{"owner": "a"}}},
		{"folder absent from the tree", []string{"shop", "gold", "deep", "g"},
			map[string]any{"tags": []string{"all"}, "materialized": "view"}},
		{"model at the root", []string{"shop", "top"},
			map[string]any{"tags": []string{"all"}, "materialized": "view"}},
		{"project name not in the tree", []string{"other", "bronze", "b_orders"},
			map[string]any{"tags": []string{"all"}}},
		{"fqn of one element", []string{"shop"},
			map[string]any{"tags": []string{"all"}, "materialized": "view"}},
	}
	fc := newFolderConfigs(tree)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fc.config(c.fqn)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("config(%q) = %#v, want %#v", c.fqn, got, c.want)
			}
			if ref := FolderConfig(tree, c.fqn); !reflect.DeepEqual(got, ref) {
				t.Errorf("config(%q) = %#v, FolderConfig %#v", c.fqn, got, ref)
			}
		})
	}
	if got := newFolderConfigs(nil).config([]string{"shop", "m"}); len(got) != 0 {
		t.Errorf("empty tree: %v", got)
	}
}
