package table

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDec2JSON(t *testing.T) {
	cases := []struct {
		name string
		in   float64
		want string
	}{
		{"integer", 12, "12.00"},
		{"one decimal", 12.5, "12.50"},
		{"two decimals", 0.07, "0.07"},
		{"negative", -25, "-25.00"},
		{"half away from zero", 0.125, "0.13"},
		{"negative half away from zero", -0.125, "-0.13"},
		{"1.005 is 1.005 in decimal, rounds up", 1.005, "1.01"},
		{"large", 23080494.31, "23080494.31"},
		{"zero", 0, "0.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Dec2(c.in).MarshalJSON()
			if err != nil || string(b) != c.want {
				t.Errorf("Dec2(%v) = %s, %v; want %s", c.in, b, err, c.want)
			}
		})
	}
}

func TestConversions(t *testing.T) {
	day := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		got  func() (any, error)
		want any
		err  string
	}{
		{"int64 from int32", func() (any, error) { return Int64(int32(7)) }, int64(7), ""},
		{"int64 from big int", func() (any, error) { return Int64(big.NewInt(1 << 40)) }, int64(1 << 40), ""},
		{"int64 from text", func() (any, error) { return Int64("42") }, int64(42), ""},
		{"int64 from a fraction", func() (any, error) { return Int64(1.5) }, nil, "not an integer"},
		{"int64 from NULL", func() (any, error) { return Int64(nil) }, nil, "cannot read <nil>"},
		{"int32 overflow", func() (any, error) { return Int32(int64(1) << 40) }, nil, "does not fit an integer"},
		{"float from text", func() (any, error) { return Float64("3.25") }, 3.25, ""},
		{"float from big int", func() (any, error) { return Float64(big.NewInt(5)) }, 5.0, ""},
		{"float from garbage", func() (any, error) { return Float64("abc") }, nil, "not a number"},
		{"decimal rounds", func() (any, error) { return Dec("2.345") }, Dec2(2.35), ""},
		{"date from time", func() (any, error) { return Date(day) }, "2026-10-31", ""},
		{"date from text with time", func() (any, error) { return Date("2026-10-31 00:00:00") }, "2026-10-31", ""},
		{"date from garbage", func() (any, error) { return Date("31/10/2026") }, nil, "want YYYY-MM-DD"},
		{"timestamp from text", func() (any, error) { return Timestamp("2026-10-31 12:30:00") }, "2026-10-31T12:30:00Z", ""},
		{"bool from int", func() (any, error) { return Bool(int64(1)) }, true, ""},
		{"string from bytes", func() (any, error) { return String([]byte("x")) }, "x", ""},
		{"nullable NULL", func() (any, error) {
			p, err := Nullable(nil, Int64)
			return p == nil, err
		}, true, ""},
		{"nullable value", func() (any, error) {
			p, err := Nullable(int64(3), Int64)
			return *p, err
		}, int64(3), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.got()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %v (%T), %v; want %v (%T)", got, got, err, c.want, c.want)
			}
		})
	}
}

type row struct {
	ID    int64   `json:"id"`
	Kind  string  `json:"kind"`
	Score *int64  `json:"score"`
	Note  *string `json:"note"`
}

func spec() Spec[row] {
	return Spec[row]{
		Model: "t", Path: "/api/t/rows", Key: "id", DefaultSort: "id", Filters: []string{"kind"},
		KeyOf: func(r *row) string { return strconv.FormatInt(r.ID, 10) },
		Columns: []Col[row]{
			{Name: "id", Type: "bigint", Sortable: true, Cmp: func(a, b *row) int { return cmp.Compare(a.ID, b.ID) },
				IsNull: func(*row) bool { return false }, Str: func(r *row) string { return strconv.FormatInt(r.ID, 10) }},
			{Name: "kind", Type: "varchar", IsNull: func(*row) bool { return false }, Str: func(r *row) string { return r.Kind }},
			{Name: "score", Type: "bigint", Sortable: true, Cmp: func(a, b *row) int { return cmp.Compare(*a.Score, *b.Score) },
				IsNull: func(r *row) bool { return r.Score == nil }, Str: func(r *row) string { return "" }},
		},
	}
}

