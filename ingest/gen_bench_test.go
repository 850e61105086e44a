package ingest

import (
	"context"
	"testing"
)

// discardSink drops every row: it measures the generator alone.
type discardSink struct{ rows int64 }

func (d *discardSink) Open(context.Context, int) error  { return nil }
func (d *discardSink) Append(int, []any) error          { d.rows++; return nil }
func (d *discardSink) Close(context.Context, int) error { return nil }

// BenchmarkGenerate measures generating scale 10 without loading it.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		d := &discardSink{}
		if _, err := Generate(context.Background(), Config{Scale: 10, Seed: 1, EndDate: DefaultEndDate}, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(d.rows), "rows/op")
	}
}
