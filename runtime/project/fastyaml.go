package project

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastYAML parses the plain subset of YAML that properties files are
// written in (block mappings and sequences, single-line plain and quoted
// scalars, one-line flow collections, comments) about ten times faster
// than yaml.v3, into the same yaml.Node tree. Anything outside the subset
// (block scalars, anchors, tags, multi-line scalars, duplicate keys,
// anything doubtful) returns ok=false and the caller parses with yaml.v3,
// which also produces the error messages for invalid YAML. A differential
// test and a fuzz test compare both parsers.
func fastYAML(text string) (doc *yaml.Node, ok bool) { return fastYAMLIn(text, &nodeArena{}) }

// fastYAMLIn is fastYAML with the nodes carved from arena.
func fastYAMLIn(text string, arena *nodeArena) (doc *yaml.Node, ok bool) {
	// A second document or an explicit end marker is yaml.v3's too (one
	// leading "---" is fine).
	if strings.HasPrefix(text, "...") || strings.Contains(text, "\n---") || strings.Contains(text, "\n...") {
		return nil, false
	}
	p := &fyParser{arena: arena, stack: arena.stack[:0]}
	defer func() { arena.stack = p.stack[:0] }()
	if !p.split(text) {
		return nil, false
	}
	if len(p.lines) == 0 {
		return nil, false // let yaml.v3 decide what an empty document is
	}
	root, ok := p.block(p.lines[0].indent)
	if !ok || p.pos != len(p.lines) {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}, true
}

type fyLine struct {
	num    int    // 1-based line number
	indent int    // columns before text
	text   string // content without indentation, comment or trailing space
}

type fyParser struct {
	lines []fyLine
	pos   int
	arena *nodeArena
	// stack holds the children of the block collections being read, the
	// innermost last; each collection takes its own, exactly sized, from
	// the arena when it ends (rather than growing a slice child by child).
	stack []*yaml.Node
}

// children ends the collection whose children start at base on the stack:
// they are copied out of it.
func (p *fyParser) children(base int) []*yaml.Node {
	out := p.arena.ptrs(len(p.stack) - base)
	copy(out, p.stack[base:])
	p.stack = p.stack[:base]
	return out
}

// node returns a new node of the given kind, position and value, carved
// from the parser's arena.
func (p *fyParser) node(kind yaml.Kind, tag, value string, line, col int) *yaml.Node {
	n := p.arena.alloc()
	n.Kind, n.Tag, n.Value, n.Line, n.Column = kind, tag, value, line, col
	return n
}

// nodeArena hands out yaml.Nodes carved from chunks (one allocation per
// 256 nodes) and, after reset, hands the same memory out again: the
// properties files of a project are parsed one after the other on a few
// goroutines, each reusing its arena, so that the node trees (about 6 KB
// per model entry, garbage once the file is read) do not claim fresh
// memory for every file.
type nodeArena struct {
	lines []fyLine // the parser's lines, reused too
	cur   []yaml.Node
	used  [][]yaml.Node // chunks filled since the last reset
	free  [][]yaml.Node // chunks to hand out again
	// The same for the nodes' Content slices.
	curPtrs  []*yaml.Node
	usedPtrs [][]*yaml.Node
	freePtrs [][]*yaml.Node
	stack    []*yaml.Node // the parser's stack, reused
}

// ptrChunk is the size of the chunks Content slices are carved from.
const ptrChunk = 4096

// ptrs returns a slice of n node pointers (its capacity n: an append
// never runs into the next one).
func (a *nodeArena) ptrs(n int) []*yaml.Node {
	if n == 0 {
		return nil
	}
	if n > ptrChunk/4 {
		return make([]*yaml.Node, n) // a large collection: its own
	}
	if cap(a.curPtrs)-len(a.curPtrs) < n {
		if a.curPtrs != nil {
			a.usedPtrs = append(a.usedPtrs, a.curPtrs)
		}
		if k := len(a.freePtrs); k > 0 {
			a.curPtrs, a.freePtrs = a.freePtrs[k-1][:0], a.freePtrs[:k-1]
		} else {
			a.curPtrs = make([]*yaml.Node, 0, ptrChunk)
		}
	}
	l := len(a.curPtrs)
	a.curPtrs = a.curPtrs[:l+n]
	return a.curPtrs[l : l+n : l+n]
}

func (a *nodeArena) alloc() *yaml.Node {
	if len(a.cur) == cap(a.cur) {
		if a.cur != nil {
			a.used = append(a.used, a.cur)
		}
		if k := len(a.free); k > 0 {
			a.cur, a.free = a.free[k-1][:0], a.free[:k-1]
		} else {
			a.cur = make([]yaml.Node, 0, 256)
		}
	}
	a.cur = a.cur[:len(a.cur)+1]
	n := &a.cur[len(a.cur)-1]
	*n = yaml.Node{}
	return n
}

