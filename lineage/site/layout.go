package site

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	nodeHeight  = 28.0 // points
	charWidth   = 7.0  // points per label character at the page's font size
	margin      = 8.0
	nodeSep     = 10.8 // points between two boxes of one rank (dot's nodesep=0.15)
	rankSep     = 43.2 // points between two ranks (dot's ranksep=0.6)
	dummyHeight = 4.0  // the slot an edge takes where it crosses a rank
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

// vertex is a box of the layered drawing: a node, or a dummy where an edge
// spanning several ranks crosses one.
type vertex struct {
	rank     int
	pos      int     // index in its rank's order
	y        float64 // centre
	h        float64
	up, down []int // vertices of the ranks left and right, one per edge
	dummy    bool
}

// layered is the graph as Sugiyama's method works on it: every edge joins
// two adjacent ranks (long edges pass through dummies).
type layered struct {
	v      []vertex
	order  [][]int // vertex indices per rank, top to bottom
	routes [][]int // per graph edge: the vertices it passes, nil if not drawn through ranks
}

// Compute lays the graph out left to right in Sugiyama's manner, in
// process and in pure Go: ranks from the layers (ranks), an order within
// each rank that reduces edge crossings (median and barycentre sweeps,
// keeping the best order seen), vertical positions that straighten edges
// while keeping boxes apart (isotonic regression, sweep after sweep), and
// edges as horizontal-tangent cubic curves through their dummies.
func Compute(ctx context.Context, g *graph.Graph) (*Layout, error) {
	lg, err := build(g)
	if err != nil {
		return nil, err
	}
	if err := lg.reduceCrossings(ctx); err != nil {
		return nil, err
	}
	if err := lg.place(ctx); err != nil {
		return nil, err
	}
	return lg.draw(g), nil
}

func build(g *graph.Graph) (*layered, error) {
	rk := ranks(g)
	idx := make(map[string]int, len(g.Nodes))
	lg := &layered{}
	maxRank := 0
	for i, n := range g.Nodes {
		if _, dup := idx[n.ID]; dup {
			return nil, fmt.Errorf("layout: node %s appears twice in the graph", n.ID)
		}
		idx[n.ID] = i
		r := rk[n.ID]
		maxRank = max(maxRank, r)
		lg.v = append(lg.v, vertex{rank: r, h: nodeHeight})
	}
	lg.routes = make([][]int, len(g.Edges))
	for i, e := range g.Edges {
		from, ok1 := idx[e.From]
		to, ok2 := idx[e.To]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("layout: edge %s -> %s names a node that is not in the graph", e.From, e.To)
		}
		if lg.v[to].rank <= lg.v[from].rank {
			continue // only on a cycle, which the DAG rejects upstream: drawn straight
		}
		route := []int{from}
		prev := from
		for r := lg.v[from].rank + 1; r < lg.v[to].rank; r++ {
			d := len(lg.v)
			lg.v = append(lg.v, vertex{rank: r, h: dummyHeight, dummy: true})
			lg.link(prev, d)
			route = append(route, d)
			prev = d
		}
		lg.link(prev, to)
		lg.routes[i] = append(route, to)
	}
	lg.order = make([][]int, maxRank+1)
	lg.initialOrder(len(g.Nodes))
	return lg, nil
}

func (lg *layered) link(a, b int) {
	lg.v[a].down = append(lg.v[a].down, b)
	lg.v[b].up = append(lg.v[b].up, a)
}

// initialOrder orders each rank by a depth-first walk from the nodes in
// graph order (dot's initial order): what hangs together starts together.
func (lg *layered) initialOrder(nodes int) {
	seen := make([]bool, len(lg.v))
	var stack []int
	for s := 0; s < nodes; s++ {
		if seen[s] {
			continue
		}
		stack = append(stack[:0], s)
		seen[s] = true
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r := lg.v[v].rank
			lg.v[v].pos = len(lg.order[r])
			lg.order[r] = append(lg.order[r], v)
			for i := len(lg.v[v].down) - 1; i >= 0; i-- {
				if w := lg.v[v].down[i]; !seen[w] {
					seen[w] = true
					stack = append(stack, w)
				}
			}
		}
	}
	// dummies are reached through their edge's source, always a node
}

