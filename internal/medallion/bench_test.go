package medallion

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/ingest"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// BenchmarkBuild times a full `build` (seeds, bronze, silver, gold and
// every data test, incremental models rebuilt from scratch) on freshly
// generated raw data, and reports the wall time of each layer: from the
// first of its nodes starting to the last ending (layers overlap a little,
// since a node starts as soon as its own parents are done).
//
//	go test -run '^$' -bench 'Build/scale=1$' -benchtime 5x ./internal/medallion
//	go test -run '^$' -bench 'Build/scale=100$' -benchtime 1x -timeout 30m ./internal/medallion
func BenchmarkBuild(b *testing.B) {
	for _, scale := range []int{1, 100} {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) { benchBuild(b, scale) })
	}
}

func benchBuild(b *testing.B, scale int) {
	ctx := context.Background()
	dir := newProject(b)
	cfg, err := profile.Resolve(dir, dir, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ingest.LoadDuckDB(ctx, cfg.Fields["path"].(string), ingest.Config{Scale: scale, Seed: 1, EndDate: ingest.DefaultEndDate}, ingest.Options{}); err != nil {
		b.Fatalf("ingest scale %d: %v", scale, err)
	}
	db, err := duckdb.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &session{dir: dir, cfg: cfg, db: db}
	layers := map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.compile(ctx, b, nil)
		e := s.engine
		var ids []string
		for _, id := range e.DAG.Nodes() {
			if _, ok := e.Project.Nodes[id]; ok {
				ids = append(ids, id)
			}
		}
		sum, err := exec.Run(ctx, db, runner{e}, e.Project, ids, exec.Options{
			Command: "build", Threads: 4, FullRefresh: true, TargetDir: filepath.Join(dir, "target"),
		})
		if err != nil || !sum.OK() {
			b.Fatalf("build: %v %s", err, strings.Join(failures(sum), "\n"))
		}
		for k, d := range layerWalls(sum) {
			layers[k] += d
		}
	}
	b.StopTimer()
	for _, k := range []string{"bronze", "silver", "gold", "tests"} {
		b.ReportMetric(layers[k].Seconds()/float64(b.N), k+"-s")
	}
}

// layerWalls is each layer's span in a run: seeds count with bronze.
func layerWalls(sum exec.RunSummary) map[string]time.Duration {
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for _, r := range sum.Results {
		k := "tests"
		if r.Node.ResourceType != project.Test {
			k = "bronze"
			for _, l := range []string{"silver", "gold"} {
				if hasTag(r.Node, l) {
					k = l
				}
			}
		}
		if f, ok := first[k]; !ok || r.StartedAt.Before(f) {
			first[k] = r.StartedAt
		}
		if r.CompletedAt.After(last[k]) {
			last[k] = r.CompletedAt
		}
	}
	out := map[string]time.Duration{}
	for k, f := range first {
		out[k] = last[k].Sub(f)
	}
	return out
}
