package generator

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden")

func loadFixture(t *testing.T) *Contract {
	t.Helper()
	c, err := LoadDir("testdata/contract")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGolden(t *testing.T) {
	files, err := Generate(loadFixture(t), Options{Package: "api", Source: "models/gold/*.yml"})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		_ = os.RemoveAll("testdata/golden")
		if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	golden, _ := filepath.Glob("testdata/golden/*.golden")
	if !*update && len(golden) != len(files) {
		t.Errorf("%d golden files, the generator writes %d files (run go test ./generator -update)", len(golden), len(files))
	}
	for _, name := range sortedNames(files) {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("testdata/golden", name+".golden")
			if *update {
				if err := os.WriteFile(p, files[name], 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test ./generator -update)", err)
			}
			if !bytes.Equal(files[name], want) {
				t.Errorf("%s differs from its golden file (run go test ./generator -update and review the diff)", name)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	srcs := map[string][]byte{}
	paths, _ := filepath.Glob("testdata/contract/*.yml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs[p] = b
	}
	var first map[string][]byte
	for i := 0; i < 5; i++ {
		c, err := Parse(srcs)
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = files
			continue
		}
		for n, b := range files {
			if !bytes.Equal(b, first[n]) {
				t.Fatalf("run %d: %s differs", i, n)
			}
		}
	}
	for n, b := range first {
		if !bytes.HasPrefix(b, []byte(Header+"\n")) {
			t.Errorf("%s does not start with the generated-code header", n)
		}
	}
}

// TestGeneratedCodeUpToDate fails when api/*_gen.go are stale: it
// regenerates in memory from the gold contracts (models/gold/*.yml, or the
// fixture contract until the gold models' YAML exists) and compares.
func TestGeneratedCodeUpToDate(t *testing.T) {
	dir := "../models/gold"
	if m, _ := filepath.Glob(dir + "/*.yml"); len(m) == 0 {
		dir = "testdata/contract"
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(c, Options{Package: "api", Source: SourceLabel("models/gold")})
	if err != nil {
		t.Fatal(err)
	}
	diff, err := Diff("../api", files)
	if err != nil {
		t.Fatal(err)
	}
	if len(diff) > 0 {
		t.Errorf("api/*_gen.go are stale against %s; run `go generate ./api` (or techstore generate):\n  %s", dir, strings.Join(diff, "\n  "))
	}
}

func TestContractErrors(t *testing.T) {
	base := `models:
  - name: gold_x
    meta:
      api:
        path: /api/x/list
        key: id
        filters: [kind]
    columns:
      - name: id
        data_type: bigint
        tests: [not_null, unique]
      - name: kind
        data_type: varchar
      - name: amount
        data_type: decimal(18,2)
`
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"unsupported type", "data_type: decimal(18,2)", "data_type: money", []string{"x.yml:14", "amount", `"money"`, "bigint, integer"}},
		{"missing type", "        data_type: decimal(18,2)\n", "", []string{"x.yml:14", "amount has no data_type"}},
		{"unknown key", "key: id", "key: ident", []string{"x.yml:2", `meta.api.key "ident"`, "id, kind, amount"}},
		{"nullable key", "tests: [not_null, unique]", "tests: [unique]", []string{"x.yml:9", "needs a not_null test"}},
		{"decimal key", "key: id", "key: amount", []string{"key must be bigint, integer or varchar"}},
		{"unknown filter", "filters: [kind]", "filters: [colour]", []string{`"colour" is not a column`}},
		{"bad path", "path: /api/x/list", "path: /x/list", []string{`meta.api.path "/x/list"`, "/api/area/name"}},
		{"unknown meta.api key", "filters: [kind]", "filters: [kind]\n        paginate: true", []string{"meta.api.paginate is not known"}},
		{"boolean default sort", "        data_type: decimal(18,2)\n", "        data_type: boolean\n", []string{}},
		{"comma in accepted value", "        data_type: varchar\n", "        data_type: varchar\n        tests:\n          - accepted_values: {values: ['a,b', c]}\n", []string{"contains a comma"}},
		{"bad yaml", "    columns:", "   columns:", []string{"x.yml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(base, c.from, c.to, 1)
			if c.name == "boolean default sort" {
				src = strings.Replace(src, "filters: [kind]", "filters: [kind]\n        default_sort: amount", 1)
				c.want = []string{`default_sort "amount"`}
			}
			_, err := Parse(map[string][]byte{"models/gold/x.yml": []byte(src)})
			if err == nil {
				t.Fatalf("no error for\n%s", src)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := Parse(map[string][]byte{"models/gold/x.yml": []byte(base)}); err != nil {
		t.Errorf("the base contract is valid, got %v", err)
	}
}

func TestDuplicatePath(t *testing.T) {
	m := func(name string) string {
		return "models:\n  - name: " + name + "\n    meta: {api: {path: /api/x/same}}\n    columns:\n      - {name: id, data_type: bigint}\n"
	}
	_, err := Parse(map[string][]byte{"a.yml": []byte(m("gold_a")), "b.yml": []byte(m("gold_b"))})
	if err == nil || !strings.Contains(err.Error(), "b.yml:2") || !strings.Contains(err.Error(), "a.yml:2") {
		t.Errorf("duplicate path error = %v", err)
	}
}

func TestNames(t *testing.T) {
	cases := []struct{ in, want string }{
		{"customer_id", "CustomerID"},
		{"purchase_frequency_per_year", "PurchaseFrequencyPerYear"},
		{"units_sold_last_12m", "UnitsSoldLast12m"},
		{"products_without_movement_90d", "ProductsWithoutMovement90d"},
		{"r_score", "RScore"},
		{"api_url", "APIURL"},
		{"9lives", "X9lives"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := goName(c.in); got != c.want {
				t.Errorf("goName(%s) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

// TestAddedColumnReachesOpenAPI adds a column to a fixture contract,
// regenerates, compiles the generated code in a scratch package and checks
// that the column is in the OpenAPI document, typed as the contract says.
func TestAddedColumnReachesOpenAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a program")
	}
	src, err := os.ReadFile("testdata/contract/customers.yml")
	if err != nil {
		t.Fatal(err)
	}
	added := strings.Replace(string(src), "      - name: segment\n", `      - name: loyalty_points
        data_type: bigint
        description: Points in the loyalty programme.
        tests: [not_null]
      - name: loyalty_tier
        data_type: varchar
        description: Tier of the loyalty programme.
        tests:
          - accepted_values: {values: [Bronze, Silver, Gold]}
      - name: segment
`, 1)
	srcs := map[string][]byte{"customers.yml": []byte(added)}
	for _, f := range []string{"products.yml", "sales.yml", "operations.yml"} {
		b, err := os.ReadFile("testdata/contract/" + f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	c, err := Parse(srcs)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(c, Options{Package: "main"})
	if err != nil {
		t.Fatal(err)
	}
	// The scratch package lives in testdata (ignored by ./... patterns)
	// so it builds inside this module.
	dir, err := os.MkdirTemp("testdata", "scratch-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	mainGo := `package main

import (
	"encoding/json"
	"net/http"
	"os"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

func main() {
	api := humago.New(http.NewServeMux(), huma.DefaultConfig("scratch", "1"))
	RegisterGold(api, func() *Gold { return nil })
	_ = json.NewEncoder(os.Stdout).Encode(api.OpenAPI())
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(mainGo), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run the regenerated code: %v\n%s", err, stderr.String())
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type        any    `json:"type"`
					Format      string `json:"format"`
					Enum        []any  `json:"enum"`
					Description string `json:"description"`
				} `json:"properties"`
				Required []string `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("OpenAPI output: %v\n%.300s", err, out)
	}
	row := doc.Components.Schemas["CustomerAnalytics"]
	pts, ok := row.Properties["loyalty_points"]
	if !ok {
		t.Fatalf("loyalty_points is not in the CustomerAnalytics schema: %v", row.Properties)
	}
	if pts.Type != "integer" || pts.Format != "int64" || pts.Description != "Points in the loyalty programme." {
		t.Errorf("loyalty_points schema = %+v", pts)
	}
	tier := row.Properties["loyalty_tier"]
	if fmt.Sprint(tier.Enum) != "[Bronze Silver Gold <nil>]" {
		t.Errorf("loyalty_tier enum = %v", tier.Enum)
	}
	if tp, ok := tier.Type.([]any); !ok || len(tp) != 2 {
		t.Errorf("loyalty_tier (no not_null test) should be nullable, type = %v", tier.Type)
	}
	// The new numeric column is a sort key of the list operation.
	var sortEnum []string
	for _, p := range doc.Paths["/api/customers/analytics"]["get"].Parameters {
		if p.Name == "sort" {
			sortEnum = p.Schema.Enum
		}
	}
	if !strings.Contains(","+strings.Join(sortEnum, ",")+",", ",-loyalty_points,") {
		t.Errorf("sort does not offer -loyalty_points: %v", sortEnum)
	}
}

func TestGoNameCollisions(t *testing.T) {
	model := func(name, cols string) string {
		return "  - name: " + name + "\n    meta: {api: {path: /api/x/" + strings.ReplaceAll(name, "_", "-") + "}}\n    columns:\n" + cols
	}
	id := "      - {name: id, data_type: bigint}\n"
	cases := []struct {
		name, src, want string
	}{
		{"model named like the snapshot", "models:\n" + model("gold_gold", id), "Go name Gold is already the snapshot type"},
		{"model named like another's list", "models:\n" + model("gold_orders", id) + model("gold_orders_list", id), "OrdersList"},
		{"columns with the same Go name", "models:\n" + model("gold_x", id+"      - {name: a_b, data_type: bigint}\n      - {name: a__b, data_type: bigint}\n"), "both become the Go field AB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, err := Parse(map[string][]byte{"x.yml": []byte(c.src)})
			if err == nil {
				_, err = Generate(ct, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x.yml:") {
				t.Errorf("error = %v, want one naming x.yml and %q", err, c.want)
			}
		})
	}
}
