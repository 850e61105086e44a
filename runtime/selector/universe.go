package selector

import (
	"slices"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// universe numbers every node and source of one selection so that sets are
// bitsets, and caches the graph's edges as it walks them.
type universe struct {
	p        *project.Project
	g        Graph
	ids      []string
	index    map[string]int
	node     []*project.Node   // nil for sources and ids unknown to the project
	src      []*project.Source // nil for nodes
	enabled  bitset            // selectable: known and enabled nodes, and sources
	graphLen int               // ids [0, graphLen) came from Graph.Nodes, in its order
	known    int               // ids that are project nodes or sources
	gindex   indexer           // the graph's own index of ids [0, graphLen), or nil

	parents, children [][]int
	pDone, cDone      bitset

	testsBuilt  bool
	tests       [][]int // node index -> enabled tests that depend on it
	testParents [][]int // test index -> the nodes it depends on
	isTest      bitset  // enabled tests
	sources     bitset
}

// newUniverse numbers the graph's ids in its (topological) order, then the
// project's sources and nodes the graph does not list, each sorted by id.
// Output lists sources the graph does not list first, then the rest in
// index order (see order).
func newUniverse(p *project.Project, g Graph) *universe {
	graphIDs := g.Nodes()
	n := len(graphIDs) + len(p.Sources)
	u := &universe{p: p, g: g,
		ids: make([]string, 0, n), node: make([]*project.Node, 0, n), src: make([]*project.Source, 0, n),
		enabled: make(bitset, 0, n/64+1), sources: make(bitset, 0, n/64+1), graphLen: len(graphIDs)}
	if ix, ok := g.(indexer); ok && len(graphIDs) > 0 && ix.Index(graphIDs[0]) == 0 &&
		ix.Index(graphIDs[len(graphIDs)-1]) == len(graphIDs)-1 {
		// The graph numbers its nodes in Nodes() order already: use its
		// index instead of building another map.
		u.gindex = ix
		for _, id := range graphIDs {
			u.add(id)
		}
	} else {
		u.index = make(map[string]int, n)
		for _, id := range graphIDs {
			u.intern(id)
		}
	}
	u.graphLen = len(u.ids)
	if u.known == len(p.Nodes)+len(p.Sources) {
		return u // the graph lists every node and source
	}
	var extra []string
	for id := range p.Sources {
		if _, ok := u.lookup(id); !ok {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		u.intern(id)
	}
	extra = extra[:0]
	for id := range p.Nodes {
		if _, ok := u.lookup(id); !ok {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		u.intern(id)
	}
	return u
}

// order returns the members of set in output order: sources the graph does
// not list (they have no parents), then everything else by index.
func (u *universe) order(set bitset) []int {
	out := make([]int, 0, set.count())
	set.each(func(i int) {
		if i >= u.graphLen && u.src[i] != nil && u.node[i] == nil {
			out = append(out, i)
		}
	})
	set.each(func(i int) {
		if i < u.graphLen || u.src[i] == nil || u.node[i] != nil {
			out = append(out, i)
		}
	})
	return out
}

func (u *universe) size() int { return len(u.ids) }

// indexer is implemented by graphs that number their nodes in Nodes()
// order (the engine's DAG); Index returns -1 for an unknown id.
type indexer interface{ Index(id string) int }

// lookup returns the index of a known id.
func (u *universe) lookup(id string) (int, bool) {
	if u.gindex != nil {
		if i := u.gindex.Index(id); i >= 0 && i < u.graphLen {
			return i, true
		}
	}
	i, ok := u.index[id]
	return i, ok
}

// intern returns the index of id, numbering it if it is new.
func (u *universe) intern(id string) int {
	if i, ok := u.lookup(id); ok {
		return i
	}
	i := u.add(id)
	if u.index == nil {
		u.index = map[string]int{} // ids the graph does not number
	}
	u.index[id] = i
	return i
}

// add numbers id (not yet known) and records what it is.
func (u *universe) add(id string) int {
	i := len(u.ids)
	u.ids = append(u.ids, id)
	n := u.p.Nodes[id]
	var s *project.Source
	if n == nil {
		s = u.p.Sources[id]
		u.known += boolInt(s != nil)
	} else {
		u.known++
	}
	u.node = append(u.node, n)
	u.src = append(u.src, s)
	if (n != nil && n.Config.Enabled) || (n == nil && s != nil) {
		u.enabled.add(i)
	}
	if n == nil && s != nil {
		u.sources.add(i)
	}
	return i
}

func (u *universe) neighbours(i int, up bool) []int {
	done, adj := &u.cDone, &u.children
	if up {
		done, adj = &u.pDone, &u.parents
	}
	if done.has(i) {
		return (*adj)[i]
	}
	var ids []string
	if up {
		ids = u.g.Parents(u.ids[i])
	} else {
		ids = u.g.Children(u.ids[i])
	}
	out := make([]int, len(ids))
	for k, id := range ids {
		out[k] = u.intern(id)
	}
	if n := u.size(); len(*adj) < n {
		*adj = append(*adj, make([][]int, n-len(*adj))...)
	}
	(*adj)[i] = out
	done.add(i)
	return out
}

// origins records, for each index reached by a walk, where it came from;
// -1 for none.
type origins []int32

func (o *origins) set(i, v int) {
	for len(*o) <= i {
		*o = append(*o, -1)
	}
	(*o)[i] = int32(v)
}

func (o origins) get(i int) int {
	if i < len(o) {
		return int(o[i])
	}
	return -1
}

// walk returns the ancestors (up) or descendants of start within depth
// generations (0 = all), not counting start itself. When orig is not nil it
// records start nodes as their own origin and every reached node as the
// origin of the node it was reached from.
func (u *universe) walk(start bitset, up bool, depth int, orig *origins) bitset {
	var reached bitset
	var frontier []int
	start.each(func(i int) {
		frontier = append(frontier, i)
		if orig != nil {
			orig.set(i, i)
		}
	})
	for d := 1; len(frontier) > 0 && (depth == 0 || d <= depth); d++ {
		var next []int
		for _, i := range frontier {
			for _, j := range u.neighbours(i, up) {
				if reached.has(j) || start.has(j) {
					continue
				}
				reached.add(j)
				if orig != nil {
					orig.set(j, orig.get(i))
				}
				next = append(next, j)
			}
		}
		frontier = next
	}
	return reached
}

// buildTests indexes the enabled tests by the nodes they test.
func (u *universe) buildTests() {
	if u.testsBuilt {
		return
	}
	u.testsBuilt = true
	n := len(u.node)
	u.testParents = make([][]int, n)
	var parentsOf [][]int
	for t, node := range u.node[:n:n] {
		if node == nil || node.ResourceType != project.Test || !node.Config.Enabled {
			continue
		}
		ps := make([]int, 0, len(node.DependsOn.Nodes))
		for _, dep := range node.DependsOn.Nodes {
			ps = append(ps, u.intern(dep))
		}
		u.testParents[t] = ps
		u.isTest.add(t)
		parentsOf = append(parentsOf, ps)
	}
	u.tests = make([][]int, len(u.ids))
	u.isTest.each(func(t int) {
		for _, pi := range u.testParents[t] {
			u.tests[pi] = append(u.tests[pi], t)
		}
	})
}

// testsOf returns the enabled tests that depend on index i.
func (u *universe) testsOf(i int) []int {
	if i < len(u.tests) {
		return u.tests[i]
	}
	return nil
}

// parentsOfTest returns the nodes test t depends on and whether t is an
// enabled test.
func (u *universe) parentsOfTest(t int) ([]int, bool) {
	if !u.isTest.has(t) {
		return nil, false
	}
	return u.testParents[t], true
}

func allIn(idx []int, set bitset) bool {
	for _, i := range idx {
		if !set.has(i) {
			return false
		}
	}
	return true
}

// displayName names an index for people: a node's name, a source as
// source_name.table.
func (u *universe) displayName(i int) string {
	if n := u.node[i]; n != nil {
		return n.Name
	}
	if s := u.src[i]; s != nil {
		return s.SourceName + "." + s.Name
	}
	return u.ids[i]
}

// projectGraph is the DAG read from the project's depends_on lists, used
// when Select is given no Graph.
type projectGraph struct {
	order    []string
	parents  map[string][]string
	children map[string][]string
}

func newProjectGraph(p *project.Project) *projectGraph {
	g := &projectGraph{parents: map[string][]string{}, children: map[string][]string{}}
	indeg := map[string]int{}
	var ids []string
	for id := range p.Sources {
		ids = append(ids, id)
		indeg[id] = 0
	}
	for id := range p.Nodes {
		ids = append(ids, id)
		indeg[id] = 0
	}
	slices.Sort(ids)
	for _, id := range ids {
		n := p.Nodes[id]
		if n == nil {
			continue
		}
		for _, dep := range n.DependsOn.Nodes {
			if _, ok := indeg[dep]; !ok {
				continue
			}
			g.parents[id] = append(g.parents[id], dep)
			g.children[dep] = append(g.children[dep], id)
			indeg[id]++
		}
	}
	// Kahn's algorithm; ties by id for a stable order. Nodes on a cycle
	// (which the loader rejects) come last.
	var ready []string
	for _, id := range ids {
		if indeg[id] == 0 {
			ready = append(ready, id)
		}
	}
	seen := map[string]bool{}
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		seen[id] = true
		g.order = append(g.order, id)
		for _, c := range g.children[id] {
			if indeg[c]--; indeg[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	for _, id := range ids {
		if !seen[id] {
			g.order = append(g.order, id)
		}
	}
	return g
}

func (g *projectGraph) Parents(id string) []string  { return g.parents[id] }
func (g *projectGraph) Children(id string) []string { return g.children[id] }
func (g *projectGraph) Nodes() []string             { return g.order }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
