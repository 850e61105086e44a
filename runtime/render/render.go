package render

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// Resolver turns ref, source and this into relation names.
type Resolver interface {
	Ref(name string) (string, error)
	Source(source, table string) (string, error)
	This() (string, error)
}

// RefWriter is implemented by a Resolver that can write a ref's result
// straight into the output; the fast path then spares a string per ref.
// WriteRef must write exactly what Ref returns.
type RefWriter interface {
	WriteRef(b *strings.Builder, name string)
}

// State is what one render reads and records.
type State struct {
	Resolver      Resolver
	IsIncremental bool

	// Recorded while rendering.
	Config  map[string]any // config calls, merged in call order
	Refs    []string       // ref names, in order of first use
	Sources [][2]string    // source (name, table) pairs, in order of first use
	Macros  []string       // macros rendered (include/dispatch), in order of first use

	depth int
}

func (s *State) addRef(name string) {
	for _, r := range s.Refs {
		if r == name {
			return
		}
	}
	s.Refs = append(s.Refs, name)
}

func (s *State) addSource(src, tbl string) {
	for _, r := range s.Sources {
		if r[0] == src && r[1] == tbl {
			return
		}
	}
	s.Sources = append(s.Sources, [2]string{src, tbl})
}

func (s *State) addMacro(name string) {
	for _, m := range s.Macros {
		if m == name {
			return
		}
	}
	s.Macros = append(s.Macros, name)
}

// MaxIncludeDepth bounds nested include/dispatch calls (a macro that
// includes itself would otherwise never end).
const MaxIncludeDepth = 64

// Options configure an Env.
type Options struct {
	Project    string
	Target     adapter.Config
	Dialect    adapter.Dialect // may be nil: dispatch then tries Target.Type, then default
	Vars       map[string]any  // project vars after --vars overrides
	MacroFiles []project.File
}

// Env is the parsed macro set and the settings shared by every render.
type Env struct {
	base      *template.Template
	funcNames map[string]any
	dispatch  []string
	target    map[string]any
	vars      map[string]any
	macros    map[string]*project.Macro
	macroFile map[string]string
	pure      map[string]bool // macros whose output depends only on their arguments
}

// impureRe finds what makes a macro's output depend on more than its
// arguments (or record state): engine calls other than var and target,
// nested templates and calls of function values. A false match only makes
// a macro uncached.
var impureRe = regexp.MustCompile(`\b(ref|source|this|config|is_incremental|include|dispatch|env|template|block|call)\b`)

// builtinNames are text/template's predefined functions, for parse-time checks.
var builtinNames = map[string]any{
	"and": true, "call": true, "html": true, "index": true, "slice": true, "js": true, "len": true,
	"not": true, "or": true, "print": true, "printf": true, "println": true, "urlquery": true,
	"eq": true, "ge": true, "gt": true, "le": true, "lt": true, "ne": true,
}

// engineFuncNames are the engine's own template functions.
var engineFuncNames = []string{"ref", "source", "config", "var", "env", "this", "target",
	"is_incremental", "include", "dispatch"}

