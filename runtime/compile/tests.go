package compile

import (
	"cmp"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/render"
)

// testTarget is what a YAML test is attached to: a model, a seed or a
// source table.
type testTarget struct {
	id      string // unique id
	name    string // for the test name: model name, or <source>_<table>
	prefix  string // "source_" for sources
	mark    string // relation mark, substituted later
	refExpr string // ref('x') / source('s','t'), for test_metadata
	modelKw string // test_metadata's kwargs.model, built once per target
	tags    []string
	node    *project.Node          // the model or seed; nil for a source table
	sql     atomic.Pointer[string] // targetSQL, once a test of it asked
}

type testDecl struct {
	target *testTarget
	column *project.Column   // nil for model-level tests
	spec   *project.TestSpec // points into the node's or source's Tests
}

// testPlan is what generating the tests needs from their declarations
// alone: the declarations, the order of their nodes and what those share.
// planTests reads only what YAML declared (never a node's rendered
// config), so Load works it out while the templates render.
type testPlan struct {
	decls []testDecl
	order []int // order[i] is the declaration of the i-th test node
	tc    testCommon
}

// planTests lists the declared tests in a deterministic order.
func (e *Engine) planTests() *testPlan {
	decls := make([]testDecl, 0, e.Project.DeclaredTests())
	for _, n := range e.Project.Nodes {
		if n.ResourceType != project.Model && n.ResourceType != project.Seed {
			continue
		}
		t := &testTarget{id: n.UniqueID, name: n.Name, mark: "\x00R" + n.Name + "\x00",
			refExpr: "ref('" + n.Name + "')", node: n}
		t.modelKw = "{{ get_where_subquery(" + t.refExpr + ") }}"
		for i := range n.Tests {
			decls = append(decls, testDecl{target: t, spec: &n.Tests[i]})
		}
		for _, c := range n.Columns {
			for i := range c.Tests {
				decls = append(decls, testDecl{target: t, column: c, spec: &c.Tests[i]})
			}
		}
	}
	for _, s := range e.Project.Sources {
		t := &testTarget{id: s.UniqueID, name: s.SourceName + "_" + s.Name, prefix: "source_",
			mark:    "\x00S" + s.SourceName + markSep + s.Name + "\x00",
			refExpr: "source('" + s.SourceName + "', '" + s.Name + "')", tags: s.Tags}
		t.modelKw = "{{ get_where_subquery(" + t.refExpr + ") }}"
		for i := range s.Tests {
			decls = append(decls, testDecl{target: t, spec: &s.Tests[i]})
		}
		for _, c := range s.Columns {
			for i := range c.Tests {
				decls = append(decls, testDecl{target: t, column: c, spec: &c.Tests[i]})
			}
		}
	}
	// Deterministic order: by declaring file and line, then what is tested.
	// The files are ranked once, so that the sort compares integers.
	rank := map[string]int{}
	for i := range decls {
		rank[decls[i].spec.File] = 0
	}
	files := slices.Sorted(maps.Keys(rank))
	for i, f := range files {
		rank[f] = i
	}
	type sortKey struct{ file, line int }
	keys := make([]sortKey, len(decls))
	for i := range decls {
		keys[i] = sortKey{rank[decls[i].spec.File], decls[i].spec.Line}
	}
	order := make([]int, len(decls))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := cmp.Compare(keys[i].file, keys[j].file); c != 0 {
			return c
		}
		if c := cmp.Compare(keys[i].line, keys[j].line); c != 0 {
			return c
		}
		a, b := &decls[i], &decls[j]
		if c := strings.Compare(a.target.id, b.target.id); c != 0 {
			return c
		}
		if c := strings.Compare(n0(a.column), n0(b.column)); c != 0 {
			return c
		}
		return strings.Compare(a.spec.Name, b.spec.Name)
	})
	// What every test of a file shares: the folders of its fqn.
	tc := testCommon{parts: make(map[string][]string, len(files))}
	for _, f := range files {
		var parts []string
		if dir := path.Dir(f); dir != "." {
			parts = strings.Split(dir, "/")[1:]
		}
		tc.parts[f] = parts
	}
	// The raw code of each kind of test, spelled once for its tests.
	tc.rawCode = map[string]string{}
	for i := range decls {
		name := decls[i].spec.Name
		if _, ok := tc.rawCode[name]; !ok {
			tc.rawCode[name] = "{{ test_" + name + "(**_dbt_generic_test_kwargs) }}"
		}
	}
	// Without per-folder test configuration, a test with no config of
	// its own and no tags has the same configuration as any other such
	// test: worked out once, by the same code as the others.
	if len(e.Settings.Tests) == 0 {
		cfg, meta, err := e.testConfig(nil, project.Config{Enabled: true}, nil, nil)
		if err == nil && meta == nil {
			tc.plain, tc.hasPlain = cfg, true
		}
	}
	return &testPlan{decls: decls, order: order, tc: tc}
}

