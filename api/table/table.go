package table

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
)

// Col describes one contract column of a gold table.
type Col[R any] struct {
	Name     string
	Type     string // contract data type: bigint, decimal(18,2), varchar, date, ...
	Sortable bool
	// Scan stores a warehouse value (nil for NULL) into the row.
	Scan func(r *R, v any) error
	// Cmp orders two rows by the column, NULLs (IsNull) excluded; nil when not sortable.
	Cmp func(a, b *R) int
	// IsNull reports a NULL value.
	IsNull func(r *R) bool
	// Str is the text form used by equality filters ("" for NULL).
	Str func(r *R) string
	// Int, Float or Text (the one of the column's type) give a sortable
	// column's non-NULL value as a sort key ordered as Cmp orders rows:
	// with them, a table is sorted from compact keys instead of its rows.
	Int   func(r *R) int64
	Float func(r *R) float64
	Text  func(r *R) string
}

// Column is a contract column's name and data type.
type Column struct {
	Name string
	Type string
}

// Spec describes a gold table as its contract states it.
type Spec[R any] struct {
	Model       string // gold model name, also the relation name in schema gold
	Path        string // list endpoint
	Key         string // key column; "" when the table has no single-column key
	KeyOf       func(r *R) string
	Filters     []string // equality filter columns
	DefaultSort string   // "col" or "-col"
	Columns     []Col[R]
}

// ColumnNames lists the contract's columns, in order.
func (s *Spec[R]) ColumnNames() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Name
	}
	return out
}

// SortKeys lists the accepted sort parameter values: col and -col for
// every sortable column.
func (s *Spec[R]) SortKeys() []string {
	var out []string
	for _, c := range s.Columns {
		if c.Sortable {
			out = append(out, c.Name, "-"+c.Name)
		}
	}
	return out
}

func (s *Spec[R]) col(name string) (*Col[R], bool) {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i], true
		}
	}
	return nil, false
}

// Source reads the rows of a gold relation: the selected columns, in order,
// handing each row to fn (vals is reused between calls). Implementations
// bind no user text into SQL: model and column names come from the contract.
type Source interface {
	Select(ctx context.Context, model string, cols []string, fn func(vals []any) error) error
}

// Table is one gold table held in memory, immutable once built.
type Table[R any] struct {
	spec   *Spec[R]
	rows   []R
	shape  *shape   // the rows' keys; nil when the arena holds whole rows
	arena  []byte   // every row's JSON values (see arena.go)
	starts []uint32 // row i (default order) is arena[starts[i]:ends[i]]
	ends   []uint32
	byKey  map[string]int32 // key -> row, for keys that are not integers
	// Integer keys: sorted, with their rows (ipos nil: the rows are in key
	// order). No pointers, so the collector has nothing to trace.
	intKeyed bool
	ikeys    []int64
	ipos     []int32
	orders   map[string][]int32            // sort key -> row order
	filters  map[string]map[string][]int32 // filter column -> value -> rows in default order
	pool     sync.Pool                     // page buffers
	bits     sync.Pool                     // bitmaps of filter matches
}

// LoadOptions say how Load keeps a table.
type LoadOptions[R any] struct {
	// DropRows keeps only the encoded rows and the indexes: Rows returns nil
	// and Row finds nothing. When every sortable column has a sort key
	// function (Int, Float or Text), the typed rows are not held while the
	// table loads either, only the sort keys.
	DropRows bool
	// Visit, when set, sees every row as it loads, in load order; r is
	// reused for the next row.
	Visit func(r *R)
	// CompactJSON stores the rows' JSON without their keys (see arena.go;
	// a gold row shrinks by about 60%), at the price of putting each row
	// back together when it is written (about 0.2 µs for a 20-column row):
	// for big tables mostly read one row at a time.
	CompactJSON bool
}

