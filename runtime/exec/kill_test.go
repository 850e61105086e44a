package exec

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// childEnv makes the test binary run killProject's "new" version against
// the warehouse named by the variable, printing "started" once the slow
// models are running.
const childEnv = "TECHSTORE_TEST_KILL_CHILD"

func TestMain(m *testing.M) {
	if p := os.Getenv(childEnv); p != "" {
		os.Exit(killChild(p))
	}
	os.Exit(m.Run())
}

// killProject: a table model and an incremental model, each rebuilt from
// a query that takes seconds in the "new" version.
func killProject(root string, newVersion bool) *project.Project {
	tableSQL, incSQL := `select i from range(3) r(i)`, `select i as id, 'old' as v from range(3) r(i)`
	if newVersion {
		tableSQL = `select i from range(30000000) r(i) where md5(i::varchar) < 'zz'`
		incSQL = `select i as id, 'new' as v from range(30000000) r(i) where md5(i::varchar) < 'zz'`
	}
	tbl := model("tbl", "table", tableSQL)
	inc := model("inc", "incremental", incSQL)
	inc.Config.UniqueKey = []string{"id"}
	inc.Config.IncrementalStrategy = "merge"
	p := &project.Project{Name: "t", Root: root, Nodes: map[string]*project.Node{tbl.UniqueID: tbl, inc.UniqueID: inc}}
	return p
}

type startSignal struct{ n int }

func (s *startSignal) RunStart(context.Context, RunInfo) {}
func (s *startSignal) NodeStart(context.Context, NodeEvent) {
	s.n++
	if s.n == 2 {
		fmt.Println("started")
	}
}
func (s *startSignal) NodeEnd(context.Context, NodeEvent) {}
func (s *startSignal) RunEnd(context.Context, RunSummary) {}

func killChild(dbPath string) int {
	ctx := context.Background()
	a, err := duckdb.Open(ctx, cfgForPath(dbPath))
	if err != nil {
		fmt.Println("open:", err)
		return 2
	}
	p := killProject(filepath.Dir(dbPath), true)
	if _, err := Run(ctx, a, sqlCompiler{p}, p, []string{"model.t.tbl", "model.t.inc"}, Options{Command: "run", Threads: 2, Observers: []Observer{&startSignal{}}}); err != nil {
		fmt.Println("run:", err)
		return 2
	}
	fmt.Println("finished")
	return 0
}

// TestSIGKILLMidRun kills a run with SIGKILL while both models are being
// rebuilt; each must be at its old complete state (or new complete state),
// no temporary relation may survive the next open, and the next run works.
func TestSIGKILLMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	root := t.TempDir()
	dbPath := filepath.Join(root, "w.duckdb")
	old := killProject(root, false)
	{
		a := openDB(t, dbPath)
		if sum, err := Run(context.Background(), a, sqlCompiler{old}, old, ids(old), Options{Command: "run"}); err != nil || !sum.OK() {
			t.Fatalf("first run: %v %+v", err, sum.Counts)
		}
		_ = a.Close()
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dbPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "started" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	a := openDB(t, dbPath) // opening drops the killed run's temporaries
	for _, schema := range []string{"s", "main"} {
		rels, err := a.ListRelations(context.Background(), "", schema)
		if err != nil {
			t.Fatal(err)
		}
		for name := range rels {
			if strings.Contains(name, duckdb.TmpMarker) {
				t.Errorf("temporary relation %s.%s survived the reopen", schema, name)
			}
		}
	}
	// 3 rows: old; 30,000,000: new (the filter keeps every row).
	for _, q := range []string{`select count(*) from s.tbl`, `select count(*) || ' ' || min(v) || ' ' || max(v) from s.inc`} {
		got := scalar(t, a, q)
		t.Logf("%s after kill: %s", q, got)
		if got != "3" && got != "30000000" && got != "3 old old" && got != "30000000 new new" {
			t.Errorf("%s after kill: %s, want the old or the new complete state", q, got)
		}
	}
	// The next run works without repair.
	sum, err := Run(context.Background(), a, sqlCompiler{old}, old, ids(old), Options{Command: "run"})
	if err != nil || !sum.OK() {
		t.Fatalf("run after kill: %v %+v", err, sum.Results)
	}
	if got := scalar(t, a, `select count(*) from s.tbl`); got != "3" {
		t.Errorf("tbl after the next run: %s rows, want 3", got)
	}
}
