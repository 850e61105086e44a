package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/techstore-analytics/techstore/lineage/graph"
)

// Formats returns the supported output formats.
func Formats() []string { return []string{"dot", "mermaid", "json", "csv"} }

// ColumnEdge is one column-level lineage edge: an input column of an
// output column (or, with ToColumn empty, of the whole model: filter/join).
type ColumnEdge struct {
	FromNode   string `json:"from_node"`
	FromColumn string `json:"from_column"`
	ToNode     string `json:"to_node"`
	ToColumn   string `json:"to_column"`
	Kind       string `json:"kind"`
	Note       string `json:"note,omitempty"`
}

// Options choose what is written.
type Options struct {
	Format  string
	Columns bool            // column-level instead of model-level
	Keep    map[string]bool // node ids to include; nil keeps all
}

// Write writes g in the chosen format.
func Write(w io.Writer, g *graph.Graph, opt Options) error {
	nodes, edges := subset(g, opt.Keep)
	var cedges []ColumnEdge
	if opt.Columns {
		cedges = columnEdges(nodes, opt.Keep)
	}
	switch opt.Format {
	case "dot":
		return writeDOT(w, nodes, edges, cedges, opt.Columns)
	case "mermaid":
		return writeMermaid(w, nodes, edges, cedges, opt.Columns)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if opt.Columns {
			return enc.Encode(map[string]any{"nodes": ids(nodes), "column_edges": nonNilC(cedges)})
		}
		return enc.Encode(map[string]any{"nodes": ids(nodes), "edges": nonNilE(edges)})
	case "csv":
		cw := csv.NewWriter(w)
		if opt.Columns {
			_ = cw.Write([]string{"from_node", "from_column", "to_node", "to_column", "kind", "note"})
			for _, e := range cedges {
				_ = cw.Write([]string{e.FromNode, e.FromColumn, e.ToNode, e.ToColumn, e.Kind, e.Note})
			}
		} else {
			_ = cw.Write([]string{"from", "to"})
			for _, e := range edges {
				_ = cw.Write([]string{e.From, e.To})
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown lineage format %q: use one of %s", opt.Format, strings.Join(Formats(), ", "))
}

func nonNilC(c []ColumnEdge) []ColumnEdge {
	if c == nil {
		return []ColumnEdge{}
	}
	return c
}

func nonNilE(e []graph.Edge) []graph.Edge {
	if e == nil {
		return []graph.Edge{}
	}
	return e
}

func ids(ns []*graph.Node) []map[string]string {
	out := []map[string]string{}
	for _, n := range ns {
		out = append(out, map[string]string{"id": n.ID, "name": n.Name, "layer": n.Layer, "resource_type": n.ResourceType})
	}
	return out
}

func subset(g *graph.Graph, keep map[string]bool) ([]*graph.Node, []graph.Edge) {
	var ns []*graph.Node
	for _, n := range g.Nodes {
		if keep == nil || keep[n.ID] {
			ns = append(ns, n)
		}
	}
	var es []graph.Edge
	for _, e := range g.Edges {
		if keep == nil || (keep[e.From] && keep[e.To]) {
			es = append(es, e)
		}
	}
	return ns, es
}

// columnEdges lists the column lineage into the kept nodes; inputs from
// nodes outside the selection are kept (they are where a column comes from).
func columnEdges(ns []*graph.Node, keep map[string]bool) []ColumnEdge {
	var out []ColumnEdge
	for _, n := range ns {
		for _, c := range n.Columns {
			for _, e := range c.Inputs {
				out = append(out, ColumnEdge{FromNode: e.From.Node, FromColumn: e.From.Column, ToNode: n.ID, ToColumn: c.Name, Kind: string(e.Kind), Note: e.Note})
			}
		}
		for _, e := range n.Indirect {
			out = append(out, ColumnEdge{FromNode: e.From.Node, FromColumn: e.From.Column, ToNode: n.ID, Kind: string(e.Kind), Note: e.Note})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ToNode != b.ToNode {
			return a.ToNode < b.ToNode
		}
		return false
	})
	return out
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// layerColor is the fill of a layer's nodes.
func layerColor(layer string) string {
	switch layer {
	case "source":
		return "#9e9e9e"
	case "bronze":
		return "#cd7f32"
	case "silver":
		return "#a8b3bd"
	case "gold":
		return "#e6b800"
	}
	return ""
}

func writeDOT(w io.Writer, ns []*graph.Node, es []graph.Edge, ces []ColumnEdge, columns bool) error {
	var b strings.Builder
	b.WriteString("digraph lineage {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n")
	if !columns {
		for _, n := range ns {
			fmt.Fprintf(&b, "  %s [label=%s, fillcolor=%s];\n", dotQuote(n.ID), dotQuote(n.Name), dotQuote(layerColor(n.Layer)))
		}
		for _, e := range es {
			fmt.Fprintf(&b, "  %s -> %s;\n", dotQuote(e.From), dotQuote(e.To))
		}
	} else {
		for _, e := range ces {
			if e.Kind == "unknown" {
				fmt.Fprintf(&b, "  %s -> %s [label=%s, style=dashed];\n", dotQuote("unknown"), dotQuote(e.ToNode+"."+e.ToColumn), dotQuote(e.Kind))
				continue
			}
			to := e.ToNode + "." + e.ToColumn
			if e.ToColumn == "" {
				to = e.ToNode
			}
			fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e.FromNode+"."+e.FromColumn), dotQuote(to), dotQuote(e.Kind))
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidID makes an id Mermaid accepts (letters, digits, underscore).
func mermaidID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func mermaidLabel(s string) string { return `"` + strings.ReplaceAll(s, `"`, "#quot;") + `"` }

func writeMermaid(w io.Writer, ns []*graph.Node, es []graph.Edge, ces []ColumnEdge, columns bool) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	if !columns {
		for _, n := range ns {
			fmt.Fprintf(&b, "  %s[%s]:::%s\n", mermaidID(n.ID), mermaidLabel(n.Name), n.Layer)
		}
		for _, e := range es {
			fmt.Fprintf(&b, "  %s --> %s\n", mermaidID(e.From), mermaidID(e.To))
		}
		for _, l := range []string{"source", "bronze", "silver", "gold"} {
			fmt.Fprintf(&b, "  classDef %s fill:%s\n", l, layerColor(l))
		}
	} else {
		seen := map[string]bool{}
		node := func(id, label string) string {
			m := mermaidID(id)
			if !seen[m] {
				seen[m] = true
				fmt.Fprintf(&b, "  %s[%s]\n", m, mermaidLabel(label))
			}
			return m
		}
		for _, e := range ces {
			var from, to string
			if e.Kind == "unknown" {
				from = node("unknown", "unknown")
			} else {
				from = node(e.FromNode+"."+e.FromColumn, e.FromNode+"."+e.FromColumn)
			}
			if e.ToColumn == "" {
				to = node(e.ToNode, e.ToNode)
			} else {
				to = node(e.ToNode+"."+e.ToColumn, e.ToNode+"."+e.ToColumn)
			}
			fmt.Fprintf(&b, "  %s -- %s --> %s\n", from, e.Kind, to)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
