package compile

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
)

// BenchmarkCompile measures a full compile (load, render, DAG, manifest)
// of synthetic layered projects; bench/compile/run.sh measures the same
// from a cold process.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(itoa(n), func(b *testing.B) {
			dir := b.TempDir()
			if err := synth.Generate(dir, n); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e, err := Load(context.Background(), dir, duckTarget())
				if err != nil {
					b.Fatal(err)
				}
				if err := e.WriteManifest(filepath.Join(dir, "target", "manifest.json")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	switch n {
	case 2000:
		return "models=2000"
	case 10000:
		return "models=10000"
	}
	return "models"
}
