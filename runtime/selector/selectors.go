package selector

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Selectors are the named selectors of a selectors.yml file, in file order.
type Selectors struct {
	Path string
	All  []*NamedSelector
}

// NamedSelector is one entry of selectors.yml.
type NamedSelector struct {
	Name        string
	Description string
	Default     bool
	Definition  Expr
	Line        int // line of the entry in the file
}

// Lookup returns the selector called name.
func (s *Selectors) Lookup(name string) (*NamedSelector, bool) {
	if s == nil {
		return nil, false
	}
	for _, ns := range s.All {
		if ns.Name == name {
			return ns, true
		}
	}
	return nil, false
}

// Default returns the selector marked `default: true`, or nil.
func (s *Selectors) Default() *NamedSelector {
	if s == nil {
		return nil
	}
	for _, ns := range s.All {
		if ns.Default {
			return ns
		}
	}
	return nil
}

// Names lists the selector names in file order.
func (s *Selectors) Names() []string {
	var out []string
	if s != nil {
		for _, ns := range s.All {
			out = append(out, ns.Name)
		}
	}
	return out
}

func (s *Selectors) unknownName(name string) string {
	names := s.Names()
	hint := ""
	if c := closest(name, names); c != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", c)
	}
	if len(names) == 0 {
		return fmt.Sprintf("no selector named %q%s: %s defines no selectors", name, hint, s.Path)
	}
	return fmt.Sprintf("no selector named %q%s in %s; defined: %s", name, hint, s.Path, strings.Join(names, ", "))
}

// LoadSelectors reads a selectors.yml file in dbt's format:
//
//	selectors:
//	  - name: nightly
//	    description: ...
//	    default: true
//	    definition: <string | method/value mapping | union/intersection list>
//
// A missing file is an error that wraps fs.ErrNotExist, so a caller can
// treat selectors.yml as optional with errors.Is(err, fs.ErrNotExist).
func LoadSelectors(path string) (*Selectors, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load selectors: %w", err)
	}
	return ParseSelectors(path, data)
}

// ParseSelectors parses the bytes of a selectors.yml; path names the file
// in errors ("path:line:col: ...").
func ParseSelectors(path string, data []byte) (*Selectors, error) {
	sp := &selParser{path: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		where := path
		if rest, ok := strings.CutPrefix(err.Error(), "yaml: line "); ok {
			if n, _, ok := strings.Cut(rest, ":"); ok {
				if _, convErr := strconv.Atoi(n); convErr == nil {
					where = path + ":" + n
				}
			}
		}
		return nil, fmt.Errorf("load selectors: %s: not valid YAML: %w", where, err)
	}
	s := &Selectors{Path: path}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return s, nil // an empty file
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, sp.errf(root, "the file must be a mapping with a `selectors:` list")
	}
	var list *yaml.Node
	for k := 0; k+1 < len(root.Content); k += 2 {
		key, val := root.Content[k], deref(root.Content[k+1])
		if key.Value != "selectors" {
			return nil, sp.errf(key, "unknown top-level key %q; selectors.yml holds only `selectors:`", key.Value)
		}
		list = val
	}
	if list == nil || list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return s, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, sp.errf(list, "`selectors` must be a list of {name, description, definition}")
	}
	for _, item := range list.Content {
		ns, err := sp.entry(deref(item))
		if err != nil {
			return nil, err
		}
		if prev, dup := s.Lookup(ns.Name); dup {
			return nil, fmt.Errorf("load selectors: %s:%d: selector %q is defined twice (first at line %d); rename one", path, ns.Line, ns.Name, prev.Line)
		}
		if ns.Default {
			if d := s.Default(); d != nil {
				return nil, fmt.Errorf("load selectors: %s:%d: selectors %q (line %d) and %q both have default: true; keep one", path, ns.Line, d.Name, d.Line, ns.Name)
			}
		}
		s.All = append(s.All, ns)
	}
	if err := s.checkReferences(); err != nil {
		return nil, err
	}
	return s, nil
}

type selParser struct{ path string }

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (sp *selParser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("load selectors: %s:%d:%d: %s", sp.path, n.Line, n.Column, fmt.Sprintf(format, args...))
}

func (sp *selParser) entry(n *yaml.Node) (*NamedSelector, error) {
	if n.Kind != yaml.MappingNode {
		return nil, sp.errf(n, "a selector is a mapping with name, description and definition")
	}
	ns := &NamedSelector{Line: n.Line}
	var def *yaml.Node
	for k := 0; k+1 < len(n.Content); k += 2 {
		key, val := n.Content[k], deref(n.Content[k+1])
		switch key.Value {
		case "name":
			if val.Kind != yaml.ScalarNode || val.Value == "" {
				return nil, sp.errf(val, "name must be a non-empty string")
			}
			ns.Name = val.Value
		case "description":
			if val.Kind != yaml.ScalarNode {
				return nil, sp.errf(val, "description must be a string")
			}
			ns.Description = val.Value
		case "default":
			b, err := sp.boolean(val, "default")
			if err != nil {
				return nil, err
			}
			ns.Default = b
		case "definition":
			def = val
		default:
			return nil, sp.errf(key, "unknown key %q in a selector; valid keys: name, description, default, definition", key.Value)
		}
	}
	if ns.Name == "" {
		return nil, sp.errf(n, "selector has no name")
	}
	if def == nil {
		return nil, sp.errf(n, "selector %q has no definition", ns.Name)
	}
	e, err := sp.definition(def, ns.Name)
	if err != nil {
		return nil, err
	}
	ns.Definition = e
	return ns, nil
}

