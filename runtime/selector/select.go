package selector

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// Graph is the DAG the selection walks: nodes and sources by unique id.
// Nodes returns every id in topological order (parents first).
type Graph interface {
	Parents(id string) []string
	Children(id string) []string
	Nodes() []string
}

// Spec is what the operator asked for on the command line.
type Spec struct {
	Select        []string               // each --select argument (space-separated unions inside are allowed)
	Exclude       []string               // each --exclude argument
	Selector      string                 // --selector NAME from selectors.yml
	ResourceTypes []project.ResourceType // keep only these; empty = all
	State         *State                 // from --state DIR, nil if none
	Indirect      string                 // "eager" (default) | "cautious" | "buildable" | "empty"
}

// Result is a selection.
type Result struct {
	IDs      []string // selected unique ids in topological order
	Warnings []string // e.g. a criterion that matches no enabled node
	why      func(id string) []string
}

// Why returns the human-readable reasons id was selected (ls --explain),
// nil for an id that was not. They are worked out when asked for: compile
// selects 30,000 nodes of a large project and explains none.
func (r Result) Why(id string) []string {
	if r.why == nil {
		return nil
	}
	return r.why(id)
}

// Select evaluates spec against the project p and its DAG g (nil: the DAG
// read from the nodes' depends_on). sel holds the selectors.yml selectors
// and may be nil. With no --select, --exclude or --selector it selects the
// default selector of selectors.yml if one is marked default, else every
// enabled node and source. Tests are added indirectly as spec.Indirect
// says. Disabled nodes are never selected.
func Select(p *project.Project, g Graph, spec Spec, sel *Selectors) (Result, error) {
	if p == nil {
		return Result{}, errors.New("select: no project given")
	}
	mode := spec.Indirect
	if mode == "" {
		mode = IndirectEager
	}
	if !validIndirect(mode) {
		return Result{}, fmt.Errorf("select: unknown indirect selection %q; valid values: eager, cautious, buildable, empty", spec.Indirect)
	}
	for _, rt := range spec.ResourceTypes {
		if !slices.Contains(resourceTypes(), string(rt)) {
			return Result{}, fmt.Errorf("select: unknown resource type %q; valid types: %s", rt, strings.Join(resourceTypes(), ", "))
		}
	}
	if g == nil {
		g = newProjectGraph(p)
	}
	ev := &evaluator{u: newUniverse(p, g), mode: mode, sel: sel, res: map[Expr]bitset{}, leafOf: map[*Criterion]*leaf{}}
	if spec.State != nil {
		ev.state = newStateCompare(spec.State, p)
	}
	selects := nonBlank(spec.Select)
	excludes := nonBlank(spec.Exclude)
	var final sets
	var err error
	switch {
	case spec.Selector != "":
		if len(selects) > 0 || len(excludes) > 0 {
			return Result{}, fmt.Errorf("select: --selector %s cannot be combined with --select or --exclude; put the extra criteria in the selector's definition in selectors.yml", spec.Selector)
		}
		final, err = ev.evalSelector(spec.Selector, true, true)
	case len(selects) == 0 && len(excludes) == 0 && sel != nil && sel.Default() != nil:
		final, err = ev.evalSelector(sel.Default().Name, true, true)
	default:
		final, err = ev.evalCLI(selects, excludes)
	}
	if err != nil {
		return Result{}, err
	}
	chosen := final.direct.and(ev.u.enabled)
	res := Result{Warnings: ev.warnings}
	var kept bitset
	for _, i := range ev.u.order(chosen) {
		if len(spec.ResourceTypes) > 0 && !slices.Contains(spec.ResourceTypes, ev.u.resourceType(i)) {
			continue
		}
		res.IDs = append(res.IDs, ev.u.ids[i])
		kept.add(i)
	}
	res.why = func(id string) []string {
		i, ok := ev.u.lookup(id)
		if !ok || !kept.has(i) {
			return nil
		}
		return ev.explain(i, chosen)
	}
	return res, nil
}

func validIndirect(m string) bool {
	switch m {
	case IndirectEager, IndirectCautious, IndirectBuildable, IndirectEmpty:
		return true
	}
	return false
}

func nonBlank(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.TrimSpace(a) != "" {
			out = append(out, a)
		}
	}
	return out
}

func (u *universe) resourceType(i int) project.ResourceType {
	if n := u.node[i]; n != nil {
		return n.ResourceType
	}
	return project.SourceRT
}

