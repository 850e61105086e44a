package api

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/api/table"
)

func TestHealthAndReady(t *testing.T) {
	s := newFixtureServer(t)
	jsonEqual(t, get(t, s.URL+"/health").Body, `{"status":"ok"}`)
	r := get(t, s.URL+"/ready")
	if r.Status != http.StatusOK {
		t.Fatalf("/ready: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if m["status"] != "ready" || m["as_of_date"] != "2026-10-31" || m["snapshot"] != 1.0 || m["loaded_at"] == nil {
		t.Errorf("/ready = %s", r.Body)
	}
	counts := m["row_counts"].(map[string]any)
	want := map[string]float64{"gold_customer_analytics": 5, "gold_product_performance": 4, "gold_sales_metrics": 11, "gold_cohort_retention": 3,
		"gold_operational_metrics": 1, "gold_category_operations": 3, "gold_payment_methods": 3, "gold_rating_trends": 3}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("row_counts[%s] = %v, want %v", k, counts[k], v)
		}
	}
}

func TestNoSnapshotYet(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.duckdb")
	s := startServer(t, &DuckDB{Path: missing, Retries: 1}, "")
	for _, p := range []string{"/api/customers/analytics", "/api/sales/summary", "/ready"} {
		r := get(t, s.URL+p)
		if r.Status != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", p, r.Status)
		}
	}
	if r := get(t, s.URL+"/ready"); !strings.Contains(string(r.Body), "techstore build") {
		t.Errorf("/ready does not say how to get a snapshot: %s", r.Body)
	}
	if r := get(t, s.URL+"/health"); r.Status != http.StatusOK {
		t.Errorf("/health: %d", r.Status)
	}
}

func TestReloadEndpoint(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, http.StatusUnauthorized},
		{"not bearer", map[string]string{"Authorization": "s3cret"}, http.StatusUnauthorized},
		{"right token", map[string]string{"Authorization": "Bearer s3cret"}, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, http.MethodPost, s.URL+"/admin/reload", c.hdr)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
		})
	}
	if m := get(t, s.URL+"/ready").JSON(t); m["snapshot"] != 2.0 {
		t.Errorf("after one good reload the snapshot is %v, want 2", m["snapshot"])
	}
	// Disabled without a token.
	d := startServer(t, &DuckDB{Path: s.Path}, "")
	if r := do(t, http.MethodPost, d.URL+"/admin/reload", map[string]string{"Authorization": "Bearer "}); r.Status != http.StatusForbidden {
		t.Errorf("reload without a server token: %d, want 403", r.Status)
	}
}

