package project

import (
	"fmt"
	"sort"
	"strings"
)

// knownConfigKeys are configuration keys accepted without a leading "+"
// in project.yml folder trees (anything else without "+" is a folder).
var knownConfigKeys = map[string]bool{
	"materialized": true, "schema": true, "database": true, "catalog": true, "alias": true,
	"tags": true, "enabled": true, "unique_key": true, "incremental_strategy": true,
	"partition_by": true, "cluster_by": true, "pre-hook": true, "post-hook": true,
	"pre_hook": true, "post_hook": true, "full_refresh": true, "persist_docs": true,
	"severity": true, "where": true, "warn_if": true, "error_if": true, "store_failures": true,
	"file_format": true, "on_schema_change": true, "column_types": true, "quote_columns": true,
	"docs": true, "meta": true, "tblproperties": true, "location_root": true,
	"liquid_clustered_by": true, "contract": true, "grants": true, "limit": true,
	"incremental_predicates": true, "delimiter": true,
}

// normalizeKey spells a config key the one way the engine uses.
func normalizeKey(k string) string {
	k = strings.TrimPrefix(k, "+")
	switch k {
	case "pre_hook":
		return "pre-hook"
	case "post_hook":
		return "post-hook"
	}
	return k
}

// MergeConfig merges src over dst (in place) the way dbt does: most keys
// are replaced, tags are a stable union, meta is merged key by key and
// hooks accumulate. Keys are normalized ("+schema" -> "schema").
func MergeConfig(dst, src map[string]any) {
	for k, v := range src {
		k = normalizeKey(k)
		switch k {
		case "tags":
			dst[k] = unionStrings(toStrings(dst[k]), toStrings(v))
		case "meta":
			m, _ := dst[k].(map[string]any)
			nm := make(map[string]any, len(m))
			for mk, mv := range m {
				nm[mk] = mv
			}
			if sm, ok := v.(map[string]any); ok {
				for mk, mv := range sm {
					nm[mk] = mv
				}
			}
			dst[k] = nm
		case "pre-hook", "post-hook":
			prev := hookList(dst[k])
			dst[k] = append(append([]any(nil), prev...), hookList(v)...)
		default:
			dst[k] = v
		}
	}
}

func hookList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	default:
		return []any{x}
	}
}

// toStrings turns a string or a list of scalars into a string slice.
func toStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	default:
		return []string{fmt.Sprint(x)}
	}
}