// Load reads a gold table from src and builds its indexes.
func Load[R any](ctx context.Context, src Source, spec Spec[R], opts ...LoadOptions[R]) (*Table[R], error) {
	var opt LoadOptions[R]
	if len(opts) > 0 {
		opt = opts[0]
	}
	rows := 0
	if c, ok := src.(interface {
		Count(ctx context.Context, model string) (int, error)
	}); ok {
		if n, err := c.Count(ctx, spec.Model); err == nil && n > 0 {
			rows = n
		}
	}
	b, err := newBuilder(&spec, !opt.DropRows, rows)
	if err != nil {
		return nil, err
	}
	b.compact = opt.CompactJSON
	n := 0
	var r, zero R
	err = src.Select(ctx, spec.Model, spec.ColumnNames(), func(vals []any) error {
		n++
		if len(vals) != len(spec.Columns) {
			return fmt.Errorf("row %d has %d values, the contract has %d columns", n, len(vals), len(spec.Columns))
		}
		r = zero
		for j := range spec.Columns {
			c := &spec.Columns[j]
			if err := c.Scan(&r, vals[j]); err != nil {
				return fmt.Errorf("row %d column %s (%s): %w; fix the model or its YAML data_type", n, c.Name, c.Type, err)
			}
		}
		if opt.Visit != nil {
			opt.Visit(&r)
		}
		return b.add(&r)
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", spec.Model, err)
	}
	return b.finish(opt.DropRows)
}

// Build makes a table from rows already typed (tests, derived tables). The
// table takes rows over: they are reordered in place. Options other than
// CompactJSON do not apply.
func Build[R any](spec Spec[R], rows []R, opts ...LoadOptions[R]) (*Table[R], error) {
	b, err := newBuilder(&spec, false, len(rows))
	if err != nil {
		return nil, err
	}
	b.compact = len(opts) > 0 && opts[0].CompactJSON
	b.rows, b.keep = rows, true
	for i := range rows {
		if err := b.add(&rows[i]); err != nil {
			return nil, err
		}
	}
	return b.finish(false)
}

// builder collects a table's rows one by one: their JSON into the arena,
// and what the indexes need (sort keys, filter values, keys), in load order.
type builder[R any] struct {
	spec   *Spec[R]
	ds     string // default sort key
	dsCol  int    // index in sorts of the default sort column
	dsDesc bool
	keep   bool // hold the typed rows (Rows, or sort columns without key functions)
	rows   []R
	n      int

	buf     bytes.Buffer
	je      *json.Encoder
	arena   []byte
	starts  []uint32
	ends    []uint32
	sh      *shape
	compact bool // store rows without their keys while they are flat objects
	whole   bool // rows kept whole in the arena

	keys   []string // KeyOf of each row
	ikeys  []int64  // or, while intKey, the integer key of each row
	keyCol *Col[R]
	intKey bool       // the key column is an integer whose KeyOf is its decimal text
	sorts  []sortKeys // one per sortable column
	fcols  []*Col[R]
	fvals  [][]string // per filter column, the value of each row
}

// sortKeys holds one sortable column's values in load order.
type sortKeys struct {
	col    int // index in Spec.Columns
	null   []bool
	ints   []int64
	floats []float64
	texts  []string
}

func newBuilder[R any](spec *Spec[R], keep bool, sizeHint int) (*builder[R], error) {
	b := &builder[R]{spec: spec, keep: keep}
	b.ds = spec.DefaultSort
	if b.ds == "" {
		b.ds = spec.Columns[0].Name
		if spec.Key != "" {
			b.ds = spec.Key
		}
	}
	name, desc := strings.CutPrefix(b.ds, "-")
	b.dsDesc = desc
	b.dsCol = -1
	for i := range spec.Columns {
		c := &spec.Columns[i]
		if c.Cmp != nil && (c.Sortable || c.Name == name) {
			if c.Name == name {
				b.dsCol = len(b.sorts)
			}
			b.sorts = append(b.sorts, sortKeys{col: i})
			if c.Int == nil && c.Float == nil && c.Text == nil {
				b.keep = true // sorted with Cmp, on the rows
			}
		}
	}
	if b.dsCol < 0 {
		return nil, fmt.Errorf("model %s: default_sort %q is not a sortable column of the contract (valid: %s)", spec.Model, b.ds, strings.Join(spec.SortKeys(), ", "))
	}
	for _, f := range spec.Filters {
		c, ok := spec.col(f)
		if !ok {
			return nil, fmt.Errorf("model %s: filter %q is not a column of the contract", spec.Model, f)
		}
		b.fcols = append(b.fcols, c)
	}
	b.fvals = make([][]string, len(b.fcols))
	b.je = json.NewEncoder(&b.buf)
	b.je.SetEscapeHTML(false)
	if sizeHint > 0 {
		b.starts = make([]uint32, 0, sizeHint)
		b.ends = make([]uint32, 0, sizeHint)
		if b.keep {
			b.rows = make([]R, 0, sizeHint)
		}
	}
	if spec.Key != "" {
		c, ok := spec.col(spec.Key)
		if !ok || spec.KeyOf == nil {
			return nil, fmt.Errorf("model %s: key %q is not a column of the contract", spec.Model, spec.Key)
		}
		b.keyCol, b.intKey = c, c.Int != nil
		if b.intKey {
			b.ikeys = make([]int64, 0, sizeHint)
		} else {
			b.keys = make([]string, 0, sizeHint)
		}
	}
	return b, nil
}

// add takes one row: its JSON, sort keys, filter values and key.
func (b *builder[R]) add(r *R) error {
	i := b.n
	b.n++
	if b.keep && len(b.rows) < b.n {
		b.rows = append(b.rows, *r)
	}
	if err := b.encode(r, i); err != nil {
		return err
	}
	for k := range b.sorts {
		s := &b.sorts[k]
		c := &b.spec.Columns[s.col]
		null := c.IsNull(r)
		s.null = append(s.null, null)
		switch {
		case c.Int != nil:
			var v int64
			if !null {
				v = c.Int(r)
			}
			s.ints = append(s.ints, v)
		case c.Float != nil:
			var v float64
			if !null {
				v = c.Float(r)
			}
			s.floats = append(s.floats, v)
		case c.Text != nil:
			var v string
			if !null {
				v = c.Text(r)
			}
			s.texts = append(s.texts, v)
		}
	}
	for k, c := range b.fcols {
		b.fvals[k] = append(b.fvals[k], c.Str(r))
	}
	if b.spec.Key != "" {
		k := b.spec.KeyOf(r)
		if b.intKey {
			var buf [24]byte
			if !b.keyCol.IsNull(r) {
				if v := b.keyCol.Int(r); string(strconv.AppendInt(buf[:0], v, 10)) == k {
					b.ikeys = append(b.ikeys, v)
					return nil
				}
			}
			// Not the integer's text: keys are looked up as text.
			b.intKey = false
			b.keys = make([]string, len(b.ikeys), cap(b.ikeys))
			for j, v := range b.ikeys {
				b.keys[j] = strconv.FormatInt(v, 10)
			}
			b.ikeys = nil
		}
		b.keys = append(b.keys, k)
	}
	return nil
}

// encode appends row i's JSON to the arena, without its keys while the
// rows are flat objects with the same keys (see arena.go).
func (b *builder[R]) encode(r *R, i int) error {
	b.buf.Reset()
	if err := b.je.Encode(r); err != nil {
		return fmt.Errorf("model %s: encode row %d: %w", b.spec.Model, i+1, err)
	}
	js := bytes.TrimSuffix(b.buf.Bytes(), []byte{'\n'})
	if i == 64 && cap(b.starts) > 128 {
		// Size the arena from the first rows, so it does not grow by doubling.
		b.arena = slices.Grow(b.arena, len(b.arena)/64*(cap(b.starts)-64)*21/20)
	}
	if i == 0 {
		b.whole = true
		if b.compact {
			b.sh, _ = learnShape(js)
			b.whole = b.sh == nil
		}
	}
	start := len(b.arena)
	if !b.whole {
		arena, err := b.sh.strip(b.arena, js)
		if err == nil {
			b.arena = arena
		} else {
			// A row unlike the first: from now on the arena holds whole rows.
			b.wholeRows()
			start = len(b.arena)
		}
	}
	if b.whole {
		b.arena = append(b.arena, js...)
	}
	if len(b.arena) > math.MaxUint32 {
		return fmt.Errorf("model %s: %d bytes of JSON is more than one table can hold", b.spec.Model, len(b.arena))
	}
	b.starts = append(b.starts, uint32(start))
	b.ends = append(b.ends, uint32(len(b.arena)))
	return nil
}

// wholeRows rewrites the rows stored so far with their keys.
func (b *builder[R]) wholeRows() {
	old := b.arena
	b.arena = make([]byte, 0, len(old)+len(b.starts)*b.sh.extra)
	for j := range b.starts {
		start := len(b.arena)
		b.arena = b.sh.expand(b.arena, old[b.starts[j]:b.ends[j]])
		b.starts[j], b.ends[j] = uint32(start), uint32(len(b.arena))
	}
	b.whole, b.sh = true, nil
}

// cmpFunc compares two rows (load indexes, both non-NULL) by sort column k.
func (b *builder[R]) cmpFunc(k int) func(x, y int32) int {
	s := &b.sorts[k]
	switch c := &b.spec.Columns[s.col]; {
	case c.Int != nil:
		v := s.ints
		return func(x, y int32) int { return cmp.Compare(v[x], v[y]) }
	case c.Float != nil:
		v := s.floats
		return func(x, y int32) int { return cmp.Compare(v[x], v[y]) }
	case c.Text != nil:
		v := s.texts
		return func(x, y int32) int { return strings.Compare(v[x], v[y]) }
	default:
		rows, f := b.rows, c.Cmp
		return func(x, y int32) int { return f(&rows[x], &rows[y]) }
	}
}

// finish puts the rows in default order and builds the indexes.
func (b *builder[R]) finish(dropRows bool) (*Table[R], error) {
	spec := b.spec
	t := &Table[R]{spec: spec, orders: map[string][]int32{}, filters: map[string]map[string][]int32{}}
	n := b.n
	arena, starts, ends, sh := b.arena, b.starts, b.ends, b.sh
	if cap(arena) > len(arena)+len(arena)/8 {
		arena = bytes.Clone(arena) // the estimate was off: keep the exact size
	}
	b.arena = nil
	t.arena, t.shape = arena, sh

	// Default order: by the default sort column, ties by the row's JSON (so
	// the order never depends on the warehouse's), then by load order.
	byJSON := func(x, y int32) int {
		p, q := arena[starts[x]:ends[x]], arena[starts[y]:ends[y]]
		if sh != nil {
			return sh.compare(p, q)
		}
		return bytes.Compare(p, q)
	}
	idx := orderBy(n, b.sorts[b.dsCol].null, b.cmpFunc(b.dsCol), b.dsDesc, byJSON)
	pos := make([]int32, n) // load index -> default order
	for d, l := range idx {
		pos[l] = int32(d)
	}
	t.starts = make([]uint32, n)
	t.ends = make([]uint32, n)
	for d, l := range idx {
		t.starts[d], t.ends[d] = starts[l], ends[l]
	}
	b.starts, b.ends = nil, nil
	t.spec.DefaultSort = b.ds

	dupKey := func(k string) error {
		return fmt.Errorf("model %s: key %s value %s appears twice; the contract's unique test on %s should catch this", spec.Model, spec.Key, k, spec.Key)
	}
	switch {
	case spec.Key != "" && b.intKey:
		t.intKeyed = true
		t.ikeys = make([]int64, n)
		for d, l := range idx {
			t.ikeys[d] = b.ikeys[l]
		}
		b.ikeys = nil
		if !slices.IsSorted(t.ikeys) {
			t.ipos = make([]int32, n)
			for d := range t.ipos {
				t.ipos[d] = int32(d)
			}
			keys := t.ikeys
			slices.SortFunc(t.ipos, func(x, y int32) int { return cmp.Compare(keys[x], keys[y]) })
			sorted := make([]int64, n)
			for j, d := range t.ipos {
				sorted[j] = keys[d]
			}
			t.ikeys = sorted
		}
		for j := 1; j < n; j++ {
			if t.ikeys[j] == t.ikeys[j-1] {
				return nil, dupKey(strconv.FormatInt(t.ikeys[j], 10))
			}
		}
	case spec.Key != "":
		t.byKey = make(map[string]int32, n)
		for d, l := range idx {
			k := b.keys[l]
			if _, dup := t.byKey[k]; dup {
				return nil, dupKey(k)
			}
			t.byKey[k] = int32(d)
		}
		b.keys = nil
	}
	byPos := func(x, y int32) int { return cmp.Compare(pos[x], pos[y]) }
	for k := range b.sorts {
		c := &spec.Columns[b.sorts[k].col]
		if !c.Sortable {
			continue
		}
		var asc, desc []int32
		switch sk := &b.sorts[k]; {
		case c.Int != nil:
			asc, desc = sortKeyed(sk.ints, sk.null, pos)
		case c.Float != nil:
			asc, desc = sortKeyed(sk.floats, sk.null, pos)
		case c.Text != nil:
			asc, desc = sortKeyed(sk.texts, sk.null, pos)
		default:
			f := b.cmpFunc(k)
			asc = orderBy(n, sk.null, f, false, byPos)
			desc = reverseOrder(asc, sk.null, f)
			for i := range asc {
				asc[i], desc[i] = pos[asc[i]], pos[desc[i]]
			}
		}
		t.orders[c.Name], t.orders["-"+c.Name] = asc, desc
		b.sorts[k] = sortKeys{}
	}
	for k, c := range b.fcols {
		m := map[string][]int32{}
		vals := b.fvals[k]
		for d, l := range idx {
			m[vals[l]] = append(m[vals[l]], int32(d))
		}
		t.filters[c.Name] = m
		b.fvals[k] = nil
	}
	if b.keep && !dropRows {
		permute(b.rows, idx)
		t.rows = b.rows
	}
	b.rows = nil
	return t, nil
}

// permute puts rows in the order idx (rows[i] becomes the old rows[idx[i]])
// in place, following the permutation's cycles; idx is used up.
func permute[R any](rows []R, idx []int32) {
	for i := range idx {
		if idx[i] < 0 || int(idx[i]) == i {
			continue
		}
		tmp := rows[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = -1
			if k == i {
				rows[j] = tmp
				break
			}
			rows[j] = rows[k]
			j = k
		}
	}
}

// orderBy returns the row indexes 0..n-1 ordered by f, NULLs last both
// ways, ties by tie, then by index.
func orderBy(n int, null []bool, f func(x, y int32) int, desc bool, tie func(x, y int32) int) []int32 {
	idx := make([]int32, 0, n)
	var nulls []int32
	for i := range n {
		if null[i] {
			nulls = append(nulls, int32(i))
		} else {
			idx = append(idx, int32(i))
		}
	}
	slices.SortFunc(idx, func(x, y int32) int {
		v := f(x, y)
		if desc {
			v = -v
		}
		if v != 0 {
			return v
		}
		if v = tie(x, y); v != 0 {
			return v
		}
		return cmp.Compare(x, y)
	})
	slices.SortFunc(nulls, func(x, y int32) int {
		if v := tie(x, y); v != 0 {
			return v
		}
		return cmp.Compare(x, y)
	})
	return append(idx, nulls...)
}

// sortKeyed orders rows by their keys (load order; null marks NULLs),
// ties and NULLs by their default order pos, and returns both orders in
// default positions: ascending, and descending (non-NULL rows by key
// descending, ties still in default order, NULLs last).
func sortKeyed[K cmp.Ordered](keys []K, null []bool, pos []int32) (asc, desc []int32) {
	type pair struct {
		k K
		p int32
	}
	pairs := make([]pair, 0, len(keys))
	var nulls []int32
	for l, k := range keys {
		if null[l] {
			nulls = append(nulls, pos[l])
		} else {
			pairs = append(pairs, pair{k, pos[l]})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		return cmp.Compare(a.p, b.p)
	})
	slices.Sort(nulls)
	asc = make([]int32, 0, len(keys))
	for _, q := range pairs {
		asc = append(asc, q.p)
	}
	asc = append(asc, nulls...)
	desc = make([]int32, 0, len(keys))
	for hi := len(pairs); hi > 0; {
		lo := hi - 1
		for lo > 0 && cmp.Compare(pairs[lo-1].k, pairs[hi-1].k) == 0 {
			lo--
		}
		desc = append(desc, asc[lo:hi]...)
		hi = lo
	}
	return asc, append(desc, nulls...)
}

// reverseOrder derives the descending order from the ascending one in
// O(n): non-NULL rows reversed, each run of equal values kept in its
// ascending order (the default order), NULLs still last.
func reverseOrder(asc []int32, null []bool, f func(x, y int32) int) []int32 {
	nn := len(asc)
	for nn > 0 && null[asc[nn-1]] {
		nn--
	}
	out := make([]int32, 0, len(asc))
	for hi := nn; hi > 0; {
		lo := hi - 1
		for lo > 0 && f(asc[lo-1], asc[hi-1]) == 0 {
			lo--
		}
		out = append(out, asc[lo:hi]...)
		hi = lo
	}
	return append(out, asc[nn:]...)
}

// Spec returns the table's contract description.
func (t *Table[R]) Spec() *Spec[R] { return t.spec }

// Len is the row count.
func (t *Table[R]) Len() int { return len(t.starts) }

// Rows returns the rows in default order; callers must not modify them.
func (t *Table[R]) Rows() []R { return t.rows }

// Encoded returns the JSON of row i (default order).
func (t *Table[R]) Encoded(i int) []byte { return t.appendRow(nil, int32(i)) }

// rowLen is the length of row i's JSON.
func (t *Table[R]) rowLen(i int32) int {
	n := int(t.ends[i] - t.starts[i])
	if t.shape != nil {
		n += t.shape.extra
	}
	return n
}

// appendRow appends row i's JSON to b.
func (t *Table[R]) appendRow(b []byte, i int32) []byte {
	v := t.arena[t.starts[i]:t.ends[i]]
	if t.shape == nil {
		return append(b, v...)
	}
	return t.shape.expand(b, v)
}

// buffer returns a pooled buffer with room for n bytes.
func (t *Table[R]) buffer(n int) *[]byte {
	bp, _ := t.pool.Get().(*[]byte)
	if bp == nil || cap(*bp) < n {
		b := make([]byte, 0, n)
		bp = &b
	}
	*bp = (*bp)[:0]
	return bp
}

// ReleaseRows drops the typed rows once the indexes and derived answers are
// built: requests read only the pre-encoded JSON and the indexes. After it,
// Rows returns nil and Row finds nothing. Call it before the table is shared.
func (t *Table[R]) ReleaseRows() { t.rows = nil }

// Order returns the row indexes for a sort key ("col" or "-col").
func (t *Table[R]) Order(sortKey string) ([]int32, bool) {
	o, ok := t.orders[sortKey]
	return o, ok
}

// lookup finds the row (default order) whose key is key.
func (t *Table[R]) lookup(key string) (int32, bool) {
	if !t.intKeyed {
		i, ok := t.byKey[key]
		return i, ok
	}
	v, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return 0, false
	}
	var buf [24]byte
	if string(strconv.AppendInt(buf[:0], v, 10)) != key {
		return 0, false // 007, +7: not how a key is written
	}
	j, ok := slices.BinarySearch(t.ikeys, v)
	if !ok {
		return 0, false
	}
	if t.ipos != nil {
		return t.ipos[j], true
	}
	return int32(j), true
}

