package ingest

import (
	"math"
	"math/rand/v2"
)

// Streams separate the random sequences of the tables, so that a row's
// values depend only on the seed, its stream and its index: rows can be
// regenerated in any order (a duplicate customer recomputes the person it
// duplicates; the loader generates each order twice, once for orders and
// once for its items and reviews).
const (
	streamPerson uint64 = iota + 1
	streamCustomer
	streamRegistration
	streamProduct
	streamOrder
)

// rng is a PCG generator with the helpers the generator needs.
type rng struct {
	*rand.Rand
	src rand.PCG
}

// newRNG returns the generator of row index of stream under seed.
func newRNG(seed uint64, stream uint64, index uint64) *rng {
	r := &rng{}
	r.reset(seed, stream, index)
	return r
}

// reset re-seeds r in place (no allocation) for another row.
func (r *rng) reset(seed, stream, index uint64) {
	r.src.Seed(seed^0x9e3779b97f4a7c15*stream, stream<<48^index*0xbf58476d1ce4e5b9+index)
	if r.Rand == nil {
		r.Rand = rand.New(&r.src)
	}
}

// Pick returns a uniformly chosen element.
func (r *rng) Pick(xs []string) string { return xs[r.IntN(len(xs))] }

// Chance reports true with probability p.
func (r *rng) Chance(p float64) bool { return r.Float64() < p }

// Between returns an int in [lo, hi].
func (r *rng) Between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// Between64 returns an int64 in [lo, hi].
func (r *rng) Between64(lo, hi int64) int64 { return lo + r.Int64N(hi-lo+1) }

// Weighted returns an index drawn with the given relative weights.
func (r *rng) Weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// Normal returns an approximately normal value with the given mean and
// sd (the Irwin-Hall sum of four uniforms), clamped to [lo, hi]. It uses
// only additions and multiplications, each rounded on its own (the
// float64 conversions forbid fused multiply-adds), so that it gives the
// same bits on every architecture, unlike math.Exp/Log based methods.
func (r *rng) Normal(mean, sd, lo, hi float64) float64 {
	u := r.Float64() + r.Float64() + r.Float64() + r.Float64()
	z := float64((u - 2) * math.Sqrt(3)) // sd of the sum is sqrt(4/12)
	return math.Min(hi, math.Max(lo, mean+float64(sd*z)))
}
