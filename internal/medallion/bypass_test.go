package medallion

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// defectCase is a data test expected to fail with a given number of rows.
type defectCase struct {
	defect   string
	test     string // describeTest's name of the test
	failures int64
}

// TestSilverTestsCatchDefectsWhenBypassed replaces silver models with
// pass-throughs of bronze (testdata/bypass: the raw rows under the silver
// column names) and runs the silver data tests on the golden raw data set.
// Each defect kind planted there must make its test fail with exactly the
// rows counted by hand below; on the real silver layer the same tests pass
// (TestGoldenMedallion's build passes every test).
func TestSilverTestsCatchDefectsWhenBypassed(t *testing.T) {
	variants := []struct {
		name   string
		bypass []string // silver models replaced; nil: all of testdata/bypass
		want   []defectCase
	}{
		{"every silver model passes bronze through", nil, []defectCase{
			// ' Ana.Garcia@Example.com ' (customer 1) is not lower(trim()).
			{"email not normalized", "silver_customers.email expression_is_true = lower(trim(email))", 1},
			{"email not normalized (registrations)", "silver_customer_registrations.email expression_is_true = lower(trim(email))", 1},
			// customers 1 and 4 share ana.garcia@example.com once normalized.
			{"duplicate customer", "assert_one_customer_per_email", 1},
			// '  ana   garcía ' (1) and 'Lucia  Rossi' (6).
			{"name extra spaces", "silver_customers.name expression_is_true = trim(name) and name not like '%  %'", 2},
			// all lower '  ana   garcía ' (1), 'JOHN SMITH' (2), 'marie curie' (3).
			{"name wrong case", "silver_customers.name expression_is_true <> upper(name) and name <> lower(name)", 3},
			// '+34 612 345 678' (spaces), '(555) 123-4567', '06 12 34 56 78',
			// '612-345-678', '12'; customer 5 has no phone.
			{"phone format", "silver_customers.phone expression_is_true like '+%' and phone not like '% %' and phone not like '%-%' and phone not like '%(%' and phone not like '%.%'", 5},
			// 2030-01-01 (3, after registering) and 1870-01-01 (5).
			{"impossible birth date", "silver_customers.birth_date expression_is_true between date '1900-01-01' and registration_date", 2},
			// 'samsung', 'BOSE', 'google', ' apple' differ from the seed's spelling.
			{"brand case", "assert_brands_match_aliases", 4},
			// 'Apple' (p1) beside ' apple' (p7).
			{"brand spellings", "assert_one_spelling_per_brand", 1},
			// orders 4 and 8 have no payment method.
			{"payment method missing", "silver_orders.payment_method not_null", 2},
			// review 2 has an empty comment.
			{"empty comment", "silver_reviews.comment expression_is_true <> ''", 1},
		}},
		{"duplicates not merged (id map bypassed)", []string{"silver_customer_id_map"}, []defectCase{
			// registration 4 stays a customer beside 1 ...
			{"duplicate customer", "assert_one_customer_per_email", 1},
			// ... and keeps order 4 and review 2, which belong to survivor 1.
			{"facts not moved to the survivor", "assert_survivor_rule", 2},
		}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) { runBypass(t, v.bypass, v.want) })
	}
}

func runBypass(t *testing.T, models []string, want []defectCase) {
	ctx := context.Background()
	dir := newProject(t)
	files, err := filepath.Glob("testdata/bypass/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bypass models: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		if models != nil && !slices.Contains(models, name) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "models", "silver", filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openSession(ctx, t, dir, "testdata/raw.sql")
	s.compile(ctx, t, goldenVars())
	p := s.engine.Project
	// build seeds, bronze and the silver stand-ins, then run their tests, so
	// that one failing test does not skip the tests of models downstream
	built := s.build(ctx, t, func(n *project.Node) bool { return n.ResourceType != project.Test && !touchesGold(p, n) })
	if !built.OK() {
		t.Fatalf("build without tests: %s", strings.Join(failures(built), "\n"))
	}
	sum := s.run(ctx, t, "test", func(n *project.Node) bool { return n.ResourceType == project.Test && !touchesGold(p, n) })

	got := map[string]exec.NodeEvent{}
	for _, r := range sum.Results {
		if r.Node.ResourceType == project.Test {
			got[describeTest(p, r.Node)] = r
		}
	}
	for _, tc := range want {
		t.Run(tc.defect, func(t *testing.T) {
			r, ok := got[tc.test]
			if !ok {
				t.Fatalf("no test %q ran; tests run:\n%s", tc.test, strings.Join(sortedKeys(got), "\n"))
			}
			if r.Status != exec.StatusFail || r.Failures != tc.failures {
				t.Errorf("%s: status %s with %d failing rows (%s), want fail with %d", tc.test, r.Status, r.Failures, r.Message, tc.failures)
			}
		})
	}
}

// touchesGold reports whether a node is a gold model or a test of one.
func touchesGold(p *project.Project, n *project.Node) bool {
	if n.ResourceType == project.Model {
		return hasTag(n, "gold")
	}
	for _, id := range n.DependsOn.Nodes {
		if d, ok := p.Nodes[id]; ok && d.ResourceType == project.Model && hasTag(d, "gold") {
			return true
		}
	}
	return false
}

func hasTag(n *project.Node, tag string) bool {
	for _, t := range n.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]exec.NodeEvent) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
