package compile

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/manifest"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/render"
)

// Options are what Load needs beyond the project folder.
type Options struct {
	Target  adapter.Config  // resolved target (name, type, schema, fields)
	Dialect adapter.Dialect // for dispatch and relation quoting; nil: ANSI double quotes
	Vars    map[string]any  // --vars overrides (already parsed)
	// Files are files already read, for project.LoadOptions.Files.
	Files map[string]project.FileContent
}

// RenderContext is what changes between renders of one node at execution time.
type RenderContext struct {
	IsIncremental bool
}

// Engine is a loaded, rendered and checked project.
type Engine struct {
	Project  *project.Project
	DAG      *dag.DAG
	Settings *project.Settings

	opts      Options
	env       *render.Env
	renderers sync.Pool
	relations relations
	byName    map[string]*project.Node // models and seeds, by name
	ephs      map[string]ephemeralInfo // written during Load only
	// sortedIDs are the unique ids of the nodes and sources, sorted, as
	// buildDAG had them; nil after Restore. The manifest lists its nodes
	// and maps in this order and sorts them itself when it is nil.
	sortedIDs []string
}

// maxErrors bounds how many errors one load reports.
const maxErrors = 20

// Load reads the project at dir, parses YAML and templates, renders every
// node (in parallel), resolves refs and sources, builds and checks the
// DAG. Errors name file:line:col and say what to change.
func Load(ctx context.Context, dir string, opts Options) (*Engine, error) {
	p, set, err := project.Load(ctx, dir, project.LoadOptions{Vars: opts.Vars, Files: opts.Files})
	if err != nil {
		return nil, err
	}
	opts.Files = nil // the nodes hold what they need; the Engine keeps no file map
	env, err := render.NewEnv(render.Options{
		Project: p.Name, Target: opts.Target, Dialect: opts.Dialect,
		Vars: p.Vars, MacroFiles: p.MacroFiles,
	})
	if err != nil {
		return nil, err
	}
	p.Macros = env.Macros()
	e := &Engine{
		Project: p, Settings: set, opts: opts, env: env,
		relations: newRelations(len(p.Nodes) + len(p.Sources) + p.DeclaredTests()),
		byName:    make(map[string]*project.Node, len(p.Nodes)),
	}
	e.renderers.New = func() any { return env.NewRenderer() }

	// The tests are planned while the templates render: the plan reads
	// only the declarations, the rendering writes only nodes' configs.
	planned := make(chan *testPlan, 1)
	go func() { planned <- e.planTests() }()
	states, err := e.renderAll(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.configure(states); err != nil {
		return nil, err
	}
	if err := e.generateTests(<-planned); err != nil {
		return nil, err
	}
	// The graph is built while the marks are substituted: the one writes
	// depends_on, the other compiled code, and the substitution needs no
	// graph order. A cycle is reported before any substitution error.
	sorted := e.sortIDs()
	dagErr := make(chan error, 1)
	go func() { dagErr <- e.buildDAGFrom(sorted) }()
	serr := e.substituteAll(ctx, sorted)
	if err := <-dagErr; err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, serr
	}
	return e, nil
}

type rendered struct {
	node   *project.Node
	out    string
	st     *render.State
	cfgErr error // from configureRendered
}

// renderAll parses and renders every model and singular test once, on
// GOMAXPROCS goroutines, each with its own Renderer.
func (e *Engine) renderAll(ctx context.Context) ([]rendered, error) {
	var work []rendered
	for _, n := range e.Project.Nodes {
		if n.ResourceType == project.Model || n.ResourceType == project.Test {
			work = append(work, rendered{node: n})
		}
	}
	sort.Slice(work, func(i, j int) bool { return work[i].node.UniqueID < work[j].node.UniqueID })
	errs := make([]error, len(work))
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), max(1, len(work)/64))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.renderers.Get().(*render.Renderer)
			defer e.renderers.Put(r)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(work) || ctx.Err() != nil {
					return
				}
				n := work[i].node
				st := &render.State{Resolver: markResolver{}}
				out, err := e.execute(r, n.OriginalFilePath, n.RawCode, st)
				if err != nil {
					errs[i] = err
					continue
				}
				work[i].out, work[i].st = out, st
				e.configureRendered(&work[i])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	var all []error
	for _, err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	if err := project.JoinErrors(all, maxErrors); err != nil {
		return nil, err
	}
	return work, nil
}

