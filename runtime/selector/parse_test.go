package selector

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Expr
	}{
		{"name", "silver_orders", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "silver_orders"}}}},
		{"parents", "+silver_orders", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "silver_orders", Parents: true}}}},
		{"depths", "2+silver_orders+3", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "silver_orders", Parents: true, ParentsDepth: 2, Children: true, ChildrenDepth: 3}}}},
		{"leading zeros", "02+x", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "x", Parents: true, ParentsDepth: 2}}}},
		{"at", "@silver_orders", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "silver_orders", ChildrensParents: true}}}},
		{"digits in a name", "2020_orders", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "2020_orders"}}}},
		{"digit name with parents", "3+12", &Union{Items: []Expr{
			&Criterion{Method: MethodFQN, Implicit: true, Value: "12", Parents: true, ParentsDepth: 3}}}},
		{"method", "tag:silver+", &Union{Items: []Expr{
			&Criterion{Method: MethodTag, Value: "silver", Children: true}}}},
		{"config key", "config.meta.owner:data", &Union{Items: []Expr{
			&Criterion{Method: MethodConfig, Arg: "meta.owner", Value: "data"}}}},
		{"state sub-selector", "state:modified.body", &Union{Items: []Expr{
			&Criterion{Method: MethodState, Value: "modified.body"}}}},
		{"implicit path", "models/silver", &Union{Items: []Expr{
			&Criterion{Method: MethodPath, Implicit: true, Value: "models/silver"}}}},
		{"implicit file", "silver_orders.SQL", &Union{Items: []Expr{
			&Criterion{Method: MethodFile, Implicit: true, Value: "silver_orders.SQL"}}}},
		{"union and intersection", "  a,tag:x\tb ", &Union{Items: []Expr{
			&Intersection{Items: []Expr{
				&Criterion{Method: MethodFQN, Implicit: true, Value: "a", Pos: 2},
				&Criterion{Method: MethodTag, Value: "x", Pos: 4}}},
			&Criterion{Method: MethodFQN, Implicit: true, Value: "b", Pos: 10}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.input)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.input, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q) = %s\nwant %s", tc.input, dump(got), dump(tc.want))
			}
		})
	}
}

func dump(e Expr) string {
	switch x := e.(type) {
	case *Union:
		var s []string
		for _, it := range x.Items {
			s = append(s, dump(it))
		}
		return "Union{" + strings.Join(s, " ") + "}"
	case *Intersection:
		var s []string
		for _, it := range x.Items {
			s = append(s, dump(it))
		}
		return "Intersection{" + strings.Join(s, " ") + "}"
	}
	return strings.ReplaceAll(strings.TrimPrefix(reflectString(e), "&"), "\n", " ")
}

