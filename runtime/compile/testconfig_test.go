package compile

import (
	"context"
	"slices"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestGeneratedTestConfig: a generated test's configuration (severity,
// tags, enabled, where) comes from project.yml's per-folder test config,
// the test's own config, the tags of the tested column and source and
// whether the tested model is enabled. Plain tests share a configuration
// worked out once; every other combination is merged per test. Expected
// values are written out by hand from dbt's rules.
func TestGeneratedTestConfig(t *testing.T) {
	props := `version: 2
models:
  - name: a
    columns:
      - name: id
        tests: [not_null]
      - name: email
        tags: [pii]
        tests: [unique]
      - name: amount
        tests:
          - accepted_range: {min_value: 0, config: {severity: warn, where: "amount is not null"}}
  - name: off
    columns:
      - name: id
        tests: [not_null]
sources:
  - name: raw
    tags: [landing]
    tables:
      - name: t
        columns:
          - name: id
            tests: [not_null]
`
	base := map[string]string{
		"models/a.sql":      "select 1 as id, 'x' as email, 2 as amount\n",
		"models/off.sql":    "{{ config \"enabled\" false }}select 1 as id\n",
		"models/schema.yml": props,
	}
	type want struct {
		severity string
		tags     []string
		enabled  bool
		where    string
	}
	cases := []struct {
		name    string
		project string
		want    map[string]want // test unique id -> configuration
	}{
		{"no per-folder test config", "name: p\n", map[string]want{
			"test.p.not_null_a_id":              {"error", []string{}, true, ""},
			"test.p.unique_a_email":             {"error", []string{"pii"}, true, ""},
			"test.p.accepted_range_a_amount__0": {"warn", []string{}, true, "amount is not null"},
			"test.p.not_null_off_id":            {"error", []string{}, false, ""},
			"test.p.source_not_null_raw_t_id":   {"error", []string{"landing"}, true, ""},
		}},
		{"project-wide severity and tags", "name: p\ntests:\n  +severity: warn\n  +tags: [dq]\n", map[string]want{
			"test.p.not_null_a_id":              {"warn", []string{"dq"}, true, ""},
			"test.p.unique_a_email":             {"warn", []string{"dq", "pii"}, true, ""},
			"test.p.accepted_range_a_amount__0": {"warn", []string{"dq"}, true, "amount is not null"},
			"test.p.not_null_off_id":            {"warn", []string{"dq"}, false, ""},
			"test.p.source_not_null_raw_t_id":   {"warn", []string{"dq", "landing"}, true, ""},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"project.yml": c.project}
			for k, v := range base {
				files[k] = v
			}
			e, err := Load(context.Background(), writeProject(t, files), duckTarget())
			if err != nil {
				t.Fatal(err)
			}
			for id, w := range c.want {
				n, ok := e.Project.Nodes[id]
				if !ok {
					t.Errorf("no test %s", id)
					continue
				}
				cfg := n.Config
				if cfg.Severity != w.severity || !slices.Equal(cfg.Tags, w.tags) || !slices.Equal(n.Tags, w.tags) ||
					cfg.Enabled != w.enabled || cfg.Where != w.where || cfg.WarnIf != "!= 0" || cfg.ErrorIf != "!= 0" ||
					cfg.Materialized != "test" {
					t.Errorf("%s: config %+v (node tags %q), want %+v", id, cfg, n.Tags, w)
				}
			}
		})
	}
}

// TestConfigEmpty: the shortcut that spares most tests a merge must agree
// with configMap on every field configMap reads; a field it forgot would
// give a test with that config the plain configuration.
func TestConfigEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  project.Config
	}{
		{"nothing", project.Config{Enabled: true}},
		{"severity", project.Config{Enabled: true, Severity: "warn"}},
		{"where", project.Config{Enabled: true, Where: "x > 0"}},
		{"warn_if", project.Config{Enabled: true, WarnIf: "> 5"}},
		{"error_if", project.Config{Enabled: true, ErrorIf: "> 5"}},
		{"store_failures", project.Config{Enabled: true, StoreFailures: true}},
		{"tags", project.Config{Enabled: true, Tags: []string{"a"}}},
		{"disabled", project.Config{}},
		{"extra", project.Config{Enabled: true, Extra: map[string]any{"limit": 10}}},
	} {
		if got, want := configEmpty(tc.cfg), len(configMap(tc.cfg)) == 0; got != want || (tc.name == "nothing") != got {
			t.Errorf("%s: configEmpty = %v, configMap has %d keys", tc.name, got, len(configMap(tc.cfg)))
		}
	}
}
