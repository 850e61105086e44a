package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestAppendNodeMatchesEncodingJSON checks the hand-written node encoder
// against encoding/json on the same struct, byte for byte.
func TestAppendNodeMatchesEncodingJSON(t *testing.T) {
	full := true
	cases := []struct {
		name string
		node *project.Node
	}{
		{"empty", &project.Node{}},
		{"model", &project.Node{
			UniqueID: "model.p.m", Name: "m", ResourceType: project.Model, PackageName: "p",
			Path: "x/m.sql", OriginalFilePath: "models/x/m.sql", PatchPath: "models/x/s.yml", FQN: []string{"p", "x", "m"},
			Schema: "silver", Alias: "m", RawCode: "select '\"q\"'\n\t<b>&</b>\u2028 é \x01", CompiledCode: "select 1",
			Checksum: "abc",
			Config: project.Config{Enabled: true, Materialized: "incremental", Tags: []string{"a"}, UniqueKey: []string{"id"},
				PartitionBy: []string{"d"}, FullRefresh: &full, PreHook: []string{"x"},
				Extra: map[string]any{"tblproperties": map[string]any{"k": "v", "n": 1.5, "i": 3}, "file_format": "delta"}},
			Tags: []string{"a"}, Description: "d",
			Columns:   []*project.Column{{Name: "b", Description: "B", DataType: "int", Tags: []string{"pii"}}, {Name: "a"}},
			Meta:      map[string]any{"owner": "me", "list": []any{1, "two", nil, true}},
			DependsOn: project.DependsOn{Nodes: []string{"model.p.x"}, Macros: []string{"macro.p.y"}},
			Refs:      []string{"x"}, SourceRefs: [][2]string{{"raw", "t"}},
		}},
		{"test", &project.Node{
			UniqueID: "test.p.t", Name: "t", ResourceType: project.Test,
			Config:       project.Config{Enabled: true, Materialized: "test", Severity: "warn", WarnIf: "!= 0", ErrorIf: "> 10", Where: "x > 1", StoreFailures: true},
			TestMetadata: &project.TestMetadata{Name: "accepted_values", Args: map[string]any{"values": []any{"a", 2.0}}, Column: "c", Model: "{{ get_where_subquery(ref('m')) }}"},
			AttachedNode: "model.p.m", ColumnName: "c",
		}},
		{"columns declared twice, more than fit on the stack", &project.Node{
			UniqueID: "model.p.dup", ResourceType: project.Model,
			Columns: append([]*project.Column{
				{Name: "a", Description: "first a"}, {Name: "c", Meta: map[string]any{"k": 1}}, {Name: "b"},
				{Name: "a", Description: "second a", Tags: []string{"t"}}, {Name: "c", Description: "second c"},
			}, manyColumns(20)...),
		}},
		{"test on a column, no arguments", &project.Node{
			UniqueID: "test.p.nn", Name: "nn", ResourceType: project.Test,
			TestMetadata: &project.TestMetadata{Name: "not_null", Column: "id\"x", Model: "{{ get_where_subquery(ref('m')) }}"},
		}},
		{"test on a model, no arguments", &project.Node{
			UniqueID: "test.p.t0", Name: "t0", ResourceType: project.Test,
			TestMetadata: &project.TestMetadata{Name: "my_check", Model: "{{ get_where_subquery(ref('m')) }}"},
		}},
		{"arguments named like the added kwargs", &project.Node{
			UniqueID: "test.p.t1", Name: "t1", ResourceType: project.Test,
			TestMetadata: &project.TestMetadata{Name: "t", Args: map[string]any{"model": "mine", "column_name": "x", "z": 1}, Column: "c", Model: "m"},
		}},
		{"seed", &project.Node{UniqueID: "seed.p.s", ResourceType: project.Seed,
			Config: project.Config{Enabled: true, Materialized: "seed", ColumnTypes: map[string]string{"b": "int", "a": "varchar"}}}},
	}
	md := Metadata{RelationName: func(id string) string { return `"s"."` + id + `"` }}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(nodeJSON(c.node, md)); err != nil {
				t.Fatal(err)
			}
			got, err := appendNode(nil, c.node, md)
			if err != nil {
				t.Fatal(err)
			}
			if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
				t.Errorf("hand-written encoding differs:\n got %s\nwant %s", got, w)
			}
		})
	}
}

// failWriter accepts ok writes, then fails every later one.
type failWriter struct {
	ok, n int
	buf   bytes.Buffer
}

