package exec

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// sqlCompiler renders node SQL as a small Go template with `this` and
// `is_incremental`: the compile engine's job, reduced to what the runner
// needs from it.
type sqlCompiler struct{ p *project.Project }

func (c sqlCompiler) Relation(id string) adapter.Relation {
	n := c.p.Nodes[id]
	alias := n.Alias
	if alias == "" {
		alias = n.Name
	}
	return adapter.Relation{Schema: n.Schema, Identifier: alias}
}

func (c sqlCompiler) Render(n *project.Node, inc bool) (string, error) {
	return c.exec(n.Name, n.RawCode, n, inc)
}

func (c sqlCompiler) RenderSQL(name, text string, n *project.Node) (string, error) {
	return c.exec(name, text, n, false)
}

func (c sqlCompiler) exec(name, text string, n *project.Node, inc bool) (string, error) {
	t, err := template.New(name).Funcs(template.FuncMap{
		"is_incremental": func() bool { return inc },
		"this": func() string {
			if n == nil {
				return ""
			}
			return (duckdb.Dialect{}).RelationName(c.Relation(n.UniqueID))
		},
	}).Parse(text)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}

// proj builds a project from nodes.
func proj(t *testing.T, nodes ...*project.Node) *project.Project {
	t.Helper()
	p := &project.Project{Name: "t", Root: t.TempDir(), Nodes: map[string]*project.Node{}}
	for _, n := range nodes {
		p.Nodes[n.UniqueID] = n
	}
	return p
}

// model makes a model node in schema s.
func model(name, mat, sql string, deps ...string) *project.Node {
	ids := make([]string, len(deps))
	for i, d := range deps {
		if strings.Contains(d, ".") {
			ids[i] = d
		} else {
			ids[i] = "model.t." + d
		}
	}
	return &project.Node{UniqueID: "model.t." + name, Name: name, ResourceType: project.Model, Schema: "s",
		OriginalFilePath: "models/" + name + ".sql", RawCode: sql,
		Config: project.Config{Enabled: true, Materialized: mat}, DependsOn: project.DependsOn{Nodes: ids}}
}

// dataTest makes a test node attached to a model.
func dataTest(name, on, failingRowsSQL string, cfg project.Config) *project.Node {
	return &project.Node{UniqueID: "test.t." + name, Name: name, ResourceType: project.Test,
		OriginalFilePath: "models/schema.yml", CompiledCode: failingRowsSQL, Config: cfg,
		AttachedNode: "model.t." + on, DependsOn: project.DependsOn{Nodes: []string{"model.t." + on}}}
}

func ids(p *project.Project) []string {
	out := make([]string, 0, len(p.Nodes))
	for id := range p.Nodes {
		out = append(out, id)
	}
	return out
}

func cfgForPath(path string) adapter.Config {
	return adapter.Config{Name: "dev", Type: "duckdb", Fields: map[string]any{"path": path}}
}

func openAdapter(path string) (*duckdb.Adapter, error) {
	return duckdb.Open(context.Background(), cfgForPath(path))
}

func openDB(t *testing.T, path string) *duckdb.Adapter {
	t.Helper()
	a, err := duckdb.Open(context.Background(), cfgForPath(path))
	if err != nil {
		t.Fatalf("open warehouse: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func tempDB(t *testing.T) *duckdb.Adapter {
	return openDB(t, filepath.Join(t.TempDir(), "w.duckdb"))
}

// runAll runs every node of p with opts and returns results by unique id.
func runAll(t *testing.T, ctx context.Context, a adapter.Adapter, p *project.Project, opt Options) (RunSummary, map[string]NodeEvent) {
	t.Helper()
	if opt.Command == "" {
		opt.Command = "build"
	}
	sum, err := Run(ctx, a, sqlCompiler{p}, p, ids(p), opt)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	by := map[string]NodeEvent{}
	for _, ev := range sum.Results {
		by[ev.Node.UniqueID] = ev
	}
	return sum, by
}

func scalar(t *testing.T, a adapter.Adapter, q string) string {
	t.Helper()
	_, rows, err := a.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var parts []string
	for _, r := range rows {
		for _, v := range r {
			parts = append(parts, fmt.Sprint(v))
		}
	}
	return strings.Join(parts, ",")
}

// slowSQL keeps DuckDB busy for a few hundred milliseconds.
const slowSQL = `select count(*) as n from range(4000000) a(i) where md5(i::varchar) < 'zz'`
