package manifest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// The manifest of a 10,000-model project is tens of megabytes; encoding
// nodes by hand instead of through encoding/json's reflection makes it
// several times faster. The output is byte-for-byte what encoding/json
// (with SetEscapeHTML(false)) writes for the node struct; a test checks it.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json does
// without HTML escaping. The SQL it mostly writes has a quote or a newline
// every few bytes, so rather than copying the runs between escapes (a
// memmove call each) it writes byte by byte into room reserved up front.
// The room kept is always at least two bytes for each byte of s still to
// write plus the closing quote, which covers plain bytes, two-byte escapes
// and UTF-8 sequences; the six-byte escapes of a single byte reserve more.
func appendString(b []byte, s string) []byte {
	b = slices.Grow(b, 2*len(s)+2)
	j := len(b)
	out := b[:cap(b)]
	out[j] = '"'
	j++
	for i := 0; i < len(s); i++ {
		// Eight bytes at a time while they are plain: all eight are
		// stored (the room allows it), then j moves past the plain ones.
		for i+8 <= len(s) {
			v := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
			binary.LittleEndian.PutUint64(out[j:j+8], v)
			m := specialBytes(v)
			if m == 0 {
				i += 8
				j += 8
				continue
			}
			k := bits.TrailingZeros64(m) / 8
			i += k
			j += k
			break
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if plainByte[c] {
			out[j] = c
			j++
			continue
		}
		if c < utf8.RuneSelf {
			out[j] = '\\'
			switch c {
			case '"', '\\':
				out[j+1] = c
			case '\n':
				out[j+1] = 'n'
			case '\r':
				out[j+1] = 'r'
			case '\t':
				out[j+1] = 't'
			case '\b':
				out[j+1] = 'b'
			case '\f':
				out[j+1] = 'f'
			default: // another control byte: \u00XX
				out = reserve(out, j, 2*(len(s)-i)+8)
				j += copy(out[j:], `\u00`)
				out[j] = hexDigits[c>>4]
				out[j+1] = hexDigits[c&0xF]
			}
			j += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1: // invalid UTF-8
			out = reserve(out, j, 2*(len(s)-i)+8)
			j += copy(out[j:], `\ufffd`)
		case r == '\u2028' || r == '\u2029': // six bytes for three
			j += copy(out[j:], `\u202`)
			out[j] = hexDigits[r&0xF]
			j++
		default:
			j += copy(out[j:], s[i:i+size])
		}
		i += size - 1
	}
	out[j] = '"'
	return out[:j+1]
}

// specialBytes flags (0x80 in its byte) the lowest byte of v, read
// little-endian, that a JSON string cannot hold as it is: a control byte,
// '"', '\\' or a byte of a UTF-8 sequence. The bytes above the lowest
// flagged one may be flagged wrongly (borrows); only the lowest is used.
func specialBytes(v uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	ctl := (v - ones*0x20) &^ v // bytes < 0x20
	q := v ^ (ones * '"')       // zero where '"'
	bs := v ^ (ones * '\\')     // zero where '\\'
	quote := (q - ones) &^ q
	back := (bs - ones) &^ bs
	return (ctl | quote | back | v) & highs // v: bytes >= 0x80
}

// reserve returns out (its first j bytes kept) with at least n bytes of
// room after j, at full length.
func reserve(out []byte, j, n int) []byte {
	if cap(out)-j >= n {
		return out
	}
	out = slices.Grow(out[:j], n)
	return out[:cap(out)]
}

// plainByte[c] is true for the bytes a JSON string holds as they are:
// printable ASCII but '"' and '\\'. A read-only table.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendMarshalString appends s as json.Marshal spells it (with HTML
// escaping, unlike appendString).
func appendMarshalString(b []byte, s string) []byte {
	if !hasHTMLByte(s) {
		return appendString(b, s)
	}
	j, _ := json.Marshal(s) // a string always encodes
	return append(b, j...)
}

// hasHTMLByte reports whether s holds a byte json.Marshal escapes for
// HTML ('<', '>', '&'). strings.ContainsAny builds its byte set on every
// call; the graph maps call this 120,000 times at 10k models.
func hasHTMLByte(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&':
			return true
		}
	}
	return false
}

func appendStrings(b []byte, l []string) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendOptString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

// appendAny encodes the values YAML decoding and the engine produce;
// anything else goes through encoding/json.
func appendAny(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("unsupported value %v", x)
		}
		abs := math.Abs(x)
		if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
			break // rare: let encoding/json format exponents
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64), nil
	case *string:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendString(b, *x), nil
	case *bool:
		if x == nil {
			return append(b, "null"...), nil
		}
		return strconv.AppendBool(b, *x), nil
	case []string:
		return appendStrings(b, x), nil
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendAny(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendAny(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[string]string:
		if x == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, x[k])
		}
		return append(b, '}'), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// appendKwargs appends tm.Kwargs() as appendAny would, without building
