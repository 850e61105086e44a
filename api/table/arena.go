package table

import (
	"bytes"
	"errors"
	"slices"
)

// The arena holds every row's JSON without its object keys: a row whose
// JSON is {"id":3,"name":"x","score":null} is stored as 3␀"x"␀null, and
// the keys ({"id":  ,"name":  ,"score":  }) are stored once per table.
// encoding/json escapes every control character inside strings and writes
// none outside them, so a NUL byte never occurs in a row's values and can
// separate them. Rows are put back together when a response is written;
// the keys, two thirds of a gold row's JSON, are not held once per row.

// sep separates the values of one row in the arena.
const sep = 0

// errNotFlat says a row's JSON is not a flat object of scalars with the
// same keys as the first row's (the arena then keeps whole rows).
var errNotFlat = errors.New("row JSON is not a flat object with the first row's keys")

// shape is the key layout shared by a table's rows: frags[0] is `{"k0":`,
// frags[i] is `,"ki":`, and the object ends with `}`.
type shape struct {
	frags [][]byte
	extra int // bytes added when a stored row is expanded: keys and `}` minus separators
}

// learnShape reads the keys of one encoded row (without a trailing newline).
func learnShape(js []byte) (*shape, error) {
	if len(js) < 2 || js[0] != '{' || js[len(js)-1] != '}' {
		return nil, errNotFlat
	}
	s := &shape{}
	p := 0
	for {
		// js[p] is '{' or ','; a key string and ':' follow.
		q, ok := scanString(js, p+1)
		if !ok || q >= len(js) || js[q] != ':' {
			return nil, errNotFlat
		}
		s.frags = append(s.frags, bytes.Clone(js[p:q+1]))
		e, ok := scanScalar(js, q+1)
		if !ok || e >= len(js) {
			return nil, errNotFlat
		}
		if js[e] == '}' {
			if e != len(js)-1 {
				return nil, errNotFlat
			}
			break
		}
		if js[e] != ',' {
			return nil, errNotFlat
		}
		p = e
	}
	for _, f := range s.frags {
		s.extra += len(f)
	}
	s.extra += 1 - (len(s.frags) - 1) // the closing brace, minus the separators
	return s, nil
}

// strip appends the values of js, separated by sep, to dst; js must have
// exactly the shape's keys in order.
func (s *shape) strip(dst, js []byte) ([]byte, error) {
	p := 0
	for i, f := range s.frags {
		if !bytes.HasPrefix(js[p:], f) {
			return dst, errNotFlat
		}
		p += len(f)
		e, ok := scanScalar(js, p)
		if !ok || e >= len(js) {
			return dst, errNotFlat
		}
		if i > 0 {
			dst = append(dst, sep)
		}
		dst = append(dst, js[p:e]...)
		p = e
	}
	if p != len(js)-1 || js[p] != '}' {
		return dst, errNotFlat
	}
	return dst, nil
}

// expand appends the JSON object of the stored values v to dst. It is on
// the hot path of every answer: the output is sized once and values are
// copied byte by byte (they are short: a SIMD search costs more to start).
func (s *shape) expand(dst, v []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(v)+s.extra)[:n+len(v)+s.extra]
	out := dst[n:]
	k := copy(out, s.frags[0])
	i := 0
	for _, f := range s.frags[1:] {
		for ; v[i] != sep; i++ {
			out[k] = v[i]
			k++
		}
		i++
		k += copy(out[k:], f)
	}
	k += copy(out[k:], v[i:])
	out[k] = '}'
	return dst
}

// compare orders two stored rows exactly as their expanded JSON compares
// byte by byte: the keys are the same in both, so the first difference is
// in a value, or where one value ends (its JSON goes on with ',' or, after
// the last value, '}') and the other goes on.
func (s *shape) compare(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	ca, cb := s.next(a, i), s.next(b, i)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// next is the byte of the expanded JSON that stands for v[i].
func (s *shape) next(v []byte, i int) int {
	if i == len(v) {
		return '}'
	}
	if v[i] == sep {
		return ','
	}
	return int(v[i])
}

// scanString returns the index just past the JSON string starting at js[p].
func scanString(js []byte, p int) (int, bool) {
	if p >= len(js) || js[p] != '"' {
		return 0, false
	}
	for i := p + 1; i < len(js); i++ {
		switch js[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		case sep:
			return 0, false
		}
	}
	return 0, false
}

// scanScalar returns the index just past the JSON string, number, true,
// false or null starting at js[p]; objects and arrays are not scalars.
func scanScalar(js []byte, p int) (int, bool) {
	if p >= len(js) {
		return 0, false
	}
	switch js[p] {
	case '"':
		return scanString(js, p)
	case '{', '[', ',', '}', sep:
		return 0, false
	}
	i := p
	for i < len(js) && js[i] != ',' && js[i] != '}' {
		if js[i] == sep || js[i] == '"' || js[i] == '{' || js[i] == '[' {
			return 0, false
		}
		i++
	}
	return i, true
}
