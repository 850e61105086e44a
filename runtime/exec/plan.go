package exec

import (
	"fmt"
	"sort"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// graph is the execution graph of the selected nodes: edges run from a
// selected node to its nearest selected descendants (through unselected
// nodes, which are assumed present, as dbt does).
type graph struct {
	order    []*project.Node     // topological, ties by unique id
	index    map[string]int      // unique id -> position in order
	parents  map[string][]string // effective parents within the selection
	children map[string][]string
}

// buildGraph makes the execution graph. Ephemeral models are left out:
// they are inlined into their children by the compiler. When testsBlock is
// set (build), a test also becomes a parent of the selected children of the
// nodes it tests, so a failing test skips what is downstream.
func buildGraph(p *project.Project, ids []string, testsBlock bool) (*graph, error) {
	sel := map[string]bool{}
	for _, id := range ids {
		n, ok := p.Nodes[id]
		if !ok {
			return nil, fmt.Errorf("selected node %s is not in the project", id)
		}
		if n.ResourceType == project.Model && n.Config.Materialized == project.MatEphemeral {
			continue
		}
		sel[id] = true
	}
	// Nearest selected ancestors, through unselected nodes.
	memo := map[string][]string{}
	var near func(id string, visiting map[string]bool) []string
	near = func(id string, visiting map[string]bool) []string {
		if r, ok := memo[id]; ok {
			return r
		}
		if visiting[id] {
			return nil
		}
		visiting[id] = true
		set := map[string]bool{}
		if n, ok := p.Nodes[id]; ok {
			for _, par := range n.DependsOn.Nodes {
				if sel[par] {
					set[par] = true
					continue
				}
				for _, a := range near(par, visiting) {
					set[a] = true
				}
			}
		}
		delete(visiting, id)
		out := sortedSet(set)
		memo[id] = out
		return out
	}
	g := &graph{index: map[string]int{}, parents: map[string][]string{}, children: map[string][]string{}}
	for id := range sel {
		g.parents[id] = near(id, map[string]bool{})
	}
	if testsBlock {
		addTestEdges(p, g, sel)
	}
	for id, ps := range g.parents {
		for _, par := range ps {
			g.children[par] = append(g.children[par], id)
		}
	}
	for id := range g.children {
		sort.Strings(g.children[id])
	}
	// Kahn's algorithm, ready nodes taken in unique-id order.
	indeg := map[string]int{}
	for id := range sel {
		indeg[id] = len(g.parents[id])
	}
	var ready []string
	for id, d := range indeg {
		if d == 0 {
			ready = append(ready, id)
		}
	}
	sort.Strings(ready)
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		g.index[id] = len(g.order)
		g.order = append(g.order, p.Nodes[id])
		var next []string
		for _, c := range g.children[id] {
			indeg[c]--
			if indeg[c] == 0 {
				next = append(next, c)
			}
		}
		if len(next) > 0 {
			ready = append(ready, next...)
			sort.Strings(ready)
		}
	}
	if len(g.order) != len(sel) {
		var stuck []string
		for id, d := range indeg {
			if d > 0 {
				stuck = append(stuck, id)
			}
		}
		sort.Strings(stuck)
		return nil, fmt.Errorf("dependency cycle among %v", stuck)
	}
	return g, nil
}

// addTestEdges makes each selected test a parent of the selected non-test
// children of the nodes it tests, unless that child is itself upstream of
// the test (a relationships test between a parent and its child).
func addTestEdges(p *project.Project, g *graph, sel map[string]bool) {
	children := map[string][]string{}
	for id, ps := range g.parents {
		for _, par := range ps {
			children[par] = append(children[par], id)
		}
	}
	ancMemo := map[string]map[string]bool{}
	var anc func(id string) map[string]bool
	anc = func(id string) map[string]bool {
		if a, ok := ancMemo[id]; ok {
			return a
		}
		ancMemo[id] = map[string]bool{} // cycle guard
		a := map[string]bool{}
		for _, par := range g.parents[id] {
			a[par] = true
			for x := range anc(par) {
				a[x] = true
			}
		}
		ancMemo[id] = a
		return a
	}
	var tests []string
	for id := range sel {
		if p.Nodes[id].ResourceType == project.Test {
			tests = append(tests, id)
		}
	}
	sort.Strings(tests)
	for _, t := range tests {
		tAnc := anc(t)
		for _, tested := range g.parents[t] {
			for _, c := range children[tested] {
				if p.Nodes[c].ResourceType == project.Test || c == t || tAnc[c] {
					continue
				}
				if !contains(g.parents[c], t) {
					g.parents[c] = append(g.parents[c], t)
				}
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
