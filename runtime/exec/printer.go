package exec

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// Printer is the run log: one line per node start and end in dbt's shape,
// and a summary. Format is "text" (default) or "json" (one JSON object per
// line, same content); Quiet keeps only errors, failures and the summary.
type Printer struct {
	W      io.Writer
	Format string
	Quiet  bool
	// Now stamps lines; time.Now when nil.
	Now func() time.Time

	mu sync.Mutex
}

// lineWidth is where dbt's dotted fill ends.
const lineWidth = 80

// RunStart implements Observer.
func (p *Printer) RunStart(ctx context.Context, info RunInfo) {
	if p.Quiet {
		return
	}
	p.emit("run_start", fmt.Sprintf("Running with techstore: %s %d node%s on target %s (%s)", info.Command, len(info.Nodes), plural(int64(len(info.Nodes))), info.Target, info.AdapterType),
		map[string]any{"invocation_id": info.InvocationID, "command": info.Command, "nodes": len(info.Nodes), "target": info.Target, "adapter_type": info.AdapterType})
}

// NodeStart implements Observer.
func (p *Printer) NodeStart(ctx context.Context, ev NodeEvent) {
	if p.Quiet {
		return
	}
	p.emit("node_start", fancy(ev.Index, ev.Total, "START "+describe(ev), "RUN"), nodeData(ev))
}

// NodeEnd implements Observer.
func (p *Printer) NodeEnd(ctx context.Context, ev NodeEvent) {
	bad := ev.Status == StatusError || ev.Status == StatusFail
	if p.Quiet && !bad {
		return
	}
	msg, box := endWords(ev)
	data := nodeData(ev)
	data["execution_time"] = ev.CompletedAt.Sub(ev.StartedAt).Seconds()
	p.emit("node_end", fancy(ev.Index, ev.Total, msg, box), data)
}

// RunEnd implements Observer.
func (p *Printer) RunEnd(ctx context.Context, sum RunSummary) {
	var lines []string
	if !p.Quiet {
		lines = append(lines, "", "Finished running "+kinds(sum.Results)+" in "+humanDuration(sum.Elapsed)+".")
	}
	var errs, warns []NodeEvent
	for _, ev := range sum.Results {
		switch ev.Status {
		case StatusError, StatusFail:
			errs = append(errs, ev)
		case StatusWarn:
			if !p.Quiet {
				warns = append(warns, ev)
			}
		}
	}
	switch {
	case len(errs) == 0 && len(warns) == 0 && sum.Err == nil:
		if !p.Quiet {
			lines = append(lines, "", "Completed successfully")
		}
	default:
		lines = append(lines, "", fmt.Sprintf("Completed with %d error%s and %d warning%s:", len(errs), plural(int64(len(errs))), len(warns), plural(int64(len(warns)))))
		for _, ev := range append(errs, warns...) {
			kind := "Failure"
			switch ev.Status {
			case StatusError:
				kind = "Error"
			case StatusWarn:
				kind = "Warning"
			}
			lines = append(lines, "", fmt.Sprintf("%s in %s %s (%s)", kind, ev.Node.ResourceType, ev.Node.Name, ev.Node.OriginalFilePath))
			// A warehouse message may span lines (DuckDB's caret under the
			// offending SQL): each line indented under its heading.
			for _, l := range strings.Split(strings.TrimRight(ev.Message, "\n"), "\n") {
				lines = append(lines, "  "+l)
			}
			if ev.CompiledPath != "" && ev.Status != StatusError {
				lines = append(lines, "  compiled code at "+ev.CompiledPath)
			}
		}
		if sum.Err != nil {
			lines = append(lines, "", "Run error: "+sum.Err.Error())
		}
	}
	c := sum.Counts
	done := fmt.Sprintf("Done. PASS=%d WARN=%d ERROR=%d SKIP=%d TOTAL=%d",
		c[StatusSuccess]+c[StatusPass], c[StatusWarn], c[StatusError]+c[StatusFail], c[StatusSkipped], len(sum.Results))
	lines = append(lines, "", done)
	if p.Quiet && len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Format == "json" {
		b, _ := json.Marshal(map[string]any{"ts": p.now().UTC().Format(time.RFC3339Nano), "event": "run_end", "msg": done,
			"data": map[string]any{"invocation_id": sum.InvocationID, "elapsed_time": sum.Elapsed.Seconds(),
				"pass": c[StatusSuccess] + c[StatusPass], "warn": c[StatusWarn], "error": c[StatusError] + c[StatusFail],
				"skip": c[StatusSkipped], "total": len(sum.Results), "detail": strings.TrimSpace(strings.Join(lines, "\n"))}})
		fmt.Fprintln(p.W, string(b))
		return
	}
	ts := p.now().Format("15:04:05") + "  "
	for _, l := range lines {
		if l == "" {
			fmt.Fprintln(p.W, ts)
			continue
		}
		fmt.Fprintln(p.W, ts+l)
	}
}

