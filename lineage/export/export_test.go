package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/lineage/graph"
)

func tiny() *graph.Graph {
	return &graph.Graph{
		Nodes: []*graph.Node{
			{ID: "source.p.raw.t", Name: "raw.t", Layer: "source"},
			{ID: "model.p.b", Name: "b", Layer: "bronze", Columns: []graph.Column{
				{Name: "id", Inputs: []column.Edge{{From: column.Ref{Node: "source.p.raw.t", Column: "id"}, Kind: column.Identity}}},
				{Name: "x", Inputs: []column.Edge{{Kind: column.Unknown, Note: "why"}}},
			}, Indirect: []column.Edge{{From: column.Ref{Node: "source.p.raw.t", Column: "ok"}, Kind: column.Filter}}},
			{ID: "model.p.g", Name: "g", Layer: "gold"},
		},
		Edges: []graph.Edge{{From: "source.p.raw.t", To: "model.p.b"}, {From: "model.p.b", To: "model.p.g"}},
	}
}

func TestWrite(t *testing.T) {
	cases := []struct {
		name string
		opt  Options
		want string
	}{
		{"csv models", Options{Format: "csv"}, "from,to\nsource.p.raw.t,model.p.b\nmodel.p.b,model.p.g\n"},
		{"csv models selected", Options{Format: "csv", Keep: map[string]bool{"model.p.b": true, "model.p.g": true}}, "from,to\nmodel.p.b,model.p.g\n"},
		{"csv columns", Options{Format: "csv", Columns: true},
			"from_node,from_column,to_node,to_column,kind,note\n" +
				"source.p.raw.t,id,model.p.b,id,identity,\n" +
				",,model.p.b,x,unknown,why\n" +
				"source.p.raw.t,ok,model.p.b,,filter,\n"},
		{"dot models", Options{Format: "dot", Keep: map[string]bool{"model.p.b": true, "model.p.g": true}},
			"digraph lineage {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n" +
				"  \"model.p.b\" [label=\"b\", fillcolor=\"#cd7f32\"];\n" +
				"  \"model.p.g\" [label=\"g\", fillcolor=\"#e6b800\"];\n" +
				"  \"model.p.b\" -> \"model.p.g\";\n}\n"},
		{"mermaid models", Options{Format: "mermaid", Keep: map[string]bool{"model.p.b": true, "model.p.g": true}},
			"flowchart LR\n  model_p_b[\"b\"]:::bronze\n  model_p_g[\"g\"]:::gold\n  model_p_b --> model_p_g\n" +
				"  classDef source fill:#9e9e9e\n  classDef bronze fill:#cd7f32\n  classDef silver fill:#a8b3bd\n  classDef gold fill:#e6b800\n"},
		{"mermaid columns", Options{Format: "mermaid", Columns: true, Keep: map[string]bool{"model.p.b": true}},
			"flowchart LR\n  source_p_raw_t_id[\"source.p.raw.t.id\"]\n  model_p_b_id[\"model.p.b.id\"]\n  source_p_raw_t_id -- identity --> model_p_b_id\n" +
				"  unknown[\"unknown\"]\n  model_p_b_x[\"model.p.b.x\"]\n  unknown -- unknown --> model_p_b_x\n" +
				"  source_p_raw_t_ok[\"source.p.raw.t.ok\"]\n  model_p_b[\"model.p.b\"]\n  source_p_raw_t_ok -- filter --> model_p_b\n"},
		{"json models", Options{Format: "json", Keep: map[string]bool{"model.p.g": true}},
			"{\n  \"edges\": [],\n  \"nodes\": [\n    {\n      \"id\": \"model.p.g\",\n      \"layer\": \"gold\",\n      \"name\": \"g\",\n      \"resource_type\": \"\"\n    }\n  ]\n}\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tiny(), tc.opt); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, tiny(), Options{Format: "svg"})
	if err == nil || !strings.Contains(err.Error(), "dot, mermaid, json, csv") {
		t.Fatalf("want an error listing the formats, got %v", err)
	}
}
