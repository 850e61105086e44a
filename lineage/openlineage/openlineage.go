package openlineage

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// Schema URLs of the spec version and facets the events follow.
const (
	eventSchema        = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
	schemaFacetURL     = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
	sqlFacetURL        = "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet"
	jobTypeFacetURL    = "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"
	parentFacetURL     = "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet"
	errorFacetURL      = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet"
	columnLineageURL   = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet"
	outputStatsURL     = "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet"
	assertionsURL      = "https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet"
	documentationURL   = "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet"
	defaultProducerURL = "https://github.com/techstore-analytics/techstore"
)

// Sink receives each event, JSON-encoded. Implementations must be safe
// for concurrent use.
type Sink interface {
	Send(ctx context.Context, event []byte) error
}

// FileSink appends events as NDJSON (one JSON object a line) to a file.
type FileSink struct {
	mu sync.Mutex
	f  *os.File
}

// NewFileSink creates (or truncates) path.
func NewFileSink(path string) (*FileSink, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("openlineage file: %w", err)
	}
	return &FileSink{f: f}, nil
}

// Send writes one line.
func (s *FileSink) Send(_ context.Context, event []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Write(append(append([]byte(nil), event...), '\n')); err != nil {
		return fmt.Errorf("openlineage file: %w", err)
	}
	return nil
}

// Close closes the file.
func (s *FileSink) Close() error { return s.f.Close() }

// HTTPSink POSTs each event to a Marquez-compatible lineage endpoint. Sends
// are queued and posted in order by one goroutine, so a slow endpoint does
// not slow the run; Flush waits for the queue and reports failed posts.
type HTTPSink struct {
	url    string
	client *http.Client

	state   sync.RWMutex // Send holds it shared while it queues; Flush exclusively
	started bool
	closed  bool
	queue   chan []byte
	done    chan struct{}

	mu   sync.Mutex
	errs []error
}

// NewHTTPSink posts to endpoint; a URL without a path gets Marquez's
// /api/v1/lineage.
func NewHTTPSink(endpoint string) (*HTTPSink, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openlineage url %q: want http(s)://host[:port][/api/v1/lineage]", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/api/v1/lineage"
	}
	return &HTTPSink{url: u.String(), client: &http.Client{Timeout: 10 * time.Second},
		queue: make(chan []byte, 4096), done: make(chan struct{})}, nil
}

// Send queues one event (it blocks only when 4,096 events wait).
func (s *HTTPSink) Send(ctx context.Context, event []byte) error {
	s.state.RLock()
	defer s.state.RUnlock()
	if s.closed {
		return fmt.Errorf("openlineage post %s: event after the run ended", s.url)
	}
	s.start(ctx)
	s.queue <- event
	return nil
}

func (s *HTTPSink) start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		go s.loop(context.WithoutCancel(ctx))
	}
}

func (s *HTTPSink) loop(ctx context.Context) {
	defer close(s.done)
	for ev := range s.queue {
		if err := s.Post(ctx, ev); err != nil {
			s.mu.Lock()
			s.errs = append(s.errs, err)
			s.mu.Unlock()
		}
	}
}