// reduceCrossings sweeps right and left, ordering each rank by the median
// (ties and lone vertices by barycentre) of its neighbours' positions in
// the rank just swept, and keeps the order with the fewest crossings.
func (lg *layered) reduceCrossings(ctx context.Context) error {
	iters := 24
	switch n := len(lg.v); {
	case n > 20000:
		iters = 4
	case n > 4000:
		iters = 8
	}
	best := lg.crossings()
	saved := lg.saveOrder()
	key := make([]float64, len(lg.v))
	for it := 0; it < iters && best > 0; it++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("layout: %w", err)
		}
		if it%2 == 0 {
			for r := 1; r < len(lg.order); r++ {
				lg.sortRank(r, key, func(v *vertex) []int { return v.up })
			}
		} else {
			for r := len(lg.order) - 2; r >= 0; r-- {
				lg.sortRank(r, key, func(v *vertex) []int { return v.down })
			}
		}
		if len(lg.v) <= 2000 {
			lg.transpose()
		}
		if c := lg.crossings(); c < best {
			best = c
			saved = lg.saveOrder()
		}
	}
	lg.restoreOrder(saved)
	return nil
}

func (lg *layered) sortRank(r int, key []float64, nb func(*vertex) []int) {
	ord := lg.order[r]
	var ps []int
	for _, v := range ord {
		ps = ps[:0]
		for _, w := range nb(&lg.v[v]) {
			ps = append(ps, lg.v[w].pos)
		}
		key[v] = medianKey(ps, float64(lg.v[v].pos))
	}
	slices.SortStableFunc(ord, func(a, b int) int {
		switch {
		case key[a] < key[b]:
			return -1
		case key[a] > key[b]:
			return 1
		}
		return 0
	})
	for i, v := range ord {
		lg.v[v].pos = i
	}
}

// medianKey is the weighted median of Gansner et al.: the middle position,
// or for an even count the two middle ones weighted by how spread out each
// side is. A vertex with no neighbour keeps its place.
func medianKey(ps []int, own float64) float64 {
	switch len(ps) {
	case 0:
		return own
	case 1:
		return float64(ps[0])
	case 2:
		return float64(ps[0]+ps[1]) / 2
	}
	slices.Sort(ps)
	m := len(ps) / 2
	if len(ps)%2 == 1 {
		return float64(ps[m])
	}
	left := float64(ps[m-1] - ps[0])
	right := float64(ps[len(ps)-1] - ps[m])
	if left+right == 0 {
		return float64(ps[m-1]+ps[m]) / 2
	}
	return (float64(ps[m-1])*right + float64(ps[m])*left) / (left + right)
}

// transpose swaps neighbours of a rank while that removes crossings.
func (lg *layered) transpose() {
	for improved, rounds := true, 0; improved && rounds < 8; rounds++ {
		improved = false
		for r := range lg.order {
			ord := lg.order[r]
			for i := 0; i+1 < len(ord); i++ {
				a, b := ord[i], ord[i+1]
				if lg.pairCrossings(b, a) < lg.pairCrossings(a, b) {
					ord[i], ord[i+1] = b, a
					lg.v[a].pos, lg.v[b].pos = i+1, i
					improved = true
				}
			}
		}
	}
}

// pairCrossings counts the crossings among a's and b's edges (both ranks)
// when a is above b.
func (lg *layered) pairCrossings(a, b int) int {
	c := 0
	for _, side := range [2]func(*vertex) []int{
		func(v *vertex) []int { return v.up }, func(v *vertex) []int { return v.down },
	} {
		for _, x := range side(&lg.v[a]) {
			for _, y := range side(&lg.v[b]) {
				if lg.v[y].pos < lg.v[x].pos {
					c++
				}
			}
		}
	}
	return c
}

