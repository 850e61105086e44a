package exec

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/project"
)

func TestSchedulerStartsIndependentBranches(t *testing.T) {
	p := proj(t,
		model("slow", "table", slowSQL),
		model("after_slow", "table", `select n from {{ this }}_x`, "slow"),
		model("fast", "table", `select 1 as i`),
		model("after_fast", "view", `select i from s.fast`, "fast"),
	)
	p.Nodes["model.t.after_slow"].RawCode = `select n from s.slow`
	a := tempDB(t)
	_, by := runAll(t, context.Background(), a, p, Options{Threads: 2, Command: "run"})
	for id, ev := range by {
		if ev.Status != StatusSuccess {
			t.Fatalf("%s: %s %s", id, ev.Status, ev.Message)
		}
	}
	slow, afterFast, afterSlow := by["model.t.slow"], by["model.t.after_fast"], by["model.t.after_slow"]
	if !afterFast.CompletedAt.Before(slow.CompletedAt) {
		t.Errorf("after_fast finished at %v, not before slow finished at %v: the slow branch held it back", afterFast.CompletedAt, slow.CompletedAt)
	}
	if afterSlow.StartedAt.Before(slow.CompletedAt) {
		t.Errorf("after_slow started at %v before its parent finished at %v", afterSlow.StartedAt, slow.CompletedAt)
	}
}

func TestFailureSkipsDescendantsOnly(t *testing.T) {
	p := proj(t,
		model("bad", "table", `select nope from range(3)`),
		model("child", "table", `select * from s.bad`, "bad"),
		model("grandchild", "view", `select * from s.child`, "child"),
		model("other", "table", `select 42 as answer`),
	)
	a := tempDB(t)
	sum, by := runAll(t, context.Background(), a, p, Options{Threads: 1, Command: "run"})
	want := map[string]Status{"model.t.bad": StatusError, "model.t.child": StatusSkipped,
		"model.t.grandchild": StatusSkipped, "model.t.other": StatusSuccess}
	for id, st := range want {
		if by[id].Status != st {
			t.Errorf("%s: status %s, want %s (%s)", id, by[id].Status, st, by[id].Message)
		}
	}
	msg := by["model.t.bad"].Message
	for _, part := range []string{"model bad", filepath.Join("target", "run", "models", "bad.sql"), "nope"} {
		if !strings.Contains(msg, part) {
			t.Errorf("error message %q does not name %q", msg, part)
		}
	}
	if b, err := os.ReadFile(filepath.Join(p.Root, "target", "run", "models", "bad.sql")); err != nil || string(b) != `select nope from range(3)` {
		t.Errorf("compiled file: %q, %v", b, err)
	}
	if got := scalar(t, a, `select answer from s.other`); got != "42" {
		t.Errorf("other branch: %s", got)
	}
	if sum.OK() {
		t.Error("summary OK despite an error")
	}
	if sum.Counts[StatusError] != 1 || sum.Counts[StatusSkipped] != 2 || sum.Counts[StatusSuccess] != 1 {
		t.Errorf("counts %v", sum.Counts)
	}
}

func TestFailFastCancelsTheRest(t *testing.T) {
	p := proj(t,
		model("a_bad", "table", `select nope`),
		model("b_slow", "table", slowSQL+` and (select count(*) from range(30000000)) > 0`),
		model("c_later", "table", `select 1 as i`),
		model("d_later", "table", `select 1 as i`),
	)
	a := tempDB(t)
	start := time.Now()
	sum, by := runAll(t, context.Background(), a, p, Options{Threads: 2, FailFast: true, Command: "run"})
	if sum.Interrupted() {
		t.Errorf("a --fail-fast stop counts as an interruption: %v", sum.Err)
	}
	if by["model.t.a_bad"].Status != StatusError {
		t.Errorf("a_bad: %s", by["model.t.a_bad"].Status)
	}
	for _, id := range []string{"model.t.c_later", "model.t.d_later"} {
		if by[id].Status != StatusSkipped || !strings.Contains(by[id].Message, "--fail-fast") {
			t.Errorf("%s: %s %q, want skipped by --fail-fast", id, by[id].Status, by[id].Message)
		}
	}
	if st := by["model.t.b_slow"]; st.Status != StatusError || !strings.Contains(st.Message, "cancelled") {
		t.Errorf("b_slow: %s %q, want cancelled", st.Status, st.Message)
	}
	t.Logf("fail-fast run took %v", time.Since(start))
}