// NewEnv parses every macro file once. Errors name file:line.
func NewEnv(o Options) (*Env, error) {
	funcs := template.FuncMap(sprig.TxtFuncMap())
	delete(funcs, "expandenv")
	stub := func(...any) (string, error) { return "", nil }
	for _, n := range engineFuncNames {
		funcs[n] = stub
	}
	e := &Env{
		funcNames: make(map[string]any, len(funcs)),
		vars:      o.Vars,
		macros:    map[string]*project.Macro{},
		macroFile: map[string]string{},
		pure:      map[string]bool{},
	}
	for k := range funcs {
		e.funcNames[k] = true
	}
	e.base = template.New("").Funcs(funcs)
	if o.Dialect != nil {
		e.dispatch = o.Dialect.DispatchOrder()
	} else if o.Target.Type != "" {
		e.dispatch = []string{o.Target.Type}
	}
	if len(e.dispatch) == 0 || e.dispatch[len(e.dispatch)-1] != "default" {
		e.dispatch = append(append([]string(nil), e.dispatch...), "default")
	}
	e.target = map[string]any{}
	for k, v := range o.Target.Fields {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || strings.Contains(lk, "password") || strings.Contains(lk, "secret") {
			continue
		}
		e.target[k] = v
	}
	e.target["name"] = o.Target.Name
	e.target["type"] = o.Target.Type
	e.target["schema"] = o.Target.Schema
	e.target["threads"] = o.Target.Threads
	e.target["profile_name"] = o.Project

	var errs []error
	for _, f := range o.MacroFiles {
		trees, err := parse.Parse(f.Path, f.Text, "", "", e.funcNames, builtinNames)
		if err != nil {
			errs = append(errs, ParseError(f.Path, f.Text, err))
			continue
		}
		names := make([]string, 0, len(trees))
		for name := range trees {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			tree := trees[name]
			if name == f.Path {
				continue // text outside define blocks is ignored, as in Helm
			}
			line, _ := project.LineCol(f.Text, int(tree.Root.Pos))
			if prev, ok := e.macros[name]; ok {
				errs = append(errs, project.Errorf(f.Path, line, 0,
					"macro %q is defined twice: here and in %s:%d; rename or remove one", name, prev.OriginalFilePath, prev.Line))
				continue
			}
			if _, err := e.base.AddParseTree(name, tree); err != nil {
				errs = append(errs, project.Errorf(f.Path, line, 0, "macro %q: %v", name, err))
				continue
			}
			body := tree.Root.String()
			e.macros[name] = &project.Macro{
				UniqueID:         "macro." + o.Project + "." + name,
				Name:             name,
				OriginalFilePath: f.Path,
				Line:             line,
				Body:             body,
				Checksum:         project.Checksum(body),
				DependsOnMacros:  treeMacroCalls(tree, e.dispatch),
			}
			e.macroFile[name] = f.Path
			if !impureRe.MatchString(body) {
				e.pure[name] = true
			}
		}
	}
	if err := project.JoinErrors(errs, 20); err != nil {
		return nil, err
	}
	// Resolve dispatch names in macro dependencies to the macros that exist.
	for _, m := range e.macros {
		m.DependsOnMacros = e.resolveCalls(m.DependsOnMacros)
	}
	return e, nil
}

