package openlineage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// schemas loads the OpenLineage spec and facet schemas from ../shared
// (beside the repository), each under its $id, and returns a validator
// for run events and one per facet name.
func schemas(t *testing.T) (*jsonschema.Schema, map[string]*jsonschema.Schema) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "openlineage"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "facets", "*.json"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatalf("OpenLineage schemas not found in %s: the shared folder must sit beside the repository (../shared/openlineage)", dir)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	ids := map[string]string{} // top-level property (facet name) -> $id
	var eventID string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if filepath.Base(f) == "OpenLineage.json" {
			eventID = id
			continue
		}
		props, _ := doc.(map[string]any)["properties"].(map[string]any)
		for k := range props {
			ids[k] = id
		}
	}
	ev, err := c.Compile(eventID)
	if err != nil {
		t.Fatal(err)
	}
	facets := map[string]*jsonschema.Schema{}
	for k, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			t.Fatal(err)
		}
		facets[k] = s
	}
	return ev, facets
}

// validate checks an event against the spec, and each facet against its
// own schema (the spec only checks the facet base fields).
func validate(t *testing.T, line []byte, ev *jsonschema.Schema, facets map[string]*jsonschema.Schema) map[string]any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Validate(doc); err != nil {
		t.Errorf("event does not follow the OpenLineage schema: %v\n%s", err, line)
	}
	m := doc.(map[string]any)
	var groups []map[string]any
	if r, ok := m["run"].(map[string]any); ok {
		groups = append(groups, facetsOf(r))
	}
	if j, ok := m["job"].(map[string]any); ok {
		groups = append(groups, facetsOf(j))
	}
	for _, k := range []string{"inputs", "outputs"} {
		l, _ := m[k].([]any)
		for _, d := range l {
			dm := d.(map[string]any)
			groups = append(groups, facetsOf(dm))
			for _, extra := range []string{"inputFacets", "outputFacets"} {
				if f, ok := dm[extra].(map[string]any); ok {
					groups = append(groups, f)
				}
			}
		}
	}
	for _, g := range groups {
		for name, f := range g {
			s, ok := facets[name]
			if !ok {
				t.Errorf("facet %s has no schema in ../shared/openlineage", name)
				continue
			}
			if err := s.Validate(map[string]any{name: f}); err != nil {
				t.Errorf("facet %s: %v", name, err)
			}
		}
	}
	return m
}

func facetsOf(m map[string]any) map[string]any {
	f, _ := m["facets"].(map[string]any)
	return f
}

func testProject() *project.Project {
	p := &project.Project{Name: "shop", Nodes: map[string]*project.Node{}, Sources: map[string]*project.Source{
		"source.shop.raw.orders": {UniqueID: "source.shop.raw.orders", SourceName: "raw", Name: "orders", Schema: "raw", Identifier: "orders",
			Columns: []*project.Column{{Name: "id", DataType: "bigint"}, {Name: "amount", DataType: "double"}, {Name: "status"}}},
	}}
	add := func(n *project.Node) { p.Nodes[n.UniqueID] = n }
	add(&project.Node{UniqueID: "model.shop.bronze_orders", Name: "bronze_orders", ResourceType: project.Model, Schema: "bronze", Alias: "bronze_orders",
		CompiledCode: `select id as order_id, amount from "raw"."orders" where status = 'paid'`, Description: "Paid orders.",
		DependsOn: project.DependsOn{Nodes: []string{"source.shop.raw.orders"}},
		Columns:   []*project.Column{{Name: "order_id", DataType: "bigint", Description: "The order."}, {Name: "amount", DataType: "double"}}})
	add(&project.Node{UniqueID: "model.shop.gold_sales", Name: "gold_sales", ResourceType: project.Model, Schema: "gold", Alias: "gold_sales",
		CompiledCode: `select sum(amount) as revenue from "bronze"."bronze_orders"`,
		DependsOn:    project.DependsOn{Nodes: []string{"model.shop.bronze_orders"}}})
	add(&project.Node{UniqueID: "model.shop.gold_broken", Name: "gold_broken", ResourceType: project.Model, Schema: "gold", Alias: "gold_broken",
		CompiledCode: `select nope from "bronze"."bronze_orders"`, DependsOn: project.DependsOn{Nodes: []string{"model.shop.bronze_orders"}}})
	add(&project.Node{UniqueID: "model.shop.gold_after", Name: "gold_after", ResourceType: project.Model, Schema: "gold", Alias: "gold_after",
		CompiledCode: `select * from "gold"."gold_broken"`, DependsOn: project.DependsOn{Nodes: []string{"model.shop.gold_broken"}}})
	add(&project.Node{UniqueID: "test.shop.not_null_bronze_orders_order_id", Name: "not_null_bronze_orders_order_id", ResourceType: project.Test,
		AttachedNode: "model.shop.bronze_orders", ColumnName: "order_id", TestMetadata: &project.TestMetadata{Name: "not_null"},
		CompiledCode: `select * from "bronze"."bronze_orders" where order_id is null`,
		DependsOn:    project.DependsOn{Nodes: []string{"model.shop.bronze_orders"}}})
	return p
}

