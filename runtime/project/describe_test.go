package project

import (
	"reflect"
	"strings"
	"testing"
)

func TestDescriptionEdits(t *testing.T) {
	const base = `version: 2
models:
  - name: orders
    description: One row per order.
    config:
      tags: [sales]
    columns:
      - name: id
        description: The order id.
        tests: [unique, not_null]
      - name: amount
        description: In euros.
seeds:
  - name: countries
    description: ISO codes.
sources:
  - name: shop
    tables:
      - name: raw_orders
        description: As loaded.
`
	cases := []struct {
		name string
		new  string
		want []DescEdit
		ok   bool
	}{
		{"unchanged", base, nil, true},
		{"model description", replace(t, base, "One row per order.", "One row per order, refunds included."),
			[]DescEdit{{Kind: Model, Name: "orders", Description: "One row per order, refunds included."}}, true},
		{"column descriptions", replace(t, replace(t, base, "The order id.", "Key."), "In euros.", "In euros, VAT included."),
			[]DescEdit{{Kind: Model, Name: "orders", Column: "id", Description: "Key."},
				{Kind: Model, Name: "orders", Column: "amount", Description: "In euros, VAT included."}}, true},
		{"seed description", replace(t, base, "ISO codes.", "ISO 3166 codes."),
			[]DescEdit{{Kind: Seed, Name: "countries", Description: "ISO 3166 codes."}}, true},
		{"description emptied, key kept", replace(t, base, "description: In euros.", "description: ''"),
			[]DescEdit{{Kind: Model, Name: "orders", Column: "amount", Description: ""}}, true},
		{"comment at the end of a line", replace(t, base, "tags: [sales]", "tags: [sales] # for the sales team"), nil, true},
		{"comment line at the end", base + "# reviewed\n", nil, true},
		{"comment line in the middle moves what follows", replace(t, base, "seeds:\n", "# seeds\nseeds:\n"), nil, false},
		{"description over two lines", replace(t, base, "One row per order.", "|\n      One row per order.\n      Refunds too."), nil, false},
		{"test added", replace(t, base, "tests: [unique, not_null]", "tests: [unique, not_null, positive]"), nil, false},
		{"config changed", replace(t, base, "tags: [sales]", "tags: [finance]"), nil, false},
		{"column renamed", replace(t, base, "name: amount", "name: total"), nil, false},
		{"model renamed", replace(t, base, "name: orders", "name: order_lines"), nil, false},
		{"source description", replace(t, base, "As loaded.", "Raw."), nil, false},
		{"does not parse", replace(t, base, "tests: [unique, not_null]", "tests: [unique, not_null"), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := DescriptionEdits("models/schema.yml", base, c.new)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v (edits %+v)", ok, c.ok, got)
			}
			if ok && !reflect.DeepEqual(got, c.want) {
				t.Errorf("edits %+v, want %+v", got, c.want)
			}
		})
	}
}

// replace replaces the first old in s, which must be there.
func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("fixture: %q not found", old)
	}
	return strings.Replace(s, old, new, 1)
}
