package manifest

import (
	"bytes"
	"encoding/json"
	"testing"

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
			TestMetadata: &project.TestMetadata{Name: "accepted_values", Kwargs: map[string]any{"values": []any{"a", 2.0}, "column_name": "c"}},
			AttachedNode: "model.p.m", ColumnName: "c",
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
