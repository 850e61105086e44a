package column

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

type mapResolver map[string]Relation

func (m mapResolver) Resolve(catalog, schema, name string) (Relation, bool) {
	r, ok := m[strings.ToLower(schema+"."+name)]
	return r, ok
}

// testTables: the relations the golden queries read.
var testTables = mapResolver{
	"bronze.orders":    {ID: "model.t.bronze_orders", Columns: []string{"order_id", "customer_id", "amount", "status", "ordered_at"}},
	"bronze.customers": {ID: "model.t.bronze_customers", Columns: []string{"customer_id", "name", "country"}},
	"techstore.raw":    {ID: "source.t.techstore.raw"}, // columns unknown
	"techstore.raw2":   {ID: "source.t.techstore.raw2"},
	"bronze.returns":   {ID: "model.t.bronze_returns", Columns: []string{"order_id", "amount"}},
	"silver.exact":     {ID: "model.t.silver_exact", Columns: []string{"id", "total"}, Exact: true},
}

// render turns a result into sorted "column <- node.col kind" lines, so
// expectations are written by hand as plain strings.
func render(m *Model) (cols map[string][]string, ind []string) {
	cols = map[string][]string{}
	for _, c := range m.Columns {
		var l []string
		for _, e := range c.Inputs {
			if e.Kind == Unknown {
				l = append(l, "unknown")
				continue
			}
			l = append(l, fmt.Sprintf("%s.%s %s", short(e.From.Node), e.From.Column, e.Kind))
		}
		sort.Strings(l)
		cols[c.Name] = l
	}
	for _, e := range m.Indirect {
		if e.Kind == Unknown {
			ind = append(ind, "unknown")
			continue
		}
		ind = append(ind, fmt.Sprintf("%s.%s %s", short(e.From.Node), e.From.Column, e.Kind))
	}
	sort.Strings(ind)
	return cols, ind
}

func short(id string) string {
	if i := strings.LastIndex(id, "."); i >= 0 && strings.Count(id, ".") >= 2 {
		return id[i+1:]
	}
	return id
}