// reset makes every node handed out so far free for reuse: the caller
// guarantees that none of them is referenced any more.
func (a *nodeArena) reset() {
	if a.cur != nil {
		a.used = append(a.used, a.cur)
		a.cur = nil
	}
	a.free = append(a.free, a.used...)
	a.used = a.used[:0]
	if a.curPtrs != nil {
		a.usedPtrs = append(a.usedPtrs, a.curPtrs)
		a.curPtrs = nil
	}
	a.freePtrs = append(a.freePtrs, a.usedPtrs...)
	a.usedPtrs = a.usedPtrs[:0]
}

// plainText reports whether text is valid UTF-8 free of what the fast
// path leaves to yaml.v3: tabs, control characters (but newlines), CR,
// NEL, LS and PS (YAML breaks lines at them), a BOM, U+FFFE and U+FFFF.
// ASCII is checked a byte at a time, other text a rune at a time.
func plainText(text string) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' || c == 0x7F {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 || r <= 0x9F || r == '\u2028' || r == '\u2029' || r == '\ufeff' || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// split cuts text into significant lines, stripping comments.
func (p *fyParser) split(text string) bool {
	if !plainText(text) {
		return false
	}
	n := strings.Count(text, "\n") + 1
	if cap(p.arena.lines) < n {
		p.arena.lines = make([]fyLine, 0, n)
	}
	p.lines = p.arena.lines[:0]
	num := 0
	for len(text) > 0 {
		num++
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		content, ok := stripComment(line[indent:])
		if !ok {
			return false
		}
		if content == "" {
			continue
		}
		if indent == 0 && (strings.HasPrefix(content, "---") || strings.HasPrefix(content, "...") || content[0] == '%') {
			if content == "---" && len(p.lines) == 0 {
				continue
			}
			return false
		}
		p.lines = append(p.lines, fyLine{num: num, indent: indent, text: content})
	}
	return true
}

// stripComment removes a trailing comment (outside quotes) and spaces.
func stripComment(s string) (string, bool) {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
				} else {
					quote = 0
				}
			}
		case quote == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				quote = 0
			}
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return strings.TrimRight(s[:i], " "), true
		case c == '\'' || c == '"':
			// A quote opens a quoted scalar only at the start of a value.
			if i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == '{' || s[i-1] == ',' {
				quote = c
			}
		}
	}
	if quote != 0 {
		return "", false // multi-line quoted scalar
	}
	return strings.TrimRight(s, " "), true
}

// hasKey reports whether mapping m already has the scalar key k (a
// duplicate key goes to yaml.v3 for its error). Mappings in properties
// files have a handful of keys: a scan beats building a set.
func hasKey(m *yaml.Node, k string) bool { return hasKeyIn(m.Content, k) }