// Get returns the JSON of the row with the key value.
func (t *Table[R]) Get(key string) (Body, bool) {
	i, ok := t.lookup(key)
	if !ok {
		return Body{}, false
	}
	if t.shape == nil {
		return Bytes(t.arena[t.starts[i]:t.ends[i]:t.ends[i]]), true
	}
	bp := t.buffer(t.rowLen(i))
	*bp = t.appendRow(*bp, i)
	return Body{b: *bp, buf: bp, pool: &t.pool}, true
}

// Row returns the row with the key value.
func (t *Table[R]) Row(key string) (*R, bool) {
	i, ok := t.lookup(key)
	if !ok || t.rows == nil {
		return nil, false
	}
	return &t.rows[i], true
}

// Filter is an equality filter; an empty Value means no filter.
type Filter struct {
	Column string
	Value  string
}

// Query selects rows: filters, a sort key ("" for the default) and a page.
type Query struct {
	Sort    string
	Offset  int
	Limit   int
	Filters []Filter
}

// Select returns the matching row indexes in order.
func (t *Table[R]) Select(q Query) ([]int32, error) {
	rows, _, err := t.match(q, -1)
	return rows, err
}

// match returns the first want matching rows in order (want < 0: all of
// them) and the count of all matches. Filter indexes list rows in default
// order; in another order the page is found by walking that order over a
// bitmap of the matches, stopping once the page is full.
func (t *Table[R]) match(q Query, want int) ([]int32, int, error) {
	sk := q.Sort
	if sk == "" {
		sk = t.spec.DefaultSort
	}
	order, ok := t.orders[sk]
	if !ok {
		return nil, 0, huma.Error422UnprocessableEntity(fmt.Sprintf("sort %q is not a sortable column of %s; use one of: %s (prefix - for descending)", q.Sort, t.spec.Model, strings.Join(sortableNames(t.spec), ", ")))
	}
	var hits []int32
	filtered := false
	for _, f := range q.Filters {
		if f.Value == "" {
			continue
		}
		m, ok := t.filters[f.Column]
		if !ok {
			return nil, 0, fmt.Errorf("model %s: %s is not a filter column", t.spec.Model, f.Column)
		}
		if !filtered {
			hits, filtered = m[f.Value], true
		} else {
			hits = intersect(hits, m[f.Value])
		}
	}
	prefix := func(s []int32) []int32 {
		if want >= 0 && want < len(s) {
			return s[:want]
		}
		return s
	}
	if !filtered {
		return prefix(order), len(order), nil
	}
	if sk == t.spec.DefaultSort {
		return prefix(hits), len(hits), nil
	}
	if want < 0 || want > len(hits) {
		want = len(hits)
	}
	out := make([]int32, 0, want)
	if want == 0 {
		return out, len(hits), nil
	}
	bp, _ := t.bits.Get().(*[]uint64)
	if bp == nil || len(*bp) < (t.Len()+63)/64 {
		b := make([]uint64, (t.Len()+63)/64)
		bp = &b
	}
	bits := *bp
	for _, i := range hits {
		bits[i>>6] |= 1 << (i & 63)
	}
	for _, i := range order {
		if bits[i>>6]&(1<<(i&63)) != 0 {
			out = append(out, i)
			if len(out) == want {
				break
			}
		}
	}
	for _, i := range hits {
		bits[i>>6] = 0
	}
	t.bits.Put(bp)
	return out, len(hits), nil
}

