package compile

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// backtickDialect spells relations the Databricks way and dispatches
// spark -> databricks -> default, to check that quoting and dispatch
// follow the dialect rather than anything built in.
type backtickDialect struct{}

func (backtickDialect) Type() string            { return "spark" }
func (backtickDialect) DispatchOrder() []string { return []string{"spark", "databricks", "default"} }
func (backtickDialect) QuoteIdent(s string) string {
	return "`" + s + "`"
}
func (d backtickDialect) RelationName(r adapter.Relation) string {
	return d.QuoteIdent(r.Database) + "." + d.QuoteIdent(r.Schema) + "." + d.QuoteIdent(r.Identifier)
}

func duckTarget() Options {
	return Options{Target: adapter.Config{Name: "dev", Type: "duckdb", Schema: "main"}}
}

func loadShop(t *testing.T, opts Options) *Engine {
	t.Helper()
	e, err := Load(context.Background(), "testdata/shop", opts)
	if err != nil {
		t.Fatalf("load testdata/shop: %v", err)
	}
	return e
}

func TestLoadShopNodes(t *testing.T) {
	e := loadShop(t, duckTarget())
	cases := []struct {
		id           string
		schema       string
		alias        string
		materialized string
		tags         []string
		deps         []string
	}{
		{"model.shop.b_orders", "bronze", "b_orders", "table", []string{"all", "bronze"}, []string{"source.shop.raw.orders"}},
		// file config tag "pii" accumulates after the folder tags.
		{"model.shop.b_customers", "bronze", "b_customers", "table", []string{"all", "bronze", "pii"}, []string{"source.shop.raw.customers"}},
		// folder says silver, YAML says silver_yaml, the file says crm: the file wins;
		// the model-level entry in project.yml makes it incremental.
		{"model.shop.s_customers", "crm", "s_customers", "incremental", []string{"all", "silver", "yaml_tag"}, []string{"model.shop.b_customers"}},
		{"model.shop.s_orders_eph", "silver", "s_orders_eph", "ephemeral", []string{"all", "silver"}, []string{"model.shop.b_orders"}},
		// gold uses config keys without "+"; refs in order of first use.
		{"model.shop.g_revenue", "gold", "g_revenue", "table", []string{"all"}, []string{"model.shop.s_orders_eph", "model.shop.s_customers"}},
		// seeds: a top-level "+schema" without the project name level.
		{"seed.shop.countries", "ref_data", "countries", "seed", []string{}, []string{}},
		{"test.shop.assert_revenue_positive", "main", "assert_revenue_positive", "test", []string{}, []string{"model.shop.g_revenue"}},
		{"test.shop.not_null_s_customers_email", "main", "not_null_s_customers_email", "test", []string{"pii"}, []string{"model.shop.s_customers"}},
		{"test.shop.relationships_g_revenue_id__id__ref_s_customers_", "main", "relationships_g_revenue_id__id__ref_s_customers_", "test", []string{}, []string{"model.shop.g_revenue", "model.shop.s_customers"}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			n, ok := e.Project.Nodes[c.id]
			if !ok {
				t.Fatalf("no node %s", c.id)
			}
			if n.Schema != c.schema || n.Alias != c.alias || n.Config.Materialized != c.materialized {
				t.Errorf("schema/alias/materialized = %s/%s/%s, want %s/%s/%s", n.Schema, n.Alias, n.Config.Materialized, c.schema, c.alias, c.materialized)
			}
			if !reflect.DeepEqual(n.Tags, c.tags) {
				t.Errorf("tags = %q, want %q", n.Tags, c.tags)
			}
			if !reflect.DeepEqual(n.DependsOn.Nodes, c.deps) {
				t.Errorf("depends_on = %q, want %q", n.DependsOn.Nodes, c.deps)
			}
		})
	}
	if got := len(e.Project.Nodes); got != 18 {
		t.Errorf("nodes = %d, want 5 models + 1 seed + 1 singular test + 11 generic tests = 18", got)
	}
}

