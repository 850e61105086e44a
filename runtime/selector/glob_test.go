package selector

import (
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

func TestFnmatch(t *testing.T) {
	// Expectations follow Python's fnmatch.fnmatchcase, which dbt uses.
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"silver_orders", "silver_orders", true},
		{"silver_orders", "silver_*", true},
		{"silver_orders", "*_orders", true},
		{"silver_orders", "*", true},
		{"", "*", true},
		{"", "?", false},
		{"techstore.silver.x", "techstore*x", true}, // '*' crosses dots
		{"a/b", "a*b", true},                        // and slashes
		{"silver_orders", "gold_*", false},
		{"abc", "a?c", true},
		{"ac", "a?c", false},
		{"éa", "?a", true}, // '?' is one character, not one byte
		{"b1", "[abc]1", true},
		{"d1", "[abc]1", false},
		{"d1", "[!abc]1", true},
		{"m", "[a-z]", true},
		{"M", "[a-z]", false}, // case-sensitive
		{"]", "[]]", true},
		{"[x", "[x", true}, // an unclosed '[' is literal
		{"aXbXc", "a*b*c", true},
		{"aXbX", "a*b*c", false},
		{"mississippi", "*ss*ss*", true},
		{"silver", "Silver", false},
	}
	for _, tc := range tests {
		if got := fnmatch(tc.name, tc.pattern); got != tc.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tc.name, tc.pattern, got, tc.want)
		}
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"models/silver", "models/silver", true},
		{"models/*", "models/silver", true},
		{"models/*", "models/silver/x.sql", false}, // '*' stays within a segment
		{"models/**", "models/silver/x.sql", true},
		{"**/x.sql", "models/silver/x.sql", true},
		{"**/x.sql", "x.sql", true},
		{"models/**/x.sql", "models/x.sql", true},
		{"models/*/x.sql", "models/x.sql", false},
		{"models/silver", "models/silverish", false},
	}
	for _, tc := range tests {
		if got := matchPath(strings.Split(tc.pattern, "/"), strings.Split(tc.path, "/")); got != tc.want {
			t.Errorf("matchPath(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestFQNPlainNameFastPathAgreesWithDBT(t *testing.T) {
	// The plain-name fast path must agree with dbt's is_selected_node
	// applied to the fqn and to the fqn without its project.
	fqns := [][]string{
		{"techstore", "silver", "silver_orders"},
		{"techstore", "silver_orders"},
		{"silver_orders"},
		{"pkg.sub", "silver", "x"},
		{"techstore", "a.b", "c"},
		{"techstore", "gold", "gold.v2"},
	}
	values := []string{"silver_orders", "silver", "techstore", "pkg", "a", "b", "c", "x", "gold", "gold.v2", "sub", "nothing"}
	for _, fqn := range fqns {
		n := &project.Node{Name: fqn[len(fqn)-1], FQN: fqn}
		for _, v := range values {
			parts := strings.Split(v, ".")
			general := selectedByFQN(fqn, v, parts) || len(fqn) > 1 && selectedByFQN(fqn[1:], v, parts) || n.Name == v
			if got := fqnPredicate(v)(n, nil); got != general {
				t.Errorf("fqn %v, value %q: fast path %v, general %v", fqn, v, got, general)
			}
		}
	}
}
