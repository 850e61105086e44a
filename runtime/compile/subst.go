package compile

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// Templates are rendered once, before every node's schema and alias are
// known (a model's own config call may change them). ref, source and this
// therefore emit marks that substitute replaces once all configs are in.
const (
	markStart  = '\x00'
	markRef    = 'R'
	markSource = 'S'
	markThis   = 'T'
	markSep    = "\x01"
)

// markResolver is the render.Resolver of the engine: it emits marks.
type markResolver struct{}

func (markResolver) Ref(name string) (string, error) {
	return "\x00R" + name + "\x00", nil
}

// WriteRef writes Ref's mark into b (render.RefWriter).
func (markResolver) WriteRef(b *strings.Builder, name string) {
	b.WriteString("\x00R")
	b.WriteString(name)
	b.WriteByte(markStart)
}

func (markResolver) Source(src, tbl string) (string, error) {
	return "\x00S" + src + markSep + tbl + "\x00", nil
}

func (markResolver) This() (string, error) { return "\x00T\x00", nil }

// ephemeralInfo is an ephemeral model's SQL with marks replaced and the
// ephemeral models it reads itself.
type ephemeralInfo struct {
	body string
	deps []*project.Node
}

// replaceMarks replaces ref/source/this marks with relation names (or
// __dbt__cte__<name> for ephemeral models, which it returns).
func (e *Engine) replaceMarks(text string, n *project.Node) (string, []*project.Node, error) {
	i := strings.IndexByte(text, markStart)
	if i < 0 {
		return text, nil, nil
	}
	var b strings.Builder
	b.Grow(len(text) + 64)
	var ephs []*project.Node
	for i >= 0 {
		b.WriteString(text[:i])
		if i+2 > len(text) {
			return "", nil, fmt.Errorf("%s: stray NUL character in the rendered SQL", where(n))
		}
		kind := text[i+1]
		end := strings.IndexByte(text[i+2:], markStart)
		if end < 0 {
			return "", nil, fmt.Errorf("%s: a ref/source/this result was cut by a template function; use it whole", where(n))
		}
		arg := text[i+2 : i+2+end]
		text = text[i+2+end+1:]
		switch kind {
		case markRef:
			m, ok := e.byName[arg]
			if !ok {
				line, col := 0, 0
				if n != nil {
					line, col = findCall(n.RawCode, "ref", arg)
				}
				return "", nil, project.Errorf(where(n), line, col, "ref %q: there is no model or seed named %q", arg, arg)
			}
			if m.Config.Materialized == project.MatEphemeral {
				b.WriteString("__dbt__cte__" + m.Name)
				ephs = appendNode(ephs, m)
			} else {
				b.WriteString(e.RelationName(m.UniqueID))
			}
		case markSource:
			src, tbl, _ := strings.Cut(arg, markSep)
			id := e.sourceID(src, tbl)
			if _, ok := e.Project.Sources[id]; !ok {
				return "", nil, project.Errorf(where(n), 0, 0, "source %q %q is not declared", src, tbl)
			}
			b.WriteString(e.RelationName(id))
		case markThis:
			if n == nil {
				return "", nil, fmt.Errorf("this is only defined when rendering a model (here there is none)")
			}
			b.WriteString(e.RelationName(n.UniqueID))
		default:
			return "", nil, fmt.Errorf("%s: stray NUL character in the rendered SQL", where(n))
		}
		i = strings.IndexByte(text, markStart)
	}
	b.WriteString(text)
	return b.String(), ephs, nil
}

func where(n *project.Node) string {
	if n == nil {
		return "template"
	}
	return n.OriginalFilePath
}

func appendNode(l []*project.Node, n *project.Node) []*project.Node {
	for _, x := range l {
		if x == n {
			return l
		}
	}
	return append(l, n)
}