// configure settles what rendering left to the serial part: seeds'
// configuration, the name index and every relation; then it checks the
// refs and sources (checkRefs). Rendered nodes were configured by the
// goroutine that rendered them (configureRendered); their errors are
// reported here, in node order, before any ref error.
func (e *Engine) configure(work []rendered) error {
	var errs []error
	for _, w := range work {
		if w.cfgErr != nil {
			errs = append(errs, w.cfgErr)
		}
	}
	// Every node: the rendered ones (models and singular tests, sorted by
	// unique id), then the seeds, configured here.
	nodes := make([]*project.Node, len(work), len(e.Project.Nodes))
	for i := range work {
		nodes[i] = work[i].node
	}
	for _, n := range e.Project.Nodes {
		if n.ResourceType == project.Seed {
			if err := e.applyConfig(n, nil, project.MatSeed); err != nil {
				errs = append(errs, err)
			}
			n.DependsOn.Macros = []string{}
			nodes = append(nodes, n)
		}
	}
	// The relations go into their map on another goroutine while the
	// names go into theirs and the refs are checked against them.
	relDone := make(chan struct{})
	go func() {
		defer close(relDone)
		defaultDB := e.defaultDatabase()
		for id, s := range e.Project.Sources {
			db := s.Database
			if db == "" {
				db = defaultDB
			}
			e.relations.set(id, adapter.Relation{Database: db, Schema: s.Schema, Identifier: s.Identifier})
		}
		for _, n := range nodes {
			e.relations.set(n.UniqueID, nodeRelation(n))
		}
	}()
	for _, n := range nodes {
		if n.ResourceType != project.Test {
			e.byName[n.Name] = n
		}
	}
	err := e.checkRefs(work)
	<-relDone
	if err := project.JoinErrors(errs, maxErrors); err != nil {
		return err
	}
	return err
}

// configureRendered merges a rendered node's file config over its
// project/YAML config and records what rendering found (refs, sources,
// macros, compiled code).
func (e *Engine) configureRendered(w *rendered) {
	n := w.node
	def := project.MatView
	if n.ResourceType == project.Test {
		def = project.MatTest
	}
	w.cfgErr = e.applyConfig(n, w.st.Config, def)
	n.CompiledCode = w.out
	n.Refs = w.st.Refs
	n.SourceRefs = w.st.Sources
	n.DependsOn.Macros = e.macroIDs(w.st.Macros)
}

func (e *Engine) defaultDatabase() string {
	if c, ok := e.opts.Target.Fields["catalog"].(string); ok {
		return c
	}
	return ""
}

// applyConfig merges fileCfg over n's base configuration and settles its
// schema, alias and database.
func (e *Engine) applyConfig(n *project.Node, fileCfg map[string]any, def string) error {
	raw := make(map[string]any, len(n.BaseConfig)+len(fileCfg))
	project.MergeConfig(raw, n.BaseConfig)
	project.MergeConfig(raw, fileCfg)
	cfg, meta, err := project.ToConfig(raw, def)
	if err != nil {
		file, line := n.OriginalFilePath, 0
		if _, inFile := fileCfg[firstKey(err)]; !inFile && n.PatchPath != "" {
			file, line = n.PatchPath, n.PatchLine
		}
		return project.Errorf(file, line, 0, "%s %s: %v", n.ResourceType, n.Name, err)
	}
	n.Config = cfg
	n.Tags = cfg.Tags
	if meta != nil {
		n.Meta = meta
	}
	n.Schema = cfg.Schema
	if n.Schema == "" {
		n.Schema = e.opts.Target.Schema
	}
	n.Alias = cfg.Alias
	if n.Alias == "" {
		n.Alias = n.Name
	}
	n.Database = cfg.Database
	if n.Database == "" {
		n.Database = e.defaultDatabase()
	}
	return nil
}