func TestDAGOrder(t *testing.T) {
	e := loadShop(t, duckTarget())
	want := []string{
		"seed.shop.countries",
		"source.shop.raw.customers",
		"model.shop.b_customers",
		"model.shop.s_customers",
		"source.shop.raw.orders",
		"model.shop.b_orders",
		"model.shop.s_orders_eph",
		"model.shop.g_revenue",
		"test.shop.accepted_range_g_revenue_revenue__False__0",
		"test.shop.accepted_values_g_revenue_days__False__1__2",
		"test.shop.assert_revenue_positive",
		"test.shop.expression_is_true_g_revenue_revenue___0",
		"test.shop.not_null_s_customers_email",
		"test.shop.not_null_s_customers_id",
		"test.shop.positive_g_revenue_revenue",
		"test.shop.relationships_g_revenue_id__id__ref_s_customers_",
		"test.shop.source_not_null_raw_orders_id",
		"test.shop.unique_combination_of_columns_g_revenue_id__days",
		"test.shop.unique_countries_code",
		"test.shop.unique_s_customers_id",
	}
	if got := e.DAG.Nodes(); !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
	if got, want := e.DAG.Children("model.shop.s_customers"), []string{
		"model.shop.g_revenue", "test.shop.not_null_s_customers_email", "test.shop.not_null_s_customers_id",
		"test.shop.relationships_g_revenue_id__id__ref_s_customers_", "test.shop.unique_s_customers_id",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("children of s_customers = %q, want %q", got, want)
	}
}

