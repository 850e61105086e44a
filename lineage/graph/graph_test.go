package graph

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/runtime/project"
)

func sampleProject() *project.Project {
	model := func(name, schema, path string, deps ...string) *project.Node {
		return &project.Node{UniqueID: "model.ts." + name, Name: name, ResourceType: project.Model, Schema: schema,
			Alias: name, Path: path, OriginalFilePath: "models/" + path, Config: project.Config{Materialized: "table"},
			DependsOn: project.DependsOn{Nodes: deps}}
	}
	p := &project.Project{Name: "ts", Nodes: map[string]*project.Node{}, Sources: map[string]*project.Source{
		"source.ts.techstore.orders": {UniqueID: "source.ts.techstore.orders", SourceName: "techstore", Name: "orders", Schema: "techstore"},
	}}
	for _, n := range []*project.Node{
		model("bronze_orders", "bronze", "bronze/bronze_orders.sql", "source.ts.techstore.orders"),
		model("silver_orders", "silver", "silver/silver_orders.sql", "model.ts.bronze_orders"),
		model("helper", "main", "helper.sql", "model.ts.silver_orders"),
		model("gold_sales", "gold", "gold/gold_sales.sql", "model.ts.silver_orders", "model.ts.helper"),
	} {
		p.Nodes[n.UniqueID] = n
	}
	p.Nodes["model.ts.gold_sales"].Columns = []*project.Column{{Name: "revenue", Description: "sum of paid", DataType: "double",
		Tests: []project.TestSpec{{Name: "not_null"}}}, {Name: "gone"}}
	p.Nodes["test.ts.not_null_gold_sales_revenue"] = &project.Node{UniqueID: "test.ts.not_null_gold_sales_revenue", Name: "not_null_gold_sales_revenue",
		ResourceType: project.Test, AttachedNode: "model.ts.gold_sales", ColumnName: "revenue", TestMetadata: &project.TestMetadata{Name: "not_null"}}
	return p
}

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	rr := `{"metadata":{"generated_at":"2026-11-27T06:00:00Z"},"results":[
	 {"unique_id":"model.ts.gold_sales","status":"success","execution_time":0.25,"message":"OK","adapter_response":{"rows_affected":12},
	  "timing":[{"name":"compile","completed_at":"2026-11-27T05:59:59Z"},{"name":"execute","completed_at":"2026-11-27T06:00:00Z"}]},
	 {"unique_id":"test.ts.not_null_gold_sales_revenue","status":"fail","execution_time":0.01,"adapter_response":{}}]}`
	path := filepath.Join(dir, "run_results.json")
	if err := os.WriteFile(path, []byte(rr), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ReadRunResults(path)
	if err != nil {
		t.Fatal(err)
	}
	lin := map[string]*column.Model{"model.ts.gold_sales": {Node: "model.ts.gold_sales", Complete: true, Columns: []column.Column{
		{Name: "revenue", Inputs: []column.Edge{{From: column.Ref{Node: "model.ts.silver_orders", Column: "amount"}, Kind: column.Aggregated}}},
		{Name: "day", Inputs: []column.Edge{}},
	}}}
	g := Build(sampleProject(), lin, res)

	var order []string
	layers := map[string]string{}
	for _, n := range g.Nodes {
		order = append(order, n.ID)
		layers[n.Name] = n.Layer
	}
	wantOrder := []string{"source.ts.techstore.orders", "model.ts.bronze_orders", "model.ts.helper", "model.ts.silver_orders", "model.ts.gold_sales"}
	// helper sits in no layer folder: it takes its upstream's layer (silver).
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("node order: got %v want %v", order, wantOrder)
	}
	wantLayers := map[string]string{"techstore.orders": "source", "bronze_orders": "bronze", "silver_orders": "silver", "helper": "silver", "gold_sales": "gold"}
	if !reflect.DeepEqual(layers, wantLayers) {
		t.Errorf("layers: got %v want %v", layers, wantLayers)
	}
	if len(g.Edges) != 5 {
		t.Errorf("edges: got %d want 5: %v", len(g.Edges), g.Edges)
	}
	var gold *Node
	for _, n := range g.Nodes {
		if n.Name == "gold_sales" {
			gold = n
		}
	}
	if gold.Run == nil || gold.Run.Status != "success" || gold.Run.Rows == nil || *gold.Run.Rows != 12 || gold.Run.CompletedAt != "2026-11-27T06:00:00Z" {
		t.Errorf("run: %+v", gold.Run)
	}
	if len(gold.Tests) != 1 || gold.Tests[0].Status != "fail" || gold.Tests[0].Column != "revenue" {
		t.Errorf("tests: %+v", gold.Tests)
	}
	var names []string
	for _, c := range gold.Columns {
		names = append(names, c.Name)
	}
	if !reflect.DeepEqual(names, []string{"revenue", "gone", "day"}) {
		t.Errorf("columns: %v", names)
	}
	if gold.Columns[0].Type != "double" || gold.Columns[0].Inputs[0].Kind != column.Aggregated {
		t.Errorf("revenue: %+v", gold.Columns[0])
	}
	if gold.Columns[1].Inputs[0].Kind != column.Unknown {
		t.Errorf("documented column missing from the SQL must be unknown: %+v", gold.Columns[1])
	}
	if !reflect.DeepEqual(gold.Upstream, []string{"model.ts.helper", "model.ts.silver_orders"}) {
		t.Errorf("upstream: %v", gold.Upstream)
	}
}

func TestReadRunResultsMissing(t *testing.T) {
	rr, err := ReadRunResults(filepath.Join(t.TempDir(), "nope.json"))
	if rr != nil || err != nil {
		t.Fatalf("missing file: got %v, %v", rr, err)
	}
}