var configKeyRe = regexp.MustCompile(`config "([^"]+)"`)

func firstKey(err error) string {
	if m := configKeyRe.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

func nodeRelation(n *project.Node) adapter.Relation {
	r := adapter.Relation{Database: n.Database, Schema: n.Schema, Identifier: n.Alias}
	switch n.Config.Materialized {
	case project.MatView:
		r.Kind = "view"
	case project.MatTable, project.MatIncremental, project.MatSeed:
		r.Kind = "table"
	}
	return r
}

func (e *Engine) macroIDs(names []string) []string {
	out := make([]string, 0, len(names))
	for _, m := range names {
		if mac, ok := e.Project.Macros[m]; ok {
			out = append(out, mac.UniqueID)
		}
	}
	sort.Strings(out)
	return out
}

// checkRefs reports refs to unknown models and undeclared sources in the
// rendered nodes (seeds have none), with the position of the call and the
// closest names.
func (e *Engine) checkRefs(work []rendered) error {
	var errs []error
	var names []string    // for "did you mean", sorted when first needed
	for i := range work { // in unique id order: the errors come out in it
		n := work[i].node
		for _, r := range n.Refs {
			if _, ok := e.byName[r]; ok {
				continue
			}
			if names == nil {
				names = make([]string, 0, len(e.byName))
				for name := range e.byName {
					names = append(names, name)
				}
				sort.Strings(names)
			}
			line, col := findCall(n.RawCode, "ref", r)
			hint := ""
			if c := project.Closest(r, names, 3); len(c) > 0 {
				hint = "; did you mean " + strings.Join(quoteAll(c), ", ") + "?"
			}
			errs = append(errs, project.Errorf(n.OriginalFilePath, line, col,
				"ref %q: there is no model or seed named %q%s", r, r, hint))
		}
		for _, s := range n.SourceRefs {
			if _, ok := e.Project.Sources[e.sourceID(s[0], s[1])]; ok {
				continue
			}
			line, col := findCall(n.RawCode, "source", s[0])
			errs = append(errs, project.Errorf(n.OriginalFilePath, line, col,
				"source %q %q is not declared; declare table %q under source %q in a models/*.yml sources: block%s",
				s[0], s[1], s[1], s[0], e.sourceHint(s[0], s[1])))
		}
	}
	return project.JoinErrors(errs, maxErrors)
}

func (e *Engine) sourceID(src, tbl string) string {
	return "source." + e.Project.Name + "." + src + "." + tbl
}

func (e *Engine) sourceHint(src, tbl string) string {
	var all []string
	for _, s := range e.Project.Sources {
		all = append(all, s.SourceName+"."+s.Name)
	}
	sort.Strings(all)
	if c := project.Closest(src+"."+tbl, all, 3); len(c) > 0 {
		return " (did you mean " + strings.Join(c, ", ") + "?)"
	}
	return ""
}

func quoteAll(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// findCall finds `fn ... "arg"` in a template's text and returns its
// 1-based line and column (0, 0 when the call is not literal there, e.g.
// made inside a macro).
func findCall(text, fn, arg string) (int, int) {
	re, err := regexp.Compile(`\b` + fn + `\s+(?:["` + "`" + `][^"` + "`" + `]*["` + "`" + `]\s+)?["` + "`" + `]` + regexp.QuoteMeta(arg) + `["` + "`" + `]`)
	if err != nil {
		return 0, 0
	}
	loc := re.FindStringIndex(text)
	if loc == nil {
		return 0, 0
	}
	return project.LineCol(text, loc[0])
}

// buildDAG computes depends_on.nodes (on GOMAXPROCS goroutines) and the
// graph (nodes and sources).
func (e *Engine) buildDAG() error { return e.buildDAGFrom(e.sortIDs()) }

// sortedNodes are the unique ids of the nodes and sources, sorted, with
// the nodes (nil for a source) at the same positions: the graph and the
// substitution walk them without looking each id up again.
type sortedNodes struct {
	ids   []string
	nodes []*project.Node
}

// sortIDs sorts the nodes and sources by unique id and keeps the ids for
// the manifest.
func (e *Engine) sortIDs() sortedNodes {
	type idNode struct {
		id string
		n  *project.Node
	}
	l := make([]idNode, 0, len(e.Project.Nodes)+len(e.Project.Sources))
	for id := range e.Project.Sources {
		l = append(l, idNode{id, nil})
	}
	for id, n := range e.Project.Nodes {
		l = append(l, idNode{id, n})
	}
	l = parallelSort(l, func(a, b idNode) int { return strings.Compare(a.id, b.id) })
	out := sortedNodes{ids: make([]string, len(l)), nodes: make([]*project.Node, len(l))}
	for i, x := range l {
		out.ids[i], out.nodes[i] = x.id, x.n
	}
	e.sortedIDs = out.ids
	return out
}

// buildDAGFrom is buildDAG given the sorted nodes.
func (e *Engine) buildDAGFrom(sorted sortedNodes) error {
	ids := sorted.ids
	parents := make([][]string, len(ids))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ids)/2048))
	// Interleaved, not in halves: the ids are sorted, so models (whose
	// parents are worked out here) come before the tests (whose are known).
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				n := sorted.nodes[i]
				if n == nil {
					continue // a source
				}
				deps := n.DependsOn.Nodes
				if deps == nil {
					deps = make([]string, 0, len(n.Refs)+len(n.SourceRefs))
					for _, r := range n.Refs {
						deps = appendUniq(deps, e.byName[r].UniqueID)
					}
					for _, s := range n.SourceRefs {
						deps = appendUniq(deps, e.sourceID(s[0], s[1]))
					}
					n.DependsOn.Nodes = deps
				}
				if n.DependsOn.Macros == nil {
					n.DependsOn.Macros = []string{}
				}
				parents[i] = deps
			}
		}()
	}
	wg.Wait()
	d, err := dag.NewSorted(ids, parents)
	if err != nil {
		var ce *dag.CycleError
		if errors.As(err, &ce) {
			return e.cycleError(ce)
		}
		return err
	}
	e.DAG = d
	return nil
}

