package medallion

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/databricks"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestDialectsStayInMacros compiles the project for each warehouse (no
// connection needed) and checks that no model or data test compiled for
// one of them contains a function only the other has: everything that
// differs must come through a dispatched macro.
func TestDialectsStayInMacros(t *testing.T) {
	duckOnly := []string{"list_transform(", "string_split(", "generate_series(", "unnest(", "regexp_matches(", "to_months(", "datediff('day'", `"bronze".`, `"silver".`, `"gold".`}
	sparkOnly := []string{"explode(", "sequence(", "initcap(", " rlike ", "add_months(", "date_add(", "to_date(", "`"}
	cases := []struct {
		target    string
		forbidden []string
		expect    []string // text every build for this target must contain somewhere
	}{
		{"dev", sparkOnly, []string{"list_transform(", "generate_series(", `"silver"."silver_orders"`}},
		{"spark", duckOnly, []string{"initcap(", "explode(sequence(", "`silver`.`silver_orders`"}},
		{"prod", duckOnly, []string{"initcap(", "explode(sequence(", "`main`.`silver`.`silver_orders`"}},
	}
	reg := adapter.NewRegistry()
	duckdb.Register(reg)
	databricks.Register(reg)
	for _, tc := range cases {
		t.Run(tc.target, func(t *testing.T) {
			dir := newProject(t)
			b, err := os.ReadFile(filepath.Join(repoRoot, "profiles.yml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("DATABRICKS_HOST", "example.cloud.databricks.com")
			t.Setenv("DATABRICKS_HTTP_PATH", "/sql/1.0/warehouses/abc")
			t.Setenv("DATABRICKS_CATALOG", "main")
			cfg, err := profile.Resolve(dir, dir, tc.target)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			d, err := reg.Dialect(cfg)
			if err != nil {
				t.Fatal(err)
			}
			e, err := compile.Load(context.Background(), dir, compile.Options{Target: cfg, Dialect: d})
			if err != nil {
				t.Fatalf("compile for %s: %v", tc.target, err)
			}
			var all strings.Builder
			for _, n := range e.Project.Nodes {
				if n.ResourceType != project.Model && n.ResourceType != project.Test {
					continue
				}
				for _, f := range tc.forbidden {
					if strings.Contains(n.CompiledCode, f) {
						t.Errorf("%s compiled for %s contains %q", n.OriginalFilePath, tc.target, f)
					}
				}
				all.WriteString(n.CompiledCode)
			}
			for _, want := range tc.expect {
				if !strings.Contains(all.String(), want) {
					t.Errorf("no compiled SQL for %s contains %q", tc.target, want)
				}
			}
		})
	}
}
