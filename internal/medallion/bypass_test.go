package medallion

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// TestSilverTestsCatchDefectsWhenBypassed replaces every silver model with
// a pass-through of bronze (testdata/bypass: the raw rows under the silver
// column names) and runs the silver data tests on the golden raw data set.
// Each defect kind planted there must make its test fail with exactly the
// rows counted by hand below; on the real silver layer the same tests pass
// (TestGoldenMedallion's build passes every test).
func TestSilverTestsCatchDefectsWhenBypassed(t *testing.T) {
	ctx := context.Background()
	dir := newProject(t)
	bypass, err := filepath.Glob("testdata/bypass/*.sql")
	if err != nil || len(bypass) == 0 {
		t.Fatalf("no bypass models: %v", err)
	}
	for _, f := range bypass {
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
	sum := s.build(ctx, t, func(n *project.Node) bool { return !touchesGold(p, n) })

	got := map[string]exec.NodeEvent{}
	for _, r := range sum.Results {
		if r.Node.ResourceType == project.Test {
			got[describeTest(p, r.Node)] = r
		}
	}

	cases := []struct {
		defect   string
		test     string
		failures int64
	}{
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
	}
	for _, tc := range cases {
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
