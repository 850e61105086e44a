package dag

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"
)

// DAG is an immutable dependency graph. It satisfies the selector's Graph
// interface (Parents, Children, Nodes).
type DAG struct {
	order    []string // topological, ties by unique id
	index    map[string]int32
	parents  [][]int32
	children [][]int32
}

// CycleError reports a dependency cycle: Cycle lists the unique ids on it,
// in dependency order, the first repeated at the end.
type CycleError struct {
	Cycle []string
}

func (e *CycleError) Error() string {
	return "dependency cycle: " + strings.Join(e.Cycle, " -> ")
}

// New builds the graph. parents maps every unique id to the ids it
// depends on; every parent must itself be a key.
func New(parents map[string][]string) (*DAG, error) {
	ids := make([]string, 0, len(parents))
	for id := range parents {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	idx := make(map[string]int32, len(ids))
	for i, id := range ids {
		idx[id] = int32(i)
	}
	par := make([][]int32, len(ids))
	chi := make([][]int32, len(ids))
	indeg := make([]int32, len(ids))
	for i, id := range ids {
		ps := parents[id]
		if len(ps) == 0 {
			continue
		}
		seen := make(map[int32]bool, len(ps))
		lst := make([]int32, 0, len(ps))
		for _, p := range ps {
			pi, ok := idx[p]
			if !ok {
				return nil, fmt.Errorf("build graph: %s depends on %s, which is not in the project", id, p)
			}
			if seen[pi] {
				continue
			}
			seen[pi] = true
			lst = append(lst, pi)
			chi[pi] = append(chi[pi], int32(i))
		}
		sort.Slice(lst, func(a, b int) bool { return lst[a] < lst[b] })
		par[i] = lst
		indeg[i] = int32(len(lst))
	}
	// Children lists are appended in increasing child index already.

	// Kahn with a min-heap on index (= unique id order).
	h := make(intHeap, 0, len(ids))
	for i := range ids {
		if indeg[i] == 0 {
			h = append(h, int32(i))
		}
	}
	heap.Init(&h)
	order := make([]int32, 0, len(ids))
	for h.Len() > 0 {
		n := heap.Pop(&h).(int32)
		order = append(order, n)
		for _, c := range chi[n] {
			indeg[c]--
			if indeg[c] == 0 {
				heap.Push(&h, c)
			}
		}
	}
	if len(order) != len(ids) {
		return nil, &CycleError{Cycle: findCycle(ids, par, indeg)}
	}
	// Renumber so that index order is topological order.
	d := &DAG{
		order:    make([]string, len(ids)),
		index:    make(map[string]int32, len(ids)),
		parents:  make([][]int32, len(ids)),
		children: make([][]int32, len(ids)),
	}
	newIdx := make([]int32, len(ids))
	for pos, old := range order {
		newIdx[old] = int32(pos)
		d.order[pos] = ids[old]
		d.index[ids[old]] = int32(pos)
	}
	for old := range ids {
		n := newIdx[old]
		d.parents[n] = remap(par[old], newIdx)
		d.children[n] = remap(chi[old], newIdx)
	}
	return d, nil
}

func remap(l []int32, m []int32) []int32 {
	if len(l) == 0 {
		return nil
	}
	out := make([]int32, len(l))
	for i, v := range l {
		out[i] = m[v]
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// findCycle walks parents among the nodes Kahn could not order (indeg>0)
// until a node repeats, then returns that loop in dependency order.
func findCycle(ids []string, par [][]int32, indeg []int32) []string {
	start := int32(-1)
	for i := range ids {
		if indeg[i] > 0 {
			start = int32(i)
			break
		}
	}
	if start < 0 {
		return nil
	}
	pos := map[int32]int{}
	var path []int32
	n := start
	for {
		if p, ok := pos[n]; ok {
			loop := path[p:]
			// loop follows parent edges (child -> parent); reverse it into
			// dependency order (parent -> child), starting at its smallest id.
			out := make([]string, 0, len(loop)+1)
			for i := len(loop) - 1; i >= 0; i-- {
				out = append(out, ids[loop[i]])
			}
			min := 0
			for i := range out {
				if out[i] < out[min] {
					min = i
				}
			}
			out = append(out[min:], out[:min]...)
			return append(out, out[0])
		}
		pos[n] = len(path)
		path = append(path, n)
		next := int32(-1)
		for _, p := range par[n] {
			if indeg[p] > 0 {
				next = p
				break
			}
		}
		if next < 0 {
			return nil // unreachable: a node left over always has a left-over parent
		}
		n = next
	}
}

type intHeap []int32

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int32)) }
func (h *intHeap) Pop() any {
	old := *h
	n := old[len(old)-1]
	*h = old[:len(old)-1]
	return n
}

// Nodes returns every unique id in topological order (ties by unique id).
// The slice is shared; do not modify it.
func (d *DAG) Nodes() []string { return d.order }

// Len is the number of nodes.
func (d *DAG) Len() int { return len(d.order) }

// Has reports whether id is in the graph.
func (d *DAG) Has(id string) bool { _, ok := d.index[id]; return ok }

// Index returns the topological position of id, or -1.
func (d *DAG) Index(id string) int {
	if i, ok := d.index[id]; ok {
		return int(i)
	}
	return -1
}

// Parents returns the direct parents of id in topological order.
func (d *DAG) Parents(id string) []string { return d.names(d.parents, id) }

// Children returns the direct children of id in topological order.
func (d *DAG) Children(id string) []string { return d.names(d.children, id) }

func (d *DAG) names(adj [][]int32, id string) []string {
	i, ok := d.index[id]
	if !ok || len(adj[i]) == 0 {
		return nil
	}
	out := make([]string, len(adj[i]))
	for k, v := range adj[i] {
		out[k] = d.order[v]
	}
	return out
}

// Ancestors returns every node upstream of id, in topological order.
func (d *DAG) Ancestors(id string) []string { return d.reach(d.parents, id) }

// Descendants returns every node downstream of id, in topological order.
func (d *DAG) Descendants(id string) []string { return d.reach(d.children, id) }

func (d *DAG) reach(adj [][]int32, id string) []string {
	i, ok := d.index[id]
	if !ok {
		return nil
	}
	seen := make([]bool, len(d.order))
	stack := append([]int32(nil), adj[i]...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, adj[n]...)
	}
	var out []string
	for k, s := range seen {
		if s {
			out = append(out, d.order[k])
		}
	}
	return out
}

// Layers groups the nodes by depth: layer 0 has no parents, layer k nodes
// have their deepest parent in layer k-1. Within a layer, topological order.
func (d *DAG) Layers() [][]string {
	depth := make([]int, len(d.order))
	maxd := -1
	for i := range d.order {
		for _, p := range d.parents[i] {
			if depth[p]+1 > depth[i] {
				depth[i] = depth[p] + 1
			}
		}
		if depth[i] > maxd {
			maxd = depth[i]
		}
	}
	out := make([][]string, maxd+1)
	for i, id := range d.order {
		out[depth[i]] = append(out[depth[i]], id)
	}
	return out
}
