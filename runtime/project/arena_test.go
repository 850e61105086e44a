package project

import (
	"reflect"
	"testing"
)

// TestArenaReuse: what parseProps keeps of a file (configs, columns,
// tests with their arguments) stays intact when the next file is parsed
// into the same arena, and a file with sources keeps its arena (its test
// nodes are read later, by addSource).
func TestArenaReuse(t *testing.T) {
	a := found{rel: "models/a.yml", text: `version: 2
models:
  - name: a
    config: {materialized: table, tags: [x]}
    columns:
      - name: status
        tests:
          - accepted_values: {values: [open, closed], config: {severity: warn}}
          - not_null
`}
	b := found{rel: "models/b.yml", text: `version: 2
models:
  - name: b
    columns:
      - name: kind
        tests:
          - accepted_values: {values: [p, q, r, s, t, u]}
`}
	src := found{rel: "models/src.yml", text: `version: 2
sources:
  - name: raw
    tables:
      - name: t
        columns:
          - name: id
            tests: [unique]
`}
	var arena nodeArena
	var pa, pb, ps parsedProps
	if !parseProps(a, &pa, &arena) {
		t.Fatal("a file without sources must free its arena")
	}
	arena.reset()
	if !parseProps(b, &pb, &arena) {
		t.Fatal("a file without sources must free its arena")
	}
	arena.reset()
	if parseProps(src, &ps, &arena) {
		t.Fatal("a file with sources must keep its arena")
	}
	for _, pp := range []parsedProps{pa, pb, ps} {
		if pp.err != nil {
			t.Fatal(pp.err)
		}
	}
	// Written out by hand from the YAML above.
	wantConfig := map[string]any{"materialized": "table", "tags": []string{"x"}}
	if got := pa.models[0].config; !reflect.DeepEqual(got, wantConfig) {
		t.Errorf("a config = %#v, want %#v", got, wantConfig)
	}
	cols := pa.models[0].cols
	if len(cols) != 1 || cols[0].Name != "status" || len(cols[0].Tests) != 2 {
		t.Fatalf("a columns = %+v", cols)
	}
	av := cols[0].Tests[0]
	if av.Name != "accepted_values" || av.Config.Severity != "warn" || av.Line != 8 ||
		!reflect.DeepEqual(av.Args, map[string]any{"values": []any{"open", "closed"}}) {
		t.Errorf("a accepted_values = %+v", av)
	}
	if nn := cols[0].Tests[1]; nn.Name != "not_null" || nn.Line != 9 {
		t.Errorf("a not_null = %+v", nn)
	}
	bav := pb.models[0].cols[0].Tests[0]
	if !reflect.DeepEqual(bav.Args, map[string]any{"values": []any{"p", "q", "r", "s", "t", "u"}}) {
		t.Errorf("b accepted_values = %+v", bav)
	}
	tbl := ps.doc.Sources[0].Tables[0]
	if len(tbl.Columns) != 1 || len(tbl.Columns[0].Tests) != 1 || tbl.Columns[0].Tests[0].Value != "unique" {
		t.Errorf("source test nodes = %+v", tbl.Columns)
	}
}