func p(v int64) *int64 { return &v }

// Rows given out of order; scores with ties and NULLs.
func rows() []row {
	return []row{
		{ID: 4, Kind: "b", Score: p(10)},
		{ID: 2, Kind: "a", Score: nil},
		{ID: 5, Kind: "a", Score: p(30)},
		{ID: 1, Kind: "a", Score: p(10)},
		{ID: 3, Kind: "b", Score: p(20)},
	}
}

func ids(t *testing.T, tb *Table[row], q Query) string {
	t.Helper()
	b, err := tb.List(q)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Items  []row `json:"items"`
		Total  int   `json:"total"`
		Limit  int   `json:"limit"`
		Offset int   `json:"offset"`
	}
	if err := json.Unmarshal(b.RawJSON(), &env); err != nil {
		t.Fatalf("%v: %s", err, b.RawJSON())
	}
	var out []string
	for _, r := range env.Items {
		out = append(out, strconv.FormatInt(r.ID, 10))
	}
	b.Release()
	return strings.Join(out, ",") + " total=" + strconv.Itoa(env.Total)
}

func TestSelectAndPage(t *testing.T) {
	tb, err := Build(spec(), rows())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    Query
		want string
	}{
		{"default order", Query{Limit: 50}, "1,2,3,4,5 total=5"},
		// ascending: ties (10: ids 1 and 4) by id, NULL (id 2) last
		{"ascending with ties and NULL", Query{Sort: "score", Limit: 50}, "1,4,3,5,2 total=5"},
		// descending: ties still by id, NULL still last
		{"descending with ties and NULL", Query{Sort: "-score", Limit: 50}, "5,3,1,4,2 total=5"},
		{"filter", Query{Limit: 50, Filters: []Filter{{"kind", "b"}}}, "3,4 total=2"},
		{"filter and sort", Query{Sort: "-score", Limit: 50, Filters: []Filter{{"kind", "a"}}}, "5,1,2 total=3"},
		// kind a by -score is 5,1,2: the second page of one row is 1
		{"filter, sort and page", Query{Sort: "-score", Limit: 1, Offset: 1, Filters: []Filter{{"kind", "a"}}}, "1 total=3"},
		{"filter, sort, page past the end", Query{Sort: "score", Limit: 5, Offset: 3, Filters: []Filter{{"kind", "a"}}}, " total=3"},
		{"filter and sort, limit 0", Query{Sort: "score", Limit: 0, Filters: []Filter{{"kind", "b"}}}, " total=2"},
		{"filter matching nothing", Query{Limit: 50, Filters: []Filter{{"kind", "z' OR '1'='1"}}}, " total=0"},
		{"empty filter is no filter", Query{Limit: 50, Filters: []Filter{{"kind", ""}}}, "1,2,3,4,5 total=5"},
		{"page", Query{Limit: 2, Offset: 1}, "2,3 total=5"},
		{"page past the end", Query{Limit: 2, Offset: 9}, " total=5"},
		{"limit 0", Query{Limit: 0}, " total=5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(t, tb, c.q); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	if _, err := tb.List(Query{Sort: "kind", Limit: 1}); err == nil || !strings.Contains(err.Error(), "id, score") {
		t.Errorf("sort by a text column: %v", err)
	}
	if b, ok := tb.Get("3"); !ok || !strings.Contains(string(b.RawJSON()), `"id":3`) {
		t.Errorf("Get(3) = %s, %v", b.RawJSON(), ok)
	}
	if _, ok := tb.Get("9"); ok {
		t.Error("Get(9) found a row")
	}
	tb.ReleaseRows()
	if tb.Len() != 5 || tb.Rows() != nil {
		t.Errorf("after ReleaseRows: len %d rows %v", tb.Len(), tb.Rows())
	}
	if got := ids(t, tb, Query{Sort: "-score", Limit: 3}); got != "5,3,1 total=5" {
		t.Errorf("after ReleaseRows: %s", got)
	}
}

