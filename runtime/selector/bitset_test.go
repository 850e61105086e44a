package selector

import "testing"

// TestBitsetAdd: add sets the bit and no other, whether the set grows
// into a new array, into capacity it has (which may hold stale words), or
// stays within its length.
func TestBitsetAdd(t *testing.T) {
	stale := bitset{^uint64(0), ^uint64(0), ^uint64(0)}
	cases := []struct {
		name string
		b    bitset
		add  []int
		want []int // every bit set afterwards, in order
	}{
		{"empty, grown", nil, []int{3, 200}, []int{3, 200}},
		{"room in capacity", make(bitset, 0, 4), []int{70, 1}, []int{1, 70}},
		{"stale words past the length", stale[:1:3], []int{130}, append(seq(0, 64), 130)},
		{"within the length", bitset{1}, []int{5}, []int{0, 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.b
			for _, i := range c.add {
				b.add(i)
			}
			var got []int
			for i := 0; i < 64*len(b); i++ {
				if b.has(i) {
					got = append(got, i)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("bits %v, want %v", got, c.want)
			}
			for k := range got {
				if got[k] != c.want[k] {
					t.Fatalf("bits %v, want %v", got, c.want)
				}
			}
		})
	}
}

// seq returns from, from+1, ..., to-1.
func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}
