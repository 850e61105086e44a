package exec

import (
	"context"
	"errors"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// Status is a node's outcome, spelled as in dbt's run_results.json.
type Status string

// Node statuses. Models and seeds end success, error or skipped; tests end
// pass, warn, fail, error or skipped. Running is only seen in NodeStart.
const (
	StatusRunning Status = "running"
	StatusSuccess Status = "success"
	StatusError   Status = "error"
	StatusSkipped Status = "skipped"
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
)

// Observer sees a run as it happens. Calls for different nodes may come
// from different goroutines at once; an implementation must be safe for
// concurrent use and should return quickly (it runs on the scheduler's
// worker). Errors are the observer's own business: it cannot fail a run.
// A skipped node gets NodeEnd (status skipped) without a NodeStart.
type Observer interface {
	RunStart(ctx context.Context, info RunInfo)
	NodeStart(ctx context.Context, ev NodeEvent)
	NodeEnd(ctx context.Context, ev NodeEvent)
	RunEnd(ctx context.Context, sum RunSummary)
}

// RunInfo describes a run before its first node starts.
type RunInfo struct {
	InvocationID string            // uuid of this invocation (also in run_results.json)
	Command      string            // run | test | build | seed | retry
	Args         map[string]any    // the invocation's flags, as written to run_results.json
	ProjectName  string            // project.yml name
	ProjectRoot  string            // absolute project folder
	Target       string            // target name (dev, prod, ...)
	AdapterType  string            // duckdb | databricks | spark
	StartedAt    time.Time         // UTC
	Nodes        []*project.Node   // the selected nodes, in execution (topological) order
	Relations    map[string]string // unique id -> rendered relation name, for the selected nodes
}

// NodeEvent is one node starting (Status running) or ending.
type NodeEvent struct {
	Index int // 1-based position in the run, as in "12 of 31"
	Total int

	Node         *project.Node
	Relation     adapter.Relation // the built relation (tests: the stored-failures table, if any)
	RelationName string           // Relation rendered by the dialect, e.g. "gold"."gold_x"
	CompiledSQL  string           // the SQL executed (tests: the failing-rows query)
	CompiledPath string           // target/run/<path>.sql, relative to the project root

	Status   Status
	Message  string // error text for error/fail/skipped, adapter message otherwise
	Rows     int64  // rows affected; -1 when unknown
	Failures int64  // tests: failing rows counted; 0 otherwise

	ThreadID    string    // "Thread-N"
	StartedAt   time.Time // UTC; execute phase start
	CompletedAt time.Time // UTC; zero in NodeStart

	waitFile func() error // runner-internal: the compiled file's write
}

// RunSummary describes a finished run.
type RunSummary struct {
	InvocationID string
	StartedAt    time.Time
	CompletedAt  time.Time
	Elapsed      time.Duration
	Results      []NodeEvent // one per selected node, in execution order
	Counts       map[Status]int
	// Err is set when the run as a whole failed (cancelled, on-run-start
	// hook error); per-node errors are in Results.
	Err error
}

// Interrupted reports whether the run's context was cancelled or timed
// out (Ctrl-C, SIGTERM), as opposed to stopped by --fail-fast.
func (s RunSummary) Interrupted() bool {
	return errors.Is(s.Err, context.Canceled) || errors.Is(s.Err, context.DeadlineExceeded)
}

// OK reports whether nothing errored or failed.
func (s RunSummary) OK() bool {
	return s.Err == nil && s.Counts[StatusError] == 0 && s.Counts[StatusFail] == 0
}