func TestTwoFilters(t *testing.T) {
	s := spec()
	s.Filters = []string{"kind", "id"}
	tb, err := Build(s, rows())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    Query
		want string
	}{
		{"both match one row", Query{Sort: "-score", Limit: 9, Filters: []Filter{{"kind", "a"}, {"id", "5"}}}, "5 total=1"},
		{"both match one row, default order", Query{Limit: 9, Filters: []Filter{{"kind", "b"}, {"id", "3"}}}, "3 total=1"},
		{"no row has both", Query{Sort: "score", Limit: 9, Filters: []Filter{{"kind", "b"}, {"id", "1"}}}, " total=0"},
		{"second filter empty", Query{Sort: "-score", Limit: 9, Filters: []Filter{{"kind", "b"}, {"id", ""}}}, "3,4 total=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(t, tb, c.q); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Spec[row], *[]row)
		want string
	}{
		{"duplicate key", func(_ *Spec[row], r *[]row) { (*r)[1].ID = 4 }, "key id value 4 appears twice"},
		{"default sort not a column", func(s *Spec[row], _ *[]row) { s.DefaultSort = "nope" }, `default_sort "nope"`},
		{"filter not a column", func(s *Spec[row], _ *[]row) { s.Filters = []string{"colour"} }, `filter "colour"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, r := spec(), rows()
			c.edit(&s, &r)
			if _, err := Build(s, r); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestDeterministicOrderWhateverTheInputOrder(t *testing.T) {
	// Without a key, ties in the default order are broken by the row's JSON.
	s := spec()
	s.Key, s.KeyOf, s.DefaultSort = "", nil, "score"
	a := rows()
	b := []row{a[4], a[3], a[2], a[1], a[0]}
	ta, err := Build(s, a)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Build(s, b)
	if err != nil {
		t.Fatal(err)
	}
	if x, y := ids(t, ta, Query{Limit: 9}), ids(t, tb, Query{Limit: 9}); x != y || x != "1,4,3,5,2 total=5" {
		t.Errorf("orders differ: %s vs %s", x, y)
	}
}

// keyedSpec is spec() with sort key functions, the way the generator
// writes gold specs: sorting goes through the keys, not Cmp on rows.
func keyedSpec() Spec[row] {
	s := spec()
	s.Columns[0].Int = func(r *row) int64 { return r.ID }
	s.Columns[2].Int = func(r *row) int64 { return *r.Score }
	return s
}

// sliceSource serves rows of (id, kind, score) as a warehouse would.
type sliceSource [][]any

func (s sliceSource) Select(_ context.Context, model string, cols []string, fn func([]any) error) error {
	if model != "t" || strings.Join(cols, ",") != "id,kind,score" {
		return fmt.Errorf("unexpected select of %v from %s", cols, model)
	}
	for _, r := range s {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func TestSortKeysAndDroppedRowsGiveTheSameAnswers(t *testing.T) {
	src := sliceSource{{int64(4), "b", int64(10)}, {int64(2), "a", nil}, {int64(5), "a", int64(30)}, {int64(1), "a", int64(10)}, {int64(3), "b", int64(20)}}
	scan := func(s Spec[row]) Spec[row] {
		s.Columns[0].Scan = func(r *row, v any) (err error) { r.ID, err = Int64(v); return err }
		s.Columns[1].Scan = func(r *row, v any) (err error) { r.Kind, err = String(v); return err }
		s.Columns[2].Scan = func(r *row, v any) (err error) { r.Score, err = Nullable(v, Int64); return err }
		return s
	}
	var visited []int64
	dropped, err := Load(context.Background(), src, scan(keyedSpec()), LoadOptions[row]{DropRows: true, Visit: func(r *row) { visited = append(visited, r.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	// Without sort key functions, the rows are held while the table builds.
	cmpOnly, err := Load(context.Background(), src, scan(spec()), LoadOptions[row]{DropRows: true, CompactJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := Build(keyedSpec(), rows(), LoadOptions[row]{CompactJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if kept.shape == nil || dropped.shape != nil {
		t.Errorf("compact JSON: built %v, loaded %v; want true, false", kept.shape != nil, dropped.shape != nil)
	}
	if fmt.Sprint(visited) != "[4 2 5 1 3]" {
		t.Errorf("visited %v, want load order [4 2 5 1 3]", visited)
	}
	if dropped.Rows() != nil || cmpOnly.Rows() != nil || len(kept.Rows()) != 5 {
		t.Errorf("rows: dropped %v and %v, kept %d", dropped.Rows(), cmpOnly.Rows(), len(kept.Rows()))
	}
	// The same expectations as TestSelectAndPage, worked out by hand.
	cases := []struct {
		name string
		q    Query
		want string
	}{
		{"default order", Query{Limit: 50}, "1,2,3,4,5 total=5"},
		{"ascending with ties and NULL", Query{Sort: "score", Limit: 50}, "1,4,3,5,2 total=5"},
		{"descending with ties and NULL", Query{Sort: "-score", Limit: 50}, "5,3,1,4,2 total=5"},
		{"filter and sort", Query{Sort: "-score", Limit: 50, Filters: []Filter{{"kind", "a"}}}, "5,1,2 total=3"},
		{"descending id", Query{Sort: "-id", Limit: 2, Offset: 1}, "4,3 total=5"},
	}
	for _, c := range cases {
		for name, tb := range map[string]*Table[row]{"loaded without rows": dropped, "loaded without rows, sorted with Cmp, compact": cmpOnly, "built with sort keys, compact": kept} {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				if got := ids(t, tb, c.q); got != c.want {
					t.Errorf("got %s, want %s", got, c.want)
				}
			})
		}
	}
	for _, tb := range []*Table[row]{dropped, cmpOnly, kept} {
		if b, ok := tb.Get("5"); !ok || string(b.RawJSON()) != `{"id":5,"kind":"a","score":30,"note":null}` {
			t.Errorf("Get(5) = %s, %v", b.RawJSON(), ok)
		}
	}
}

func TestIntegerKeys(t *testing.T) {
	byScore := keyedSpec()
	byScore.DefaultSort = "-score" // rows not in key order: looked up through positions
	texty := keyedSpec()
	texty.KeyOf = func(r *row) string { return "id-" + strconv.FormatInt(r.ID, 10) } // not the integer's text: a map
	dup := rows()
	dup[1].ID = 4
	cases := []struct {
		name string
		spec Spec[row]
		rows []row
		get  string
		want string // id found, "" for none
		err  string
	}{
		{"found", keyedSpec(), rows(), "3", "3", ""},
		{"absent", keyedSpec(), rows(), "9", "", ""},
		{"leading zero is not a key", keyedSpec(), rows(), "03", "", ""},
		{"plus sign is not a key", keyedSpec(), rows(), "+3", "", ""},
		{"not a number", keyedSpec(), rows(), "3 OR 1=1", "", ""},
		{"rows not in key order", byScore, rows(), "2", "2", ""},
		{"rows not in key order, first key", byScore, rows(), "1", "1", ""},
		{"KeyOf not the integer's text", texty, rows(), "id-5", "5", ""},
		{"KeyOf not the integer's text, integer asked", texty, rows(), "5", "", ""},
		{"duplicate integer key", keyedSpec(), dup, "", "", "key id value 4 appears twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, err := Build(c.spec, c.rows)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, ok := tb.Get(c.get)
			got := ""
			if ok {
				var r row
				if err := json.Unmarshal(b.RawJSON(), &r); err != nil {
					t.Fatal(err)
				}
				got = strconv.FormatInt(r.ID, 10)
				if p, ok := tb.Row(c.get); !ok || p.ID != r.ID {
					t.Errorf("Row(%s) = %v, %v", c.get, p, ok)
				}
			}
			if got != c.want {
				t.Errorf("Get(%q) found %q, want %q", c.get, got, c.want)
			}
		})
	}
}