// A writer (techstore run) can open the DuckDB file read-write while the
// server is up, and a reload then serves what it wrote.
func TestWriterWhileServing(t *testing.T) {
	s := newFixtureServer(t)
	db, err := sql.Open("duckdb", s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO gold.gold_customer_analytics (customer_id, name, email, registration_date, total_orders, total_revenue, purchase_frequency_per_year, clv, segment)
		VALUES (6, 'Fay New', 'fay@example.com', DATE '2026-10-01', 0, 0, 0, -25, 'No Purchases')`); err != nil {
		t.Fatalf("writer could not write while the server runs: %v", err)
	}
	// While the writer holds the file, the API keeps answering from memory.
	if r := get(t, s.URL+"/api/customers/analytics/6"); r.Status != http.StatusNotFound {
		t.Errorf("before reload: %d, want 404", r.Status)
	}
	if r := get(t, s.URL+"/api/customers/analytics"); r.JSON(t)["total"] != 5.0 {
		t.Errorf("before reload total = %v", r.JSON(t)["total"])
	}
	// A reload while the writer holds the lock fails and keeps the old snapshot.
	s.Store.opener.(*DuckDB).Retries, s.Store.opener.(*DuckDB).Backoff = 2, 10*time.Millisecond
	if _, err := s.Store.Reload(context.Background()); err == nil {
		t.Log("reload succeeded while a writer held the file (DuckDB allowed the read-only open)")
	} else {
		m := get(t, s.URL+"/ready").JSON(t)
		if m["status"] != "stale" || m["last_reload_error"] == "" {
			t.Errorf("/ready after a failed reload: %v", m)
		}
		if r := get(t, s.URL+"/api/customers/analytics"); r.Status != http.StatusOK {
			t.Errorf("after a failed reload: %d", r.Status)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if r := do(t, http.MethodPost, s.URL+"/admin/reload", map[string]string{"Authorization": "Bearer s3cret"}); r.Status != http.StatusOK {
		t.Fatalf("reload: %d %s", r.Status, r.Body)
	}
	if r := get(t, s.URL+"/api/customers/analytics/6"); r.Status != http.StatusOK {
		t.Errorf("after reload: %d, want 200: %s", r.Status, r.Body)
	}
	if m := get(t, s.URL+"/ready").JSON(t); m["status"] != "ready" {
		t.Errorf("/ready after a good reload: %v", m)
	}
}

// alternating loads two warehouses in turn.
type alternating struct {
	a, b Opener
	n    atomic.Int64
}

func (o *alternating) Open(ctx context.Context) (table.Source, io.Closer, error) {
	if o.n.Add(1)%2 == 1 {
		return o.a.Open(ctx)
	}
	return o.b.Open(ctx)
}

func (o *alternating) Describe() string { return "alternating" }

// Under concurrent load, reloads swap whole snapshots: no request fails and
// none sees rows of two snapshots.
func TestReloadUnderLoadNeverMixesSnapshots(t *testing.T) {
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a.duckdb"), filepath.Join(dir, "b.duckdb")
	buildWarehouse(t, pa, "UPDATE gold.gold_customer_analytics SET city = 'snapA'", "UPDATE gold.gold_product_performance SET subcategory = 'snapA'")
	buildWarehouse(t, pb, "UPDATE gold.gold_customer_analytics SET city = 'snapB'", "UPDATE gold.gold_product_performance SET subcategory = 'snapB'",
		"DELETE FROM gold.gold_customer_analytics WHERE customer_id = 5")
	s := startServer(t, &alternating{a: &DuckDB{Path: pa}, b: &DuckDB{Path: pb}}, "s3cret")

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var requests, errs atomic.Int64
	var mu sync.Mutex
	var failures []string
	fail := func(f string, a ...any) {
		errs.Add(1)
		mu.Lock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(f, a...))
		}
		mu.Unlock()
	}
	cityRE := regexp.MustCompile(`"city":"(snap.)"`)
	subRE := regexp.MustCompile(`"subcategory":"(snap.)"`)
	check := func(path string, re *regexp.Regexp, total map[string]string) {
		r, err := client.Get(s.URL + path)
		if err != nil {
			fail("%s: %v", path, err)
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		requests.Add(1)
		if r.StatusCode != http.StatusOK {
			fail("%s: status %d", path, r.StatusCode)
			return
		}
		seen := map[string]bool{}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		if len(seen) != 1 {
			fail("%s: rows of snapshots %v in one response", path, seen)
			return
		}
		for tag := range seen {
			if want, ok := total[tag]; ok && !strings.Contains(string(b), want) {
				fail("%s: snapshot %s with the other snapshot's total: %s", path, tag, b)
			}
		}
	}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				switch w % 3 {
				case 0:
					check("/api/customers/analytics", cityRE, map[string]string{"snapA": `"total":5`, "snapB": `"total":4`})
				case 1:
					check("/api/customers/top-customers?limit=3", cityRE, nil)
				default:
					check("/api/products/performance?sort=-revenue", subRE, nil)
				}
			}
		}(w)
	}
	reloads := 0
	for ; reloads < 10; reloads++ {
		if _, err := s.Store.Reload(ctx); err != nil {
			t.Errorf("reload %d: %v", reloads, err)
		}
	}
	cancel()
	wg.Wait()
	if errs.Load() > 0 {
		t.Errorf("%d of %d requests failed during %d reloads: %v", errs.Load(), requests.Load(), reloads, failures)
	}
	if requests.Load() < 100 {
		t.Errorf("too little happened to show anything: %d reloads, %d requests", reloads, requests.Load())
	}
	t.Logf("%d requests during %d reloads", requests.Load(), reloads)
}

func TestWatchReloadsWhenARunFinishes(t *testing.T) {
	s := newFixtureServer(t)
	marker := filepath.Join(t.TempDir(), "run_results.json")
	if err := os.WriteFile(marker, []byte(`{"results":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Store.Watch(ctx, marker, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(60 * time.Millisecond)
	if seq := s.Store.Current().Seq; seq != 1 {
		t.Fatalf("reloaded without a run: snapshot %d", seq)
	}
	// A run finishes: run_results.json is rewritten.
	later := time.Now().Add(2 * time.Second)
	if err := os.WriteFile(marker, []byte(`{"results":[{"status":"success"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(marker, later, later)
	for i := 0; i < 200 && s.Store.Current().Seq == 1; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if seq := s.Store.Current().Seq; seq != 2 {
		t.Errorf("after the run the snapshot is %d, want 2", seq)
	}
}

func TestDocsWorkOffline(t *testing.T) {
	s := newFixtureServer(t)
	r := get(t, s.URL+"/docs")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/docs: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	page := string(r.Body)
	if ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(page); ext != "" {
		t.Errorf("/docs loads something from another host: %s", ext)
	}
	// Every asset the page names is served by the binary.
	for _, m := range regexp.MustCompile(`(?:src|href)="(/docs/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		a := get(t, s.URL+m[1])
		if a.Status != http.StatusOK || len(a.Body) == 0 {
			t.Errorf("%s: %d", m[1], a.Status)
		}
	}
	init := get(t, s.URL+"/docs/techstore-init.js")
	if !strings.Contains(string(init.Body), `url: "/openapi.json"`) || strings.Contains(string(init.Body), "http") {
		t.Errorf("initializer does not point at the local document: %s", init.Body)
	}
	if r := get(t, s.URL+"/docs/swagger-initializer.js"); r.Status != http.StatusNotFound {
		t.Errorf("the upstream initializer (petstore URL) is served: %d", r.Status)
	}
}

func TestMiddleware(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name   string
		method string
		hdr    map[string]string
		check  func(r response) string
	}{
		{"request id made", http.MethodGet, nil, func(r response) string {
			if r.Header.Get("X-Request-ID") == "" {
				return "no X-Request-ID"
			}
			return ""
		}},
		{"request id kept", http.MethodGet, map[string]string{"X-Request-ID": "abc-123"}, func(r response) string {
			if got := r.Header.Get("X-Request-ID"); got != "abc-123" {
				return "X-Request-ID " + got
			}
			return ""
		}},
		{"malformed request id replaced", http.MethodGet, map[string]string{"X-Request-ID": "bad id\twith spaces"}, func(r response) string {
			if got := r.Header.Get("X-Request-ID"); got == "" || strings.Contains(got, " ") {
				return "X-Request-ID " + got
			}
			return ""
		}},
		{"CORS allowed origin", http.MethodGet, map[string]string{"Origin": "https://dash.example"}, func(r response) string {
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "https://dash.example" {
				return "Allow-Origin " + got
			}
			return ""
		}},
		{"CORS other origin", http.MethodGet, map[string]string{"Origin": "https://evil.example"}, func(r response) string {
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				return "Allow-Origin " + got
			}
			return ""
		}},
		{"CORS preflight", http.MethodOptions, map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "GET"}, func(r response) string {
			if r.Status != http.StatusNoContent || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "GET") {
				return fmt.Sprintf("preflight %d %v", r.Status, r.Header)
			}
			return ""
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if msg := c.check(do(t, c.method, s.URL+"/api/sales/summary", c.hdr)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestPanicBecomesProblem(t *testing.T) {
	h := observe(discardLogger(), false)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, mustRequest(t))
	if rec.status != http.StatusInternalServerError || rec.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.body.String(), "request id") {
		t.Errorf("panic answered %d %v %s", rec.status, rec.header, rec.body.String())
	}
}

func TestReloadEvery(t *testing.T) {
	s := newFixtureServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Store.ReloadEvery(ctx, 30*time.Millisecond); close(done) }()
	for i := 0; i < 300 && s.Store.Current().Seq < 3; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if seq := s.Store.Current().Seq; seq < 3 {
		t.Errorf("after a few intervals the snapshot is %d, want at least 3", seq)
	}
}

func TestUnknownRoutesAreProblems(t *testing.T) {
	s := newFixtureServer(t)
	cases := []struct {
		name, method, path string
		status             int
		mention            string
	}{
		{"unknown path", http.MethodGet, "/api/customers/everything", http.StatusNotFound, "/docs"},
		{"unknown root", http.MethodGet, "/nope", http.StatusNotFound, "/openapi.json"},
		{"wrong method", http.MethodDelete, "/api/sales/summary", http.StatusMethodNotAllowed, "DELETE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, s.URL+c.path, nil)
			if r.Status != c.status || r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.Body), c.mention) {
				t.Errorf("%s %s: %d %s %s", c.method, c.path, r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		})
	}
}

func TestETagsFollowTheSnapshot(t *testing.T) {
	s := newFixtureServer(t)
	first := get(t, s.URL+"/api/sales/summary")
	tag := first.Header.Get("ETag")
	if tag == "" || !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("ETag = %q", tag)
	}
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"same snapshot", map[string]string{"If-None-Match": tag}, http.StatusNotModified},
		{"other tag", map[string]string{"If-None-Match": `W/"x-1"`}, http.StatusOK},
		{"no tag", nil, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := do(t, http.MethodGet, s.URL+"/api/sales/summary", c.hdr); r.Status != c.status {
				t.Errorf("status %d, want %d", r.Status, c.status)
			}
		})
	}
	if _, err := s.Store.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := do(t, http.MethodGet, s.URL+"/api/sales/summary", map[string]string{"If-None-Match": tag})
	if r.Status != http.StatusOK || r.Header.Get("ETag") == tag {
		t.Errorf("after a reload: %d, ETag %q (was %q)", r.Status, r.Header.Get("ETag"), tag)
	}
	if h := get(t, s.URL+"/health"); h.Header.Get("ETag") != "" {
		t.Errorf("/health has an ETag")
	}
}
