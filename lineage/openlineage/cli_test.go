package openlineage_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/techstore-analytics/techstore/internal/cli"
	"github.com/techstore-analytics/techstore/lineage/openlineage"
)

// TestBuildEmitsEvents runs `techstore build` on a small project in the
// embedded DuckDB with both sinks, and validates every event it emitted.
func TestBuildEmitsEvents(t *testing.T) {
	evSchema, facetSchemas := openlineage.LoadSchemas(t)
	dir := t.TempDir()
	t.Setenv("HOME", dir) // the built-in dev target
	files := map[string]string{
		"project.yml":                  "name: tp\nprofile: tp\nmodels:\n  tp:\n    silver: {+materialized: table, +schema: silver}\n    gold: {+materialized: table, +schema: gold}\nseeds:\n  tp: {+schema: silver}\n",
		"seeds/countries.csv":          "code,name\nDE,Germany\nFR,France\n",
		"models/silver/s_orders.sql":   `select * from (values (1, 'DE', 10.0), (2, 'FR', 5.5)) v(id, country, amount)`,
		"models/silver/bad.sql":        `select nope`,
		"models/gold/after_bad.sql":    `select * from {{ ref "bad" }}`,
		"models/gold/g_by_country.sql": `select o.country, c.name, sum(o.amount) as total from {{ ref "s_orders" }} o join {{ ref "countries" }} c on c.code = o.country group by all`,
		"models/gold/schema.yml":       "version: 2\nmodels:\n  - name: g_by_country\n    columns:\n      - name: country\n        tests: [not_null]\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var posted [][]byte
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, b)
		mu.Unlock()
		if r.URL.Path != "/api/v1/lineage" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer hs.Close()

	file := filepath.Join(dir, "events.ndjson")
	root := cli.NewRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"build", "--project-dir", dir, "--openlineage-file", file, "--openlineage-url", hs.URL})
	err := root.ExecuteContext(context.Background())
	var ee *cli.ExitError
	if !errors.As(err, &ee) || ee.Code != 1 {
		t.Fatalf("build: want exit 1 (bad.sql fails), got %v\n%s", err, out.String())
	}

	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	byJob := map[string][]string{}
	var jobs []string
	var gold map[string]any
	n := 0
	for sc.Scan() {
		ev := openlineage.ValidateEvent(t, sc.Bytes(), evSchema, facetSchemas)
		n++
		job := ev["job"].(map[string]any)["name"].(string)
		if _, ok := byJob[job]; !ok {
			jobs = append(jobs, job)
		}
		byJob[job] = append(byJob[job], ev["eventType"].(string))
		if job == "model.tp.g_by_country" && ev["eventType"] == "COMPLETE" {
			gold = ev
		}
	}
	want := map[string][]string{
		"tp.build":                              {"START", "FAIL"},
		"seed.tp.countries":                     {"START", "COMPLETE"},
		"model.tp.s_orders":                     {"START", "COMPLETE"},
		"model.tp.bad":                          {"START", "FAIL"},
		"model.tp.after_bad":                    {"START", "ABORT"},
		"model.tp.g_by_country":                 {"START", "COMPLETE"},
		"test.tp.not_null_g_by_country_country": {"START", "COMPLETE"},
	}
	if !reflect.DeepEqual(byJob, want) {
		t.Errorf("events by job:\n got %v\nwant %v", byJob, want)
	}
	if jobs[0] != "tp.build" {
		t.Errorf("first event is for %s, want the parent run", jobs[0])
	}
	mu.Lock()
	if len(posted) != n {
		t.Errorf("posted %d events, wrote %d", len(posted), n)
	}
	mu.Unlock()
	if gold == nil {
		t.Fatal("no COMPLETE event for g_by_country")
	}
	outDS := gold["outputs"].([]any)[0].(map[string]any)
	if outDS["name"] != "gold.g_by_country" || !strings.HasPrefix(outDS["namespace"].(string), "duckdb://") {
		t.Errorf("output dataset %v %v", outDS["namespace"], outDS["name"])
	}
	var ins []string
	for _, in := range gold["inputs"].([]any) {
		ins = append(ins, in.(map[string]any)["name"].(string))
	}
	if !reflect.DeepEqual(ins, []string{"silver.s_orders", "silver.countries"}) && !reflect.DeepEqual(ins, []string{"silver.countries", "silver.s_orders"}) {
		t.Errorf("inputs %v", ins)
	}
	fields := outDS["facets"].(map[string]any)["columnLineage"].(map[string]any)["fields"].(map[string]any)
	total := fields["total"].(map[string]any)["inputFields"].([]any)[0].(map[string]any)
	tr := total["transformations"].([]any)[0].(map[string]any)
	if total["name"] != "silver.s_orders" || total["field"] != "amount" || tr["subtype"] != "AGGREGATION" {
		t.Errorf("total lineage: %v", total)
	}
}
