package site

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/lineage/graph"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name    string
		g       *graph.Graph
		contain []string
		absent  []string
	}{
		{
			name:    "empty project",
			g:       &graph.Graph{Project: "empty", Layers: []string{"source", "bronze", "silver", "gold"}},
			contain: []string{`<svg id="dag"`, `"nodes":[]`, `"edges":[]`, "<title>empty lineage</title>"},
		},
		{
			name: "names and descriptions are escaped",
			g: &graph.Graph{Project: "p<x>", Layers: []string{"source", "bronze", "silver", "gold"}, Nodes: []*graph.Node{
				{ID: `model.p.a"b`, Name: "a<b>&c", Layer: "bronze", LayerIndex: 1, Description: "</script><script>alert(1)</script>",
					Tags: []string{}, Columns: []graph.Column{}, Tests: []graph.Test{}, Upstream: []string{}, Downstream: []string{}},
			}},
			contain: []string{`data-id="model.p.a&#34;b"`, ">a&lt;b&gt;&amp;c</text>", `\u003c/script\u003e`, "<title>p&lt;x&gt; lineage</title>"},
			absent:  []string{"</script><script>alert(1)"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(context.Background(), &b, tc.g); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			for _, c := range tc.contain {
				if !strings.Contains(page, c) {
					t.Errorf("page lacks %q", c)
				}
			}
			for _, c := range tc.absent {
				if strings.Contains(page, c) {
					t.Errorf("page contains %q", c)
				}
			}
			for _, bad := range []string{`src="http`, `href="http`, "<link"} {
				if strings.Contains(page, bad) {
					t.Errorf("page refers to another host: %s", bad)
				}
			}
		})
	}
}