// sets is what evaluating an expression yields, as in dbt: the directly
// selected nodes and the tests that were only indirectly reached (selected
// later if the mode allows it once all sets are combined).
type sets struct{ direct, indirect bitset }

type evaluator struct {
	u         *universe
	mode      string
	sel       *Selectors
	state     *stateCompare
	roots     []Expr          // the positive expressions, for Why
	res       map[Expr]bitset // direct result of each positive expression
	leafOf    map[*Criterion]*leaf
	warnings  []string
	active    []string // named selectors being evaluated, to catch cycles
	byDefault bool     // no criteria: everything was selected
}

func (ev *evaluator) warn(msg string) {
	if !slices.Contains(ev.warnings, msg) {
		ev.warnings = append(ev.warnings, msg)
	}
}

// evalCLI is dbt's parse_difference(parse_union(select), parse_union(exclude)).
func (ev *evaluator) evalCLI(selects, excludes []string) (sets, error) {
	var inc sets
	if len(selects) == 0 {
		inc.direct = ev.u.enabled.clone()
		inc.indirect = inc.direct
		ev.byDefault = true
	} else {
		var err error
		if inc, err = ev.evalArgs("--select", selects, true); err != nil {
			return sets{}, err
		}
	}
	if len(excludes) == 0 {
		return inc, nil
	}
	exc, err := ev.evalArgs("--exclude", excludes, false)
	if err != nil {
		return sets{}, err
	}
	return ev.difference(inc, exc, ev.mode), nil
}

// evalArgs unions the space-separated items of every argument; in --select
// each item that matches no enabled node is a warning.
func (ev *evaluator) evalArgs(flag string, args []string, positive bool) (sets, error) {
	var direct, indirect bitset
	for _, arg := range args {
		e, err := Parse(arg)
		if err != nil {
			return sets{}, fmt.Errorf("parse %s: %w", flag, err)
		}
		for _, item := range e.(*Union).Items {
			s, err := ev.eval(item, positive, "")
			if err != nil {
				return sets{}, fmt.Errorf("%s %s: %w", flag, item.String(), err)
			}
			if positive {
				ev.roots = append(ev.roots, item)
			}
			if positive && s.direct.and(ev.u.enabled).empty() {
				ev.warn(fmt.Sprintf("The selection criterion '%s' does not match any enabled nodes", item.String()))
			}
			direct = direct.or(s.direct)
			indirect = indirect.or(s.direct.or(s.indirect))
		}
	}
	return sets{ev.incorporate(direct, indirect, ev.mode), indirect}, nil
}

// evalSelector evaluates a named selector from selectors.yml.
func (ev *evaluator) evalSelector(name string, positive, top bool) (sets, error) {
	if ev.sel == nil {
		return sets{}, fmt.Errorf("select: selector %q: no selectors.yml was loaded; define it in selectors.yml at the project root", name)
	}
	ns, ok := ev.sel.Lookup(name)
	if !ok {
		return sets{}, fmt.Errorf("select: %s", ev.sel.unknownName(name))
	}
	if slices.Contains(ev.active, name) {
		return sets{}, fmt.Errorf("select: selector %q refers to itself: %s -> %s", name, strings.Join(ev.active, " -> "), name)
	}
	ev.active = append(ev.active, name)
	defer func() { ev.active = ev.active[:len(ev.active)-1] }()
	s, err := ev.eval(ns.Definition, positive, "selector "+name+": ")
	if err != nil {
		return sets{}, fmt.Errorf("selector %s (%s:%d): %w", name, ev.sel.Path, ns.Line, err)
	}
	if top && positive {
		ev.roots = append(ev.roots, ns.Definition)
	}
	if top && s.direct.and(ev.u.enabled).empty() {
		ev.warn(fmt.Sprintf("The selector '%s' does not match any enabled nodes", name))
	}
	return s, nil
}

func (ev *evaluator) eval(e Expr, positive bool, label string) (sets, error) {
	s, err := ev.evalExpr(e, positive, label)
	if err == nil && positive && e != nil {
		ev.res[e] = s.direct
	}
	return s, err
}