// generateTests turns the tests declared in YAML (as planned) into test
// nodes whose compiled code is the query returning the failing rows.
func (e *Engine) generateTests(plan *testPlan) error {
	decls, order, tc := plan.decls, plan.order, &plan.tc
	if len(decls) == 0 {
		return nil
	}
	nodes := make([]*project.Node, len(decls))
	nerrs := make([]error, len(decls))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(decls)/256))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.renderers.Get().(*render.Renderer)
			defer e.renderers.Put(r)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(decls) {
					return
				}
				nodes[i], nerrs[i] = e.testNode(r, tc, &decls[order[i]])
			}
		}()
	}
	wg.Wait()
	// The relations go into their map while the nodes go into theirs. On
	// any error the Engine is dropped, so a duplicate's relation (the same
	// as the first one's) does no harm.
	relDone := make(chan struct{})
	go func() {
		defer close(relDone)
		for i, n := range nodes {
			if nerrs[i] == nil {
				e.relations.set(n.UniqueID, nodeRelation(n))
			}
		}
	}()
	var errs []error
	for i := range decls {
		n, err := nodes[i], nerrs[i]
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := e.Project.Nodes[n.UniqueID]; ok {
			errs = append(errs, e.duplicateTest(n, prev, decls[order[i]].spec, nodes[:i], decls, order))
			continue
		}
		e.Project.Nodes[n.UniqueID] = n
	}
	<-relDone
	return project.JoinErrors(errs, maxErrors)
}

// duplicateTest words the error for test n (declared at sp) whose unique
// id prev already has: another generic test declared earlier (found among
// before, in declaration order) or a singular test.
func (e *Engine) duplicateTest(n, prev *project.Node, sp *project.TestSpec, before []*project.Node, decls []testDecl, order []int) error {
	for j, m := range before {
		if m == prev {
			ps := decls[order[j]].spec
			return project.Errorf(sp.File, sp.Line, 0,
				"test %s is declared twice (also at %s:%d); remove one or give one a distinct `name:`", n.Name, ps.File, ps.Line)
		}
	}
	return project.Errorf(sp.File, sp.Line, 0,
		"test %s has the name of the singular test %s; rename that file or give this test a distinct `name:`", n.Name, prev.OriginalFilePath)
}

// testCommon is what generateTests works out once for all tests.
type testCommon struct {
	parts    map[string][]string // declaring file -> folders of the fqn
	plain    project.Config      // the configuration of a plain test (see hasPlain)
	hasPlain bool                // no per-folder test config: plain is valid
	rawCode  map[string]string   // test name -> raw code, as dbt writes it
}

// testConfig merges a test's configuration: project.yml's per-folder
// test config for its fqn, its own config and the tags it inherits.
func (e *Engine) testConfig(fqn []string, own project.Config, targetTags, columnTags []string) (project.Config, map[string]any, error) {
	raw := project.FolderConfig(e.Settings.Tests, fqn)
	project.MergeConfig(raw, configMap(own))
	tags := project.UnionStrings(targetTags, nil)
	if columnTags != nil {
		tags = project.UnionStrings(tags, columnTags)
	}
	project.MergeConfig(raw, map[string]any{"tags": tags})
	cfg, meta, err := project.ToConfig(raw, project.MatTest)
	if err != nil {
		return cfg, meta, err
	}
	if cfg.Severity == "" {
		cfg.Severity = "error"
	}
	if cfg.WarnIf == "" {
		cfg.WarnIf = "!= 0"
	}
	if cfg.ErrorIf == "" {
		cfg.ErrorIf = "!= 0"
	}
	return cfg, meta, nil
}

