package exec

import (
	"container/heap"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// Compiler renders SQL at execution time; the CLI hands in the compile
// engine. Implementations need not be safe for concurrent use: the runner
// serializes calls.
type Compiler interface {
	// Render renders a node's SQL, with is_incremental as given.
	Render(n *project.Node, isIncremental bool) (string, error)
	// RenderSQL renders an ad-hoc template (hooks) in a node's context
	// (nil for on-run-start/on-run-end).
	RenderSQL(name, text string, n *project.Node) (string, error)
	// Relation is where a node is built.
	Relation(uniqueID string) adapter.Relation
}

// Options control a run.
type Options struct {
	Command       string // run | test | build | seed (retry passes the retried command)
	Threads       int    // parallel nodes; <= 0 means 4
	FailFast      bool
	FullRefresh   bool
	StoreFailures bool           // keep every test's failing rows (also per-test config)
	TargetDir     string         // where run_results.json and run/ go; default <root>/target
	TargetName    string         // target name, for observers
	TargetSchema  string         // target schema; test failures go to <schema>_test_failures
	Args          map[string]any // the invocation, written to run_results.json
	InvocationID  string         // generated when empty
	Observers     []Observer
}

// Run executes the selected nodes on the adapter: each node starts as soon
// as its selected parents have succeeded, up to Threads at once. It writes
// target/run_results.json even when ctx is cancelled. The error is only for
// a run that could not be set up or whose results could not be written;
// node failures are in the summary (see RunSummary.OK).
func Run(ctx context.Context, a adapter.Adapter, c Compiler, p *project.Project, selected []string, opt Options) (RunSummary, error) {
	if opt.Threads <= 0 {
		opt.Threads = 4
	}
	if opt.TargetDir == "" {
		opt.TargetDir = filepath.Join(p.Root, "target")
	}
	if opt.InvocationID == "" {
		opt.InvocationID = newUUID()
	}
	g, err := buildGraph(p, selected, opt.Command == "build")
	if err != nil {
		return RunSummary{}, fmt.Errorf("plan %s: %w", opt.Command, err)
	}
	r := &runner{a: a, c: &lockedCompiler{c: c}, p: p, g: g, opt: opt, obs: opt.Observers, files: newFileWriter(2)}
	return r.run(ctx)
}

type lockedCompiler struct {
	mu sync.Mutex
	c  Compiler
}

func (l *lockedCompiler) Render(n *project.Node, inc bool) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.Render(n, inc)
}

func (l *lockedCompiler) RenderSQL(name, text string, n *project.Node) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.RenderSQL(name, text, n)
}

func (l *lockedCompiler) Relation(id string) adapter.Relation {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.Relation(id)
}

type runner struct {
	a     adapter.Adapter
	c     *lockedCompiler
	p     *project.Project
	g     *graph
	opt   Options
	obs   []Observer
	files *fileWriter

	mu       sync.Mutex
	existing map[string]map[string]adapter.RelationInfo // schema -> relations, loaded lazily
	counter  int                                        // 1-based index given to the next node event
}

func (r *runner) nextIndex() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counter++
	return r.counter
}

// readyQueue orders runnable nodes: tests first (so a model's tests run
// right after it), then topological position.
type readyQueue struct {
	ids []string
	g   *graph
	p   *project.Project
}

func (q *readyQueue) Len() int { return len(q.ids) }
func (q *readyQueue) Less(i, j int) bool {
	ti := q.p.Nodes[q.ids[i]].ResourceType == project.Test
	tj := q.p.Nodes[q.ids[j]].ResourceType == project.Test
	if ti != tj {
		return ti
	}
	return q.g.index[q.ids[i]] < q.g.index[q.ids[j]]
}
func (q *readyQueue) Swap(i, j int) { q.ids[i], q.ids[j] = q.ids[j], q.ids[i] }
func (q *readyQueue) Push(x any)    { q.ids = append(q.ids, x.(string)) }
func (q *readyQueue) Pop() any {
	x := q.ids[len(q.ids)-1]
	q.ids = q.ids[:len(q.ids)-1]
	return x
}

type done struct {
	ev   NodeEvent
	slot int
}

