package selector

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// predicate reports whether a node (or, when n is nil, a source) matches.
type predicate func(n *project.Node, s *project.Source) bool

// predicateFor compiles a criterion's method:value into a predicate.
// Methods that are not per-node (selector) are handled by the evaluator.
func (ev *evaluator) predicateFor(c *Criterion) (predicate, error) {
	v := c.Value
	switch c.Method {
	case MethodFQN:
		return fqnPredicate(v), nil
	case MethodTag:
		return func(n *project.Node, s *project.Source) bool {
			if n == nil {
				return anyMatch(s.Tags, v)
			}
			return anyMatch(n.Tags, v) || anyMatch(n.Config.Tags, v)
		}, nil
	case MethodPath:
		return ev.pathPredicate(v), nil
	case MethodFile:
		return func(n *project.Node, s *project.Source) bool {
			ofp := originalPath(n, s)
			base := path.Base(ofp)
			stem := strings.TrimSuffix(base, path.Ext(base))
			return fnmatch(base, v) || fnmatch(stem, v)
		}, nil
	case MethodPackage:
		return func(n *project.Node, s *project.Source) bool {
			return fnmatch(ev.packageOf(n, s), v)
		}, nil
	case MethodConfig:
		key := strings.Split(c.Arg, ".")
		return func(n *project.Node, s *project.Source) bool {
			if n == nil {
				return false
			}
			val, ok := configValue(&n.Config, key)
			return ok && configMatches(val, v, c.Arg == "severity")
		}, nil
	case MethodResourceType:
		return func(n *project.Node, s *project.Source) bool {
			if n == nil {
				return v == string(project.SourceRT)
			}
			return string(n.ResourceType) == v
		}, nil
	case MethodSource:
		return ev.sourcePredicate(v), nil
	case MethodTestType:
		return func(n *project.Node, s *project.Source) bool {
			if n == nil || n.ResourceType != project.Test {
				return false
			}
			generic := n.TestMetadata != nil
			switch v {
			case "generic", "schema":
				return generic
			case "singular":
				return !generic
			case "data":
				return true
			}
			return false // unit tests do not exist in this engine
		}, nil
	case MethodTestName:
		return func(n *project.Node, s *project.Source) bool {
			return n != nil && n.ResourceType == project.Test && n.TestMetadata != nil && fnmatch(n.TestMetadata.Name, v)
		}, nil
	case MethodState:
		if ev.state == nil {
			return nil, fmt.Errorf("criterion %q compares against an earlier manifest: pass --state DIR with the manifest.json of an earlier compile or run", c.String())
		}
		if !ev.state.s.HasMacros() && (v == "modified" || v == "modified.macros" || v == "unmodified") {
			ev.warn(fmt.Sprintf("the state manifest %s records no macros, so %q cannot see macro changes", ev.state.s.Path, c.String()))
		}
		return func(n *project.Node, s *project.Source) bool { return ev.state.check(v, n, s) }, nil
	}
	return nil, fmt.Errorf("criterion %q: method %q has no per-node matcher", c.String(), c.Method)
}

func anyMatch(values []string, pattern string) bool {
	for _, x := range values {
		if fnmatch(x, pattern) {
			return true
		}
	}
	return false
}

func originalPath(n *project.Node, s *project.Source) string {
	if n != nil {
		return n.OriginalFilePath
	}
	return s.OriginalFilePath
}

func (ev *evaluator) packageOf(n *project.Node, s *project.Source) string {
	if n != nil && n.PackageName != "" {
		return n.PackageName
	}
	fqn := []string(nil)
	if n != nil {
		fqn = n.FQN
	} else {
		fqn = s.FQN
	}
	if len(fqn) > 0 {
		return fqn[0]
	}
	return ev.u.p.Name
}

// fqnPredicate matches the way dbt's fqn method does (the node's name, or
// a dotted prefix of its fully qualified name with or without the project
// name, wildcards matching the rest), and also matches a one-part glob
// against the node's name (silver_*).
func fqnPredicate(v string) predicate {
	parts := strings.Split(v, ".")
	if v == "*" {
		return func(n *project.Node, s *project.Source) bool { return n != nil }
	}
	if len(parts) == 1 && !hasWildcard(v) {
		// A plain name: the node's name, its fqn's last part, or its first
		// fqn part with or without the project (a folder or the project).
		return func(n *project.Node, s *project.Source) bool {
			if n == nil {
				return false
			}
			if n.Name == v {
				return true
			}
			fqn := n.FQN
			if len(fqn) == 0 {
				return false
			}
			if fqn[len(fqn)-1] == v || fqn[0] == v || len(fqn) > 1 && fqn[1] == v {
				return true
			}
			if strings.Contains(fqn[0], ".") || len(fqn) > 1 && strings.Contains(fqn[1], ".") {
				// Dotted parts: dbt flattens them; take the general path.
				return selectedByFQN(fqn, v, parts) || len(fqn) > 1 && selectedByFQN(fqn[1:], v, parts)
			}
			return false
		}
	}
	return func(n *project.Node, s *project.Source) bool {
		if n == nil {
			return false
		}
		if len(parts) == 1 && fnmatch(n.Name, v) {
			return true
		}
		fqn := n.FQN
		if len(fqn) == 0 {
			fqn = []string{n.Name}
		}
		return selectedByFQN(fqn, v, parts) || (len(fqn) > 1 && selectedByFQN(fqn[1:], v, parts))
	}
}