// hasKeyIn reports whether the key/value list content has key k.
func hasKeyIn(content []*yaml.Node, k string) bool {
	for i := 0; i < len(content); i += 2 {
		if content[i].Value == k {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isSeqItem(t string) bool { return t == "-" || strings.HasPrefix(t, "- ") }

// block parses the block node starting at the current line.
func (p *fyParser) block(indent int) (*yaml.Node, bool) {
	if p.pos >= len(p.lines) {
		return nil, false
	}
	l := p.lines[p.pos]
	if l.indent != indent {
		return nil, false
	}
	if isSeqItem(l.text) {
		return p.seq(indent)
	}
	if _, _, ok := splitKey(l.text); ok {
		return p.mapping(indent)
	}
	// A lone scalar line (the whole document, or a value on its own line).
	n, ok := p.inlineValue(l.text, l.num, l.indent+1)
	if !ok {
		return nil, false
	}
	p.pos++
	if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
		return nil, false
	}
	return n, true
}

// maxImplicitKey bounds the bytes of a plain key the fast parser takes:
// YAML allows implicit keys of at most 1024 characters and yaml.v3 rejects
// longer ones, so anything near that length goes to yaml.v3 for its error.
const maxImplicitKey = 1000

// splitKey splits "key: rest" or "key:" into the key and the rest.
func splitKey(t string) (key, rest string, ok bool) {
	if t == "" {
		return "", "", false
	}
	switch t[0] {
	case '"', '\'', '?', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '-', ':', '#', ',', ']', '}':
		return "", "", false
	}
	for i := 0; i < len(t) && i < maxImplicitKey; i++ {
		switch t[i] {
		case ':':
			if i+1 == len(t) || t[i+1] == ' ' {
				key = strings.TrimRight(t[:i], " ")
				if key == "" {
					return "", "", false
				}
				rest = strings.TrimLeft(t[i+1:], " ")
				return key, rest, true
			}
		case '#', '[', ']', '{', '}', ',', '"', '\'':
			return "", "", false // not a plain key the fast path takes
		}
	}
	return "", "", false
}

func (p *fyParser) mapping(indent int) (*yaml.Node, bool) {
	first := p.lines[p.pos]
	m := p.node(yaml.MappingNode, "!!map", "", first.num, first.indent+1)
	base := len(p.stack)
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent || isSeqItem(l.text) {
			if l.indent == indent {
				break // a sequence item ends this mapping (caller decides)
			}
			return nil, false
		}
		key, rest, ok := splitKey(l.text)
		if !ok {
			return nil, false
		}
		if key == "<<" || hasKeyIn(p.stack[base:], key) || !isASCII(key) {
			// yaml.v3 counts columns in characters, the fast path in
			// bytes: a non-ASCII key would shift its value's column.
			return nil, false
		}
		kn, ok := p.plainScalar(key, l.num, l.indent+1)
		if !ok {
			return nil, false
		}
		p.pos++
		var vn *yaml.Node
		if rest == "" {
			switch {
			case p.pos < len(p.lines) && p.lines[p.pos].indent > indent:
				vn, ok = p.block(p.lines[p.pos].indent)
			case p.pos < len(p.lines) && p.lines[p.pos].indent == indent && isSeqItem(p.lines[p.pos].text):
				vn, ok = p.seq(indent)
			default:
				return nil, false // an empty value: leave its position details to yaml.v3
			}
			if !ok {
				return nil, false
			}
		} else {
			vn, ok = p.inlineValue(rest, l.num, l.indent+1+len(l.text)-len(rest))
			if !ok {
				return nil, false
			}
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				return nil, false // continuation lines of a multi-line scalar
			}
		}
		p.stack = append(p.stack, kn, vn)
	}
	m.Content = p.children(base)
	return m, true
}

func (p *fyParser) seq(indent int) (*yaml.Node, bool) {
	first := p.lines[p.pos]
	s := p.node(yaml.SequenceNode, "!!seq", "", first.num, first.indent+1)
	base := len(p.stack)
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent != indent || !isSeqItem(l.text) {
			if l.indent > indent {
				return nil, false
			}
			break
		}
		if l.text == "-" {
			return nil, false // item on the following lines: rare, leave to yaml.v3
		}
		rest := strings.TrimLeft(l.text[1:], " ")
		col := l.indent + 1 + len(l.text) - len(rest)
		var item *yaml.Node
		var ok bool
		if _, _, isKey := splitKey(rest); isKey {
			// "- key: value" opens a mapping indented at the key's column.
			p.lines[p.pos] = fyLine{num: l.num, indent: col - 1, text: rest}
			item, ok = p.mapping(col - 1)
		} else {
			if isSeqItem(rest) {
				return nil, false
			}
			item, ok = p.inlineValue(rest, l.num, col)
			p.pos++
			if ok && p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				return nil, false
			}
		}
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, item)
	}
	s.Content = p.children(base)
	return s, true
}

// inlineValue parses a value that sits on one line: a scalar or a flow
// collection.
func (p *fyParser) inlineValue(t string, line, col int) (*yaml.Node, bool) {
	switch t[0] {
	case '[', '{':
		if !isASCII(t) {
			return nil, false // columns inside would be counted in bytes
		}
		n, i, ok := p.flowNode(t, 0, line, col)
		if !ok || i != len(t) {
			return nil, false
		}
		return n, true
	case '"', '\'':
		n, i, ok := p.quoted(t, 0, line, col)
		if !ok || i != len(t) {
			return nil, false
		}
		return n, true
	}
	return p.plainScalar(t, line, col)
}

// plainScalar accepts a plain scalar that yaml.v3 would read the same way.
func (p *fyParser) plainScalar(t string, line, col int) (*yaml.Node, bool) {
	switch t[0] {
	case '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return nil, false
	case '-', '?', ':':
		if len(t) == 1 || t[1] == ' ' {
			return nil, false
		}
	}
	if t == "<<" || t[len(t)-1] == ':' {
		return nil, false
	}
	for i := 0; i+1 < len(t); i++ { // no ": " and no " #" inside
		if t[i] == ':' && t[i+1] == ' ' || t[i] == ' ' && t[i+1] == '#' {
			return nil, false
		}
	}
	return p.node(yaml.ScalarNode, "", t, line, col), true
}

