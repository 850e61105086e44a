package project

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// TestShortTag: the shortcut agrees with yaml.v3's ShortTag on untagged
// plain scalars starting with every printable ASCII character, on the
// values yaml.v3 resolves specially, and on quoted and tagged scalars.
func TestShortTag(t *testing.T) {
	var nodes []*yaml.Node
	for c := byte(0x20); c < 0x7f; c++ {
		for _, rest := range []string{"", "abc", "1", "ull", "rue"} {
			nodes = append(nodes, &yaml.Node{Kind: yaml.ScalarNode, Value: string(c) + rest})
		}
	}
	for _, v := range []string{"", "null", "Null", "~", "true", "False", "yes", "on", "1", "-1", "+2", "0x1f", ".5", ".inf", "-.inf", ".nan",
		"1e3", "2024-01-01", "2024-01-01T10:00:00Z", "<<", "é", "select 1", "Synthetic model 1 of layer 0.", "decimal(18,2)"} {
		nodes = append(nodes,
			&yaml.Node{Kind: yaml.ScalarNode, Value: v},
			&yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle},
			&yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!"},
			&yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!!str"},
			&yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!!int"})
	}
	nodes = append(nodes, &yaml.Node{Kind: yaml.MappingNode}, &yaml.Node{Kind: yaml.SequenceNode}, &yaml.Node{})
	for _, n := range nodes {
		if got, want := shortTag(n), n.ShortTag(); got != want {
			t.Errorf("shortTag(%q, tag %q, style %v) = %s, yaml.v3 says %s", n.Value, n.Tag, n.Style, got, want)
		}
	}
}
