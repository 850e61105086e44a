package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-graphviz"

	"github.com/techstore-analytics/techstore/lineage/graph"
)

// Layout is the DAG's drawing in SVG coordinates (y down, points).
type Layout struct {
	Width, Height float64
	Nodes         map[string]Box // by node id
	Edges         []EdgePath     // in graph.Edges order
}

// Box is a node's rectangle; X, Y is the top-left corner.
type Box struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// EdgePath is an edge's SVG path data.
type EdgePath struct {
	From, To string
	D        string
}

const (
	nodeHeight = 28.0 // points
	charWidth  = 7.0  // points per label character at the page's font size
	margin     = 8.0
)

func nodeWidth(label string) float64 {
	w := float64(len(label))*charWidth + 24
	if w < 80 {
		w = 80
	}
	return w
}

// ranks assigns every node a rank (its column, left to right): the
// longest path from the sources, where every layer starts right of the
// whole previous layer. Nodes of one layer may span several ranks (a silver
// model reading another silver model sits right of it), but a node of a
// later layer is never left of an earlier layer's node.
func ranks(g *graph.Graph) map[string]int {
	up := map[string][]string{}
	for _, e := range g.Edges {
		up[e.To] = append(up[e.To], e.From)
	}
	byLayer := map[int][]*graph.Node{}
	maxLayer := 0
	for _, n := range g.Nodes {
		li := n.LayerIndex
		if li < 0 {
			li = 0
		}
		byLayer[li] = append(byLayer[li], n)
		if li > maxLayer {
			maxLayer = li
		}
	}
	rank := map[string]int{}
	start := 0
	for li := 0; li <= maxLayer; li++ {
		nodes := byLayer[li]
		if len(nodes) == 0 {
			continue
		}
		inLayer := map[string]bool{}
		for _, n := range nodes {
			inLayer[n.ID] = true
		}
		// Longest path inside the layer (Kahn order; a cycle, which the DAG
		// rejects upstream, just stops growing).
		indeg := map[string]int{}
		down := map[string][]string{}
		for _, n := range nodes {
			for _, u := range up[n.ID] {
				if inLayer[u] {
					indeg[n.ID]++
					down[u] = append(down[u], n.ID)
				}
			}
		}
		var queue []string
		for _, n := range nodes {
			rank[n.ID] = start
			if indeg[n.ID] == 0 {
				queue = append(queue, n.ID)
			}
		}
		end := start
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if rank[id] > end {
				end = rank[id]
			}
			for _, d := range down[id] {
				if rank[id]+1 > rank[d] {
					rank[d] = rank[id] + 1
				}
				indeg[d]--
				if indeg[d] == 0 {
					queue = append(queue, d)
				}
			}
		}
		start = end + 1
	}
	return rank
}