// intersect returns the rows in both ascending lists.
func intersect(a, b []int32) []int32 {
	out := make([]int32, 0, min(len(a), len(b)))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			out = append(out, a[0])
			a, b = a[1:], b[1:]
		}
	}
	return out
}

func sortableNames[R any](s *Spec[R]) []string {
	var out []string
	for _, c := range s.Columns {
		if c.Sortable {
			out = append(out, c.Name)
		}
	}
	return out
}

// List answers a list request with the envelope {"items","total","limit","offset"}.
func (t *Table[R]) List(q Query) (Body, error) {
	if t == nil {
		return Body{}, NoSnapshot()
	}
	rows, total, err := t.match(q, q.Offset+q.Limit)
	if err != nil {
		return Body{}, err
	}
	return t.page(rows[min(q.Offset, len(rows)):], total, q.Offset, q.Limit), nil
}

// Page encodes the rows idx[offset:offset+limit] in the list envelope, with
// total = len(idx), into a pooled buffer.
func (t *Table[R]) Page(idx []int32, offset, limit int) Body {
	lo, hi := min(offset, len(idx)), min(offset+limit, len(idx))
	return t.page(idx[lo:hi], len(idx), offset, limit)
}

// page encodes the rows of page in the list envelope.
func (t *Table[R]) page(page []int32, total, offset, limit int) Body {
	n := 80
	for _, i := range page {
		n += t.rowLen(i) + 1
	}
	bp := t.buffer(n)
	b := append(*bp, `{"items":[`...)
	for k, i := range page {
		if k > 0 {
			b = append(b, ',')
		}
		b = t.appendRow(b, i)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(offset), 10)
	b = append(b, '}')
	*bp = b
	return Body{b: b, buf: bp, pool: &t.pool}
}

