package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// layerOrder lists the layers, left to right. Seeds sit with the raw
// sources.
func layerOrder() []string { return []string{"source", "bronze", "silver", "gold"} }

// LayerIndex is the left-to-right position of a layer name; models outside
// the known layers get -1 (the builder places them after their upstream).
func LayerIndex(layer string) int {
	for i, l := range layerOrder() {
		if l == layer {
			return i
		}
	}
	return -1
}

// Graph is the documented project: nodes (sources, seeds, models) and
// their edges, with columns, tests, last run results and column lineage.
type Graph struct {
	Project     string   `json:"project"`
	GeneratedAt string   `json:"generated_at,omitempty"`
	RunAt       string   `json:"run_at,omitempty"` // run_results.json metadata.generated_at
	Layers      []string `json:"layers"`
	Nodes       []*Node  `json:"nodes"`
	Edges       []Edge   `json:"edges"`
}

// Edge is a dependency: From feeds To.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Node is one box of the DAG.
type Node struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ResourceType string   `json:"resource_type"`
	Layer        string   `json:"layer"`
	LayerIndex   int      `json:"layer_index"`
	Relation     string   `json:"relation"`
	Materialized string   `json:"materialized,omitempty"`
	Tags         []string `json:"tags"`
	Description  string   `json:"description,omitempty"`
	Path         string   `json:"path,omitempty"` // original file path
	FQN          []string `json:"fqn,omitempty"`
	RawSQL       string   `json:"raw_sql,omitempty"`
	CompiledSQL  string   `json:"compiled_sql,omitempty"`
	Columns      []Column `json:"columns"`
	Tests        []Test   `json:"tests"` // every test attached to the node
	Run          *Run     `json:"run,omitempty"`
	Upstream     []string `json:"upstream"`
	Downstream   []string `json:"downstream"`
	// Column lineage (models only).
	Indirect []column.Edge `json:"indirect,omitempty"`
	Complete bool          `json:"lineage_complete"`
	Problems []string      `json:"lineage_problems,omitempty"`
}

// Column is a column of a node: documented, found by lineage, or both.
type Column struct {
	Name        string        `json:"name"`
	Type        string        `json:"type,omitempty"`
	Description string        `json:"description,omitempty"`
	Tests       []string      `json:"tests,omitempty"` // test names declared on the column
	Inputs      []column.Edge `json:"inputs,omitempty"`
}

// Test is a data test attached to a node, with its last status.
type Test struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Column string `json:"column,omitempty"`
	Status string `json:"status,omitempty"`
}

// Run is a node's last run result.
type Run struct {
	Status        string  `json:"status"`
	ExecutionTime float64 `json:"execution_time"`
	Rows          *int64  `json:"rows,omitempty"`
	CompletedAt   string  `json:"completed_at,omitempty"`
	Message       string  `json:"message,omitempty"`
}

// RunResults is the part of dbt's run_results.json the docs read.
type RunResults struct {
	Metadata struct {
		GeneratedAt string `json:"generated_at"`
	} `json:"metadata"`
	Results []struct {
		UniqueID        string  `json:"unique_id"`
		Status          string  `json:"status"`
		ExecutionTime   float64 `json:"execution_time"`
		Message         *string `json:"message"`
		AdapterResponse struct {
			RowsAffected *int64 `json:"rows_affected"`
		} `json:"adapter_response"`
		Timing []struct {
			Name        string `json:"name"`
			CompletedAt string `json:"completed_at"`
		} `json:"timing"`
	} `json:"results"`
}

// ReadRunResults reads a run_results.json; a missing file is (nil, nil).
func ReadRunResults(path string) (*RunResults, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run results: %w", err)
	}
	var rr RunResults
	if err := json.Unmarshal(b, &rr); err != nil {
		return nil, fmt.Errorf("read run results %s: %w", path, err)
	}
	return &rr, nil
}

