package partial

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
	"github.com/techstore-analytics/techstore/runtime/compile"
)

// BenchmarkLoad compares a full load with a cache hit (hash every input,
// decode, restore) on synthetic projects, and times the parts of a hit.
// go test -bench Load -benchmem -count 5 ./runtime/partial
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{2000} {
		dir := b.TempDir()
		if err := synth.Generate(dir, n); err != nil {
			b.Fatal(err)
		}
		o := testOptions(nil)
		ctx := context.Background()
		if _, _, err := Load(ctx, dir, o); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("full/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := compile.Load(ctx, dir, o.Compile); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("hit/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, st, err := Load(ctx, dir, o); err != nil || !st.Hit {
					b.Fatal(err, st)
				}
			}
		})
		b.Run(fmt.Sprintf("hash/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := hashInputs(ctx, dir, false, false, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		e, err := compile.Load(ctx, dir, o.Compile)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := encodeSnapshot(&buf, e.Snapshot()); err != nil {
			b.Fatal(err)
		}
		body := buf.Bytes()
		b.Run(fmt.Sprintf("encode/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := encodeSnapshot(io.Discard, e.Snapshot()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("decode/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := decodeSnapshot(body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("restore/models=%d", n), func(b *testing.B) {
			for b.Loop() {
				s, _ := decodeSnapshot(body)
				if _, err := compile.Restore(ctx, s, o.Compile); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHashInputs times hashing a synthetic project's files, with and
// without scanning their templates.
func BenchmarkHashInputs(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 2000); err != nil {
		b.Fatal(err)
	}
	for _, scan := range []bool{false, true} {
		b.Run(fmt.Sprintf("scan=%v", scan), func(b *testing.B) {
			for b.Loop() {
				if _, err := hashInputs(context.Background(), dir, scan, false, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
