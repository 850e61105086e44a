package dag

import (
	"reflect"
	"strings"
	"testing"
)

func TestExportRoundTrip(t *testing.T) {
	cases := []struct {
		name    string
		parents map[string][]string
	}{
		{"empty", map[string][]string{}},
		{"one node", map[string][]string{"a": nil}},
		{"diamond", map[string][]string{"a": nil, "b": {"a"}, "c": {"a"}, "d": {"c", "b"}}},
		{"ties by id, parents listed twice", map[string][]string{
			"z": nil, "y": nil, "m": {"z", "y", "z"}, "a": {"m"}, "b": {"y"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := New(c.parents)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromExport(d.Export())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, d) {
				t.Fatalf("rebuilt graph differs:\n got %+v\nwant %+v", got, d)
			}
		})
	}
}

func TestFromExportRejects(t *testing.T) {
	cases := []struct {
		name    string
		order   []string
		parents [][]int32
		want    string
	}{
		{"lengths differ", []string{"a", "b"}, [][]int32{nil}, "2 nodes but 1 parent lists"},
		{"id twice", []string{"a", "a"}, [][]int32{nil, nil}, "a appears twice"},
		{"parent after child", []string{"a", "b"}, [][]int32{{1}, nil}, "out of order"},
		{"self parent", []string{"a"}, [][]int32{{0}}, "out of order"},
		{"parent out of range", []string{"a", "b"}, [][]int32{nil, {-1}}, "out of order"},
		{"parents not ascending", []string{"a", "b", "c"}, [][]int32{nil, nil, {1, 0}}, "out of order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromExport(c.order, c.parents)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one saying %q", err, c.want)
			}
		})
	}
}
