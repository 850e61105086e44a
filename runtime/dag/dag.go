package dag

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	slices.Sort(ids)
	lists := make([][]string, len(ids))
	for i, id := range ids {
		lists[i] = parents[id]
	}
	return NewSorted(ids, lists)
}

// NewSorted builds the graph of ids (sorted, without duplicates) where
// parents[i] lists the ids ids[i] depends on; every parent must be in
// ids. It is New without the map: parents are resolved on GOMAXPROCS
// goroutines.
func NewSorted(ids []string, parents [][]string) (*DAG, error) {
	if len(parents) != len(ids) {
		return nil, fmt.Errorf("build graph: %d ids but %d parent lists", len(ids), len(parents))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			return nil, fmt.Errorf("build graph: ids not sorted or repeated at %q", ids[i])
		}
	}
	idx := make(map[string]int32, len(ids))
	for i, id := range ids {
		idx[id] = int32(i)
	}
	// Parent lists share one backing array: each node's list starts where
	// the lists before it end (an upper bound, duplicates removed after).
	starts := make([]int, len(ids)+1)
	for i, ps := range parents {
		starts[i+1] = starts[i] + len(ps)
	}
	back := make([]int32, starts[len(ids)])
	par := make([][]int32, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ids)/2048))
	chunk := (len(ids) + workers - 1) / max(workers, 1)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * chunk; i < min((w+1)*chunk, len(ids)); i++ {
				ps := parents[i]
				if len(ps) == 0 {
					continue
				}
				lst := back[starts[i]:starts[i]:starts[i+1]]
				for _, p := range ps {
					pi, ok := idx[p]
					if !ok {
						errs[i] = fmt.Errorf("build graph: %s depends on %s, which is not in the project", ids[i], p)
						break
					}
					if !slices.Contains(lst, pi) {
						lst = append(lst, pi)
					}
				}
				slices.Sort(lst)
				par[i] = lst[:len(lst):len(lst)]
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	nchi := make([]int32, len(ids))
	indeg := make([]int32, len(ids))
	edges := 0
	for i, lst := range par {
		indeg[i] = int32(len(lst))
		edges += len(lst)
		for _, p := range lst {
			nchi[p]++
		}
	}
	chi := make([][]int32, len(ids))
	cback := make([]int32, edges)
	off := 0
	for i, n := range nchi {
		chi[i] = cback[off : off : off+int(n)]
		off += int(n)
	}
	for i := range ids {
		for _, p := range par[i] {
			chi[p] = append(chi[p], int32(i)) // increasing child index
		}
	}

	// Kahn with a min-heap on index (= unique id order).
	h := make(minHeap, 0, len(ids))
	for i := range ids {
		if indeg[i] == 0 {
			h = append(h, int32(i)) // increasing: already a heap
		}
	}
	order := make([]int32, 0, len(ids))
	for len(h) > 0 {
		n := h.pop()
		order = append(order, n)
		for _, c := range chi[n] {
			indeg[c]--
			if indeg[c] == 0 {
				h.push(c)
			}
		}
	}
	if len(order) != len(ids) {
		return nil, &CycleError{Cycle: findCycle(ids, par, indeg)}
	}
	// Renumber so that index order is topological order.
	d := &DAG{
		order:    make([]string, len(ids)),
		index:    idx,
		parents:  make([][]int32, len(ids)),
		children: make([][]int32, len(ids)),
	}
	newIdx := make([]int32, len(ids))
	for pos, old := range order {
		newIdx[old] = int32(pos)
		d.order[pos] = ids[old]
	}
	for old, id := range ids {
		idx[id] = newIdx[old]
	}
	pback, cback2 := make([]int32, edges), make([]int32, edges)
	poff, coff := 0, 0
	for old := range ids {
		n := newIdx[old]
		np, nc := len(par[old]), len(chi[old])
		d.parents[n] = remap(par[old], newIdx, pback[poff:poff+np])
		d.children[n] = remap(chi[old], newIdx, cback2[coff:coff+nc])
		poff += np
		coff += nc
	}
	return d, nil
}

// remap writes l renumbered by m into out, sorted; nil for an empty l.
func remap(l []int32, m []int32, out []int32) []int32 {
	if len(l) == 0 {
		return nil
	}
	for i, v := range l {
		out[i] = m[v]
	}
	slices.Sort(out)
	return out[:len(out):len(out)]
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

// minHeap is a binary min-heap of node indices.
type minHeap []int32

func (h *minHeap) push(x int32) {
	*h = append(*h, x)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if a[p] <= a[i] {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *minHeap) pop() int32 {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(a) && a[l] < a[small] {
			small = l
		}
		if r := l + 1; r < len(a) && a[r] < a[small] {
			small = r
		}
		if small == i {
			break
		}
		a[i], a[small] = a[small], a[i]
		i = small
	}
	*h = a
	return top
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

// AppendParents appends the direct parents of id, in topological order,
// to dst (Parents without a new slice per call).
func (d *DAG) AppendParents(dst []string, id string) []string {
	return d.appendNames(dst, d.parents, id)
}

// AppendChildren appends the direct children of id, in topological
// order, to dst.
func (d *DAG) AppendChildren(dst []string, id string) []string {
	return d.appendNames(dst, d.children, id)
}

func (d *DAG) appendNames(dst []string, adj [][]int32, id string) []string {
	if i, ok := d.index[id]; ok {
		for _, v := range adj[i] {
			dst = append(dst, d.order[v])
		}
	}
	return dst
}

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