type lineageServer struct {
	mu     sync.Mutex
	paths  []string
	bodies [][]byte
}

func (s *lineageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.paths = append(s.paths, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
	s.bodies = append(s.bodies, b)
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func TestEmitterEventsFollowTheSchema(t *testing.T) {
	evSchema, facetSchemas := schemas(t)
	ctx := context.Background()
	p := testProject()
	path := filepath.Join(t.TempDir(), "events.ndjson")
	fileSink, err := NewFileSink(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &lineageServer{}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	httpSink, err := NewHTTPSink(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	em := New(Options{Project: p, DatasetNamespace: "duckdb://warehouse/techstore.duckdb", Sinks: []Sink{fileSink, httpSink}})

	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	nodes := []*project.Node{p.Nodes["model.shop.bronze_orders"], p.Nodes["test.shop.not_null_bronze_orders_order_id"],
		p.Nodes["model.shop.gold_sales"], p.Nodes["model.shop.gold_broken"], p.Nodes["model.shop.gold_after"]}
	em.RunStart(ctx, exec.RunInfo{InvocationID: "0190a3b2-1111-4222-8333-444455556666", Command: "build", ProjectName: "shop",
		Target: "dev", AdapterType: "duckdb", StartedAt: t0, Nodes: nodes,
		Relations: map[string]string{"model.shop.bronze_orders": `"bronze"."bronze_orders"`}})
	run := func(n *project.Node, status exec.Status, msg string) {
		ev := exec.NodeEvent{Node: n, RelationName: "", CompiledSQL: n.CompiledCode, Status: exec.StatusRunning, StartedAt: t0.Add(time.Second)}
		if status != exec.StatusSkipped {
			em.NodeStart(ctx, ev)
		}
		ev.Status, ev.Message, ev.CompletedAt, ev.Rows = status, msg, t0.Add(2*time.Second), 7
		em.NodeEnd(ctx, ev)
	}
	run(nodes[0], exec.StatusSuccess, "OK")
	run(nodes[1], exec.StatusFail, "Got 3 results, configured to fail if != 0")
	run(nodes[2], exec.StatusSuccess, "OK")
	run(nodes[3], exec.StatusError, `Binder Error: Referenced column "nope" not found`)
	run(nodes[4], exec.StatusSkipped, "skipped: upstream gold_broken failed")
	em.RunEnd(ctx, exec.RunSummary{InvocationID: "0190a3b2-1111-4222-8333-444455556666", StartedAt: t0, CompletedAt: t0.Add(3 * time.Second),
		Counts: map[exec.Status]int{exec.StatusSuccess: 2, exec.StatusError: 1, exec.StatusFail: 1, exec.StatusSkipped: 1}})
	if err := fileSink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := em.Err(); err != nil {
		t.Fatalf("sends failed: %v", err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events []map[string]any
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := append([]byte(nil), sc.Bytes()...)
		lines = append(lines, line)
		events = append(events, validate(t, line, evSchema, facetSchemas))
	}

	var seq []string
	for _, e := range events {
		seq = append(seq, e["eventType"].(string)+" "+e["job"].(map[string]any)["name"].(string))
	}
	want := []string{
		"START shop.build",
		"START model.shop.bronze_orders", "COMPLETE model.shop.bronze_orders",
		"START test.shop.not_null_bronze_orders_order_id", "FAIL test.shop.not_null_bronze_orders_order_id",
		"START model.shop.gold_sales", "COMPLETE model.shop.gold_sales",
		"START model.shop.gold_broken", "FAIL model.shop.gold_broken",
		"START model.shop.gold_after", "ABORT model.shop.gold_after",
		"FAIL shop.build",
	}
	if !reflect.DeepEqual(seq, want) {
		t.Errorf("events:\n got %q\nwant %q", seq, want)
	}

	// The same events reached the HTTP endpoint, at Marquez's path.
	srv.mu.Lock()
	if len(srv.bodies) != len(lines) {
		t.Errorf("http: %d events, file: %d", len(srv.bodies), len(lines))
	}
	for i, pth := range srv.paths {
		if pth != "POST /api/v1/lineage application/json" {
			t.Errorf("http request %d: %s", i, pth)
		}
		if i < len(lines) && !bytes.Equal(srv.bodies[i], lines[i]) {
			t.Errorf("http body %d differs from the file line", i)
		}
	}
	srv.mu.Unlock()

	// Parent facet: every node run points at the invocation's run.
	for _, e := range events[1 : len(events)-1] {
		parent := facetsOf(e["run"].(map[string]any))["parent"].(map[string]any)
		if got := parent["run"].(map[string]any)["runId"]; got != "0190a3b2-1111-4222-8333-444455556666" {
			t.Errorf("parent run id %v", got)
		}
		if got := parent["job"].(map[string]any)["name"]; got != "shop.build" {
			t.Errorf("parent job %v", got)
		}
	}
	// START and its end share a run id; different nodes do not.
	if events[1]["run"].(map[string]any)["runId"] != events[2]["run"].(map[string]any)["runId"] ||
		events[1]["run"].(map[string]any)["runId"] == events[5]["run"].(map[string]any)["runId"] {
		t.Errorf("run ids do not pair START with its end")
	}

	// bronze_orders COMPLETE: input raw.orders with its schema, output
	// bronze.bronze_orders with schema and column lineage.
	bronze := events[2]
	ins := bronze["inputs"].([]any)
	if len(ins) != 1 || ins[0].(map[string]any)["name"] != "raw.orders" || ins[0].(map[string]any)["namespace"] != "duckdb://warehouse/techstore.duckdb" {
		t.Errorf("inputs: %v", ins)
	}
	out := bronze["outputs"].([]any)[0].(map[string]any)
	if out["name"] != "bronze.bronze_orders" {
		t.Errorf("output name %v", out["name"])
	}
	of := facetsOf(out)
	var fields []string
	for _, f := range of["schema"].(map[string]any)["fields"].([]any) {
		fm := f.(map[string]any)
		fields = append(fields, fm["name"].(string)+":"+str(fm["type"]))
	}
	if !reflect.DeepEqual(fields, []string{"order_id:bigint", "amount:double"}) {
		t.Errorf("schema fields: %v", fields)
	}
	cl := of["columnLineage"].(map[string]any)
	got := lineageLines(cl)
	wantCL := []string{
		"amount <- raw.orders.amount DIRECT/IDENTITY",
		"dataset <- raw.orders.status INDIRECT/FILTER",
		"order_id <- raw.orders.id DIRECT/IDENTITY",
	}
	if !reflect.DeepEqual(got, wantCL) {
		t.Errorf("column lineage:\n got %q\nwant %q", got, wantCL)
	}
	// Rows written, and the failed test as an assertion on what it tests.
	if rc := out["outputFacets"].(map[string]any)["outputStatistics"].(map[string]any)["rowCount"]; fmt.Sprint(rc) != "7" {
		t.Errorf("rowCount: %v", rc)
	}
	if d := of["documentation"].(map[string]any)["description"]; d != "Paid orders." {
		t.Errorf("documentation: %v", d)
	}
	testIn := events[4]["inputs"].([]any)[0].(map[string]any)
	as := testIn["inputFacets"].(map[string]any)["dataQualityAssertions"].(map[string]any)["assertions"].([]any)[0].(map[string]any)
	if as["assertion"] != "not_null" || as["success"] != false || as["column"] != "order_id" || testIn["name"] != "bronze.bronze_orders" {
		t.Errorf("assertion: %v on %v", as, testIn["name"])
	}
	// gold_sales: revenue aggregates bronze amount.
	gs := lineageLines(facetsOf(events[6]["outputs"].([]any)[0].(map[string]any))["columnLineage"].(map[string]any))
	if want := []string{"revenue <- bronze.bronze_orders.amount DIRECT/AGGREGATION"}; !reflect.DeepEqual(gs, want) {
		t.Errorf("gold_sales lineage: %q", gs)
	}
	// The failed model carries the error message and its SQL.
	broken := events[8]
	msg := facetsOf(broken["run"].(map[string]any))["errorMessage"].(map[string]any)["message"]
	if msg != `Binder Error: Referenced column "nope" not found` {
		t.Errorf("error message: %v", msg)
	}
	if q := facetsOf(broken["job"].(map[string]any))["sql"].(map[string]any)["query"]; q != `select nope from "bronze"."bronze_orders"` {
		t.Errorf("sql facet: %v", q)
	}
	if jt := facetsOf(events[3]["job"].(map[string]any))["jobType"].(map[string]any)["jobType"]; jt != "TEST" {
		t.Errorf("test job type: %v", jt)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func lineageLines(cl map[string]any) []string {
	var out []string
	for col, f := range cl["fields"].(map[string]any) {
		for _, in := range f.(map[string]any)["inputFields"].([]any) {
			out = append(out, col+" <- "+field(in))
		}
	}
	if ds, ok := cl["dataset"].([]any); ok {
		for _, in := range ds {
			out = append(out, "dataset <- "+field(in))
		}
	}
	sort.Strings(out)
	return out
}

func field(in any) string {
	m := in.(map[string]any)
	tr := m["transformations"].([]any)[0].(map[string]any)
	return m["name"].(string) + "." + m["field"].(string) + " " + tr["type"].(string) + "/" + tr["subtype"].(string)
}

func TestHTTPSinkErrors(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad event", http.StatusBadRequest)
	}))
	defer hs.Close()
	s, err := NewHTTPSink(hs.URL + "/custom/path")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Post(context.Background(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "/custom/path") {
		t.Errorf("want a 400 error naming the url, got %v", err)
	}
	for _, bad := range []string{"ftp://x", "localhost:5000", "http://"} {
		if _, err := NewHTTPSink(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	// Queued sends report their failures when the run ends.
	s2, err := NewHTTPSink(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	var seen []error
	em := New(Options{Sinks: []Sink{s2}, OnError: func(err error) { seen = append(seen, err) }})
	em.RunStart(context.Background(), exec.RunInfo{InvocationID: "x", Command: "run", ProjectName: "p"})
	em.RunEnd(context.Background(), exec.RunSummary{})
	if len(seen) != 1 || em.Err() == nil || strings.Count(em.Err().Error(), "400") != 2 {
		t.Errorf("errors: %v / %v", seen, em.Err())
	}
	// A sink that never sent flushes at once.
	s3, _ := NewHTTPSink(hs.URL)
	if err := s3.Flush(); err != nil {
		t.Errorf("flush of an unused sink: %v", err)
	}
}

// The validator itself must reject broken events, or the test above
// proves nothing.
func TestSchemaRejectsBrokenEvents(t *testing.T) {
	ev, facets := schemas(t)
	good := `{"eventType":"START","eventTime":"2026-11-27T06:00:00Z","producer":"https://x.test/p","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"0190a3b2-1111-4222-8333-444455556666"},"job":{"namespace":"n","name":"j"}}`
	cases := []struct{ name, event string }{
		{"bad event type", strings.Replace(good, `"START"`, `"BEGIN"`, 1)},
		{"run id not a uuid", strings.Replace(good, `0190a3b2-1111-4222-8333-444455556666`, `run-1`, 1)},
		{"no job name", strings.Replace(good, `,"name":"j"`, ``, 1)},
		{"time not a date-time", strings.Replace(good, `2026-11-27T06:00:00Z`, `yesterday`, 1)},
	}
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(good))
	if err := ev.Validate(doc); err != nil {
		t.Fatalf("the good event must pass: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Validate(doc) == nil {
				t.Errorf("accepted: %s", tc.event)
			}
		})
	}
	badFacet := map[string]any{"sql": map[string]any{"_producer": "https://x.test/p", "_schemaURL": "https://x.test/s"}}
	if facets["sql"].Validate(badFacet) == nil {
		t.Errorf("an sql facet without query was accepted")
	}
}