func (sp *selParser) boolean(n *yaml.Node, key string) (bool, error) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		return false, sp.errf(n, "%s must be true or false, not %q", key, n.Value)
	}
	return b, nil
}

// definition parses a definition: a selector string, a method/value
// mapping, a one-key {method: value} mapping, or a union/intersection.
func (sp *selParser) definition(n *yaml.Node, name string) (Expr, error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		e, err := Parse(n.Value)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				col := n.Column + se.Column() - 1
				if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
					col++
				}
				return nil, fmt.Errorf("load selectors: %s:%d:%d: selector %q: %w", sp.path, n.Line, col, name, err)
			}
			return nil, sp.errf(n, "selector %q: %v", name, err)
		}
		return e, nil
	case yaml.MappingNode:
		keys := map[string]*yaml.Node{}
		for k := 0; k+1 < len(n.Content); k += 2 {
			keys[n.Content[k].Value] = deref(n.Content[k+1])
		}
		if list, ok := keys["union"]; ok {
			return sp.setOp(n, list, "union", name)
		}
		if list, ok := keys["intersection"]; ok {
			return sp.setOp(n, list, "intersection", name)
		}
		if _, ok := keys["exclude"]; ok {
			return nil, sp.errf(n, "selector %q: exclude goes inside a union or intersection list, e.g. union: [{method: tag, value: nightly}, {exclude: [{method: tag, value: slow}]}]", name)
		}
		if _, ok := keys["method"]; ok {
			return sp.methodValue(n, name)
		}
		if len(n.Content) == 2 {
			// Shorthand {tag: nightly}.
			key, val := n.Content[0], deref(n.Content[1])
			if val.Kind != yaml.ScalarNode {
				return nil, sp.errf(val, "selector %q: the value of %q must be a string", name, key.Value)
			}
			return sp.criterion(key, key.Value, val, name)
		}
		return nil, sp.errf(n, "selector %q: a definition mapping needs method and value, or union, or intersection", name)
	case yaml.SequenceNode:
		return nil, sp.errf(n, "selector %q: a definition is a string or a mapping; to combine criteria write union: [...] or intersection: [...]", name)
	}
	return nil, sp.errf(n, "selector %q: empty definition", name)
}

func (sp *selParser) setOp(n, list *yaml.Node, op, name string) (Expr, error) {
	if len(n.Content) != 2 {
		return nil, sp.errf(n, "selector %q: %s must be the only key of its mapping", name, op)
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, sp.errf(list, "selector %q: %s must be a non-empty list of definitions", name, op)
	}
	var items []Expr
	var excl Expr
	for _, it := range list.Content {
		it = deref(it)
		if it.Kind == yaml.MappingNode && len(it.Content) == 2 && it.Content[0].Value == "exclude" {
			if excl != nil {
				return nil, sp.errf(it, "selector %q: only one exclude per %s; list every excluded definition under it", name, op)
			}
			ex := deref(it.Content[1])
			if ex.Kind != yaml.SequenceNode || len(ex.Content) == 0 {
				return nil, sp.errf(ex, "selector %q: exclude must be a non-empty list of definitions", name)
			}
			var exItems []Expr
			for _, e := range ex.Content {
				d, err := sp.definition(e, name)
				if err != nil {
					return nil, err
				}
				exItems = append(exItems, d)
			}
			excl = &Union{Items: exItems}
			continue
		}
		d, err := sp.definition(it, name)
		if err != nil {
			return nil, err
		}
		items = append(items, d)
	}
	if len(items) == 0 {
		return nil, sp.errf(list, "selector %q: %s has only an exclude; add what to select, e.g. {method: fqn, value: \"*\"}", name, op)
	}
	var e Expr
	if op == "union" {
		e = &Union{Items: items}
	} else {
		e = &Intersection{Items: items}
	}
	if excl != nil {
		e = &Difference{Include: e, Exclude: excl}
	}
	return e, nil
}