func TestCancelWritesRunResults(t *testing.T) {
	p := proj(t,
		model("slow", "table", slowSQL+` and (select count(*) from range(30000000)) > 0`),
		model("child", "table", `select * from s.slow`, "slow"),
	)
	a := tempDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	sum, err := Run(ctx, a, sqlCompiler{p}, p, ids(p), Options{Threads: 2, Command: "run"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Err == nil || !sum.Interrupted() {
		t.Errorf("summary error %v after cancellation, want an interruption", sum.Err)
	}
	rr, err := ReadRunResults(filepath.Join(p.Root, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Status{}
	for _, r := range rr.Results {
		got[r.UniqueID] = r.Status
	}
	want := map[string]Status{"model.t.slow": StatusError, "model.t.child": StatusSkipped}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %s, want %s", id, got[id], st)
		}
	}
}

func TestBuildTestsGateDownstream(t *testing.T) {
	p := proj(t,
		model("m", "table", `select * from (values (1), (1), (null)) v(id)`),
		model("child_of_m", "view", `select * from s.m`, "m"),
		model("n", "table", `select 1 as id`),
		model("child_of_n", "view", `select * from s.n`, "n"),
		dataTest("unique_m_id", "m", `select id from s.m group by id having count(*) > 1`, project.Config{}),
		dataTest("not_null_n_id_warn", "n", `select 1 from s.n`, project.Config{Severity: "warn"}),
	)
	a := tempDB(t)
	_, by := runAll(t, context.Background(), a, p, Options{Threads: 2})
	want := map[string]Status{
		"model.t.m": StatusSuccess, "test.t.unique_m_id": StatusFail, "model.t.child_of_m": StatusSkipped,
		"model.t.n": StatusSuccess, "test.t.not_null_n_id_warn": StatusWarn, "model.t.child_of_n": StatusSuccess,
	}
	for id, st := range want {
		if by[id].Status != st {
			t.Errorf("%s: %s, want %s (%s)", id, by[id].Status, st, by[id].Message)
		}
	}
	if f := by["test.t.unique_m_id"].Failures; f != 1 {
		t.Errorf("unique_m_id failures %d, want 1 (id 1 twice)", f)
	}
	if by["test.t.unique_m_id"].StartedAt.Before(by["model.t.m"].CompletedAt) {
		t.Error("test started before its model finished")
	}
}

func TestDataTestThresholds(t *testing.T) {
	// Each test query returns `rows` failing rows.
	tests := []struct {
		name string
		rows int
		cfg  project.Config
		want Status
	}{
		{"no rows pass", 0, project.Config{}, StatusPass},
		{"rows fail by default", 3, project.Config{}, StatusFail},
		{"severity warn", 3, project.Config{Severity: "warn"}, StatusWarn},
		{"error_if above threshold not reached warns", 3, project.Config{ErrorIf: "> 10"}, StatusWarn},
		{"error_if above threshold reached fails", 11, project.Config{ErrorIf: "> 10"}, StatusFail},
		{"warn_if and error_if both quiet", 3, project.Config{WarnIf: "> 5", ErrorIf: "> 10"}, StatusPass},
		{"warn_if reached", 6, project.Config{WarnIf: ">= 6", ErrorIf: "> 10"}, StatusWarn},
		{"error_if equals", 2, project.Config{ErrorIf: "= 2"}, StatusFail},
		{"severity warn ignores error_if", 50, project.Config{Severity: "WARN", ErrorIf: "> 10"}, StatusWarn},
		{"bad threshold errors", 1, project.Config{ErrorIf: "more than 3"}, StatusError},
		{"trailing semicolon and comment", 2, project.Config{}, StatusFail},
	}
	var nodes []*project.Node
	nodes = append(nodes, model("m", "table", `select 1 as id`))
	for i, tc := range tests {
		name := "t" + string(rune('a'+i))
		q := "select * from range(" + strconv.Itoa(tc.rows) + ")"
		if strings.HasPrefix(tc.name, "trailing") {
			q = "-- failing rows\n" + q + ";\n"
		}
		nodes = append(nodes, dataTest(name, "m", q, tc.cfg))
	}
	p := proj(t, nodes...)
	a := tempDB(t)
	_, by := runAll(t, context.Background(), a, p, Options{Threads: 2})
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := by["test.t.t"+string(rune('a'+i))]
			if ev.Status != tc.want {
				t.Errorf("status %s, want %s (%s)", ev.Status, tc.want, ev.Message)
			}
			if tc.want != StatusError && ev.Failures != int64(tc.rows) {
				t.Errorf("failures %d, want %d", ev.Failures, tc.rows)
			}
		})
	}
}

