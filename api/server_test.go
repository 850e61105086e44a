package api

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sameRows checks that the API items equal the warehouse rows, in order,
// column by column.
func sameRows(t *testing.T, label string, items []any, want []map[string]any) {
	t.Helper()
	if len(items) != len(want) {
		t.Fatalf("%s: %d items, the warehouse query gives %d", label, len(items), len(want))
	}
	for i, it := range items {
		got, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("%s: item %d is %T", label, i, it)
		}
		for col, w := range want[i] {
			g, present := got[col]
			if !present {
				t.Errorf("%s: item %d has no %s", label, i, col)
				continue
			}
			if !equalValue(g, w) {
				t.Errorf("%s: item %d %s = %v, warehouse has %v", label, i, col, g, w)
			}
		}
		if len(got) != len(want[i]) {
			t.Errorf("%s: item %d has %d fields, the table %d", label, i, len(got), len(want[i]))
		}
	}
}

func equalValue(g, w any) bool {
	gf, gok := g.(float64)
	wf, wok := w.(float64)
	if gok && wok {
		return math.Abs(gf-wf) < 1e-9
	}
	return g == w
}

func items(t *testing.T, r response) []any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	it, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("no items array: %s", r.Body)
	}
	return it
}

func TestListEndpointsMatchWarehouse(t *testing.T) {
	s := newFixtureServer(t)
	ca := "SELECT * FROM gold.gold_customer_analytics "
	pp := "SELECT * FROM gold.gold_product_performance "
	sm := "SELECT * FROM gold.gold_sales_metrics "
	cases := []struct {
		name   string
		path   string
		sql    string
		total  float64
		limit  float64
		offset float64
	}{
		{"customers default order", "/api/customers/analytics", ca + "ORDER BY customer_id", 5, 50, 0},
		{"customers by clv desc", "/api/customers/analytics?sort=-clv", ca + "ORDER BY clv DESC, customer_id", 5, 50, 0},
		{"customers by recency, nulls last", "/api/customers/analytics?sort=recency_days", ca + "ORDER BY recency_days NULLS LAST, customer_id", 5, 50, 0},
		{"customers by recency desc, nulls last", "/api/customers/analytics?sort=-recency_days", ca + "ORDER BY recency_days DESC NULLS LAST, customer_id", 5, 50, 0},
		{"customers in Spain", "/api/customers/analytics?country=Spain", ca + "WHERE country = 'Spain' ORDER BY customer_id", 2, 50, 0},
		{"VIP customers in Spain", "/api/customers/analytics?country=Spain&segment=VIP", ca + "WHERE country = 'Spain' AND segment = 'VIP' ORDER BY customer_id", 1, 50, 0},
		{"VIPs by clv", "/api/customers/analytics?segment=VIP&sort=-clv", ca + "WHERE segment = 'VIP' ORDER BY clv DESC", 2, 50, 0},
		{"second page", "/api/customers/analytics?limit=2&offset=2", ca + "ORDER BY customer_id LIMIT 2 OFFSET 2", 5, 2, 2},
		{"offset past the end", "/api/customers/analytics?offset=10", ca + "WHERE false", 5, 50, 10},
		{"limit 0", "/api/customers/analytics?limit=0", ca + "WHERE false", 5, 0, 0},
		{"limit 1000", "/api/customers/analytics?limit=1000", ca + "ORDER BY customer_id", 5, 1000, 0},
		{"segment VIP", "/api/customers/segments/VIP", ca + "WHERE segment = 'VIP' ORDER BY customer_id", 2, 50, 0},
		{"segment with a space", "/api/customers/segments/At%20Risk", ca + "WHERE segment = 'At Risk' ORDER BY customer_id", 1, 50, 0},
		{"segment without customers", "/api/customers/segments/Lost", ca + "WHERE segment = 'Lost'", 0, 50, 0},
		{"top customers", "/api/customers/top-customers?limit=2", ca + "ORDER BY clv DESC LIMIT 2", 5, 2, 0},
		{"top customers default 10", "/api/customers/top-customers", ca + "ORDER BY clv DESC", 5, 10, 0},
		{"products", "/api/products/performance", pp + "ORDER BY product_id", 4, 50, 0},
		{"products of Acme by revenue", "/api/products/performance?brand=Acme&sort=-revenue", pp + "WHERE brand = 'Acme' ORDER BY revenue DESC", 3, 50, 0},
		{"products by stock status and category", "/api/products/performance?stock_status=Critical&category=Audio", pp + "WHERE stock_status = 'Critical' AND category = 'Audio'", 1, 50, 0},
		{"products by sales category", "/api/products/performance?sales_category=No%20Sales", pp + "WHERE sales_category = 'No Sales'", 1, 50, 0},
		{"top performers by profit", "/api/products/top-performers?by=profit&limit=3", pp + "ORDER BY profit DESC, product_id LIMIT 3", 4, 3, 0},
		{"top performers by units", "/api/products/top-performers?by=units_sold", pp + "ORDER BY units_sold DESC, product_id", 4, 10, 0},
		{"top performers default revenue", "/api/products/top-performers", pp + "ORDER BY revenue DESC, product_id", 4, 10, 0},
		{"low stock", "/api/products/low-stock", pp + "WHERE stock_status = 'Critical' ORDER BY stock", 2, 50, 0},
		{"low stock with low", "/api/products/low-stock?include_low=true", pp + "WHERE stock_status IN ('Critical', 'Low') ORDER BY stock", 3, 50, 0},
		{"sales metrics, months in a range", "/api/sales/metrics?period=month&from=2025-10-01&to=2026-09-30", sm + "WHERE period_type = 'month' AND period_start BETWEEN DATE '2025-10-01' AND DATE '2026-09-30' ORDER BY period_start", 3, 50, 0},
		{"sales metrics, years by the contract's filter name", "/api/sales/metrics?period_type=year", sm + "WHERE period_type = 'year' ORDER BY period_start", 2, 50, 0},
		{"sales metrics, years", "/api/sales/metrics?period=year", sm + "WHERE period_type = 'year' ORDER BY period_start", 2, 50, 0},
		{"sales metrics from a date", "/api/sales/metrics?from=2026-10-01&limit=3", sm + "WHERE period_start >= DATE '2026-10-01' ORDER BY period_start, period_type LIMIT 3", 5, 3, 0},
		{"sales metrics, empty range", "/api/sales/metrics?from=2030-01-01", sm + "WHERE false", 0, 50, 0},
		{"cohorts", "/api/sales/cohorts", "SELECT * FROM gold.gold_cohort_retention ORDER BY cohort_month, months_since_registration", 3, 50, 0},
		{"operational metrics", "/api/operations/metrics", "SELECT * FROM gold.gold_operational_metrics", 1, 50, 0},
		{"category operations", "/api/operations/categories", "SELECT * FROM gold.gold_category_operations ORDER BY category", 3, 50, 0},
		{"payment methods by revenue", "/api/operations/payment-methods?sort=-revenue", "SELECT * FROM gold.gold_payment_methods ORDER BY revenue DESC", 3, 50, 0},
		{"rating trends of Phones", "/api/operations/rating-trends?category=Phones", "SELECT * FROM gold.gold_rating_trends WHERE category = 'Phones' ORDER BY review_month", 2, 50, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, s.URL+c.path)
			got := items(t, r)
			sameRows(t, c.path, got, query(t, s.Path, c.sql))
			m := r.JSON(t)
			if m["total"] != c.total || m["limit"] != c.limit || m["offset"] != c.offset {
				t.Errorf("envelope total=%v limit=%v offset=%v, want %v %v %v", m["total"], m["limit"], m["offset"], c.total, c.limit, c.offset)
			}
			if len(m) != 4 {
				t.Errorf("envelope has keys %v, want items, total, limit, offset", m)
			}
		})
	}
}

