package selector

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestSelectorsFile(t *testing.T) {
	sel, err := LoadSelectors("testdata/selectors.yml")
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"silver_only", "finance_upstream", "ltv_cautious", "nightly", "silver_tables", "bronze_children", "at_products", "via_reference"}
	if got := sel.Names(); !slices.Equal(got, wantNames) {
		t.Fatalf("names %v, want %v", got, wantNames)
	}
	if d := sel.Default(); d == nil || d.Name != "nightly" || d.Line != 20 {
		t.Errorf("default = %+v, want nightly at line 20", d)
	}
	// nightly: fqn:* is every node (no sources); excluding tag:pii drops
	// silver_customers, gold_customer_ltv and, eagerly, their tests.
	nightly := []string{bo, bc, bp, cc, so, sp, soi, gdr, gps, tNN, tRev, tSrc}
	tests := []struct {
		name     string
		spec     Spec
		want     []string
		warnings []string
	}{
		{"string definition", Spec{Selector: "silver_only"}, []string{so, sc, sp, soi, tNN, tUQ, tRel}, nil},
		{"method value with parents", Spec{Selector: "finance_upstream"}, []string{sO, sC, bo, bc, cc, so, sc, gdr, gcl, tNN, tUQ, tRel, tRev, tSrc}, nil},
		{"indirect selection override", Spec{Selector: "ltv_cautious"}, []string{gcl}, nil},
		{"union with exclude", Spec{Selector: "nightly"}, nightly, nil},
		{"default selector when nothing is given", Spec{}, nightly, nil},
		{"select bypasses the default", Spec{Select: []string{"silver_orders"}}, []string{so, tNN}, nil},
		{"exclude alone bypasses the default", Spec{Exclude: []string{"tag:gold"}}, []string{sO, sC, sP, bo, bc, bp, cc, so, sc, sp, soi, tNN, tUQ, tSrc}, nil},
		{"intersection with key-value shorthand", Spec{Selector: "silver_tables"}, []string{sc, sp, tUQ, tRel}, nil},
		{"children depth", Spec{Selector: "bronze_children"}, []string{sO, sC, sP, bo, bc, bp, so, sc, sp, tSrc, tNN, tUQ, tRel}, nil},
		{"childrens parents", Spec{Selector: "at_products"}, []string{sP, bp, sp, soi, gps, so, bo, sO, tNN, tSrc}, nil},
		{"reference to another selector", Spec{Selector: "via_reference"}, []string{sc, sp, tUQ, tRel, sP}, nil},
		{"selector method on the command line", Spec{Select: []string{"selector:silver_tables,tag:pii"}}, []string{sc, tUQ, tRel}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtureProject()
			res := mustSelect(t, p, tc.spec, sel)
			if got := shortNames(p, res.IDs); !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("selected %v\nwant      %v", sorted(got), sorted(tc.want))
			}
			if !slices.Equal(res.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.warnings)
			}
		})
	}
	t.Run("why names the selector", func(t *testing.T) {
		p := fixtureProject()
		res := mustSelect(t, p, Spec{Selector: "silver_only"}, sel)
		want := []string{"selector silver_only: matched tag:silver"}
		if got := res.Why(modelID(so)); !slices.Equal(got, want) {
			t.Errorf("why = %q, want %q", got, want)
		}
	})
	t.Run("why goes into referenced selectors", func(t *testing.T) {
		p := fixtureProject()
		res := mustSelect(t, p, Spec{Selector: "via_reference"}, sel)
		want := []string{"selector via_reference: matched selector:silver_tables",
			"selector silver_tables: matched tag:silver", "selector silver_tables: matched config.materialized:table"}
		if got := res.Why(modelID(sc)); !slices.Equal(got, want) {
			t.Errorf("why = %q\nwant %q", got, want)
		}
	})
	t.Run("selector matching nothing warns", func(t *testing.T) {
		p := fixtureProject()
		empty := mustParseSelectors(t, "selectors:\n  - name: none\n    definition: tag:nope\n")
		res := mustSelect(t, p, Spec{Selector: "none"}, empty)
		want := []string{"The selector 'none' does not match any enabled nodes"}
		if len(res.IDs) != 0 || !slices.Equal(res.Warnings, want) {
			t.Errorf("ids %v warnings %q, want none and %q", res.IDs, res.Warnings, want)
		}
	})
}

func TestParseSelectorsErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // substrings of the error
	}{
		{"syntax error points into the file", "selectors:\n  - name: bad\n    definition: \"tag::x\"\n",
			[]string{"selectors.yml:3:22:", `selector "bad"`, "unexpected ':'", "  tag::x\n      ^"}},
		{"plain scalar column", "selectors:\n  - name: bad\n    definition: 3+\n",
			[]string{"selectors.yml:3:19:", "missing node name"}},
		{"unknown key in a selector", "selectors:\n  - name: a\n    defintion: tag:x\n",
			[]string{"selectors.yml:3:5:", `unknown key "defintion"`, "name, description, default, definition"}},
		{"no definition", "selectors:\n  - name: a\n", []string{"selectors.yml:2:5:", `selector "a" has no definition`}},
		{"no name", "selectors:\n  - definition: tag:x\n", []string{"selectors.yml:2:5:", "selector has no name"}},
		{"duplicate name", "selectors:\n  - name: a\n    definition: x\n  - name: a\n    definition: y\n",
			[]string{"selectors.yml:4:", `"a" is defined twice (first at line 2)`}},
		{"two defaults", "selectors:\n  - name: a\n    default: true\n    definition: x\n  - name: b\n    default: true\n    definition: y\n",
			[]string{"selectors.yml:5:", `"a" (line 2) and "b" both have default: true`}},
		{"default not a bool", "selectors:\n  - name: a\n    default: yes please\n    definition: x\n", []string{"selectors.yml:3:14:", "default must be true or false"}},
		{"unknown method", "selectors:\n  - name: a\n    definition:\n      method: tags\n      value: x\n",
			[]string{"selectors.yml:4:15:", `unknown selector method "tags" (did you mean "tag"?)`}},
		{"bad value", "selectors:\n  - name: a\n    definition:\n      method: resource_type\n      value: modle\n",
			[]string{"selectors.yml:5:14:", `did you mean "model"`}},
		{"missing value", "selectors:\n  - name: a\n    definition:\n      method: tag\n", []string{"selectors.yml:4:7:", "method tag needs a value"}},
		{"unknown key in method value", "selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      parent: true\n",
			[]string{"selectors.yml:6:7:", `unknown key "parent"`}},
		{"bad depth", "selectors:\n  - name: a\n    definition: {method: tag, value: x, parents_depth: 0}\n",
			[]string{"selectors.yml:3:", "parents_depth must be a whole number from 1"}},
		{"bad indirect selection", "selectors:\n  - name: a\n    definition: {method: tag, value: x, indirect_selection: lazy}\n",
			[]string{"indirect_selection must be eager, cautious, buildable or empty"}},
		{"childrens parents with children", "selectors:\n  - name: a\n    definition: {method: tag, value: x, childrens_parents: true, children: true}\n",
			[]string{"childrens_parents cannot be combined with children"}},
		{"exclude outside a set", "selectors:\n  - name: a\n    definition:\n      exclude: [x]\n",
			[]string{"selectors.yml:4:7:", "exclude goes inside a union or intersection"}},
		{"list definition", "selectors:\n  - name: a\n    definition: [x, y]\n", []string{"selectors.yml:3:17:", "write union: [...]"}},
		{"union only exclude", "selectors:\n  - name: a\n    definition:\n      union:\n        - exclude: [x]\n",
			[]string{"has only an exclude"}},
		{"two excludes", "selectors:\n  - name: a\n    definition:\n      union:\n        - x\n        - exclude: [y]\n        - exclude: [z]\n",
			[]string{"selectors.yml:7:11:", "only one exclude per union"}},
		{"unknown reference", "selectors:\n  - name: a\n    definition: selector:nightli\n  - name: nightly\n    definition: x\n",
			[]string{"selectors.yml:2:", `no selector named "nightli" (did you mean "nightly"?)`}},
		{"reference cycle", "selectors:\n  - name: a\n    definition: selector:b\n  - name: b\n    definition:\n      union: [x, selector:a]\n",
			[]string{"selectors.yml:2:", "cycle: a -> b -> a"}},
		{"not yaml", "selectors: [\n", []string{"selectors.yml:1: not valid YAML"}},
		{"unknown top-level key", "selector:\n  - name: a\n", []string{"selectors.yml:1:1:", `unknown top-level key "selector"`}},
		{"selectors not a list", "selectors: {a: b}\n", []string{"selectors.yml:1:12:", "must be a list"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSelectors("selectors.yml", []byte(tc.text))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadSelectorsMissingAndEmpty(t *testing.T) {
	_, err := LoadSelectors("testdata/no-such-selectors.yml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error %v does not wrap fs.ErrNotExist", err)
	}
	for _, text := range []string{"", "selectors:\n", "# only a comment\n"} {
		s, err := ParseSelectors("selectors.yml", []byte(text))
		if err != nil || len(s.All) != 0 || s.Default() != nil {
			t.Errorf("ParseSelectors(%q) = %+v, %v; want no selectors", text, s, err)
		}
	}
}

// FuzzParseSelectors feeds arbitrary text as selectors.yml: no panics, and
// what parses has named, defined, uniquely named selectors.
func FuzzParseSelectors(f *testing.F) {
	seed, err := os.ReadFile("testdata/selectors.yml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("selectors:\n  - name: a\n    definition: {union: [x, {exclude: [y]}]}\n")
	f.Add("selectors:\n  - name: a\n    definition: selector:a\n")
	f.Add("selectors: [{name: &x a, definition: *x}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSelectors("selectors.yml", []byte(text))
		if err != nil {
			if !strings.Contains(err.Error(), "selectors.yml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, ns := range s.All {
			if ns.Name == "" || ns.Definition == nil || seen[ns.Name] {
				t.Fatalf("bad selector %+v in %q", ns, text)
			}
			seen[ns.Name] = true
		}
	})
}
