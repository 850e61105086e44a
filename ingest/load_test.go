package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// loadFile loads cfg into a fresh DuckDB file and returns it opened.
func loadFile(t *testing.T, cfg Config) (*sql.DB, Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warehouse", "techstore.duckdb")
	rep, err := LoadDuckDB(context.Background(), path, cfg, Options{})
	if err != nil {
		t.Fatalf("load %+v: %v", cfg, err)
	}
	return openDB(t, path), rep
}

// openDB attaches the DuckDB file as catalog "wh" on one connection, so
// that "techstore.customers" is unambiguous even when the file is named
// techstore.duckdb.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{"ATTACH '" + path + "' AS wh", "USE wh"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return db
}

func queryInt(t *testing.T, db *sql.DB, q string) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

func queryFloat(t *testing.T, db *sql.DB, q string) float64 {
	t.Helper()
	var f sql.NullFloat64
	if err := db.QueryRow(q).Scan(&f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return f.Float64
}

// TestInvariants loads whole data sets and checks every rule of data.md
// with SQL on the loaded tables.
func TestInvariants(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"scale 1 default end date", Config{Scale: 1, Seed: 42, EndDate: DefaultEndDate}},
		{"scale 2 other seed", Config{Scale: 2, Seed: 7, EndDate: DefaultEndDate}},
		{"scale 1 end date mid-year", Config{Scale: 1, Seed: 3, EndDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}},
		{"scale 1 end date mid-month", Config{Scale: 1, Seed: 4, EndDate: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, rep := loadFile(t, tc.cfg)
			s := int64(tc.cfg.Scale)
			end := tc.cfg.EndDate.Format(time.DateOnly)
			// Window: the 24 months ending on the end date; 24 calendar
			// months when it is a month's last day, 25 otherwise.
			start := tc.cfg.EndDate.AddDate(0, -24, 1).Format(time.DateOnly)
			months := int64(24)
			if tc.cfg.EndDate.AddDate(0, 0, 1).Day() != 1 {
				months = 25
			}

			// Volumes: each query's value must lie in [lo, hi].
			volumes := []struct {
				name   string
				q      string
				lo, hi int64
			}{
				{"customers", "SELECT count(*) FROM techstore.customers", 1000 * s, 1 << 40},
				{"countries", "SELECT count(DISTINCT country) FROM techstore.customers", 10, 14},
				{"categories", "SELECT count(*) FROM techstore.product_categories", 15, 20},
				{"top-level categories", "SELECT count(*) FROM techstore.product_categories WHERE parent_category_id IS NULL", 2, 10},
				{"subcategories of a top-level parent", `SELECT count(*) FROM techstore.product_categories c
					JOIN techstore.product_categories p ON c.parent_category_id = p.id WHERE p.parent_category_id IS NULL`, 5, 18},
				{"products", "SELECT count(*) FROM techstore.products", 200 * s, 1 << 40},
				{"orders", "SELECT count(*) FROM techstore.orders", 5000 * s, 1 << 40},
				{"reviews", "SELECT count(*) FROM techstore.reviews", 2000 * s, 1 << 40},
				{"months with orders", "SELECT count(DISTINCT date_trunc('month', order_date)) FROM techstore.orders", months, months},
				{"orders before the window", "SELECT count(*) FROM techstore.orders WHERE order_date < DATE '" + start + "'", 0, 0},
				{"orders after the end date", "SELECT count(*) FROM techstore.orders WHERE order_date >= DATE '" + end + "' + INTERVAL 1 DAY", 0, 0},
				{"orders on the end date", "SELECT count(*) FROM techstore.orders WHERE CAST(order_date AS DATE) = DATE '" + end + "'", 1, 1 << 40},
				{"orders on the first day", "SELECT count(*) FROM techstore.orders WHERE CAST(order_date AS DATE) = DATE '" + start + "'", 1, 1 << 40},
			}
			for _, v := range volumes {
				if got := queryInt(t, db, v.q); got < v.lo || got > v.hi {
					t.Errorf("%s: got %d, want between %d and %d", v.name, got, v.lo, v.hi)
				}
			}
			if got := queryFloat(t, db, "SELECT (SELECT count(*) FROM techstore.order_items) / (SELECT count(*) FROM techstore.orders)"); got < 2.3 || got > 2.7 {
				t.Errorf("items per order = %.3f, want 2.3..2.7", got)
			}

			// Rules: each query counts the rows that break a rule; want 0.
			rules := []struct{ name, q string }{
				{"line_total formula", `SELECT count(*) FROM techstore.order_items
					WHERE line_total <> CAST(round(quantity * unit_price * (1 - discount_percent / 100), 2) AS DECIMAL(10,2))`},
				{"unit price and cost are the product's", `SELECT count(*) FROM techstore.order_items i JOIN techstore.products p ON p.id = i.product_id
					WHERE i.unit_price <> p.price OR i.unit_cost <> p.cost`},
				{"cost below price", "SELECT count(*) FROM techstore.products WHERE cost >= price OR cost <= 0"},
				{"subtotal is the sum of lines", `SELECT count(*) FROM techstore.orders o LEFT JOIN
					(SELECT order_id, sum(line_total) s FROM techstore.order_items GROUP BY order_id) i ON i.order_id = o.id
					WHERE i.s IS NULL OR o.subtotal <> i.s`},
				{"total formula", "SELECT count(*) FROM techstore.orders WHERE total_amount <> subtotal + tax_amount + shipping_cost - discount_amount"},
				{"non-positive total", "SELECT count(*) FROM techstore.orders WHERE total_amount <= 0"},
				{"order before registration", `SELECT count(*) FROM techstore.orders o JOIN techstore.customers c ON c.id = o.customer_id
					WHERE o.order_date < c.registration_date`},
				{"review before its order", `SELECT count(*) FROM techstore.reviews r JOIN techstore.orders o ON o.id = r.order_id
					WHERE r.review_date < o.order_date`},
				{"review after the end date", "SELECT count(*) FROM techstore.reviews WHERE review_date >= DATE '" + end + "' + INTERVAL 1 DAY"},
				{"delivered without delivery date", `SELECT count(*) FROM techstore.orders
					WHERE status = 'delivered' AND (actual_delivery IS NULL OR actual_delivery < order_date OR actual_delivery > DATE '` + end + `')`},
				{"undelivered with delivery date", "SELECT count(*) FROM techstore.orders WHERE status IN ('shipped', 'confirmed', 'pending') AND actual_delivery IS NOT NULL"},
				{"old pending order", "SELECT count(*) FROM techstore.orders WHERE status = 'pending' AND order_date < DATE '" + end + "' - INTERVAL 3 DAY"},
				{"cancelled with wrong payment status", "SELECT count(*) FROM techstore.orders WHERE status = 'cancelled' AND payment_status NOT IN ('refunded', 'failed', 'pending')"},
				{"unknown payment method", "SELECT count(*) FROM techstore.orders WHERE payment_method NOT IN (" + quotedList(PaymentMethods) + ")"},
				{"unknown country", "SELECT count(*) FROM techstore.customers WHERE country IS NULL OR country NOT IN (" + quotedList(Countries) + ")"},
				{"category not a top-level category", `SELECT count(*) FROM techstore.products p
					WHERE NOT EXISTS (SELECT 1 FROM techstore.product_categories c WHERE c.name = p.category AND c.parent_category_id IS NULL)`},
				{"subcategory not under its category", `SELECT count(*) FROM techstore.products p
					WHERE NOT EXISTS (SELECT 1 FROM techstore.product_categories s JOIN techstore.product_categories c ON c.id = s.parent_category_id
					WHERE s.name = p.subcategory AND c.name = p.category)`},
				{"verified review without matching purchase", `SELECT count(*) FROM techstore.reviews r WHERE r.is_verified_purchase AND NOT EXISTS (
					SELECT 1 FROM techstore.orders o JOIN techstore.order_items i ON i.order_id = o.id
					WHERE o.id = r.order_id AND o.customer_id = r.customer_id AND i.product_id = r.product_id)`},
				{"helpful above total votes", "SELECT count(*) FROM techstore.reviews WHERE helpful_votes > total_votes OR helpful_votes < 0"},
				{"rating out of range", "SELECT count(*) FROM techstore.reviews WHERE rating NOT BETWEEN 1 AND 5"},
				{"product twice in an order", "SELECT count(*) FROM (SELECT order_id, product_id FROM techstore.order_items GROUP BY ALL HAVING count(*) > 1)"},
				{"never-sold product in an order", "SELECT count(*) FROM techstore.order_items i JOIN techstore.products p ON p.id = i.product_id WHERE p.launch_date > CAST(i.created_at AS DATE)"},
				{"low rating with a glowing title", "SELECT count(*) FROM techstore.reviews WHERE rating = 1 AND title IN ('Excellent!', 'Love it', 'Perfect')"},
			}
			for _, r := range rules {
				if got := queryInt(t, db, r.q); got != 0 {
					t.Errorf("%s: %d rows break it", r.name, got)
				}
			}

			// The story an analyst should find.
			verified := queryFloat(t, db, "SELECT avg(CASE WHEN is_verified_purchase THEN 1.0 ELSE 0 END) FROM techstore.reviews")
			if verified < 0.7 {
				t.Errorf("verified reviews = %.2f, want >= 0.70", verified)
			}
			// Revenue per day of each calendar month (months may be partial).
			monthly := `SELECT date_trunc('month', order_date) m, sum(total_amount) / count(DISTINCT CAST(order_date AS DATE)) rev
				FROM techstore.orders GROUP BY 1`
			for _, month := range []int{11, 12} {
				ratio := queryFloat(t, db, fmt.Sprintf(`SELECT avg(rev) FILTER (WHERE month(m) = %d) / avg(rev) FROM (%s)`, month, monthly))
				if ratio < 1.25 {
					t.Errorf("month %d sells %.2f x the average month per day, want clearly more (>= 1.25)", month, ratio)
				}
			}
			growth := queryFloat(t, db, `SELECT sum(total_amount) FILTER (WHERE order_date >= DATE '`+start+`' + INTERVAL 12 MONTH)
				/ sum(total_amount) FILTER (WHERE order_date < DATE '`+start+`' + INTERVAL 12 MONTH) FROM techstore.orders`)
			if growth < 1.1 {
				t.Errorf("second year / first year revenue = %.2f, want > 1.1", growth)
			}
			top := queryFloat(t, db, `SELECT sum(u) FILTER (WHERE rk <= n / 10) / sum(u) FROM (
				SELECT sum(quantity) u, row_number() OVER (ORDER BY sum(quantity) DESC) rk, (SELECT count(*) FROM techstore.products) n
				FROM techstore.order_items GROUP BY product_id)`)
			if top < 0.5 {
				t.Errorf("top 10%% of products sell %.2f of the units, want a long tail (>= 0.5)", top)
			}
			if n := queryInt(t, db, "SELECT count(*) FROM techstore.products p WHERE NOT EXISTS (SELECT 1 FROM techstore.order_items i WHERE i.product_id = p.id)"); n < 3*s {
				t.Errorf("never-sold products = %d, want some (>= %d)", n, 3*s)
			}
			if n := queryInt(t, db, "SELECT count(*) FROM techstore.products WHERE stock <= 5"); n < 5*s {
				t.Errorf("products with critical stock = %d, want some (>= %d)", n, 5*s)
			}

			// The report's row counts are the tables' row counts.
			for i, name := range TableNames() {
				if got := queryInt(t, db, "SELECT count(*) FROM techstore."+name); got != rep.Rows[i] {
					t.Errorf("report says %d rows in %s, table has %d", rep.Rows[i], name, got)
				}
			}
		})
	}
}

