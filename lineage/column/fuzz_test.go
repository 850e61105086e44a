package column

import (
	"context"
	"testing"
)

// FuzzAnalyze: any SQL text gives a result or an error, never a panic;
// every edge has one of the documented kinds and unknown edges say why.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		`with o as (select order_id, amount as gross from "bronze"."orders") select order_id, gross * 2 as g from o`,
		`select o.order_id, customer_id, c.name from "bronze"."orders" o left join "bronze"."customers" c using (customer_id)`,
		`select customer_id, sum(amount) over (partition by customer_id order by ordered_at) as r from "bronze"."orders" qualify r > 1`,
		`select case when status = 'x' then amount end as a from "bronze"."orders" union all select 1`,
		`select * exclude (country) replace (upper(name) as name) from "bronze"."customers"`,
		`select (select max(amount) from "bronze"."returns") as m, list_transform([1,2], x -> x + 1) as l`,
		`select t.* from (values (1, 2)) t(a, b)`,
		`select s.a.b.c from "techstore"."raw" s`,
		`select 1; select 2`,
		`pivot "bronze"."orders" on status using sum(amount)`,
	} {
		f.Add(s)
	}
	ctx := context.Background()
	p, err := NewParser(ctx)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { p.Close() })
	kinds := map[Kind]bool{Identity: true, Renamed: true, Transformed: true, Aggregated: true, Filter: true, Join: true, Unknown: true}
	f.Fuzz(func(t *testing.T, sql string) {
		m, err := p.Analyze(ctx, "model.f.x", sql, testTables, []string{"declared"})
		if err != nil {
			return
		}
		for _, c := range m.Columns {
			if c.Name == "" {
				t.Errorf("unnamed output column in %+v", m)
			}
			for _, e := range c.Inputs {
				if !kinds[e.Kind] || e.Kind == Filter || e.Kind == Join {
					t.Errorf("column %s: edge kind %q", c.Name, e.Kind)
				}
				if e.Kind == Unknown && e.Note == "" {
					t.Errorf("column %s: unknown edge without a reason", c.Name)
				}
			}
		}
		for _, e := range m.Indirect {
			if e.Kind != Filter && e.Kind != Join && e.Kind != Unknown {
				t.Errorf("indirect edge kind %q", e.Kind)
			}
		}
	})
}