// the map: most tests have no arguments but their column.
func appendKwargs(b []byte, tm *project.TestMetadata) ([]byte, error) {
	if len(tm.Args) > 0 {
		return appendAny(b, tm.Kwargs())
	}
	b = append(b, '{')
	if tm.Column != "" {
		b = appendString(append(b, `"column_name":`...), tm.Column)
		b = append(b, ',')
	}
	b = appendString(append(b, `"model":`...), tm.Model)
	return append(b, '}'), nil
}

func appendKey(b []byte, first bool, k string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...) // keys are plain ASCII constants
	return append(b, '"', ':')
}

func appendColumns(b []byte, cols []*project.Column) ([]byte, error) {
	// By name; of two columns with one name, the last declared (as a map
	// filled in order keeps): the list reversed, sorted stably, and each
	// run of a name cut to its first.
	var stack [16]*project.Column
	sorted := stack[:0]
	for i := len(cols) - 1; i >= 0; i-- {
		sorted = append(sorted, cols[i])
	}
	slices.SortStableFunc(sorted, func(x, y *project.Column) int { return strings.Compare(x.Name, y.Name) })
	b = append(b, '{')
	for i, c := range sorted {
		if i > 0 && sorted[i-1].Name == c.Name {
			continue
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Name)
		b = append(b, ':')
		b = appendString(append(b, `{"name":`...), c.Name)
		b = appendKey(b, false, "description")
		b = appendString(b, c.Description)
		b = appendKey(b, false, "data_type")
		b = appendOptString(b, c.DataType)
		b = appendKey(b, false, "tags")
		tags := c.Tags
		if tags == nil {
			tags = []string{}
		}
		b = appendStrings(b, tags)
		b = appendKey(b, false, "meta")
		if len(c.Meta) == 0 {
			b = append(b, "{}"...)
		} else {
			var err error
			if b, err = appendAny(b, c.Meta); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendNode encodes a node exactly as encoding/json encodes nodeJSON(n, md).
func appendNode(b []byte, n *project.Node, md Metadata) ([]byte, error) {
	var err error
	b = appendKey(append(b, '{'), true, "unique_id")
	b = appendString(b, n.UniqueID)
	b = appendKey(b, false, "name")
	b = appendString(b, n.Name)
	b = appendKey(b, false, "resource_type")
	b = appendString(b, string(n.ResourceType))
	b = appendKey(b, false, "package_name")
	b = appendString(b, n.PackageName)
	b = appendKey(b, false, "path")
	b = appendString(b, n.Path)
	b = appendKey(b, false, "original_file_path")
	b = appendString(b, n.OriginalFilePath)
	b = appendKey(b, false, "patch_path")
	b = appendOptString(b, n.PatchPath)
	b = appendKey(b, false, "fqn")
	b = appendStrings(b, n.FQN)
	b = appendKey(b, false, "database")
	b = appendOptString(b, n.Database)
	b = appendKey(b, false, "schema")
	b = appendString(b, n.Schema)
	b = appendKey(b, false, "alias")
	b = appendString(b, n.Alias)
	b = appendKey(b, false, "relation_name")
	rel := ""
	if md.RelationName != nil && n.Config.Materialized != project.MatEphemeral && n.ResourceType != project.Test {
		rel = md.RelationName(n.UniqueID)
	}
	b = appendOptString(b, rel)
	b = appendKey(b, false, "language")
	b = appendString(b, "sql")
	b = appendKey(b, false, "raw_code")
	b = appendString(b, n.RawCode)
	b = appendKey(b, false, "compiled")
	b = strconv.AppendBool(b, n.ResourceType != project.Seed)
	b = appendKey(b, false, "compiled_code")
	b = appendString(b, n.CompiledCode)
	b = appendKey(b, false, "checksum")
	b = append(b, `{"name":"sha256","checksum":`...)
	b = appendString(b, n.Checksum)
	b = append(b, '}')
	b = appendKey(b, false, "config")
	if b, err = appendConfig(b, &n.Config); err != nil {
		return nil, err
	}
	b = appendKey(b, false, "tags")
	tags := n.Tags
	if tags == nil {
		tags = []string{}
	}
	b = appendStrings(b, tags)
	b = appendKey(b, false, "description")
	b = appendString(b, n.Description)
	b = appendKey(b, false, "columns")
	if b, err = appendColumns(b, n.Columns); err != nil {
		return nil, err
	}
	b = appendKey(b, false, "meta")
	meta := n.Meta
	if meta == nil {
		meta = map[string]any{}
	}
	if b, err = appendAny(b, meta); err != nil {
		return nil, err
	}
	b = appendKey(b, false, "depends_on")
	deps, macros := n.DependsOn.Nodes, n.DependsOn.Macros
	if deps == nil {
		deps = []string{}
	}
	if macros == nil {
		macros = []string{}
	}
	b = appendKey(append(b, '{'), true, "nodes")
	b = appendStrings(b, deps)
	b = appendKey(b, false, "macros")
	b = appendStrings(b, macros)
	b = append(b, '}')
	b = appendKey(b, false, "refs")
	b = append(b, '[')
	for i, r := range n.Refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(append(b, `{"name":`...), r)
		b = append(b, `,"package":null,"version":null}`...)
	}
	b = append(b, ']')
	b = appendKey(b, false, "sources")
	b = append(b, '[')
	for i, s := range n.SourceRefs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(append(b, '['), s[0])
		b = appendString(append(b, ','), s[1])
		b = append(b, ']')
	}
	b = append(b, ']')
	if tm := n.TestMetadata; tm != nil {
		b = appendKey(b, false, "test_metadata")
		b = appendKey(append(b, '{'), true, "name")
		b = appendString(b, tm.Name)
		b = appendKey(b, false, "kwargs")
		if b, err = appendKwargs(b, tm); err != nil {
			return nil, err
		}
		if tm.Namespace != "" {
			b = appendKey(b, false, "namespace")
			b = appendString(b, tm.Namespace)
		}
		b = append(b, '}')
	}
	if n.AttachedNode != "" {
		b = appendKey(b, false, "attached_node")
		b = appendString(b, n.AttachedNode)
	}
	if n.ColumnName != "" {
		b = appendKey(b, false, "column_name")
		b = appendString(b, n.ColumnName)
	}
	return append(b, '}'), nil
}

// appendConfig encodes ConfigMap(*c) as appendAny would, without building
// and sorting the map when there are no adapter-specific keys: the keys
// below are written in sorted order, each only when ConfigMap sets it.
func appendConfig(b []byte, c *project.Config) ([]byte, error) {
	if len(c.Extra) > 0 {
		return appendAny(b, ConfigMap(*c))
	}
	orEmpty := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	b = appendKey(append(b, '{'), true, "alias")
	b = appendOptString(b, c.Alias)
	if len(c.ClusterBy) > 0 {
		b = appendStrings(appendKey(b, false, "cluster_by"), c.ClusterBy)
	}
	if len(c.ColumnTypes) > 0 {
		var err error
		if b, err = appendAny(appendKey(b, false, "column_types"), c.ColumnTypes); err != nil {
			return nil, err
		}
	}
	b = appendOptString(appendKey(b, false, "database"), c.Database)
	b = strconv.AppendBool(appendKey(b, false, "enabled"), c.Enabled)
	if c.ErrorIf != "" {
		b = appendString(appendKey(b, false, "error_if"), c.ErrorIf)
	}
	if c.FullRefresh != nil {
		b = strconv.AppendBool(appendKey(b, false, "full_refresh"), *c.FullRefresh)
	}
	if c.IncrementalStrategy != "" {
		b = appendString(appendKey(b, false, "incremental_strategy"), c.IncrementalStrategy)
	}
	b = appendString(appendKey(b, false, "materialized"), c.Materialized)
	if len(c.PartitionBy) > 0 {
		b = appendStrings(appendKey(b, false, "partition_by"), c.PartitionBy)
	}
	b = appendStrings(appendKey(b, false, "post-hook"), orEmpty(c.PostHook))
	b = appendStrings(appendKey(b, false, "pre-hook"), orEmpty(c.PreHook))
	b = appendOptString(appendKey(b, false, "schema"), c.Schema)
	if c.Severity != "" {
		b = appendString(appendKey(b, false, "severity"), c.Severity)
	}
	if c.StoreFailures {
		b = strconv.AppendBool(appendKey(b, false, "store_failures"), true)
	}
	b = appendStrings(appendKey(b, false, "tags"), orEmpty(c.Tags))
	if len(c.UniqueKey) > 0 {
		b = appendStrings(appendKey(b, false, "unique_key"), c.UniqueKey)
	}
	if c.WarnIf != "" {
		b = appendString(appendKey(b, false, "warn_if"), c.WarnIf)
	}
	if c.Where != "" {
		b = appendString(appendKey(b, false, "where"), c.Where)
	}
	return append(b, '}'), nil
}