func (r *runner) run(ctx context.Context) (RunSummary, error) {
	total := len(r.g.order)
	started := time.Now().UTC()
	info := RunInfo{
		InvocationID: r.opt.InvocationID, Command: r.opt.Command, Args: r.opt.Args,
		ProjectName: r.p.Name, ProjectRoot: r.p.Root, Target: r.opt.TargetName, AdapterType: r.a.Type(),
		StartedAt: started, Nodes: r.g.order, Relations: map[string]string{},
	}
	for _, n := range r.g.order {
		if n.ResourceType != project.Test {
			info.Relations[n.UniqueID] = r.a.RelationName(r.c.Relation(n.UniqueID))
		}
	}
	for _, o := range r.obs {
		o.RunStart(ctx, info)
	}
	results := map[string]NodeEvent{}
	var runErr error

	if err := r.createSchemas(ctx); err != nil {
		runErr = err
	} else if err := r.runHooks(ctx, "on-run-start", r.p.OnRunStart); err != nil {
		runErr = err
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var failFastBy string

	if runErr == nil {
		pending := map[string]int{}
		q := &readyQueue{g: r.g, p: r.p}
		for _, n := range r.g.order {
			pending[n.UniqueID] = len(r.g.parents[n.UniqueID])
			if pending[n.UniqueID] == 0 {
				q.ids = append(q.ids, n.UniqueID)
			}
		}
		heap.Init(q)
		free := make([]int, 0, r.opt.Threads)
		for i := r.opt.Threads; i >= 1; i-- {
			free = append(free, i)
		}
		doneCh := make(chan done)
		running := 0
		stopping := false
		for {
			for !stopping && running < r.opt.Threads && q.Len() > 0 {
				id := heap.Pop(q).(string)
				slot := free[len(free)-1]
				free = free[:len(free)-1]
				running++
				go func(n *project.Node, slot int) {
					doneCh <- done{ev: r.execNode(runCtx, n, slot, total), slot: slot}
				}(r.p.Nodes[id], slot)
			}
			if running == 0 {
				break
			}
			d := <-doneCh
			running--
			free = append(free, d.slot)
			if ctx.Err() != nil {
				stopping = true
			}
			id := d.ev.Node.UniqueID
			results[id] = d.ev
			failed := d.ev.Status == StatusError || d.ev.Status == StatusFail
			if failed {
				if r.opt.FailFast && !stopping {
					failFastBy = id
					stopping = true
					cancel(fmt.Errorf("--fail-fast after %s failed", id))
				}
				r.skipDescendants(ctx, id, results, total)
				continue
			}
			for _, ch := range r.g.children[id] {
				pending[ch]--
				if pending[ch] == 0 {
					if _, skipped := results[ch]; !skipped {
						heap.Push(q, ch)
					}
				}
			}
		}
	}
	// Whatever did not run is skipped: cancelled, failed fast, or a hook failed.
	for _, n := range r.g.order {
		if _, ok := results[n.UniqueID]; ok {
			continue
		}
		msg := "skipped: the run was cancelled"
		switch {
		case runErr != nil:
			msg = "skipped: " + runErr.Error()
		case failFastBy != "":
			msg = "skipped: --fail-fast after " + failFastBy + " failed"
		}
		results[n.UniqueID] = r.skipEvent(ctx, n, msg, total)
	}
	// on-run-end runs after failures too, but not after an interrupt.
	if ctx.Err() == nil {
		if err := r.runHooks(ctx, "on-run-end", r.p.OnRunEnd); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr == nil && ctx.Err() != nil {
		why := "run interrupted"
		if c := context.Cause(ctx); c != nil && c != ctx.Err() { // e.g. "interrupt signal received"
			why += " (" + c.Error() + ")"
		}
		runErr = fmt.Errorf("%s: nodes that had not finished are recorded as error or skipped: %w", why, ctx.Err())
	}
	sum := RunSummary{InvocationID: r.opt.InvocationID, StartedAt: started, CompletedAt: time.Now().UTC(),
		Counts: map[Status]int{}, Err: runErr}
	sum.Elapsed = sum.CompletedAt.Sub(started)
	for _, n := range r.g.order {
		ev := results[n.UniqueID]
		sum.Results = append(sum.Results, ev)
		sum.Counts[ev.Status]++
	}
	ferr := r.files.close()
	werr := errors.Join(ferr, WriteRunResults(filepath.Join(r.opt.TargetDir, "run_results.json"), info, sum))
	for _, o := range r.obs {
		o.RunEnd(ctx, sum)
	}
	return sum, werr
}

// createSchemas creates the schemas of the selected models and seeds
// once, up front, rather than from parallel workers.
func (r *runner) createSchemas(ctx context.Context) error {
	seen := map[[2]string]bool{}
	for _, n := range r.g.order {
		if n.ResourceType == project.Test {
			continue
		}
		rel := r.c.Relation(n.UniqueID)
		k := [2]string{rel.Database, rel.Schema}
		if rel.Schema == "" || seen[k] {
			continue
		}
		seen[k] = true
		if err := r.a.CreateSchema(ctx, rel.Database, rel.Schema); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) skipDescendants(ctx context.Context, id string, results map[string]NodeEvent, total int) {
	var walk func(string)
	walk = func(from string) {
		for _, ch := range r.g.children[from] {
			if _, ok := results[ch]; ok {
				continue
			}
			results[ch] = r.skipEvent(ctx, r.p.Nodes[ch], "skipped: upstream "+id+" did not succeed", total)
			walk(ch)
		}
	}
	walk(id)
}

func (r *runner) skipEvent(ctx context.Context, n *project.Node, msg string, total int) NodeEvent {
	now := time.Now().UTC()
	ev := NodeEvent{Index: r.nextIndex(), Total: total, Node: n, Status: StatusSkipped, Message: msg,
		Rows: -1, ThreadID: "main", StartedAt: now, CompletedAt: now}
	if n.ResourceType != project.Test {
		ev.Relation = r.c.Relation(n.UniqueID)
		ev.RelationName = r.a.RelationName(ev.Relation)
	}
	for _, o := range r.obs {
		o.NodeEnd(ctx, ev)
	}
	return ev
}

func (r *runner) runHooks(ctx context.Context, name string, hooks []string) error {
	for i, h := range hooks {
		q, err := r.c.RenderSQL(fmt.Sprintf("%s.%d", name, i+1), h, nil)
		if err != nil {
			return fmt.Errorf("render %s hook %d: %w", name, i+1, err)
		}
		if strings.TrimSpace(q) == "" {
			continue
		}
		if _, err := r.a.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s hook %d: %w", name, i+1, err)
		}
	}
	return nil
}

// execNode runs one node and reports its end event.
func (r *runner) execNode(ctx context.Context, n *project.Node, slot, total int) NodeEvent {
	ev := NodeEvent{Index: r.nextIndex(), Total: total, Node: n, ThreadID: fmt.Sprintf("Thread-%d", slot),
		Rows: -1, Status: StatusRunning, StartedAt: time.Now().UTC()}
	if n.ResourceType != project.Test {
		ev.Relation = r.c.Relation(n.UniqueID)
		ev.RelationName = r.a.RelationName(ev.Relation)
	}
	for _, o := range r.obs {
		o.NodeStart(ctx, ev)
	}
	var err error
	switch n.ResourceType {
	case project.Model:
		err = r.execModel(ctx, n, &ev)
	case project.Seed:
		err = r.execSeed(ctx, n, &ev)
	case project.Test:
		err = r.execTest(ctx, n, &ev)
	default:
		err = fmt.Errorf("cannot execute a %s node", n.ResourceType)
	}
	ev.CompletedAt = time.Now().UTC()
	if ev.waitFile != nil && (err != nil || ev.Status == StatusFail) {
		// The message points at the compiled file: make sure it is there.
		if werr := ev.waitFile(); werr != nil && err == nil {
			err = werr
		}
	}
	ev.waitFile = nil
	if err != nil {
		ev.Status = StatusError
		ev.Message = r.errorMessage(ctx, n, ev.CompiledPath, err)
	}
	for _, o := range r.obs {
		o.NodeEnd(ctx, ev)
	}
	return ev
}

func (r *runner) errorMessage(ctx context.Context, n *project.Node, compiled string, err error) string {
	if ctx.Err() != nil {
		why := "the run was interrupted"
		// The cause says why: --fail-fast, or the signal (whose error also
		// matches context.Canceled, hence the comparison with ctx.Err()).
		if c := context.Cause(ctx); c != nil && c != ctx.Err() {
			why = c.Error()
		}
		return fmt.Sprintf("%s %s cancelled: %s", n.ResourceType, n.Name, why)
	}
	where := ""
	if compiled != "" {
		where = " (compiled SQL: " + compiled + ")"
	} else if n.OriginalFilePath != "" {
		where = " (" + n.OriginalFilePath + ")"
	}
	return fmt.Sprintf("%s %s%s: %v", n.ResourceType, n.Name, where, err)
}

// writeCompiled queues the SQL about to run for target/run/<path> and
// returns that path relative to the project root, and a wait for the
// write. Files are written by background workers: on a loaded disk one
// file costs about a millisecond, more than the engine's own work per node.
func (r *runner) writeCompiled(n *project.Node, sql string) (string, func() error) {
	rel := n.OriginalFilePath
	if rel == "" || !strings.HasSuffix(rel, ".sql") || n.ResourceType == project.Test {
		dir := filepath.Dir(n.OriginalFilePath)
		if n.OriginalFilePath == "" {
			dir = string(n.ResourceType) + "s"
		}
		rel = filepath.Join(dir, n.Name+".sql")
	}
	full := filepath.Join(r.opt.TargetDir, "run", rel)
	wait := r.files.write(full, sql)
	if p, err := filepath.Rel(r.p.Root, full); err == nil && !strings.HasPrefix(p, "..") {
		return p, wait
	}
	return full, wait
}

// fileWriter writes files from a few background goroutines.
type fileWriter struct {
	jobs chan fileJob
	wg   sync.WaitGroup
	mu   sync.Mutex
	dirs map[string]bool
	err  error // the first failed write
}

type fileJob struct {
	path, text string
	done       chan error
}

func newFileWriter(workers int) *fileWriter {
	w := &fileWriter{jobs: make(chan fileJob, 256), dirs: map[string]bool{}}
	for i := 0; i < workers; i++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				err := w.writeNow(j.path, j.text)
				if err != nil {
					w.mu.Lock()
					if w.err == nil {
						w.err = err
					}
					w.mu.Unlock()
				}
				j.done <- err
			}
		}()
	}
	return w
}

