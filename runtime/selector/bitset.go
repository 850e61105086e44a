package selector

import "math/bits"

// bitset is a set of universe indexes.
type bitset []uint64

func (b bitset) has(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

func (b *bitset) add(i int) {
	w := i >> 6
	switch {
	case w < len(*b):
	case w < cap(*b): // room already: extend into it
		old := len(*b)
		*b = (*b)[:w+1]
		clear((*b)[old:])
	default:
		grown := make(bitset, w+1, max(w+1, 2*len(*b)))
		copy(grown, *b)
		*b = grown
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

func (b bitset) clone() bitset { return append(bitset(nil), b...) }

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// or returns b ∪ o as a new set.
func (b bitset) or(o bitset) bitset {
	if len(o) > len(b) {
		b, o = o, b
	}
	out := b.clone()
	for i, w := range o {
		out[i] |= w
	}
	return out
}

// and returns b ∩ o as a new set.
func (b bitset) and(o bitset) bitset {
	out := make(bitset, min(len(b), len(o)))
	for i := range out {
		out[i] = b[i] & o[i]
	}
	return out
}

// andNot returns b \ o as a new set.
func (b bitset) andNot(o bitset) bitset {
	out := b.clone()
	for i := range min(len(out), len(o)) {
		out[i] &^= o[i]
	}
	return out
}

// subsetOf reports whether every member of b is in o.
func (b bitset) subsetOf(o bitset) bool {
	for i, w := range b {
		var ow uint64
		if i < len(o) {
			ow = o[i]
		}
		if w&^ow != 0 {
			return false
		}
	}
	return true
}

func (b bitset) equal(o bitset) bool { return b.subsetOf(o) && o.subsetOf(b) }

// each calls f for every member in increasing order.
func (b bitset) each(f func(i int)) {
	for wi, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			f(wi<<6 + t)
			w &= w - 1
		}
	}
}
