package compile

import (
	"context"
	"fmt"
	"sort"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/render"
)

// Snapshot is what a loaded Engine needs to be rebuilt without reading,
// parsing or rendering the project again (runtime/partial stores it): the
// project after Load (nodes rendered, configured, tests generated, marks
// substituted), the project.yml settings, and the bodies of ephemeral
// models before their own CTEs were prepended (Render needs them).
// Project.Macros is not part of it: Restore parses the macro files again
// (a few milliseconds) because the Engine needs their parse trees.
type Snapshot struct {
	Project   *project.Project
	Settings  *project.Settings
	Ephemeral []EphemeralSQL // sorted by ID
	// Order and Parents are the DAG as dag.(*DAG).Export returns it.
	Order   []string
	Parents [][]int32
}

// EphemeralSQL is an ephemeral model's SQL with relation marks replaced,
// and the ephemeral models (unique ids) it reads itself.
type EphemeralSQL struct {
	ID   string
	Body string
	Deps []string
}

// Snapshot returns the state Restore needs. It shares the Engine's
// values: encode it before the Engine is used further.
func (e *Engine) Snapshot() Snapshot {
	s := Snapshot{Project: e.Project, Settings: e.Settings}
	s.Order, s.Parents = e.DAG.Export()
	for id, info := range e.ephs {
		deps := make([]string, len(info.deps))
		for i, d := range info.deps {
			deps[i] = d.UniqueID
		}
		s.Ephemeral = append(s.Ephemeral, EphemeralSQL{ID: id, Body: info.body, Deps: deps})
	}
	sort.Slice(s.Ephemeral, func(i, j int) bool { return s.Ephemeral[i].ID < s.Ephemeral[j].ID })
	return s
}

// Restore rebuilds an Engine from a Snapshot taken with the same Options
// (the caller checks that; runtime/partial keys its cache on them). It
// parses the macro files, indexes nodes and relations and rebuilds the
// DAG from its exported form; nothing is rendered or sorted. The Engine behaves as the one Load returned.
func Restore(ctx context.Context, s Snapshot, opts Options) (*Engine, error) {
	p := s.Project
	if p == nil || p.Nodes == nil || p.Sources == nil {
		return nil, fmt.Errorf("restore engine: the snapshot has no project")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("restore engine: %w", err)
	}
	env, err := render.NewEnv(render.Options{
		Project: p.Name, Target: opts.Target, Dialect: opts.Dialect,
		Vars: p.Vars, MacroFiles: p.MacroFiles,
	})
	if err != nil {
		return nil, fmt.Errorf("restore engine: %w", err)
	}
	p.Macros = env.Macros()
	e := &Engine{
		Project: p, Settings: s.Settings, opts: opts, env: env,
		relations: newRelations(len(p.Nodes) + len(p.Sources)),
		byName:    make(map[string]*project.Node, len(p.Nodes)),
		ephs:      make(map[string]ephemeralInfo, len(s.Ephemeral)),
	}
	e.renderers.New = func() any { return env.NewRenderer() }
	defaultDB := ""
	if c, ok := opts.Target.Fields["catalog"].(string); ok {
		defaultDB = c
	}
	for id, src := range p.Sources {
		db := src.Database
		if db == "" {
			db = defaultDB
		}
		e.relations.set(id, adapter.Relation{Database: db, Schema: src.Schema, Identifier: src.Identifier})
	}
	for id, n := range p.Nodes {
		if n == nil {
			return nil, fmt.Errorf("restore engine: node %s is missing", id)
		}
		if n.ResourceType != project.Test {
			e.byName[n.Name] = n
		}
		e.relations.set(id, nodeRelation(n))
	}
	for _, eph := range s.Ephemeral {
		info := ephemeralInfo{body: eph.Body}
		for _, d := range eph.Deps {
			dn, ok := p.Nodes[d]
			if !ok {
				return nil, fmt.Errorf("restore engine: ephemeral %s reads %s, which is not in the project", eph.ID, d)
			}
			info.deps = append(info.deps, dn)
		}
		e.ephs[eph.ID] = info
	}
	d, err := dag.FromExport(s.Order, s.Parents)
	if err != nil {
		return nil, fmt.Errorf("restore engine: %w", err)
	}
	if d.Len() != len(p.Nodes)+len(p.Sources) {
		return nil, fmt.Errorf("restore engine: the graph has %d nodes, the project %d", d.Len(), len(p.Nodes)+len(p.Sources))
	}
	e.DAG = d
	return e, nil
}
