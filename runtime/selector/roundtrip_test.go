package selector

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/manifest"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// fixtureDAG builds the engine's own DAG over a project.
func fixtureDAG(t *testing.T, p *project.Project) *dag.DAG {
	t.Helper()
	parents := map[string][]string{}
	for id := range p.Sources {
		parents[id] = nil
	}
	for id, n := range p.Nodes {
		parents[id] = n.DependsOn.Nodes
	}
	d, err := dag.New(parents)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestStateThroughEngineManifest writes the fixture's manifest with the
// engine's writer, reads it back as --state and compares projects.
func TestStateThroughEngineManifest(t *testing.T) {
	dir := t.TempDir()
	base := fixtureProject()
	if err := manifest.WriteFile(filepath.Join(dir, "manifest.json"), base, fixtureDAG(t, base),
		manifest.Metadata{AdapterType: "duckdb", TargetName: "dev", GeneratedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !st.HasMacros() {
		t.Fatal("the engine's manifest has no macros")
	}

	// The changed project, by hand: a new body for silver_products, a new
	// materialization for bronze_orders, a new checksum for the macro
	// ltv_calc (used by gold_customer_ltv only), a new alias for
	// bronze_customers, and a new model gold_new below gold_product_sales.
	changed := fixtureProject()
	changed.Nodes[modelID(sp)].Checksum = "sha-silver_products-2"
	changed.Nodes[modelID(bo)].Config.Materialized = "view"
	changed.Macros["ltv_calc"].Checksum = "m-ltv-2"
	changed.Nodes[modelID(bc)].Alias = "bronze_customers_v2"
	changed.Nodes[modelID("gold_new")] = &project.Node{UniqueID: modelID("gold_new"), Name: "gold_new", ResourceType: project.Model,
		PackageName: "techstore", OriginalFilePath: "models/gold/gold_new.sql", FQN: []string{"techstore", "gold", "gold_new"},
		Checksum: "sha-gold_new", Config: project.Config{Enabled: true, Materialized: "table"},
		DependsOn: project.DependsOn{Nodes: []string{modelID(gps)}}}

	tests := []struct {
		name     string
		p        *project.Project
		sel      string
		want     []string
		warnings []string
	}{
		{"unchanged project has nothing modified", base, "state:modified", nil,
			[]string{"The selection criterion 'state:modified' does not match any enabled nodes"}},
		{"unchanged project is all old", base, "state:unmodified", allEnabled(), nil},
		{"modified", changed, "state:modified", []string{sp, bo, gcl, bc, "gold_new", tRel}, nil},
		{"new", changed, "state:new", []string{"gold_new"}, nil},
		{"body", changed, "state:modified.body", []string{sp, "gold_new"}, nil},
		{"configs", changed, "state:modified.configs", []string{bo, "gold_new"}, nil},
		{"relation", changed, "state:modified.relation", []string{bc, "gold_new"}, nil},
		{"macros", changed, "state:modified.macros", []string{gcl, tRel}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Select(tc.p, fixtureDAG(t, tc.p), Spec{Select: []string{tc.sel}, State: st}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := shortNames(tc.p, res.IDs); !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("selected %v\nwant      %v", sorted(got), sorted(tc.want))
			}
			if !slices.Equal(res.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.warnings)
			}
		})
	}
}