func (p *Printer) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Printer) emit(event, line string, data map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.Format == "json" {
		b, err := json.Marshal(map[string]any{"ts": now.UTC().Format(time.RFC3339Nano), "event": event, "msg": line, "data": data})
		if err == nil {
			fmt.Fprintln(p.W, string(b))
		}
		return
	}
	fmt.Fprintln(p.W, now.Format("15:04:05")+"  "+line)
}

func nodeData(ev NodeEvent) map[string]any {
	d := map[string]any{
		"index": ev.Index, "total": ev.Total, "unique_id": ev.Node.UniqueID,
		"resource_type": ev.Node.ResourceType, "status": ev.Status, "thread_id": ev.ThreadID,
	}
	if ev.Node.ResourceType == project.Model {
		d["materialized"] = ev.Node.Config.Materialized
	}
	if ev.RelationName != "" {
		d["relation_name"] = ev.RelationName
	}
	if ev.Status != StatusRunning {
		d["rows"] = ev.Rows
		if ev.Node.ResourceType == project.Test {
			d["failures"] = ev.Failures
		}
		if ev.Message != "" {
			d["message"] = ev.Message
		}
	}
	return d
}

// fancy lays a line out as dbt does: "N of M msg ....... [box]".
func fancy(i, total int, msg, box string) string {
	s := fmt.Sprintf("%d of %d %s ", i, total, msg)
	if len(s) < lineWidth {
		s += strings.Repeat(".", lineWidth-len(s))
	}
	return s + " [" + box + "]"
}

func shortRelation(ev NodeEvent) string {
	if ev.Relation.Schema == "" {
		return ev.Relation.Identifier
	}
	return ev.Relation.Schema + "." + ev.Relation.Identifier
}

func describe(ev NodeEvent) string {
	n := ev.Node
	switch n.ResourceType {
	case project.Model:
		return "sql " + materialized(n) + " model " + shortRelation(ev)
	case project.Seed:
		return "seed file " + shortRelation(ev)
	case project.Test:
		return "test " + n.Name
	}
	return string(n.ResourceType) + " " + n.Name
}

func materialized(n *project.Node) string {
	if n.Config.Materialized == "" {
		return project.MatView
	}
	return n.Config.Materialized
}

func endWords(ev NodeEvent) (msg, box string) {
	secs := ev.CompletedAt.Sub(ev.StartedAt).Seconds()
	in := fmt.Sprintf("in %.2fs", secs)
	n := ev.Node
	switch ev.Status {
	case StatusSkipped:
		if n.ResourceType == project.Test {
			return "SKIP test " + n.Name, "SKIP"
		}
		return "SKIP relation " + shortRelation(ev), "SKIP"
	case StatusPass:
		return "PASS " + n.Name, "PASS " + in
	case StatusWarn:
		f := commas(ev.Failures)
		return "WARN " + f + " " + n.Name, "WARN " + f + " " + in
	case StatusFail:
		f := commas(ev.Failures)
		return "FAIL " + f + " " + n.Name, "FAIL " + f + " " + in
	case StatusError:
		switch n.ResourceType {
		case project.Model:
			return "ERROR creating sql " + materialized(n) + " model " + shortRelation(ev), "ERROR " + in
		case project.Seed:
			return "ERROR loading seed file " + shortRelation(ev), "ERROR " + in
		}
		return "ERROR " + n.Name, "ERROR " + in
	}
	rows := ""
	if ev.Rows >= 0 {
		rows = commas(ev.Rows) + " rows "
	}
	if n.ResourceType == project.Seed {
		return "OK loaded seed file " + shortRelation(ev), "OK " + rows + in
	}
	return "OK created " + describe(ev), "OK " + rows + in
}

// commas prints 1204 as 1,204.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// kinds sums up what ran: "3 table models, 1 seed, 5 data tests".
func kinds(results []NodeEvent) string {
	counts := map[string]int{}
	for _, ev := range results {
		switch ev.Node.ResourceType {
		case project.Model:
			counts[materialized(ev.Node)+" model"]++
		case project.Test:
			counts["data test"]++
		default:
			counts[string(ev.Node.ResourceType)]++
		}
	}
	if len(counts) == 0 {
		return "0 nodes"
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s%s", counts[k], k, plural(int64(counts[k])))
	}
	return strings.Join(parts, ", ")
}

func humanDuration(d time.Duration) string {
	s := d.Seconds()
	h := int(s) / 3600
	m := int(s) % 3600 / 60
	rest := s - float64(h*3600+m*60)
	return fmt.Sprintf("%d hours %d minutes and %.2f seconds (%.2fs)", h, m, rest, s)
}
