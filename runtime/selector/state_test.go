package selector

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// testdata/state/previous/manifest.json differs from fixtureProject in:
//   - silver_orders: another checksum (body); its config is written the
//     dbt way (extras inline, unique_key a string) but is the same config
//   - silver_customers: materialized view instead of table (configs)
//   - bronze_products: alias bronze_products_v1 (relation)
//   - source techstore.products: schema raw (relation)
//   - macro safe_divide: another checksum, so gold_daily_revenue (uses it)
//     and gold_customer_ltv (uses ltv_calc, which uses it) changed (macros)
//   - gold_product_sales: absent (new)
//
// testdata/state/nomacros is the same without the macros object.
func TestState(t *testing.T) {
	prev, err := LoadState("testdata/state/previous")
	if err != nil {
		t.Fatal(err)
	}
	noMacros, err := LoadState("testdata/state/nomacros/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	noMacrosWarning := "the state manifest testdata/state/nomacros/manifest.json records no macros, so %q cannot see macro changes"
	tests := []struct {
		name     string
		state    *State
		sel      []string
		types    []project.ResourceType
		want     []string
		warnings []string
	}{
		{"new", prev, []string{"state:new"}, nil, []string{gps}, nil},
		{"old", prev, []string{"state:old"}, nil, []string{sO, sC, sP, bo, bc, bp, cc, so, sc, sp, soi, gdr, gcl, tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"body (new nodes count)", prev, []string{"state:modified.body"}, nil, []string{so, gps, tNN}, nil},
		{"configs", prev, []string{"state:modified.configs"}, nil, []string{sc, gps, tUQ, tRel}, nil},
		{"relation", prev, []string{"state:modified.relation"}, nil, []string{bp, sP, gps}, nil},
		{"macros, directly and through another macro", prev, []string{"state:modified.macros"}, nil, []string{gdr, gcl, tRev, tRel}, nil},
		{"modified", prev, []string{"state:modified"}, nil, []string{gps, so, sc, bp, sP, gdr, gcl, tNN, tUQ, tRel, tRev}, nil},
		{"modified and children", prev, []string{"state:modified+"}, nil, []string{sP, bp, sp, soi, gps, so, gdr, gcl, sc, tNN, tUQ, tRel, tRev}, nil},
		// Both sides take the tests of their nodes eagerly, so the tests of
		// modified models stay in the intersection (as in dbt).
		{"modified models", prev, []string{"state:modified,resource_type:model"}, nil, []string{gps, so, sc, bp, gdr, gcl, tNN, tUQ, tRel, tRev}, nil},
		{"modified models only", prev, []string{"state:modified"}, []project.ResourceType{project.Model}, []string{gps, so, sc, bp, gdr, gcl}, nil},
		{"unmodified", prev, []string{"state:unmodified"}, nil, []string{sO, sC, bo, bc, cc, sp, soi, tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"no macros in the manifest", noMacros, []string{"state:modified.macros"}, nil, nil,
			[]string{strings.ReplaceAll(noMacrosWarning, "%q", `"state:modified.macros"`),
				"The selection criterion 'state:modified.macros' does not match any enabled nodes"}},
		{"modified without macros", noMacros, []string{"state:modified"}, nil, []string{gps, so, sc, bp, sP, tNN, tUQ, tRel},
			[]string{strings.ReplaceAll(noMacrosWarning, "%q", `"state:modified"`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtureProject()
			res := mustSelect(t, p, Spec{Select: tc.sel, State: tc.state, ResourceTypes: tc.types}, nil)
			if got := shortNames(p, res.IDs); !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("selected %v\nwant      %v", sorted(got), sorted(tc.want))
			}
			if !slices.Equal(res.Warnings, tc.warnings) {
				t.Errorf("warnings %q\nwant     %q", res.Warnings, tc.warnings)
			}
		})
	}
}

func TestLoadStateErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "manifest.json"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name string
		dir  string
		want []string
	}{
		{"missing", filepath.Join(dir, "nowhere"), []string{"nowhere/manifest.json does not exist", "--state must name a folder holding manifest.json"}},
		{"not json", write("bad", "{\n  \"nodes\": {\n    x\n"), []string{"bad/manifest.json:3:5: not valid JSON"}},
		{"wrong type", write("type", "{\"nodes\": {\"a\": {\"name\": 3}}}"), []string{"type/manifest.json:1:", `field "nodes.name" has the wrong type`}},
		{"no nodes", write("empty", "{\"sources\": {}}"), []string{`has no "nodes" object`}},
		{"bad checksum", write("sum", "{\"nodes\": {\"a\": {\"checksum\": 5}}}"), []string{"node a: checksum is neither a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadState(tc.dir)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}
