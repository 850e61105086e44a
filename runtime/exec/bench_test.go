package exec

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// trivialProject has n one-row view models; model i depends on model i/10
// (a wide, shallow tree, like a real project's fan-out).
func trivialProject(root string, n int, mat string) *project.Project {
	p := &project.Project{Name: "t", Root: root, Nodes: map[string]*project.Node{}}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("m%04d", i)
		sql := "select 1 as i"
		var deps []string
		if i > 0 {
			parent := fmt.Sprintf("m%04d", i/10)
			sql = "select i + 1 as i from s." + parent
			deps = []string{parent}
		}
		m := model(name, mat, sql, deps...)
		p.Nodes[m.UniqueID] = m
	}
	return p
}

// BenchmarkEngineOverhead runs 1,000 trivial models through the runner
// and, separately, issues the same materializations straight to the
// adapter in the same order. The difference per node is the engine's
// overhead (scheduling, rendering, compiled files, events, results).
func BenchmarkEngineOverhead(b *testing.B) {
	const n = 1000
	for _, mat := range []string{"view", "table"} {
		for _, threads := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/threads=%d", mat, threads), func(b *testing.B) {
				dir := b.TempDir()
				p := trivialProject(dir, n, mat)
				a := openBench(b, filepath.Join(dir, "w.duckdb"))
				c := sqlCompiler{p}
				all := ids(p)
				// Warm: first build creates every relation.
				if _, err := Run(context.Background(), a, c, p, all, Options{Command: "run", Threads: threads}); err != nil {
					b.Fatal(err)
				}
				g, _ := buildGraph(p, all, false)
				var runT, directT time.Duration
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					sum, err := Run(context.Background(), a, c, p, all, Options{Command: "run", Threads: threads})
					if err != nil || !sum.OK() {
						b.Fatalf("run: %v %v", err, sum.Counts)
					}
					runT += time.Since(start)
					start = time.Now()
					for _, node := range g.order {
						if _, err := a.Materialize(context.Background(), adapter.Materialization{Relation: c.Relation(node.UniqueID), Kind: mat, SQL: node.RawCode}); err != nil {
							b.Fatal(err)
						}
					}
					directT += time.Since(start)
				}
				b.StopTimer()
				perRun := runT.Seconds() * 1000 / float64(b.N) / n
				perDirect := directT.Seconds() * 1000 / float64(b.N) / n
				b.ReportMetric(perRun, "ms/node-run")
				b.ReportMetric(perDirect, "ms/node-warehouse")
				b.ReportMetric(perRun-perDirect, "ms/node-overhead")
			})
		}
	}
}

// BenchmarkThreads runs four independent heavy models with one and two
// runner threads. DuckDB runs each query on one core here (profile
// settings: {threads: 1}); with DuckDB's default (all cores per query) a
// single query already fills this 2-core machine and runner threads add
// little, so both cases are measured.
func BenchmarkThreads(b *testing.B) {
	for _, tc := range []struct {
		duckThreads any
		threads     int
	}{{1, 1}, {1, 2}, {nil, 1}, {nil, 2}} {
		duck := "duckdb-threads=default"
		if tc.duckThreads != nil {
			duck = fmt.Sprintf("duckdb-threads=%v", tc.duckThreads)
		}
		threads := tc.threads
		b.Run(fmt.Sprintf("%s/threads=%d", duck, threads), func(b *testing.B) {
			dir := b.TempDir()
			p := &project.Project{Name: "t", Root: dir, Nodes: map[string]*project.Node{}}
			for i := 0; i < 4; i++ {
				m := model(fmt.Sprintf("heavy%d", i), "table", fmt.Sprintf(`select %d as k, count(*) as n from range(1500000) r(i) where md5(i::varchar) < 'zz'`, i))
				p.Nodes[m.UniqueID] = m
			}
			cfg := cfgForPath(filepath.Join(dir, "w.duckdb"))
			if tc.duckThreads != nil {
				cfg.Fields["settings"] = map[string]any{"threads": tc.duckThreads}
			}
			a, err := duckdb.Open(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			var busy, wall time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sum, err := Run(context.Background(), a, sqlCompiler{p}, p, ids(p), Options{Command: "run", Threads: threads})
				if err != nil || !sum.OK() {
					b.Fatalf("run: %v %+v", err, sum.Results)
				}
				wall += sum.Elapsed
				for _, ev := range sum.Results {
					busy += ev.CompletedAt.Sub(ev.StartedAt)
				}
			}
			// overlap: summed model time over wall time; 1 is serial, 2 is
			// two models running at every moment.
			b.ReportMetric(busy.Seconds()/wall.Seconds(), "overlap")
		})
	}
}

func openBench(b *testing.B, path string) adapter.Adapter {
	b.Helper()
	a, err := openAdapter(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	return a
}

// nullWarehouse accepts every statement instantly. It is used only to
// measure the engine's own cost per node, never to claim behaviour.
type nullWarehouse struct{ duckdb.Dialect }

func (nullWarehouse) Exec(context.Context, string) (adapter.Result, error) {
	return adapter.Result{RowsAffected: 0}, nil
}
func (nullWarehouse) Query(context.Context, string, ...any) ([]string, [][]any, error) {
	return []string{"n"}, [][]any{{int64(0)}}, nil
}
func (nullWarehouse) ListRelations(context.Context, string, string) (map[string]adapter.RelationInfo, error) {
	return nil, nil
}
func (nullWarehouse) CreateSchema(context.Context, string, string) error { return nil }
func (nullWarehouse) Materialize(context.Context, adapter.Materialization) (adapter.Result, error) {
	return adapter.Result{RowsAffected: 1}, nil
}
func (nullWarehouse) LoadTable(context.Context, adapter.Relation, []adapter.Column, [][]any) (adapter.Result, error) {
	return adapter.Result{}, nil
}
func (nullWarehouse) Close() error { return nil }

// BenchmarkEngineOnly is the engine's own cost per node on 1,000 models:
// planning, scheduling, rendering, compiled files, events, run_results.
func BenchmarkEngineOnly(b *testing.B) {
	for _, threads := range []int{1, 4} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			p := trivialProject(b.TempDir(), 1000, "view")
			all := ids(p)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), nullWarehouse{}, sqlCompiler{p}, p, all, Options{Command: "run", Threads: threads}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/1000, "ms/node")
		})
	}
}
