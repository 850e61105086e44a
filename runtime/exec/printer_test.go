package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

func TestPrinterLines(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	gold := &project.Node{UniqueID: "model.t.gold_x", Name: "gold_x", ResourceType: project.Model, Config: project.Config{Materialized: "table"}}
	tst := &project.Node{UniqueID: "test.t.unique_gold_x_id", Name: "unique_gold_x_id", ResourceType: project.Test}
	seed := &project.Node{UniqueID: "seed.t.countries", Name: "countries", ResourceType: project.Seed}
	rel := adapter.Relation{Schema: "gold", Identifier: "gold_x"}
	end := func(n *project.Node, st Status, rows, fails int64) NodeEvent {
		return NodeEvent{Index: 12, Total: 31, Node: n, Relation: rel, Status: st, Rows: rows, Failures: fails,
			StartedAt: t0, CompletedAt: t0.Add(310 * time.Millisecond)}
	}
	// line is dbt's layout: the message, a space and dots up to column
	// 80, then the status box.
	line := func(msg, box string) string {
		body := msg + " "
		return "06:00:00  " + body + strings.Repeat(".", 80-len(body)) + " [" + box + "]"
	}
	tests := []struct {
		name  string
		start bool
		ev    NodeEvent
		want  string
	}{
		{"model start", true, end(gold, StatusRunning, -1, 0),
			line("12 of 31 START sql table model gold.gold_x", "RUN")},
		{"model ok", false, end(gold, StatusSuccess, 1204, 0),
			line("12 of 31 OK created sql table model gold.gold_x", "OK 1,204 rows in 0.31s")},
		{"model error", false, end(gold, StatusError, -1, 0),
			line("12 of 31 ERROR creating sql table model gold.gold_x", "ERROR in 0.31s")},
		{"skip", false, end(gold, StatusSkipped, -1, 0),
			line("12 of 31 SKIP relation gold.gold_x", "SKIP")},
		{"test pass", false, end(tst, StatusPass, 0, 0),
			line("12 of 31 PASS unique_gold_x_id", "PASS in 0.31s")},
		{"test warn", false, end(tst, StatusWarn, 3, 3),
			line("12 of 31 WARN 3 unique_gold_x_id", "WARN 3 in 0.31s")},
		{"test fail", false, end(tst, StatusFail, 1500, 1500),
			line("12 of 31 FAIL 1,500 unique_gold_x_id", "FAIL 1,500 in 0.31s")},
		{"seed ok", false, end(seed, StatusSuccess, 3, 0),
			line("12 of 31 OK loaded seed file gold.gold_x", "OK 3 rows in 0.31s")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p := &Printer{W: &b, Now: func() time.Time { return t0 }}
			if tc.start {
				p.NodeStart(context.Background(), tc.ev)
			} else {
				p.NodeEnd(context.Background(), tc.ev)
			}
			if got := strings.TrimRight(b.String(), "\n"); got != tc.want {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestPrinterSummaryQuietAndJSON(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	m := &project.Node{UniqueID: "model.t.m", Name: "m", ResourceType: project.Model, OriginalFilePath: "models/m.sql", Config: project.Config{Materialized: "view"}}
	sum := RunSummary{Elapsed: 1500 * time.Millisecond, Counts: map[Status]int{StatusSuccess: 2, StatusError: 1, StatusSkipped: 1, StatusFail: 1, StatusWarn: 1},
		Results: []NodeEvent{{Node: m, Status: StatusError, Message: "model m (compiled SQL: target/run/models/m.sql): boom"}}}
	var b bytes.Buffer
	p := &Printer{W: &b, Quiet: true, Now: func() time.Time { return t0 }}
	p.NodeEnd(context.Background(), NodeEvent{Node: m, Status: StatusSuccess}) // quiet: not printed
	p.RunEnd(context.Background(), sum)
	out := b.String()
	for _, want := range []string{"Completed with 1 error and 0 warnings:", "Error in model m (models/m.sql)", "boom",
		"Done. PASS=2 WARN=1 ERROR=2 SKIP=1 TOTAL=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("quiet summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "OK created") {
		t.Errorf("quiet printed a success line:\n%s", out)
	}
	b.Reset()
	p = &Printer{W: &b, Format: "json", Now: func() time.Time { return t0 }}
	p.NodeStart(context.Background(), NodeEvent{Index: 1, Total: 2, Node: m, Relation: adapter.Relation{Schema: "s", Identifier: "m"}, Status: StatusRunning})
	var line struct {
		Event string         `json:"event"`
		Msg   string         `json:"msg"`
		Data  map[string]any `json:"data"`
	}
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatalf("json line %q: %v", b.String(), err)
	}
	if line.Event != "node_start" || !strings.HasPrefix(line.Msg, "1 of 2 START sql view model s.m ") || line.Data["unique_id"] != "model.t.m" {
		t.Errorf("json line %+v", line)
	}
}

func TestParseCondition(t *testing.T) {
	tests := []struct {
		in      string
		n       int64
		holds   bool
		wantErr bool
	}{
		{"", 0, false, false}, {"", 1, true, false}, {"!= 0", 2, true, false}, {"> 10", 10, false, false},
		{">10", 11, true, false}, {">= 10", 10, true, false}, {"< 5", 4, true, false}, {"<= 5", 6, false, false},
		{"= 3", 3, true, false}, {"== 3", 4, false, false}, {"<> 1", 1, false, false},
		{"about 3", 0, false, true}, {"> x", 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.in+"/"+itoa64(tc.n), func(t *testing.T) {
			c, err := parseCondition(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if err == nil && c.holds(tc.n) != tc.holds {
				t.Errorf("%q holds(%d) = %v", tc.in, tc.n, !tc.holds)
			}
		})
	}
}

func itoa64(n int64) string { return commas(n) }

// TestPrinterMultiLineMessage: every line of a warehouse message carries
// the timestamp and is indented under its heading.
func TestPrinterMultiLineMessage(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	m := &project.Node{UniqueID: "model.t.bad", Name: "bad", ResourceType: project.Model, OriginalFilePath: "models/bad.sql"}
	msg := "model bad (compiled SQL: target/run/models/bad.sql): Binder Error: column \"nope\" not found\n\nLINE 1: select nope\n               ^\n"
	sum := RunSummary{Counts: map[Status]int{StatusError: 1}, Results: []NodeEvent{{Node: m, Status: StatusError, Message: msg}}}
	var b bytes.Buffer
	p := &Printer{W: &b, Quiet: true, Now: func() time.Time { return t0 }}
	p.RunEnd(context.Background(), sum)
	want := `06:00:00  Completed with 1 error and 0 warnings:
06:00:00  
06:00:00  Error in model bad (models/bad.sql)
06:00:00    model bad (compiled SQL: target/run/models/bad.sql): Binder Error: column "nope" not found
06:00:00    
06:00:00    LINE 1: select nope
06:00:00                   ^
06:00:00  
06:00:00  Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
