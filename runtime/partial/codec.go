package partial

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// The body of a cache file is a hand-written, length-prefixed binary
// encoding of a compile.Snapshot: unsigned varints for lengths and
// integers (zig-zag for signed ones), strings as length and bytes. A
// slice or map is written as its length plus one, 0 meaning nil, so that
// nil and empty survive the round trip (reflect.DeepEqual tells them
// apart). Values of type any carry a one-byte tag; a type the encoder
// does not know makes the snapshot uncacheable rather than approximated.
// The decoder slices strings out of the file's buffer without copying
// (the buffer is never written to after it is read) and checks every
// length against the bytes left, so a corrupt file yields an error,
// never a panic or a huge allocation.

// errUnknownType reports a value the encoder cannot store exactly.
var errUnknownType = errors.New("value of a type the cache does not store")

type encoder struct {
	b    []byte
	err  error     // first value that could not be encoded
	w    io.Writer // where spill sends the bytes (nil: keep them all in b)
	werr error     // first write error
}

// spillAt is how many bytes the encoder holds before spill writes them.
const spillAt = 256 << 10

// spill writes the buffered bytes out once there are enough of them
// (force: whatever there is), so that a large project is not held twice
// in memory.
func (e *encoder) spill(force bool) {
	if e.w == nil || (!force && len(e.b) < spillAt) || len(e.b) == 0 {
		return
	}
	if _, err := e.w.Write(e.b); err != nil && e.werr == nil {
		e.werr = err
	}
	e.b = e.b[:0]
}

func (e *encoder) uvarint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }

func (e *encoder) varint(x int64) { e.b = binary.AppendVarint(e.b, x) }

func (e *encoder) boolean(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// count writes the length of a slice or map, plus one; 0 is nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *encoder) strs(l []string) {
	e.count(len(l), l == nil)
	for _, s := range l {
		e.str(s)
	}
}

func (e *encoder) strMap(m map[string]string) {
	e.count(len(m), m == nil)
	for k, v := range m {
		e.str(k)
		e.str(v)
	}
}

func (e *encoder) anyMap(m map[string]any) {
	e.count(len(m), m == nil)
	for k, v := range m {
		e.str(k)
		e.any(v)
	}
}

// Tags of values of type any.
const (
	tNil byte = iota
	tString
	tTrue
	tFalse
	tInt
	tInt64
	tUint64
	tFloat64
	tAnySlice
	tAnyMap
	tStrSlice
	tStrMap
	tInt32
	tUint
	tFloat32
	tAnyAnyMap
	tTimeUTC
)

func (e *encoder) any(v any) {
	switch x := v.(type) {
	case nil:
		e.b = append(e.b, tNil)
	case string:
		e.b = append(e.b, tString)
		e.str(x)
	case bool:
		if x {
			e.b = append(e.b, tTrue)
		} else {
			e.b = append(e.b, tFalse)
		}
	case int:
		e.b = append(e.b, tInt)
		e.varint(int64(x))
	case int64:
		e.b = append(e.b, tInt64)
		e.varint(x)
	case int32:
		e.b = append(e.b, tInt32)
		e.varint(int64(x))
	case uint64:
		e.b = append(e.b, tUint64)
		e.uvarint(x)
	case uint:
		e.b = append(e.b, tUint)
		e.uvarint(uint64(x))
	case float64:
		e.b = append(e.b, tFloat64)
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(x))
	case float32:
		e.b = append(e.b, tFloat32)
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(x))
	case []any:
		e.b = append(e.b, tAnySlice)
		e.count(len(x), x == nil)
		for _, y := range x {
			e.any(y)
		}
	case map[string]any:
		e.b = append(e.b, tAnyMap)
		e.anyMap(x)
	case []string:
		e.b = append(e.b, tStrSlice)
		e.strs(x)
	case map[string]string:
		e.b = append(e.b, tStrMap)
		e.strMap(x)
	case map[any]any:
		e.b = append(e.b, tAnyAnyMap)
		e.count(len(x), x == nil)
		for k, y := range x {
			e.any(k)
			e.any(y)
		}
	case time.Time:
		// YAML timestamps in UTC; other zones are not stored (their
		// Location would not compare equal after a round trip).
		if !reflect.DeepEqual(x, time.Unix(x.Unix(), int64(x.Nanosecond())).UTC()) {
			e.unknown(v)
			return
		}
		e.b = append(e.b, tTimeUTC)
		e.varint(x.Unix())
		e.varint(int64(x.Nanosecond()))
	default:
		e.unknown(v)
	}
}

