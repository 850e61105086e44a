package site

import (
	"context"
	"fmt"
	"testing"

	"github.com/techstore-analytics/techstore/lineage/graph"
)

// synthetic builds a layered graph: sources, then models per layer, each
// reading one or two nodes of earlier layers or of its own layer.
func synthetic(n int) *graph.Graph {
	g := &graph.Graph{Project: "synthetic", Layers: []string{"source", "bronze", "silver", "gold"}}
	per := n / 4
	var byLayer [4][]*graph.Node
	for i := 0; i < n; i++ {
		li := i / per
		if li > 3 {
			li = 3
		}
		name := fmt.Sprintf("%s_%04d", g.Layers[li], i)
		nd := &graph.Node{ID: "model.s." + name, Name: name, Layer: g.Layers[li], LayerIndex: li}
		if li > 0 {
			up := byLayer[li-1]
			g.Edges = append(g.Edges, graph.Edge{From: up[(i*7)%len(up)].ID, To: nd.ID})
			if same := byLayer[li]; len(same) > 3 && i%5 == 0 {
				g.Edges = append(g.Edges, graph.Edge{From: same[(i*3)%len(same)].ID, To: nd.ID})
			}
		}
		byLayer[li] = append(byLayer[li], nd)
		g.Nodes = append(g.Nodes, nd)
	}
	return g
}

func TestComputeOrdersLayersLeftToRight(t *testing.T) {
	cases := []struct {
		name string
		g    *graph.Graph
	}{
		{"tiny chain with a same-layer edge", &graph.Graph{Layers: []string{"source", "bronze", "silver", "gold"},
			Nodes: []*graph.Node{
				{ID: "s", Name: "s", LayerIndex: 0}, {ID: "b", Name: "b", LayerIndex: 1},
				{ID: "s1", Name: "s1", LayerIndex: 2}, {ID: "s2", Name: "s2_long_name_here", LayerIndex: 2},
				{ID: "g", Name: "g", LayerIndex: 3}, {ID: "g_alone", Name: "g_alone", LayerIndex: 3},
			},
			Edges: []graph.Edge{{From: "s", To: "b"}, {From: "b", To: "s1"}, {From: "s1", To: "s2"}, {From: "s2", To: "g"}}}},
		{"skip edge from source to gold", &graph.Graph{Layers: []string{"source", "bronze", "silver", "gold"},
			Nodes: []*graph.Node{{ID: "s", Name: "s", LayerIndex: 0}, {ID: "b", Name: "b", LayerIndex: 1}, {ID: "g", Name: "g", LayerIndex: 3}},
			Edges: []graph.Edge{{From: "s", To: "g"}, {From: "s", To: "b"}}}},
		{"synthetic 400 (big-graph settings)", synthetic(400)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Compute(context.Background(), tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Edges) != len(tc.g.Edges) {
				t.Errorf("edges: got %d paths want %d", len(l.Edges), len(tc.g.Edges))
			}
			maxX := map[int]float64{}
			minX := map[int]float64{}
			for _, n := range tc.g.Nodes {
				b := l.Nodes[n.ID]
				cx := b.X + b.W/2
				if v, ok := maxX[n.LayerIndex]; !ok || cx > v {
					maxX[n.LayerIndex] = cx
				}
				if v, ok := minX[n.LayerIndex]; !ok || cx < v {
					minX[n.LayerIndex] = cx
				}
				if b.X < 0 || b.Y < 0 || b.X+b.W > l.Width || b.Y+b.H > l.Height {
					t.Errorf("node %s at %+v outside %vx%v", n.ID, b, l.Width, l.Height)
				}
			}
			for li := 0; li < 3; li++ {
				for lj := li + 1; lj < 4; lj++ {
					if _, ok := maxX[li]; !ok {
						continue
					}
					if _, ok := minX[lj]; ok && maxX[li] >= minX[lj] {
						t.Errorf("layer %d reaches x=%v, right of layer %d starting at x=%v", li, maxX[li], lj, minX[lj])
					}
				}
			}
		})
	}
}

func BenchmarkCompute2000(b *testing.B) {
	g := synthetic(2000)
	for b.Loop() {
		if _, err := Compute(context.Background(), g); err != nil {
			b.Fatal(err)
		}
	}
}