// quoted parses a quoted scalar at t[i] and returns the index after it.
func (p *fyParser) quoted(t string, i, line, col int) (*yaml.Node, int, bool) {
	q := t[i]
	start := i
	i++
	var b strings.Builder
	for i < len(t) {
		c := t[i]
		if q == '\'' {
			if c == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				n := p.node(yaml.ScalarNode, "!!str", b.String(), line, col+start)
				n.Style = yaml.SingleQuotedStyle
				return n, i + 1, true
			}
			b.WriteByte(c)
			i++
			continue
		}
		switch c {
		case '"':
			n := p.node(yaml.ScalarNode, "!!str", b.String(), line, col+start)
			n.Style = yaml.DoubleQuotedStyle
			return n, i + 1, true
		case '\\':
			if i+1 >= len(t) {
				return nil, 0, false
			}
			switch t[i+1] {
			case '"', '\\': // yaml.v3 rejects "\/"
				b.WriteByte(t[i+1])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'u':
				if i+6 > len(t) {
					return nil, 0, false
				}
				r, err := strconv.ParseUint(t[i+2:i+6], 16, 32)
				if err != nil || (r >= 0xD800 && r <= 0xDFFF) {
					return nil, 0, false
				}
				b.WriteRune(rune(r))
				i += 4
			default:
				return nil, 0, false
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return nil, 0, false
}

func skipSpaces(t string, i int) int {
	for i < len(t) && t[i] == ' ' {
		i++
	}
	return i
}

// flowNode parses a one-line flow sequence or mapping at t[i].
func (p *fyParser) flowNode(t string, i, line, col int) (*yaml.Node, int, bool) {
	open := t[i]
	n := p.node(yaml.SequenceNode, "!!seq", "", line, col+i)
	n.Style = yaml.FlowStyle
	closer := byte(']')
	if open == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, "!!map", '}'
	}
	i = skipSpaces(t, i+1)
	if i < len(t) && t[i] == closer {
		return n, i + 1, true
	}
	for {
		var item *yaml.Node
		var ok bool
		i = skipSpaces(t, i)
		if i >= len(t) {
			return nil, 0, false
		}
		item, i, ok = p.flowItem(t, i, line, col, open == '{')
		if !ok {
			return nil, 0, false
		}
		if open == '{' {
			if item.Kind != yaml.ScalarNode || hasKey(n, item.Value) {
				return nil, 0, false
			}
			i = skipSpaces(t, i)
			if i >= len(t) || t[i] != ':' || i+1 >= len(t) || t[i+1] != ' ' {
				return nil, 0, false
			}
			i = skipSpaces(t, i+1)
			if i >= len(t) || t[i] == ',' || t[i] == '}' {
				return nil, 0, false
			}
			var v *yaml.Node
			v, i, ok = p.flowItem(t, i, line, col, false)
			if !ok {
				return nil, 0, false
			}
			n.Content = append(n.Content, item, v)
		} else {
			n.Content = append(n.Content, item)
		}
		i = skipSpaces(t, i)
		if i >= len(t) {
			return nil, 0, false
		}
		if t[i] == closer {
			return n, i + 1, true
		}
		if t[i] != ',' {
			return nil, 0, false
		}
		i = skipSpaces(t, i+1)
		if i < len(t) && t[i] == closer {
			return nil, 0, false // trailing comma: leave to yaml.v3
		}
	}
}

// flowItem parses one item of a flow collection (isKey: a mapping key,
// which ends at ':').
func (p *fyParser) flowItem(t string, i, line, col int, isKey bool) (*yaml.Node, int, bool) {
	switch t[i] {
	case '[', '{':
		if isKey {
			return nil, 0, false
		}
		return p.flowNode(t, i, line, col)
	case '"', '\'':
		return p.quoted(t, i, line, col)
	case ':':
		// A flow scalar starting with ':' ({:0: x}) is plain to YAML 1.2
		// but an error to yaml.v3 (found by FuzzFastYAML): leave it to it.
		return nil, 0, false
	}
	start := i
	for i < len(t) {
		c := t[i]
		if c == ',' || c == ']' || c == '}' || c == '[' || c == '{' {
			break
		}
		if c == ':' && (i+1 == len(t) || t[i+1] == ' ' || t[i+1] == ',' || t[i+1] == ']' || t[i+1] == '}') {
			if !isKey || i-start >= maxImplicitKey {
				return nil, 0, false
			}
			break
		}
		// Indicators inside a flow scalar ("0?]", "a&b", ...) are where
		// YAML's flow rules get subtle: leave them to yaml.v3.
		if strings.IndexByte("#\"'?&*!|>%@`\\", c) >= 0 {
			return nil, 0, false
		}
		i++
	}
	v := strings.TrimRight(t[start:i], " ")
	if v == "" {
		return nil, 0, false
	}
	n, ok := p.plainScalar(v, line, col+start)
	if !ok {
		return nil, 0, false
	}
	return n, i, true
}