// Flush waits until every queued event is posted and returns the failed
// posts. The sink takes no events after Flush; a second Flush only
// reports again.
func (s *HTTPSink) Flush() error {
	s.state.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.state.Unlock()
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if started {
		<-s.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

// Post sends one event now; a non-2xx answer is an error.
func (s *HTTPSink) Post(ctx context.Context, event []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(event))
	if err != nil {
		return fmt.Errorf("openlineage post: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("openlineage post %s: %w", s.url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("openlineage post %s: %s: %s", s.url, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// Options configure an Emitter.
type Options struct {
	// Namespace of the jobs (default "techstore").
	Namespace string
	// DatasetNamespace names the warehouse, e.g. "duckdb://warehouse/techstore.duckdb"
	// or "databricks://host"; default "<adapter type>://<target>".
	DatasetNamespace string
	// Producer URI (default the project's repository).
	Producer string
	// Project gives the datasets of upstream nodes that are not selected,
	// their columns, and the compiled SQL for column lineage.
	Project *project.Project
	// Lineage is the column lineage by model id; nil computes it from
	// Project when the run starts.
	Lineage map[string]*column.Model
	Sinks   []Sink
	// OnError sees every failed send (the run goes on).
	OnError func(error)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Emitter is an exec.Observer that emits OpenLineage run events: a parent
// run for the invocation, and a START then COMPLETE, FAIL or ABORT
// (skipped) per node, with input and output datasets and the schema, sql,
// jobType, parent, errorMessage and columnLineage facets (and documentation,
// outputStatistics and, for tests, dataQualityAssertions).
type Emitter struct {
	opt Options

	mu        sync.Mutex
	parentRun string
	parentJob string
	datasetNS string
	runIDs    map[string]string
	relations map[string]string
	errs      []error
}

var _ exec.Observer = (*Emitter)(nil)

// New returns an emitter.
func New(opt Options) *Emitter {
	if opt.Namespace == "" {
		opt.Namespace = "techstore"
	}
	if opt.Producer == "" {
		opt.Producer = defaultProducerURL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Emitter{opt: opt, runIDs: map[string]string{}, relations: map[string]string{}}
}

// Err joins the errors of every failed send.
func (e *Emitter) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.errs...)
}

type facet = map[string]any

func (e *Emitter) base(schemaURL string) facet {
	return facet{"_producer": e.opt.Producer, "_schemaURL": schemaURL}
}

func with(f facet, kv ...any) facet {
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i].(string)] = kv[i+1]
	}
	return f
}

// RunStart emits the parent run's START.
func (e *Emitter) RunStart(ctx context.Context, info exec.RunInfo) {
	e.mu.Lock()
	e.parentRun = info.InvocationID
	if !isUUID(e.parentRun) {
		e.parentRun = newUUID()
	}
	e.parentJob = info.ProjectName + "." + info.Command
	e.datasetNS = e.opt.DatasetNamespace
	if e.datasetNS == "" {
		e.datasetNS = info.AdapterType + "://" + info.Target
	}
	for id, r := range info.Relations {
		e.relations[id] = unquote(r)
	}
	e.mu.Unlock()
	if e.opt.Lineage == nil && e.opt.Project != nil {
		lin, err := column.ForProject(ctx, e.opt.Project)
		if err != nil {
			e.fail(fmt.Errorf("openlineage column lineage: %w", err))
		}
		e.mu.Lock()
		e.opt.Lineage = lin
		e.mu.Unlock()
	}
	e.send(ctx, e.event("START", info.StartedAt, e.parentRun, e.parentJob, facet{},
		facet{"jobType": with(e.base(jobTypeFacetURL), "processingType", "BATCH", "integration", "TECHSTORE", "jobType", "JOB")}, nil, nil))
}

// NodeStart emits a node's START.
func (e *Emitter) NodeStart(ctx context.Context, ev exec.NodeEvent) {
	e.mu.Lock()
	id := newUUID()
	e.runIDs[ev.Node.UniqueID] = id
	if ev.RelationName != "" {
		e.relations[ev.Node.UniqueID] = unquote(ev.RelationName)
	}
	e.mu.Unlock()
	e.nodeEvent(ctx, "START", ev.StartedAt, id, ev)
}

// NodeEnd emits a node's COMPLETE, FAIL (error, failed test) or ABORT
// (skipped).
func (e *Emitter) NodeEnd(ctx context.Context, ev exec.NodeEvent) {
	e.mu.Lock()
	id, started := e.runIDs[ev.Node.UniqueID]
	if !started {
		id = newUUID()
		e.runIDs[ev.Node.UniqueID] = id
	}
	e.mu.Unlock()
	if !started {
		// A node that never started (skipped) still gets its START.
		e.nodeEvent(ctx, "START", ev.CompletedAt, id, ev)
	}
	typ := "COMPLETE"
	switch ev.Status {
	case exec.StatusError, exec.StatusFail:
		typ = "FAIL"
	case exec.StatusSkipped:
		typ = "ABORT"
	}
	e.nodeEvent(ctx, typ, ev.CompletedAt, id, ev)
}

// RunEnd emits the parent run's COMPLETE or FAIL.
func (e *Emitter) RunEnd(ctx context.Context, sum exec.RunSummary) {
	typ := "COMPLETE"
	runFacets := facet{}
	if !sum.OK() {
		typ = "FAIL"
		msg := fmt.Sprintf("%d errors, %d failed tests", sum.Counts[exec.StatusError], sum.Counts[exec.StatusFail])
		if sum.Err != nil {
			msg = sum.Err.Error()
		}
		runFacets["errorMessage"] = with(e.base(errorFacetURL), "message", msg, "programmingLanguage", "GO")
	}
	e.mu.Lock()
	run, job := e.parentRun, e.parentJob
	e.mu.Unlock()
	e.send(ctx, e.event(typ, sum.CompletedAt, run, job, runFacets,
		facet{"jobType": with(e.base(jobTypeFacetURL), "processingType", "BATCH", "integration", "TECHSTORE", "jobType", "JOB")}, nil, nil))
	// The run is over: wait for queued sends.
	for _, s := range e.opt.Sinks {
		if f, ok := s.(interface{ Flush() error }); ok {
			if err := f.Flush(); err != nil {
				e.fail(err)
			}
		}
	}
}

func (e *Emitter) nodeEvent(ctx context.Context, typ string, at time.Time, runID string, ev exec.NodeEvent) {
	n := ev.Node
	e.mu.Lock()
	parentRun, parentJob, ns := e.parentRun, e.parentJob, e.datasetNS
	lin := e.opt.Lineage[n.UniqueID]
	e.mu.Unlock()
	runFacets := facet{"parent": with(e.base(parentFacetURL),
		"run", facet{"runId": parentRun},
		"job", facet{"namespace": e.opt.Namespace, "name": parentJob})}
	if (typ == "FAIL" || typ == "ABORT") && ev.Message != "" {
		runFacets["errorMessage"] = with(e.base(errorFacetURL), "message", ev.Message, "programmingLanguage", "GO")
	}
	jobType := strings.ToUpper(string(n.ResourceType))
	jobFacets := facet{"jobType": with(e.base(jobTypeFacetURL), "processingType", "BATCH", "integration", "TECHSTORE", "jobType", jobType)}
	if sql := strings.TrimSpace(ev.CompiledSQL); sql != "" {
		jobFacets["sql"] = with(e.base(sqlFacetURL), "query", ev.CompiledSQL)
	} else if strings.TrimSpace(n.CompiledCode) != "" {
		jobFacets["sql"] = with(e.base(sqlFacetURL), "query", n.CompiledCode)
	}
	var inputs, outputs []any
	upstream := n.DependsOn.Nodes
	if n.ResourceType == project.Test && n.AttachedNode != "" && len(upstream) == 0 {
		upstream = []string{n.AttachedNode}
	}
	ended := typ == "COMPLETE" || typ == "FAIL"
	for _, u := range upstream {
		if name := e.datasetName(u); name != "" {
			d := e.dataset(ns, name, u, nil)
			// A test's result is an assertion on the dataset it tests.
			if n.ResourceType == project.Test && ended && u == n.AttachedNode && ev.Status != exec.StatusError {
				a := facet{"assertion": testName(n), "success": ev.Status == exec.StatusPass}
				if n.ColumnName != "" {
					a["column"] = n.ColumnName
				}
				d["inputFacets"] = facet{"dataQualityAssertions": with(e.base(assertionsURL), "assertions", []any{a})}
			}
			inputs = append(inputs, d)
		}
	}
	if n.ResourceType == project.Model || n.ResourceType == project.Seed {
		if name := e.datasetName(n.UniqueID); name != "" {
			d := e.dataset(ns, name, n.UniqueID, lin)
			if typ == "COMPLETE" && ev.Rows >= 0 {
				d["outputFacets"] = facet{"outputStatistics": with(e.base(outputStatsURL), "rowCount", ev.Rows)}
			}
			outputs = append(outputs, d)
		}
	}
	if at.IsZero() {
		at = e.opt.Now()
	}
	e.send(ctx, e.event(typ, at, runID, n.UniqueID, runFacets, jobFacets, inputs, outputs))
}

func testName(n *project.Node) string {
	if n.TestMetadata != nil && n.TestMetadata.Name != "" {
		return n.TestMetadata.Name
	}
	return n.Name
}

// datasetName is the relation a node reads or writes, without quotes
// (schema.table, or catalog.schema.table).
func (e *Emitter) datasetName(id string) string {
	e.mu.Lock()
	r, ok := e.relations[id]
	e.mu.Unlock()
	if ok {
		return r
	}
	p := e.opt.Project
	if p == nil {
		return ""
	}
	if n, ok := p.Nodes[id]; ok {
		alias := n.Alias
		if alias == "" {
			alias = n.Name
		}
		return join(n.Database, n.Schema, alias)
	}
	if s, ok := p.Sources[id]; ok {
		ident := s.Identifier
		if ident == "" {
			ident = s.Name
		}
		return join(s.Database, s.Schema, ident)
	}
	return ""
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

func unquote(r string) string {
	return strings.NewReplacer(`"`, "", "`", "").Replace(r)
}

// dataset builds an input or output dataset with its schema facet and,
// for outputs with lineage, the columnLineage facet.
func (e *Emitter) dataset(ns, name, id string, lin *column.Model) facet {
	d := facet{"namespace": ns, "name": name}
	facets := facet{}
	if cols := e.columns(id); len(cols) > 0 {
		var fields []any
		for i, c := range cols {
			f := facet{"name": c.Name, "ordinal_position": i + 1}
			if c.DataType != "" {
				f["type"] = c.DataType
			}
			if c.Description != "" {
				f["description"] = c.Description
			}
			fields = append(fields, f)
		}
		facets["schema"] = with(e.base(schemaFacetURL), "fields", fields)
	}
	if desc := e.description(id); desc != "" {
		facets["documentation"] = with(e.base(documentationURL), "description", desc)
	}
	if lin != nil {
		fields := facet{}
		for _, c := range lin.Columns {
			var in []any
			var unknown []string
			for _, ed := range c.Inputs {
				if ed.Kind == column.Unknown {
					unknown = append(unknown, ed.Note)
					continue
				}
				in = append(in, e.inputField(ns, ed, "DIRECT"))
			}
			f := facet{"inputFields": nonNil(in)}
			if len(unknown) > 0 {
				f["transformationDescription"] = "lineage unknown: " + strings.Join(unknown, "; ")
			}
			fields[c.Name] = f
		}
		cl := with(e.base(columnLineageURL), "fields", fields)
		var ds []any
		for _, ed := range lin.Indirect {
			if ed.Kind != column.Unknown {
				ds = append(ds, e.inputField(ns, ed, "INDIRECT"))
			}
		}
		if len(ds) > 0 {
			cl["dataset"] = ds
		}
		facets["columnLineage"] = cl
	}
	if len(facets) > 0 {
		d["facets"] = facets
	}
	return d
}

func nonNil(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// subtype is the OpenLineage transformation subtype of an edge kind.
func subtype(k column.Kind) string {
	switch k {
	case column.Identity, column.Renamed:
		return "IDENTITY"
	case column.Transformed:
		return "TRANSFORMATION"
	case column.Aggregated:
		return "AGGREGATION"
	case column.Filter:
		return "FILTER"
	case column.Join:
		return "JOIN"
	}
	return ""
}

func (e *Emitter) inputField(ns string, ed column.Edge, typ string) facet {
	name := e.datasetName(ed.From.Node)
	if name == "" {
		name = ed.From.Node // a relation outside the project, as written
	}
	return facet{"namespace": ns, "name": name, "field": ed.From.Column,
		"transformations": []any{facet{"type": typ, "subtype": subtype(ed.Kind), "description": string(ed.Kind)}}}
}

func (e *Emitter) description(id string) string {
	if p := e.opt.Project; p != nil {
		if n, ok := p.Nodes[id]; ok {
			return n.Description
		}
		if s, ok := p.Sources[id]; ok {
			return s.Description
		}
	}
	return ""
}

func (e *Emitter) columns(id string) []*project.Column {
	p := e.opt.Project
	if p == nil {
		return nil
	}
	if n, ok := p.Nodes[id]; ok {
		if len(n.Columns) > 0 {
			return n.Columns
		}
		if lin := e.opt.Lineage[id]; lin != nil && lin.Complete {
			var out []*project.Column
			for _, c := range lin.Columns {
				out = append(out, &project.Column{Name: c.Name})
			}
			return out
		}
		return nil
	}
	if s, ok := p.Sources[id]; ok {
		return s.Columns
	}
	return nil
}

func (e *Emitter) event(typ string, at time.Time, runID, job string, runFacets, jobFacets facet, inputs, outputs []any) facet {
	if at.IsZero() {
		at = e.opt.Now()
	}
	return facet{
		"eventType": typ,
		"eventTime": at.UTC().Format(time.RFC3339Nano),
		"producer":  e.opt.Producer,
		"schemaURL": eventSchema,
		"run":       facet{"runId": runID, "facets": runFacets},
		"job":       facet{"namespace": e.opt.Namespace, "name": job, "facets": jobFacets},
		"inputs":    nonNil(inputs),
		"outputs":   nonNil(outputs),
	}
}

func (e *Emitter) send(ctx context.Context, ev facet) {
	b, err := json.Marshal(ev)
	if err != nil {
		e.fail(fmt.Errorf("openlineage encode: %w", err))
		return
	}
	for _, s := range e.opt.Sinks {
		if err := s.Send(ctx, b); err != nil {
			e.fail(err)
		}
	}
}

func (e *Emitter) fail(err error) {
	e.mu.Lock()
	e.errs = append(e.errs, err)
	e.mu.Unlock()
	if e.opt.OnError != nil {
		e.opt.OnError(err)
	}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