// Build assembles the graph of a compiled project. lineage (may be nil) is
// the column lineage by model id; rr (may be nil) the last run results.
func Build(p *project.Project, lineage map[string]*column.Model, rr *RunResults) *Graph {
	g := &Graph{Project: p.Name, Layers: layerOrder()}
	runs := map[string]*Run{}
	if rr != nil {
		g.RunAt = rr.Metadata.GeneratedAt
		for _, r := range rr.Results {
			run := &Run{Status: r.Status, ExecutionTime: r.ExecutionTime, Rows: r.AdapterResponse.RowsAffected}
			if r.Message != nil {
				run.Message = *r.Message
			}
			for _, t := range r.Timing {
				if t.CompletedAt > run.CompletedAt {
					run.CompletedAt = t.CompletedAt
				}
			}
			runs[r.UniqueID] = run
		}
	}
	byID := map[string]*Node{}
	for _, s := range p.Sources {
		ident := s.Identifier
		if ident == "" {
			ident = s.Name
		}
		n := &Node{ID: s.UniqueID, Name: s.SourceName + "." + s.Name, ResourceType: string(project.SourceRT),
			Layer: "source", Relation: joinRel(s.Database, s.Schema, ident), Tags: nonNil(s.Tags),
			Description: s.Description, Path: s.OriginalFilePath, FQN: s.FQN, Complete: true}
		n.Columns = docColumns(s.Columns)
		byID[n.ID] = n
	}
	for _, pn := range p.Nodes {
		if pn.ResourceType != project.Model && pn.ResourceType != project.Seed {
			continue
		}
		alias := pn.Alias
		if alias == "" {
			alias = pn.Name
		}
		n := &Node{ID: pn.UniqueID, Name: pn.Name, ResourceType: string(pn.ResourceType),
			Relation: joinRel(pn.Database, pn.Schema, alias), Materialized: pn.Config.Materialized,
			Tags: nonNil(pn.Tags), Description: pn.Description, Path: pn.OriginalFilePath, FQN: pn.FQN,
			RawSQL: pn.RawCode, CompiledSQL: pn.CompiledCode, Run: runs[pn.UniqueID], Complete: true}
		n.Layer = modelLayer(pn)
		n.Columns = docColumns(pn.Columns)
		if m := lineage[pn.UniqueID]; m != nil {
			mergeLineage(n, m)
		} else if pn.ResourceType == project.Model {
			n.Complete = false
			n.Problems = []string{"no compiled SQL to analyse (run `techstore compile` first)"}
		}
		byID[n.ID] = n
	}
	// Edges from depends_on, and tests attached to nodes.
	seenEdge := map[Edge]bool{}
	for _, pn := range p.Nodes {
		switch pn.ResourceType {
		case project.Model, project.Seed:
			for _, d := range pn.DependsOn.Nodes {
				if _, ok := byID[d]; !ok {
					continue
				}
				e := Edge{From: d, To: pn.UniqueID}
				if !seenEdge[e] {
					seenEdge[e] = true
					g.Edges = append(g.Edges, e)
				}
			}
		case project.Test:
			name := pn.Name
			if pn.TestMetadata != nil {
				name = pn.TestMetadata.Name
			}
			t := Test{ID: pn.UniqueID, Name: name, Column: pn.ColumnName}
			if r := runs[pn.UniqueID]; r != nil {
				t.Status = r.Status
			}
			targets := []string{pn.AttachedNode}
			if pn.AttachedNode == "" {
				targets = pn.DependsOn.Nodes // singular tests
			}
			for _, id := range targets {
				if n := byID[id]; n != nil {
					n.Tests = append(n.Tests, t)
				}
			}
		}
	}
	sort.Slice(g.Edges, func(i, j int) bool {
		if g.Edges[i].From != g.Edges[j].From {
			return g.Edges[i].From < g.Edges[j].From
		}
		return g.Edges[i].To < g.Edges[j].To
	})
	for _, e := range g.Edges {
		byID[e.From].Downstream = append(byID[e.From].Downstream, e.To)
		byID[e.To].Upstream = append(byID[e.To].Upstream, e.From)
	}
	placeLayers(byID, g.Edges)
	for _, n := range byID {
		if n.Upstream == nil {
			n.Upstream = []string{}
		}
		if n.Downstream == nil {
			n.Downstream = []string{}
		}
		if n.Tests == nil {
			n.Tests = []Test{}
		}
		sort.Slice(n.Tests, func(i, j int) bool { return n.Tests[i].ID < n.Tests[j].ID })
		g.Nodes = append(g.Nodes, n)
	}
	sort.Slice(g.Nodes, func(i, j int) bool {
		a, b := g.Nodes[i], g.Nodes[j]
		if a.LayerIndex != b.LayerIndex {
			return a.LayerIndex < b.LayerIndex
		}
		return a.ID < b.ID
	})
	return g
}

