package column

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	// DuckDB driver: its parser is the basis of the analysis.
	_ "github.com/duckdb/duckdb-go/v2"
)

// Kind labels one lineage edge.
type Kind string

// Edge kinds. Identity, Renamed, Transformed and Aggregated are direct
// (the input's values flow into the output column); Filter and Join are
// indirect (the input decides which rows appear); Unknown marks what the
// analysis could not resolve.
const (
	Identity    Kind = "identity"
	Renamed     Kind = "renamed"
	Transformed Kind = "transformed"
	Aggregated  Kind = "aggregated"
	Filter      Kind = "filter"
	Join        Kind = "join"
	Unknown     Kind = "unknown"
)

// Ref names a column of a relation: Node is the unique id of a model, seed
// or source when the relation is known, else the relation as written.
type Ref struct {
	Node   string `json:"node"`
	Column string `json:"column"`
}

// Edge is one input of an output column (or of the whole model, for
// filter and join dependencies).
type Edge struct {
	From Ref    `json:"from"`
	Kind Kind   `json:"kind"`
	Note string `json:"note,omitempty"`
}

// Column is the lineage of one output column.
type Column struct {
	Name   string `json:"name"`
	Inputs []Edge `json:"inputs"`
}

// Model is the column lineage of one model.
type Model struct {
	Node    string   `json:"node"`
	Columns []Column `json:"columns"`
	// Indirect lists the columns that filter or join rows (WHERE, HAVING,
	// QUALIFY, ON, USING) anywhere in the query.
	Indirect []Edge `json:"indirect,omitempty"`
	// Complete is false when the output column list could not be fully
	// determined (for example `*` over a relation of unknown columns).
	Complete bool `json:"complete"`
	// Problems explains every unknown edge or gap, in plain words.
	Problems []string `json:"problems,omitempty"`
}

// Relation is what the resolver knows of a table a query reads.
type Relation struct {
	ID      string   // unique id of the model, seed or source
	Columns []string // nil when unknown
	// Exact says Columns is the relation's whole column list (found by
	// analysing its SQL); otherwise it is what YAML documents, maybe a part.
	Exact bool
}

// Resolver maps a relation as written in SQL (catalog and schema may be
// empty) to a known relation.
type Resolver interface {
	Resolve(catalog, schema, name string) (Relation, bool)
}

// Parser parses SQL with DuckDB's parser on an in-memory database.
type Parser struct {
	db *sql.DB
}

// NewParser opens an in-memory DuckDB used only for parsing.
func NewParser(ctx context.Context) (*Parser, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open in-memory duckdb for sql parsing: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open in-memory duckdb for sql parsing: %w", err)
	}
	return &Parser{db: db}, nil
}

// Close releases the parser's database.
func (p *Parser) Close() error { return p.db.Close() }

// Parse returns DuckDB's parse tree of one SQL text (json_serialize_sql).
func (p *Parser) Parse(ctx context.Context, query string) (map[string]any, error) {
	var s string
	if err := p.db.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(?::VARCHAR) AS VARCHAR)", query).Scan(&s); err != nil {
		return nil, fmt.Errorf("serialize sql: %w", err)
	}
	return decodeTree(s)
}

func decodeTree(s string) (map[string]any, error) {
	var tree map[string]any
	if err := json.Unmarshal([]byte(s), &tree); err != nil {
		return nil, fmt.Errorf("decode parse tree: %w", err)
	}
	if e, _ := tree["error"].(bool); e {
		msg, _ := tree["error_message"].(string)
		return nil, fmt.Errorf("parse sql: %s", msg)
	}
	return tree, nil
}