func (e *Env) varNames() []string {
	out := make([]string, 0, len(e.vars))
	for k := range e.vars {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Macros returns the parsed macros keyed by name.
func (e *Env) Macros() map[string]*project.Macro { return e.macros }

// HasMacro reports whether a macro of that name is defined.
func (e *Env) HasMacro(name string) bool { _, ok := e.macros[name]; return ok }

// DispatchOrder is the prefix order dispatch tries.
func (e *Env) DispatchOrder() []string { return e.dispatch }

// resolveCalls maps "include:x" and "dispatch:x" entries to macro names.
func (e *Env) resolveCalls(calls []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, c := range calls {
		kind, name, _ := strings.Cut(c, ":")
		if kind == "template" {
			kind = "include"
		}
		if kind == "dispatch" {
			for _, p := range e.dispatch {
				if _, ok := e.macros[p+"__"+name]; ok {
					add(p + "__" + name)
					break
				}
			}
			continue
		}
		if _, ok := e.macros[name]; ok {
			add(name)
		}
	}
	sort.Strings(out)
	return out
}

// treeMacroCalls lists the literal include/dispatch/template calls of a tree
// as "include:name" / "dispatch:name".
func treeMacroCalls(t *parse.Tree, _ []string) []string {
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch x := n.(type) {
		case nil:
		case *parse.ListNode:
			if x == nil {
				return
			}
			for _, c := range x.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(x.Pipe)
		case *parse.PipeNode:
			if x == nil {
				return
			}
			for _, c := range x.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(x.Args) >= 2 {
				if id, ok := x.Args[0].(*parse.IdentifierNode); ok && (id.Ident == "include" || id.Ident == "dispatch") {
					if s, ok := x.Args[1].(*parse.StringNode); ok {
						out = append(out, id.Ident+":"+s.Text)
					}
				}
			}
			for _, a := range x.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.RangeNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.WithNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.TemplateNode:
			out = append(out, "template:"+x.Name)
			walk(x.Pipe)
		}
	}
	if t != nil {
		walk(t.Root)
	}
	return out
}

// Renderer renders templates on one goroutine.
type Renderer struct {
	env *Env
	t   *template.Template
	st  *State
	buf bytes.Buffer
	// memo holds outputs of pure macros by name and literal arguments:
	// models call the same macros with the same arguments over and over.
	memo map[string]string
	key  []byte // the memo key being looked up
}

// NewRenderer clones the macro set for one goroutine.
func (e *Env) NewRenderer() *Renderer {
	t, err := e.base.Clone()
	if err != nil {
		// Clone fails only after the set has been executed; base never is.
		panic(fmt.Sprintf("render: clone macro set: %v", err))
	}
	r := &Renderer{env: e, t: t}
	t.Funcs(r.funcs())
	return r
}

// Parse parses a model, test or ad-hoc template. Defines are not allowed
// outside macros/. Errors name file:line:col.
func (e *Env) Parse(name, text string) (*parse.Tree, error) {
	trees, err := parse.Parse(name, text, "", "", e.funcNames, builtinNames)
	if err != nil {
		return nil, ParseError(name, text, err)
	}
	for n, t := range trees {
		if n != name {
			line, col := project.LineCol(text, int(t.Root.Pos))
			return nil, project.Errorf(name, line, col, "define %q: named templates belong in a macros/ file, not in a model", n)
		}
	}
	t := trees[name]
	if t == nil { // an empty file parses to no tree
		t = &parse.Tree{Name: name, ParseName: name, Root: &parse.ListNode{NodeType: parse.NodeList}}
	}
	for _, c := range treeMacroCalls(t, nil) {
		if kind, m, _ := strings.Cut(c, ":"); kind == "template" && !e.HasMacro(m) {
			return nil, project.Errorf(name, 0, 0, "{{ template %q }}: there is no macro %q; call macros with include", m, m)
		}
	}
	return t, nil
}

// nodeTemplate is the name every executed tree takes in a Renderer's set:
// each execution replaces the previous tree, so a Renderer does not keep
// every template it rendered alive. Positions in errors come from the
// tree's own file name.
const nodeTemplate = "\x00node"

// Execute renders a parsed tree (named name, usually the file path) with st.
func (r *Renderer) Execute(name string, tree *parse.Tree, st *State) (string, error) {
	t, err := r.t.AddParseTree(nodeTemplate, tree)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return r.run(st, func(b *bytes.Buffer) error { return t.Execute(b, nil) })
}

// Macro renders a macro with args (dot is nil, the one arg, or []any).
func (r *Renderer) Macro(name string, st *State, args ...any) (string, error) {
	if !r.env.HasMacro(name) {
		return "", r.env.unknownMacro(name)
	}
	return r.run(st, func(b *bytes.Buffer) error { return r.t.ExecuteTemplate(b, name, dot(args)) })
}

func (r *Renderer) run(st *State, f func(*bytes.Buffer) error) (string, error) {
	if st.Config == nil {
		st.Config = map[string]any{}
	}
	prev := r.st
	r.st = st
	defer func() { r.st = prev }()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		return "", ExecError(err)
	}
	return b.String(), nil
}

func dot(args []any) any {
	switch len(args) {
	case 0:
		return nil
	case 1:
		return args[0]
	default:
		return args
	}
}

func (e *Env) unknownMacro(name string) error {
	names := make([]string, 0, len(e.macros))
	for n := range e.macros {
		names = append(names, n)
	}
	sort.Strings(names)
	hint := ""
	if c := project.Closest(name, names, 3); len(c) > 0 {
		hint = " (did you mean " + strings.Join(c, ", ") + "?)"
	}
	return fmt.Errorf("macro %q is not defined in macros/%s; define it with {{ define %q }}...{{ end }}", name, hint, name)
}

