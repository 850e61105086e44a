package medallion

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The golden data set is testdata/raw.sql; the as-of date is set to
// 2026-01-31. Every value below was worked out by hand from those rows.
//
// Surviving customers: 1 (absorbs 4: same email once lower-cased and
// trimmed, 4 registered later), 2, 3, 5, 6.
// Revenue orders (status not cancelled, payment not failed/refunded):
//   o1 2025-01-15 customer 1  1550.00  (p1 x1 line 1000.00, p4 x2 10% off line 540.00)
//   o2 2025-03-10 customer 2   800.00  (p2 x1 line 800.00)
//   o4 2025-11-05 customer 4->1 1100.00 (p3 x1 5% off line 1140.00, order discount 40)
//   o6 2026-01-15 customer 1  1600.00  (p1 x1 line 1000.00, p2 x1 25% off line 600.00)
//   o7 2026-01-20 customer 6   305.00  (p4 x1 line 300.00, pending payment counts)
// Not revenue: o3 cancelled/refunded (p3), o5 delivered but refunded
// (p2 x2), o8 cancelled/failed (p1).

const asOf = "2026-01-31"

// goldenVars are the --vars of the golden build.
func goldenVars() map[string]any { return map[string]any{"as_of_date": asOf} }

const N = "NULL"

func expectedCustomers() [][]string {
	return [][]string{
		// customer_id, name, email, country, city, registration_date,
		// first_order_date, last_order_date, total_orders, total_revenue,
		// avg_order_value, recency_days, tenure_days, purchase_frequency_per_year,
		// clv, r_score, f_score, m_score, rfm_score, segment
		//
		// 1: orders o1, o4 (from duplicate 4), o6: 1550 + 1100 + 1600 = 4250.00;
		// aov 4250 / 3 = 1416.666.. -> 1416.67; recency 2026-01-31 - 2026-01-15 = 16;
		// tenure 2026-01-31 - 2025-01-15 = 365 + 16 = 381; frequency
		// 3 / (381 / 365.25) = 1095.75 / 381 = 2.87598.. -> 2.876 (4 decimals 2.8760);
		// clv = 4250/3 x 1095.75/381 x 3 - 25 = 4656937.5 / 381 - 25
		//     = 12222.93307.. - 25 = 12197.93.
		// Scores among the 3 buyers (NTILE(5) of 3 rows gives 1, 2, 3):
		// recency desc: 2 (327) -> 1, 1 (16) -> 2, 6 (11) -> 3;
		// orders asc then id: 2 (1) -> 1, 6 (1) -> 2, 1 (3) -> 3;
		// revenue asc: 6 (305) -> 1, 2 (800) -> 2, 1 (4250) -> 3.
		// 1 = R2 F3 M3: not VIP/Loyal (R < 3), not New (R < 4), At Risk (R <= 2, F >= 2).
		{"1", "Ana García", "ana.garcia@example.com", "Spain", "Madrid", "2024-12-01", "2025-01-15", "2026-01-15", "3", "4250.00", "1416.67", "16", "381", "2.876", "12197.93", "2", "3", "3", "233", "At Risk"},
		// 2: o2 only (o5 refunded). recency = tenure = 2025-03-10 .. 2026-01-31
		// = 365 - 38 (2026-01-31 .. 2026-03-10) = 327; frequency 365.25 / 327
		// = 1.116972.. -> 1.117; clv = 800 x 365.25 / 327 x 3 - 25 = 876600 / 327
		// - 25 = 2680.7339.. - 25 = 2655.73. R1 F1 M2: Lost (R <= 2, F <= 2).
		{"2", "John Smith", "john@example.com", "United States", "Boston", "2024-12-15", "2025-03-10", "2025-03-10", "1", "800.00", "800.00", "327", "327", "1.117", "2655.73", "1", "1", "2", "112", "Lost"},
		// 3: only cancelled orders -> no purchases; clv = -25.00; birth date
		// 2030-01-01 is impossible (not shown here). City NULL in the source.
		{"3", "Marie Curie", "marie@example.fr", "France", N, "2025-01-05", N, N, "0", "0.00", N, N, N, "0", "-25.00", N, N, N, N, "No Purchases"},
		// 5: never ordered.
		{"5", "Peter Müller", "peter@example.de", "Germany", "Berlin", "2025-06-10", N, N, "0", "0.00", N, N, N, "0", "-25.00", N, N, N, N, "No Purchases"},
		// 6: o7 305.00; recency = tenure = 11; frequency 1 / (max(11, 30) /
		// 365.25) = 12.175; clv = 305 x 12.175 x 3 - 25 = 11140.125 - 25
		// = 11115.125 -> 11115.13 (half away from zero). R3 F2 M1: Regular.
		{"6", "Lucia Rossi", "lucia@example.it", "Italy", "Rome", "2025-12-20", "2026-01-20", "2026-01-20", "1", "305.00", "305.00", "11", "11", "12.175", "11115.13", "3", "2", "1", "321", "Regular"},
	}
}

