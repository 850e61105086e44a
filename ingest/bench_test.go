package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// discardSink drops every row: it measures the generator alone.
type discardSink struct{ rows int64 }

func (d *discardSink) Open(context.Context, int) error  { return nil }
func (d *discardSink) Append(int, []any) error          { d.rows++; return nil }
func (d *discardSink) Close(context.Context, int) error { return nil }

// BenchmarkGenerate measures generating the rows without loading them.
func BenchmarkGenerate(b *testing.B) {
	for _, scale := range []int{1, 10} {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
			var rows int64
			for b.Loop() {
				d := &discardSink{}
				if _, err := Generate(context.Background(), Config{Scale: scale, Seed: 1, EndDate: DefaultEndDate}, d); err != nil {
					b.Fatal(err)
				}
				rows = d.rows
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkLoadDuckDB measures a whole load into a fresh DuckDB file
// (bench/ingest/run.sh measures the binary at scale 100).
func BenchmarkLoadDuckDB(b *testing.B) {
	for _, scale := range []int{1, 10} {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
			var rows int64
			i := 0
			for b.Loop() {
				i++
				path := filepath.Join(b.TempDir(), fmt.Sprintf("w%d.duckdb", i))
				rep, err := LoadDuckDB(context.Background(), path, Config{Scale: scale, Seed: 1, EndDate: DefaultEndDate}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows = rep.TotalRows()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