func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"ref": func(args ...string) (string, error) {
			if len(args) < 1 || len(args) > 2 {
				return "", fmt.Errorf("ref takes a model name (and optionally a package first), e.g. ref \"silver_orders\"; got %d arguments", len(args))
			}
			name := args[len(args)-1]
			r.st.addRef(name)
			return r.st.Resolver.Ref(name)
		},
		"source": func(src, tbl string) (string, error) {
			r.st.addSource(src, tbl)
			return r.st.Resolver.Source(src, tbl)
		},
		"this": func() (string, error) { return r.st.Resolver.This() },
		"is_incremental": func() bool {
			return r.st.IsIncremental
		},
		"target": func() map[string]any { return r.env.target },
		"var": func(name string, def ...any) (any, error) {
			if v, ok := r.env.vars[name]; ok {
				return v, nil
			}
			if len(def) > 0 {
				return def[0], nil
			}
			hint := ""
			if c := project.Closest(name, r.env.varNames(), 3); len(c) > 0 {
				hint = " (did you mean " + strings.Join(c, ", ") + "?)"
			}
			return nil, fmt.Errorf("var %q is not declared%s; add it under vars: in project.yml, pass --vars '{%s: ...}', or give a default: var %q \"default\"", name, hint, name, name)
		},
		"env": func(name string, def ...string) (string, error) {
			if v, ok := os.LookupEnv(name); ok {
				return v, nil
			}
			if len(def) > 0 {
				return def[0], nil
			}
			return "", fmt.Errorf("environment variable %s is not set; set it or give a default: env %q \"default\"", name, name)
		},
		"config": func(args ...any) (string, error) {
			if len(args) == 1 {
				m, ok := args[0].(map[string]any)
				if !ok {
					return "", fmt.Errorf("config takes key/value pairs or one dict, e.g. config \"materialized\" \"table\"; got a %T", args[0])
				}
				project.MergeConfig(r.st.Config, m)
				return "", nil
			}
			if len(args)%2 != 0 {
				return "", fmt.Errorf("config takes key/value pairs, e.g. config \"materialized\" \"table\" \"tags\" (list \"a\"); got %d arguments", len(args))
			}
			for i := 0; i < len(args); i += 2 {
				k, ok := args[i].(string)
				if !ok {
					return "", fmt.Errorf("config: key %d must be a string, got %T", i/2+1, args[i])
				}
				project.MergeConfig(r.st.Config, map[string]any{k: args[i+1]})
			}
			return "", nil
		},
		"include": func(name string, args ...any) (string, error) {
			return r.include(name, args)
		},
		"dispatch": func(name string, args ...any) (string, error) {
			for _, p := range r.env.dispatch {
				if r.env.HasMacro(p + "__" + name) {
					return r.include(p+"__"+name, args)
				}
			}
			return "", fmt.Errorf("dispatch %q: no macro %s__%s for this target; define one of them in macros/",
				name, strings.Join(r.env.dispatch, "__"+name+", "), name)
		},
	}
}

func (r *Renderer) include(name string, args []any) (string, error) {
	if !r.env.HasMacro(name) {
		return "", r.env.unknownMacro(name)
	}
	if r.st.depth >= MaxIncludeDepth {
		return "", fmt.Errorf("include %q: macros nest deeper than %d; a macro probably includes itself", name, MaxIncludeDepth)
	}
	r.st.addMacro(name)
	cacheable := r.env.pure[name]
	var key string
	if cacheable {
		// The key is spelled into a buffer the Renderer keeps; the map
		// lookup converts it without a copy, and only a miss makes it a
		// string (before a nested include reuses the buffer).
		r.key, cacheable = appendMemoKey(r.key[:0], name, args)
		if out, ok := r.memo[string(r.key)]; ok {
			return out, nil
		}
		key = string(r.key)
	}
	r.st.depth++
	defer func() { r.st.depth-- }()
	var b bytes.Buffer
	if err := r.t.ExecuteTemplate(&b, name, dot(args)); err != nil {
		return "", err
	}
	out := b.String()
	if cacheable && len(r.memo) < maxMemo {
		if r.memo == nil {
			r.memo = map[string]string{}
		}
		r.memo[key] = out
	}
	return out, nil
}

// maxMemo bounds a Renderer's macro memo.
const maxMemo = 1 << 14

// appendMemoKey appends to b the spelling of a macro call whose arguments
// are strings, ints or bools (typed, so that "1" and 1 differ); ok is
// false for other arguments.
func appendMemoKey(b []byte, name string, args []any) ([]byte, bool) {
	b = append(b, name...)
	for _, a := range args {
		var ok bool
		if b, ok = appendMemoArg(b, a); !ok {
			return b, false
		}
	}
	return b, true
}