func expectedProducts() [][]string {
	return [][]string{
		// product_id, product_name, category, subcategory, brand, price, cost,
		// stock, margin_pct, units_sold, revenue, net_revenue, cogs, profit,
		// units_sold_last_12m, inventory_turnover, months_of_inventory,
		// stock_status, sales_category, avg_rating, review_count,
		// last_sale_date, days_since_last_sale, revenue_rank
		// Last 12 months = 2025-02-01 .. 2026-01-31.
		//
		// p1: o1 + o6 -> 2 units, revenue 2 x 1000 = 2000, net 1000 + 1000,
		// cogs 2 x 700 = 1400, profit 600; last 12m only o6 -> 1; turnover 1/5
		// = 0.2; months 5 / (1/12) = 60; reviews 5 and 4 -> 4.50 (2 reviews);
		// margin (1000-700)/1000 = 30%.
		{"1", "iPhone 15", "Phones", "Smartphones", "Apple", "1000.00", "700.00", "5", "30.00", "2", "2000.00", "2000.00", "1400.00", "600.00", "1", "0.2", "60", "Critical", "Slow", "4.50", "2", "2026-01-15", "16", "1"},
		// p2: o2 + o6 (o5 refunded) -> 2 units, revenue 1600, net 800 + 600 =
		// 1400, cogs 1000, profit 600; last 12m 2; turnover 2/40 = 0.05; months
		// 40 / (2/12) = 240; ratings NULL and 2 -> 2.00 over 2 reviews; margin
		// 300/800 = 37.5%; brand 'samsung' -> Samsung.
		{"2", "Galaxy S24", "Phones", "Smartphones", "Samsung", "800.00", "500.00", "40", "37.50", "2", "1600.00", "1400.00", "1000.00", "600.00", "2", "0.05", "240", "Low", "Slow", "2.00", "2", "2026-01-15", "16", "2"},
		// p3: o4 only (o3 cancelled) -> 1 unit, revenue 1200, net 1140, cogs 900,
		// profit 300; turnover 1/100 = 0.01; months 100 x 12 = 1200; ratings 1,
		// 2, 2 -> 5/3 = 1.67; last sale 2025-11-05, 25 + 31 + 31 = 87 days.
		{"3", "XPS 13", "Laptops", "Ultrabooks", "Dell", "1200.00", "900.00", "100", "25.00", "1", "1200.00", "1140.00", "900.00", "300.00", "1", "0.01", "1200", "High", "Slow", "1.67", "3", "2025-11-05", "87", "3"},
		// p4: o1 x2 + o7 x1 -> 3 units, revenue 900, net 540 + 300 = 840, cogs
		// 450, profit 450; last 12m only o7 -> 1; turnover 1/60 = 0.01666.. ->
		// 0.0167; months 60 x 12 = 720; brand 'BOSE' -> Bose.
		{"4", "QuietComfort Ultra", "Audio", "Headphones", "Bose", "300.00", "150.00", "60", "50.00", "3", "900.00", "840.00", "450.00", "450.00", "1", "0.0167", "720", "Medium", "Slow", "4.00", "1", "2026-01-20", "11", "4"},
		// p5: never sold, stock 0 -> turnover NULL; margin 150/350 = 42.857..
		// -> 42.86. Unsold products share rank 5.
		{"5", "WH-1000XM5", "Audio", "Headphones", "Sony", "350.00", "200.00", "0", "42.86", "0", "0.00", "0.00", "0.00", "0.00", "0", N, N, "Critical", "No Sales", N, "0", N, N, "5"},
		// p6: never sold, stock 150 -> turnover 0 / 150 = 0; brand 'google'.
		{"6", "Pixel 6", "Phones", "Smartphones", "Google", "500.00", "300.00", "150", "40.00", "0", "0.00", "0.00", "0.00", "0.00", "0", "0", N, "High", "No Sales", N, "0", N, N, "5"},
		// p7: never sold; name 'AirPods  Pro' single-spaced; brand ' apple' -> Apple.
		{"7", "AirPods Pro", "Audio", "Headphones", "Apple", "250.00", "100.00", "20", "60.00", "0", "0.00", "0.00", "0.00", "0.00", "0", "0", N, "Low", "No Sales", N, "0", N, N, "5"},
	}
}

