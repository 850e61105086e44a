package compile

import (
	"strings"
	"testing"
)

// TestTestNames follows dbt's synthesize_generic_test_names; the hashed
// name was computed with Python's hashlib.md5 on the full name.
func TestTestNames(t *testing.T) {
	cases := []struct {
		name, testType, target string
		args                   map[string]any
		want                   string
	}{
		{"column test", "not_null", "orders", map[string]any{"column_name": "id"}, "not_null_orders_id"},
		{"relationships", "relationships", "orders",
			map[string]any{"column_name": "customer_id", "to": "ref('customers')", "field": "id"},
			"relationships_orders_customer_id__id__ref_customers_"},
		{"model arg skipped, lists flattened, bools as Python", "accepted_values", "orders",
			map[string]any{"model": "x", "column_name": "s", "values": []any{"a b", 1}, "quote": false},
			"accepted_values_orders_s__False__a_b__1"},
		{"source test", "source_unique", "raw_orders", map[string]any{"column_name": "id"}, "source_unique_raw_orders_id"},
		{"model-level test without args", "my_test", "orders", map[string]any{}, "my_test_orders_"},
		{"hashed when 64 characters or more", "accepted_values", "very_long_model_name_for_testing",
			map[string]any{"column_name": "status", "values": []any{"placed", "shipped", "completed", "returned"}},
			"accepted_values_very_long_mode_b8b3b5191ec332f52c010c80fbd4bd07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := testNames(c.testType, c.target, c.args); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestInjectCTEs(t *testing.T) {
	ctes := []cte{{"__dbt__cte__a", "select 1\n"}, {"__dbt__cte__b", " select * from __dbt__cte__a "}}
	cases := []struct{ name, sql, want string }{
		{"plain select", "select * from __dbt__cte__b",
			"with __dbt__cte__a as (\nselect 1\n),\n__dbt__cte__b as (\nselect * from __dbt__cte__a\n)\nselect * from __dbt__cte__b"},
		{"merges into an existing WITH after comments", "-- note\n/* c */ WITH x as (select 1) select * from x",
			"-- note\n/* c */ with __dbt__cte__a as (\nselect 1\n),\n__dbt__cte__b as (\nselect * from __dbt__cte__a\n), x as (select 1) select * from x"},
		{"a column named with_x is not a WITH", "with_x", "with __dbt__cte__a as (\nselect 1\n),\n__dbt__cte__b as (\nselect * from __dbt__cte__a\n)\nwith_x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := injectCTEs(c.sql, ctes); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestMarkResolverWriteRef: the mark the fast path writes for a ref is the
// one Ref returns, which substitution reads.
func TestMarkResolverWriteRef(t *testing.T) {
	for _, name := range []string{"a", "silver_orders", "x.y"} {
		var b strings.Builder
		markResolver{}.WriteRef(&b, name)
		want, _ := markResolver{}.Ref(name)
		if b.String() != want {
			t.Errorf("WriteRef(%q) = %q, Ref = %q", name, b.String(), want)
		}
	}
}