// TestDefects checks that each planted defect's reported count is the
// number of rows SQL finds, that each kind is present (at most 8% of rows),
// and that the other columns are clean.
func TestDefects(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"scale 1 seed 11", Config{Scale: 1, Seed: 11, EndDate: DefaultEndDate}},
		{"scale 2 seed 12", Config{Scale: 2, Seed: 12, EndDate: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkDefects(t, tc.cfg) })
	}
}

func checkDefects(t *testing.T, cfg Config) {
	db, rep := loadFile(t, cfg)
	rows := map[string]int64{}
	for i, n := range TableNames() {
		rows[n] = rep.Rows[i]
	}
	if len(rep.Defects) != 14 {
		t.Fatalf("report has %d defect kinds, want 14", len(rep.Defects))
	}
	for _, d := range rep.Defects {
		t.Run(d.Kind, func(t *testing.T) {
			got := queryInt(t, db, "SELECT count(*) FROM techstore."+d.Table+" WHERE "+d.Check)
			if got != d.Count {
				t.Errorf("reported %d, SQL finds %d (%s)", d.Count, got, d.Check)
			}
			rate := float64(d.Count) / float64(rows[d.Table])
			if d.Count == 0 || rate > 0.08 {
				t.Errorf("%d of %d rows = %.2f%%, want some and at most 8%%", d.Count, rows[d.Table], 100*rate)
			}
		})
	}
	// Independent checks of what the predicates mean.
	clean := []struct{ name, q string }{
		{"duplicates are later registrations of the same email", `SELECT count(*) - count(DISTINCT lower(trim(email))) FROM techstore.customers`},
		{"duplicate who is another person", `SELECT count(*) FROM techstore.customers d JOIN techstore.customers o
			ON lower(trim(o.email)) = lower(trim(d.email)) AND o.registration_date < d.registration_date
			WHERE lower(regexp_replace(trim(o.name), ' +', ' ', 'g')) <> lower(regexp_replace(trim(d.name), ' +', ' ', 'g')) OR o.country <> d.country`},
		{"NULLs outside the defect columns", `SELECT count(*) FROM techstore.customers WHERE name IS NULL OR email IS NULL OR registration_date IS NULL OR country IS NULL OR is_active IS NULL`},
		{"NULL product values", `SELECT count(*) FROM techstore.products WHERE description IS NULL OR subcategory IS NULL OR model IS NULL OR stock IS NULL OR weight_kg IS NULL OR dimensions IS NULL OR launch_date IS NULL OR created_at IS NULL`},
		{"NULL order values", `SELECT count(*) FROM techstore.orders WHERE order_date IS NULL OR payment_status IS NULL OR subtotal IS NULL OR tax_amount IS NULL OR shipping_cost IS NULL OR discount_amount IS NULL OR shipping_address IS NULL OR estimated_delivery IS NULL`},
		{"NULL review values", `SELECT count(*) FROM techstore.reviews WHERE title IS NULL OR comment IS NULL OR review_date IS NULL OR is_verified_purchase IS NULL`},
		{"unverified reviews with an order", `SELECT count(*) FROM techstore.reviews WHERE NOT is_verified_purchase AND order_id IS NOT NULL`},
		{"phones with other characters", `SELECT count(*) FROM techstore.customers WHERE NOT regexp_full_match(phone, '[0-9 +()-]+')`},
		{"emails with internal spaces", `SELECT count(*) FROM techstore.customers WHERE trim(email) LIKE '% %' OR email NOT LIKE '%@%.%'`},
	}
	dup := queryInt(t, db, clean[0].q)
	for _, d := range rep.Defects {
		if d.Kind == DefectDuplicate && d.Count != dup {
			t.Errorf("duplicates: reported %d, count(*) - count(DISTINCT lower(trim(email))) = %d", d.Count, dup)
		}
	}
	for _, c := range clean[1:] {
		if got := queryInt(t, db, c.q); got != 0 {
			t.Errorf("%s: %d rows", c.name, got)
		}
	}
}

