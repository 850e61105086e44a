package dag

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestOrder(t *testing.T) {
	cases := []struct {
		name    string
		parents map[string][]string
		order   []string
	}{
		{"empty", map[string][]string{}, []string{}},
		{"ties by id", map[string][]string{"c": nil, "a": nil, "b": nil}, []string{"a", "b", "c"}},
		{"chain against alphabet", map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil}, []string{"c", "b", "a"}},
		// z is ready first (only root); then x and y become ready together: x before y.
		{"diamond", map[string][]string{"z": nil, "y": {"z"}, "x": {"z"}, "w": {"x", "y"}}, []string{"z", "x", "y", "w"}},
		// Ready set after a: {b, d}; b frees c ("c" < "d"), so c comes before d.
		{"heap not queue", map[string][]string{"a": nil, "b": {"a"}, "d": {"a"}, "c": {"b"}}, []string{"a", "b", "c", "d"}},
		{"duplicate edge", map[string][]string{"a": nil, "b": {"a", "a"}}, []string{"a", "b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := New(c.parents)
			if err != nil {
				t.Fatal(err)
			}
			got := d.Nodes()
			if len(got) == 0 && len(c.order) == 0 {
				return
			}
			if !reflect.DeepEqual(got, c.order) {
				t.Errorf("order = %q, want %q", got, c.order)
			}
		})
	}
}

func TestNeighbours(t *testing.T) {
	d, err := New(map[string][]string{"z": nil, "y": {"z"}, "x": {"z"}, "w": {"y", "x"}, "v": {"w"}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"parents of w, topological", d.Parents("w"), []string{"x", "y"}},
		{"children of z", d.Children("z"), []string{"x", "y"}},
		{"parents of a root", d.Parents("z"), nil},
		{"unknown id", d.Children("nope"), nil},
		{"ancestors of v", d.Ancestors("v"), []string{"z", "x", "y", "w"}},
		{"descendants of x", d.Descendants("x"), []string{"w", "v"}},
		{"parents of w appended after what is there", d.AppendParents([]string{"kept"}, "w"), []string{"kept", "x", "y"}},
		{"children of z appended", d.AppendChildren(nil, "z"), []string{"x", "y"}},
		{"children of a leaf appended: dst as is", d.AppendChildren([]string{"kept"}, "v"), []string{"kept"}},
		{"parents of an unknown id appended: dst as is", d.AppendParents(nil, "nope"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	if got, want := d.Layers(), [][]string{{"z"}, {"x", "y"}, {"w"}, {"v"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("layers = %q, want %q", got, want)
	}
	if d.Index("w") != 3 || d.Index("nope") != -1 || !d.Has("v") || d.Len() != 5 {
		t.Errorf("index/has/len wrong: %d %d %v %d", d.Index("w"), d.Index("nope"), d.Has("v"), d.Len())
	}
}

func TestCycle(t *testing.T) {
	cases := []struct {
		name    string
		parents map[string][]string
		cycle   []string
	}{
		{"self", map[string][]string{"a": {"a"}}, []string{"a", "a"}},
		// b reads a, c reads b, a reads c: dependency order a -> b -> c -> a.
		{"three", map[string][]string{"a": {"c"}, "b": {"a"}, "c": {"b"}, "d": nil, "e": {"c"}}, []string{"a", "b", "c", "a"}},
		{"two behind a root", map[string][]string{"r": nil, "m": {"r", "n"}, "n": {"m"}}, []string{"m", "n", "m"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.parents)
			var ce *CycleError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a CycleError", err)
			}
			if !reflect.DeepEqual(ce.Cycle, c.cycle) {
				t.Errorf("cycle = %q, want %q", ce.Cycle, c.cycle)
			}
		})
	}
}

func TestUnknownParent(t *testing.T) {
	if _, err := New(map[string][]string{"a": {"ghost"}}); err == nil {
		t.Fatal("want an error for a parent that is not a node")
	}
}

// TestNewSorted: the slice constructor builds the graph New builds, and
// refuses ids out of order, lists of the wrong length and unknown parents.
func TestNewSorted(t *testing.T) {
	cases := []struct {
		name    string
		ids     []string
		parents [][]string
		order   []string // nil: want an error containing wantErr
		wantErr string
	}{
		{"diamond", []string{"w", "x", "y", "z"}, [][]string{{"x", "y"}, {"z"}, {"z"}, nil}, []string{"z", "x", "y", "w"}, ""},
		{"duplicate edge", []string{"a", "b"}, [][]string{nil, {"a", "a"}}, []string{"a", "b"}, ""},
		{"empty", nil, nil, []string{}, ""},
		{"unsorted", []string{"b", "a"}, [][]string{nil, nil}, nil, "not sorted"},
		{"repeated", []string{"a", "a"}, [][]string{nil, nil}, nil, "repeated"},
		{"lengths differ", []string{"a"}, nil, nil, "1 ids but 0 parent lists"},
		{"unknown parent", []string{"a", "b"}, [][]string{nil, {"c"}}, nil, "b depends on c, which is not in the project"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := NewSorted(c.ids, c.parents)
			if c.order == nil {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Nodes(); !(len(got) == 0 && len(c.order) == 0) && !reflect.DeepEqual(got, c.order) {
				t.Errorf("order = %q, want %q", got, c.order)
			}
		})
	}
	// A cycle is reported as by New.
	_, err := NewSorted([]string{"a", "b"}, [][]string{{"b"}, {"a"}})
	var ce *CycleError
	if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Cycle, []string{"a", "b", "a"}) {
		t.Errorf("cycle: %v", err)
	}
}