func expectedCohorts() [][]string {
	// cohort_month, months_since_registration, cohort_size, active_customers,
	// retention_pct, cohort_revenue, cumulative_revenue_per_customer.
	// Cohorts: 2024-12 = {1, 2} (offsets 0..13 to 2026-01), 2025-01 = {3}
	// (0..12), 2025-06 = {5} (0..7), 2025-12 = {6} (0..1). Duplicate 4 is no
	// cohort member.
	var rows [][]string
	// 2024-12: 1 buys in 2025-01 (offset 1, 1550), 2025-11 (11, 1100),
	// 2026-01 (13, 1600); 2 buys in 2025-03 (3, 800). Cumulative per
	// customer: 1550/2 = 775, 2350/2 = 1175, 3450/2 = 1725, 5050/2 = 2525.
	active := map[int][3]string{1: {"1", "50.00", "1550.00"}, 3: {"1", "50.00", "800.00"}, 11: {"1", "50.00", "1100.00"}, 13: {"1", "50.00", "1600.00"}}
	cum := []string{"0.00", "775.00", "775.00", "1175.00", "1175.00", "1175.00", "1175.00", "1175.00", "1175.00", "1175.00", "1175.00", "1725.00", "1725.00", "2525.00"}
	for m := 0; m <= 13; m++ {
		a, ok := active[m]
		if !ok {
			a = [3]string{"0", "0.00", "0.00"}
		}
		rows = append(rows, []string{"2024-12-01", fmt.Sprint(m), "2", a[0], a[1], a[2], cum[m]})
	}
	// 2025-01 ({3}) and 2025-06 ({5}): no revenue orders at all.
	for m := 0; m <= 12; m++ {
		rows = append(rows, []string{"2025-01-01", fmt.Sprint(m), "1", "0", "0.00", "0.00", "0.00"})
	}
	for m := 0; m <= 7; m++ {
		rows = append(rows, []string{"2025-06-01", fmt.Sprint(m), "1", "0", "0.00", "0.00", "0.00"})
	}
	// 2025-12 ({6}): o7 in 2026-01 (offset 1): 1 of 1 active, 305.
	rows = append(rows,
		[]string{"2025-12-01", "0", "1", "0", "0.00", "0.00", "0.00"},
		[]string{"2025-12-01", "1", "1", "1", "100.00", "305.00", "305.00"},
	)
	return rows
}

func expectedOperational() [][]string {
	return [][]string{
		// critical_stock_products: p1 (5), p5 (0) -> 2.
		// inventory_value_cost: 5x700 + 40x500 + 100x900 + 60x150 + 0x200 +
		//   150x300 + 20x100 = 3500 + 20000 + 90000 + 9000 + 0 + 45000 + 2000 = 169500.
		// inventory_value_retail: 5000 + 32000 + 120000 + 18000 + 0 + 75000 + 5000 = 255000.
		// products_without_movement_90d (2025-11-03 .. 2026-01-31): active
		//   products p1..p5; sold in the window p3 (o4 11-05), p1 and p2 (o6), p4
		//   (o7) -> p5 only = 1 (p6, p7 inactive).
		// avg_processing_days: delivered o1 3, o2 5, o4 4, o5 2 -> 14/4 = 3.5.
		// cancellation_rate_pct: o3, o8 of 8 orders = 25.00.
		// low_rated_products: p3 (1.67 over 3 reviews); p2 has 2.00 but 2 reviews.
		{"2", "169500.00", "255000.00", "1", "3.5", "25.00", "1", asOf},
	}
}