// checksums returns an md5 of every table's rows in id order.
func checksums(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range TableNames() {
		var sum string
		q := "SELECT md5(string_agg(CAST(x AS VARCHAR), chr(10) ORDER BY x.id)) FROM techstore." + n + " x"
		if err := db.QueryRow(q).Scan(&sum); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out[n] = sum
	}
	return out
}

func TestDeterminism(t *testing.T) {
	base := Config{Scale: 1, Seed: 42, EndDate: DefaultEndDate}
	dbA, _ := loadFile(t, base)
	want := checksums(t, dbA)
	cases := []struct {
		name string
		cfg  Config
		same bool
	}{
		{"same seed and scale", base, true},
		{"other seed", Config{Scale: 1, Seed: 43, EndDate: DefaultEndDate}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := loadFile(t, tc.cfg)
			got := checksums(t, db)
			for _, n := range TableNames() {
				if n == TableCategories {
					if got[n] != want[n] {
						t.Errorf("%s differs; the categories are fixed", n)
					}
					continue
				}
				if (got[n] == want[n]) != tc.same {
					t.Errorf("%s: checksum %s vs %s, want same=%v", n, got[n], want[n], tc.same)
				}
			}
		})
	}
}

// failingSink fails (or cancels the load) once n rows of one table went through.
type failingSink struct {
	Sink
	table, n int
	cancel   context.CancelFunc
	seen     int
}

