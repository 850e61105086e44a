package medallion

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestBronzeIncremental shows bronze_orders and bronze_order_items read only
// the raw rows with a new id on a second run (a changed old row is not
// re-read) and merge them on id, and that --full-refresh reads everything.
func TestBronzeIncremental(t *testing.T) {
	ctx := context.Background()
	s := openSession(ctx, t, newProject(t), "testdata/raw.sql")
	s.compile(ctx, t, goldenVars())
	ids := []string{"model.techstore.bronze_orders", "model.techstore.bronze_order_items"}
	run := func(fullRefresh bool) {
		t.Helper()
		sum, err := exec.Run(ctx, s.db, runner{s.engine}, s.engine.Project, ids, exec.Options{
			Command: "run", FullRefresh: fullRefresh, TargetDir: filepath.Join(s.dir, "target"),
		})
		if err != nil || !sum.OK() {
			t.Fatalf("run: %v %s", err, strings.Join(failures(sum), "\n"))
		}
	}
	check := func(step, q, want string) {
		t.Helper()
		_, rows := s.query(ctx, t, q)
		if got := rows[0][0]; got != want {
			t.Errorf("%s: %s = %s, want %s", step, q, got, want)
		}
	}
	const orders = `select count(*) || ' orders, order 1 notes ' || coalesce(max(case when id = 1 then notes end), 'NULL') from bronze.bronze_orders`
	const items = `select count(*) || ' items, max id ' || max(id) from bronze.bronze_order_items`

	run(false)
	check("first run", orders, "8 orders, order 1 notes NULL")
	check("first run", items, "10 items, max id 10")

	if _, err := s.db.Exec(ctx, `
		update techstore.orders set notes = 'changed later' where id = 1;
		insert into techstore.orders values (9, 2, '2026-01-21 09:00:00', 'pending', 'paypal', 'pending', 800.00, 0, 0, 0, 800.00, '1 Main St, Boston', '2026-01-28', null, null);
		insert into techstore.order_items values (11, 9, 2, 1, 800.00, 500.00, 800.00, 0, '2026-01-21 09:00:00');`); err != nil {
		t.Fatal(err)
	}
	run(false)
	// only id 9 / 11 are new: order 1's change is not read back
	check("incremental run", orders, "9 orders, order 1 notes NULL")
	check("incremental run", items, "11 items, max id 11")

	run(true)
	check("full refresh", orders, "9 orders, order 1 notes changed later")
	check("full refresh", items, "11 items, max id 11")
}

// TestAsOfDefaultsToLatestOrder builds without the as_of_date var: the
// as-of date is then the date of the latest order of the golden data set
// (order 7, 2026-01-20 23:59:59), so every "days since" is measured to
// 2026-01-20, never to the wall clock.
func TestAsOfDefaultsToLatestOrder(t *testing.T) {
	ctx := context.Background()
	s := openSession(ctx, t, newProject(t), "testdata/raw.sql")
	s.compile(ctx, t, nil)
	sum := s.build(ctx, t, func(n *project.Node) bool { return n.ResourceType != project.Test })
	if !sum.OK() {
		t.Fatalf("build: %s", strings.Join(failures(sum), "\n"))
	}
	cases := []struct{ name, q, want string }{
		{"snapshot date", `select as_of_date from gold.gold_operational_metrics`, "2026-01-20"},
		// customer 1: last order 2026-01-15 -> 5 days; first 2025-01-15 -> 365 + 5 = 370
		{"customer 1 recency and tenure", `select recency_days || '/' || tenure_days from gold.gold_customer_analytics where customer_id = 1`, "5/370"},
		// customer 6 ordered on the as-of date itself
		{"customer 6 recency", `select recency_days from gold.gold_customer_analytics where customer_id = 6`, "0"},
		// p3 last sold 2025-11-05: 25 + 31 + 20 = 76 days
		{"product 3 days since last sale", `select days_since_last_sale from gold.gold_product_performance where product_id = 3`, "76"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, rows := s.query(ctx, t, tc.q)
			if len(rows) != 1 || rows[0][0] != tc.want {
				t.Errorf("%s = %v, want %s", tc.q, rows, tc.want)
			}
		})
	}
}