func (e *Engine) testNode(r *render.Renderer, tc *testCommon, d *testDecl) (*project.Node, error) {
	sp := d.spec
	col := ""
	if d.column != nil {
		col = d.column.Name
	}
	var shortName string
	customName, _ := sp.Args["name"].(string)
	if len(sp.Args) == 0 && d.column != nil {
		// The common case (`tests: [unique, not_null]` under a column):
		// the arguments are the column name alone.
		shortName, _ = flatTestNames(d.target.prefix+sp.Name, d.target.name, []string{col})
	} else {
		args := make(map[string]any, len(sp.Args)+1)
		for k, v := range sp.Args {
			args[k] = v
		}
		delete(args, "name")
		if d.column != nil {
			args["column_name"] = col
		}
		shortName, _ = testNames(d.target.prefix+sp.Name, d.target.name, args)
	}
	if customName != "" {
		shortName = customName
	}
	parts := tc.parts[sp.File]
	fqn := make([]string, 0, len(parts)+2)
	fqn = append(fqn, e.Project.Name)
	fqn = append(fqn, parts...)
	fqn = append(fqn, shortName)

	var cfg project.Config
	var meta map[string]any
	var colTags []string
	if d.column != nil {
		colTags = d.column.Tags
	}
	if tc.hasPlain && len(d.target.tags) == 0 && len(colTags) == 0 && configEmpty(sp.Config) {
		cfg = tc.plain
		cfg.Tags = []string{} // not shared between nodes
	} else {
		var err error
		if cfg, meta, err = e.testConfig(fqn, sp.Config, d.target.tags, colTags); err != nil {
			return nil, project.Errorf(sp.File, sp.Line, 0, "test %s: %v", sp.Name, err)
		}
	}
	if t := d.target.node; t != nil && !t.Config.Enabled {
		cfg.Enabled = false // a test of a disabled model is disabled
	}

	model := e.targetSQL(d.target)
	if cfg.Where != "" {
		model = "(select * from " + model + " where " + cfg.Where + ") dbt_subquery"
	}
	deps := []string{d.target.id}
	var sql string
	var refs []string
	var srcs [][2]string
	var macros []string
	if e.env.HasMacro("test_" + sp.Name) {
		st := &render.State{Resolver: markResolver{}}
		dict := map[string]any{"model": model, "kwargs": sp.Args}
		for k, v := range sp.Args {
			dict[k] = v
		}
		if d.column != nil {
			dict["column_name"] = d.column.Name
		} else {
			dict["column_name"] = ""
		}
		out, err := r.Macro("test_"+sp.Name, st, dict)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: test %s: %w", sp.File, sp.Line, sp.Name, err)
		}
		sql, refs, srcs, macros = out, st.Refs, st.Sources, st.Macros
	} else {
		var extra string
		var err error
		sql, extra, err = builtinTest(sp.Name, model, col, sp.Args, e.toSQL)
		if err != nil {
			return nil, project.Errorf(sp.File, sp.Line, 0, "test %s on %s: %v", sp.Name, d.target.name, err)
		}
		if extra != "" {
			refs, srcs, err = parseTo(extra)
			if err != nil {
				return nil, project.Errorf(sp.File, sp.Line, 0, "test %s on %s: %v", sp.Name, d.target.name, err)
			}
		}
		macros = nil
	}
	for _, name := range refs {
		m, ok := e.byName[name]
		if !ok {
			hint := ""
			var names []string
			for k := range e.byName {
				names = append(names, k)
			}
			sort.Strings(names)
			if c := project.Closest(name, names, 3); len(c) > 0 {
				hint = "; did you mean " + strings.Join(quoteAll(c), ", ") + "?"
			}
			return nil, project.Errorf(sp.File, sp.Line, 0, "test %s on %s: ref %q: there is no model or seed named %q%s", sp.Name, d.target.name, name, name, hint)
		}
		deps = appendUniq(deps, m.UniqueID)
	}
	for _, s := range srcs {
		id := e.sourceID(s[0], s[1])
		if _, ok := e.Project.Sources[id]; !ok {
			return nil, project.Errorf(sp.File, sp.Line, 0, "test %s on %s: source %q %q is not declared%s", sp.Name, d.target.name, s[0], s[1], e.sourceHint(s[0], s[1]))
		}
		deps = appendUniq(deps, id)
	}

	rawCode := tc.rawCode[sp.Name]
	kj := []byte("{}")
	if len(sp.Args) > 0 {
		var err error
		if kj, err = json.Marshal(sp.Args); err != nil {
			return nil, project.Errorf(sp.File, sp.Line, 0, "test %s: arguments: %v", sp.Name, err)
		}
	}
	n := &project.Node{
		UniqueID:         "test." + e.Project.Name + "." + shortName,
		Name:             shortName,
		ResourceType:     project.Test,
		PackageName:      e.Project.Name,
		Path:             shortName + ".sql",
		OriginalFilePath: sp.File,
		FQN:              fqn,
		Schema:           e.opts.Target.Schema,
		Alias:            shortName,
		RawCode:          rawCode,
		CompiledCode:     sql,
		Checksum:         testChecksum(rawCode, d.target.id, n0(d.column), kj),
		Config:           cfg,
		Tags:             cfg.Tags,
		Meta:             meta,
		DependsOn:        project.DependsOn{Nodes: deps, Macros: e.macroIDs(macros)},
		TestMetadata:     &project.TestMetadata{Name: sp.Name, Args: sp.Args, Column: col, Model: d.target.modelKw},
		AttachedNode:     d.target.id,
	}
	if n.Meta == nil {
		n.Meta = map[string]any{}
	}
	if d.column != nil {
		n.ColumnName = d.column.Name
	}
	return n, nil
}

