package project

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
)

// BenchmarkProperties parses every properties file of a synthetic
// 2,000-model project (fast path and walk, as applyProperties does).
func BenchmarkProperties(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 2000); err != nil {
		b.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "models", "*", "*", "*.yml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no properties files: %v", err)
	}
	var texts []string
	size := 0
	for _, p := range paths {
		t, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
		size += len(t)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			doc, ok := fastYAML(t)
			if !ok {
				b.Fatal("fast path refused a synthetic file")
			}
			var pf propsFile
			if !walkProps(doc, &pf) {
				b.Fatal("walk refused a synthetic file")
			}
		}
	}
}

// BenchmarkLoad loads a synthetic 2,000-model project: file discovery,
// reads, properties (no rendering: that is compile's).
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, 2000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, _, err := Load(context.Background(), dir, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
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
