package selector

import (
	"strings"
	"testing"
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
