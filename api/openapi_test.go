package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPIDocument checks that the OpenAPI 3.1 document lists every
// endpoint with its parameters and a response schema, that every schema in
// it is valid JSON Schema 2020-12, and that real responses validate
// against the schema the document gives for them.
func TestOpenAPIDocument(t *testing.T) {
	s := newFixtureServer(t)
	r := get(t, s.URL+"/openapi.json")
	if r.Status != http.StatusOK {
		t.Fatalf("/openapi.json: %d", r.Status)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	if y := get(t, s.URL+"/openapi.yaml"); y.Status != http.StatusOK || !bytes.Contains(y.Body, []byte("openapi: 3.1.0")) {
		t.Errorf("/openapi.yaml: status %d, body starts %.40q", y.Status, y.Body)
	}

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	docv, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("mem://openapi.json", docv); err != nil {
		t.Fatal(err)
	}
	comps := doc["components"].(map[string]any)["schemas"].(map[string]any)
	names := make([]string, 0, len(comps))
	for n := range comps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := c.Compile("mem://openapi.json#/components/schemas/" + n); err != nil {
			t.Errorf("schema %s is not valid JSON Schema: %v", n, err)
		}
	}

	paths := doc["paths"].(map[string]any)
	type ep struct {
		method, path string
		params       []string // in:name
	}
	want := []ep{
		{"get", "/api/customers/analytics", []string{"query:limit", "query:offset", "query:sort", "query:country", "query:segment"}},
		{"get", "/api/customers/analytics/{customer_id}", []string{"path:customer_id"}},
		{"get", "/api/customers/segments/{segment}", []string{"path:segment", "query:limit", "query:offset"}},
		{"get", "/api/customers/top-customers", []string{"query:limit"}},
		{"get", "/api/products/performance", []string{"query:limit", "query:offset", "query:sort", "query:category", "query:brand", "query:stock_status", "query:sales_category"}},
		{"get", "/api/products/performance/{product_id}", []string{"path:product_id"}},
		{"get", "/api/products/top-performers", []string{"query:limit", "query:by"}},
		{"get", "/api/products/low-stock", []string{"query:include_low", "query:limit", "query:offset"}},
		{"get", "/api/sales/metrics", []string{"query:period", "query:from", "query:to", "query:limit", "query:offset"}},
		{"get", "/api/sales/trends", []string{"query:period", "query:metric"}},
		{"get", "/api/sales/summary", nil},
		{"get", "/api/sales/cohorts", []string{"query:limit", "query:offset", "query:sort", "query:cohort_month"}},
		{"get", "/api/operations/metrics", []string{"query:limit"}},
		{"get", "/api/operations/categories", []string{"query:limit"}},
		{"get", "/api/operations/categories/{category}", []string{"path:category"}},
		{"get", "/api/operations/payment-methods", []string{"query:limit"}},
		{"get", "/api/operations/payment-methods/{payment_method}", []string{"path:payment_method"}},
		{"get", "/api/operations/rating-trends", []string{"query:category"}},
		{"get", "/health", nil},
		{"get", "/ready", nil},
		{"post", "/admin/reload", []string{"header:Authorization"}},
	}
	opIDs := map[string]bool{}
	for _, e := range want {
		item, ok := paths[e.path].(map[string]any)
		if !ok {
			t.Errorf("%s is not in the document", e.path)
			continue
		}
		op, ok := item[e.method].(map[string]any)
		if !ok {
			t.Errorf("%s %s is not in the document", e.method, e.path)
			continue
		}
		id, _ := op["operationId"].(string)
		if id == "" || opIDs[id] {
			t.Errorf("%s %s: operationId %q missing or reused", e.method, e.path, id)
		}
		opIDs[id] = true
		have := map[string]bool{}
		ps, _ := op["parameters"].([]any)
		for _, p := range ps {
			pm := p.(map[string]any)
			if pm["schema"] == nil {
				t.Errorf("%s %s: parameter %v has no schema", e.method, e.path, pm["name"])
			}
			have[pm["in"].(string)+":"+pm["name"].(string)] = true
		}
		for _, p := range e.params {
			if !have[p] {
				t.Errorf("%s %s: parameter %s is not documented (have %v)", e.method, e.path, p, have)
			}
		}
		ok200 := false
		for _, code := range []string{"200", "204"} {
			if resp, ok := op["responses"].(map[string]any)[code].(map[string]any); ok {
				ok200 = code == "204" || resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"] != nil
			}
		}
		if !ok200 {
			t.Errorf("%s %s: no 200 response schema", e.method, e.path)
		}
	}
	for p := range paths {
		found := false
		for _, e := range want {
			found = found || e.path == p
		}
		if !found {
			t.Errorf("the document has %s, which this test does not know: add it to the list", p)
		}
	}

	// Real responses validate against their documented schemas.
	samples := []struct{ path, docPath string }{
		{"/api/customers/analytics?sort=-clv", "/api/customers/analytics"},
		{"/api/customers/analytics/4", "/api/customers/analytics/{customer_id}"},
		{"/api/customers/segments/VIP", "/api/customers/segments/{segment}"},
		{"/api/customers/top-customers", "/api/customers/top-customers"},
		{"/api/products/performance", "/api/products/performance"},
		{"/api/products/performance/13", "/api/products/performance/{product_id}"},
		{"/api/products/top-performers?by=profit", "/api/products/top-performers"},
		{"/api/products/low-stock?include_low=true", "/api/products/low-stock"},
		{"/api/sales/metrics", "/api/sales/metrics"},
		{"/api/sales/trends?metric=avg_order_value", "/api/sales/trends"},
		{"/api/sales/summary", "/api/sales/summary"},
		{"/api/sales/cohorts", "/api/sales/cohorts"},
		{"/api/operations/metrics", "/api/operations/metrics"},
		{"/api/operations/categories/Audio", "/api/operations/categories/{category}"},
		{"/api/operations/payment-methods", "/api/operations/payment-methods"},
		{"/api/operations/rating-trends", "/api/operations/rating-trends"},
		{"/health", "/health"},
		{"/ready", "/ready"},
	}
	for _, sm := range samples {
		ptr := "mem://openapi.json#/paths/" + escapePointer(sm.docPath) + "/get/responses/200/content/application~1json/schema"
		sch, err := c.Compile(ptr)
		if err != nil {
			t.Errorf("%s: compile response schema: %v", sm.path, err)
			continue
		}
		body := get(t, s.URL+sm.path)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body.Body))
		if err != nil {
			t.Errorf("%s: %v", sm.path, err)
			continue
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: response does not match its documented schema: %v", sm.path, err)
		}
	}
	// Errors are problem+json matching the ErrorModel schema.
	sch, err := c.Compile("mem://openapi.json#/components/schemas/ErrorModel")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/customers/analytics/999", "/api/customers/segments/Gold"} {
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(get(t, s.URL+p).Body))
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: error body does not match ErrorModel: %v", p, err)
		}
	}
}

func escapePointer(p string) string {
	return strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
}