// appendMemoArg appends one argument of a memo key; ok is false for an
// argument that is not a string, an int or a bool.
func appendMemoArg(b []byte, a any) ([]byte, bool) {
	switch x := a.(type) {
	case string:
		return appendMemoString(b, x), true
	case int:
		b = append(b, "\x00i"...)
		return strconv.AppendInt(b, int64(x), 10), true
	case bool:
		b = append(b, "\x00b"...)
		return strconv.AppendBool(b, x), true
	}
	return b, false
}

// appendMemoString appends a string argument of a memo key.
func appendMemoString(b []byte, s string) []byte {
	b = append(b, "\x00s"...)
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

var (
	parseErrRe = regexp.MustCompile(`^template: (.*?):(\d+):(?:(\d+):)? ?(.*)$`)
	quotedRe   = regexp.MustCompile(`"([^"]+)"|<([^<>]+)>`)
)

// ParseError turns a text/template parse error into a PosError with the
// file, line and (best effort) column.
func ParseError(file, text string, err error) error {
	m := parseErrRe.FindStringSubmatch(strings.SplitN(err.Error(), "\n", 2)[0])
	if m == nil {
		return &project.PosError{File: file, Msg: "template syntax error: " + err.Error(), Err: err}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	msg := m[4]
	if col == 0 {
		col = guessCol(text, line, msg)
	}
	return &project.PosError{File: m[1], Line: line, Col: col, Msg: "template syntax error: " + msg, Err: err}
}

func guessCol(text string, line int, msg string) int {
	lines := strings.SplitN(text, "\n", line+1)
	if line < 1 || line > len(lines) {
		return 0
	}
	l := lines[line-1]
	if q := quotedRe.FindStringSubmatch(msg); q != nil {
		tok := q[1]
		if tok == "" {
			tok = q[2]
		}
		if i := strings.Index(l, tok); i >= 0 {
			return i + 1
		}
	}
	if i := strings.LastIndex(l, "{{"); i >= 0 {
		return i + 1
	}
	return 0
}

var (
	execErrRe    = regexp.MustCompile(`^template: (.*?):(\d+):(\d+): (?:executing "[^"]*" at )?(.*)$`)
	errCallingRe = regexp.MustCompile(`^<(.*?)>: error calling [A-Za-z_]+: `)
)

// tidy turns `<var "x">: error calling var: msg` into `in {{ var "x" }}: msg`.
func tidy(msg string) string {
	if m := errCallingRe.FindStringSubmatchIndex(msg); m != nil {
		return "in {{ " + msg[m[2]:m[3]] + " }}: " + msg[m[1]:]
	}
	return msg
}

// ExecError turns a text/template execution error into a PosError naming
// file:line:col (the file is the template's file; for a macro, its
// macro file).
func ExecError(err error) error {
	var pe *project.PosError
	if ok := asPos(err, &pe); ok {
		return pe
	}
	s := err.Error()
	// Nested includes produce "template: a:1:2: ... error calling include: template: b:3:4: ...";
	// the innermost position is the most useful.
	if i := strings.LastIndex(s, "template: "); i > 0 {
		if m := execErrRe.FindStringSubmatch(s[i:]); m != nil {
			outer := execErrRe.FindStringSubmatch(s)
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			col++ // text/template counts columns from 0
			msg := m[4]
			if outer != nil {
				oc, _ := strconv.Atoi(outer[3])
				msg += " (included from " + outer[1] + ":" + outer[2] + ":" + strconv.Itoa(oc+1) + ")"
			}
			return &project.PosError{File: m[1], Line: line, Col: col, Msg: tidy(msg), Err: err}
		}
	}
	if m := execErrRe.FindStringSubmatch(s); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		return &project.PosError{File: m[1], Line: line, Col: col + 1, Msg: tidy(m[4]), Err: err}
	}
	return err
}

func asPos(err error, pe **project.PosError) bool {
	p, ok := err.(*project.PosError)
	if ok {
		*pe = p
	}
	return ok
}
