package dag

import (
	"fmt"
	"testing"
)

// BenchmarkNew builds the graph of a layered project like the synthetic
// one of bench/compile: 10,000 models in ten layers, each reading three
// models of the layer below, and two tests per model.
func BenchmarkNew(b *testing.B) {
	const models, layers = 10000, 10
	per := models / layers
	parents := map[string][]string{}
	id := func(l, i int) string { return fmt.Sprintf("model.synth.m_l%d_%05d", l, i) }
	for l := 0; l < layers; l++ {
		for i := 0; i < per; i++ {
			var ps []string
			if l > 0 {
				for k := 0; k < 3; k++ {
					ps = append(ps, id(l-1, (i*7+k*13)%per))
				}
			}
			parents[id(l, i)] = ps
			for t := 0; t < 2; t++ {
				parents[fmt.Sprintf("test.synth.t%d_%s", t, id(l, i))] = []string{id(l, i)}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(parents); err != nil {
			b.Fatal(err)
		}
	}
}