func (e *encoder) unknown(v any) {
	if e.err == nil {
		e.err = fmt.Errorf("%w: %T", errUnknownType, v)
	}
	e.b = append(e.b, tNil)
}

func (e *encoder) config(c *project.Config) {
	e.boolean(c.Enabled)
	e.str(c.Materialized)
	e.strs(c.Tags)
	e.str(c.Database)
	e.str(c.Schema)
	e.str(c.Alias)
	e.strs(c.UniqueKey)
	e.str(c.IncrementalStrategy)
	e.strs(c.PartitionBy)
	e.strs(c.ClusterBy)
	e.strs(c.PreHook)
	e.strs(c.PostHook)
	switch {
	case c.FullRefresh == nil:
		e.uvarint(0)
	case *c.FullRefresh:
		e.uvarint(2)
	default:
		e.uvarint(1)
	}
	e.str(c.Severity)
	e.str(c.WarnIf)
	e.str(c.ErrorIf)
	e.str(c.Where)
	e.boolean(c.StoreFailures)
	e.strMap(c.ColumnTypes)
	e.anyMap(c.Extra)
}

func (e *encoder) tests(l []project.TestSpec) {
	e.count(len(l), l == nil)
	for i := range l {
		t := &l[i]
		e.str(t.Name)
		e.anyMap(t.Args)
		e.config(&t.Config)
		e.str(t.File)
		e.varint(int64(t.Line))
	}
}

func (e *encoder) columns(l []*project.Column) {
	e.count(len(l), l == nil)
	for _, c := range l {
		if c == nil {
			e.boolean(false)
			continue
		}
		e.boolean(true)
		e.str(c.Name)
		e.str(c.Description)
		e.str(c.DataType)
		e.strs(c.Tags)
		e.anyMap(c.Meta)
		e.tests(c.Tests)
	}
}

func (e *encoder) node(n *project.Node) {
	e.str(n.UniqueID)
	e.str(n.Name)
	e.str(string(n.ResourceType))
	e.str(n.PackageName)
	e.str(n.Path)
	e.str(n.OriginalFilePath)
	e.str(n.PatchPath)
	e.strs(n.FQN)
	e.str(n.Database)
	e.str(n.Schema)
	e.str(n.Alias)
	e.str(n.RawCode)
	e.str(n.CompiledCode)
	e.str(n.Checksum)
	e.config(&n.Config)
	e.strs(n.Tags)
	e.str(n.Description)
	e.columns(n.Columns)
	e.anyMap(n.Meta)
	e.strs(n.DependsOn.Nodes)
	e.strs(n.DependsOn.Macros)
	e.strs(n.Refs)
	e.count(len(n.SourceRefs), n.SourceRefs == nil)
	for _, r := range n.SourceRefs {
		e.str(r[0])
		e.str(r[1])
	}
	e.strMap(n.Contract)
	e.anyMap(n.BaseConfig)
	e.tests(n.Tests)
	e.varint(int64(n.PatchLine))
	if n.TestMetadata == nil {
		e.boolean(false)
	} else {
		e.boolean(true)
		e.str(n.TestMetadata.Name)
		e.anyMap(n.TestMetadata.Args)
		e.str(n.TestMetadata.Column)
		e.str(n.TestMetadata.Model)
		e.str(n.TestMetadata.Namespace)
	}
	e.str(n.AttachedNode)
	e.str(n.ColumnName)
}

func (e *encoder) source(s *project.Source) {
	e.str(s.UniqueID)
	e.str(s.SourceName)
	e.str(s.Name)
	e.str(s.Database)
	e.str(s.Schema)
	e.str(s.Identifier)
	e.str(s.Description)
	e.columns(s.Columns)
	e.str(s.OriginalFilePath)
	e.strs(s.FQN)
	e.strs(s.Tags)
	e.anyMap(s.Meta)
	e.str(s.Loader)
	e.tests(s.Tests)
	e.varint(int64(s.Line))
}

// encodeSnapshot writes the encoding of s to w. Project.Macros is left
// out: compile.Restore parses the macro files again.
func encodeSnapshot(w io.Writer, s compile.Snapshot) error {
	return encodeSnapshotReusing(w, s, nil)
}