func (ev *evaluator) evalExpr(e Expr, positive bool, label string) (sets, error) {
	switch x := e.(type) {
	case *Criterion:
		return ev.evalCriterion(x, positive, label)
	case *Union:
		var direct, indirect bitset
		for _, it := range x.Items {
			s, err := ev.eval(it, positive, label)
			if err != nil {
				return sets{}, err
			}
			direct = direct.or(s.direct)
			indirect = indirect.or(s.direct.or(s.indirect))
		}
		return sets{ev.incorporate(direct, indirect, ev.mode), indirect}, nil
	case *Intersection:
		var direct, indirect bitset
		for k, it := range x.Items {
			s, err := ev.eval(it, positive, label)
			if err != nil {
				return sets{}, err
			}
			if k == 0 {
				direct, indirect = s.direct, s.direct.or(s.indirect)
				continue
			}
			direct = direct.and(s.direct)
			indirect = indirect.and(s.direct.or(s.indirect))
		}
		return sets{ev.incorporate(direct, indirect, ev.mode), indirect}, nil
	case *Difference:
		inc, err := ev.eval(x.Include, positive, label)
		if err != nil {
			return sets{}, err
		}
		exc, err := ev.eval(x.Exclude, false, label)
		if err != nil {
			return sets{}, err
		}
		return ev.difference(inc, exc, ev.mode), nil
	case nil:
		return sets{}, errors.New("empty selection expression")
	}
	return sets{}, fmt.Errorf("unknown selection expression %T", e)
}

func (ev *evaluator) difference(inc, exc sets, mode string) sets {
	direct := inc.direct.andNot(exc.direct)
	indirect := inc.direct.or(inc.indirect).andNot(exc.direct.or(exc.indirect))
	return sets{ev.incorporate(direct, indirect, mode), indirect}
}

// leaf remembers how one criterion selected its nodes, for Why.
type leaf struct {
	crit    *Criterion
	label   string
	matched bitset
	set     bitset  // matched and its graph neighbours
	up      origins // parents operator: the matched node an ancestor was reached from
	down    origins // children operator or @: the matched node a descendant was reached from
	at      origins // @: the descendant (or matched node) an ancestor was reached from

	body, text string // the criterion's method:value and full text, for reasons
}

func (ev *evaluator) evalCriterion(c *Criterion, positive bool, label string) (sets, error) {
	var matched bitset
	if c.Method == MethodSelector {
		s, err := ev.evalSelector(c.Value, positive, false)
		if err != nil {
			return sets{}, err
		}
		matched = s.direct.and(ev.u.enabled)
	} else {
		pred, err := ev.predicateFor(c)
		if err != nil {
			return sets{}, err
		}
		matched = make(bitset, len(ev.u.enabled))
		ev.u.enabled.each(func(i int) {
			if pred(ev.u.node[i], ev.u.src[i]) {
				matched.add(i)
			}
		})
	}
	l := &leaf{crit: c, label: label, matched: matched}
	set := matched
	if c.ChildrensParents {
		desc := ev.u.walk(matched, false, 0, &l.down)
		both := matched.or(desc)
		set = both.or(ev.u.walk(both, true, 0, &l.at))
	} else {
		if c.Parents {
			set = set.or(ev.u.walk(matched, true, c.ParentsDepth, &l.up))
		}
		if c.Children {
			set = set.or(ev.u.walk(matched, false, c.ChildrenDepth, &l.down))
		}
	}
	l.set = set
	if positive {
		ev.leafOf[c] = l
	}
	mode := ev.mode
	if c.Indirect != "" {
		mode = c.Indirect
	}
	direct, indirect := ev.expand(set, mode)
	return sets{direct, indirect}, nil
}

// expand is dbt's expand_selection: the tests of selected nodes are added
// directly (eager, or when all their parents are selected, or for
// buildable when all their parents are selected or upstream of selected
// nodes) or kept as indirect candidates.
func (ev *evaluator) expand(set bitset, mode string) (bitset, bitset) {
	direct := set.clone()
	var indirect bitset
	if mode == IndirectEmpty {
		return direct, indirect
	}
	ev.u.buildTests()
	var buildable bitset
	if mode == IndirectBuildable {
		buildable = set.or(ev.u.walk(set, true, 0, nil)).or(ev.u.sources)
	}
	set.each(func(i int) {
		for _, t := range ev.u.testsOf(i) {
			if direct.has(t) || !ev.u.enabled.has(t) {
				continue
			}
			tp, _ := ev.u.parentsOfTest(t)
			switch {
			case mode == IndirectEager || allIn(tp, set):
				direct.add(t)
			case mode == IndirectBuildable && allIn(tp, buildable):
				direct.add(t)
			default:
				indirect.add(t)
			}
		}
	})
	return direct, indirect
}