func TestStoreFailures(t *testing.T) {
	p := proj(t,
		model("m", "table", `select * from (values (1, 'a'), (2, null), (3, null)) v(id, name)`),
		dataTest("not_null_m_name", "m", `select * from s.m where name is null`, project.Config{StoreFailures: true}),
	)
	a := tempDB(t)
	_, by := runAll(t, context.Background(), a, p, Options{TargetSchema: "main"})
	ev := by["test.t.not_null_m_name"]
	if ev.Status != StatusFail || ev.RelationName != `"main_test_failures"."not_null_m_name"` {
		t.Fatalf("%s %s %s", ev.Status, ev.RelationName, ev.Message)
	}
	if got := scalar(t, a, `select id from main_test_failures.not_null_m_name order by id`); got != "2,3" {
		t.Errorf("stored failures %s, want 2,3", got)
	}
}

func TestIncrementalAcrossRuns(t *testing.T) {
	sql := `select * from s.src {{ if is_incremental }}where id > (select max(id) from {{ this }}){{ end }}`
	inc := model("inc", "incremental", sql, "src")
	inc.Config.UniqueKey = []string{"id"}
	inc.Config.IncrementalStrategy = "merge"
	p := proj(t, model("src", "table", `select * from range(1, 4) r(id)`), inc)
	a := tempDB(t)
	runAll(t, context.Background(), a, p, Options{Command: "run"})
	if got := scalar(t, a, `select count(*), sum(id) from s.inc`); got != "3,6" {
		t.Fatalf("first run: %s, want 3 rows summing 6", got)
	}
	// The source grows to 1..5 and the first row changes; the incremental
	// filter only picks ids 4 and 5.
	p.Nodes["model.t.src"].RawCode = `select * from range(1, 6) r(id)`
	_, by := runAll(t, context.Background(), a, p, Options{Command: "run"})
	if !strings.Contains(by["model.t.inc"].CompiledSQL, "where id >") {
		t.Errorf("second run did not render is_incremental: %s", by["model.t.inc"].CompiledSQL)
	}
	if got := scalar(t, a, `select count(*), sum(id) from s.inc`); got != "5,15" {
		t.Errorf("second run: %s, want 5 rows summing 15", got)
	}
	// Full refresh rebuilds from a smaller source.
	p.Nodes["model.t.src"].RawCode = `select * from range(10, 12) r(id)`
	runAll(t, context.Background(), a, p, Options{Command: "run", FullRefresh: true})
	if got := scalar(t, a, `select count(*), sum(id) from s.inc`); got != "2,21" {
		t.Errorf("full refresh: %s, want 2 rows summing 21", got)
	}
}

func TestHooks(t *testing.T) {
	m := model("m", "table", `select 1 as id`)
	m.Config.PreHook = []string{`insert into s.audit values ('pre')`}
	m.Config.PostHook = []string{`insert into s.audit select 'post ' || count(*) from {{ this }}`}
	p := proj(t, m)
	p.OnRunStart = []string{`create schema if not exists s`, `create table if not exists s.audit (e varchar)`}
	p.OnRunEnd = []string{`insert into s.audit values ('end')`}
	a := tempDB(t)
	sum, _ := runAll(t, context.Background(), a, p, Options{Command: "run"})
	if !sum.OK() {
		t.Fatalf("run failed: %+v", sum.Results)
	}
	if got := scalar(t, a, `select string_agg(e, ';' order by rowid) from s.audit`); got != "pre;post 1;end" {
		t.Errorf("audit %q", got)
	}
}