// encodeSnapshotReusing is encodeSnapshot, copying the encoding of every
// node found in reuse (its id and fields as an earlier encoding of the
// same node wrote them, from decodeSnapshotSpans) instead of encoding it
// again: after a few models are re-rendered, the other nodes' bytes are
// the ones the cache file already holds.
func encodeSnapshotReusing(w io.Writer, s compile.Snapshot, reuse map[*project.Node][]byte) error {
	e := &encoder{b: make([]byte, 0, spillAt+64<<10), w: w}
	p := s.Project
	if p == nil || s.Settings == nil {
		return errors.New("encode snapshot: no project")
	}
	e.str(p.Name)
	e.str(p.Profile)
	e.str(p.Root)
	e.str(p.Version)
	e.anyMap(p.Vars)
	e.strs(p.ModelPaths)
	e.strs(p.MacroPaths)
	e.strs(p.SeedPaths)
	e.strs(p.TestPaths)
	e.strs(p.OnRunStart)
	e.strs(p.OnRunEnd)
	// The properties files come before the nodes: decodePropsFiles reads
	// them without decoding the rest.
	e.files(p.PropsFiles)
	// Nodes go in chunks (count, byte length, nodes) that decode in
	// parallel.
	e.count(len(p.Nodes), p.Nodes == nil)
	chunk := &encoder{}
	inChunk := 0
	endChunk := func() {
		e.uvarint(uint64(inChunk))
		e.uvarint(uint64(len(chunk.b)))
		if e.w != nil { // straight to the writer, not copied into e.b first
			e.spill(true)
			if _, err := e.w.Write(chunk.b); err != nil && e.werr == nil {
				e.werr = err
			}
		} else {
			e.b = append(e.b, chunk.b...)
		}
		chunk.b, inChunk = chunk.b[:0], 0
	}
	for id, n := range p.Nodes {
		if n == nil {
			return fmt.Errorf("encode snapshot: node %s is nil", id)
		}
		if raw, ok := reuse[n]; ok {
			chunk.b = append(chunk.b, raw...)
		} else {
			chunk.str(id)
			chunk.node(n)
		}
		if inChunk++; inChunk == nodesPerChunk {
			endChunk()
		}
	}
	if inChunk > 0 {
		endChunk()
	}
	if chunk.err != nil && e.err == nil {
		e.err = chunk.err
	}
	e.count(len(p.Sources), p.Sources == nil)
	for id, src := range p.Sources {
		if src == nil {
			return fmt.Errorf("encode snapshot: source %s is nil", id)
		}
		e.str(id)
		e.source(src)
		e.spill(false)
	}
	e.files(p.MacroFiles)
	e.str(p.SelectorsFile)
	e.anyMap(s.Settings.Models)
	e.anyMap(s.Settings.Seeds)
	e.anyMap(s.Settings.Tests)
	e.anyMap(s.Settings.Sources)
	e.count(len(s.Ephemeral), s.Ephemeral == nil)
	for _, eph := range s.Ephemeral {
		e.str(eph.ID)
		e.str(eph.Body)
		e.strs(eph.Deps)
	}
	e.strs(s.Order)
	e.count(len(s.Parents), s.Parents == nil)
	for _, ps := range s.Parents {
		e.count(len(ps), ps == nil)
		for _, x := range ps {
			e.varint(int64(x))
		}
	}
	e.spill(true)
	if e.err != nil {
		return fmt.Errorf("encode snapshot: %w", e.err)
	}
	if e.werr != nil {
		return fmt.Errorf("encode snapshot: %w", e.werr)
	}
	return nil
}

// errCorrupt reports a body that does not decode.
var errCorrupt = errors.New("corrupt cache body")

// decoder reads an encoding from b. The first fault sets bad; every read
// after it returns zero values, so callers check bad once at the end.
type decoder struct {
	b   []byte
	off int
	bad bool
	// slab is where short string slices are carved from (one allocation
	// for many; each carved slice has its length as capacity, so an
	// append to it copies instead of writing into a neighbour).
	slab []string
}

// strSlice returns a []string of length n.
func (d *decoder) strSlice(n int) []string {
	if n > 64 {
		return make([]string, n)
	}
	if len(d.slab) < n {
		d.slab = make([]string, 4096)
	}
	l := d.slab[:n:n]
	d.slab = d.slab[n:]
	return l
}

func (d *decoder) fail() { d.bad = true; d.off = len(d.b) }