func expectedCategories() [][]string {
	return [][]string{
		// category, orders, cancelled_orders, cancellation_rate_pct,
		// avg_processing_days, avg_rating, review_count
		// Audio: o1 (p4), o7 (p4); none cancelled; delivered o1 3 days; reviews
		//   of p4: 4.
		{"Audio", "2", "0", "0.00", "3", "4.00", "1"},
		// Laptops: o3 (cancelled), o4; delivered o4 4 days; p3 ratings 1, 2, 2.
		{"Laptops", "2", "1", "50.00", "4", "1.67", "3"},
		// Phones: o1, o2, o5, o6, o8 (cancelled) -> 1/5 = 20%; delivered o1 3,
		//   o2 5, o5 2 -> 10/3 = 3.3333; ratings 5, 4 (p1), NULL, 2 (p2) ->
		//   11/3 = 3.67 over 4 reviews.
		{"Phones", "5", "1", "20.00", "3.3333", "3.67", "4"},
	}
}

func expectedPayments() [][]string {
	return [][]string{
		// payment_method, orders, share_pct (of 8), revenue (revenue orders), failed_pct
		{"apple_pay", "1", "12.50", "305.00", "0.00"},    // o7
		{"credit_card", "3", "37.50", "3150.00", "0.00"}, // o1 1550, o3 refunded, o6 1600
		{"paypal", "2", "25.00", "800.00", "0.00"},       // o2 800, o5 refunded
		{"unknown", "2", "25.00", "1100.00", "50.00"},    // o4 1100, o8 failed: 1 of 2
	}
}

func expectedRatings() [][]string {
	return [][]string{
		// review_month, category, avg_rating, review_count
		{"2025-01-01", "Audio", "4.00", "1"},   // r2 (p4) 4
		{"2025-01-01", "Phones", "5.00", "1"},  // r1 (p1) 5
		{"2025-03-01", "Phones", N, "1"},       // r3 (p2) no rating
		{"2025-06-01", "Laptops", "1.00", "1"}, // r5 (p3) 1
		{"2025-11-01", "Laptops", "2.00", "2"}, // r6, r7 (p3) 2, 2
		{"2025-12-01", "Phones", "2.00", "1"},  // r4 (p2) 2
		{"2026-01-01", "Phones", "4.00", "1"},  // r8 (p1) 4
	}
}

// salesRow is one gold_sales_metrics row after the period columns.
type salesRow = []string

// zeroSales is a period without revenue orders: revenue 0, no AOV or
// orders per customer, the given previous-year revenue (NULL or 0.00, so
// growth NULL), and seasonality.
func zeroSales(prev, season string) salesRow {
	return salesRow{"0.00", "0", "0", "0", N, N, prev, N, season}
}