// crossings counts the edge crossings of the current order, rank pair by
// rank pair, with Barth, Jünger and Mutzel's accumulator tree.
func (lg *layered) crossings() int {
	total := 0
	var south []int
	var tree []int
	for r := 0; r+1 < len(lg.order); r++ {
		south = south[:0]
		for _, v := range lg.order[r] {
			start := len(south)
			for _, w := range lg.v[v].down {
				south = append(south, lg.v[w].pos)
			}
			slices.Sort(south[start:])
		}
		first := 1
		for first < len(lg.order[r+1]) {
			first *= 2
		}
		size := 2*first - 1
		if cap(tree) < size {
			tree = make([]int, size)
		}
		tree = tree[:size]
		clear(tree)
		first--
		for _, p := range south {
			i := p + first
			tree[i]++
			for i > 0 {
				if i%2 == 1 {
					total += tree[i+1]
				}
				i = (i - 1) / 2
				tree[i]++
			}
		}
	}
	return total
}

func (lg *layered) saveOrder() [][]int {
	s := make([][]int, len(lg.order))
	for r, o := range lg.order {
		s[r] = slices.Clone(o)
	}
	return s
}

func (lg *layered) restoreOrder(s [][]int) {
	lg.order = s
	for _, o := range s {
		for i, v := range o {
			lg.v[v].pos = i
		}
	}
}

// place gives every vertex its vertical centre: each sweep pulls a rank's
// vertices toward the mean of their neighbours in the rank just placed,
// as close as the order and the spacing allow (a weighted isotonic
// regression solved exactly by pooling adjacent violators). Dummies weigh
// more, so long edges run straight.
func (lg *layered) place(ctx context.Context) error {
	for _, o := range lg.order {
		y := 0.0
		for i, v := range o {
			if i > 0 {
				y += gap(&lg.v[o[i-1]], &lg.v[v])
			}
			lg.v[v].y = y
		}
	}
	both := func(v *vertex) [2][]int { return [2][]int{v.up, v.down} }
	ups := func(v *vertex) [2][]int { return [2][]int{v.up} }
	downs := func(v *vertex) [2][]int { return [2][]int{v.down} }
	var scratch isoScratch
	for it := 0; it < 8; it++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("layout: %w", err)
		}
		for r := 1; r < len(lg.order); r++ {
			lg.pull(r, ups, &scratch)
		}
		for r := len(lg.order) - 2; r >= 0; r-- {
			lg.pull(r, downs, &scratch)
		}
	}
	for r := range lg.order {
		lg.pull(r, both, &scratch)
	}
	return nil
}

func gap(a, b *vertex) float64 { return (a.h+b.h)/2 + nodeSep }

type isoScratch struct {
	target, weight, off []float64
	blocks              []isoBlock
}

type isoBlock struct {
	n       int
	sum, sw float64 // weighted sum of targets, sum of weights
}