func TestRunResultsLayout(t *testing.T) {
	p := proj(t,
		model("m", "table", `select * from range(5)`),
		model("bad", "view", `select nope`),
		dataTest("t_m", "m", `select 1 where false`, project.Config{}),
	)
	a := tempDB(t)
	args := map[string]any{"which": "build", "threads": 1}
	runAll(t, context.Background(), a, p, Options{Threads: 1, Args: args})
	b, err := os.ReadFile(filepath.Join(p.Root, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata struct {
			Schema       string `json:"dbt_schema_version"`
			InvocationID string `json:"invocation_id"`
			GeneratedAt  string `json:"generated_at"`
		} `json:"metadata"`
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
			Timing   []struct {
				Name        string `json:"name"`
				StartedAt   string `json:"started_at"`
				CompletedAt string `json:"completed_at"`
			} `json:"timing"`
			ThreadID        string   `json:"thread_id"`
			ExecutionTime   *float64 `json:"execution_time"`
			AdapterResponse struct {
				RowsAffected *int64 `json:"rows_affected"`
			} `json:"adapter_response"`
			Message      *string `json:"message"`
			Failures     *int64  `json:"failures"`
			RelationName *string `json:"relation_name"`
		} `json:"results"`
		Elapsed *float64       `json:"elapsed_time"`
		Args    map[string]any `json:"args"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Metadata.Schema != RunResultsSchema || len(doc.Metadata.InvocationID) != 36 || doc.Metadata.GeneratedAt == "" {
		t.Errorf("metadata %+v", doc.Metadata)
	}
	if doc.Elapsed == nil || doc.Args["which"] != "build" {
		t.Errorf("elapsed %v args %v", doc.Elapsed, doc.Args)
	}
	by := map[string]int{}
	for i, r := range doc.Results {
		by[r.UniqueID] = i
	}
	m := doc.Results[by["model.t.m"]]
	if m.Status != "success" || m.AdapterResponse.RowsAffected == nil || *m.AdapterResponse.RowsAffected != 5 ||
		len(m.Timing) != 2 || m.Timing[1].Name != "execute" || m.Timing[1].StartedAt == "" || m.ThreadID != "Thread-1" ||
		m.ExecutionTime == nil || m.RelationName == nil || *m.RelationName != `"s"."m"` {
		t.Errorf("model result %+v", m)
	}
	bad := doc.Results[by["model.t.bad"]]
	if bad.Status != "error" || bad.Message == nil || !strings.Contains(*bad.Message, "nope") {
		t.Errorf("error result %+v", bad)
	}
	tr := doc.Results[by["test.t.t_m"]]
	if tr.Status != "pass" || tr.Failures == nil || *tr.Failures != 0 {
		t.Errorf("test result %+v", tr)
	}
	rr, err := ReadRunResults(filepath.Join(p.Root, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rr.RetryIDs(); len(got) != 1 || got[0] != "model.t.bad" {
		t.Errorf("retry ids %v, want [model.t.bad]", got)
	}
}

func TestHookFailures(t *testing.T) {
	tests := []struct {
		name       string
		onRunStart []string
		preHook    []string
		postHook   []string
		want       Status
		wantMsg    string
		wantRunErr string
	}{
		{name: "on-run-start fails: everything skipped", onRunStart: []string{`select nope`},
			want: StatusSkipped, wantMsg: "on-run-start hook 1", wantRunErr: "on-run-start hook 1"},
		{name: "pre-hook fails: model errors", preHook: []string{`insert into nowhere values (1)`},
			want: StatusError, wantMsg: "pre-hook 1"},
		{name: "post-hook fails: model errors", postHook: []string{`insert into {{ this }} values (1, 2, 3)`},
			want: StatusError, wantMsg: "post-hook 1"},
		{name: "bad hook template", preHook: []string{`{{ nope }}`},
			want: StatusError, wantMsg: "render pre-hook 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := model("m", "table", `select 1 as id`)
			m.Config.PreHook, m.Config.PostHook = tc.preHook, tc.postHook
			p := proj(t, m)
			p.OnRunStart = tc.onRunStart
			a := tempDB(t)
			sum, by := runAll(t, context.Background(), a, p, Options{Command: "run"})
			ev := by["model.t.m"]
			if ev.Status != tc.want || !strings.Contains(ev.Message, tc.wantMsg) {
				t.Errorf("model: %s %q, want %s with %q", ev.Status, ev.Message, tc.want, tc.wantMsg)
			}
			if tc.wantRunErr != "" && (sum.Err == nil || !strings.Contains(sum.Err.Error(), tc.wantRunErr)) {
				t.Errorf("run error %v, want %q", sum.Err, tc.wantRunErr)
			}
			if sum.OK() {
				t.Error("run reported OK")
			}
		})
	}
}
