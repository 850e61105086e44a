package render

import (
	"maps"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// Most model templates use only a handful of actions: ref, source, this,
// var, config with literal arguments, include/dispatch of a macro with
// literal arguments and `if is_incremental ... else ... end`. For those,
// parsing with text/template and executing through reflection is most of
// a compile's cost. ExecuteFast scans such a template with a tiny lexer
// and evaluates it directly; anything else (pipes, Sprig functions,
// variables, trim markers, comments, other literals, any error) makes it
// give up, and the caller parses and executes the template the usual way,
// which produces the canonical output and error messages. The two paths
// are checked against each other on every template of the repository and
// on generated and fuzzed ones (fast_test.go).

// fastArg is one argument of a fast action: a literal or a list of literals.
type fastArg struct {
	str   string // a string literal's value, when isStr
	isStr bool
	val   any    // int or bool; []any for (list ...)
	word  string // an identifier (only as the command name or is_incremental)
}

// value is the argument as text/template passes it to a function.
func (a fastArg) value() any {
	if a.isStr {
		return a.str
	}
	return a.val
}

// ExecuteFast renders text like Parse+Execute would, when every action is
// one the fast path knows. ok is false when it does not (or when anything
// fails); st is then as it was on entry and the caller falls back.
func (r *Renderer) ExecuteFast(text string, st *State) (string, bool) {
	if !strings.Contains(text, "{{") {
		if st.Config == nil {
			st.Config = map[string]any{}
		}
		return text, true
	}
	saved := *st
	if st.Config != nil {
		saved.Config = maps.Clone(st.Config)
	}
	out, ok := r.fast(text, st)
	if !ok {
		*st = saved
		return "", false
	}
	return out, true
}

type fastFrame struct {
	parent, cond, inElse bool
}

func (r *Renderer) fast(text string, st *State) (string, bool) {
	if st.Config == nil {
		st.Config = map[string]any{}
	}
	prev := r.st
	r.st = st
	defer func() { r.st = prev }()

	var b strings.Builder
	b.Grow(len(text) + len(text)/2)
	active := true
	var stack []fastFrame
	var argsBuf [8]fastArg // an action's words: on the stack, not allocated per model
	args := argsBuf[:0]
	for len(text) > 0 {
		i := strings.Index(text, "{{")
		if i < 0 {
			if active {
				b.WriteString(text)
			}
			break
		}
		if active {
			b.WriteString(text[:i])
		}
		var end int
		var ok bool
		args, end, ok = lexAction(text[i+2:], args[:0])
		if !ok || len(args) == 0 || args[0].word == "" {
			return "", false
		}
		text = text[i+2+end:]
		switch cmd := args[0].word; cmd {
		case "if":
			if len(args) != 2 || args[1].word != "is_incremental" {
				return "", false
			}
			stack = append(stack, fastFrame{parent: active, cond: st.IsIncremental})
			active = active && st.IsIncremental
		case "else":
			if len(args) != 1 || len(stack) == 0 || stack[len(stack)-1].inElse {
				return "", false
			}
			f := &stack[len(stack)-1]
			f.inElse = true
			active = f.parent && !f.cond
		case "end":
			if len(args) != 1 || len(stack) == 0 {
				return "", false
			}
			active = stack[len(stack)-1].parent
			stack = stack[:len(stack)-1]
		default:
			for _, a := range args[1:] {
				if a.word != "" {
					return "", false
				}
			}
			if !active {
				if !knownFast(cmd) {
					return "", false
				}
				continue
			}
			if !r.fastCall(&b, cmd, args[1:]) {
				return "", false
			}
		}
	}
	if len(stack) > 0 {
		return "", false
	}
	return b.String(), true
}

func knownFast(cmd string) bool {
	switch cmd {
	case "ref", "source", "this", "var", "config", "include", "dispatch":
		return true
	}
	return false
}

// fastCall evaluates one action and writes what text/template would print.
func (r *Renderer) fastCall(b *strings.Builder, cmd string, args []fastArg) bool {
	str := func(i int) (string, bool) {
		return args[i].str, args[i].isStr
	}
	switch cmd {
	case "ref":
		if len(args) < 1 || len(args) > 2 {
			return false
		}
		for i := range args {
			if _, ok := str(i); !ok {
				return false
			}
		}
		name, _ := str(len(args) - 1)
		r.st.addRef(name)
		if w, ok := r.st.Resolver.(RefWriter); ok {
			w.WriteRef(b, name) // spelled into the output, no string of its own
			break
		}
		s, err := r.st.Resolver.Ref(name)
		if err != nil {
			return false
		}
		b.WriteString(s)
	case "source":
		if len(args) != 2 {
			return false
		}
		src, ok1 := str(0)
		tbl, ok2 := str(1)
		if !ok1 || !ok2 {
			return false
		}
		r.st.addSource(src, tbl)
		s, err := r.st.Resolver.Source(src, tbl)
		if err != nil {
			return false
		}
		b.WriteString(s)
	case "this":
		if len(args) != 0 {
			return false
		}
		s, err := r.st.Resolver.This()
		if err != nil {
			return false
		}
		b.WriteString(s)
	case "var":
		if len(args) < 1 || len(args) > 2 {
			return false
		}
		name, ok := str(0)
		if !ok {
			return false
		}
		v, found := r.env.vars[name]
		if !found {
			if len(args) < 2 {
				return false // the slow path words the error
			}
			v = args[1].value()
		}
		switch x := v.(type) {
		case string:
			b.WriteString(x)
		case int:
			b.WriteString(strconv.Itoa(x))
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		case bool:
			b.WriteString(strconv.FormatBool(x))
		default:
			return false // fmt's formatting of other values is left to text/template
		}
	case "config":
		if len(args) == 0 || len(args)%2 != 0 {
			return false
		}
		for i := 0; i < len(args); i += 2 {
			k, ok := str(i)
			if !ok {
				return false
			}
			project.MergeConfig(r.st.Config, map[string]any{k: args[i+1].value()})
		}
	case "include", "dispatch":
		if len(args) < 1 {
			return false
		}
		name, ok := str(0)
		if !ok {
			return false
		}
		for _, a := range args[1:] {
			if _, isList := a.val.([]any); isList {
				return false
			}
		}
		if cmd == "dispatch" {
			found := false
			for _, p := range r.env.dispatch {
				if r.env.HasMacro(p + "__" + name) {
					name, found = p+"__"+name, true
					break
				}
			}
			if !found {
				return false
			}
		}
		// A pure macro already called with these arguments: its output,
		// without boxing the arguments for include (as include would find
		// it: the same key).
		if r.env.pure[name] && r.st.depth < MaxIncludeDepth {
			key, ok := r.key[:0], true
			key = append(key, name...)
			for _, a := range args[1:] {
				if a.isStr {
					key = appendMemoString(key, a.str)
				} else if key, ok = appendMemoArg(key, a.val); !ok {
					break
				}
			}
			r.key = key
			if out, hit := r.memo[string(key)]; ok && hit {
				r.st.addMacro(name)
				b.WriteString(out)
				return true
			}
		}
		rest := make([]any, len(args)-1)
		for i, a := range args[1:] {
			rest[i] = a.value()
		}
		s, err := r.include(name, rest)
		if err != nil {
			return false
		}
		b.WriteString(s)
	default:
		return false
	}
	return true
}

// lexAction reads the inside of an action (s starts after "{{") up to and
// including "}}": identifiers, string literals, decimal integers, true,
// false and parenthesised `list` calls of those. It returns the offset
// after "}}"; ok is false for anything else, including trim markers and
// comments.
func lexAction(s string, args []fastArg) ([]fastArg, int, bool) {
	i := 0
	inList := false
	var list []any
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '}':
			if inList || i+1 >= len(s) || s[i+1] != '}' {
				return nil, 0, false
			}
			return args, i + 2, true
		case c == '"' || c == '`':
			j, ok := stringEnd(s, i)
			if !ok {
				return nil, 0, false
			}
			v := s[i+1 : j-1] // no escapes: the literal's own bytes
			if strings.IndexByte(v, '\\') >= 0 || strings.IndexByte(v, '\r') >= 0 || !utf8.ValidString(v) {
				u, err := strconv.Unquote(s[i:j])
				if err != nil {
					return nil, 0, false
				}
				v = u
			}
			if inList {
				list = append(list, v)
			} else {
				args = append(args, fastArg{str: v, isStr: true})
			}
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && !isDelim(s[j]) {
				return nil, 0, false // 1.5, 0x10, 1e3, 12abc: text/template's rules
			}
			if j-i > 1 && s[i] == '0' {
				return nil, 0, false // octal
			}
			n, err := strconv.Atoi(s[i:j])
			if err != nil {
				return nil, 0, false
			}
			if inList {
				list = append(list, n)
			} else {
				args = append(args, fastArg{val: n})
			}
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			if j < len(s) && !isDelim(s[j]) {
				return nil, 0, false
			}
			w := s[i:j]
			var v any
			switch w {
			case "true":
				v = true
			case "false":
				v = false
			}
			switch {
			case inList && v != nil:
				list = append(list, v)
			case inList:
				return nil, 0, false
			case v != nil:
				args = append(args, fastArg{val: v})
			default:
				args = append(args, fastArg{word: w})
			}
			i = j
		case c == '(':
			if inList || len(args) == 0 {
				return nil, 0, false
			}
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if !strings.HasPrefix(s[j:], "list") || j+4 >= len(s) || !(s[j+4] == ' ' || s[j+4] == '\t' || s[j+4] == ')') {
				return nil, 0, false
			}
			inList, list = true, []any{}
			i = j + 4
		case c == ')':
			if !inList {
				return nil, 0, false
			}
			if i+1 < len(s) && !isDelim(s[i+1]) {
				return nil, 0, false
			}
			args = append(args, fastArg{val: list})
			inList, list = false, nil
			i++
		default:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// isDelim: what may follow a token inside an action.
func isDelim(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '}' || c == ')'
}

// stringEnd returns the offset after the string literal starting at s[i].
func stringEnd(s string, i int) (int, bool) {
	q := s[i]
	j := i + 1
	for j < len(s) {
		switch {
		case s[j] == q:
			if j+1 < len(s) && !isDelim(s[j+1]) {
				return 0, false
			}
			return j + 1, true
		case q == '"' && s[j] == '\\':
			j += 2
		case q == '"' && s[j] == '\n':
			return 0, false
		default:
			j++
		}
	}
	return 0, false
}