func (d *decoder) uvarint() uint64 {
	if d.off < len(d.b) && d.b[d.off] < 0x80 { // most lengths and counts
		c := d.b[d.off]
		d.off++
		return uint64(c)
	}
	x, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return x
}

func (d *decoder) varint() int64 {
	x, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return x
}

func (d *decoder) int() int {
	x := d.varint()
	if x != int64(int(x)) {
		d.fail()
		return 0
	}
	return int(x)
}

func (d *decoder) byte() byte {
	if d.off >= len(d.b) {
		d.fail()
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *decoder) boolean() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

// str returns a string sharing the buffer's bytes.
func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.off) {
		d.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.off], int(n))
	d.off += int(n)
	return s
}

// count reads a slice or map length; ok is false for nil. The length is
// bounded by the bytes left (every element takes at least one), so a
// corrupt length cannot ask for a huge allocation.
func (d *decoder) count() (n int, ok bool) {
	c := d.uvarint()
	if c == 0 {
		return 0, false
	}
	if c-1 > uint64(len(d.b)-d.off) {
		d.fail()
		return 0, false
	}
	return int(c - 1), true
}

func (d *decoder) strs() []string {
	n, ok := d.count()
	if !ok {
		return nil
	}
	l := d.strSlice(n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

func (d *decoder) strMap() map[string]string { return decodeMap(d, d.str) }

func (d *decoder) anyMap() map[string]any {
	return decodeMap(d, func() any { return d.any(0) })
}

// decodeMap reads a counted map of string keys whose values val reads
// (nil for a nil map, as encoded).
func decodeMap[V any](d *decoder, val func() V) map[string]V {
	n, ok := d.count()
	if !ok {
		return nil
	}
	m := make(map[string]V, n)
	for range n {
		k := d.str()
		m[k] = val()
	}
	return m
}

// maxDepth bounds nesting of any values (a corrupt file must not recurse
// without end).
const maxDepth = 512

func (d *decoder) any(depth int) any {
	if depth > maxDepth {
		d.fail()
		return nil
	}
	switch d.byte() {
	case tNil:
		return nil
	case tString:
		return d.str()
	case tTrue:
		return true
	case tFalse:
		return false
	case tInt:
		return d.int()
	case tInt64:
		return d.varint()
	case tInt32:
		x := d.varint()
		if x != int64(int32(x)) {
			d.fail()
		}
		return int32(x)
	case tUint64:
		return d.uvarint()
	case tUint:
		return uint(d.uvarint())
	case tFloat64:
		if len(d.b)-d.off < 8 {
			d.fail()
			return nil
		}
		x := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.off:]))
		d.off += 8
		return x
	case tFloat32:
		if len(d.b)-d.off < 4 {
			d.fail()
			return nil
		}
		x := math.Float32frombits(binary.LittleEndian.Uint32(d.b[d.off:]))
		d.off += 4
		return x
	case tAnySlice:
		n, ok := d.count()
		if !ok {
			return []any(nil)
		}
		l := make([]any, n)
		for i := range l {
			l[i] = d.any(depth + 1)
		}
		return l
	case tAnyMap:
		n, ok := d.count()
		if !ok {
			return map[string]any(nil)
		}
		m := make(map[string]any, n)
		for range n {
			k := d.str()
			m[k] = d.any(depth + 1)
		}
		return m
	case tTimeUTC:
		sec, nsec := d.varint(), d.varint()
		if nsec < 0 || nsec >= 1e9 {
			d.fail()
			return nil
		}
		return time.Unix(sec, nsec).UTC()
	case tStrSlice:
		return d.strs()
	case tStrMap:
		return d.strMap()
	case tAnyAnyMap:
		n, ok := d.count()
		if !ok {
			return map[any]any(nil)
		}
		m := make(map[any]any, n)
		for range n {
			k := d.any(depth + 1)
			v := d.any(depth + 1)
			if d.bad {
				return nil
			}
			switch k.(type) {
			case nil, string, bool, int, int64, int32, uint64, uint, float64, float32:
				m[k] = v
			default:
				d.fail() // an unhashable key would panic
				return nil
			}
		}
		return m
	}
	d.fail()
	return nil
}