func TestCompiledCode(t *testing.T) {
	e := loadShop(t, duckTarget())
	cases := []struct {
		id   string
		want string
	}{
		{"model.shop.g_revenue", "with __dbt__cte__s_orders_eph as (\n" +
			"select * from \"bronze\".\"b_orders\" where amount >= 10\n" +
			"), o as (select * from __dbt__cte__s_orders_eph)\n" +
			"select c.id, sum(o.amount) as revenue, date_diff('day', c.first_day, c.last_day) as days\n" +
			"from o join \"crm\".\"s_customers\" c on c.id = o.customer_id\n" +
			"where 'dev' = 'dev' and 'EU' = 'EU'\n" +
			"group by c.id\n"},
		{"model.shop.s_customers", "\nselect id, lower(trim(email)) as email\nfrom \"bronze\".\"b_customers\"\n\n"},
		{"model.shop.b_customers", "select id, email from \"landing\".\"customer_table\"\n"},
		{"test.shop.not_null_s_customers_email", "select email\nfrom (select * from \"crm\".\"s_customers\" where id > 0) dbt_subquery\nwhere email is null"},
		{"test.shop.positive_g_revenue_revenue", "select * from \"gold\".\"g_revenue\" where revenue <= 0"},
		{"test.shop.source_not_null_raw_orders_id", "select id\nfrom \"landing\".\"orders\"\nwhere id is null"},
		{"test.shop.accepted_values_g_revenue_days__False__1__2", "with all_values as (\n    select\n        days as value_field,\n        count(*) as n_records\n    from \"gold\".\"g_revenue\"\n    group by days\n)\nselect *\nfrom all_values\nwhere value_field not in (\n    1,\n    2\n)"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			if got := e.Project.Nodes[c.id].CompiledCode; got != c.want {
				t.Errorf("compiled:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestTestConfig(t *testing.T) {
	e := loadShop(t, duckTarget())
	n := e.Project.Nodes["test.shop.not_null_s_customers_email"]
	if n.Config.Severity != "warn" || n.Config.Where != "id > 0" || n.Config.WarnIf != "!= 0" || n.Config.ErrorIf != "!= 0" {
		t.Errorf("config = %+v", n.Config)
	}
	if n.AttachedNode != "model.shop.s_customers" || n.ColumnName != "email" || n.TestMetadata.Name != "not_null" {
		t.Errorf("attached/column/metadata = %s/%s/%+v", n.AttachedNode, n.ColumnName, n.TestMetadata)
	}
	if got := e.Project.Nodes["test.shop.unique_s_customers_id"].Config.Severity; got != "error" {
		t.Errorf("default severity = %q, want error", got)
	}
}

func TestVarsOverride(t *testing.T) {
	opts := duckTarget()
	opts.Vars = map[string]any{"min_amount": 99}
	e := loadShop(t, opts)
	if got := e.Project.Nodes["model.shop.s_orders_eph"].CompiledCode; !strings.Contains(got, "amount >= 99") {
		t.Errorf("--vars did not override the project var: %s", got)
	}
}

func TestDialectDispatchAndQuoting(t *testing.T) {
	opts := Options{Target: adapter.Config{Name: "dev", Type: "spark", Schema: "main", Fields: map[string]any{"catalog": "hive"}},
		Dialect: backtickDialect{}}
	e := loadShop(t, opts)
	got := e.Project.Nodes["model.shop.g_revenue"].CompiledCode
	for _, want := range []string{"datediff(c.first_day, c.last_day)", "join `hive`.`crm`.`s_customers` c"} {
		if !strings.Contains(got, want) {
			t.Errorf("compiled g_revenue lacks %q:\n%s", want, got)
		}
	}
	if got, want := e.Relation("model.shop.s_customers"), (adapter.Relation{Database: "hive", Schema: "crm", Identifier: "s_customers", Kind: "table"}); got != want {
		t.Errorf("Relation = %+v, want %+v", got, want)
	}
}

func TestRenderAtExecution(t *testing.T) {
	e := loadShop(t, duckTarget())
	n := e.Project.Nodes["model.shop.s_customers"]
	cases := []struct {
		name string
		rc   RenderContext
		want string
	}{
		{"full", RenderContext{}, "\nselect id, lower(trim(email)) as email\nfrom \"bronze\".\"b_customers\"\n\n"},
		{"incremental", RenderContext{IsIncremental: true}, "\nselect id, lower(trim(email)) as email\nfrom \"bronze\".\"b_customers\"\nwhere id > (select max(id) from \"crm\".\"s_customers\")\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Render(n, c.rc)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRenderSQLAndMacro(t *testing.T) {
	e := loadShop(t, duckTarget())
	n := e.Project.Nodes["model.shop.g_revenue"]
	cases := []struct {
		name string
		run  func() (string, error)
		want string
	}{
		{"hook with this", func() (string, error) {
			return e.RenderSQL("post-hook", "analyze {{ this }}", n)
		}, `analyze "gold"."g_revenue"`},
		{"hook with ref to ephemeral", func() (string, error) {
			return e.RenderSQL("hook", "select count(*) from {{ ref \"s_orders_eph\" }}", nil)
		}, "with __dbt__cte__s_orders_eph as (\nselect * from \"bronze\".\"b_orders\" where amount >= 10\n)\nselect count(*) from __dbt__cte__s_orders_eph"},
		{"macro one arg", func() (string, error) { return e.Macro("clean_email", "x") }, "lower(trim(x))"},
		{"macro two args", func() (string, error) { return e.Macro("duckdb__day_diff", "a", "b") }, "date_diff('day', a, b)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.run()
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestManifest(t *testing.T) {
	e := loadShop(t, duckTarget())
	path := filepath.Join(t.TempDir(), "target", "manifest.json")
	if err := e.WriteManifest(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Metadata  map[string]any            `json:"metadata"`
		Nodes     map[string]map[string]any `json:"nodes"`
		Sources   map[string]map[string]any `json:"sources"`
		Macros    map[string]map[string]any `json:"macros"`
		ParentMap map[string][]string       `json:"parent_map"`
		ChildMap  map[string][]string       `json:"child_map"`
		Selectors map[string]any            `json:"selectors"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Metadata["project_name"] != "shop" || m.Metadata["adapter_type"] != "duckdb" {
		t.Errorf("metadata = %v", m.Metadata)
	}
	if len(m.Nodes) != 18 || len(m.Sources) != 2 || len(m.Macros) != 4 {
		t.Errorf("nodes/sources/macros = %d/%d/%d, want 18/2/4", len(m.Nodes), len(m.Sources), len(m.Macros))
	}
	sc := m.Nodes["model.shop.s_customers"]
	if sc["original_file_path"] != "models/silver/s_customers.sql" || sc["patch_path"] != "models/silver/silver.yml" ||
		sc["description"] != "Customers, cleaned." || sc["relation_name"] != `"crm"."s_customers"` {
		t.Errorf("s_customers = %v", sc)
	}
	cols := sc["columns"].(map[string]any)
	if id := cols["id"].(map[string]any); id["data_type"] != "integer" || id["description"] != "Customer id." {
		t.Errorf("column id = %v", id)
	}
	if got := sc["depends_on"].(map[string]any)["macros"]; !reflect.DeepEqual(got, []any{"macro.shop.clean_email"}) {
		t.Errorf("depends_on.macros = %v", got)
	}
	if got := sc["checksum"].(map[string]any)["name"]; got != "sha256" {
		t.Errorf("checksum = %v", sc["checksum"])
	}
	if got, want := m.ParentMap["model.shop.g_revenue"], []string{"model.shop.s_customers", "model.shop.s_orders_eph"}; !reflect.DeepEqual(got, want) {
		t.Errorf("parent_map[g_revenue] = %q, want %q", got, want)
	}
	if got, want := m.ChildMap["source.shop.raw.orders"], []string{"model.shop.b_orders", "test.shop.source_not_null_raw_orders_id"}; !reflect.DeepEqual(got, want) {
		t.Errorf("child_map[raw.orders] = %q, want %q", got, want)
	}
	if got := m.Macros["macro.shop.test_positive"]["original_file_path"]; got != "macros/util.sql" {
		t.Errorf("macro path = %v", got)
	}
}

// TestSortStrings: the two-goroutine sort gives slices.Sort's order for
// lists below and above the size where it splits, with repeated strings
// and shared prefixes.
func TestSortStrings(t *testing.T) {
	for _, n := range []int{0, 1, 5, 4095, 4096, 4097, 30001} {
		l := make([]string, n)
		for i := range l {
			// A fixed permutation (7919 is prime, n is not a multiple of
			// it), with each value twice.
			l[i] = fmt.Sprintf("test.synth.not_null_m_%05d", (i*7919)%(n/2+1))
		}
		want := slices.Clone(l)
		slices.Sort(want)
		if got := parallelSort(l, strings.Compare); !slices.Equal(got, want) {
			t.Errorf("n=%d: not sorted as slices.Sort sorts", n)
		}
	}
}

// TestGeneratedTestSQL: a generated test reads the relation it tests by
// name, except an ephemeral model, which it reads through the model's CTE
// (merged into the test's own WITH when it has one); sources likewise.
// The expected SQL is written out by hand from the built-in tests'
// templates.
func TestGeneratedTestSQL(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"project.yml":  "name: p\n",
		"models/e.sql": "{{ config \"materialized\" \"ephemeral\" }}select 1 as id\n",
		"models/m.sql": "select id from {{ ref \"e\" }}\n",
		"models/schema.yml": `version: 2
sources:
  - name: raw
    schema: landing
    tables:
      - name: t
        columns:
          - name: id
            tests: [not_null]
models:
  - name: e
    columns:
      - name: id
        tests: [not_null]
  - name: m
    columns:
      - name: id
        tests:
          - relationships: {to: ref('e'), field: id}
          - relationships:
              to: source('raw', 't')
              field: id
          - relationships: {to: ref('m'), field: id}
`,
	})
	e, err := Load(context.Background(), dir, duckTarget())
	if err != nil {
		t.Fatal(err)
	}
	const cte = "with __dbt__cte__e as (\nselect 1 as id\n)"
	rel := func(from, to string) string {
		return "with child as (\n    select id as from_field\n    from " + from + "\n    where id is not null\n),\n\n" +
			"parent as (\n    select id as to_field\n    from " + to + "\n)\n\n" +
			"select\n    from_field\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\nwhere parent.to_field is null"
	}
	cases := []struct{ id, want string }{
		{"test.p.not_null_e_id", cte + "\nselect id\nfrom __dbt__cte__e\nwhere id is null"},
		{"test.p.source_not_null_raw_t_id", "select id\nfrom \"landing\".\"t\"\nwhere id is null"},
		{"test.p.relationships_m_id__id__ref_e_", cte + "," + strings.TrimPrefix(rel(`"main"."m"`, "__dbt__cte__e"), "with")},
		{"test.p.relationships_m_id__id__source_raw_t_", rel(`"main"."m"`, `"landing"."t"`)},
		{"test.p.relationships_m_id__id__ref_m_", rel(`"main"."m"`, `"main"."m"`)},
	}
	for _, c := range cases {
		n, ok := e.Project.Nodes[c.id]
		if !ok {
			t.Errorf("no node %s", c.id)
			continue
		}
		if n.CompiledCode != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.id, n.CompiledCode, c.want)
		}
	}
}
