package selector

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth bounds the n in n+model and model+n.
const maxDepth = 1_000_000

// SyntaxError is a selector that does not parse. Error prints the input
// with a caret under the offending character.
type SyntaxError struct {
	Input string // the selector text as given
	Pos   int    // byte offset of the offending character in Input
	Msg   string // what is wrong and what to write instead
}

func (e *SyntaxError) Error() string {
	line, caret := caretLines(e.Input, e.Pos)
	return fmt.Sprintf("invalid selector %q at column %d: %s\n  %s\n  %s^", e.Input, e.Column(), e.Msg, line, caret)
}

// Column is the 1-based column (in characters) of the offending character.
func (e *SyntaxError) Column() int {
	pos := min(max(e.Pos, 0), len(e.Input))
	return utf8.RuneCountInString(e.Input[:pos]) + 1
}

// caretLines returns the input with control characters blanked out and the
// run of spaces that puts a caret under byte offset pos.
func caretLines(input string, pos int) (string, string) {
	pos = min(max(pos, 0), len(input))
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') {
			return ' '
		}
		return r
	}, input)
	return clean, strings.Repeat(" ", utf8.RuneCountInString(input[:pos]))
}

// Parse parses one --select or --exclude argument: criteria separated by
// whitespace (union), each a comma-separated list (intersection) of
// `[@][n+][method[.arg]:]value[+n]`. It returns a *Union of *Intersection
// and *Criterion items.
func Parse(input string) (Expr, error) {
	u := &Union{}
	i := 0
	for i < len(input) {
		r, w := utf8.DecodeRuneInString(input[i:])
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		j := i
		for j < len(input) {
			r, w := utf8.DecodeRuneInString(input[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += w
		}
		item, err := parseGroup(input, i, j)
		if err != nil {
			return nil, err
		}
		u.Items = append(u.Items, item)
		i = j
	}
	if len(u.Items) == 0 {
		return nil, &SyntaxError{Input: input, Pos: 0,
			Msg: "empty selector: give a node name or method:value, e.g. silver_orders or tag:silver"}
	}
	return u, nil
}

// parseGroup parses input[start:end], a comma-separated intersection.
func parseGroup(input string, start, end int) (Expr, error) {
	var items []Expr
	a := start
	for {
		b := a
		for b < end && input[b] != ',' {
			b++
		}
		if a == b {
			msg := "empty criterion between commas: remove the extra ','"
			switch {
			case a == start:
				msg = "empty criterion before ',': a comma joins two criteria, e.g. tag:silver,config.materialized:table"
			case b == end:
				msg = "empty criterion after ',': a comma joins two criteria, e.g. tag:silver,config.materialized:table"
			}
			return nil, &SyntaxError{Input: input, Pos: a, Msg: msg}
		}
		c, err := parseCriterion(input, a, b)
		if err != nil {
			return nil, err
		}
		items = append(items, c)
		if b == end {
			break
		}
		a = b + 1
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return &Intersection{Items: items}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseCriterion parses input[a:b], one criterion with its operators.
func parseCriterion(input string, a, b int) (*Criterion, error) {
	syntax := func(pos int, format string, args ...any) error {
		return &SyntaxError{Input: input, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	c := &Criterion{Pos: a}
	p := a
	if input[p] == '@' {
		c.ChildrensParents = true
		p++
	}
	// Parents: digits* '+'.
	q := p
	for q < b && isDigit(input[q]) {
		q++
	}
	if q < b && input[q] == '+' {
		c.Parents = true
		if q > p {
			d, err := parseDepth(input[p:q])
			if err != nil {
				return nil, syntax(p, "bad depth %q before '+': %v", input[p:q], err)
			}
			c.ParentsDepth = d
		}
		p = q + 1
	}
	// Children: '+' digits* at the end.
	e := b
	r := b
	for r > p && isDigit(input[r-1]) {
		r--
	}
	if r > p && input[r-1] == '+' {
		c.Children = true
		if r < b {
			d, err := parseDepth(input[r:b])
			if err != nil {
				return nil, syntax(r, "bad depth %q after '+': %v", input[r:b], err)
			}
			c.ChildrenDepth = d
		}
		e = r - 1
	}
	if p >= e {
		op := input[a:p]
		if op == "" {
			op = input[a:b]
		}
		return nil, syntax(p, "missing node name or method:value after %q, e.g. %ssilver_orders", op, op)
	}
	if c.ChildrensParents && c.Children {
		return nil, syntax(e, "'@' cannot be combined with a trailing '+': '@model' already selects every descendant of the model")
	}
	body := input[p:e]
	colon := strings.IndexByte(body, ':')
	valueAt := p
	if colon >= 0 {
		m := body[:colon]
		if m == "" {
			return nil, syntax(p, "missing method name before ':'; valid methods: %s", strings.Join(validMethods(), ", "))
		}
		for k := 0; k < len(m); k++ {
			ch := m[k]
			if !(ch == '_' || ch == '.' || isDigit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
				return nil, syntax(p+k, "unexpected %q in method name %q; a method is letters, digits, '_' and '.'", ch, m)
			}
		}
		method, arg, off, msg := splitMethod(m)
		if msg != "" {
			return nil, syntax(p+off, "%s", msg)
		}
		c.Method, c.Arg = method, arg
		c.Value = body[colon+1:]
		valueAt = p + colon + 1
		if c.Value == "" {
			return nil, syntax(valueAt, "empty value for method %q, e.g. %s", m, methodExample(method))
		}
	} else {
		c.Value = body
		c.Implicit = true
		c.Method = defaultMethod(body)
	}
	for k := 0; k < len(c.Value); k++ {
		switch c.Value[k] {
		case ':':
			return nil, syntax(valueAt+k, "unexpected ':' in value %q: a criterion has a single method:value colon", c.Value)
		case '+':
			return nil, syntax(valueAt+k, "unexpected '+' inside %q: '+' goes right before a node (2+model) or right after it (model+2)", c.Value)
		case '@':
			return nil, syntax(valueAt+k, "unexpected '@' inside %q: '@' goes at the very start (@model)", c.Value)
		}
	}
	if off, msg := checkValue(c.Method, c.Value); msg != "" {
		return nil, syntax(valueAt+off, "%s", msg)
	}
	return c, nil
}

func parseDepth(s string) (int, error) {
	d, err := strconv.Atoi(s)
	if err != nil || d > maxDepth {
		return 0, fmt.Errorf("a depth is a whole number from 1 to %d", maxDepth)
	}
	if d < 1 {
		return 0, fmt.Errorf("a depth is at least 1; write '+' alone for every generation")
	}
	return d, nil
}

// defaultMethod picks the method of a bare value the way dbt does: a path
// when it has a slash, a file when it ends in .sql/.py/.csv, else fqn
// (which also matches node names and name globs).
func defaultMethod(value string) string {
	if strings.ContainsAny(value, `/\`) {
		return MethodPath
	}
	lv := strings.ToLower(value)
	if strings.HasSuffix(lv, ".sql") || strings.HasSuffix(lv, ".py") || strings.HasSuffix(lv, ".csv") {
		return MethodFile
	}
	return MethodFQN
}

// splitMethod validates a written method name (config.materialized,
// tag, ...). It returns the method, its argument, and on error the byte
// offset inside m and a message.
func splitMethod(m string) (method, arg string, off int, msg string) {
	method, arg, hasArg := strings.Cut(m, ".")
	if !isMethod(method) {
		hint := ""
		if s := closest(method, []string{MethodFQN, MethodTag, MethodPath, MethodFile, MethodPackage,
			MethodConfig, MethodResourceType, MethodSource, MethodTestType, MethodTestName,
			MethodState, MethodSelector}); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		return "", "", 0, fmt.Sprintf("unknown selector method %q%s; valid methods: %s",
			method, hint, strings.Join(validMethods(), ", "))
	}
	if method == MethodConfig {
		if !hasArg || arg == "" {
			return "", "", len(method), "method config needs a key, e.g. config.materialized:table"
		}
		off := len(method) + 1
		for _, part := range strings.Split(arg, ".") {
			if part == "" {
				return "", "", off, fmt.Sprintf("empty key segment in %q, e.g. config.meta.owner:data", m)
			}
			off += len(part) + 1
		}
		return method, arg, 0, ""
	}
	if hasArg {
		return "", "", len(method), fmt.Sprintf("method %q takes no '.%s'; only config takes a key (config.<key>:value)", method, arg)
	}
	return method, "", 0, ""
}

func isMethod(m string) bool {
	switch m {
	case MethodFQN, MethodTag, MethodPath, MethodFile, MethodPackage, MethodConfig,
		MethodResourceType, MethodSource, MethodTestType, MethodTestName, MethodState, MethodSelector:
		return true
	}
	return false
}

func methodExample(method string) string {
	switch method {
	case MethodConfig:
		return "config.materialized:table"
	case MethodResourceType:
		return "resource_type:model"
	case MethodSource:
		return "source:techstore.orders"
	case MethodTestType:
		return "test_type:generic"
	case MethodTestName:
		return "test_name:not_null"
	case MethodState:
		return "state:modified"
	case MethodPath:
		return "path:models/silver"
	case MethodFile:
		return "file:silver_orders.sql"
	case MethodSelector:
		return "selector:nightly"
	}
	return method + ":silver"
}

// Value sets of the methods that take a fixed vocabulary.
func resourceTypes() []string { return []string{"model", "test", "seed", "source", "operation"} }
func testTypes() []string     { return []string{"generic", "singular", "data", "unit", "schema"} }
func stateValues() []string {
	return []string{"new", "old", "modified", "unmodified", "modified.body", "modified.configs",
		"modified.relation", "modified.macros"}
}

// checkValue validates the value of a method with a fixed vocabulary or a
// shape. It returns the offset inside value and a message on error.
func checkValue(method, value string) (int, string) {
	oneOf := func(valid []string) (int, string) {
		for _, v := range valid {
			if v == value {
				return 0, ""
			}
		}
		hint := ""
		if s := closest(value, valid); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		return 0, fmt.Sprintf("unknown %s value %q%s; valid values: %s", method, value, hint, strings.Join(valid, ", "))
	}
	switch method {
	case MethodResourceType:
		return oneOf(resourceTypes())
	case MethodTestType:
		return oneOf(testTypes())
	case MethodState:
		return oneOf(stateValues())
	case MethodSource:
		parts := strings.Split(value, ".")
		if len(parts) > 3 {
			return 0, fmt.Sprintf("source value %q has %d parts; write source_name, source_name.table or package.source_name.table", value, len(parts))
		}
		off := 0
		for _, part := range parts {
			if part == "" {
				return off, fmt.Sprintf("empty part in source value %q; write source_name, source_name.table or package.source_name.table", value)
			}
			off += len(part) + 1
		}
	case MethodFQN:
		off := 0
		for _, part := range strings.Split(value, ".") {
			if part == "" {
				return off, fmt.Sprintf("empty part in dotted name %q, e.g. techstore.silver.silver_orders", value)
			}
			off += len(part) + 1
		}
	}
	return 0, ""
}

// closest returns the candidate nearest to s by edit distance when it is
// close enough to be a likely typo, else "".
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