func reflectString(v any) string { return strings.TrimSpace(fmtV(v)) }

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		pos   int
		msg   string // substring of Msg
	}{
		{"double colon", "tag::x", 4, "unexpected ':'"},
		{"unknown method", "foo:bar", 0, `unknown selector method "foo"`},
		{"unknown method lists the valid ones", "foo:bar", 0, "valid methods: fqn, tag, path, file, package, config.<key>, resource_type"},
		{"typo in method", "tags:silver", 0, `did you mean "tag"`},
		{"depth with nothing after", "3+", 2, `missing node name or method:value after "3+"`},
		{"lone plus", "+", 1, "missing node name"},
		{"lone at", "@", 1, "missing node name"},
		{"empty value", "tag:", 4, `empty value for method "tag"`},
		{"plus inside", "a+b", 1, "unexpected '+'"},
		{"doubled plus", "a++", 1, "unexpected '+'"},
		{"at inside", "a@b", 1, "unexpected '@'"},
		{"at with trailing plus", "@a+", 2, "'@' cannot be combined with a trailing '+'"},
		{"zero depth", "0+a", 0, "bad depth"},
		{"huge depth", "a+99999999999999999999", 2, "bad depth"},
		{"empty between commas", "a,,b", 2, "empty criterion between commas"},
		{"leading comma", ",a", 0, "empty criterion before ','"},
		{"trailing comma", "a,", 2, "empty criterion after ','"},
		{"config without key", "config:x", 6, "method config needs a key"},
		{"config empty key segment", "config.a..b:x", 9, "empty key segment"},
		{"argument on another method", "tag.x:y", 3, `method "tag" takes no '.x'`},
		{"bad resource type", "resource_type:modle", 14, `unknown resource_type value "modle" (did you mean "model"?)`},
		{"bad state", "state:modifed", 6, `did you mean "modified"`},
		{"bad test type", "test_type:schemas", 10, "valid values: generic, singular, data, unit, schema"},
		{"source with four parts", "source:a.b.c.d", 7, "has 4 parts"},
		{"source empty part", "source:a.", 9, "empty part"},
		{"fqn empty part", "fqn:a..b", 6, "empty part"},
		{"empty method", "+:x", 1, "missing method name"},
		{"bad method character", "ta-g:x", 2, `unexpected '-' in method name`},
		{"empty input", "", 0, "empty selector"},
		{"blank input", "   ", 0, "empty selector"},
		{"position inside a union", "silver_orders tag::x", 18, "unexpected ':'"},
		{"position inside an intersection", "a,b,+", 5, "missing node name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.input)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tc.input, err)
			}
			if se.Pos != tc.pos || se.Input != tc.input {
				t.Errorf("Parse(%q): Pos %d Input %q, want Pos %d", tc.input, se.Pos, se.Input, tc.pos)
			}
			if !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q): message %q lacks %q", tc.input, se.Msg, tc.msg)
			}
		})
	}
}

func TestSyntaxErrorCaret(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"ascii", "tag::x",
			"invalid selector \"tag::x\" at column 5: unexpected ':' in value \":x\": a criterion has a single method:value colon\n  tag::x\n      ^"},
		{"tab is blanked and columns count characters", "é\ttag::x",
			"invalid selector \"é\\ttag::x\" at column 7: unexpected ':' in value \":x\": a criterion has a single method:value colon\n  é tag::x\n        ^"},
		{"caret after the end", "3+",
			"invalid selector \"3+\" at column 3: missing node name or method:value after \"3+\", e.g. 3+silver_orders\n  3+\n    ^"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.input)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestStringRoundTrip(t *testing.T) {
	tests := []struct{ input, want string }{
		{"a", "a"},
		{"  +a+  2+b+3 ", "+a+ 2+b+3"},
		{"@x,tag:y config.materialized:table", "@x,tag:y config.materialized:table"},
		{"models/silver  file:x.sql", "models/silver file:x.sql"},
		{"002+a+01", "2+a+1"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			e, err := Parse(tc.input)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

// clearPos zeroes the positions so that trees parsed from differently
// spaced text compare equal.
func clearPos(e Expr) {
	walkCriteria(e, func(c *Criterion) { c.Pos = 0 })
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"silver_orders", "+silver_orders", "silver_orders+", "2+silver_orders+3", "@silver_orders",
		"tag:silver", "tag:silver,config.materialized:table tag:gold", "path:models/silver", "models/silver",
		"file:x.sql", "fqn:techstore.gold.*", "config.meta.owner:data", "resource_type:model", "source:techstore.orders+",
		"test_type:generic", "test_name:not_null", "state:modified.body+", "selector:nightly", "tag::x", "3+", "@a+",
		"a,,b", "0+a", "é\ttag:x", "+12+", "1+2+", "[a-z]*", "\xff", "a+b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		e, err := Parse(input)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", input, err)
			}
			if se.Input != input || se.Pos < 0 || se.Pos > len(input) || se.Msg == "" {
				t.Fatalf("Parse(%q): bad SyntaxError %+v", input, se)
			}
			_ = se.Error()
			return
		}
		s := e.String()
		e2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok, rendered %q, which fails: %v", input, s, err)
		}
		if s2 := e2.String(); s2 != s {
			t.Fatalf("round trip of %q: %q then %q", input, s, s2)
		}
		clearPos(e)
		clearPos(e2)
		if !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip of %q changed the tree: %s vs %s", input, dump(e), dump(e2))
		}
	})
}
