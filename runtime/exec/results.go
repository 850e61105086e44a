package exec

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/techstore-analytics/techstore/runtime/atomicfile"
)

// RunResultsSchema is the dbt schema whose fields run_results.json shares.
const RunResultsSchema = "https://schemas.getdbt.com/dbt/run-results/v6.json"

// RunResults is target/run_results.json in dbt's layout.
type RunResults struct {
	Metadata    ResultsMetadata `json:"metadata"`
	Results     []NodeResult    `json:"results"`
	ElapsedTime float64         `json:"elapsed_time"`
	Args        map[string]any  `json:"args"`
}

// ResultsMetadata is the metadata block.
type ResultsMetadata struct {
	SchemaVersion string            `json:"dbt_schema_version"`
	Version       string            `json:"techstore_version"`
	GeneratedAt   string            `json:"generated_at"`
	InvocationID  string            `json:"invocation_id"`
	Env           map[string]string `json:"env"`
}

// NodeResult is one entry of results[].
type NodeResult struct {
	Status          Status          `json:"status"`
	Timing          []Timing        `json:"timing"`
	ThreadID        string          `json:"thread_id"`
	ExecutionTime   float64         `json:"execution_time"`
	AdapterResponse AdapterResponse `json:"adapter_response"`
	Message         *string         `json:"message"`
	Failures        *int64          `json:"failures"`
	UniqueID        string          `json:"unique_id"`
	Compiled        bool            `json:"compiled"`
	CompiledCode    string          `json:"compiled_code,omitempty"`
	RelationName    *string         `json:"relation_name"`
}

// Timing is a phase of a node's execution.
type Timing struct {
	Name        string `json:"name"`
	StartedAt   string `json:"started_at"`
	CompletedAt string `json:"completed_at"`
}

// AdapterResponse is what the warehouse said.
type AdapterResponse struct {
	Message      string `json:"_message,omitempty"`
	RowsAffected *int64 `json:"rows_affected,omitempty"`
}

const tsLayout = "2006-01-02T15:04:05.000000Z"

// BuildRunResults turns a finished run into dbt's layout.
func BuildRunResults(info RunInfo, sum RunSummary) RunResults {
	rr := RunResults{
		Metadata: ResultsMetadata{SchemaVersion: RunResultsSchema, Version: "techstore", GeneratedAt: sum.CompletedAt.Format(tsLayout),
			InvocationID: sum.InvocationID, Env: map[string]string{}},
		Results:     make([]NodeResult, 0, len(sum.Results)),
		ElapsedTime: sum.Elapsed.Seconds(),
		Args:        info.Args,
	}
	if rr.Args == nil {
		rr.Args = map[string]any{"which": info.Command}
	}
	for _, ev := range sum.Results {
		nr := NodeResult{Status: ev.Status, ThreadID: ev.ThreadID, UniqueID: ev.Node.UniqueID,
			ExecutionTime: ev.CompletedAt.Sub(ev.StartedAt).Seconds(), Timing: []Timing{},
			Compiled: ev.CompiledSQL != "", CompiledCode: ev.CompiledSQL}
		if ev.Status != StatusSkipped {
			st, ct := ev.StartedAt.Format(tsLayout), ev.CompletedAt.Format(tsLayout)
			nr.Timing = []Timing{{Name: "compile", StartedAt: st, CompletedAt: st}, {Name: "execute", StartedAt: st, CompletedAt: ct}}
		}
		if ev.Message != "" {
			m := ev.Message
			nr.Message = &m
		}
		if ev.Node.ResourceType == "test" && ev.Status != StatusSkipped && ev.Status != StatusError {
			f := ev.Failures
			nr.Failures = &f
		}
		if ev.Status != StatusSkipped && ev.Status != StatusError {
			nr.AdapterResponse.Message = ev.Message
			if ev.Rows >= 0 {
				n := ev.Rows
				nr.AdapterResponse.RowsAffected = &n
			}
		}
		if ev.RelationName != "" {
			r := ev.RelationName
			nr.RelationName = &r
		}
		rr.Results = append(rr.Results, nr)
	}
	return rr
}

// WriteRunResults writes run_results.json atomically (a reader, such as the
// API server watching it, never sees a half-written file).
func WriteRunResults(path string, info RunInfo, sum RunSummary) error {
	b, err := json.MarshalIndent(BuildRunResults(info, sum), "", "  ")
	if err != nil {
		return fmt.Errorf("encode run results: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write run results: %w", err)
	}
	return nil
}

// ReadRunResults reads a run_results.json written before (for retry).
func ReadRunResults(path string) (RunResults, error) {
	var rr RunResults
	b, err := os.ReadFile(path)
	if err != nil {
		return rr, fmt.Errorf("read previous run results: %w (run `techstore run` or `build` first)", err)
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		return rr, fmt.Errorf("read previous run results %s: %w", path, err)
	}
	return rr, nil
}

// RetryIDs lists the nodes of a previous run to run again: those that
// errored, failed or were skipped, in their recorded order.
func (rr RunResults) RetryIDs() []string {
	var ids []string
	for _, r := range rr.Results {
		switch r.Status {
		case StatusError, StatusFail, StatusSkipped:
			ids = append(ids, r.UniqueID)
		}
	}
	return ids
}
