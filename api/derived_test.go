package api

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSalesSummary(t *testing.T) {
	s := newFixtureServer(t)
	r := get(t, s.URL+"/api/sales/summary")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	// Worked out by hand from testdata/gold_fixture.sql:
	// year rows 2025 + 2026: revenue 500.00 + 700.00 = 1200.00, orders 9 + 11 = 20,
	// units 22 + 26 = 48, AOV 1200 / 20 = 60.00; latest month 2026-10 (450.00, 6
	// orders) against 2026-09 (250.00): (450-250)/250 = 80.00 %, and 2025-10
	// (300.00): (450-300)/300 = 50.00 %; category revenue Laptops 2000 >
	// Phones 1000 > Audio 300 + 0; best product 11 (2000.00); 5 customers, 4
	// with orders; segments VIP 1,3; Loyal 2; At Risk 5; No Purchases 4.
	want := `{"as_of_date":"2026-10-31","total_revenue":1200.00,"total_orders":20,"units_sold":48,"avg_order_value":60.00,
	"customers":5,"active_customers":4,
	"latest_month":{"period_start":"2026-10-01","revenue":450.00,"orders":6,"previous_period_start":"2026-09-01","previous_revenue":250.00,"growth_pct":80.00,
	  "previous_year_period_start":"2025-10-01","previous_year_revenue":300.00,"yoy_growth_pct":50.00},
	"best_category":{"category":"Laptops","revenue":2000.00},
	"best_product":{"product_id":11,"product_name":"Laptop Y","revenue":2000.00},
	"customers_per_segment":[{"segment":"VIP","customers":2},{"segment":"Loyal","customers":1},{"segment":"New","customers":0},
	  {"segment":"At Risk","customers":1},{"segment":"Lost","customers":0},{"segment":"Regular","customers":0},{"segment":"No Purchases","customers":1}]}`
	jsonEqual(t, r.Body, want)
}

func TestSalesTrends(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name, query, want string
	}{
		{
			// Month revenue 200, 300, 0, 250, 450 (2025-09..11, 2026-09..10).
			// change: 300/200-1 = 50 %; 0/300-1 = -100 %; previous 0 -> null; 450/250-1 = 80 %.
			// year ago: 2026-09 vs 2025-09 200 -> 25 %; 2026-10 vs 2025-10 300 -> 50 %.
			// moving average of 3: (200+300+0)/3 = 166.67; (300+0+250)/3 = 183.33; (0+250+450)/3 = 233.33.
			name: "monthly revenue", query: "period=month&metric=revenue",
			want: `{"period":"month","metric":"revenue","moving_average_window":3,"total":5,"items":[
			{"period_start":"2025-09-01","value":200.00,"previous_value":null,"change_pct":null,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2025-10-01","value":300.00,"previous_value":200.00,"change_pct":50.00,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2025-11-01","value":0.00,"previous_value":300.00,"change_pct":-100.00,"year_ago_value":null,"yoy_change_pct":null,"moving_average":166.67},
			{"period_start":"2026-09-01","value":250.00,"previous_value":0.00,"change_pct":null,"year_ago_value":200.00,"yoy_change_pct":25.00,"moving_average":183.33},
			{"period_start":"2026-10-01","value":450.00,"previous_value":250.00,"change_pct":80.00,"year_ago_value":300.00,"yoy_change_pct":50.00,"moving_average":233.33}]}`,
		},
		{
			// AOV 50, 60, NULL, 50, 75: a window holding NULL has no average.
			name: "monthly AOV with a month without orders", query: "period=month&metric=avg_order_value",
			want: `{"period":"month","metric":"avg_order_value","moving_average_window":3,"total":5,"items":[
			{"period_start":"2025-09-01","value":50.00,"previous_value":null,"change_pct":null,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2025-10-01","value":60.00,"previous_value":50.00,"change_pct":20.00,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2025-11-01","value":null,"previous_value":60.00,"change_pct":null,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2026-09-01","value":50.00,"previous_value":null,"change_pct":null,"year_ago_value":50.00,"yoy_change_pct":0.00,"moving_average":null},
			{"period_start":"2026-10-01","value":75.00,"previous_value":50.00,"change_pct":50.00,"year_ago_value":60.00,"yoy_change_pct":25.00,"moving_average":null}]}`,
		},
		{
			// Years 2025 (9 orders) and 2026 (11): +22.22 %, and the year ago of 2026 is 2025.
			name: "yearly orders", query: "period=year&metric=orders",
			want: `{"period":"year","metric":"orders","moving_average_window":3,"total":2,"items":[
			{"period_start":"2025-01-01","value":9.00,"previous_value":null,"change_pct":null,"year_ago_value":null,"yoy_change_pct":null,"moving_average":null},
			{"period_start":"2026-01-01","value":11.00,"previous_value":9.00,"change_pct":22.22,"year_ago_value":9.00,"yoy_change_pct":22.22,"moving_average":null}]}`,
		},
		{
			name: "default is monthly revenue", query: "",
			want: "",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, s.URL+"/api/sales/trends?"+c.query)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if c.want == "" {
				m := r.JSON(t)
				if m["period"] != "month" || m["metric"] != "revenue" {
					t.Errorf("default trend is %v/%v, want month/revenue", m["period"], m["metric"])
				}
				return
			}
			jsonEqual(t, r.Body, c.want)
		})
	}
}