func (w *failWriter) Write(b []byte) (int, error) {
	w.n++
	if w.n > w.ok {
		return 0, errors.New("disk full")
	}
	return w.buf.Write(b)
}

// TestWriteSegments: segments come out in order whatever order they are
// encoded in; an encoding error or a write error stops the writer and is
// returned (and no worker is left blocked: the test would hang).
func TestWriteSegments(t *testing.T) {
	const n = 200
	seg := func(i int) segment {
		return func(b []byte) ([]byte, error) {
			if i == 150 {
				return nil, errors.New("cannot encode segment 150")
			}
			return fmt.Appendf(b, "%d,", i), nil
		}
	}
	var want strings.Builder
	ok := make([]segment, n)
	withErr := make([]segment, n)
	for i := range n {
		ok[i] = func(b []byte) ([]byte, error) { return fmt.Appendf(b, "%d,", i), nil }
		withErr[i] = seg(i)
		fmt.Fprintf(&want, "%d,", i)
	}
	cases := []struct {
		name    string
		segs    []segment
		writes  int // writes that succeed
		want    string
		wantErr string
	}{
		{"all written in order", ok, n, want.String(), ""},
		{"encoding error", withErr, n, "", "cannot encode segment 150"},
		{"first write fails", ok, 0, "", "disk full"},
		{"write 100 fails", ok, 99, "", "disk full"},
		{"no segments", nil, 0, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &failWriter{ok: c.writes}
			l, err := writeSegments(w, c.segs)
			if err == nil && (len(l.Offsets) != len(c.segs)+1 || l.Offsets[len(l.Offsets)-1] != int64(len(c.want)) || len(l.Sums) != len(c.segs)) {
				t.Errorf("layout %v: want %d offsets ending at the %d bytes written, and a CRC per segment", l, len(c.segs)+1, len(c.want))
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if c.wantErr == "" && w.buf.String() != c.want {
				t.Errorf("wrote %q, want %q", w.buf.String(), c.want)
			}
		})
	}
}

// TestSortedIDs: the manifest lists nodes and graph maps in unique id
// order whether the caller passes the sorted ids or not, and ignores ids
// that do not match the project (a stale or partial list).
func TestSortedIDs(t *testing.T) {
	p := &project.Project{Name: "p", Nodes: map[string]*project.Node{}, Sources: map[string]*project.Source{
		"source.p.raw.t": {UniqueID: "source.p.raw.t", SourceName: "raw", Name: "t"},
	}}
	parents := map[string][]string{"source.p.raw.t": nil}
	for _, id := range []string{"model.p.b", "model.p.a", "test.p.t1", "seed.p.s"} {
		p.Nodes[id] = &project.Node{UniqueID: id}
		parents[id] = []string{"source.p.raw.t"}
	}
	d, err := dag.New(parents)
	if err != nil {
		t.Fatal(err)
	}
	write := func(ids []string) string {
		var b bytes.Buffer
		if err := Write(&b, p, d, Metadata{SortedIDs: ids}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	want := write(nil)
	// Written out by hand: models, then the seed, the source and the test.
	order := []string{`"model.p.a":{`, `"model.p.b":{`, `"seed.p.s":{`, `"test.p.t1":{`, `"parent_map":{"model.p.a":`}
	last := -1
	for _, s := range order {
		i := strings.Index(want, s)
		if i < last {
			t.Fatalf("%s not in unique id order in %s", s, want)
		}
		last = i
	}
	for _, c := range []struct {
		name string
		ids  []string
	}{
		{"sorted", []string{"model.p.a", "model.p.b", "seed.p.s", "source.p.raw.t", "test.p.t1"}},
		{"one missing", []string{"model.p.a", "model.p.b", "seed.p.s", "source.p.raw.t"}},
		{"one unknown", []string{"model.p.a", "model.p.b", "model.p.zz", "source.p.raw.t", "test.p.t1"}},
		{"out of order", []string{"model.p.b", "model.p.a", "seed.p.s", "source.p.raw.t", "test.p.t1"}},
	} {
		if got := write(c.ids); got != want {
			t.Errorf("%s: manifest differs from the one sorted here:\n got %s\nwant %s", c.name, got, want)
		}
	}
}

// manyColumns returns n columns named c00, c01, ... (in reverse, so that
// sorting has work to do).
func manyColumns(n int) []*project.Column {
	out := make([]*project.Column, n)
	for i := range out {
		out[i] = &project.Column{Name: fmt.Sprintf("c%02d", n-1-i), Description: fmt.Sprint(i)}
	}
	return out
}