// substitute replaces marks and prepends the CTEs of ephemeral models.
func (e *Engine) substitute(text string, n *project.Node, _ any) (string, error) {
	body, ephs, err := e.replaceMarks(text, n)
	if err != nil {
		return "", err
	}
	if len(ephs) == 0 {
		return body, nil
	}
	return injectCTEs(body, e.injectFor(e.cteChain(ephs))), nil
}

// cteChain lists the ephemeral models to inline, dependencies first.
func (e *Engine) cteChain(direct []*project.Node) []*project.Node {
	var out []*project.Node
	seen := map[*project.Node]bool{}
	var visit func(n *project.Node)
	visit = func(n *project.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, d := range e.ephemeral(n).deps {
			visit(d)
		}
		out = append(out, n)
	}
	for _, d := range direct {
		visit(d)
	}
	return out
}

func (e *Engine) ephemeral(n *project.Node) ephemeralInfo {
	info, ok := e.ephs[n.UniqueID]
	if ok {
		return info
	}
	return ephemeralInfo{body: n.CompiledCode}
}

func (e *Engine) injectFor(ctes []*project.Node) []cte {
	out := make([]cte, len(ctes))
	for i, n := range ctes {
		out[i] = cte{name: "__dbt__cte__" + n.Name, body: e.ephemeral(n).body}
	}
	return out
}

type cte struct{ name, body string }

// injectCTEs prepends ephemeral CTEs to sql, merging into its own WITH.
func injectCTEs(sql string, nodes []cte) string {
	var pre strings.Builder
	pre.WriteString("with ")
	for i, c := range nodes {
		if i > 0 {
			pre.WriteString(",\n")
		}
		pre.WriteString(c.name)
		pre.WriteString(" as (\n")
		pre.WriteString(strings.TrimSpace(c.body))
		pre.WriteString("\n)")
	}
	i := skipComments(sql)
	rest := sql[i:]
	if len(rest) > 4 && strings.EqualFold(rest[:4], "with") && isSpace(rest[4]) {
		return sql[:i] + pre.String() + "," + rest[4:]
	}
	return sql[:i] + pre.String() + "\n" + rest
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// skipComments returns the offset of the first SQL token after leading
// whitespace and comments.
func skipComments(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case isSpace(s[i]):
			i++
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return len(s)
			}
			i += j + 1
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return len(s)
			}
			i += 2 + j + 2
		default:
			return i
		}
	}
	return i
}

// substituteAll replaces marks in the compiled code of every node of
// sorted (sources are skipped): ephemeral models first, whose bodies with
// marks replaced the others' CTEs are built from, then everything else in
// parallel. It needs no graph: an ephemeral body names the ephemeral
// models it reads, it does not include them.
func (e *Engine) substituteAll(ctx context.Context, sorted sortedNodes) error {
	e.ephs = map[string]ephemeralInfo{}
	ids := sorted.ids
	for i, id := range ids {
		n := sorted.nodes[i]
		if n == nil || n.Config.Materialized != project.MatEphemeral || n.ResourceType != project.Model {
			continue
		}
		body, deps, err := e.replaceMarks(n.CompiledCode, n)
		if err != nil {
			return err
		}
		e.ephs[id] = ephemeralInfo{body: body, deps: deps}
	}
	errs := make([]error, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ids)/256))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				n := sorted.nodes[i]
				if n == nil {
					continue // a source
				}
				if info, ok := e.ephs[n.UniqueID]; ok {
					n.CompiledCode = info.body
					if len(info.deps) > 0 {
						n.CompiledCode = injectCTEs(info.body, e.injectFor(e.cteChain(info.deps)))
					}
					continue
				}
				if strings.IndexByte(n.CompiledCode, markStart) < 0 {
					continue
				}
				body, deps, err := e.replaceMarks(n.CompiledCode, n)
				if err != nil {
					errs[i] = err
					continue
				}
				if len(deps) > 0 {
					body = injectCTEs(body, e.injectFor(e.cteChain(deps)))
				}
				n.CompiledCode = body
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	var all []error
	for _, err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	return project.JoinErrors(all, maxErrors)
}
