package compile

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
	"github.com/techstore-analytics/techstore/runtime/manifest"
)

// BenchmarkCompile measures a full compile (load, render, DAG, manifest)
// of synthetic layered projects with YAML properties and two tests per
// model; bench/compile/run.sh measures the same from a cold process.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		dir, err := os.MkdirTemp("", "synth")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := synth.Generate(dir, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("models=%d", n), func(b *testing.B) {
			cpu := cpuTime()
			defer func() {
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}()
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

// cpuTime is the process's user and system CPU time so far: on a machine
// shared with other work, CPU per operation is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGenerateTests plans and turns the 4,000 YAML tests of a
// synthetic 2,000-model project into test nodes (the engine loaded once;
// each run first removes the previous run's test nodes, off the clock but
// inside cpu-ms/op).
func BenchmarkGenerateTests(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 2000); err != nil {
		b.Fatal(err)
	}
	e, err := Load(context.Background(), dir, duckTarget())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		b.StopTimer()
		for id, n := range e.Project.Nodes {
			if n.TestMetadata != nil {
				delete(e.Project.Nodes, id) // the previous iteration's
			}
		}
		b.StartTimer()
		if err := e.generateTests(e.planTests()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkManifest encodes the manifest of a synthetic 2,000-model
// project (6,010 nodes, about 11 MB) to io.Discard.
func BenchmarkManifest(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 2000); err != nil {
		b.Fatal(err)
	}
	e, err := Load(context.Background(), dir, duckTarget())
	if err != nil {
		b.Fatal(err)
	}
	md := manifest.Metadata{AdapterType: "duckdb", TargetName: "dev", RelationName: e.RelationName}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if err := manifest.Write(io.Discard, e.Project, e.DAG, md); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