// methodValue parses {method, value, parents, children, childrens_parents,
// parents_depth, children_depth, indirect_selection}.
func (sp *selParser) methodValue(n *yaml.Node, name string) (Expr, error) {
	var methodKey, value *yaml.Node
	opts := map[string]*yaml.Node{}
	for k := 0; k+1 < len(n.Content); k += 2 {
		key, val := n.Content[k], deref(n.Content[k+1])
		switch key.Value {
		case "method":
			methodKey = val
		case "value":
			value = val
		case "parents", "children", "childrens_parents", "parents_depth", "children_depth", "indirect_selection":
			opts[key.Value] = val
		default:
			return nil, sp.errf(key, "selector %q: unknown key %q; valid keys: method, value, parents, children, childrens_parents, parents_depth, children_depth, indirect_selection", name, key.Value)
		}
	}
	if methodKey == nil || methodKey.Kind != yaml.ScalarNode || methodKey.Value == "" {
		return nil, sp.errf(n, "selector %q: method must be a string such as tag or config.materialized", name)
	}
	if value == nil || value.Kind != yaml.ScalarNode {
		return nil, sp.errf(n, "selector %q: method %s needs a value (a string)", name, methodKey.Value)
	}
	e, err := sp.criterion(methodKey, methodKey.Value, value, name)
	if err != nil {
		return nil, err
	}
	c := e.(*Criterion)
	for _, k := range []string{"parents", "children", "childrens_parents"} {
		if v, ok := opts[k]; ok {
			b, err := sp.boolean(v, k)
			if err != nil {
				return nil, err
			}
			switch k {
			case "parents":
				c.Parents = b
			case "children":
				c.Children = b
			default:
				c.ChildrensParents = b
			}
		}
	}
	for _, k := range []string{"parents_depth", "children_depth"} {
		v, ok := opts[k]
		if !ok {
			continue
		}
		d, err := strconv.Atoi(v.Value)
		if err != nil || d < 1 || d > maxDepth {
			return nil, sp.errf(v, "selector %q: %s must be a whole number from 1 to %d, not %q", name, k, maxDepth, v.Value)
		}
		if k == "parents_depth" {
			c.Parents, c.ParentsDepth = true, d
		} else {
			c.Children, c.ChildrenDepth = true, d
		}
	}
	if c.ChildrensParents && c.Children {
		return nil, sp.errf(n, "selector %q: childrens_parents cannot be combined with children: it already selects every descendant", name)
	}
	if v, ok := opts["indirect_selection"]; ok {
		if v.Kind != yaml.ScalarNode || !validIndirect(v.Value) {
			return nil, sp.errf(v, "selector %q: indirect_selection must be eager, cautious, buildable or empty, not %q", name, v.Value)
		}
		c.Indirect = v.Value
	}
	return c, nil
}

// criterion builds a criterion from a method name and a value node.
func (sp *selParser) criterion(at *yaml.Node, method string, value *yaml.Node, name string) (Expr, error) {
	m, arg, _, msg := splitMethod(method)
	if msg != "" {
		return nil, sp.errf(at, "selector %q: %s", name, msg)
	}
	v := value.Value
	if v == "" {
		return nil, sp.errf(value, "selector %q: empty value for method %s, e.g. %s", name, method, methodExample(m))
	}
	if _, msg := checkValue(m, v); msg != "" {
		return nil, sp.errf(value, "selector %q: %s", name, msg)
	}
	return &Criterion{Method: m, Arg: arg, Value: v, Pos: -1}, nil
}

// checkReferences checks that selector:NAME criteria name defined
// selectors and do not form a cycle.
func (s *Selectors) checkReferences() error {
	refs := map[string][]string{}
	for _, ns := range s.All {
		walkCriteria(ns.Definition, func(c *Criterion) {
			if c.Method == MethodSelector {
				refs[ns.Name] = append(refs[ns.Name], c.Value)
			}
		})
	}
	for _, ns := range s.All {
		for _, r := range refs[ns.Name] {
			if _, ok := s.Lookup(r); !ok {
				return fmt.Errorf("load selectors: %s:%d: selector %q refers to selector:%s: %s", s.Path, ns.Line, ns.Name, r, s.unknownName(r))
			}
		}
	}
	// Depth-first search for a cycle.
	state := map[string]int{} // 1 visiting, 2 done
	var stack []string
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			start := slices.Index(stack, name)
			cycle := append(slices.Clone(stack[start:]), name)
			ns, _ := s.Lookup(name)
			return fmt.Errorf("load selectors: %s:%d: selectors refer to each other in a cycle: %s", s.Path, ns.Line, strings.Join(cycle, " -> "))
		case 2:
			return nil
		}
		state[name] = 1
		stack = append(stack, name)
		for _, r := range refs[name] {
			if err := visit(r); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = 2
		return nil
	}
	for _, ns := range s.All {
		if err := visit(ns.Name); err != nil {
			return err
		}
	}
	return nil
}

// walkCriteria calls f for every criterion in e.
func walkCriteria(e Expr, f func(*Criterion)) {
	switch x := e.(type) {
	case *Criterion:
		f(x)
	case *Union:
		for _, it := range x.Items {
			walkCriteria(it, f)
		}
	case *Intersection:
		for _, it := range x.Items {
			walkCriteria(it, f)
		}
	case *Difference:
		walkCriteria(x.Include, f)
		walkCriteria(x.Exclude, f)
	}
}
