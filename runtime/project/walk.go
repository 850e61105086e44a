package project

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// walkProps reads a properties document without reflection. It handles
// the shapes properties files use; on anything else it returns ok=false
// and the caller decodes with yaml.v3, which also words the type errors.
func walkProps(doc *yaml.Node, out *propsFile) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return false
		}
		var ok bool
		switch k.Value {
		case "models":
			out.Models, ok = walkNodeList(v)
		case "seeds":
			out.Seeds, ok = walkNodeList(v)
		case "sources":
			out.Sources, ok = walkSources(v)
		default:
			ok = true // version, macros, exposures, ...: not read here
		}
		if !ok {
			return false
		}
	}
	return true
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && shortTag(n) == "!!null" }

// shortTag is n.ShortTag() without its cost for the common case: an
// untagged scalar whose first character cannot start a null, bool, number
// or timestamp is a string (yaml.v3's resolve looks at that character
// first and allocates on every call).
func shortTag(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == "!") && n.Value != "" && !mayResolve(n.Value[0]) {
		return "!!str"
	}
	return n.ShortTag()
}

// mayResolve reports whether yaml.v3 resolves a plain scalar starting with
// c to anything but a string (its resolveTable's non-zero entries).
func mayResolve(c byte) bool {
	return c == '+' || c == '-' || c == '.' || c == '~' || (c >= '0' && c <= '9') || strings.IndexByte("yYnNtTfFoO", c) >= 0
}

func walkString(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	switch shortTag(n) {
	case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
		return n.Value, true
	}
	return "", false
}

func walkList(n *yaml.Node) ([]*yaml.Node, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	return n.Content, true
}

func walkStringList(n *yaml.Node) (stringList, bool) {
	if n.Kind == yaml.ScalarNode {
		if isNull(n) {
			return nil, true
		}
		s, ok := walkString(n)
		return stringList{s}, ok
	}
	items, ok := walkList(n)
	if !ok {
		return nil, false
	}
	out := make(stringList, 0, len(items))
	for _, it := range items {
		s, ok := walkString(it)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func walkMap(n *yaml.Node) (map[string]any, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return nil, false
	}
	return m, true
}

func walkTests(n *yaml.Node) ([]yaml.Node, bool) {
	if isNull(n) {
		return nil, true
	}
	items, ok := walkList(n)
	if !ok {
		return nil, false
	}
	out := make([]yaml.Node, len(items))
	for i, it := range items {
		out[i] = *it
	}
	return out, true
}

// fields calls f for each key of a mapping; f reports whether it understood.
func fields(n *yaml.Node, f func(key string, v *yaml.Node) bool) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || !f(k.Value, n.Content[i+1]) {
			return false
		}
	}
	return true
}

func walkNodeList(n *yaml.Node) ([]nodeProps, bool) {
	return walkStructs(n, func(p *nodeProps) *int { return &p.Line }, func(p *nodeProps, key string, v *yaml.Node) (ok bool) {
		switch key {
		case "name":
			p.Name, ok = walkString(v)
		case "description":
			p.Description, ok = walkString(v)
		case "config":
			p.Config, ok = walkMap(v)
		case "meta":
			p.Meta, ok = walkMap(v)
		case "tags":
			p.Tags, ok = walkStringList(v)
		case "columns":
			p.Columns, ok = walkColumns(v)
		case "tests":
			p.Tests, ok = walkTests(v)
		case "data_tests":
			p.DataTests, ok = walkTests(v)
		default:
			ok = true
		}
		return ok
	})
}

func walkColumns(n *yaml.Node) ([]columnProps, bool) {
	return walkStructs(n, func(c *columnProps) *int { return &c.Line }, func(c *columnProps, key string, v *yaml.Node) (ok bool) {
		switch key {
		case "name":
			c.Name, ok = walkString(v)
		case "description":
			c.Description, ok = walkString(v)
		case "data_type":
			c.DataType, ok = walkString(v)
		case "meta":
			c.Meta, ok = walkMap(v)
		case "tags":
			c.Tags, ok = walkStringList(v)
		case "tests":
			c.Tests, ok = walkTests(v)
		case "data_tests":
			c.DataTests, ok = walkTests(v)
		default:
			ok = true
		}
		return ok
	})
}

func walkSources(n *yaml.Node) ([]sourceProps, bool) {
	return walkStructs(n, func(s *sourceProps) *int { return &s.Line }, func(s *sourceProps, key string, v *yaml.Node) (ok bool) {
		switch key {
		case "name":
			s.Name, ok = walkString(v)
		case "description":
			s.Description, ok = walkString(v)
		case "database":
			s.Database, ok = walkString(v)
		case "catalog":
			s.Catalog, ok = walkString(v)
		case "schema":
			s.Schema, ok = walkString(v)
		case "loader":
			s.Loader, ok = walkString(v)
		case "meta":
			s.Meta, ok = walkMap(v)
		case "tags":
			s.Tags, ok = walkStringList(v)
		case "tables":
			s.Tables, ok = walkTables(v)
		default:
			ok = true
		}
		return ok
	})
}

func walkTables(n *yaml.Node) ([]tableProps, bool) {
	return walkStructs(n, func(t *tableProps) *int { return &t.Line }, func(t *tableProps, key string, v *yaml.Node) (ok bool) {
		switch key {
		case "name":
			t.Name, ok = walkString(v)
		case "identifier":
			t.Identifier, ok = walkString(v)
		case "description":
			t.Description, ok = walkString(v)
		case "meta":
			t.Meta, ok = walkMap(v)
		case "tags":
			t.Tags, ok = walkStringList(v)
		case "columns":
			t.Columns, ok = walkColumns(v)
		case "tests":
			t.Tests, ok = walkTests(v)
		case "data_tests":
			t.DataTests, ok = walkTests(v)
		default:
			ok = true
		}
		return ok
	})
}

// walkStructs reads a YAML list of mappings into a slice of T, each item's
// line stored through line and each key read by field (which returns true
// for keys it ignores); ok is false when the text needs yaml.v3.
func walkStructs[T any](n *yaml.Node, line func(*T) *int, field func(*T, string, *yaml.Node) bool) ([]T, bool) {
	if isNull(n) {
		return nil, true
	}
	items, ok := walkList(n)
	if !ok {
		return nil, false
	}
	out := make([]T, len(items))
	for i, it := range items {
		x := &out[i]
		*line(x) = it.Line
		if !fields(it, func(key string, v *yaml.Node) bool { return field(x, key, v) }) {
			return nil, false
		}
	}
	return out, true
}