func (d *decoder) config(c *project.Config) {
	c.Enabled = d.boolean()
	c.Materialized = d.str()
	c.Tags = d.strs()
	c.Database = d.str()
	c.Schema = d.str()
	c.Alias = d.str()
	c.UniqueKey = d.strs()
	c.IncrementalStrategy = d.str()
	c.PartitionBy = d.strs()
	c.ClusterBy = d.strs()
	c.PreHook = d.strs()
	c.PostHook = d.strs()
	switch d.uvarint() {
	case 0:
	case 1:
		f := false
		c.FullRefresh = &f
	case 2:
		t := true
		c.FullRefresh = &t
	default:
		d.fail()
	}
	c.Severity = d.str()
	c.WarnIf = d.str()
	c.ErrorIf = d.str()
	c.Where = d.str()
	c.StoreFailures = d.boolean()
	c.ColumnTypes = d.strMap()
	c.Extra = d.anyMap()
}

func (d *decoder) tests() []project.TestSpec {
	n, ok := d.count()
	if !ok {
		return nil
	}
	l := make([]project.TestSpec, n)
	for i := range l {
		t := &l[i]
		t.Name = d.str()
		t.Args = d.anyMap()
		d.config(&t.Config)
		t.File = d.str()
		t.Line = d.int()
	}
	return l
}

func (d *decoder) columns() []*project.Column {
	n, ok := d.count()
	if !ok {
		return nil
	}
	l := make([]*project.Column, n)
	slab := make([]project.Column, n)
	for i := range l {
		if !d.boolean() {
			continue
		}
		c := &slab[i]
		c.Name = d.str()
		c.Description = d.str()
		c.DataType = d.str()
		c.Tags = d.strs()
		c.Meta = d.anyMap()
		c.Tests = d.tests()
		l[i] = c
	}
	return l
}

func (d *decoder) node(n *project.Node) {
	n.UniqueID = d.str()
	n.Name = d.str()
	n.ResourceType = project.ResourceType(d.str())
	n.PackageName = d.str()
	n.Path = d.str()
	n.OriginalFilePath = d.str()
	n.PatchPath = d.str()
	n.FQN = d.strs()
	n.Database = d.str()
	n.Schema = d.str()
	n.Alias = d.str()
	n.RawCode = d.str()
	n.CompiledCode = d.str()
	n.Checksum = d.str()
	d.config(&n.Config)
	n.Tags = d.strs()
	n.Description = d.str()
	n.Columns = d.columns()
	n.Meta = d.anyMap()
	n.DependsOn.Nodes = d.strs()
	n.DependsOn.Macros = d.strs()
	n.Refs = d.strs()
	if c, ok := d.count(); ok {
		n.SourceRefs = make([][2]string, c)
		for i := range n.SourceRefs {
			n.SourceRefs[i] = [2]string{d.str(), d.str()}
		}
	}
	n.Contract = d.strMap()
	n.BaseConfig = d.anyMap()
	n.Tests = d.tests()
	n.PatchLine = d.int()
	if d.boolean() {
		n.TestMetadata = &project.TestMetadata{Name: d.str(), Args: d.anyMap(), Column: d.str(), Model: d.str(), Namespace: d.str()}
	}
	n.AttachedNode = d.str()
	n.ColumnName = d.str()
}

func (d *decoder) source(s *project.Source) {
	s.UniqueID = d.str()
	s.SourceName = d.str()
	s.Name = d.str()
	s.Database = d.str()
	s.Schema = d.str()
	s.Identifier = d.str()
	s.Description = d.str()
	s.Columns = d.columns()
	s.OriginalFilePath = d.str()
	s.FQN = d.strs()
	s.Tags = d.strs()
	s.Meta = d.anyMap()
	s.Loader = d.str()
	s.Tests = d.tests()
	s.Line = d.int()
}

// nodesPerChunk is how many nodes an encoded chunk holds.
const nodesPerChunk = 512