// testChecksum is the checksum of a generated test: of its raw code,
// what it tests and its arguments, put together in a buffer on the stack
// when they fit.
func testChecksum(rawCode, target, column string, args []byte) string {
	var buf [512]byte
	b := append(buf[:0], rawCode...)
	b = append(b, target...)
	b = append(b, column...)
	b = append(b, args...)
	return project.Checksum(unsafe.String(unsafe.SliceData(b), len(b)))
}

func n0(c *project.Column) string {
	if c == nil {
		return ""
	}
	return c.Name
}

// configEmpty reports whether configMap(c) would be empty, without
// building the map (most declared tests have no config of their own).
func configEmpty(c project.Config) bool {
	return c.Severity == "" && c.Where == "" && c.WarnIf == "" && c.ErrorIf == "" &&
		!c.StoreFailures && len(c.Tags) == 0 && c.Enabled && len(c.Extra) == 0
}

func configMap(c project.Config) map[string]any {
	m := map[string]any{}
	if c.Severity != "" {
		m["severity"] = c.Severity
	}
	if c.Where != "" {
		m["where"] = c.Where
	}
	if c.WarnIf != "" {
		m["warn_if"] = c.WarnIf
	}
	if c.ErrorIf != "" {
		m["error_if"] = c.ErrorIf
	}
	if c.StoreFailures {
		m["store_failures"] = true
	}
	if len(c.Tags) > 0 {
		m["tags"] = c.Tags
	}
	if !c.Enabled {
		m["enabled"] = false
	}
	for k, v := range c.Extra {
		m[k] = v
	}
	return m
}

// cleanArg replaces each run of characters other than [0-9a-zA-Z_] with
// one underscore (dbt's re.sub("[^0-9a-zA-Z_]+", "_", arg)).
func cleanArg(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if isIdentByte(s[i]) {
			b = append(b, s[i])
			i++
			continue
		}
		b = append(b, '_')
		for i < len(s) && !isIdentByte(s[i]) {
			i++
		}
	}
	return string(b)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// testNames is dbt's synthesize_generic_test_names: the short name (at