func (w *fileWriter) writeNow(path, text string) error {
	dir := filepath.Dir(path)
	w.mu.Lock()
	known := w.dirs[dir]
	w.mu.Unlock()
	if !known {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write compiled sql: %w", err)
		}
		w.mu.Lock()
		w.dirs[dir] = true
		w.mu.Unlock()
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == text {
		return nil // unchanged since the last run: reading is far cheaper than rewriting
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write compiled sql: %w", err)
	}
	return nil
}

// write queues a file and returns a wait for its result.
func (w *fileWriter) write(path, text string) func() error {
	done := make(chan error, 1)
	w.jobs <- fileJob{path: path, text: text, done: done}
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() { err = <-done })
		return err
	}
}

// close waits for every queued write and returns the first failure.
func (w *fileWriter) close() error {
	close(w.jobs)
	w.wg.Wait()
	return w.err
}

// relationExists reports whether a relation exists as a table, listing
// each schema once per run.
func (r *runner) tableExists(ctx context.Context, rel adapter.Relation) (bool, error) {
	key := rel.Database + "\x00" + rel.Schema
	r.mu.Lock()
	rels, ok := r.existing[key]
	r.mu.Unlock()
	if !ok {
		var err error
		rels, err = r.a.ListRelations(ctx, rel.Database, rel.Schema)
		if err != nil {
			return false, err
		}
		r.mu.Lock()
		if r.existing == nil {
			r.existing = map[string]map[string]adapter.RelationInfo{}
		}
		r.existing[key] = rels
		r.mu.Unlock()
	}
	info, ok := rels[rel.Identifier]
	return ok && info.Relation.Kind != "view", nil
}

