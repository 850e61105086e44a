package dag

import "fmt"

// Export returns the graph as New computed it: the unique ids in
// topological order and, for each position, the positions of its parents
// (ascending). FromExport rebuilds the same DAG without sorting or
// ordering anything (runtime/partial stores a project's DAG this way).
// The slices are shared; do not modify them.
func (d *DAG) Export() (order []string, parents [][]int32) {
	return d.order, d.parents
}

// FromExport rebuilds a DAG from Export's result. It checks what it can
// cheaply: ids are unique, every parent position comes before its child
// (so the order is topological and there is no cycle) and each parent
// list ascends without repeats. It does not re-check that ties are
// ordered by unique id; give it only what Export returned.
func FromExport(order []string, parents [][]int32) (*DAG, error) {
	if len(parents) != len(order) {
		return nil, fmt.Errorf("rebuild graph: %d nodes but %d parent lists", len(order), len(parents))
	}
	d := &DAG{
		order:    order,
		index:    make(map[string]int32, len(order)),
		parents:  parents,
		children: make([][]int32, len(order)),
	}
	nchild := make([]int32, len(order))
	for i, id := range order {
		if _, dup := d.index[id]; dup {
			return nil, fmt.Errorf("rebuild graph: %s appears twice", id)
		}
		d.index[id] = int32(i)
		prev := int32(-1)
		for _, p := range parents[i] {
			if p <= prev || p >= int32(i) {
				return nil, fmt.Errorf("rebuild graph: parent position %d of %s (position %d) is out of order: parents ascend and come before the node", p, id, i)
			}
			prev = p
			nchild[p]++
		}
	}
	// Children in ascending position, as New lists them, carved from one
	// backing array.
	total := 0
	for _, c := range nchild {
		total += int(c)
	}
	back := make([]int32, 0, total)
	for i, c := range nchild {
		if c > 0 {
			d.children[i] = back[len(back) : len(back) : len(back)+int(c)]
			back = back[:len(back)+int(c)]
		}
	}
	for i := range order {
		for _, p := range parents[i] {
			d.children[p] = append(d.children[p], int32(i))
		}
	}
	return d, nil
}