// ParseAll parses many SQL texts in one query (much faster than one call
// each) and decodes the trees on a few goroutines. trees[i] is nil where
// errs[i] says why.
func (p *Parser) ParseAll(ctx context.Context, queries []string) (trees []map[string]any, errs []error, err error) {
	trees = make([]map[string]any, len(queries))
	errs = make([]error, len(queries))
	if len(queries) == 0 {
		return trees, errs, nil
	}
	rows, err := p.db.QueryContext(ctx, `SELECT i, CAST(json_serialize_sql(s) AS VARCHAR)
		FROM (SELECT generate_subscripts($1::VARCHAR[], 1) AS i, unnest($1::VARCHAR[]) AS s)`, queries)
	if err != nil {
		return nil, nil, fmt.Errorf("serialize sql: %w", err)
	}
	defer rows.Close()
	texts := make([]string, len(queries))
	for rows.Next() {
		var i int
		var s string
		if err := rows.Scan(&i, &s); err != nil {
			return nil, nil, fmt.Errorf("serialize sql: %w", err)
		}
		if i >= 1 && i <= len(texts) {
			texts[i-1] = s
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("serialize sql: %w", err)
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if texts[i] == "" {
					errs[i] = fmt.Errorf("parse sql: no parse tree returned")
					continue
				}
				trees[i], errs[i] = decodeTree(texts[i])
			}
		}()
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()
	return trees, errs, nil
}

// Analyze computes the column lineage of one SELECT statement. node is the
// unique id reported in the result; declared lists the columns the model
// documents (used to report unknown lineage for columns the SQL analysis
// could not list). A SQL the parser rejects is an error; anything else
// that cannot be analysed is reported in the result as unknown.
func (p *Parser) Analyze(ctx context.Context, node, query string, res Resolver, declared []string) (*Model, error) {
	tree, err := p.Parse(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("column lineage of %s: %w", node, err)
	}
	return AnalyzeTree(node, tree, res, declared), nil
}

// AnalyzeTree is Analyze on a tree from Parse or ParseAll.
func AnalyzeTree(node string, tree map[string]any, res Resolver, declared []string) *Model {
	a := &analyzer{res: res, seenInd: map[string]bool{}}
	m := &Model{Node: node, Complete: true}
	stmts, _ := tree["statements"].([]any)
	var outs []col
	complete := false
	if len(stmts) != 1 {
		a.problem("expected one SQL statement, found %d", len(stmts))
	} else {
		st, _ := stmts[0].(map[string]any)
		qn, _ := st["node"].(map[string]any)
		outs, complete = a.query(qn, nil)
	}
	m.Complete = complete
	seen := map[string]bool{}
	for i, c := range outs {
		if c.name == "" {
			a.problem("output column %d is an expression without an alias; give it one (`... as name`)", i+1)
			m.Complete = false
			continue
		}
		seen[strings.ToLower(c.name)] = true
		m.Columns = append(m.Columns, Column{Name: c.name, Inputs: finalize(c)})
	}
	if !m.Complete {
		for _, d := range declared {
			if seen[strings.ToLower(d)] {
				continue
			}
			m.Columns = append(m.Columns, Column{Name: d, Inputs: []Edge{{Kind: Unknown, Note: "the query's output columns could not all be determined"}}})
		}
	}
	m.Indirect = a.indirect
	m.Problems = a.problems
	return m
}

// origin is an input column reached from an intermediate column, with the
// strongest transformation seen on the way. kind pass means identity or
// rename; finalize decides which by comparing names.
type origin struct {
	ref  Ref
	kind Kind
	note string
}

const pass Kind = "pass"

func rank(k Kind) int {
	switch k {
	case pass, Identity, Renamed:
		return 0
	case Transformed:
		return 1
	case Aggregated:
		return 2
	}
	return 3
}

func combine(outer, inner Kind) Kind {
	if inner == Unknown || outer == Unknown {
		return Unknown
	}
	if rank(inner) > rank(outer) {
		return inner
	}
	return outer
}

type col struct {
	name    string
	origins []origin
}