// most 63 characters, hashed beyond) and the full name.
func testNames(testType, target string, args map[string]any) (string, string) {
	keys := make([]string, 0, len(args))
	for k := range args {
		if k != "model" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var flat []string
	for _, k := range keys {
		switch v := args[k].(type) {
		case map[string]any:
			vk := make([]string, 0, len(v))
			for kk := range v {
				vk = append(vk, kk)
			}
			sort.Strings(vk) // Python keeps insertion order; YAML decoding loses it
			for _, kk := range vk {
				flat = append(flat, pyStr(v[kk]))
			}
		case []any:
			for _, x := range v {
				flat = append(flat, pyStr(x))
			}
		default:
			flat = append(flat, pyStr(v))
		}
	}
	return flatTestNames(testType, target, flat)
}

// flatTestNames is testNames once the arguments are flattened to strings.
func flatTestNames(testType, target string, flat []string) (string, string) {
	for i, s := range flat {
		flat[i] = cleanArg(s)
	}
	ident := testType + "_" + target
	full := ident + "_" + strings.Join(flat, "__")
	if len(full) >= 64 {
		sum := md5.Sum([]byte(full))
		trunc := ident
		if len(trunc) > 30 {
			trunc = trunc[:30]
		}
		return trunc + "_" + hex.EncodeToString(sum[:]), full
	}
	return full, full
}

// pyStr formats a YAML scalar the way Python's str() does.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return s
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if s, ok := e.(string); ok {
				parts[i] = "'" + s + "'"
			} else {
				parts[i] = pyStr(e)
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprint(x)
	}
}