func TestAnalyzeGolden(t *testing.T) {
	ctx := context.Background()
	p, err := NewParser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cases := []struct {
		name     string
		sql      string
		declared []string
		cols     map[string][]string
		order    []string // expected output column order
		indirect []string
		complete bool
	}{
		{
			name: "cte chain with rename and transform",
			sql: `with o as (select order_id, amount as gross, status from "bronze"."orders"),
			      p as (select order_id as id, gross * 1.2 as with_tax from o where status = 'paid')
			      select id, with_tax from p`,
			cols: map[string][]string{
				"id":       {"bronze_orders.order_id renamed"},
				"with_tax": {"bronze_orders.amount transformed"},
			},
			order:    []string{"id", "with_tax"},
			indirect: []string{"bronze_orders.status filter"},
			complete: true,
		},
		{
			name: "join using and qualified columns",
			sql: `select o.order_id, customer_id, c.name as customer_name
			      from "bronze"."orders" o left join "bronze"."customers" c using (customer_id)`,
			cols: map[string][]string{
				"order_id":      {"bronze_orders.order_id identity"},
				"customer_id":   {"bronze_customers.customer_id identity", "bronze_orders.customer_id identity"},
				"customer_name": {"bronze_customers.name renamed"},
			},
			order:    []string{"order_id", "customer_id", "customer_name"},
			indirect: []string{"bronze_customers.customer_id join", "bronze_orders.customer_id join"},
			complete: true,
		},
		{
			name: "join on condition",
			sql: `select c.country, o.amount from "bronze"."orders" as o
			      join "bronze"."customers" as c on o.customer_id = c.customer_id`,
			cols: map[string][]string{
				"country": {"bronze_customers.country identity"},
				"amount":  {"bronze_orders.amount identity"},
			},
			order:    []string{"country", "amount"},
			indirect: []string{"bronze_customers.customer_id join", "bronze_orders.customer_id join"},
			complete: true,
		},
		{
			name: "aggregates with group by and having",
			sql: `select customer_id, sum(amount) as revenue, count(*) as n_orders, max(ordered_at)::date as last_order
			      from "bronze"."orders" group by customer_id having count(*) > 1`,
			cols: map[string][]string{
				"customer_id": {"bronze_orders.customer_id identity"},
				"revenue":     {"bronze_orders.amount aggregated"},
				"n_orders":    {},
				"last_order":  {"bronze_orders.ordered_at aggregated"},
			},
			order:    []string{"customer_id", "revenue", "n_orders", "last_order"},
			complete: true,
		},
		{
			name: "window functions and qualify",
			sql: `select order_id,
			        sum(amount) over (partition by customer_id order by ordered_at) as running,
			        row_number() over (partition by customer_id order by ordered_at desc) as rn
			      from "bronze"."orders"
			      qualify rn <= 3`,
			cols: map[string][]string{
				"order_id": {"bronze_orders.order_id identity"},
				"running":  {"bronze_orders.amount aggregated", "bronze_orders.customer_id aggregated", "bronze_orders.ordered_at aggregated"},
				"rn":       {"bronze_orders.customer_id transformed", "bronze_orders.ordered_at transformed"},
			},
			order:    []string{"order_id", "running", "rn"},
			indirect: []string{"bronze_orders.customer_id filter", "bronze_orders.ordered_at filter"},
			complete: true,
		},
		{
			name: "case expression",
			sql: `select order_id, case when status = 'paid' then amount when status = 'refunded' then -amount else 0 end as net
			      from "bronze"."orders"`,
			cols: map[string][]string{
				"order_id": {"bronze_orders.order_id identity"},
				"net":      {"bronze_orders.amount transformed", "bronze_orders.status transformed"},
			},
			order:    []string{"order_id", "net"},
			complete: true,
		},
		{
			name: "star expansion with exclude and replace through a cte",
			sql: `with c as (select * exclude (country) from "bronze"."customers")
			      select * replace (upper(name) as name) from c`,
			cols: map[string][]string{
				"customer_id": {"bronze_customers.customer_id identity"},
				"name":        {"bronze_customers.name transformed"},
			},
			order:    []string{"customer_id", "name"},
			complete: true,
		},
		{
			name: "qualified star over a join",
			sql:  `select c.*, o.amount from "bronze"."customers" c join "bronze"."orders" o on o.customer_id = c.customer_id`,
			cols: map[string][]string{
				"customer_id": {"bronze_customers.customer_id identity"},
				"name":        {"bronze_customers.name identity"},
				"country":     {"bronze_customers.country identity"},
				"amount":      {"bronze_orders.amount identity"},
			},
			order:    []string{"customer_id", "name", "country", "amount"},
			indirect: []string{"bronze_customers.customer_id join", "bronze_orders.customer_id join"},
			complete: true,
		},
		{
			name: "union all merges branches by position",
			sql: `select order_id, amount, 'sale' as kind from "bronze"."orders"
			      union all
			      select order_id, -amount as amt, 'return' from "bronze"."returns"`,
			cols: map[string][]string{
				"order_id": {"bronze_orders.order_id identity", "bronze_returns.order_id identity"},
				"amount":   {"bronze_orders.amount identity", "bronze_returns.amount transformed"},
				"kind":     {},
			},
			order:    []string{"order_id", "amount", "kind"},
			complete: true,
		},
		{
			name: "constant column through a union cte has no inputs",
			sql: `with spine as (select 'day' as period_type, order_id from "bronze"."orders"
			                     union all select 'week', order_id from "bronze"."returns")
			      select s.period_type, s.order_id from spine s`,
			cols: map[string][]string{
				"period_type": {},
				"order_id":    {"bronze_orders.order_id identity", "bronze_returns.order_id identity"},
			},
			order:    []string{"period_type", "order_id"},
			complete: true,
		},
		{
			name: "subquery in from and scalar subquery",
			sql: `select s.cid as customer_id, s.total, (select max(amount) from "bronze"."returns") as biggest_return
			      from (select customer_id as cid, sum(amount) as total from "bronze"."orders" group by 1) s`,
			cols: map[string][]string{
				"customer_id":    {"bronze_orders.customer_id identity"}, // cid renamed back: same name, same values
				"total":          {"bronze_orders.amount aggregated"},
				"biggest_return": {"bronze_returns.amount aggregated"},
			},
			order:    []string{"customer_id", "total", "biggest_return"},
			complete: true,
		},
		{
			name: "where in subquery is a filter dependency",
			sql: `select order_id from "bronze"."orders"
			      where customer_id in (select customer_id from "bronze"."customers" where country = 'DE')`,
			cols: map[string][]string{
				"order_id": {"bronze_orders.order_id identity"},
			},
			order:    []string{"order_id"},
			indirect: []string{"bronze_customers.country filter", "bronze_customers.customer_id filter", "bronze_orders.customer_id filter"},
			complete: true,
		},
		{
			name: "single relation of unknown columns: named columns resolve to it",
			sql:  `select cast(id as bigint) as id, trim(label) as label from "techstore"."raw"`,
			cols: map[string][]string{
				"id":    {"raw.id transformed"},
				"label": {"raw.label transformed"},
			},
			order:    []string{"id", "label"},
			complete: true,
		},
		{
			name:     "star over unknown columns is reported, never guessed",
			sql:      `select * from "techstore"."raw"`,
			declared: []string{"id", "label"},
			cols: map[string][]string{
				"id":    {"unknown"},
				"label": {"unknown"},
			},
			order:    []string{"id", "label"},
			complete: false,
		},
		{
			name: "unqualified column over two unknown relations is unknown",
			sql:  `select a.id, label from "techstore"."raw" a join "techstore"."raw2" b on a.id = b.id`,
			cols: map[string][]string{
				"id":    {"raw.id identity"},
				"label": {"unknown"},
			},
			order:    []string{"id", "label"},
			indirect: []string{"raw.id join", "raw2.id join"},
			complete: true,
		},
		{
			name: "a column the YAML does not document still comes from the only table",
			sql:  `select order_id, coupon_code, r.refund_reason from "bronze"."returns" r`,
			cols: map[string][]string{
				"order_id":      {"bronze_returns.order_id identity"},
				"coupon_code":   {"bronze_returns.coupon_code identity"},
				"refund_reason": {"bronze_returns.refund_reason identity"},
			},
			order:    []string{"order_id", "coupon_code", "refund_reason"},
			complete: true,
		},
		{
			name: "an undocumented column over two documented tables is unknown",
			sql:  `select coupon_code from "bronze"."returns" r join "bronze"."orders" o using (order_id)`,
			cols: map[string][]string{
				"coupon_code": {"unknown"},
			},
			order:    []string{"coupon_code"},
			indirect: []string{"bronze_orders.order_id join", "bronze_returns.order_id join"},
			complete: true,
		},
		{
			name: "a column missing from a model whose columns were analysed is unknown",
			sql:  `select e.id, e.first_day from "silver"."exact" e`,
			cols: map[string][]string{
				"id":        {"silver_exact.id identity"},
				"first_day": {"unknown"},
			},
			order:    []string{"id", "first_day"},
			complete: true,
		},
		{
			name: "values list with a column alias list",
			sql:  `select v.id, amount * 2 as doubled from (values (1, 10.0), (2, 5.5)) v(id, amount)`,
			cols: map[string][]string{
				"id":      {},
				"doubled": {},
			},
			order:    []string{"id", "doubled"},
			complete: true,
		},
		{
			name: "struct fields of a qualified column",
			sql:  `select s.payload.address.city as city, payload.zip as zip from "techstore"."raw" s`,
			cols: map[string][]string{
				"city": {"raw.payload transformed"},
				"zip":  {"raw.payload transformed"},
			},
			order:    []string{"city", "zip"},
			complete: true,
		},
		{
			name: "unknown table is named as written",
			sql:  `select x from some_schema.elsewhere`,
			cols: map[string][]string{
				"x": {"some_schema.elsewhere.x identity"},
			},
			order:    []string{"x"},
			complete: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := p.Analyze(ctx, "model.t.m", tc.sql, testTables, tc.declared)
			if err != nil {
				t.Fatal(err)
			}
			cols, ind := render(m)
			want := map[string][]string{}
			for k, v := range tc.cols {
				if v == nil {
					v = []string{}
				}
				want[k] = v
			}
			for k, v := range cols {
				if v == nil {
					cols[k] = []string{}
				}
			}
			if !reflect.DeepEqual(cols, want) {
				t.Errorf("columns:\n got %v\nwant %v", cols, want)
			}
			var order []string
			for _, c := range m.Columns {
				order = append(order, c.Name)
			}
			if !reflect.DeepEqual(order, tc.order) {
				t.Errorf("column order: got %v want %v", order, tc.order)
			}
			if !reflect.DeepEqual(ind, tc.indirect) {
				t.Errorf("indirect:\n got %v\nwant %v", ind, tc.indirect)
			}
			if m.Complete != tc.complete {
				t.Errorf("complete: got %v want %v (problems %v)", m.Complete, tc.complete, m.Problems)
			}
		})
	}
}