func TestYearAgo(t *testing.T) {
	cases := []struct {
		name, period, start, want string
		ok                        bool
	}{
		{"month", "month", "2026-10-01", "2025-10-01", true},
		{"day", "day", "2026-03-01", "2025-03-01", true},
		{"leap day has no twin", "day", "2024-02-29", "", false},
		// ISO week 44 of 2026 starts Monday 2026-10-26; week 44 of 2025 starts 2025-10-27.
		{"ISO week", "week", "2026-10-26", "2025-10-27", true},
		// 2026-W01 starts 2025-12-29; 2025-W01 starts 2024-12-30.
		{"first ISO week", "week", "2025-12-29", "2024-12-30", true},
		// 2020-W53 starts 2020-12-28; 2019 has only 52 weeks.
		{"week 53", "week", "2020-12-28", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := yearAgo(c.period, c.start)
			if got != c.want || ok != c.ok {
				t.Errorf("yearAgo(%s, %s) = %q, %v; want %q, %v", c.period, c.start, got, ok, c.want, c.ok)
			}
		})
	}
}

func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("expected value is not JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		gb, _ := json.MarshalIndent(g, "", " ")
		wb, _ := json.MarshalIndent(w, "", " ")
		t.Errorf("body differs\n got: %s\nwant: %s", gb, wb)
	}
}

// An empty gold layer still answers: the summary has zeros and leaves out
// what it cannot name.
func TestEmptyGoldLayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	buildWarehouse(t, path, "DELETE FROM gold.gold_customer_analytics", "DELETE FROM gold.gold_product_performance",
		"DELETE FROM gold.gold_sales_metrics", "DELETE FROM gold.gold_operational_metrics")
	s := startServer(t, &DuckDB{Path: path}, "")
	if s.Store.Current() == nil {
		t.Fatalf("load: %s", s.Store.LastReload().Error)
	}
	r := get(t, s.URL+"/api/sales/summary")
	jsonEqual(t, r.Body, `{"total_revenue":0.00,"total_orders":0,"units_sold":0,"avg_order_value":null,"customers":0,"active_customers":0,
	"customers_per_segment":[{"segment":"VIP","customers":0},{"segment":"Loyal","customers":0},{"segment":"New","customers":0},
	{"segment":"At Risk","customers":0},{"segment":"Lost","customers":0},{"segment":"Regular","customers":0},{"segment":"No Purchases","customers":0}]}`)
	for _, p := range []string{"/api/customers/analytics", "/api/customers/top-customers", "/api/products/low-stock", "/api/sales/trends"} {
		if r := get(t, s.URL+p); r.Status != http.StatusOK {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
}