var (
	toRefRe    = regexp.MustCompile(`^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$`)
	toSourceRe = regexp.MustCompile(`^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$`)
	identRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// parseTo reads a relationships `to`: ref('x'), source('s', 't') or a bare model name.
func parseTo(to string) ([]string, [][2]string, error) {
	if m := toRefRe.FindStringSubmatch(to); m != nil {
		name := m[1]
		if m[2] != "" {
			name = m[2]
		}
		return []string{name}, nil, nil
	}
	if m := toSourceRe.FindStringSubmatch(to); m != nil {
		return nil, [][2]string{{m[1], m[2]}}, nil
	}
	if identRe.MatchString(to) {
		return []string{to}, nil, nil
	}
	return nil, nil, fmt.Errorf("to: %q is neither ref('model'), source('source', 'table') nor a model name", to)
}

// toSQL is what a relationships test reads for its `to`: the relation's
// name, or a mark (for an ephemeral model, whose CTE substitution adds,
// or a name that does not resolve, which testNode reports); "" when to
// does not parse.
func (e *Engine) toSQL(to string) string {
	refs, srcs, err := parseTo(to)
	if err != nil {
		return ""
	}
	if len(refs) > 0 {
		if m, ok := e.byName[refs[0]]; ok && m.Config.Materialized != project.MatEphemeral {
			return e.RelationName(m.UniqueID)
		}
		return "\x00R" + refs[0] + "\x00"
	}
	if id := e.sourceID(srcs[0][0], srcs[0][1]); e.relations.get(id) != nil {
		return e.RelationName(id)
	}
	return "\x00S" + srcs[0][0] + markSep + srcs[0][1] + "\x00"
}

// targetSQL is what a generated test reads for the model, seed or source
// table it tests: the relation's name, known since configure, or for an
// ephemeral model the mark that substitution turns into its CTE.
func (e *Engine) targetSQL(t *testTarget) string {
	if s := t.sql.Load(); s != nil {
		return *s // the target's other tests asked already
	}
	s := t.mark
	if t.node == nil || t.node.Config.Materialized != project.MatEphemeral {
		s = e.RelationName(t.id)
	}
	t.sql.Store(&s)
	return s
}

// builtinTest compiles a built-in generic test to the query returning the
// failing rows. extra is a relationships target to depend on.
func builtinTest(name, model, col string, args map[string]any, toSQL func(string) string) (sql, extra string, err error) {
	needCol := func() error {
		if col == "" {
			return fmt.Errorf("declare it under a column (it tests one column)")
		}
		return nil
	}
	switch name {
	case "not_null":
		if err := needCol(); err != nil {
			return "", "", err
		}
		return "select " + col + "\nfrom " + model + "\nwhere " + col + " is null", "", nil
	case "unique":
		if err := needCol(); err != nil {
			return "", "", err
		}
		return "select\n    " + col + " as unique_field,\n    count(*) as n_records\nfrom " + model +
			"\nwhere " + col + " is not null\ngroup by " + col + "\nhaving count(*) > 1", "", nil
	case "accepted_values":
		if err := needCol(); err != nil {
			return "", "", err
		}
		vals, ok := args["values"].([]any)
		if !ok || len(vals) == 0 {
			return "", "", fmt.Errorf("needs `values:`, a non-empty list of the accepted values")
		}
		quote := true
		if q, ok := args["quote"]; ok {
			b, ok := q.(bool)
			if !ok {
				return "", "", fmt.Errorf("quote: want true or false, got %v", q)
			}
			quote = b
		}
		lits := make([]string, len(vals))
		for i, v := range vals {
			s := pyLiteral(v)
			if quote {
				s = "'" + strings.ReplaceAll(s, "'", "''") + "'"
			}
			lits[i] = s
		}
		return fmt.Sprintf("with all_values as (\n    select\n        %s as value_field,\n        count(*) as n_records\n    from %s\n    group by %s\n)\nselect *\nfrom all_values\nwhere value_field not in (\n    %s\n)",
			col, model, col, strings.Join(lits, ",\n    ")), "", nil
	case "relationships":
		if err := needCol(); err != nil {
			return "", "", err
		}
		to, ok := args["to"].(string)
		if !ok || to == "" {
			return "", "", fmt.Errorf("needs `to:` (ref('model') or source('source', 'table'))")
		}
		field, ok := args["field"].(string)
		if !ok || field == "" {
			return "", "", fmt.Errorf("needs `field:`, the referenced column")
		}
		mark := toSQL(to)
		if mark == "" {
			_, _, err := parseTo(to)
			return "", "", err
		}
		return fmt.Sprintf("with child as (\n    select %s as from_field\n    from %s\n    where %s is not null\n),\n\nparent as (\n    select %s as to_field\n    from %s\n)\n\nselect\n    from_field\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\nwhere parent.to_field is null",
			col, model, col, field, mark), to, nil
	case "expression_is_true":
		expr, ok := args["expression"].(string)
		if !ok || expr == "" {
			return "", "", fmt.Errorf("needs `expression:`, a SQL boolean expression")
		}
		if col != "" {
			expr = col + " " + expr
		}
		return fmt.Sprintf("select *\nfrom %s\nwhere not (%s)", model, expr), "", nil
	case "unique_combination_of_columns":
		raw, ok := args["combination_of_columns"].([]any)
		if !ok || len(raw) == 0 {
			return "", "", fmt.Errorf("needs `combination_of_columns:`, a list of column names")
		}
		cols := make([]string, len(raw))
		for i, c := range raw {
			cols[i] = fmt.Sprint(c)
		}
		list := strings.Join(cols, ", ")
		return fmt.Sprintf("with validation_errors as (\n    select %s\n    from %s\n    group by %s\n    having count(*) > 1\n)\nselect *\nfrom validation_errors", list, model, list), "", nil
	case "accepted_range":
		if err := needCol(); err != nil {
			return "", "", err
		}
		minV, hasMin := args["min_value"]
		maxV, hasMax := args["max_value"]
		if !hasMin && !hasMax {
			return "", "", fmt.Errorf("needs `min_value:`, `max_value:` or both")
		}
		inclusive := true
		if v, ok := args["inclusive"]; ok {
			b, ok := v.(bool)
			if !ok {
				return "", "", fmt.Errorf("inclusive: want true or false, got %v", v)
			}
			inclusive = b
		}
		ge, le := ">=", "<="
		if !inclusive {
			ge, le = ">", "<"
		}
		var conds []string
		if hasMin {
			conds = append(conds, fmt.Sprintf("not (%s %s %s)", col, ge, pyLiteral(minV)))
		}
		if hasMax {
			conds = append(conds, fmt.Sprintf("not (%s %s %s)", col, le, pyLiteral(maxV)))
		}
		return fmt.Sprintf("with meet_condition as (\n    select *\n    from %s\n),\n\nvalidation_errors as (\n    select *\n    from meet_condition\n    where 1 = 2\n      or %s\n)\n\nselect *\nfrom validation_errors",
			model, strings.Join(conds, "\n      or ")), "", nil
	}
	return "", "", fmt.Errorf("unknown test %q: the built-in tests are not_null, unique, accepted_values, relationships, expression_is_true, unique_combination_of_columns, accepted_range; for your own, define a macro test_%s in macros/", name, name)
}

// pyLiteral formats a YAML scalar for SQL (numbers as written, booleans
// lower case).
func pyLiteral(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}