// incorporate is dbt's incorporate_indirect_nodes: after set operations,
// indirect tests whose parents are now all selected (cautious), or all
// selected or upstream of selected nodes (buildable), are added.
func (ev *evaluator) incorporate(direct, indirect bitset, mode string) bitset {
	if mode != IndirectCautious && mode != IndirectBuildable {
		return direct
	}
	if direct.equal(indirect) {
		return direct
	}
	ev.u.buildTests()
	out := direct.clone()
	ok := direct
	if mode == IndirectBuildable {
		ok = direct.or(ev.u.walk(direct, true, 0, nil))
	}
	indirect.each(func(i int) {
		if tp, isTest := ev.u.parentsOfTest(i); isTest && allIn(tp, ok) {
			out.add(i)
		}
	})
	return out
}

// explain lists why index i is in the selection chosen.
func (ev *evaluator) explain(i int, chosen bitset) []string {
	var why []string
	add := func(s string) {
		if !slices.Contains(why, s) {
			why = append(why, s)
		}
	}
	if ev.byDefault {
		return []string{"selected by default: no --select was given"}
	}
	for _, r := range ev.roots {
		if ev.res[r].has(i) {
			ev.why(r, i, add, 0)
		}
	}
	if len(why) == 0 {
		if tp, isTest := ev.u.parentsOfTest(i); isTest {
			var sel []string
			for _, p := range tp {
				if chosen.has(p) {
					sel = append(sel, fmt.Sprintf("%s %s", ev.u.resourceType(p), ev.u.displayName(p)))
				}
			}
			switch {
			case len(sel) == len(tp) && len(tp) > 1:
				add("test of selected " + strings.Join(sel, " and ") + " (all the nodes it tests are selected)")
			case len(sel) > 0:
				add("test of selected " + strings.Join(sel, " and "))
			default:
				add("test of nodes that were selected before --exclude")
			}
		}
	}
	if len(why) == 0 {
		add("selected")
	}
	return why
}

// why adds the reasons expression e (whose result holds i) selected i: a
// union through the items that hold i, an intersection through all its
// items, a difference through its include side, a criterion through how it
// reached i (tests added indirectly have no criterion reason).
func (ev *evaluator) why(e Expr, i int, add func(string), depth int) {
	if depth > 64 {
		return
	}
	switch x := e.(type) {
	case *Criterion:
		l := ev.leafOf[x]
		if l == nil || !l.set.has(i) {
			return
		}
		add(l.reason(ev.u, i))
		if x.Method == MethodSelector {
			if ns, ok := ev.sel.Lookup(x.Value); ok && ev.res[ns.Definition].has(i) {
				ev.why(ns.Definition, i, add, depth+1)
			}
		}
	case *Union:
		for _, it := range x.Items {
			if ev.res[it].has(i) {
				ev.why(it, i, add, depth+1)
			}
		}
	case *Intersection:
		for _, it := range x.Items {
			ev.why(it, i, add, depth+1)
		}
	case *Difference:
		ev.why(x.Include, i, add, depth+1)
	}
}

// reason says how the leaf reached index i (i must be in l.set).
func (l *leaf) reason(u *universe, i int) string {
	c := l.crit
	if l.body == "" {
		l.body = c.body()
		if c.Method == MethodSelector {
			l.body = "selector:" + c.Value
		}
		l.text = c.String()
	}
	if l.matched.has(i) {
		return l.label + "matched " + l.body
	}
	matchedNote := func(m int) string {
		return u.displayName(m) + " (which matched " + l.body + ")"
	}
	if c.ChildrensParents {
		if m := l.down.get(i); m >= 0 {
			return l.label + "downstream of " + matchedNote(m) + " via " + l.text
		}
		d := l.at.get(i)
		if d < 0 {
			return l.label + "selected via " + l.text
		}
		m := l.down.get(d)
		if m < 0 || m == d {
			return l.label + "upstream of " + matchedNote(d) + " via " + l.text
		}
		return l.label + "upstream of " + u.displayName(d) + ", which is downstream of " + matchedNote(m) + " via " + l.text
	}
	if m := l.down.get(i); m >= 0 {
		return l.label + "downstream of " + matchedNote(m) + " via " + l.text
	}
	if m := l.up.get(i); m >= 0 {
		return l.label + "upstream of " + matchedNote(m) + " via " + l.text
	}
	return l.label + "selected via " + l.text
}