func unionStrings(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	seen := make(map[string]bool, len(a)+len(b))
	for _, s := range a {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range b {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// UnionStrings returns a then the elements of b not in a, without duplicates.
func UnionStrings(a, b []string) []string { return unionStrings(a, b) }

// FolderConfig collects the configuration that a project.yml tree
// (models:, seeds:, tests:) gives to the node with the given fqn
// ([project, folders..., name]). The tree may or may not start with the
// project name.
func FolderConfig(tree map[string]any, fqn []string) map[string]any {
	out := map[string]any{}
	if len(tree) == 0 || len(fqn) == 0 {
		return out
	}
	path := fqn
	if _, ok := tree[fqn[0]].(map[string]any); !ok {
		path = fqn[1:]
	}
	applyLevel(out, tree)
	node := tree
	for _, seg := range path {
		sub, ok := node[seg].(map[string]any)
		if !ok {
			break
		}
		applyLevel(out, sub)
		node = sub
	}
	return out
}

// folderConfigs answers FolderConfig(tree, fqn) for many nodes, walking
// the tree once per folder instead of once per node: nodes of a folder
// share everything but the last level (a level named after the node
// itself, which dbt allows).
type folderConfigs struct {
	tree  map[string]any
	byDir map[string]folderLevel
	key   []byte // the folder key being looked up
}

type folderLevel struct {
	out  map[string]any // the configuration down to the folder
	node map[string]any // the folder's level of the tree; nil: the walk stopped above
}

func newFolderConfigs(tree map[string]any) *folderConfigs {
	return &folderConfigs{tree: tree, byDir: map[string]folderLevel{}}
}

// config returns what FolderConfig(f.tree, fqn) returns. The map is
// shared by the nodes of a folder (and by every node when the tree is
// empty): it must not be modified; patchNode copies it before merging
// YAML config into it.
func (f *folderConfigs) config(fqn []string) map[string]any {
	if len(f.tree) == 0 || len(fqn) == 0 {
		return emptyConfig
	}
	path := fqn
	if _, ok := f.tree[fqn[0]].(map[string]any); !ok {
		path = fqn[1:]
	}
	if len(path) == 0 {
		return FolderConfig(f.tree, fqn)
	}
	dirs, last := path[:len(path)-1], path[len(path)-1]
	// The folder's key: its fqn joined, spelled into a kept buffer (the
	// lookup converts it without a copy; only a new folder's is kept).
	f.key = f.key[:0]
	for i, seg := range fqn[:len(fqn)-1] {
		if i > 0 {
			f.key = append(f.key, 0)
		}
		f.key = append(f.key, seg...)
	}
	lv, ok := f.byDir[string(f.key)]
	if !ok {
		key := string(f.key)
		lv.out = map[string]any{}
		applyLevel(lv.out, f.tree)
		lv.node = f.tree
		for _, seg := range dirs {
			sub, ok := lv.node[seg].(map[string]any)
			if !ok {
				lv.node = nil
				break
			}
			applyLevel(lv.out, sub)
			lv.node = sub
		}
		f.byDir[key] = lv
	}
	sub, ok := lv.node[last].(map[string]any) // a level named after the node
	if !ok {
		return lv.out
	}
	out := make(map[string]any, len(lv.out)+2)
	for k, v := range lv.out {
		out[k] = v
	}
	applyLevel(out, sub)
	return out
}

// emptyConfig is the base configuration of every node when project.yml
// configures none; shared, never modified.
var emptyConfig = map[string]any{}

func applyLevel(out, level map[string]any) {
	// Apply in sorted key order so that "+pre-hook" and "pre_hook" merge
	// deterministically.
	keys := make([]string, 0, len(level))
	for k := range level {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := level[k]
		if strings.HasPrefix(k, "+") || knownConfigKeys[k] {
			MergeConfig(out, map[string]any{k: v})
		}
	}
}

// ToConfig converts a merged raw configuration into a Config. materialized
// is the default materialization when the raw config names none. Errors
// name the offending key and say what type it wants.
func ToConfig(raw map[string]any, materialized string) (Config, map[string]any, error) {
	c := Config{Enabled: true, Materialized: materialized, Tags: []string{}}
	var meta map[string]any
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		var err error
		switch k {
		case "enabled":
			c.Enabled, err = wantBool(k, v)
		case "materialized":
			c.Materialized, err = wantString(k, v)
		case "tags":
			c.Tags = toStrings(v)
		case "database", "catalog":
			c.Database, err = wantString(k, v)
		case "schema":
			c.Schema, err = wantString(k, v)
		case "alias":
			c.Alias, err = wantString(k, v)
		case "unique_key":
			c.UniqueKey = toStrings(v)
		case "incremental_strategy":
			c.IncrementalStrategy, err = wantString(k, v)
		case "partition_by":
			c.PartitionBy, err = wantStringList(k, v)
		case "cluster_by":
			c.ClusterBy, err = wantStringList(k, v)
		case "pre-hook":
			c.PreHook, err = hookStrings(k, v)
		case "post-hook":
			c.PostHook, err = hookStrings(k, v)
		case "full_refresh":
			if v != nil {
				var b bool
				b, err = wantBool(k, v)
				c.FullRefresh = &b
			}
		case "severity":
			var s string
			s, err = wantString(k, v)
			s = strings.ToLower(s)
			if err == nil && s != "warn" && s != "error" {
				err = fmt.Errorf("config %q: want warn or error, got %q", k, s)
			}
			c.Severity = s
		case "warn_if":
			c.WarnIf, err = wantString(k, v)
		case "error_if":
			c.ErrorIf, err = wantString(k, v)
		case "where":
			c.Where, err = wantString(k, v)
		case "store_failures":
			c.StoreFailures, err = wantBool(k, v)
		case "column_types":
			m, ok := v.(map[string]any)
			if !ok && v != nil {
				err = fmt.Errorf("config %q: want a mapping of column name to SQL type, got %T", k, v)
				break
			}
			c.ColumnTypes = make(map[string]string, len(m))
			for ck, cv := range m {
				c.ColumnTypes[ck] = fmt.Sprint(cv)
			}
		case "meta":
			meta, _ = v.(map[string]any)
		case "on_schema_change":
			// Kept in Extra for the adapters; an unknown value fails the compile.
			switch s, _ := v.(string); s {
			case "ignore", "fail", "append_new_columns", "sync_all_columns":
			default:
				err = fmt.Errorf("config %q: want ignore, fail, append_new_columns or sync_all_columns, got %v", k, v)
			}
			if c.Extra == nil {
				c.Extra = map[string]any{}
			}
			c.Extra[k] = v
		default:
			if c.Extra == nil {
				c.Extra = map[string]any{}
			}
			c.Extra[k] = v
		}
		if err != nil {
			return c, nil, err
		}
	}
	return c, meta, nil
}

func wantString(k string, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case int, int64, float64, bool:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("config %q: want a string, got %T", k, v)
}

func wantBool(k string, v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "true", "yes":
			return true, nil
		case "false", "no":
			return false, nil
		}
	}
	return false, fmt.Errorf("config %q: want true or false, got %v", k, v)
}

func wantStringList(k string, v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if x == "" {
			return nil, nil
		}
		return []string{x}, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("config %q: want a list of column names, got an element of type %T", k, e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("config %q: want a column name or a list of them, got %T", k, v)
}

func hookStrings(k string, v any) ([]string, error) {
	var out []string
	for _, h := range hookList(v) {
		switch x := h.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			s, ok := x["sql"].(string)
			if !ok {
				return nil, fmt.Errorf("config %q: a hook given as a mapping needs a sql key", k)
			}
			out = append(out, s)
		default:
			return nil, fmt.Errorf("config %q: want SQL text or a list of SQL texts, got %T", k, h)
		}
	}
	return out, nil
}
