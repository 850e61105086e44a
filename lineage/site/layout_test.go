package site

import (
	"context"
	"fmt"
	"math"
	"strings"
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

// TestCompute checks, on hand-made graphs and a synthetic one, what a
// reader of the drawing relies on: every node inside the drawing, a later
// layer never left of an earlier one, boxes of one rank never overlapping,
// every edge drawn from its source's right side to its target's left side,
// and a graph that can be drawn without crossings drawn so.
func TestCompute(t *testing.T) {
	layers := []string{"source", "bronze", "silver", "gold"}
	node := func(id string, li int) *graph.Node {
		return &graph.Node{ID: id, Name: id, LayerIndex: li}
	}
	cases := []struct {
		name      string
		g         *graph.Graph
		crossings int // -1: not checked
	}{
		{"tiny chain with a same-layer edge", &graph.Graph{Layers: layers,
			Nodes: []*graph.Node{node("s", 0), node("b", 1), node("s1", 2), {ID: "s2", Name: "s2_long_name_here", LayerIndex: 2},
				node("g", 3), node("g_alone", 3)},
			Edges: []graph.Edge{{From: "s", To: "b"}, {From: "b", To: "s1"}, {From: "s1", To: "s2"}, {From: "s2", To: "g"}}}, 0},
		{"skip edge from source to gold", &graph.Graph{Layers: layers,
			Nodes: []*graph.Node{node("s", 0), node("b", 1), node("g", 3)},
			Edges: []graph.Edge{{From: "s", To: "g"}, {From: "s", To: "b"}}}, 0},
		// In graph order c sits below b, so c -> x crosses b -> y; moving
		// c up (a, c, b) removes the crossing.
		{"one crossing to undo", &graph.Graph{Layers: layers,
			Nodes: []*graph.Node{node("a", 0), node("b", 0), node("c", 0), node("x", 1), node("y", 1)},
			Edges: []graph.Edge{{From: "a", To: "x"}, {From: "c", To: "x"}, {From: "b", To: "y"}}}, 0},
		// A long edge (s -> g over two ranks) beside a chain: drawable flat.
		{"long edge beside a chain", &graph.Graph{Layers: layers,
			Nodes: []*graph.Node{node("s", 0), node("t", 0), node("b", 1), node("v", 2), node("g", 3)},
			Edges: []graph.Edge{{From: "t", To: "b"}, {From: "b", To: "v"}, {From: "v", To: "g"}, {From: "s", To: "g"}}}, 0},
		{"no edges", &graph.Graph{Layers: layers, Nodes: []*graph.Node{node("a", 0), node("b", 0), node("c", 2)}}, 0},
		// The DAG rejects cycles before any page is written; should one
		// reach the layout, it is still drawn, every edge included.
		{"a cycle", &graph.Graph{Layers: layers,
			Nodes: []*graph.Node{node("s", 0), node("x", 1), node("y", 1)},
			Edges: []graph.Edge{{From: "s", To: "x"}, {From: "x", To: "y"}, {From: "y", To: "x"}}}, -1},
		{"synthetic 400", synthetic(400), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Compute(context.Background(), tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Edges) != len(tc.g.Edges) {
				t.Errorf("edges: %d paths for %d edges", len(l.Edges), len(tc.g.Edges))
			}
			checkLayers(t, tc.g, l)
			checkBoxes(t, tc.g, l)
			checkEdgeEnds(t, l)
			if tc.crossings >= 0 {
				if got := adjacentCrossings(tc.g, l); got != tc.crossings {
					t.Errorf("crossings: got %d want %d", got, tc.crossings)
				}
			}
		})
	}
	t.Run("an edge to a node not in the graph", func(t *testing.T) {
		g := &graph.Graph{Nodes: []*graph.Node{{ID: "a", Name: "a"}}, Edges: []graph.Edge{{From: "a", To: "ghost"}}}
		if _, err := Compute(context.Background(), g); err == nil || !strings.Contains(err.Error(), "a -> ghost") {
			t.Errorf("err = %v, want one naming the edge a -> ghost", err)
		}
	})
}