func finalize(c col) []Edge {
	best := map[Ref]int{}
	var out []Edge
	for _, o := range c.origins {
		k := o.kind
		if k == pass {
			if strings.EqualFold(o.ref.Column, c.name) {
				k = Identity
			} else {
				k = Renamed
			}
		}
		e := Edge{From: o.ref, Kind: k, Note: o.note}
		if k == Unknown {
			out = append(out, e)
			continue
		}
		if i, ok := best[o.ref]; ok {
			if rank(k) > rank(out[i].Kind) {
				out[i] = e
			}
			continue
		}
		best[o.ref] = len(out)
		out = append(out, e)
	}
	if len(out) == 0 {
		return []Edge{}
	}
	return out
}

// rel is one relation in a FROM scope.
type rel struct {
	alias string
	id    string // base relation id, for columns of an unknown-columns relation
	cols  []col  // nil with known=false
	known bool
	// base: a project relation whose column list comes from YAML (not
	// Exact), which may document only some columns; a column read from it
	// by name that the list lacks still comes from it.
	base bool
}

type scope struct {
	parent *scope
	ctes   map[string][]col // CTEs visible here (name lower -> outputs)
	cteOK  map[string]bool  // whether the CTE's output list is complete
	rels   []*rel
	using  map[string]bool
	items  []col // select-list items analysed so far (lateral aliases)
}

func (s *scope) cte(name string) ([]col, bool, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if c, ok := sc.ctes[strings.ToLower(name)]; ok {
			return c, sc.cteOK[strings.ToLower(name)], true
		}
	}
	return nil, false, false
}

type analyzer struct {
	res      Resolver
	indirect []Edge
	seenInd  map[string]bool
	problems []string
}

func (a *analyzer) problem(format string, args ...any) {
	a.problems = append(a.problems, fmt.Sprintf(format, args...))
}