func expectedSales() [][]string {
	// period_type, period_start, revenue, orders, unique_customers,
	// units_sold, avg_order_value, orders_per_customer, revenue_prev_year,
	// yoy_growth_pct, seasonality_index.
	// Orders (any status) run from 2025-01-15 to 2026-01-20.
	var rows [][]string
	add := func(typ, start string, r salesRow) { rows = append(rows, append([]string{typ, start}, r...)) }

	// day: 2025-01-15 .. 2026-01-20 = 365 + 5 + 1 = 371 rows. A day's previous
	// year is in the table from 2026-01-15 on (2025-01-15 is the first day).
	days := map[string]salesRow{
		"2025-01-15": {"1550.00", "1", "1", "3", "1550.00", "1", N, N, N},
		"2025-03-10": {"800.00", "1", "1", "1", "800.00", "1", N, N, N},
		"2025-11-05": {"1100.00", "1", "1", "1", "1100.00", "1", N, N, N},
		// (1600 - 1550) / 1550 x 100 = 3.2258 -> 3.23
		"2026-01-15": {"1600.00", "1", "1", "2", "1600.00", "1", "1550.00", "3.23", N},
		// previous year 2025-01-20 sold nothing: 0.00, growth NULL
		"2026-01-20": {"305.00", "1", "1", "1", "305.00", "1", "0.00", N, N},
	}
	for d := mustDate("2025-01-15"); !d.After(mustDate("2026-01-20")); d = d.AddDate(0, 0, 1) {
		k := d.Format("2006-01-02")
		if r, ok := days[k]; ok {
			add("day", k, r)
			continue
		}
		prev := N
		if !d.Before(mustDate("2026-01-15")) {
			prev = "0.00"
		}
		add("day", k, zeroSales(prev, N))
	}

	// month: 2025-01 .. 2026-01 = 13 rows. 2025 mean revenue over its 12
	// months: (1550 + 800 + 1100) / 12 = 287.5; 2026 has January only.
	months := map[string]salesRow{
		"2025-01-01": {"1550.00", "1", "1", "3", "1550.00", "1", N, N, "5.3913"}, // 1550/287.5 = 5.39130..
		"2025-03-01": {"800.00", "1", "1", "1", "800.00", "1", N, N, "2.7826"},   // 800/287.5 = 2.78260..
		"2025-11-01": {"1100.00", "1", "1", "1", "1100.00", "1", N, N, "3.8261"}, // 1100/287.5 = 3.82608..
		// o6 + o7 = 1905 over 2 orders of 2 customers, 2 + 1 units; aov
		// 952.50; vs 2025-01 1550: 355/1550 = 22.903% -> 22.90; index 1.
		"2026-01-01": {"1905.00", "2", "2", "3", "952.50", "1", "1550.00", "22.90", "1"},
	}
	for d := mustDate("2025-01-01"); !d.After(mustDate("2026-01-01")); d = d.AddDate(0, 1, 0) {
		k := d.Format("2006-01-02")
		if r, ok := months[k]; ok {
			add("month", k, r)
		} else {
			add("month", k, zeroSales(N, "0"))
		}
	}

	// quarter: 2025-Q1 .. 2026-Q1. 2025 mean (2350 + 0 + 0 + 1100) / 4 = 862.5.
	add("quarter", "2025-01-01", salesRow{"2350.00", "2", "2", "4", "1175.00", "1", N, N, "2.7246"}) // 2350/862.5 = 2.72463..
	add("quarter", "2025-04-01", zeroSales(N, "0"))
	add("quarter", "2025-07-01", zeroSales(N, "0"))
	add("quarter", "2025-10-01", salesRow{"1100.00", "1", "1", "1", "1100.00", "1", N, N, "1.2754"}) // 1100/862.5 = 1.27536..
	// (1905 - 2350) / 2350 = -18.936% -> -18.94
	add("quarter", "2026-01-01", salesRow{"1905.00", "2", "2", "3", "952.50", "1", "2350.00", "-18.94", "1"})

	// week (ISO, Monday start): 2025-01-13 (the Monday of 2025-01-15, W03)
	// .. 2026-01-19 (W04) = 371/7 + 1 = 54 rows. Previous year = the same
	// ISO week number a year earlier: in the table only for 2026-W03
	// (2025-01-13) and 2026-W04 (2025-01-20); 2025-12-29 is 2026-W01 and
	// 2026-01-05 is 2026-W02, whose 2025 weeks precede the data.
	weeks := map[string]salesRow{
		"2025-01-13": {"1550.00", "1", "1", "3", "1550.00", "1", N, N, N},
		"2025-03-10": {"800.00", "1", "1", "1", "800.00", "1", N, N, N},
		"2025-11-03": {"1100.00", "1", "1", "1", "1100.00", "1", N, N, N},
		"2026-01-12": {"1600.00", "1", "1", "2", "1600.00", "1", "1550.00", "3.23", N}, // vs 2025-W03
		"2026-01-19": {"305.00", "1", "1", "1", "305.00", "1", "0.00", N, N},           // vs 2025-W04 (0)
	}
	for d := mustDate("2025-01-13"); !d.After(mustDate("2026-01-19")); d = d.AddDate(0, 0, 7) {
		k := d.Format("2006-01-02")
		if r, ok := weeks[k]; ok {
			add("week", k, r)
		} else {
			add("week", k, zeroSales(N, N))
		}
	}

	// year: 2025 = 1550 + 800 + 1100 = 3450 over 3 orders of customers 1
	// and 2 (3 + 1 + 1 = 5 units): aov 1150.00, 1.5 orders per customer.
	// 2026 = 1905; (1905 - 3450) / 3450 = -44.783% -> -44.78.
	add("year", "2025-01-01", salesRow{"3450.00", "3", "2", "5", "1150.00", "1.5", N, N, N})
	add("year", "2026-01-01", salesRow{"1905.00", "2", "2", "3", "952.50", "1", "3450.00", "-44.78", N})
	return rows
}

func mustDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestGoldenMedallion builds every layer of the real project on the golden
// data set, checks the gold tables against their YAML contracts, and
// compares every column of every gold row with the values above.
func TestGoldenMedallion(t *testing.T) {
	ctx := context.Background()
	s := openSession(ctx, t, newProject(t), "testdata/raw.sql")
	s.compile(ctx, t, goldenVars())
	sum := s.build(ctx, t, nil)
	if !sum.OK() {
		t.Fatalf("build did not pass:\n%s", strings.Join(failures(sum), "\n"))
	}

	cases := []struct {
		model string
		cols  []string
		want  [][]string
	}{
		{"gold_customer_analytics", []string{"customer_id", "name", "email", "country", "city", "registration_date", "first_order_date", "last_order_date", "total_orders", "total_revenue", "avg_order_value", "recency_days", "tenure_days", "purchase_frequency_per_year", "clv", "r_score", "f_score", "m_score", "rfm_score", "segment"}, expectedCustomers()},
		{"gold_product_performance", []string{"product_id", "product_name", "category", "subcategory", "brand", "price", "cost", "stock", "margin_pct", "units_sold", "revenue", "net_revenue", "cogs", "profit", "units_sold_last_12m", "inventory_turnover", "months_of_inventory", "stock_status", "sales_category", "avg_rating", "review_count", "last_sale_date", "days_since_last_sale", "revenue_rank"}, expectedProducts()},
		{"gold_sales_metrics", []string{"period_type", "period_start", "revenue", "orders", "unique_customers", "units_sold", "avg_order_value", "orders_per_customer", "revenue_prev_year", "yoy_growth_pct", "seasonality_index"}, sortedSales(expectedSales())},
		{"gold_cohort_retention", []string{"cohort_month", "months_since_registration", "cohort_size", "active_customers", "retention_pct", "cohort_revenue", "cumulative_revenue_per_customer"}, expectedCohorts()},
		{"gold_operational_metrics", []string{"critical_stock_products", "inventory_value_cost", "inventory_value_retail", "products_without_movement_90d", "avg_processing_days", "cancellation_rate_pct", "low_rated_products", "as_of_date"}, expectedOperational()},
		{"gold_category_operations", []string{"category", "orders", "cancelled_orders", "cancellation_rate_pct", "avg_processing_days", "avg_rating", "review_count"}, expectedCategories()},
		{"gold_payment_methods", []string{"payment_method", "orders", "share_pct", "revenue", "failed_pct"}, expectedPayments()},
		{"gold_rating_trends", []string{"review_month", "category", "avg_rating", "review_count"}, expectedRatings()},
	}
	// the query reading each gold table, in a stable order
	queries := map[string]string{
		"gold_customer_analytics":  `select * from gold.gold_customer_analytics order by customer_id`,
		"gold_product_performance": `select * from gold.gold_product_performance order by product_id`,
		"gold_sales_metrics":       `select * from gold.gold_sales_metrics order by period_type, period_start`,
		"gold_cohort_retention":    `select * from gold.gold_cohort_retention order by cohort_month, months_since_registration`,
		"gold_operational_metrics": `select * from gold.gold_operational_metrics`,
		"gold_category_operations": `select * from gold.gold_category_operations order by category`,
		"gold_payment_methods":     `select * from gold.gold_payment_methods order by payment_method`,
		"gold_rating_trends":       `select * from gold.gold_rating_trends order by review_month, category`,
	}
	checkGoldContracts(ctx, t, s)
	for _, tc := range cases {
		t.Run(tc.model, func(t *testing.T) {
			cols, rows := s.query(ctx, t, queries[tc.model])
			if strings.Join(cols, ",") != strings.Join(tc.cols, ",") {
				t.Fatalf("columns\n got %v\nwant %v", cols, tc.cols)
			}
			if len(rows) != len(tc.want) {
				t.Errorf("%d rows, want %d", len(rows), len(tc.want))
			}
			for i := 0; i < len(rows) && i < len(tc.want); i++ {
				for j := range tc.cols {
					if rows[i][j] != tc.want[i][j] {
						t.Errorf("row %d (%s) column %s = %s, want %s", i+1, strings.Join(tc.want[i][:2], " "), tc.cols[j], rows[i][j], tc.want[i][j])
					}
				}
			}
		})
	}
}

// sortedSales orders the expected sales rows as the query does: by
// period_type, then period_start.
func sortedSales(rows [][]string) [][]string {
	order := map[string]int{"day": 0, "month": 1, "quarter": 2, "week": 3, "year": 4}
	out := append([][]string(nil), rows...)
	// stable insertion by type keeps each type's dates ascending
	byType := make([][][]string, 5)
	for _, r := range out {
		byType[order[r[0]]] = append(byType[order[r[0]]], r)
	}
	out = out[:0]
	for _, g := range byType {
		out = append(out, g...)
	}
	return out
}
