package column

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// tableResolver resolves relations to the project's models, seeds and
// sources by schema and table name (case-insensitive; the catalog is only
// used to break ties).
type tableResolver struct {
	byName map[string][]entry
	cols   map[string][]string // unique id -> known columns
	exact  map[string]bool     // unique id -> cols found by analysing its SQL
}

type entry struct {
	id, catalog string
}

func (t *tableResolver) add(id, catalog, schema, name string, cols []string) {
	k := strings.ToLower(schema) + "." + strings.ToLower(name)
	t.byName[k] = append(t.byName[k], entry{id: id, catalog: strings.ToLower(catalog)})
	t.cols[id] = cols
}

func (t *tableResolver) Resolve(catalog, schema, name string) (Relation, bool) {
	es := t.byName[strings.ToLower(schema)+"."+strings.ToLower(name)]
	if len(es) == 0 {
		return Relation{}, false
	}
	pick := es[0]
	if len(es) > 1 && catalog != "" {
		for _, e := range es {
			if e.catalog == strings.ToLower(catalog) {
				pick = e
			}
		}
	}
	return Relation{ID: pick.id, Columns: t.cols[pick.id], Exact: t.exact[pick.id]}, true
}

func colNames(cs []*project.Column) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// ForProject computes the column lineage of every model with compiled SQL,
// upstream first, so that `*` over a model expands to the columns its own
// analysis found (or, failing that, to its documented columns). Models
// whose SQL the parser rejects get a result with Complete=false and the
// parse error among its problems.
func ForProject(ctx context.Context, p *project.Project) (map[string]*Model, error) {
	parser, err := NewParser(ctx)
	if err != nil {
		return nil, err
	}
	defer parser.Close()

	res := &tableResolver{byName: map[string][]entry{}, cols: map[string][]string{}, exact: map[string]bool{}}
	for _, s := range p.Sources {
		ident := s.Identifier
		if ident == "" {
			ident = s.Name
		}
		res.add(s.UniqueID, s.Database, s.Schema, ident, colNames(s.Columns))
	}
	for _, n := range p.Nodes {
		if n.ResourceType != project.Model && n.ResourceType != project.Seed {
			continue
		}
		name := n.Alias
		if name == "" {
			name = n.Name
		}
		res.add(n.UniqueID, n.Database, n.Schema, name, colNames(n.Columns))
	}

	var ids, queries []string
	for _, id := range topoModels(p) {
		if n := p.Nodes[id]; strings.TrimSpace(n.CompiledCode) != "" {
			ids = append(ids, id)
			queries = append(queries, n.CompiledCode)
		}
	}
	trees, errs, err := parser.ParseAll(ctx, queries)
	if err != nil {
		return nil, fmt.Errorf("column lineage: %w", err)
	}
	out := map[string]*Model{}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("column lineage: %w", err)
		}
		n := p.Nodes[id]
		declared := colNames(n.Columns)
		var m *Model
		if errs[i] != nil {
			m = &Model{Node: id, Problems: []string{fmt.Sprintf("column lineage of %s: %v", id, errs[i])}}
			for _, d := range declared {
				m.Columns = append(m.Columns, Column{Name: d, Inputs: []Edge{{Kind: Unknown, Note: "the compiled SQL could not be parsed"}}})
			}
		} else {
			m = AnalyzeTree(id, trees[i], res, declared)
		}
		out[id] = m
		if m.Complete && len(m.Columns) > 0 {
			cs := make([]string, len(m.Columns))
			for i, c := range m.Columns {
				cs[i] = c.Name
			}
			res.cols[id] = cs
			res.exact[id] = true
		}
	}
	return out, nil
}

// topoModels orders the models upstream first (ties by id, for stable output).
func topoModels(p *project.Project) []string {
	indeg := map[string]int{}
	down := map[string][]string{}
	for id, n := range p.Nodes {
		if n.ResourceType != project.Model {
			continue
		}
		indeg[id] += 0
		for _, d := range n.DependsOn.Nodes {
			if dn, ok := p.Nodes[d]; ok && dn.ResourceType == project.Model {
				indeg[id]++
				down[d] = append(down[d], id)
			}
		}
	}
	var ready, order []string
	for id, d := range indeg {
		if d == 0 {
			ready = append(ready, id)
		}
	}
	sort.Strings(ready)
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		order = append(order, id)
		next := down[id]
		sort.Strings(next)
		for _, d := range next {
			indeg[d]--
			if indeg[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	// Cycles (the DAG rejects them elsewhere): append the rest, stable.
	if len(order) < len(indeg) {
		seen := map[string]bool{}
		for _, id := range order {
			seen[id] = true
		}
		var rest []string
		for id := range indeg {
			if !seen[id] {
				rest = append(rest, id)
			}
		}
		sort.Strings(rest)
		order = append(order, rest...)
	}
	return order
}