func (a *analyzer) addIndirect(kind Kind, os []origin) {
	for _, o := range os {
		k := kind
		if o.kind == Unknown {
			k = Unknown
		}
		key := string(k) + "\x00" + o.ref.Node + "\x00" + o.ref.Column + "\x00" + o.note
		if a.seenInd[key] {
			continue
		}
		a.seenInd[key] = true
		a.indirect = append(a.indirect, Edge{From: o.ref, Kind: k, Note: o.note})
	}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func list(m map[string]any, k string) []any {
	l, _ := m[k].([]any)
	return l
}

// query analyses a query node (SELECT or set operation) and returns its
// output columns and whether the list is complete.
func (a *analyzer) query(n map[string]any, parent *scope) ([]col, bool) {
	if n == nil {
		a.problem("empty query")
		return nil, false
	}
	sc := &scope{parent: parent, ctes: map[string][]col{}, cteOK: map[string]bool{}, using: map[string]bool{}}
	if cm := obj(n, "cte_map"); cm != nil {
		for _, e := range list(cm, "map") {
			em, _ := e.(map[string]any)
			name := str(em, "key")
			v := obj(em, "value")
			q := obj(obj(v, "query"), "node")
			outs, ok := a.query(q, sc)
			if al := list(v, "aliases"); len(al) > 0 {
				for i, x := range al {
					if s, _ := x.(string); s != "" && i < len(outs) {
						outs[i].name = s
					}
				}
			}
			sc.ctes[strings.ToLower(name)] = outs
			sc.cteOK[strings.ToLower(name)] = ok
		}
	}
	switch str(n, "type") {
	case "SELECT_NODE":
		return a.selectNode(n, sc)
	case "SET_OPERATION_NODE":
		left, lok := a.query(obj(n, "left"), sc)
		right, rok := a.query(obj(n, "right"), sc)
		if str(n, "setop_type") == "UNION_BY_NAME" {
			out := append([]col(nil), left...)
			idx := map[string]int{}
			for i, c := range out {
				idx[strings.ToLower(c.name)] = i
			}
			for _, c := range right {
				if i, ok := idx[strings.ToLower(c.name)]; ok {
					out[i].origins = append(append([]origin(nil), out[i].origins...), c.origins...)
				} else {
					out = append(out, c)
				}
			}
			return out, lok && rok
		}
		if !lok || !rok || len(left) != len(right) {
			if lok && rok {
				a.problem("set operation branches have %d and %d columns", len(left), len(right))
			}
			return left, false
		}
		out := make([]col, len(left))
		for i := range left {
			out[i] = col{name: left[i].name, origins: append(append([]origin(nil), left[i].origins...), right[i].origins...)}
		}
		return out, true
	default:
		a.problem("query node %q is not analysed", str(n, "type"))
		return nil, false
	}
}

func (a *analyzer) selectNode(n map[string]any, sc *scope) ([]col, bool) {
	complete := a.from(obj(n, "from_table"), sc)
	var outs []col
	for _, it := range list(n, "select_list") {
		e, _ := it.(map[string]any)
		if str(e, "class") == "STAR" {
			cols, ok := a.star(e, sc)
			if !ok {
				complete = false
			}
			outs = append(outs, cols...)
			sc.items = append(sc.items, cols...)
			continue
		}
		name := str(e, "alias")
		if name == "" && str(e, "class") == "COLUMN_REF" {
			names := strs(list(e, "column_names"))
			if len(names) > 0 {
				name = names[len(names)-1]
			}
		}
		c := col{name: name, origins: a.expr(e, sc)}
		outs = append(outs, c)
		sc.items = append(sc.items, c)
	}
	for _, k := range []string{"where_clause", "having", "qualify"} {
		if w := obj(n, k); w != nil {
			a.addIndirect(Filter, a.refs(w, sc))
		}
	}
	return outs, complete
}

func strs(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// from adds the relations of a FROM clause to the scope; false when some
// relation's columns are unknown.
func (a *analyzer) from(t map[string]any, sc *scope) bool {
	if t == nil {
		return true
	}
	switch str(t, "type") {
	case "EMPTY":
		return true
	case "BASE_TABLE":
		name, schema, catalog := str(t, "table_name"), str(t, "schema_name"), str(t, "catalog_name")
		alias := str(t, "alias")
		if alias == "" {
			alias = name
		}
		if schema == "" && catalog == "" {
			if cols, ok, found := sc.cte(name); found {
				sc.rels = append(sc.rels, &rel{alias: alias, cols: cols, known: ok, id: name})
				return true
			}
		}
		if a.res != nil {
			if r, ok := a.res.Resolve(catalog, schema, name); ok {
				rl := &rel{alias: alias, id: r.ID, known: r.Columns != nil, base: !r.Exact}
				for _, c := range r.Columns {
					rl.cols = append(rl.cols, col{name: c, origins: []origin{{ref: Ref{Node: r.ID, Column: c}, kind: pass}}})
				}
				sc.rels = append(sc.rels, rl)
				return true
			}
		}
		id := strings.Trim(strings.Join([]string{catalog, schema, name}, "."), ".")
		for strings.Contains(id, "..") {
			id = strings.ReplaceAll(id, "..", ".")
		}
		sc.rels = append(sc.rels, &rel{alias: alias, id: id})
		return true
	case "JOIN":
		ok1 := a.from(obj(t, "left"), sc)
		nLeft := len(sc.rels)
		ok2 := a.from(obj(t, "right"), sc)
		if c := obj(t, "condition"); c != nil {
			a.addIndirect(Join, a.refs(c, sc))
		}
		for _, u := range strs(list(t, "using_columns")) {
			sc.using[strings.ToLower(u)] = true
			var os []origin
			for i, r := range sc.rels {
				side := i < nLeft
				_ = side
				os = append(os, a.fromRelAll(r, u)...)
			}
			a.addIndirect(Join, os)
		}
		if str(t, "ref_type") == "NATURAL" {
			a.problem("natural join: join columns are not analysed")
		}
		return ok1 && ok2
	case "SUBQUERY":
		q := obj(obj(t, "subquery"), "node")
		outs, ok := a.query(q, sc)
		if al := strs(list(t, "column_name_alias")); len(al) > 0 {
			for i, s := range al {
				if i < len(outs) {
					outs[i].name = s
				}
			}
		}
		sc.rels = append(sc.rels, &rel{alias: str(t, "alias"), cols: outs, known: ok, id: str(t, "alias")})
		return true
	case "EXPRESSION_LIST":
		// VALUES: columns col0, col1, ... (renamed by the alias list of the
		// subquery DuckDB wraps them in); each column's inputs are what its
		// expressions read, across every row.
		rows := list(t, "values")
		var cols []col
		for _, r := range rows {
			exprs, _ := r.([]any)
			for i, x := range exprs {
				if i >= len(cols) {
					cols = append(cols, col{name: fmt.Sprintf("col%d", i), origins: []origin{}})
				}
				if e, ok := x.(map[string]any); ok {
					cols[i].origins = append(cols[i].origins, a.expr(e, sc)...)
				}
			}
		}
		sc.rels = append(sc.rels, &rel{alias: str(t, "alias"), cols: cols, known: true, id: "values"})
		return true
	default:
		a.problem("FROM item of type %s is not analysed", str(t, "type"))
		sc.rels = append(sc.rels, &rel{alias: str(t, "alias"), id: strings.ToLower(str(t, "type"))})
		return false
	}
}

// fromRel returns the origins of column name in relation r; found is
// false when r's columns are known and name is not among them. A column
// with no origins (a constant) is found with an empty list.
func (a *analyzer) fromRel(r *rel, name string) (os []origin, found bool) {
	if !r.known {
		return []origin{{ref: Ref{Node: r.id, Column: strings.ToLower(name)}, kind: pass}}, true
	}
	for _, c := range r.cols {
		if strings.EqualFold(c.name, name) {
			return c.origins, true
		}
	}
	return nil, false
}

func (a *analyzer) fromRelAll(r *rel, name string) []origin {
	os, _ := a.fromRel(r, name)
	return os
}

func hasCol(r *rel, name string) bool {
	for _, c := range r.cols {
		if strings.EqualFold(c.name, name) {
			return true
		}
	}
	return false
}

func (a *analyzer) star(e map[string]any, sc *scope) ([]col, bool) {
	if b, _ := e["columns"].(bool); b {
		a.problem("COLUMNS(...) expressions are not analysed")
		return nil, false
	}
	relName := str(e, "relation_name")
	exclude := map[string]bool{}
	for _, x := range list(e, "exclude_list") {
		switch v := x.(type) {
		case string:
			exclude[strings.ToLower(v)] = true
		case map[string]any:
			for _, s := range strs(list(v, "column_names")) {
				exclude[strings.ToLower(s)] = true
			}
			if s := str(v, "exclude_column"); s != "" {
				exclude[strings.ToLower(s)] = true
			}
		}
	}
	replace := map[string]map[string]any{}
	for _, x := range list(e, "replace_list") {
		m, _ := x.(map[string]any)
		replace[strings.ToLower(str(m, "key"))] = obj(m, "value")
	}
	var out []col
	seenUsing := map[string]bool{}
	for _, r := range sc.rels {
		if relName != "" && !strings.EqualFold(r.alias, relName) {
			continue
		}
		if !r.known {
			a.problem("`*` over %s, whose columns are not known (declare them in YAML or a contract)", r.id)
			return out, false
		}
		for _, c := range r.cols {
			ln := strings.ToLower(c.name)
			if exclude[ln] {
				continue
			}
			if relName == "" && sc.using[ln] {
				if seenUsing[ln] {
					continue
				}
				seenUsing[ln] = true
				// A USING column in `*` is the coalesce of both sides.
				var os []origin
				for _, r2 := range sc.rels {
					os = append(os, a.fromRelAll(r2, c.name)...)
				}
				out = append(out, col{name: c.name, origins: os})
				continue
			}
			if rv, ok := replace[ln]; ok {
				out = append(out, col{name: c.name, origins: a.expr(rv, sc)})
				continue
			}
			out = append(out, col{name: c.name, origins: c.origins})
		}
	}
	return out, true
}

// isAggregate reports whether a function name is an aggregate (plain or
// used as a window function).
func isAggregate(name string) bool {
	switch name {
	case "sum", "count", "count_star", "avg", "mean", "min", "max", "any_value", "first", "last",
		"arbitrary", "string_agg", "group_concat", "listagg", "list", "array_agg", "collect_list",
		"collect_set", "median", "mode", "quantile", "quantile_cont", "quantile_disc", "percentile_cont",
		"percentile_disc", "approx_quantile", "approx_count_distinct", "stddev", "stddev_pop",
		"stddev_samp", "variance", "var_pop", "var_samp", "bool_and", "bool_or", "every", "bit_and",
		"bit_or", "arg_max", "arg_min", "max_by", "min_by", "product", "fsum", "sumkahan", "histogram",
		"entropy", "kurtosis", "skewness", "corr", "covar_pop", "covar_samp", "regr_slope", "count_if",
		"countif", "sum_no_overflow":
		return true
	}
	return false
}

// expr returns the origins of an expression's value, with this level's kind
// folded in: a bare column is a pass-through, anything containing an
// aggregate (plain or windowed) is aggregated, the rest transformed.
func (a *analyzer) expr(e map[string]any, sc *scope) []origin {
	os := a.refs(e, sc)
	kind := Transformed
	switch {
	case str(e, "class") == "COLUMN_REF":
		kind = pass
	case hasAggregate(e):
		kind = Aggregated
	}
	out := make([]origin, len(os))
	for i, o := range os {
		out[i] = origin{ref: o.ref, kind: combine(kind, o.kind), note: o.note}
	}
	return out
}

func hasAggregate(e any) bool {
	switch v := e.(type) {
	case map[string]any:
		switch str(v, "class") {
		case "FUNCTION", "WINDOW":
			if isAggregate(strings.ToLower(str(v, "function_name"))) {
				return true
			}
		case "SUBQUERY":
			return false
		}
		for k, x := range v {
			if k == "subquery" {
				continue
			}
			if hasAggregate(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasAggregate(x) {
				return true
			}
		}
	}
	return false
}

// refs collects the origins of every column an expression reads, with
// their own (upstream) kinds.
func (a *analyzer) refs(e any, sc *scope) []origin {
	var out []origin
	var walk func(x any, lambda map[string]bool)
	walk = func(x any, lambda map[string]bool) {
		switch v := x.(type) {
		case map[string]any:
			switch str(v, "class") {
			case "COLUMN_REF":
				names := strs(list(v, "column_names"))
				if len(names) == 1 && lambda[strings.ToLower(names[0])] {
					return
				}
				out = append(out, a.resolve(names, sc)...)
				return
			case "SUBQUERY":
				outs, ok := a.query(obj(obj(v, "subquery"), "node"), sc)
				if !ok {
					out = append(out, origin{kind: Unknown, note: "subquery columns could not be determined"})
				}
				for _, c := range outs {
					for _, o := range c.origins {
						out = append(out, origin{ref: o.ref, kind: combine(Transformed, o.kind), note: o.note})
					}
				}
				if c := obj(v, "child"); c != nil {
					walk(c, lambda)
				}
				return
			case "LAMBDA":
				inner := map[string]bool{}
				for k := range lambda {
					inner[k] = true
				}
				var params func(any)
				params = func(p any) {
					switch pv := p.(type) {
					case map[string]any:
						if str(pv, "class") == "COLUMN_REF" {
							for _, s := range strs(list(pv, "column_names")) {
								inner[strings.ToLower(s)] = true
							}
							return
						}
						for _, y := range pv {
							params(y)
						}
					case []any:
						for _, y := range pv {
							params(y)
						}
					}
				}
				params(v["lhs"])
				walk(v["expr"], inner)
				return
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(v[k], lambda)
			}
		case []any:
			for _, y := range v {
				walk(y, lambda)
			}
		}
	}
	walk(e, nil)
	return out
}

// resolve finds the origins of a column reference in the scope chain:
// a, t.a, s.t.a, c.s.t.a (a relation qualifier, then the column) or, when
// no qualifier names a relation, a.f.g (column a, struct fields f and g).
// Struct field access makes the column transformed.
func (a *analyzer) resolve(names []string, sc *scope) []origin {
	if len(names) == 0 {
		return nil
	}
	full := strings.Join(names, ".")
	fields := func(os []origin, n int) []origin {
		if n == 0 {
			return os
		}
		res := make([]origin, len(os))
		for i, o := range os {
			res[i] = origin{ref: o.ref, kind: combine(Transformed, o.kind), note: o.note}
		}
		return res
	}
	for s := sc; s != nil; s = s.parent {
		// A qualifier at position q (0: table, 1: schema.table, 2:
		// catalog.schema.table) names a relation of this scope.
		for q := 0; q+1 < len(names) && q < 3; q++ {
			for _, r := range s.rels {
				if !strings.EqualFold(r.alias, names[q]) {
					continue
				}
				colName := names[q+1]
				rest := len(names) - q - 2
				if os, ok := a.fromRel(r, colName); ok {
					return fields(os, rest)
				}
				if r.base {
					return fields([]origin{{ref: Ref{Node: r.id, Column: strings.ToLower(colName)}, kind: pass}}, rest)
				}
				return []origin{{kind: Unknown, note: fmt.Sprintf("column %s not found in %s", colName, r.alias)}}
			}
		}
		if os, ok := a.resolveOne(names[0], s); ok {
			return fields(os, len(names)-1)
		}
	}
	return []origin{{kind: Unknown, note: fmt.Sprintf("column %s could not be resolved", full)}}
}

func (a *analyzer) resolveOne(name string, s *scope) ([]origin, bool) {
	var found []*rel
	var unknown []*rel
	for _, r := range s.rels {
		if !r.known {
			unknown = append(unknown, r)
			continue
		}
		if hasCol(r, name) {
			found = append(found, r)
		}
	}
	switch {
	case len(found) == 1 && len(unknown) == 0:
		return a.fromRel(found[0], name)
	case len(found) > 1 && s.using[strings.ToLower(name)] && len(unknown) == 0:
		var os []origin
		for _, r := range found {
			os = append(os, a.fromRelAll(r, name)...)
		}
		return os, true
	case len(found) == 0 && len(unknown) == 1:
		return a.fromRel(unknown[0], name)
	case len(found) == 0 && len(unknown) == 0:
		for _, it := range s.items {
			if strings.EqualFold(it.name, name) {
				return it.origins, true
			}
		}
		if len(s.rels) == 1 && s.rels[0].base {
			return []origin{{ref: Ref{Node: s.rels[0].id, Column: strings.ToLower(name)}, kind: pass}}, true
		}
		return nil, false
	case len(found) >= 1 && len(unknown) == 0:
		return []origin{{kind: Unknown, note: fmt.Sprintf("column %s is ambiguous", name)}}, true
	default:
		if s.using[strings.ToLower(name)] {
			var os []origin
			for _, r := range append(found, unknown...) {
				os = append(os, a.fromRelAll(r, name)...)
			}
			return os, true
		}
		var ids []string
		for _, r := range append(found, unknown...) {
			ids = append(ids, r.id)
		}
		return []origin{{kind: Unknown, note: fmt.Sprintf("column %s may come from any of %s (columns not known)", name, strings.Join(ids, ", "))}}, true
	}
}