func (r *runner) execModel(ctx context.Context, n *project.Node, ev *NodeEvent) error {
	mat := n.Config.Materialized
	if mat == "" {
		mat = project.MatView
	}
	full := r.opt.FullRefresh
	if n.Config.FullRefresh != nil {
		full = *n.Config.FullRefresh
	}
	inc := false
	if mat == project.MatIncremental && !full {
		exists, err := r.tableExists(ctx, ev.Relation)
		if err != nil {
			return err
		}
		inc = exists
	}
	q, err := r.c.Render(n, inc)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	ev.CompiledSQL = q
	var wait func() error
	ev.CompiledPath, wait = r.writeCompiled(n, q)
	ev.waitFile = wait
	for i, h := range n.Config.PreHook {
		if err := r.execHook(ctx, n, fmt.Sprintf("pre-hook %d", i+1), h); err != nil {
			return err
		}
	}
	res, err := r.a.Materialize(ctx, adapter.Materialization{
		Relation: ev.Relation, Kind: mat, SQL: q, FullRefresh: full,
		UniqueKey: n.Config.UniqueKey, IncrementalStrategy: n.Config.IncrementalStrategy,
		PartitionBy: n.Config.PartitionBy, ClusterBy: n.Config.ClusterBy, Extra: n.Config.Extra,
	})
	if err != nil {
		return err
	}
	ev.Rows = res.RowsAffected
	ev.Message = res.Message
	for i, h := range n.Config.PostHook {
		if err := r.execHook(ctx, n, fmt.Sprintf("post-hook %d", i+1), h); err != nil {
			return err
		}
	}
	ev.Status = StatusSuccess
	return nil
}

