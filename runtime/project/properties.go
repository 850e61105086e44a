package project

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

type propsFile struct {
	Models  []nodeProps   `yaml:"models"`
	Seeds   []nodeProps   `yaml:"seeds"`
	Sources []sourceProps `yaml:"sources"`
}

type nodeProps struct {
	Line        int            `yaml:"-"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Config      map[string]any `yaml:"config"`
	Meta        map[string]any `yaml:"meta"`
	Tags        stringList     `yaml:"tags"`
	Columns     []columnProps  `yaml:"columns"`
	Tests       []yaml.Node    `yaml:"tests"`
	DataTests   []yaml.Node    `yaml:"data_tests"`
}

func (n *nodeProps) UnmarshalYAML(v *yaml.Node) error {
	type plain nodeProps
	if err := v.Decode((*plain)(n)); err != nil {
		return err
	}
	n.Line = v.Line
	return nil
}

type columnProps struct {
	Line        int            `yaml:"-"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	DataType    string         `yaml:"data_type"`
	Meta        map[string]any `yaml:"meta"`
	Tags        stringList     `yaml:"tags"`
	Tests       []yaml.Node    `yaml:"tests"`
	DataTests   []yaml.Node    `yaml:"data_tests"`
}

func (c *columnProps) UnmarshalYAML(v *yaml.Node) error {
	type plain columnProps
	if err := v.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = v.Line
	return nil
}