var errPlanted = errors.New("planted failure")

func (f *failingSink) Append(t int, vals []any) error {
	if t == f.table {
		f.seen++
		if f.seen == f.n {
			if f.cancel != nil {
				f.cancel()
			} else {
				return errPlanted
			}
		}
	}
	return f.Sink.Append(t, vals)
}

// TestAllOrNothing checks the refusal without --replace and that a failed
// load leaves the previous tables (or no tables) in place.
func TestAllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	ctx := context.Background()
	first := Config{Scale: 1, Seed: 1, EndDate: DefaultEndDate}

	// A failed first load leaves no table behind.
	_, err := loadDuckDB(ctx, path, first, Options{}, func(s Sink) Sink { return &failingSink{Sink: s, table: tOrders, n: 100} })
	if !errors.Is(err, errPlanted) {
		t.Fatalf("failed first load: got %v, want the planted error", err)
	}
	db := openDB(t, path)
	if n := queryInt(t, db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'techstore'"); n != 0 {
		t.Fatalf("failed first load left %d tables", n)
	}
	db.Close()

	if _, err := LoadDuckDB(ctx, path, first, Options{}); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, path)
	want := checksums(t, db)
	db.Close()

	second := Config{Scale: 1, Seed: 2, EndDate: DefaultEndDate}
	cases := []struct {
		name    string
		replace bool
		wrap    func(cancel context.CancelFunc) func(Sink) Sink
		check   func(error) bool
	}{
		{"refused without replace", false, nil, func(err error) bool {
			var e *ExistingDataError
			return errors.As(err, &e) && len(e.Order) == 6 && e.Tables[TableCustomers] == 1100
		}},
		{"planted error in order_items", true, func(context.CancelFunc) func(Sink) Sink {
			return func(s Sink) Sink { return &failingSink{Sink: s, table: tItems, n: 5000} }
		}, func(err error) bool { return errors.Is(err, errPlanted) }},
		{"cancelled during reviews", true, func(cancel context.CancelFunc) func(Sink) Sink {
			return func(s Sink) Sink { return &failingSink{Sink: s, table: tReviews, n: 300, cancel: cancel} }
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var wrap func(Sink) Sink
			if tc.wrap != nil {
				wrap = tc.wrap(cancel)
			}
			_, err := loadDuckDB(cctx, path, second, Options{Replace: tc.replace}, wrap)
			if err == nil || !tc.check(err) {
				t.Fatalf("got error %v", err)
			}
			db := openDB(t, path)
			defer db.Close()
			got := checksums(t, db)
			for _, n := range TableNames() {
				if got[n] != want[n] {
					t.Errorf("%s changed after a failed load", n)
				}
			}
		})
	}

	// With --replace a good load replaces everything, and identity goes on.
	if _, err := LoadDuckDB(ctx, path, second, Options{Replace: true}); err != nil {
		t.Fatal(err)
	}
	db, err = sql.Open("duckdb", path) // catalog "w", the file's own name
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := checksums(t, db); got[TableOrders] == want[TableOrders] {
		t.Errorf("orders unchanged after a load with --replace and another seed")
	}
	if _, err := db.Exec("INSERT INTO techstore.customers (name, email) VALUES ('New Person', 'new.person@example.com')"); err != nil {
		t.Fatalf("insert without id: %v", err)
	}
	if n := queryInt(t, db, "SELECT id FROM techstore.customers WHERE email = 'new.person@example.com'"); n != 1101 {
		t.Errorf("identity: new customer got id %d, want 1101", n)
	}
}
