package selector

import (
	"slices"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// The hand-drawn DAG every test selects from (gold_disabled is disabled;
// [brackets] are tests, attached to the nodes they depend on):
//
//	source techstore.orders ──> bronze_orders ──> silver_orders ──┬──> silver_order_items ──> gold_product_sales
//	     └─[source_not_null_techstore_orders_order_id]   │        │            ^
//	                                       [not_null_silver_orders_order_id]   │
//	source techstore.products ─> bronze_products ─> silver_products ───────────┘
//	                                                      silver_orders ──> gold_daily_revenue ──[assert_revenue_positive]
//	                                                      silver_orders ──> gold_customer_ltv ──┐
//	source techstore.customers ─> bronze_customers ─> silver_customers ──> gold_customer_ltv    [relationships_gold_customer_ltv_customer_id]
//	seed country_codes ──────────────────────────────> silver_customers ──[unique_silver_customers_customer_id]
//	                                                      silver_orders ──> gold_disabled (disabled)
//
// relationships_gold_customer_ltv_customer_id depends on gold_customer_ltv
// and silver_customers.
const (
	srcOrders    = "source.techstore.techstore.orders"
	srcCustomers = "source.techstore.techstore.customers"
	srcProducts  = "source.techstore.techstore.products"
)

// Short names used in expectations: node names, sources as source.table.
const (
	sO   = "techstore.orders"
	sC   = "techstore.customers"
	sP   = "techstore.products"
	bo   = "bronze_orders"
	bc   = "bronze_customers"
	bp   = "bronze_products"
	cc   = "country_codes"
	so   = "silver_orders"
	sc   = "silver_customers"
	sp   = "silver_products"
	soi  = "silver_order_items"
	gdr  = "gold_daily_revenue"
	gcl  = "gold_customer_ltv"
	gps  = "gold_product_sales"
	gdis = "gold_disabled"
	tNN  = "not_null_silver_orders_order_id"
	tUQ  = "unique_silver_customers_customer_id"
	tRel = "relationships_gold_customer_ltv_customer_id"
	tRev = "assert_revenue_positive"
	tSrc = "source_not_null_techstore_orders_order_id"
)

func modelID(name string) string { return "model.techstore." + name }
func testID(name string) string  { return "test.techstore." + name }

func fixtureProject() *project.Project {
	p := &project.Project{Name: "techstore", Root: "/work/proj", Nodes: map[string]*project.Node{},
		Sources: map[string]*project.Source{}, Macros: map[string]*project.Macro{}}
	for _, t := range []string{"orders", "customers", "products"} {
		id := "source.techstore.techstore." + t
		p.Sources[id] = &project.Source{UniqueID: id, SourceName: "techstore", Name: t, Schema: "techstore",
			Identifier: t, OriginalFilePath: "models/bronze/sources.yml", FQN: []string{"techstore", "bronze", "techstore", t}}
	}
	model := func(layer, name, mat string, tags []string, deps ...string) *project.Node {
		n := &project.Node{UniqueID: modelID(name), Name: name, ResourceType: project.Model, PackageName: "techstore",
			Path: layer + "/" + name + ".sql", OriginalFilePath: "models/" + layer + "/" + name + ".sql",
			FQN: []string{"techstore", layer, name}, Schema: layer, Alias: name, Checksum: "sha-" + name,
			Config: project.Config{Enabled: true, Materialized: mat, Tags: tags, Schema: layer}, Tags: tags,
			DependsOn: project.DependsOn{Nodes: deps}}
		p.Nodes[n.UniqueID] = n
		return n
	}
	model("bronze", bo, "table", []string{"bronze"}, srcOrders)
	model("bronze", bc, "table", []string{"bronze"}, srcCustomers)
	model("bronze", bp, "table", []string{"bronze"}, srcProducts)
	seed := &project.Node{UniqueID: "seed.techstore.country_codes", Name: cc, ResourceType: project.Seed, PackageName: "techstore",
		Path: "country_codes.csv", OriginalFilePath: "seeds/country_codes.csv", FQN: []string{"techstore", cc},
		Schema: "main", Alias: cc, Checksum: "sha-" + cc, Config: project.Config{Enabled: true, Materialized: "seed"}}
	p.Nodes[seed.UniqueID] = seed
	o := model("silver", so, "incremental", []string{"silver", "hourly"}, modelID(bo))
	o.Config.IncrementalStrategy = "merge"
	o.Config.UniqueKey = []string{"order_id"}
	o.Config.Extra = map[string]any{"on_schema_change": "append_new_columns", "tblproperties": map[string]any{"quality": "silver"}}
	model("silver", sc, "table", []string{"silver", "pii"}, modelID(bc), seed.UniqueID)
	model("silver", sp, "table", []string{"silver"}, modelID(bp))
	model("silver", soi, "view", []string{"silver"}, modelID(so), modelID(sp))
	model("gold", gdr, "table", []string{"gold", "finance"}, modelID(so)).DependsOn.Macros = []string{"safe_divide"}
	model("gold", gcl, "table", []string{"gold", "finance", "pii"}, modelID(so), modelID(sc)).DependsOn.Macros = []string{"macro.techstore.ltv_calc"}
	model("gold", gps, "table", []string{"gold"}, modelID(soi))
	model("gold", gdis, "table", []string{"gold"}, modelID(so)).Config.Enabled = false
	p.Macros["safe_divide"] = &project.Macro{UniqueID: "macro.techstore.safe_divide", Name: "safe_divide", Checksum: "m-safe-2"}
	p.Macros["ltv_calc"] = &project.Macro{UniqueID: "macro.techstore.ltv_calc", Name: "ltv_calc", Checksum: "m-ltv-1", DependsOnMacros: []string{"safe_divide"}}
	p.Macros["date_trunc"] = &project.Macro{UniqueID: "macro.techstore.date_trunc", Name: "date_trunc", Checksum: "m-dt-1"}
	p.Nodes[modelID(bo)].DependsOn.Macros = []string{"date_trunc"}

	test := func(name, file, folder string, generic string, attached string, deps ...string) {
		n := &project.Node{UniqueID: testID(name), Name: name, ResourceType: project.Test, PackageName: "techstore",
			OriginalFilePath: file, FQN: []string{"techstore", folder, name}, Checksum: "sha-" + name,
			Config: project.Config{Enabled: true, Materialized: "test", Severity: "ERROR"}, AttachedNode: attached,
			DependsOn: project.DependsOn{Nodes: deps}}
		if folder == "" {
			n.FQN = []string{"techstore", name}
		}
		if generic != "" {
			n.TestMetadata = &project.TestMetadata{Name: generic, Column: "x"}
		}
		p.Nodes[n.UniqueID] = n
	}
	test(tNN, "models/silver/silver.yml", "silver", "not_null", modelID(so), modelID(so))
	test(tUQ, "models/silver/silver.yml", "silver", "unique", modelID(sc), modelID(sc))
	test(tRel, "models/gold/gold.yml", "gold", "relationships", modelID(gcl), modelID(gcl), modelID(sc))
	test(tRev, "tests/assert_revenue_positive.sql", "", "", "", modelID(gdr))
	test(tSrc, "models/bronze/sources.yml", "bronze", "not_null", srcOrders, srcOrders)
	p.Nodes[testID(tRev)].Config.Severity = "warn"
	return p
}

// fixtureOrder is the fixture's topological order, written by hand.
func fixtureOrder() []string {
	return []string{
		srcOrders, srcCustomers, srcProducts, "seed.techstore.country_codes",
		modelID(bo), modelID(bc), modelID(bp), testID(tSrc),
		modelID(so), modelID(sc), modelID(sp), testID(tNN), testID(tUQ),
		modelID(soi), modelID(gdr), modelID(gcl), modelID(gdis), testID(tRev), testID(tRel),
		modelID(gps),
	}
}

// testGraph is a tiny Graph over the fixture: edges from depends_on, the
// order given by hand.
type testGraph struct {
	order             []string
	parents, children map[string][]string
}

func newTestGraph(p *project.Project, order []string) *testGraph {
	g := &testGraph{order: order, parents: map[string][]string{}, children: map[string][]string{}}
	for _, id := range order {
		if n := p.Nodes[id]; n != nil {
			for _, dep := range n.DependsOn.Nodes {
				g.parents[id] = append(g.parents[id], dep)
				g.children[dep] = append(g.children[dep], id)
			}
		}
	}
	return g
}

func (g *testGraph) Parents(id string) []string  { return g.parents[id] }
func (g *testGraph) Children(id string) []string { return g.children[id] }
func (g *testGraph) Nodes() []string             { return g.order }

// shortNames maps unique ids to the short names of the expectations.
func shortNames(p *project.Project, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n := p.Nodes[id]; n != nil {
			out = append(out, n.Name)
		} else if s := p.Sources[id]; s != nil {
			out = append(out, s.SourceName+"."+s.Name)
		} else {
			out = append(out, "?"+id)
		}
	}
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// allEnabled is every enabled node and source of the fixture (all but
// gold_disabled).
func allEnabled() []string {
	return []string{sO, sC, sP, bo, bc, bp, cc, so, sc, sp, soi, gdr, gcl, gps, tNN, tUQ, tRel, tRev, tSrc}
}

func mustSelect(t *testing.T, p *project.Project, spec Spec, sel *Selectors) Result {
	t.Helper()
	res, err := Select(p, newTestGraph(p, fixtureOrder()), spec, sel)
	if err != nil {
		t.Fatalf("Select(%+v): %v", spec, err)
	}
	return res
}