func TestAnalyzeRejectsBadSQL(t *testing.T) {
	ctx := context.Background()
	p, err := NewParser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.Analyze(ctx, "model.t.broken", "select from where", testTables, nil)
	if err == nil || !strings.Contains(err.Error(), "model.t.broken") {
		t.Fatalf("want an error naming the model, got %v", err)
	}
}

func TestForProjectExpandsStarFromUpstreamLineage(t *testing.T) {
	p := &project.Project{
		Nodes: map[string]*project.Node{
			"model.t.bronze_a": {UniqueID: "model.t.bronze_a", Name: "bronze_a", ResourceType: project.Model, Schema: "bronze", Alias: "bronze_a",
				CompiledCode: `select id, upper(label) as label from "techstore"."raw_a"`,
				DependsOn:    project.DependsOn{Nodes: []string{"source.t.techstore.raw_a"}}},
			"model.t.silver_a": {UniqueID: "model.t.silver_a", Name: "silver_a", ResourceType: project.Model, Schema: "silver", Alias: "silver_a",
				CompiledCode: `select * from "bronze"."bronze_a"`,
				DependsOn:    project.DependsOn{Nodes: []string{"model.t.bronze_a"}}},
			"model.t.broken": {UniqueID: "model.t.broken", Name: "broken", ResourceType: project.Model, Schema: "gold", Alias: "broken",
				CompiledCode: `select from from`, Columns: []*project.Column{{Name: "x"}}},
		},
		Sources: map[string]*project.Source{
			"source.t.techstore.raw_a": {UniqueID: "source.t.techstore.raw_a", SourceName: "techstore", Name: "raw_a", Schema: "techstore",
				Columns: []*project.Column{{Name: "id"}, {Name: "label"}}},
		},
	}
	got, err := ForProject(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	s := got["model.t.silver_a"]
	if s == nil || !s.Complete {
		t.Fatalf("silver_a: %+v", s)
	}
	cols, _ := render(s)
	want := map[string][]string{"id": {"bronze_a.id identity"}, "label": {"bronze_a.label identity"}}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("silver_a: got %v want %v", cols, want)
	}
	b := got["model.t.broken"]
	if b == nil || b.Complete || len(b.Columns) != 1 || b.Columns[0].Inputs[0].Kind != Unknown || len(b.Problems) == 0 {
		t.Errorf("broken: want one unknown column and a problem, got %+v", b)
	}
}

func TestParseAllKeepsOrderAndErrors(t *testing.T) {
	ctx := context.Background()
	p, err := NewParser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	queries := []string{"select a from t1", "select from where", "select b as c from t2", "select 1 as one"}
	trees, errs, err := p.ParseAll(ctx, queries)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{"a", "", "c", "one"}
	for i, want := range wantCols {
		if want == "" {
			if errs[i] == nil || trees[i] != nil {
				t.Errorf("query %d: want a parse error, got tree %v", i, trees[i] != nil)
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("query %d: %v", i, errs[i])
		}
		m := AnalyzeTree("x", trees[i], nil, nil)
		if len(m.Columns) != 1 || m.Columns[0].Name != want {
			t.Errorf("query %d: got columns %+v want [%s]", i, m.Columns, want)
		}
	}
}