func TestGetOne(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name, path, sql string
		status          int
	}{
		{"customer", "/api/customers/analytics/3", "SELECT * FROM gold.gold_customer_analytics WHERE customer_id = 3", 200},
		{"customer without orders", "/api/customers/analytics/4", "SELECT * FROM gold.gold_customer_analytics WHERE customer_id = 4", 200},
		{"product", "/api/products/performance/13", "SELECT * FROM gold.gold_product_performance WHERE product_id = 13", 200},
		{"category by name", "/api/operations/categories/Laptops", "SELECT * FROM gold.gold_category_operations WHERE category = 'Laptops'", 200},
		{"unknown customer", "/api/customers/analytics/999", "", 404},
		{"unknown product", "/api/products/performance/0", "", 404},
		{"unknown category", "/api/operations/categories/Toys", "", 404},
		{"customer id not a number", "/api/customers/analytics/abc", "", 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, s.URL+c.path)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			if c.status != 200 {
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type %q, want application/problem+json", ct)
				}
				return
			}
			sameRows(t, c.path, []any{r.JSON(t)}, query(t, s.Path, c.sql))
		})
	}
}

func TestMoneyAndDatesFormat(t *testing.T) {
	s := newFixtureServer(t)
	r := get(t, s.URL+"/api/customers/analytics/1")
	for _, want := range []string{`"total_revenue":600.00`, `"avg_order_value":120.00`, `"clv":900.50`, `"registration_date":"2024-01-10"`, `"purchase_frequency_per_year":1.82`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("body lacks %s: %s", want, r.Body)
		}
	}
	r = get(t, s.URL+"/api/customers/analytics/4")
	for _, want := range []string{`"clv":-25.00`, `"country":null`, `"first_order_date":null`, `"segment":"No Purchases"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("body lacks %s: %s", want, r.Body)
		}
	}
}

func TestBadParametersAre422(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name, path string
		mention    []string // the message says what to change
	}{
		{"unknown segment", "/api/customers/segments/Gold", []string{"VIP", "Loyal", "No Purchases"}},
		{"negative limit", "/api/customers/analytics?limit=-1", []string{"limit", "0"}},
		{"limit over the cap", "/api/customers/analytics?limit=1001", []string{"limit", "1000"}},
		{"top customers over the cap", "/api/customers/top-customers?limit=5000", []string{"limit", "1000"}},
		{"negative offset", "/api/products/performance?offset=-5", []string{"offset"}},
		{"sort by a text column", "/api/customers/analytics?sort=name", []string{"sort", "clv", "-clv"}},
		{"unknown sort key", "/api/products/performance?sort=-bogus", []string{"sort", "revenue"}},
		{"unknown filter value", "/api/customers/analytics?segment=Gold", []string{"segment", "VIP"}},
		{"malformed from date", "/api/sales/metrics?from=2026-13-01", []string{"from", "date"}},
		{"malformed to date", "/api/sales/metrics?to=yesterday", []string{"to", "date"}},
		{"from after to", "/api/sales/metrics?from=2026-10-01&to=2026-01-01", []string{"from", "to"}},
		{"unknown period", "/api/sales/metrics?period=decade", []string{"period", "month"}},
		{"period and period_type disagree", "/api/sales/metrics?period=year&period_type=month", []string{"period=year", "period_type=month"}},
		{"unknown trend metric", "/api/sales/trends?metric=profit", []string{"metric", "revenue"}},
		{"unknown top performers key", "/api/products/top-performers?by=rating", []string{"by", "profit"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, s.URL+c.path)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", r.Status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q, want application/problem+json", ct)
			}
			for _, m := range c.mention {
				if !strings.Contains(string(r.Body), m) {
					t.Errorf("message does not mention %q: %s", m, r.Body)
				}
			}
		})
	}
}

func TestInjectionInEveryStringParameter(t *testing.T) {
	s := newFixtureServer(t)
	payloads := []string{
		"'; DROP TABLE gold.gold_customer_analytics; --",
		"Spain' OR '1'='1",
		`" OR 1=1 --`,
		"1; DELETE FROM gold.gold_product_performance",
		"-clv; DROP SCHEMA gold CASCADE",
		"2026-01-01' OR '1'='1",
		"\x00\u00e9\u202e",
	}
	paths := []string{
		"/api/customers/analytics?country=%s", "/api/customers/analytics?segment=%s", "/api/customers/analytics?sort=%s",
		"/api/customers/analytics/%s", "/api/customers/segments/%s", "/api/products/performance?category=%s",
		"/api/products/performance?brand=%s", "/api/products/performance?stock_status=%s", "/api/products/performance?sales_category=%s",
		"/api/products/performance/%s", "/api/products/top-performers?by=%s", "/api/sales/metrics?period=%s",
		"/api/sales/metrics?from=%s", "/api/sales/metrics?to=%s", "/api/sales/trends?period=%s", "/api/sales/trends?metric=%s",
		"/api/operations/categories/%s", "/api/operations/rating-trends?category=%s", "/api/operations/payment-methods?sort=%s",
	}
	before := query(t, s.Path, "SELECT (SELECT count(*) FROM gold.gold_customer_analytics) AS c, (SELECT count(*) FROM gold.gold_product_performance) AS p")
	for _, p := range paths {
		for _, pl := range payloads {
			u := s.URL + fmt.Sprintf(p, url.PathEscape(pl))
			if strings.Contains(p, "?") {
				u = s.URL + fmt.Sprintf(p, url.QueryEscape(pl))
			}
			r := get(t, u)
			if r.Status >= 500 {
				t.Errorf("%s: status %d: %s", u, r.Status, r.Body)
			}
			if r.Status == 200 && strings.Contains(p, "country=") {
				if n := r.JSON(t)["total"]; n != 0.0 {
					t.Errorf("%s matched %v rows; an injected filter must match nothing", u, n)
				}
			}
		}
	}
	after := query(t, s.Path, "SELECT (SELECT count(*) FROM gold.gold_customer_analytics) AS c, (SELECT count(*) FROM gold.gold_product_performance) AS p")
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("warehouse changed: %v -> %v", before, after)
	}
	// The server still answers from the same snapshot.
	if n := items(t, get(t, s.URL+"/api/customers/analytics")); len(n) != 5 {
		t.Errorf("after the injections the API lists %d customers, want 5", len(n))
	}
}
