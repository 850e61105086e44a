package selector

import (
	"slices"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

func TestSelect(t *testing.T) {
	// Expected sets are worked out by hand from the DAG in fixture_test.go.
	tests := []struct {
		name     string
		spec     Spec
		want     []string
		warnings []string
	}{
		{"node name", Spec{Select: []string{"silver_orders"}}, []string{so, tNN}, nil},
		{"name glob", Spec{Select: []string{"silver_*"}}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"all parents", Spec{Select: []string{"+silver_orders"}}, []string{sO, bo, so, tSrc, tNN}, nil},
		{"all children", Spec{Select: []string{"silver_orders+"}}, []string{so, soi, gdr, gcl, gps, tNN, tRel, tRev}, nil},
		{"parents depth 1", Spec{Select: []string{"1+gold_customer_ltv"}}, []string{so, sc, gcl, tNN, tUQ, tRel}, nil},
		{"parents depth 2", Spec{Select: []string{"2+silver_order_items"}}, []string{bo, bp, so, sp, soi, tNN}, nil},
		{"children depth 1", Spec{Select: []string{"bronze_orders+1"}}, []string{bo, so, tNN}, nil},
		{"both with depth", Spec{Select: []string{"2+gold_product_sales+"}}, []string{so, sp, soi, gps, tNN}, nil},
		{"childrens parents", Spec{Select: []string{"@silver_products"}}, []string{sP, bp, sp, soi, gps, so, bo, sO, tNN, tSrc}, nil},
		{"tag", Spec{Select: []string{"tag:silver"}}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"tag glob", Spec{Select: []string{"tag:p*"}}, []string{sc, gcl, tUQ, tRel}, nil},
		{"parents of a tag", Spec{Select: []string{"+tag:finance"}}, []string{sO, sC, bo, bc, cc, so, sc, gdr, gcl, tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"path folder", Spec{Select: []string{"path:models/silver"}}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"path folder trailing slash", Spec{Select: []string{"path:models/silver/"}}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"path file", Spec{Select: []string{"path:models/gold/gold_daily_revenue.sql"}}, []string{gdr, tRev}, nil},
		{"path absolute under root", Spec{Select: []string{"path:/work/proj/models/gold/gold_daily_revenue.sql"}}, []string{gdr, tRev}, nil},
		{"implicit path with sources", Spec{Select: []string{"models/bronze"}}, []string{sO, sC, sP, bo, bc, bp, tSrc}, nil},
		{"path glob", Spec{Select: []string{"path:models/*/silver_*.sql"}}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"path double star", Spec{Select: []string{"path:**/gold_product_sales.sql"}}, []string{gps}, nil},
		{"path of a singular test", Spec{Select: []string{"path:tests"}}, []string{tRev}, nil},
		{"file", Spec{Select: []string{"file:gold_daily_revenue.sql"}}, []string{gdr, tRev}, nil},
		{"implicit file", Spec{Select: []string{"country_codes.csv"}}, []string{cc}, nil},
		{"file stem glob", Spec{Select: []string{"file:bronze_c*"}}, []string{bc}, nil},
		{"fqn folder", Spec{Select: []string{"fqn:techstore.gold"}}, []string{gdr, gcl, gps, tRel, tRev}, nil},
		{"fqn wildcard", Spec{Select: []string{"fqn:techstore.gold.gold_*_revenue"}}, []string{gdr, tRev}, nil},
		{"implicit fqn folder without project", Spec{Select: []string{"gold"}}, []string{gdr, gcl, gps, tRel, tRev}, nil},
		{"fqn star is every node", Spec{Select: []string{"fqn:*"}}, []string{bo, bc, bp, cc, so, sc, sp, soi, gdr, gcl, gps, tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"package", Spec{Select: []string{"package:techstore"}}, allEnabled(), nil},
		{"config materialized", Spec{Select: []string{"config.materialized:incremental"}}, []string{so, tNN}, nil},
		{"config view", Spec{Select: []string{"config.materialized:view"}}, []string{soi}, nil},
		{"config list", Spec{Select: []string{"config.unique_key:order_id"}}, []string{so, tNN}, nil},
		{"config tags", Spec{Select: []string{"config.tags:pii"}}, []string{sc, gcl, tUQ, tRel}, nil},
		{"config extra", Spec{Select: []string{"config.on_schema_change:append_new_columns"}}, []string{so, tNN}, nil},
		{"config extra nested", Spec{Select: []string{"config.tblproperties.quality:silver"}}, []string{so, tNN}, nil},
		{"config incremental strategy", Spec{Select: []string{"config.incremental_strategy:merge"}}, []string{so, tNN}, nil},
		{"config severity ignores case", Spec{Select: []string{"config.severity:WARN"}}, []string{tRev}, nil},
		{"config schema", Spec{Select: []string{"config.schema:bronze"}}, []string{bo, bc, bp}, nil},
		{"resource type seed", Spec{Select: []string{"resource_type:seed"}}, []string{cc}, nil},
		{"resource type source", Spec{Select: []string{"resource_type:source"}}, []string{sO, sC, sP, tSrc}, nil},
		{"resource type test", Spec{Select: []string{"resource_type:test"}}, []string{tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"source", Spec{Select: []string{"source:techstore"}}, []string{sO, sC, sP, tSrc}, nil},
		{"source table", Spec{Select: []string{"source:techstore.orders"}}, []string{sO, tSrc}, nil},
		{"source table glob", Spec{Select: []string{"source:*.c*"}}, []string{sC}, nil},
		{"source with package", Spec{Select: []string{"source:techstore.techstore.products"}}, []string{sP}, nil},
		{"source downstream", Spec{Select: []string{"source:techstore.orders+"}}, []string{sO, bo, so, soi, gdr, gcl, gps, tSrc, tNN, tRel, tRev}, nil},
		{"test type generic", Spec{Select: []string{"test_type:generic"}}, []string{tNN, tUQ, tRel, tSrc}, nil},
		{"test type singular", Spec{Select: []string{"test_type:singular"}}, []string{tRev}, nil},
		{"test type data", Spec{Select: []string{"test_type:data"}}, []string{tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"test type unit matches nothing", Spec{Select: []string{"test_type:unit"}}, nil,
			[]string{"The selection criterion 'test_type:unit' does not match any enabled nodes"}},
		{"test name", Spec{Select: []string{"test_name:not_null"}}, []string{tNN, tSrc}, nil},
		{"test name glob", Spec{Select: []string{"test_name:rel*"}}, []string{tRel}, nil},
		{"intersection", Spec{Select: []string{"tag:silver,config.materialized:table"}}, []string{sc, sp, tUQ, tRel}, nil},
		{"union in one argument", Spec{Select: []string{"tag:bronze tag:gold"}}, []string{bo, bc, bp, gdr, gcl, gps, tRel, tRev}, nil},
		{"union of arguments", Spec{Select: []string{"silver_orders", "bronze_products"}}, []string{so, tNN, bp}, nil},
		{"exclude removes the tests of excluded nodes", Spec{Select: []string{"tag:silver"}, Exclude: []string{"silver_customers"}}, []string{so, sp, soi, tNN}, nil},
		{"exclude a test explicitly", Spec{Select: []string{"silver_orders"}, Exclude: []string{"test_type:generic"}}, []string{so}, nil},
		{"exclude only", Spec{Exclude: []string{"tag:gold"}}, []string{sO, sC, sP, bo, bc, bp, cc, so, sc, sp, soi, tNN, tUQ, tSrc}, nil},
		{"nothing given selects everything", Spec{}, allEnabled(), nil},
		{"blank arguments are ignored", Spec{Select: []string{"  "}}, allEnabled(), nil},
		{"disabled never selected", Spec{Select: []string{"gold_disabled"}}, nil,
			[]string{"The selection criterion 'gold_disabled' does not match any enabled nodes"}},
		{"one warning per unmatched item", Spec{Select: []string{"tag:nope silver_orders", "x,tag:gold"}}, []string{so, tNN},
			[]string{"The selection criterion 'tag:nope' does not match any enabled nodes",
				"The selection criterion 'x,tag:gold' does not match any enabled nodes"}},
		{"exclude that matches nothing is no warning", Spec{Select: []string{"silver_orders"}, Exclude: []string{"tag:nope"}}, []string{so, tNN}, nil},
		{"resource types", Spec{Select: []string{"+gold_customer_ltv"}, ResourceTypes: []project.ResourceType{project.Model, project.Seed}},
			[]string{bo, bc, cc, so, sc, gcl}, nil},
		{"resource types of everything", Spec{ResourceTypes: []project.ResourceType{project.SourceRT}}, []string{sO, sC, sP}, nil},
		// Indirect selection of the relationships test, which depends on
		// gold_customer_ltv and silver_customers.
		{"eager", Spec{Select: []string{"gold_customer_ltv"}}, []string{gcl, tRel}, nil},
		{"cautious", Spec{Select: []string{"gold_customer_ltv"}, Indirect: IndirectCautious}, []string{gcl}, nil},
		{"buildable", Spec{Select: []string{"gold_customer_ltv"}, Indirect: IndirectBuildable}, []string{gcl, tRel}, nil},
		{"empty", Spec{Select: []string{"gold_customer_ltv"}, Indirect: IndirectEmpty}, []string{gcl}, nil},
		{"cautious across a union", Spec{Select: []string{"gold_customer_ltv silver_customers"}, Indirect: IndirectCautious}, []string{gcl, sc, tUQ, tRel}, nil},
		{"cautious across arguments", Spec{Select: []string{"gold_customer_ltv", "silver_customers"}, Indirect: IndirectCautious}, []string{gcl, sc, tUQ, tRel}, nil},
		{"buildable not with an unrelated parent", Spec{Select: []string{"silver_customers"}, Indirect: IndirectBuildable}, []string{sc, tUQ}, nil},
		{"cautious with ancestors", Spec{Select: []string{"+gold_customer_ltv"}, Indirect: IndirectCautious},
			[]string{sO, sC, bo, bc, cc, so, sc, gcl, tSrc, tNN, tUQ, tRel}, nil},
		{"eager exclude", Spec{Select: []string{"gold_customer_ltv"}, Exclude: []string{"silver_customers"}}, []string{gcl}, nil},
		// silver_orders+1 reaches its children soi, gdr, gcl, gold_disabled
		// (dropped: disabled) and the test not_null (a child in the graph);
		// relationships and assert_revenue_positive are two steps away.
		{"empty still takes tests that are children", Spec{Select: []string{"silver_orders+1"}, Indirect: IndirectEmpty}, []string{so, soi, gdr, gcl, tNN}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtureProject()
			res := mustSelect(t, p, tc.spec, nil)
			got := shortNames(p, res.IDs)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("selected %v\nwant      %v", sorted(got), sorted(tc.want))
			}
			if !slices.Equal(res.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.warnings)
			}
			for _, id := range res.IDs {
				if len(res.Why(id)) == 0 {
					t.Errorf("no reason for %s", id)
				}
			}
			// A node left out has no reason, and neither has an id unknown.
			for id := range p.Nodes {
				if !slices.Contains(res.IDs, id) && res.Why(id) != nil {
					t.Errorf("%s was not selected, yet Why gives %q", id, res.Why(id))
				}
			}
			if res.Why("model.nowhere.x") != nil {
				t.Errorf("Why of an unknown id is not nil")
			}
		})
	}
}

func TestSelectOrderIsTopological(t *testing.T) {
	p := fixtureProject()
	res := mustSelect(t, p, Spec{Select: []string{"silver_orders+"}}, nil)
	// fixtureOrder filtered by hand to the selection.
	want := []string{modelID(so), testID(tNN), modelID(soi), modelID(gdr), modelID(gcl), testID(tRev), testID(tRel), modelID(gps)}
	if !slices.Equal(res.IDs, want) {
		t.Errorf("order %v\nwant  %v", res.IDs, want)
	}
}

func TestSelectWithoutGraphUsesDependsOn(t *testing.T) {
	p := fixtureProject()
	res, err := Select(p, nil, Spec{Select: []string{"+silver_order_items"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{sO, sP, bo, bp, so, sp, soi, tSrc, tNN}
	if got := shortNames(p, res.IDs); !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("selected %v, want %v", sorted(got), sorted(want))
	}
	pos := map[string]int{}
	for i, id := range res.IDs {
		pos[id] = i
	}
	for _, id := range res.IDs {
		n := p.Nodes[id]
		if n == nil {
			continue
		}
		for _, dep := range n.DependsOn.Nodes {
			if pi, ok := pos[dep]; ok && pi > pos[id] {
				t.Errorf("%s comes before its parent %s", id, dep)
			}
		}
	}
}

func TestWhy(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		id   string
		want []string
	}{
		{"matched", Spec{Select: []string{"+silver_orders"}}, modelID(so), []string{"matched silver_orders"}},
		{"upstream", Spec{Select: []string{"+silver_orders"}}, modelID(bo),
			[]string{"upstream of silver_orders (which matched silver_orders) via +silver_orders"}},
		{"test of a model", Spec{Select: []string{"+silver_orders"}}, testID(tNN), []string{"test of selected model silver_orders"}},
		{"test of a source", Spec{Select: []string{"+silver_orders"}}, testID(tSrc), []string{"test of selected source techstore.orders"}},
		{"test of two nodes", Spec{Select: []string{"gold_customer_ltv silver_customers"}}, testID(tRel),
			[]string{"test of selected model gold_customer_ltv and model silver_customers (all the nodes it tests are selected)"}},
		{"downstream", Spec{Select: []string{"tag:bronze+1"}}, modelID(sc),
			[]string{"downstream of bronze_customers (which matched tag:bronze) via tag:bronze+1"}},
		{"several criteria", Spec{Select: []string{"tag:silver tag:pii"}}, modelID(sc), []string{"matched tag:silver", "matched tag:pii"}},
		{"at descendant", Spec{Select: []string{"@silver_products"}}, modelID(gps),
			[]string{"downstream of silver_products (which matched silver_products) via @silver_products"}},
		{"at ancestor of descendant", Spec{Select: []string{"@silver_products"}}, modelID(so),
			[]string{"upstream of silver_order_items, which is downstream of silver_products (which matched silver_products) via @silver_products"}},
		{"at ancestor", Spec{Select: []string{"@silver_products"}}, modelID(bp),
			[]string{"upstream of silver_products (which matched silver_products) via @silver_products"}},
		{"by default", Spec{}, modelID(so), []string{"selected by default: no --select was given"}},
		{"intersection gives every side", Spec{Select: []string{"tag:silver,tag:pii"}}, modelID(sc), []string{"matched tag:silver", "matched tag:pii"}},
		{"a failed intersection gives no reason", Spec{Select: []string{"tag:hourly,tag:pii silver_orders"}}, modelID(so), []string{"matched silver_orders"}},
		{"excluded criteria give no reason", Spec{Select: []string{"tag:silver"}, Exclude: []string{"tag:pii"}}, modelID(so), []string{"matched tag:silver"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtureProject()
			res := mustSelect(t, p, tc.spec, nil)
			if got := res.Why(tc.id); !slices.Equal(got, tc.want) {
				t.Errorf("why %s = %q\nwant %q", tc.id, got, tc.want)
			}
		})
	}
}

func TestSelectErrors(t *testing.T) {
	sel := mustParseSelectors(t, "selectors:\n  - name: silver\n    definition: tag:silver\n")
	tests := []struct {
		name string
		spec Spec
		sel  *Selectors
		want []string // substrings of the error
	}{
		{"syntax error names the flag and points", Spec{Select: []string{"tag::x"}}, nil,
			[]string{"parse --select", "column 5", "  tag::x\n      ^"}},
		{"syntax error in exclude", Spec{Exclude: []string{"+"}}, nil, []string{"parse --exclude", "missing node name"}},
		{"state without state", Spec{Select: []string{"state:modified"}}, nil, []string{"--state DIR"}},
		{"bad indirect", Spec{Indirect: "lazy"}, nil, []string{`unknown indirect selection "lazy"`, "eager, cautious, buildable, empty"}},
		{"bad resource type", Spec{ResourceTypes: []project.ResourceType{"modle"}}, nil, []string{`unknown resource type "modle"`}},
		{"selector without file", Spec{Selector: "silver"}, nil, []string{"no selectors.yml was loaded"}},
		{"unknown selector", Spec{Selector: "silvr"}, sel, []string{`no selector named "silvr" (did you mean "silver"?)`, "defined: silver"}},
		{"selector with select", Spec{Selector: "silver", Select: []string{"x"}}, sel, []string{"cannot be combined with --select"}},
		{"selector method without file", Spec{Select: []string{"selector:silver"}}, nil, []string{"no selectors.yml was loaded"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtureProject()
			_, err := Select(p, newTestGraph(p, fixtureOrder()), tc.spec, tc.sel)
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
	if _, err := Select(nil, nil, Spec{}, nil); err == nil {
		t.Error("nil project: no error")
	}
}

// FuzzSelect evaluates arbitrary selectors over the fixture: no panics,
// and every selection is a duplicate-free, topologically ordered list of
// enabled nodes with a reason each.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{"silver_orders", "+tag:gold", "@silver_products", "source:techstore+", "2+x+3",
		"tag:silver,config.materialized:table", "path:models/**", "test_type:data", "fqn:*", "gold_disabled+"} {
		f.Add(s, "tag:pii", uint8(0))
	}
	modes := []string{"", IndirectEager, IndirectCautious, IndirectBuildable, IndirectEmpty}
	f.Fuzz(func(t *testing.T, sel, excl string, mode uint8) {
		p := fixtureProject()
		order := fixtureOrder()
		res, err := Select(p, newTestGraph(p, order), Spec{Select: []string{sel}, Exclude: []string{excl},
			Indirect: modes[int(mode)%len(modes)]}, nil)
		if err != nil {
			return
		}
		pos := map[string]int{}
		for i, id := range order {
			pos[id] = i
		}
		last := -1
		for _, id := range res.IDs {
			if id == modelID(gdis) {
				t.Fatalf("%q selected the disabled model", sel)
			}
			i, ok := pos[id]
			if !ok || i <= last {
				t.Fatalf("%q: %s out of order or unknown in %v", sel, id, res.IDs)
			}
			last = i
			if len(res.Why(id)) == 0 {
				t.Fatalf("%q: no reason for %s", sel, id)
			}
		}
	})
}