func (r *runner) execHook(ctx context.Context, n *project.Node, name, text string) error {
	q, err := r.c.RenderSQL(n.Name+" "+name, text, n)
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if strings.TrimSpace(q) == "" {
		return nil
	}
	if _, err := r.a.Exec(ctx, q); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (r *runner) execSeed(ctx context.Context, n *project.Node, ev *NodeEvent) error {
	path := filepath.Join(r.p.Root, n.OriginalFilePath)
	cols, rows, err := ReadSeed(path, n.Config.ColumnTypes)
	if err != nil {
		return err
	}
	res, err := r.a.LoadTable(ctx, ev.Relation, cols, rows)
	if err != nil {
		return err
	}
	ev.Rows = res.RowsAffected
	ev.Message = res.Message
	ev.Status = StatusSuccess
	return nil
}

func (r *runner) execTest(ctx context.Context, n *project.Node, ev *NodeEvent) error {
	q := n.CompiledCode
	if q == "" {
		var err error
		if q, err = r.c.Render(n, false); err != nil {
			return fmt.Errorf("render: %w", err)
		}
	}
	ev.CompiledSQL = q
	ev.CompiledPath, ev.waitFile = r.writeCompiled(n, q)
	warnIf, err := parseCondition(n.Config.WarnIf)
	if err != nil {
		return fmt.Errorf("config warn_if: %w", err)
	}
	errorIf, err := parseCondition(n.Config.ErrorIf)
	if err != nil {
		return fmt.Errorf("config error_if: %w", err)
	}
	// A trailing semicolon would end the wrapped query early.
	body := strings.TrimRight(strings.TrimSpace(q), "; \n\t")
	_, rows, err := r.a.Query(ctx, "select count(*) from (\n"+body+"\n) techstore_test")
	if err != nil {
		return err
	}
	failures, err := toInt64(rows)
	if err != nil {
		return err
	}
	ev.Failures = failures
	ev.Rows = failures
	ev.Status = testStatus(n.Config.Severity, warnIf, errorIf, failures)
	if ev.Status != StatusPass {
		ev.Message = fmt.Sprintf("got %d result%s, configured to %s if %s", failures, plural(failures), map[Status]string{StatusWarn: "warn", StatusFail: "fail"}[ev.Status],
			map[Status]string{StatusWarn: warnIf.String(), StatusFail: errorIf.String()}[ev.Status])
	}
	if (r.opt.StoreFailures || n.Config.StoreFailures) && failures > 0 {
		schema := "test_failures"
		if r.opt.TargetSchema != "" {
			schema = r.opt.TargetSchema + "_test_failures"
		}
		ev.Relation = adapter.Relation{Schema: schema, Identifier: n.Name}
		ev.RelationName = r.a.RelationName(ev.Relation)
		if _, err := r.a.Materialize(ctx, adapter.Materialization{Relation: ev.Relation, Kind: "table", SQL: body}); err != nil {
			return fmt.Errorf("store failures in %s: %w", ev.RelationName, err)
		}
	}
	return nil
}

func toInt64(rows [][]any) (int64, error) {
	if len(rows) != 1 || len(rows[0]) != 1 {
		return 0, errors.New("failure count query returned no single value")
	}
	switch v := rows[0][0].(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case int:
		return int64(v), nil
	case uint64:
		return int64(v), nil
	case float64:
		return int64(v), nil
	case string:
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return 0, fmt.Errorf("failure count %q: %w", v, err)
		}
		return n, nil
	default:
		return 0, fmt.Errorf("failure count has unexpected type %T", v)
	}
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