type sourceProps struct {
	Line        int            `yaml:"-"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Database    string         `yaml:"database"`
	Catalog     string         `yaml:"catalog"`
	Schema      string         `yaml:"schema"`
	Loader      string         `yaml:"loader"`
	Meta        map[string]any `yaml:"meta"`
	Tags        stringList     `yaml:"tags"`
	Tables      []tableProps   `yaml:"tables"`
}

func (s *sourceProps) UnmarshalYAML(v *yaml.Node) error {
	type plain sourceProps
	if err := v.Decode((*plain)(s)); err != nil {
		return err
	}
	s.Line = v.Line
	return nil
}

type tableProps struct {
	Line        int            `yaml:"-"`
	Name        string         `yaml:"name"`
	Identifier  string         `yaml:"identifier"`
	Description string         `yaml:"description"`
	Meta        map[string]any `yaml:"meta"`
	Tags        stringList     `yaml:"tags"`
	Columns     []columnProps  `yaml:"columns"`
	Tests       []yaml.Node    `yaml:"tests"`
	DataTests   []yaml.Node    `yaml:"data_tests"`
}

func (t *tableProps) UnmarshalYAML(v *yaml.Node) error {
	type plain tableProps
	if err := v.Decode((*plain)(t)); err != nil {
		return err
	}
	t.Line = v.Line
	return nil
}

// testConfigKeys may be written directly in a test's arguments; they are
// configuration, not arguments.
var testConfigKeys = map[string]bool{
	"severity": true, "where": true, "warn_if": true, "error_if": true, "store_failures": true,
	"limit": true, "tags": true, "enabled": true, "meta": true,
}

// parseTests reads a YAML test list: `- unique`, `- accepted_values: {values: [...]}`,
// `- relationships: {to: ref('x'), field: id, config: {severity: warn}}`.
func parseTests(file string, nodes ...[]yaml.Node) ([]TestSpec, error) {
	n := 0
	for _, list := range nodes {
		n += len(list)
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]TestSpec, 0, n) // TestSpecs are large: no growing
	var errs []error
	for _, list := range nodes {
		for i := range list {
			n := &list[i]
			switch n.Kind {
			case yaml.ScalarNode:
				if n.Value == "" {
					errs = append(errs, Errorf(file, n.Line, n.Column, "empty test name; write a test such as `- not_null`"))
					continue
				}
				// No arguments (Args nil), the default configuration.
				out = append(out, TestSpec{Name: stripNamespace(n.Value), Config: defaultTestConfig(), File: file, Line: n.Line})
			case yaml.MappingNode:
				if len(n.Content) != 2 {
					errs = append(errs, Errorf(file, n.Line, n.Column, "a test is a name or a mapping with exactly one key (the test name), e.g. `- accepted_values: {values: [a, b]}`"))
					continue
				}
				name := n.Content[0].Value
				var args map[string]any
				if err := n.Content[1].Decode(&args); err != nil {
					errs = append(errs, Errorf(file, n.Content[1].Line, n.Content[1].Column, "test %q: its arguments must be a mapping: %v", name, err))
					continue
				}
				ts := TestSpec{Name: stripNamespace(name), Args: map[string]any{}, File: file, Line: n.Line}
				cfg := map[string]any{}
				for k, v := range args {
					switch {
					case k == "config":
						m, ok := v.(map[string]any)
						if !ok {
							errs = append(errs, Errorf(file, n.Line, n.Column, "test %q: config must be a mapping", name))
							continue
						}
						MergeConfig(cfg, m)
					case k == "arguments":
						m, ok := v.(map[string]any)
						if !ok {
							errs = append(errs, Errorf(file, n.Line, n.Column, "test %q: arguments must be a mapping", name))
							continue
						}
						for ak, av := range m {
							ts.Args[ak] = av
						}
					case testConfigKeys[k]:
						MergeConfig(cfg, map[string]any{k: v})
					default:
						ts.Args[k] = v
					}
				}
				c, _, err := ToConfig(cfg, MatTest)
				if err != nil {
					errs = append(errs, Errorf(file, n.Line, n.Column, "test %q: %v", name, err))
					continue
				}
				ts.Config = c
				out = append(out, ts)
			default:
				errs = append(errs, Errorf(file, n.Line, n.Column, "a test is a name or a mapping, e.g. `- unique` or `- accepted_values: {values: [a, b]}`"))
			}
		}
	}
	return out, JoinErrors(errs, 20)
}

// defaultTestConfig is the configuration of a test declared by its name
// alone, as most are: ToConfig of no configuration, worked out once (its
// Tags slice is empty, so sharing it is safe).
func defaultTestConfig() Config { return defaultTest }

var defaultTest, _, _ = ToConfig(nil, MatTest)

func stripNamespace(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func parseColumns(file string, cols []columnProps) ([]*Column, error) {
	out := make([]*Column, 0, len(cols))
	var errs []error
	for i, c := range cols {
		if c.Name == "" {
			errs = append(errs, Errorf(file, c.Line, 0, "a column without a name; add `name: <column>`"))
			continue
		}
		// A model lists a few columns: a scan finds an earlier one.
		if j := slices.IndexFunc(cols[:i], func(p columnProps) bool { return p.Name == c.Name }); j >= 0 {
			errs = append(errs, Errorf(file, c.Line, 0, "column %q is listed twice (also at line %d); merge the two entries", c.Name, cols[j].Line))
			continue
		}
		tests, err := parseTests(file, c.Tests, c.DataTests)
		if err != nil {
			errs = append(errs, err)
		}
		out = append(out, &Column{Name: c.Name, Description: c.Description, DataType: c.DataType,
			Tags: c.Tags, Meta: c.Meta, Tests: tests})
	}
	return out, JoinErrors(errs, 20)
}

type parsedProps struct {
	file          string
	doc           propsFile
	err           error
	models, seeds []nodePatch // aligned with doc.Models and doc.Seeds
}

// declaredTests counts the tests the file's models: and seeds: entries
// declare, on them and their columns (a size hint: sources' are left out).
func (pp *parsedProps) declaredTests() int {
	n := 0
	for _, l := range [][]nodePatch{pp.models, pp.seeds} {
		for _, np := range l {
			n += len(np.tests)
			for _, c := range np.cols {
				n += len(c.Tests)
			}
		}
	}
	return n
}

// nodePatch is what a models: or seeds: entry adds to its node, worked
// out on the goroutine that parsed the file; patchNode attaches it.
type nodePatch struct {
	config          map[string]any
	cols            []*Column
	tests           []TestSpec
	colErr, testErr error
}

func preparePatches(file string, list []nodeProps) []nodePatch {
	out := make([]nodePatch, len(list))
	for i := range list {
		m, np := &list[i], &out[i]
		np.config = map[string]any{}
		MergeConfig(np.config, m.Config)
		if len(m.Tags) > 0 {
			MergeConfig(np.config, map[string]any{"tags": []string(m.Tags)})
		}
		if len(m.Meta) > 0 {
			MergeConfig(np.config, map[string]any{"meta": m.Meta})
		}
		np.cols, np.colErr = parseColumns(file, m.Columns)
		np.tests, np.testErr = parseTests(file, m.Tests, m.DataTests)
	}
	// The test nodes point into the parser's arena, which is reused once
	// the file is done: they have been read, drop them.
	for i := range list {
		m := &list[i]
		m.Tests, m.DataTests = nil, nil
		for j := range m.Columns {
			m.Columns[j].Tests, m.Columns[j].DataTests = nil, nil
		}
	}
	return out
}

// parseProps parses one properties file into pp and works out what its
// models: and seeds: entries add to their nodes. reusable reports
// whether no node of the arena is referenced any more (the sources of
// the file keep their test nodes until addSource reads them).
func parseProps(f found, pp *parsedProps, arena *nodeArena) (reusable bool) {
	pp.file = f.rel
	var err error
	doc, ok := fastYAMLIn(f.text, arena)
	if !ok {
		var n yaml.Node
		if err = yaml.Unmarshal([]byte(f.text), &n); err == nil && n.Kind != 0 {
			doc = &n
		}
	}
	if err == nil && doc != nil && !walkProps(doc, &pp.doc) {
		pp.doc = propsFile{}
		err = doc.Decode(&pp.doc)
	}
	if err != nil {
		pp.err = yamlError(f.rel, err)
		return true
	}
	pp.models = preparePatches(f.rel, pp.doc.Models)
	pp.seeds = preparePatches(f.rel, pp.doc.Seeds)
	return len(pp.doc.Sources) == 0
}

// applyProperties attaches descriptions, columns, tests and configs to
// nodes from the properties files (parsed by discover, on the goroutine
// that read each); it declares the sources.
func applyProperties(p *Project, set *Settings, files []found, byName map[string]*Node) error {
	var errs []error
	for _, f := range files {
		pp := f.props
		if pp.err != nil {
			errs = append(errs, pp.err)
			continue
		}
		for i, m := range pp.doc.Models {
			if err := patchNode(pp.file, Model, m, &pp.models[i], byName); err != nil {
				errs = append(errs, err)
			}
		}
		for i, m := range pp.doc.Seeds {
			if err := patchNode(pp.file, Seed, m, &pp.seeds[i], byName); err != nil {
				errs = append(errs, err)
			}
		}
		for _, s := range pp.doc.Sources {
			if err := addSource(p, set, pp.file, s); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return JoinErrors(errs, 20)
}

func patchNode(file string, kind ResourceType, m nodeProps, np *nodePatch, byName map[string]*Node) error {
	if m.Name == "" {
		return Errorf(file, m.Line, 0, "a %s entry without a name; add `name: <%s name>`", kind, kind)
	}
	n, ok := byName[m.Name]
	if !ok || n.ResourceType != kind {
		folder := "models"
		ext := ".sql"
		if kind == Seed {
			folder, ext = "seeds", ".csv"
		}
		hint := ""
		if close := closest(m.Name, namesOf(byName, kind), 3); len(close) > 0 {
			hint = fmt.Sprintf(" (did you mean %s?)", strings.Join(close, ", "))
		}
		return Errorf(file, m.Line, 0, "%s %q is described here but there is no %s/**/%s%s%s; fix the name or add the file",
			kind, m.Name, folder, m.Name, ext, hint)
	}
	if n.PatchPath != "" { // a node from a file has none until described
		return Errorf(file, m.Line, 0, "%s %q is already described at %s:%d; keep one entry", kind, m.Name, n.PatchPath, n.PatchLine)
	}
	n.PatchPath = file
	n.PatchLine = m.Line
	n.Description = m.Description
	if len(np.config) > 0 {
		// BaseConfig may be shared with the folder's other nodes.
		base := make(map[string]any, len(n.BaseConfig)+len(np.config))
		for k, v := range n.BaseConfig {
			base[k] = v
		}
		MergeConfig(base, np.config)
		n.BaseConfig = base
	}
	var errs []error
	if np.colErr != nil {
		errs = append(errs, np.colErr)
	}
	n.Columns = np.cols
	if np.testErr != nil {
		errs = append(errs, np.testErr)
	}
	n.Tests = np.tests
	return JoinErrors(errs, 20)
}

func addSource(p *Project, set *Settings, file string, s sourceProps) error {
	if s.Name == "" {
		return Errorf(file, s.Line, 0, "a source without a name; add `name: <source>`")
	}
	schema := s.Schema
	if schema == "" {
		schema = s.Name
	}
	db := s.Database
	if db == "" {
		db = s.Catalog
	}
	var errs []error
	for _, t := range s.Tables {
		if t.Name == "" {
			errs = append(errs, Errorf(file, t.Line, 0, "a table of source %q without a name; add `name: <table>`", s.Name))
			continue
		}
		id := "source." + p.Name + "." + s.Name + "." + t.Name
		if prev, ok := p.Sources[id]; ok {
			errs = append(errs, Errorf(file, t.Line, 0, "source table %s.%s is declared twice (also in %s:%d); keep one", s.Name, t.Name, prev.OriginalFilePath, prev.Line))
			continue
		}
		ident := t.Identifier
		if ident == "" {
			ident = t.Name
		}
		cols, err := parseColumns(file, t.Columns)
		if err != nil {
			errs = append(errs, err)
		}
		tests, err := parseTests(file, t.Tests, t.DataTests)
		if err != nil {
			errs = append(errs, err)
		}
		rel := strings.TrimSuffix(file, "/"+lastElem(file))
		fqn := []string{p.Name}
		if dirs := strings.Split(rel, "/"); len(dirs) > 1 {
			fqn = append(fqn, dirs[1:]...)
		}
		fqn = append(fqn, s.Name, t.Name)
		meta := map[string]any{}
		for k, v := range s.Meta {
			meta[k] = v
		}
		for k, v := range t.Meta {
			meta[k] = v
		}
		p.Sources[id] = &Source{
			UniqueID: id, SourceName: s.Name, Name: t.Name, Database: db, Schema: schema,
			Identifier: ident, Description: t.Description, Columns: cols,
			OriginalFilePath: file, FQN: fqn, Tags: unionStrings(s.Tags, t.Tags),
			Meta: meta, Loader: s.Loader, Tests: tests, Line: t.Line,
		}
	}
	return JoinErrors(errs, 20)
}

func lastElem(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func namesOf(byName map[string]*Node, kind ResourceType) []string {
	out := make([]string, 0, len(byName))
	for name, n := range byName {
		if n.ResourceType == kind {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Closest returns up to max names closest to name by edit distance (at
// most a third of the name's length, and at least 2), nearest first.
func Closest(name string, names []string, max int) []string { return closest(name, names, max) }

func closest(name string, names []string, max int) []string {
	limit := len(name) / 3
	if limit < 2 {
		limit = 2
	}
	type cand struct {
		s string
		d int
	}
	var cs []cand
	for _, n := range names {
		if d := editDistance(name, n, limit); d <= limit {
			cs = append(cs, cand{n, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].s < cs[j].s
	})
	out := make([]string, 0, max)
	for i := 0; i < len(cs) && i < max; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

// editDistance is the Levenshtein distance, giving up (returning limit+1)
// once it exceeds limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