// placeLayers sets LayerIndex; a model outside bronze/silver/gold goes to
// the layer of its furthest upstream (at least bronze), so no edge ever
// points right-to-left across layers.
func placeLayers(byID map[string]*Node, edges []Edge) {
	for _, n := range byID {
		n.LayerIndex = LayerIndex(n.Layer)
	}
	// Unknown layers: relax until stable (bounded by the node count).
	for i := 0; i <= len(byID); i++ {
		changed := false
		for _, n := range byID {
			if LayerIndex(n.Layer) >= 0 {
				continue
			}
			want := 1
			for _, u := range n.Upstream {
				if li := byID[u].LayerIndex; li > want {
					want = li
				}
			}
			if n.LayerIndex != want {
				n.LayerIndex = want
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for _, n := range byID {
		if LayerIndex(n.Layer) < 0 {
			n.Layer = layerOrder()[n.LayerIndex]
		}
	}
}

func modelLayer(n *project.Node) string {
	if n.ResourceType == project.Seed {
		return "source"
	}
	for _, s := range []string{strings.ToLower(n.Schema), firstDir(n.Path), firstDir(strings.TrimPrefix(n.OriginalFilePath, "models/"))} {
		for _, l := range layerOrder()[1:] {
			if s == l || strings.HasSuffix(s, "_"+l) {
				return l
			}
		}
	}
	return ""
}

func firstDir(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if i := strings.Index(p, "/"); i > 0 {
		return strings.ToLower(p[:i])
	}
	return ""
}

func joinRel(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func docColumns(cs []*project.Column) []Column {
	out := []Column{}
	for _, c := range cs {
		col := Column{Name: c.Name, Type: c.DataType, Description: c.Description}
		for _, t := range c.Tests {
			col.Tests = append(col.Tests, t.Name)
		}
		out = append(out, col)
	}
	return out
}

// mergeLineage attaches lineage to documented columns (case-insensitive)
// and appends columns only the SQL knows, in query order.
func mergeLineage(n *Node, m *column.Model) {
	idx := map[string]int{}
	for i, c := range n.Columns {
		idx[strings.ToLower(c.Name)] = i
	}
	for _, c := range m.Columns {
		if i, ok := idx[strings.ToLower(c.Name)]; ok {
			n.Columns[i].Inputs = c.Inputs
			continue
		}
		idx[strings.ToLower(c.Name)] = len(n.Columns)
		n.Columns = append(n.Columns, Column{Name: c.Name, Inputs: c.Inputs})
	}
	// Documented columns the analysis did not produce: say so.
	if m.Complete {
		for i := range n.Columns {
			if n.Columns[i].Inputs == nil {
				n.Columns[i].Inputs = []column.Edge{{Kind: column.Unknown, Note: "documented, but not among the query's output columns"}}
			}
		}
	}
	n.Indirect = m.Indirect
	n.Complete = m.Complete
	n.Problems = m.Problems
}