// nodes decodes the n nodes of the chunks that follow, the chunks in
// parallel (each with its own decoder over the chunk's bytes only).
// nodes decodes n nodes; with spans, it also records each node's
// encoding (its id and fields) there, for encodeSnapshotReusing.
func (d *decoder) nodes(n int, spans map[*project.Node][]byte) map[string]*project.Node {
	type chunk struct{ start, end, first, count int }
	var chunks []chunk
	for total := 0; total < n && !d.bad; {
		k, l := d.uvarint(), d.uvarint()
		if d.bad || k < 1 || k > uint64(n-total) || l > uint64(len(d.b)-d.off) {
			d.fail()
			break
		}
		chunks = append(chunks, chunk{start: d.off, end: d.off + int(l), first: total, count: int(k)})
		d.off += int(l)
		total += int(k)
	}
	if d.bad {
		return nil
	}
	slab := make([]project.Node, n)
	ids := make([]string, n)
	var raw [][]byte
	if spans != nil {
		raw = make([][]byte, n)
	}
	var next atomic.Int64
	var bad atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) || bad.Load() {
					return
				}
				c := chunks[i]
				sub := &decoder{b: d.b[:c.end], off: c.start}
				for j := c.first; j < c.first+c.count; j++ {
					start := sub.off
					ids[j] = sub.str()
					sub.node(&slab[j])
					if raw != nil && !sub.bad {
						raw[j] = sub.b[start:sub.off:sub.off]
					}
				}
				if sub.bad || sub.off != c.end {
					bad.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() {
		d.fail()
		return nil
	}
	m := make(map[string]*project.Node, n)
	for i := range slab {
		m[ids[i]] = &slab[i]
		if raw != nil {
			spans[&slab[i]] = raw[i]
		}
	}
	return m
}

func (e *encoder) files(l []project.File) {
	e.count(len(l), l == nil)
	for _, f := range l {
		e.str(f.Path)
		e.str(f.Text)
	}
}

func (d *decoder) files() []project.File {
	n, ok := d.count()
	if !ok {
		return nil
	}
	l := make([]project.File, n)
	for i := range l {
		l[i] = project.File{Path: d.str(), Text: d.str()}
		if d.bad {
			return nil
		}
	}
	return l
}

// decodeHead reads the model folders and the properties files from the
// start of a body written by encodeSnapshot, without decoding the rest;
// false when the body is damaged there.
func decodeHead(b []byte) (modelPaths []string, props []project.File, ok bool) {
	d := &decoder{b: b}
	for range 4 { // name, profile, root, version
		d.str()
	}
	d.anyMap()
	modelPaths = d.strs()
	for range 5 { // macro, seed and test paths; on-run-start and -end
		d.strs()
	}
	props = d.files()
	return modelPaths, props, !d.bad
}

// decodeSnapshot decodes a body written by encodeSnapshot. Strings in
// the result share b, which the caller must never modify.
func decodeSnapshot(b []byte) (compile.Snapshot, error) {
	return decodeSnapshotSpans(b, nil)
}

// decodeSnapshotSpans is decodeSnapshot that also records, in spans when
// it is not nil, each node's encoding (encodeSnapshotReusing).
func decodeSnapshotSpans(b []byte, spans map[*project.Node][]byte) (compile.Snapshot, error) {
	d := &decoder{b: b}
	p := &project.Project{}
	p.Name = d.str()
	p.Profile = d.str()
	p.Root = d.str()
	p.Version = d.str()
	p.Vars = d.anyMap()
	p.ModelPaths = d.strs()
	p.MacroPaths = d.strs()
	p.SeedPaths = d.strs()
	p.TestPaths = d.strs()
	p.OnRunStart = d.strs()
	p.OnRunEnd = d.strs()
	p.PropsFiles = d.files()
	if n, ok := d.count(); ok {
		p.Nodes = d.nodes(n, spans)
	}
	if n, ok := d.count(); ok {
		p.Sources = make(map[string]*project.Source, n)
		slab := make([]project.Source, n)
		for i := range slab {
			id := d.str()
			d.source(&slab[i])
			if d.bad {
				break
			}
			p.Sources[id] = &slab[i]
		}
	}
	p.MacroFiles = d.files()
	p.SelectorsFile = d.str()
	set := &project.Settings{Models: d.anyMap(), Seeds: d.anyMap(), Tests: d.anyMap(), Sources: d.anyMap()}
	s := compile.Snapshot{Project: p, Settings: set}
	if n, ok := d.count(); ok {
		s.Ephemeral = make([]compile.EphemeralSQL, n)
		for i := range s.Ephemeral {
			s.Ephemeral[i] = compile.EphemeralSQL{ID: d.str(), Body: d.str(), Deps: d.strs()}
		}
	}
	s.Order = d.strs()
	if n, ok := d.count(); ok {
		s.Parents = make([][]int32, n)
		for i := range s.Parents {
			if c, ok := d.count(); ok {
				l := make([]int32, c)
				for j := range l {
					x := d.varint()
					if x != int64(int32(x)) {
						d.fail()
					}
					l[j] = int32(x)
				}
				s.Parents[i] = l
			}
		}
	}
	if d.bad || d.off != len(d.b) {
		return compile.Snapshot{}, errCorrupt
	}
	return s, nil
}