// pull moves rank r's vertices toward the mean position of their
// neighbours (nb); a vertex without any keeps its place, weakly.
func (lg *layered) pull(r int, nb func(*vertex) [2][]int, s *isoScratch) {
	o := lg.order[r]
	s.target, s.weight, s.off = s.target[:0], s.weight[:0], s.off[:0]
	off := 0.0
	for i, v := range o {
		vx := &lg.v[v]
		if i > 0 {
			off += gap(&lg.v[o[i-1]], vx)
		}
		sum, n := 0.0, 0
		for _, side := range nb(vx) {
			for _, w := range side {
				sum += lg.v[w].y
				n++
			}
		}
		t, w := vx.y, 0.01
		if n > 0 {
			t, w = sum/float64(n), float64(n)
			if vx.dummy {
				w *= 4
			}
		}
		// with z = y - off the spacing constraints become z non-decreasing
		s.target = append(s.target, t-off)
		s.weight = append(s.weight, w)
		s.off = append(s.off, off)
	}
	s.blocks = s.blocks[:0]
	for i := range o {
		b := isoBlock{n: 1, sum: s.target[i] * s.weight[i], sw: s.weight[i]}
		for len(s.blocks) > 0 {
			last := s.blocks[len(s.blocks)-1]
			if last.sum/last.sw <= b.sum/b.sw {
				break
			}
			b = isoBlock{n: last.n + b.n, sum: last.sum + b.sum, sw: last.sw + b.sw}
			s.blocks = s.blocks[:len(s.blocks)-1]
		}
		s.blocks = append(s.blocks, b)
	}
	i := 0
	for _, b := range s.blocks {
		z := b.sum / b.sw
		for k := 0; k < b.n; k++ {
			lg.v[o[i]].y = z + s.off[i]
			i++
		}
	}
}

// draw turns ranks and positions into boxes and edge paths.
func (lg *layered) draw(g *graph.Graph) *Layout {
	colW := make([]float64, len(lg.order))
	for i, n := range g.Nodes {
		r := lg.v[i].rank
		colW[r] = max(colW[r], nodeWidth(n.Name))
	}
	colX := make([]float64, len(lg.order))
	x := margin
	for r := range lg.order {
		colX[r] = x
		x += colW[r] + rankSep
	}
	width := x - rankSep + margin
	if len(lg.order) == 0 {
		width = 2 * margin
	}
	minY, maxY := 0.0, 0.0
	for i := range lg.v {
		v := &lg.v[i]
		if i == 0 || v.y-v.h/2 < minY {
			minY = v.y - v.h/2
		}
		if i == 0 || v.y+v.h/2 > maxY {
			maxY = v.y + v.h/2
		}
	}
	shift := margin - minY
	l := &Layout{Width: round(width), Height: round(maxY - minY + 2*margin), Nodes: make(map[string]Box, len(g.Nodes))}
	boxes := make([]Box, len(g.Nodes))
	for i, n := range g.Nodes {
		v := &lg.v[i]
		w := nodeWidth(n.Name)
		boxes[i] = Box{X: round(colX[v.rank] + (colW[v.rank]-w)/2), Y: round(v.y + shift - nodeHeight/2), W: w, H: nodeHeight}
		l.Nodes[n.ID] = boxes[i]
	}
	idx := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		idx[n.ID] = i
	}
	var b strings.Builder
	for i, e := range g.Edges {
		from, to := boxes[idx[e.From]], boxes[idx[e.To]]
		b.Reset()
		x0, y0 := from.X+from.W, from.Y+from.H/2
		fmt.Fprintf(&b, "M%s,%s", ff1(x0), ff1(y0))
		for _, d := range lg.routes[i] {
			if d < len(g.Nodes) {
				continue // the two ends
			}
			v := &lg.v[d]
			y := v.y + shift
			curve(&b, x0, y0, colX[v.rank], y)
			x0, y0 = colX[v.rank]+colW[v.rank], y
			fmt.Fprintf(&b, "L%s,%s", ff1(x0), ff1(y0))
		}
		curve(&b, x0, y0, to.X, to.Y+to.H/2)
		l.Edges = append(l.Edges, EdgePath{From: e.From, To: e.To, D: b.String()})
	}
	return l
}

// curve appends a cubic curve from (x0, y0) to (x1, y1) that leaves and
// arrives horizontally.
func curve(b *strings.Builder, x0, y0, x1, y1 float64) {
	m := (x1 - x0) / 2
	fmt.Fprintf(b, "C%s,%s %s,%s %s,%s", ff1(x0+m), ff1(y0), ff1(x1-m), ff1(y1), ff1(x1), ff1(y1))
}

func round(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

func ff1(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
