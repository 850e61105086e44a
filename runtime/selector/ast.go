package selector

import (
	"strconv"
	"strings"
)

// Selector methods (the part before the colon in method:value).
const (
	MethodFQN          = "fqn"
	MethodTag          = "tag"
	MethodPath         = "path"
	MethodFile         = "file"
	MethodPackage      = "package"
	MethodConfig       = "config"
	MethodResourceType = "resource_type"
	MethodSource       = "source"
	MethodTestType     = "test_type"
	MethodTestName     = "test_name"
	MethodState        = "state"
	MethodSelector     = "selector"
)

// validMethods lists the methods for error messages, in the order they are
// documented.
func validMethods() []string {
	return []string{MethodFQN, MethodTag, MethodPath, MethodFile, MethodPackage,
		MethodConfig + ".<key>", MethodResourceType, MethodSource, MethodTestType,
		MethodTestName, MethodState, MethodSelector}
}

// Indirect selection modes for tests (dbt's --indirect-selection).
const (
	IndirectEager     = "eager"
	IndirectCautious  = "cautious"
	IndirectBuildable = "buildable"
	IndirectEmpty     = "empty"
)

// Expr is a parsed selection: a *Criterion, *Union, *Intersection or
// *Difference.
type Expr interface {
	// String renders the expression in selector syntax; for the trees that
	// Parse returns, Parse(e.String()) gives back an equal tree.
	String() string
	isExpr()
}

// Union selects what any of its items selects (space in selector text).
type Union struct{ Items []Expr }

// Intersection selects what all of its items select (comma in selector text).
type Intersection struct{ Items []Expr }

// Difference selects what Include selects minus what Exclude selects
// (--exclude, or exclude: inside a selectors.yml union).
type Difference struct {
	Include Expr
	Exclude Expr
}

// Criterion is one method:value with its graph operators, such as
// `2+tag:silver+` or `@silver_orders`.
type Criterion struct {
	Method   string // one of the Method* constants
	Implicit bool   // no method was written: fqn, path or file from the value's shape
	Arg      string // config.<Arg>: the config key path, e.g. "materialized" or "meta.owner"
	Value    string

	Parents          bool // n+ prefix
	ParentsDepth     int  // 0 = every generation
	Children         bool // +n suffix
	ChildrenDepth    int  // 0 = every generation
	ChildrensParents bool // @ prefix

	// Indirect overrides the indirect selection of tests for this criterion
	// (selectors.yml indirect_selection); empty means the Spec's.
	Indirect string

	// Pos is the byte offset of the criterion in the text it was parsed
	// from, or -1 when it came from a selectors.yml method/value mapping.
	Pos int
}

func (*Union) isExpr()        {}
func (*Intersection) isExpr() {}
func (*Difference) isExpr()   {}
func (*Criterion) isExpr()    {}

func (u *Union) String() string        { return joinExprs(u.Items, " ") }
func (x *Intersection) String() string { return joinExprs(x.Items, ",") }

func (d *Difference) String() string {
	return d.Include.String() + " --exclude " + d.Exclude.String()
}

func joinExprs(items []Expr, sep string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		s := it.String()
		// Nested sets (only built from selectors.yml) have no selector
		// syntax of their own; parenthesise them for reading.
		switch it.(type) {
		case *Union, *Difference:
			if len(items) > 1 {
				s = "(" + s + ")"
			}
		case *Intersection:
			if sep == "," && len(items) > 1 {
				s = "(" + s + ")"
			}
		}
		parts[i] = s
	}
	return strings.Join(parts, sep)
}

// String renders the criterion in selector syntax.
func (c *Criterion) String() string {
	var b strings.Builder
	if c.ChildrensParents {
		b.WriteByte('@')
	}
	if c.Parents {
		if c.ParentsDepth > 0 {
			b.WriteString(strconv.Itoa(c.ParentsDepth))
		}
		b.WriteByte('+')
	}
	b.WriteString(c.body())
	if c.Children {
		b.WriteByte('+')
		if c.ChildrenDepth > 0 {
			b.WriteString(strconv.Itoa(c.ChildrenDepth))
		}
	}
	return b.String()
}

// body is the method:value part without graph operators.
func (c *Criterion) body() string {
	if c.Implicit {
		return c.Value
	}
	if c.Arg != "" {
		return c.Method + "." + c.Arg + ":" + c.Value
	}
	return c.Method + ":" + c.Value
}