// NoSnapshot answers requests made before any gold snapshot loaded.
func NoSnapshot() error {
	return huma.Error503ServiceUnavailable("no gold snapshot is loaded yet: build the gold layer (techstore build) and wait for the server to load it; see /ready")
}

// Body is a response body already encoded as JSON, possibly in a pooled
// buffer that goes back to its pool once written.
type Body struct {
	b    []byte
	buf  *[]byte
	pool *sync.Pool
}

// Bytes wraps pre-encoded JSON that is never reused.
func Bytes(b []byte) Body { return Body{b: b} }

// RawJSON returns the encoded body.
func (b Body) RawJSON() []byte { return b.b }

// MarshalJSON returns the encoded body.
func (b Body) MarshalJSON() ([]byte, error) { return b.b, nil }

// Release returns a pooled buffer; the body must not be used afterwards.
func (b Body) Release() {
	if b.pool != nil && b.buf != nil && cap(*b.buf) <= 1<<20 {
		b.pool.Put(b.buf)
	}
}

// Raw is a pre-encoded response body whose OpenAPI schema is T's.
type Raw[T any] struct{ Body }

// Schema describes the body as T.
func (Raw[T]) Schema(reg huma.Registry) *huma.Schema {
	return reg.Schema(reflect.TypeFor[T](), true, "")
}

// Out is an operation output with a pre-encoded JSON body.
type Out[T any] struct {
	ContentLength int `header:"Content-Length"`
	Body          Raw[T]
}

// Respond makes the output of a pre-encoded body.
func Respond[T any](b Body) *Out[T] {
	return &Out[T]{ContentLength: len(b.b), Body: Raw[T]{b}}
}

// Page is the pagination input shared by every list operation.
type Page struct {
	Limit  int `query:"limit" default:"50" minimum:"0" maximum:"1000" doc:"Rows per page (0 to 1000; default 50). Use offset to page on."`
	Offset int `query:"offset" default:"0" minimum:"0" doc:"Rows to skip before the page starts."`
}

// Contains reports whether v is one of values.
func Contains(values []string, v string) bool { return slices.Contains(values, v) }