// parallelSort sorts l by cmp (not stably), its two halves on two
// goroutines then merged: a 10,000-model project has 30,000 unique ids
// sharing long prefixes.
func parallelSort[T any](l []T, cmp func(a, b T) int) []T {
	if len(l) < 4096 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(l, cmp)
		return l
	}
	a, b := l[:len(l)/2], l[len(l)/2:]
	done := make(chan struct{})
	go func() {
		slices.SortFunc(a, cmp)
		close(done)
	}()
	slices.SortFunc(b, cmp)
	<-done
	out := make([]T, 0, len(l))
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

func appendUniq(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

func (e *Engine) cycleError(ce *dag.CycleError) error {
	var b strings.Builder
	b.WriteString("dependency cycle; break it by removing one of these refs:")
	first := ""
	for i, id := range ce.Cycle {
		n, ok := e.Project.Nodes[id]
		if !ok {
			continue
		}
		if i == 0 {
			first = n.OriginalFilePath
		}
		fmt.Fprintf(&b, "\n  %s (%s)", n.Name, n.OriginalFilePath)
		if i+1 < len(ce.Cycle) {
			if next, ok := e.Project.Nodes[ce.Cycle[i+1]]; ok {
				line, col := findCall(next.RawCode, "ref", n.Name)
				fmt.Fprintf(&b, "\n    -> referenced by %s at %s:%d:%d", next.Name, next.OriginalFilePath, line, col)
			}
		}
	}
	return &project.PosError{File: first, Msg: b.String(), Err: ce}
}

func (e *Engine) quote(r adapter.Relation) string {
	if e.opts.Dialect != nil {
		return e.opts.Dialect.RelationName(r)
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	s := q(r.Schema) + "." + q(r.Identifier)
	if r.Database != "" {
		s = q(r.Database) + "." + s
	}
	return s
}

// NodeByName returns the model or seed with that name.
func (e *Engine) NodeByName(name string) (*project.Node, bool) {
	n, ok := e.byName[name]
	return n, ok
}

// Env is the template environment (macros parsed once).
func (e *Engine) Env() *render.Env { return e.env }

// Render renders one node again for execution (is_incremental as given,
// `this` = the node's relation). Generic tests, which have no template,
// return their compiled query.
func (e *Engine) Render(n *project.Node, rc RenderContext) (string, error) {
	switch {
	case n.ResourceType == project.Seed:
		return "", nil
	case n.ResourceType == project.Test && n.TestMetadata != nil:
		return n.CompiledCode, nil // generic tests have no template
	}
	// Templates are parsed again rather than kept: keeping every parse
	// tree after Load would double the engine's memory, and re-parsing
	// one model costs microseconds.
	r := e.renderers.Get().(*render.Renderer)
	defer e.renderers.Put(r)
	st := &render.State{Resolver: markResolver{}, IsIncremental: rc.IsIncremental}
	out, err := e.execute(r, n.OriginalFilePath, n.RawCode, st)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", n.Name, err)
	}
	return e.substitute(out, n, nil)
}

// execute renders a template: directly when it uses only the actions
// render's fast path knows, else parsed and run by text/template (which
// also words every error).
func (e *Engine) execute(r *render.Renderer, name, text string, st *render.State) (string, error) {
	if out, ok := r.ExecuteFast(text, st); ok {
		return out, nil
	}
	tree, err := e.env.Parse(name, text)
	if err != nil {
		return "", err
	}
	return r.Execute(name, tree, st)
}

// RenderSQL renders an ad-hoc template (a hook, on-run-start, a singular
// test) with the same functions; n (may be nil) is `this`. name appears
// in errors, e.g. "models/x.sql pre-hook".
func (e *Engine) RenderSQL(name, text string, n *project.Node) (string, error) {
	tree, err := e.env.Parse(name, text)
	if err != nil {
		return "", err
	}
	r := e.renderers.Get().(*render.Renderer)
	defer e.renderers.Put(r)
	st := &render.State{Resolver: markResolver{}}
	out, err := r.Execute(name, tree, st)
	if err != nil {
		return "", err
	}
	return e.substitute(out, n, nil)
}

// Macro renders a named macro with args (run-operation).
func (e *Engine) Macro(name string, args ...any) (string, error) {
	r := e.renderers.Get().(*render.Renderer)
	defer e.renderers.Put(r)
	st := &render.State{Resolver: markResolver{}}
	out, err := r.Macro(name, st, args...)
	if err != nil {
		return "", fmt.Errorf("macro %s: %w", name, err)
	}
	return e.substitute(out, nil, nil)
}

// WriteManifest writes the manifest (target/manifest.json) atomically.
func (e *Engine) WriteManifest(path string) error {
	_, err := e.WriteManifestReusing(path, nil)
	return err
}

// WriteManifestReusing is WriteManifest copying what it can from an
// earlier manifest (manifest.Reuse); it returns the layout of the file
// written, for the next one.
func (e *Engine) WriteManifestReusing(path string, reuse *manifest.Reuse) (manifest.Layout, error) {
	return manifest.WriteFileReusing(path, e.Project, e.DAG, e.manifestMetadata(time.Now()), reuse)
}

func (e *Engine) manifestMetadata(at time.Time) manifest.Metadata {
	typ := e.opts.Target.Type
	if e.opts.Dialect != nil {
		typ = e.opts.Dialect.Type()
	}
	return manifest.Metadata{
		AdapterType:  typ,
		GeneratedAt:  at.UTC(),
		TargetName:   e.opts.Target.Name,
		RelationName: e.RelationName,
		SortedIDs:    e.sortedIDs,
	}
}