// dotSource writes the graph as DOT for the dot engine, left to right, with
// the ranks fixed by rank=same groups (see ranks).
func dotSource(g *graph.Graph) (string, map[string]string) {
	var b strings.Builder
	big := len(g.Nodes) > 300
	b.WriteString("digraph G {\n  graph [rankdir=LR, newrank=true, nodesep=0.15, ranksep=0.6")
	if big {
		// Big graphs: bounded crossing minimisation and positioning, and
		// straight edges, so that 2,000 models lay out in seconds.
		b.WriteString(", mclimit=0.01, nslimit=0.01, nslimit1=0.01, searchsize=5, splines=false")
	}
	b.WriteString("];\n")
	b.WriteString("  node [shape=box, fixedsize=true, fontsize=12, label=\"\", height=" + ff(nodeHeight/72) + "];\n")
	names := map[string]string{} // dot name -> node id
	idx := map[string]string{}
	rk := ranks(g)
	maxRank := 0
	hasUp := map[string]bool{}
	for _, e := range g.Edges {
		hasUp[e.To] = true
	}
	for i, n := range g.Nodes {
		dn := "n" + strconv.Itoa(i)
		names[dn] = n.ID
		idx[n.ID] = dn
		fmt.Fprintf(&b, "  %s [width=%s];\n", dn, ff(nodeWidth(n.Name)/72))
		if rk[n.ID] > maxRank {
			maxRank = rk[n.ID]
		}
	}
	// Ranks are fixed through edge lengths rather than rank=same groups
	// (which make dot slow on wide graphs): every edge's minlen is the rank
	// difference, a chain of invisible anchors R0 -> R1 -> ... marks the
	// ranks, and every node without an upstream hangs from its rank's
	// anchor. All these edges are tight in the given ranking, which is then
	// the unique optimum of dot's network-simplex ranking.
	for r := 0; r <= maxRank; r++ {
		fmt.Fprintf(&b, "  R%d [style=invis, width=0.01, height=0.01];\n", r)
		if r > 0 {
			fmt.Fprintf(&b, "  R%d -> R%d [style=invis];\n", r-1, r)
		}
	}
	for _, n := range g.Nodes {
		if !hasUp[n.ID] {
			fmt.Fprintf(&b, "  R%d -> %s [style=invis, minlen=0];\n", rk[n.ID], idx[n.ID])
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s [minlen=%d];\n", idx[e.From], idx[e.To], rk[e.To]-rk[e.From])
	}
	b.WriteString("}\n")
	return b.String(), names
}

func ff(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// Compute lays the graph out with Graphviz's dot engine (go-graphviz, run
// in-process) and converts the result to SVG coordinates.
func Compute(ctx context.Context, g *graph.Graph) (*Layout, error) {
	src, names := dotSource(g)
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start graphviz: %w", err)
	}
	defer gv.Close()
	pg, err := graphviz.ParseBytes([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("layout: parse generated dot: %w", err)
	}
	defer pg.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, pg, "json0", &buf); err != nil {
		return nil, fmt.Errorf("layout: run dot: %w", err)
	}
	return parseJSON0(buf.Bytes(), names, g)
}

type gvJSON struct {
	BB      string `json:"bb"`
	Objects []struct {
		GVID  *int   `json:"_gvid"`
		Name  string `json:"name"`
		Pos   string `json:"pos"`
		Width string `json:"width"`
		Nodes []int  `json:"nodes"`
	} `json:"objects"`
	Edges []struct {
		Tail int    `json:"tail"`
		Head int    `json:"head"`
		Pos  string `json:"pos"`
	} `json:"edges"`
}

func parseJSON0(b []byte, names map[string]string, g *graph.Graph) (*Layout, error) {
	var j gvJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("layout: decode graphviz json: %w", err)
	}
	bb := strings.Split(j.BB, ",")
	if len(bb) != 4 {
		return nil, fmt.Errorf("layout: unexpected bounding box %q", j.BB)
	}
	bw, _ := strconv.ParseFloat(bb[2], 64)
	bh, _ := strconv.ParseFloat(bb[3], 64)
	l := &Layout{Width: bw + 2*margin, Height: bh + 2*margin, Nodes: map[string]Box{}}
	flip := func(x, y float64) (float64, float64) { return x + margin, bh - y + margin }
	gvidName := map[int]string{}
	for _, o := range j.Objects {
		if o.Nodes != nil || o.GVID == nil || o.Pos == "" {
			continue // a subgraph
		}
		gvidName[*o.GVID] = o.Name
		id, ok := names[o.Name]
		if !ok {
			continue // a layer anchor
		}
		x, y, err := point(o.Pos)
		if err != nil {
			return nil, fmt.Errorf("layout: node %s: %w", id, err)
		}
		w, _ := strconv.ParseFloat(o.Width, 64)
		w *= 72
		cx, cy := flip(x, y)
		l.Nodes[id] = Box{X: round(cx - w/2), Y: round(cy - nodeHeight/2), W: round(w), H: nodeHeight}
	}
	for _, e := range j.Edges {
		from, ok1 := names[gvidName[e.Tail]]
		to, ok2 := names[gvidName[e.Head]]
		if !ok1 || !ok2 {
			continue
		}
		d, err := pathData(e.Pos, flip)
		if err != nil {
			return nil, fmt.Errorf("layout: edge %s -> %s: %w", from, to, err)
		}
		l.Edges = append(l.Edges, EdgePath{From: from, To: to, D: d})
	}
	if len(l.Nodes) != len(g.Nodes) {
		return nil, fmt.Errorf("layout: graphviz placed %d of %d nodes", len(l.Nodes), len(g.Nodes))
	}
	return l, nil
}

func round(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

func point(s string) (float64, float64, error) {
	p := strings.Split(s, ",")
	if len(p) < 2 {
		return 0, 0, fmt.Errorf("bad point %q", s)
	}
	x, err1 := strconv.ParseFloat(p[0], 64)
	y, err2 := strconv.ParseFloat(p[1], 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("bad point %q", s)
	}
	return x, y, nil
}

// pathData converts a Graphviz spline ("e,x,y p0 p1 p2 p3 ...") into SVG
// path data ending at the arrow tip.
func pathData(pos string, flip func(x, y float64) (float64, float64)) (string, error) {
	var pts [][2]float64
	var end *[2]float64
	for _, f := range strings.Fields(pos) {
		switch {
		case strings.HasPrefix(f, "e,"):
			x, y, err := point(f[2:])
			if err != nil {
				return "", err
			}
			fx, fy := flip(x, y)
			end = &[2]float64{fx, fy}
		case strings.HasPrefix(f, "s,"):
			// start arrow: none drawn
		default:
			x, y, err := point(f)
			if err != nil {
				return "", err
			}
			fx, fy := flip(x, y)
			pts = append(pts, [2]float64{fx, fy})
		}
	}
	if len(pts) < 4 {
		return "", fmt.Errorf("spline with %d points", len(pts))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "M%s,%s", ff1(pts[0][0]), ff1(pts[0][1]))
	for i := 1; i+2 < len(pts); i += 3 {
		fmt.Fprintf(&b, "C%s,%s %s,%s %s,%s", ff1(pts[i][0]), ff1(pts[i][1]), ff1(pts[i+1][0]), ff1(pts[i+1][1]), ff1(pts[i+2][0]), ff1(pts[i+2][1]))
	}
	if end != nil {
		fmt.Fprintf(&b, "L%s,%s", ff1(end[0]), ff1(end[1]))
	}
	return b.String(), nil
}

func ff1(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
