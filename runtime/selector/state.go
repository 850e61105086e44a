package selector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// State is the manifest of an earlier run (--state DIR), the baseline that
// state:new and state:modified compare the current project against.
type State struct {
	Path    string                  // the manifest.json it was read from
	Nodes   map[string]*StateNode   // by unique id
	Sources map[string]*StateSource // by unique id
	// Macros by unique id; nil when the manifest had no "macros" object, in
	// which case macro changes cannot be detected (see HasMacros).
	Macros map[string]*StateMacro
}

// HasMacros reports whether the state manifest recorded macros, so that
// state:modified.macros can compare them.
func (s *State) HasMacros() bool { return s.Macros != nil }

// StateNode is the part of a manifest node that the comparison reads.
type StateNode struct {
	UniqueID     string
	Name         string
	ResourceType string
	Checksum     string
	Config       map[string]any
	// Relation fields; nil when the manifest did not record the field.
	Database, Schema, Alias *string
}

// StateSource is the part of a manifest source that the comparison reads.
type StateSource struct {
	UniqueID                     string
	Database, Schema, Identifier *string
}

// StateMacro is the part of a manifest macro that the comparison reads.
type StateMacro struct {
	UniqueID string
	Name     string
	Checksum string
}

type manifestJSON struct {
	Nodes   map[string]manifestNode   `json:"nodes"`
	Sources map[string]manifestSource `json:"sources"`
	Macros  map[string]manifestMacro  `json:"macros"`
}

type manifestNode struct {
	UniqueID     string          `json:"unique_id"`
	Name         string          `json:"name"`
	ResourceType string          `json:"resource_type"`
	Checksum     json.RawMessage `json:"checksum"`
	Config       map[string]any  `json:"config"`
	Database     *string         `json:"database"`
	Schema       *string         `json:"schema"`
	Alias        *string         `json:"alias"`
}

type manifestSource struct {
	UniqueID   string  `json:"unique_id"`
	Database   *string `json:"database"`
	Schema     *string `json:"schema"`
	Identifier *string `json:"identifier"`
}

type manifestMacro struct {
	UniqueID string          `json:"unique_id"`
	Name     string          `json:"name"`
	Checksum json.RawMessage `json:"checksum"`
}

// LoadState reads DIR/manifest.json (or DIR itself when it names a .json
// file) written by an earlier compile or run.
func LoadState(dir string) (*State, error) {
	path := dir
	if !strings.HasSuffix(strings.ToLower(dir), ".json") {
		path = filepath.Join(dir, "manifest.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("load state: %s does not exist: --state must name a folder holding manifest.json from an earlier compile or run (a copy of its target/ folder): %w", path, err)
		}
		return nil, fmt.Errorf("load state: %w", err)
	}
	return ParseState(path, data)
}

// ParseState decodes a manifest's bytes; path is used in errors.
func ParseState(path string, data []byte) (*State, error) {
	var m manifestJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(data, se.Offset-1) // Offset is just past the bad byte
			return nil, fmt.Errorf("load state: %s:%d:%d: not valid JSON: %w", path, line, col, err)
		case errors.As(err, &te):
			line, col := lineCol(data, te.Offset-1)
			return nil, fmt.Errorf("load state: %s:%d:%d: field %q has the wrong type (%s, want %s): %w", path, line, col, te.Field, te.Value, te.Type, err)
		}
		return nil, fmt.Errorf("load state: %s: %w", path, err)
	}
	if m.Nodes == nil {
		return nil, fmt.Errorf("load state: %s has no \"nodes\" object; is it a manifest.json written by compile or run?", path)
	}
	s := &State{Path: path, Nodes: make(map[string]*StateNode, len(m.Nodes)), Sources: make(map[string]*StateSource, len(m.Sources))}
	for id, n := range m.Nodes {
		sum, err := checksumOf(n.Checksum)
		if err != nil {
			return nil, fmt.Errorf("load state: %s: node %s: %w", path, id, err)
		}
		s.Nodes[id] = &StateNode{UniqueID: id, Name: n.Name, ResourceType: n.ResourceType, Checksum: sum,
			Config: n.Config, Database: n.Database, Schema: n.Schema, Alias: n.Alias}
	}
	for id, src := range m.Sources {
		s.Sources[id] = &StateSource{UniqueID: id, Database: src.Database, Schema: src.Schema, Identifier: src.Identifier}
	}
	if m.Macros != nil {
		s.Macros = make(map[string]*StateMacro, len(m.Macros))
		for id, mac := range m.Macros {
			sum, err := checksumOf(mac.Checksum)
			if err != nil {
				return nil, fmt.Errorf("load state: %s: macro %s: %w", path, id, err)
			}
			s.Macros[id] = &StateMacro{UniqueID: id, Name: mac.Name, Checksum: sum}
		}
	}
	return s, nil
}

