package site

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"

	"github.com/techstore-analytics/techstore/lineage/graph"
	"github.com/techstore-analytics/techstore/runtime/atomicfile"
)

//go:embed assets/style.css
var pageCSS string

//go:embed assets/dag.css
var dagCSS string

//go:embed assets/app.js
var appJS string

// csp forbids every request to any other host (and any network fetch at
// all): the page is self-contained.
const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:"

// pageNode is a node as the page's script reads it: the graph node plus
// its box in the layout.
type pageNode struct {
	*graph.Node
	Box Box `json:"box"`
}

type pageData struct {
	Project     string       `json:"project"`
	GeneratedAt string       `json:"generated_at,omitempty"`
	RunAt       string       `json:"run_at,omitempty"`
	Layers      []string     `json:"layers"`
	Width       float64      `json:"width"`
	Height      float64      `json:"height"`
	Nodes       []pageNode   `json:"nodes"`
	Edges       []graph.Edge `json:"edges"`
}

// Render writes the self-contained HTML page of g, laid out by Compute.
func Render(ctx context.Context, w io.Writer, g *graph.Graph) error {
	l, err := Compute(ctx, g)
	if err != nil {
		return err
	}
	pd := pageData{Project: g.Project, GeneratedAt: g.GeneratedAt, RunAt: g.RunAt, Layers: g.Layers,
		Width: l.Width, Height: l.Height, Edges: g.Edges, Nodes: []pageNode{}}
	for _, n := range g.Nodes {
		pd.Nodes = append(pd.Nodes, pageNode{Node: n, Box: l.Nodes[n.ID]})
	}
	if pd.Edges == nil {
		pd.Edges = []graph.Edge{}
	}
	// json.Marshal escapes <, > and & so the data cannot close its script tag.
	js, err := json.Marshal(pd)
	if err != nil {
		return fmt.Errorf("encode docs data: %w", err)
	}
	var b bytes.Buffer
	b.Grow(len(js)*2 + 64<<10)
	title := html.EscapeString(g.Project + " lineage")
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"" + csp + "\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + title + "</title>\n<style>\n" + pageCSS + "</style>\n</head>\n<body>\n")
	b.WriteString("<header><h1><a href=\"#\">" + title + "</a></h1>")
	b.WriteString("<input id=\"search\" type=\"search\" placeholder=\"Search models and columns\" autocomplete=\"off\">")
	b.WriteString("<input id=\"selector\" placeholder=\"Selector: +gold_x tag:silver --exclude tag:x\" title=\"dbt selector syntax; state:, selector: and tests are not on this page (see the help below the overview)\" autocomplete=\"off\" spellcheck=\"false\">")
	b.WriteString("<button id=\"apply\">Select</button><button id=\"reset\">All</button>")
	b.WriteString("<button id=\"export-svg\">Export SVG</button><button id=\"export-png\">Export PNG</button>")
	b.WriteString("<span class=\"legend\"><span style=\"background:#d0d7de\">source</span><span style=\"background:#e3b486\">bronze</span><span style=\"background:#dfe6ec\">silver</span><span style=\"background:#f5d46b\">gold</span></span>")
	b.WriteString("<span id=\"count\"></span><span id=\"sel-error\" role=\"alert\"></span></header>\n<div id=\"results\"></div>\n")
	b.WriteString("<main><div id=\"graph-wrap\">")
	writeSVG(&b, g, l)
	b.WriteString("<div id=\"view-controls\"></div></div>\n<aside id=\"panel\"></aside></main>\n")
	b.WriteString("<script type=\"application/json\" id=\"docs-data\">")
	b.Write(js)
	b.WriteString("</script>\n<script>\n" + appJS + "</script>\n</body>\n</html>\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write docs page: %w", err)
	}
	return nil
}

func writeSVG(b *bytes.Buffer, g *graph.Graph, l *Layout) {
	fmt.Fprintf(b, "<svg id=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %s %s\" data-width=\"%s\" data-height=\"%s\">",
		ff1(l.Width), ff1(l.Height), ff1(l.Width), ff1(l.Height))
	b.WriteString("<style>" + dagCSS + "</style>")
	b.WriteString("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#8c959f\"/></marker></defs>")
	b.WriteString("<g id=\"edges\">")
	for _, e := range l.Edges {
		fmt.Fprintf(b, "<path class=\"edge\" data-from=\"%s\" data-to=\"%s\" d=\"%s\"/>", html.EscapeString(e.From), html.EscapeString(e.To), e.D)
	}
	b.WriteString("</g><g id=\"nodes\">")
	for _, n := range g.Nodes {
		bx := l.Nodes[n.ID]
		fmt.Fprintf(b, "<g class=\"node layer-%s\" data-id=\"%s\" data-layer=\"%s\" transform=\"translate(%s,%s)\"><rect width=\"%s\" height=\"%s\" rx=\"5\"/><text x=\"12\" y=\"%s\">%s</text><title>%s</title></g>",
			html.EscapeString(n.Layer), html.EscapeString(n.ID), html.EscapeString(n.Layer), ff1(bx.X), ff1(bx.Y), ff1(bx.W), ff1(bx.H),
			strconv.FormatFloat(bx.H/2+4, 'f', 1, 64), html.EscapeString(n.Name), html.EscapeString(n.ID))
	}
	b.WriteString("</g></svg>")
}

// WriteFile renders the page to path (creating its folder), atomically.
func WriteFile(ctx context.Context, path string, g *graph.Graph) error {
	var renderErr error
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		renderErr = Render(ctx, w, g)
		return renderErr
	})
	if err != nil && err != renderErr {
		return fmt.Errorf("write docs page: %w", err)
	}
	return err
}
