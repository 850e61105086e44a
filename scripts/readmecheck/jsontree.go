package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a JSON value that keeps what encoding/json's maps lose: the order
// of an object's keys and the spelling of its numbers ("9.50" stays "9.50").
type node struct {
	kind   byte // '{', '[', 's' (string), 'n' (number), 'b' (true/false), '0' (null)
	keys   []string
	values []*node // object values (beside keys) or array elements
	text   string  // string value, number literal, "true"/"false"
}

// parseJSON reads one JSON value and nothing after it.
func parseJSON(b []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	n, err := parseValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("text after the JSON value at offset %d", d.InputOffset())
	}
	return n, nil
}

func parseValue(d *json.Decoder) (*node, error) {
	t, err := d.Token()
	if err != nil {
		return nil, fmt.Errorf("read JSON at offset %d: %w", d.InputOffset(), err)
	}
	switch v := t.(type) {
	case json.Delim:
		n := &node{kind: byte(v)}
		for d.More() {
			if v == '{' {
				k, err := d.Token()
				if err != nil {
					return nil, fmt.Errorf("read JSON key at offset %d: %w", d.InputOffset(), err)
				}
				n.keys = append(n.keys, k.(string))
			}
			c, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			n.values = append(n.values, c)
		}
		if _, err := d.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("read JSON at offset %d: %w", d.InputOffset(), err)
		}
		return n, nil
	case string:
		return &node{kind: 's', text: v}, nil
	case json.Number:
		return &node{kind: 'n', text: string(v)}, nil
	case bool:
		return &node{kind: 'b', text: fmt.Sprint(v)}, nil
	case nil:
		return &node{kind: '0'}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", t)
}

// equal reports whether two values are the same: same key order, same
// number literals, same decoded strings.
func (n *node) equal(o *node) bool {
	if n.kind != o.kind || n.text != o.text || len(n.values) != len(o.values) || len(n.keys) != len(o.keys) {
		return false
	}
	for i := range n.keys {
		if n.keys[i] != o.keys[i] {
			return false
		}
	}
	for i := range n.values {
		if !n.values[i].equal(o.values[i]) {
			return false
		}
	}
	return true
}

// inline writes the value on one line, with a space after commas and colons.
func (n *node) inline(b *strings.Builder) {
	switch n.kind {
	case '{', '[':
		b.WriteByte(n.kind)
		for i, v := range n.values {
			if i > 0 {
				b.WriteString(", ")
			}
			if n.kind == '{' {
				b.WriteString(quote(n.keys[i]))
				b.WriteString(": ")
			}
			v.inline(b)
		}
		b.WriteByte(n.kind + 2) // '{'+2 == '}', '['+2 == ']'
	case 's':
		b.WriteString(quote(n.text))
	case '0':
		b.WriteString("null")
	default:
		b.WriteString(n.text)
	}
}

// format writes the value, which starts at column col, indented by two
// spaces per level (pad is the current level's indentation), keeping any
// object or array that fits within width columns on one line.
func (n *node) format(b *strings.Builder, pad string, col, width int) {
	var one strings.Builder
	n.inline(&one)
	if (n.kind != '{' && n.kind != '[') || col+one.Len() <= width || len(n.values) == 0 {
		b.WriteString(one.String())
		return
	}
	inner := pad + "  "
	b.WriteByte(n.kind)
	b.WriteByte('\n')
	for i, v := range n.values {
		b.WriteString(inner)
		c := len(inner)
		if n.kind == '{' {
			k := quote(n.keys[i]) + ": "
			b.WriteString(k)
			c += len(k)
		}
		v.format(b, inner, c, width)
		if i < len(n.values)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(pad)
	b.WriteByte(n.kind + 2)
}

func quote(s string) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
