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
	spec    *Spec[R]
	rows    []R
	shape   *shape   // the rows' keys; nil when the arena holds whole rows
	arena   []byte   // every row's JSON values (see arena.go)
	starts  []uint32 // row i (default order) is arena[starts[i]:ends[i]]
	ends    []uint32
	byKey   map[string]int32
	orders  map[string][]int32            // sort key -> row order
	filters map[string]map[string][]int32 // filter column -> value -> rows in default order
	pool    sync.Pool                     // page buffers
}

// Load reads a gold table from src and builds its indexes.
func Load[R any](ctx context.Context, src Source, spec Spec[R]) (*Table[R], error) {
	var rows []R
	if c, ok := src.(interface {
		Count(ctx context.Context, model string) (int, error)
	}); ok {
		if n, err := c.Count(ctx, spec.Model); err == nil && n > 0 {
			rows = make([]R, 0, n)
		}
	}
	n := 0
	err := src.Select(ctx, spec.Model, spec.ColumnNames(), func(vals []any) error {
		n++
		if len(vals) != len(spec.Columns) {
			return fmt.Errorf("row %d has %d values, the contract has %d columns", n, len(vals), len(spec.Columns))
		}
		var r R
		for j := range spec.Columns {
			c := &spec.Columns[j]
			if err := c.Scan(&r, vals[j]); err != nil {
				return fmt.Errorf("row %d column %s (%s): %w; fix the model or its YAML data_type", n, c.Name, c.Type, err)
			}
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", spec.Model, err)
	}
	return Build(spec, rows)
}

// Build makes a table from rows already typed (tests, derived tables). The
// table takes rows over: they are reordered in place.
func Build[R any](spec Spec[R], rows []R) (*Table[R], error) {
	t := &Table[R]{spec: &spec, orders: map[string][]int32{}, filters: map[string]map[string][]int32{}}
	ds := spec.DefaultSort
	if ds == "" {
		ds = spec.Columns[0].Name
		if spec.Key != "" {
			ds = spec.Key
		}
	}
	// Put rows in default order (ties broken by the row's JSON, so the order
	// never depends on the warehouse's), so ties in any other ordering keep it.
	name, desc := strings.CutPrefix(ds, "-")
	dc, ok := spec.col(name)
	if !ok || dc.Cmp == nil {
		return nil, fmt.Errorf("model %s: default_sort %q is not a sortable column of the contract (valid: %s)", spec.Model, ds, strings.Join(spec.SortKeys(), ", "))
	}
	// Encode every row once, into one arena, in load order.
	arena, starts, ends, sh, err := encodeRows(rows)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", spec.Model, err)
	}
	t.arena, t.shape = arena, sh
	byJSON := func(a, b int32) int {
		x, y := arena[starts[a]:ends[a]], arena[starts[b]:ends[b]]
		if sh != nil {
			return sh.compare(x, y)
		}
		return bytes.Compare(x, y)
	}
	idx := orderBy(rows, dc, desc, byJSON)
	t.starts = make([]uint32, len(rows))
	t.ends = make([]uint32, len(rows))
	for i, j := range idx {
		t.starts[i], t.ends[i] = starts[j], ends[j]
	}
	starts, ends = nil, nil
	permute(rows, idx)
	t.rows = rows
	sorted := t.rows
	t.spec.DefaultSort = ds

	if spec.Key != "" {
		t.byKey = make(map[string]int32, len(sorted))
		for i := range sorted {
			k := spec.KeyOf(&sorted[i])
			if _, dup := t.byKey[k]; dup {
				return nil, fmt.Errorf("model %s: key %s value %s appears twice; the contract's unique test on %s should catch this", spec.Model, spec.Key, k, spec.Key)
			}
			t.byKey[k] = int32(i)
		}
	}
	for i := range spec.Columns {
		c := &spec.Columns[i]
		if !c.Sortable || c.Cmp == nil {
			continue
		}
		asc := orderBy(t.rows, c, false, nil)
		t.orders[c.Name] = asc
		t.orders["-"+c.Name] = reverseOrder(t.rows, c, asc)
	}
	for _, f := range spec.Filters {
		c, ok := spec.col(f)
		if !ok {
			return nil, fmt.Errorf("model %s: filter %q is not a column of the contract", spec.Model, f)
		}
		m := map[string][]int32{}
		for i := range t.rows {
			v := c.Str(&t.rows[i])
			m[v] = append(m[v], int32(i))
		}
		t.filters[f] = m
	}
	return t, nil
}

// encodeRows encodes rows as the API writes them (no HTML escaping), into
// one arena without their keys when every row is a flat object with the
// same keys (see arena.go), else whole.
func encodeRows[R any](rows []R) (arena []byte, starts, ends []uint32, sh *shape, err error) {
	var buf bytes.Buffer
	je := json.NewEncoder(&buf)
	je.SetEscapeHTML(false)
	starts = make([]uint32, len(rows))
	ends = make([]uint32, len(rows))
	whole := false
	for i := 0; i < len(rows); i++ {
		if i == 64 && len(rows) > 128 {
			// Size the arena from the first rows, so it does not grow by doubling.
			arena = slices.Grow(arena, len(arena)/64*(len(rows)-64)*21/20)
		}
		buf.Reset()
		if err := je.Encode(&rows[i]); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("encode row %d: %w", i+1, err)
		}
		js := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
		starts[i] = uint32(len(arena))
		switch {
		case whole:
			arena = append(arena, js...)
		case i == 0:
			if sh, err = learnShape(js); err != nil {
				whole, sh = true, nil
				arena = append(arena, js...)
				break
			}
			fallthrough
		default:
			if arena, err = sh.strip(arena, js); err != nil {
				// A row unlike the first: keep whole rows, from the start.
				whole, sh, arena, i = true, nil, arena[:0], -1
				continue
			}
		}
		if len(arena) > math.MaxUint32 {
			return nil, nil, nil, nil, fmt.Errorf("%d bytes of JSON is more than one table can hold", len(arena))
		}
		ends[i] = uint32(len(arena))
	}
	if cap(arena) > len(arena)+len(arena)/8 {
		arena = bytes.Clone(arena) // the estimate was off: keep the exact size
	}
	return arena, starts, ends, sh, nil
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

// orderBy returns row indexes ordered by c, NULLs last both ways, ties by
// tie (nil: by row index, so by the default order), then by row index.
func orderBy[R any](rows []R, c *Col[R], desc bool, tie func(a, b int32) int) []int32 {
	idx := make([]int32, 0, len(rows))
	var nulls []int32
	for i := range rows {
		if c.IsNull(&rows[i]) {
			nulls = append(nulls, int32(i))
		} else {
			idx = append(idx, int32(i))
		}
	}
	f := c.Cmp
	slices.SortFunc(idx, func(a, b int32) int {
		v := f(&rows[a], &rows[b])
		if desc {
			v = -v
		}
		if v != 0 {
			return v
		}
		if tie != nil {
			if v = tie(a, b); v != 0 {
				return v
			}
		}
		return cmp.Compare(a, b)
	})
	if tie != nil {
		slices.SortFunc(nulls, func(a, b int32) int {
			if v := tie(a, b); v != 0 {
				return v
			}
			return cmp.Compare(a, b)
		})
	}
	return append(idx, nulls...)
}

// reverseOrder derives the descending order from the ascending one in
// O(n): non-NULL rows reversed, each run of equal values put back in row
// index order, NULLs still last.
func reverseOrder[R any](rows []R, c *Col[R], asc []int32) []int32 {
	nn := len(asc)
	for nn > 0 && c.IsNull(&rows[asc[nn-1]]) {
		nn--
	}
	out := make([]int32, 0, len(asc))
	for hi := nn; hi > 0; {
		lo := hi - 1
		for lo > 0 && c.Cmp(&rows[asc[lo-1]], &rows[asc[hi-1]]) == 0 {
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

// Get returns the JSON of the row with the key value.
func (t *Table[R]) Get(key string) (Body, bool) {
	i, ok := t.byKey[key]
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
	i, ok := t.byKey[key]
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

// Select returns the matching row indexes in order, and the count of all matches.
func (t *Table[R]) Select(q Query) ([]int32, error) {
	sk := q.Sort
	if sk == "" {
		sk = t.spec.DefaultSort
	}
	order, ok := t.orders[sk]
	if !ok {
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("sort %q is not a sortable column of %s; use one of: %s (prefix - for descending)", q.Sort, t.spec.Model, strings.Join(sortableNames(t.spec), ", ")))
	}
	var active []Filter
	for _, f := range q.Filters {
		if f.Value != "" {
			if _, ok := t.filters[f.Column]; !ok {
				return nil, fmt.Errorf("model %s: %s is not a filter column", t.spec.Model, f.Column)
			}
			active = append(active, f)
		}
	}
	if len(active) == 0 {
		return order, nil
	}
	// Fast path: default order and one filter: the index is the answer.
	if sk == t.spec.DefaultSort && len(active) == 1 {
		return t.filters[active[0].Column][active[0].Value], nil
	}
	match := make([]bool, t.Len())
	first := true
	for _, f := range active {
		hit := t.filters[f.Column][f.Value]
		if first {
			for _, i := range hit {
				match[i] = true
			}
			first = false
			continue
		}
		keep := make([]bool, t.Len())
		for _, i := range hit {
			keep[i] = match[i]
		}
		match = keep
	}
	out := make([]int32, 0, 64)
	for _, i := range order {
		if match[i] {
			out = append(out, i)
		}
	}
	return out, nil
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
	idx, err := t.Select(q)
	if err != nil {
		return Body{}, err
	}
	return t.Page(idx, q.Offset, q.Limit), nil
}

// Page encodes the rows idx[offset:offset+limit] in the list envelope, with
// total = len(idx), into a pooled buffer.
func (t *Table[R]) Page(idx []int32, offset, limit int) Body {
	lo, hi := min(offset, len(idx)), min(offset+limit, len(idx))
	page := idx[lo:hi]
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
	b = strconv.AppendInt(b, int64(len(idx)), 10)
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
