package table

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// encodeRows stores rows in an arena as a table's builder does.
func encodeRows[R any](rows []R) (arena []byte, starts, ends []uint32, sh *shape, err error) {
	b := &builder[R]{spec: &Spec[R]{Model: "t"}, compact: true}
	b.je = json.NewEncoder(&b.buf)
	b.je.SetEscapeHTML(false)
	for i := range rows {
		if err := b.encode(&rows[i], i); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return b.arena, b.starts, b.ends, b.sh, nil
}

// awkward is a row whose strings hold everything that could confuse the
// arena: quotes, backslashes, a key-like text, control characters, braces.
type awkward struct {
	ID   int64   `json:"id"`
	Text string  `json:"text"`
	Note *string `json:"note"`
	OK   bool    `json:"ok"`
	Amt  Dec2    `json:"amt"`
}

func TestArenaRoundTrip(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name string
		row  awkward
		want string // the JSON encoding/json writes (no HTML escaping), by hand
	}{
		{"plain", awkward{1, "x", s("y"), true, 1.5}, `{"id":1,"text":"x","note":"y","ok":true,"amt":1.50}`},
		{"null and empty", awkward{2, "", nil, false, 0}, `{"id":2,"text":"","note":null,"ok":false,"amt":0.00}`},
		{"key-like text", awkward{3, `a","note":"b`, s(`,"ok":`), true, -2}, `{"id":3,"text":"a\",\"note\":\"b","note":",\"ok\":","ok":true,"amt":-2.00}`},
		{"backslash before a quote", awkward{4, `x\`, s(`\"`), false, 0.07}, `{"id":4,"text":"x\\","note":"\\\"","ok":false,"amt":0.07}`},
		{"control characters", awkward{5, "a\x00b\nc\x01", s("\t"), true, 3}, `{"id":5,"text":"a\u0000b\nc\u0001","note":"\t","ok":true,"amt":3.00}`},
		{"braces, commas and html", awkward{6, "{[,]}", s("<a&b>"), true, 9.99}, `{"id":6,"text":"{[,]}","note":"<a&b>","ok":true,"amt":9.99}`},
	}
	rows := make([]awkward, len(cases))
	for i, c := range cases {
		rows[i] = c.row
	}
	arena, starts, ends, sh, err := encodeRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	if sh == nil {
		t.Fatal("flat rows were kept whole")
	}
	if bytes.Contains(arena, []byte(`"text":`)) {
		t.Errorf("the arena holds keys: %q", arena)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(sh.expand(nil, arena[starts[i]:ends[i]])); got != c.want {
				t.Errorf("expanded %s\nwant     %s", got, c.want)
			}
		})
	}
}

func TestArenaCompareIsJSONOrder(t *testing.T) {
	type r2 struct {
		A any `json:"a"`
		B any `json:"b"`
	}
	// Pairs whose order differs between comparing the stored values
	// naively and comparing the JSON: a value that ends where the other goes
	// on ('}' after the last value sorts after digits, ',' before them).
	cases := []struct {
		name string
		x, y r2
		want int // sign of bytes.Compare of the JSON, worked out by hand
	}{
		{"last value shorter: '}' > '3'", r2{1, 12}, r2{1, 123}, 1},
		{"first value shorter: ',' < '2'", r2{1, 9}, r2{12, 9}, -1},
		{"equal", r2{"x", 1}, r2{"x", 1}, 0},
		{"strings differ inside", r2{"ab", 1}, r2{"ab c", 1}, 1}, // '"' (0x22) > ' ' (0x20)
		{"null against a number", r2{nil, 1}, r2{5, 1}, 1},       // 'n' > '5'
		{"negative numbers", r2{-1, 0}, r2{-10, 0}, -1},          // ',' < '0'
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			arena, starts, ends, sh, err := encodeRows([]r2{c.x, c.y})
			if err != nil || sh == nil {
				t.Fatalf("encode: %v, shape %v", err, sh)
			}
			got := sh.compare(arena[starts[0]:ends[0]], arena[starts[1]:ends[1]])
			full := bytes.Compare(sh.expand(nil, arena[starts[0]:ends[0]]), sh.expand(nil, arena[starts[1]:ends[1]]))
			if got != c.want || full != c.want {
				t.Errorf("compare = %d, JSON compare = %d, want %d", got, full, c.want)
			}
		})
	}
}

func TestArenaKeepsWholeRowsWhenNotFlat(t *testing.T) {
	type nested struct {
		ID   int      `json:"id"`
		Note string   `json:"note,omitempty"`
		Tags []string `json:"tags,omitempty"`
	}
	cases := []struct {
		name string
		rows []nested
		want []string
	}{
		{"array value", []nested{{1, "", []string{"a"}}}, []string{`{"id":1,"tags":["a"]}`}},
		{"keys differ between rows", []nested{{1, "", nil}, {2, "x", nil}, {3, "", nil}}, []string{`{"id":1}`, `{"id":2,"note":"x"}`, `{"id":3}`}},
		{"second row not flat", []nested{{1, "", nil}, {2, "", []string{"x"}}}, []string{`{"id":1}`, `{"id":2,"tags":["x"]}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			arena, starts, ends, sh, err := encodeRows(c.rows)
			if err != nil {
				t.Fatal(err)
			}
			if sh != nil {
				t.Errorf("rows kept without keys: %q", arena)
			}
			var got []string
			for i := range c.rows {
				v := arena[starts[i]:ends[i]]
				if sh != nil {
					v = sh.expand(nil, v)
				}
				got = append(got, string(v))
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