// selectedByFQN is dbt's is_selected_node.
func selectedByFQN(fqn []string, v string, parts []string) bool {
	if fqn[len(fqn)-1] == v {
		return true
	}
	flat := fqn
	for _, seg := range fqn {
		if strings.Contains(seg, ".") {
			flat = nil
			for _, s := range fqn {
				flat = append(flat, strings.Split(s, ".")...)
			}
			break
		}
	}
	if len(flat) < len(parts) {
		return false
	}
	for i, sp := range parts {
		if hasWildcard(sp) {
			return fnmatch(strings.Join(flat[i:], "."), strings.Join(parts[i:], "."))
		}
		if flat[i] != sp {
			return false
		}
	}
	return true
}

// pathPredicate matches a node whose original file path, or one of its
// folders, matches the value (relative to the project root; '*' within a
// segment, '**' across segments).
func (ev *evaluator) pathPredicate(v string) predicate {
	v = strings.ReplaceAll(v, `\`, "/")
	if root := strings.ReplaceAll(ev.u.p.Root, `\`, "/"); root != "" && strings.HasPrefix(v, root+"/") {
		v = strings.TrimPrefix(v, root+"/")
	}
	v = path.Clean(v)
	if v == "." || v == "**" {
		return func(n *project.Node, s *project.Source) bool { return true }
	}
	pat := strings.Split(v, "/")
	return func(n *project.Node, s *project.Source) bool {
		ofp := originalPath(n, s)
		if ofp == "" {
			return false
		}
		segs := strings.Split(path.Clean(strings.ReplaceAll(ofp, `\`, "/")), "/")
		for k := len(segs); k >= 1; k-- {
			if matchPath(pat, segs[:k]) {
				return true
			}
		}
		return false
	}
}

// sourcePredicate is dbt's source method: source_name, source_name.table
// or package.source_name.table, each part a glob.
func (ev *evaluator) sourcePredicate(v string) predicate {
	parts := strings.Split(v, ".")
	pkg, src, table := "*", parts[0], "*"
	switch len(parts) {
	case 2:
		table = parts[1]
	case 3:
		pkg, src, table = parts[0], parts[1], parts[2]
	}
	return func(n *project.Node, s *project.Source) bool {
		return n == nil && s != nil && fnmatch(ev.packageOf(nil, s), pkg) &&
			fnmatch(s.SourceName, src) && fnmatch(s.Name, table)
	}
}

// configValue looks a config key path up in a node's config: the typed
// fields by their YAML names, then Extra (descending into maps).
func configValue(c *project.Config, key []string) (any, bool) {
	var v any
	switch key[0] {
	case "enabled":
		v = c.Enabled
	case "materialized":
		v = c.Materialized
	case "tags":
		v = c.Tags
	case "database":
		v = c.Database
	case "schema":
		v = c.Schema
	case "alias":
		v = c.Alias
	case "unique_key":
		v = c.UniqueKey
	case "incremental_strategy":
		v = c.IncrementalStrategy
	case "partition_by":
		v = c.PartitionBy
	case "cluster_by":
		v = c.ClusterBy
	case "pre-hook", "pre_hook":
		v = c.PreHook
	case "post-hook", "post_hook":
		v = c.PostHook
	case "full_refresh":
		if c.FullRefresh == nil {
			return nil, false
		}
		v = *c.FullRefresh
	case "severity":
		v = c.Severity
	case "warn_if":
		v = c.WarnIf
	case "error_if":
		v = c.ErrorIf
	case "where":
		v = c.Where
	case "store_failures":
		v = c.StoreFailures
	case "column_types":
		m := make(map[string]any, len(c.ColumnTypes))
		for k, t := range c.ColumnTypes {
			m[k] = t
		}
		v = m
	default:
		x, ok := c.Extra[key[0]]
		if !ok {
			return nil, false
		}
		v = x
	}
	for _, k := range key[1:] {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// configMatches compares a config value with the selector's text the way
// dbt does: equal as text, true/false case-insensitively, a list when any
// element is equal.
func configMatches(v any, want string, foldCase bool) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		if foldCase {
			return strings.EqualFold(x, want)
		}
		return x == want
	case bool:
		return strings.EqualFold(want, strconv.FormatBool(x))
	case []string:
		for _, e := range x {
			if configMatches(e, want, foldCase) {
				return true
			}
		}
		return false
	case []any:
		for _, e := range x {
			if _, nested := e.([]any); !nested && configMatches(e, want, foldCase) {
				return true
			}
		}
		return false
	case map[string]any, map[string]string:
		return false
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64) == want
	}
	return fmt.Sprint(v) == want
}