// checksumOf accepts a checksum written as a string or as dbt's
// {"name": "sha256", "checksum": "..."}.
func checksumOf(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Checksum string `json:"checksum"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", fmt.Errorf("checksum is neither a string nor {\"checksum\": ...}: %w", err)
	}
	return obj.Checksum, nil
}

func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// stateCompare answers state:* questions for the current project.
type stateCompare struct {
	s      *State
	p      *project.Project
	macros map[string]*project.Macro // current macros by unique id and by name
	old    map[string]*StateMacro    // state macros by unique id and by name
	memo   map[string]bool           // macro name/id -> modified
}

func newStateCompare(s *State, p *project.Project) *stateCompare {
	sc := &stateCompare{s: s, p: p, macros: map[string]*project.Macro{}, old: map[string]*StateMacro{}, memo: map[string]bool{}}
	for key, m := range p.Macros {
		sc.macros[key] = m
		if m.UniqueID != "" {
			sc.macros[m.UniqueID] = m
		}
		if m.Name != "" {
			sc.macros[m.Name] = m
		}
	}
	for id, m := range s.Macros {
		sc.old[id] = m
		if m.Name != "" {
			if _, taken := sc.old[m.Name]; !taken {
				sc.old[m.Name] = m
			}
		}
	}
	return sc
}

// check answers one state value for a node or source of the project.
func (sc *stateCompare) check(value string, n *project.Node, src *project.Source) bool {
	if src != nil {
		old, ok := sc.s.Sources[src.UniqueID]
		switch value {
		case "new":
			return !ok
		case "old":
			return ok
		case "modified":
			return !ok || sc.sourceRelationChanged(src, old)
		case "modified.relation":
			return !ok || sc.sourceRelationChanged(src, old)
		case "modified.configs":
			return !ok
		case "unmodified":
			return ok && !sc.sourceRelationChanged(src, old)
		}
		return false
	}
	old, ok := sc.s.Nodes[n.UniqueID]
	switch value {
	case "new":
		return !ok
	case "old":
		return ok
	case "modified":
		return !ok || sc.modified(n, old)
	case "unmodified":
		return ok && !sc.modified(n, old)
	// As in dbt, a node missing from the state counts as modified in body,
	// configs and relation; macros are judged by the macros alone.
	case "modified.body":
		return !ok || n.Checksum != old.Checksum
	case "modified.configs":
		return !ok || !sameConfig(n.Config, old.Config)
	case "modified.relation":
		return !ok || nodeRelationChanged(n, old)
	case "modified.macros":
		return sc.macrosModified(n)
	}
	return false
}

func (sc *stateCompare) modified(n *project.Node, old *StateNode) bool {
	return n.Checksum != old.Checksum || nodeRelationChanged(n, old) ||
		!sameConfig(n.Config, old.Config) || sc.macrosModified(n)
}

func changed(cur string, old *string) bool { return old != nil && *old != cur }

func nodeRelationChanged(n *project.Node, old *StateNode) bool {
	return changed(n.Database, old.Database) || changed(n.Schema, old.Schema) || changed(n.Alias, old.Alias)
}

func (sc *stateCompare) sourceRelationChanged(src *project.Source, old *StateSource) bool {
	return changed(src.Database, old.Database) || changed(src.Schema, old.Schema) || changed(src.Identifier, old.Identifier)
}

// macrosModified reports whether any macro the node uses, directly or
// through other macros, is new or has a changed checksum.
func (sc *stateCompare) macrosModified(n *project.Node) bool {
	if !sc.s.HasMacros() {
		return false
	}
	for _, m := range n.DependsOn.Macros {
		if sc.macroModified(m, 0) {
			return true
		}
	}
	return false
}

func (sc *stateCompare) macroModified(key string, depth int) bool {
	if v, ok := sc.memo[key]; ok {
		return v
	}
	cur, ok := sc.macros[key]
	if !ok || depth > 100 {
		return false // not a project macro (a builtin); nothing to compare
	}
	sc.memo[key] = false // break cycles
	res := false
	old, ok := sc.old[cur.UniqueID]
	if !ok {
		old, ok = sc.old[cur.Name]
	}
	if !ok || old.Checksum != cur.Checksum {
		res = true
	} else {
		for _, dep := range cur.DependsOnMacros {
			if sc.macroModified(dep, depth+1) {
				res = true
				break
			}
		}
	}
	sc.memo[key] = res
	return res
}

// sameConfig compares a node's config with the one a manifest recorded,
// after both go through JSON and lose empty values, so that omitted and
// empty fields, and "extra" keys written inline or nested, compare equal.
func sameConfig(cur project.Config, old map[string]any) bool {
	if old == nil {
		return true // the manifest did not record configs
	}
	data, err := json.Marshal(cur)
	if err != nil {
		return false
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return false
	}
	return reflect.DeepEqual(normalizeConfig(m), normalizeConfig(old))
}

func normalizeConfig(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	add := func(k string, v any) {
		if v = normalizeValue(v); v != nil {
			out[k] = v
		}
	}
	for k, v := range m {
		if k == "extra" {
			if extra, ok := v.(map[string]any); ok {
				for ek, ev := range extra {
					add(ek, ev)
				}
				continue
			}
		}
		add(k, v)
	}
	return out
}

// normalizeValue drops empty values (nil, "", false, empty lists and maps)
// and unwraps one-element lists.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	case []any:
		var out []any
		for _, e := range x {
			if e = normalizeValue(e); e != nil {
				out = append(out, e)
			}
		}
		switch len(out) {
		case 0:
			return nil
		case 1:
			return out[0]
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = normalizeValue(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}