// checkLayers: every node inside the drawing, and no node of a layer at or
// right of a node of a later layer.
func checkLayers(t *testing.T, g *graph.Graph, l *Layout) {
	t.Helper()
	maxX := map[int]float64{}
	minX := map[int]float64{}
	for _, n := range g.Nodes {
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
	for li := range maxX {
		for lj := range minX {
			if lj > li && maxX[li] >= minX[lj] {
				t.Errorf("layer %d reaches x=%v, right of layer %d starting at x=%v", li, maxX[li], lj, minX[lj])
			}
		}
	}
}

// checkBoxes: boxes sharing x are at least nodeSep apart.
func checkBoxes(t *testing.T, g *graph.Graph, l *Layout) {
	t.Helper()
	for i, a := range g.Nodes {
		for _, b := range g.Nodes[i+1:] {
			ba, bb := l.Nodes[a.ID], l.Nodes[b.ID]
			xOver := ba.X < bb.X+bb.W && bb.X < ba.X+ba.W
			yOver := ba.Y < bb.Y+bb.H+nodeSep-0.2 && bb.Y < ba.Y+ba.H+nodeSep-0.2
			if xOver && yOver {
				t.Errorf("%s %+v and %s %+v overlap", a.ID, ba, b.ID, bb)
			}
		}
	}
}

// checkEdgeEnds: each path starts at its source's right side and ends at
// its target's left side, where the arrow head goes.
func checkEdgeEnds(t *testing.T, l *Layout) {
	t.Helper()
	for _, e := range l.Edges {
		from, to := l.Nodes[e.From], l.Nodes[e.To]
		start, end, err := pathEnds(e.D)
		if err != nil {
			t.Fatalf("edge %s -> %s: %v", e.From, e.To, err)
		}
		if !near(start, [2]float64{from.X + from.W, from.Y + from.H/2}) {
			t.Errorf("edge %s -> %s starts at %v, not at %s's right side %+v", e.From, e.To, start, e.From, from)
		}
		if !near(end, [2]float64{to.X, to.Y + to.H/2}) {
			t.Errorf("edge %s -> %s ends at %v, not at %s's left side %+v", e.From, e.To, end, e.To, to)
		}
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

// adjacentCrossings counts, by brute force on the drawing, crossings of
// edges whose sources share a column and whose targets share a column.
func adjacentCrossings(g *graph.Graph, l *Layout) int {
	c := 0
	for i, e := range g.Edges {
		for _, f := range g.Edges[i+1:] {
			u1, v1, u2, v2 := l.Nodes[e.From], l.Nodes[e.To], l.Nodes[f.From], l.Nodes[f.To]
			if e.From == f.From || e.To == f.To || u1.X != u2.X || v1.X != v2.X {
				continue
			}
			if (u1.Y-u2.Y)*(v1.Y-v2.Y) < 0 {
				c++
			}
		}
	}
	return c
}

// pathEnds reads the first and last points of "M x,y C ... L x,y" path data.
func pathEnds(d string) (start, end [2]float64, err error) {
	var pts [][2]float64
	for _, f := range strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'C' || r == 'L' || r == ' ' }) {
		var x, y float64
		if _, err := fmt.Sscanf(f, "%g,%g", &x, &y); err != nil {
			return start, end, fmt.Errorf("path %q: point %q: %v", d, f, err)
		}
		pts = append(pts, [2]float64{x, y})
	}
	if len(pts) < 2 || !strings.HasPrefix(d, "M") {
		return start, end, fmt.Errorf("path %q: want M and at least one more point", d)
	}
	return pts[0], pts[len(pts)-1], nil
}

func near(a, b [2]float64) bool {
	return math.Abs(a[0]-b[0]) <= 0.11 && math.Abs(a[1]-b[1]) <= 0.11
}
