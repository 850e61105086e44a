package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/atomicfile"
	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// SchemaVersion is the dbt manifest schema this layout follows.
const SchemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json"

// Metadata is the manifest's metadata block.
type Metadata struct {
	AdapterType string
	GeneratedAt time.Time
	TargetName  string
	// RelationName renders a relation for relation_name; nil leaves it out.
	RelationName func(uniqueID string) string
	// SortedIDs, when the caller has them, are the unique ids of the
	// project's nodes and sources, sorted (the graph's nodes); nil, they
	// are sorted here.
	SortedIDs []string
}

type checksum struct {
	Name     string `json:"name"`
	Checksum string `json:"checksum"`
}

type column struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	DataType    *string        `json:"data_type"`
	Tags        []string       `json:"tags"`
	Meta        map[string]any `json:"meta"`
}

type dependsOn struct {
	Nodes  []string `json:"nodes"`
	Macros []string `json:"macros"`
}

type node struct {
	UniqueID         string                `json:"unique_id"`
	Name             string                `json:"name"`
	ResourceType     project.ResourceType  `json:"resource_type"`
	PackageName      string                `json:"package_name"`
	Path             string                `json:"path"`
	OriginalFilePath string                `json:"original_file_path"`
	PatchPath        *string               `json:"patch_path"`
	FQN              []string              `json:"fqn"`
	Database         *string               `json:"database"`
	Schema           string                `json:"schema"`
	Alias            string                `json:"alias"`
	RelationName     *string               `json:"relation_name"`
	Language         string                `json:"language"`
	RawCode          string                `json:"raw_code"`
	Compiled         bool                  `json:"compiled"`
	CompiledCode     string                `json:"compiled_code"`
	Checksum         checksum              `json:"checksum"`
	Config           map[string]any        `json:"config"`
	Tags             []string              `json:"tags"`
	Description      string                `json:"description"`
	Columns          map[string]column     `json:"columns"`
	Meta             map[string]any        `json:"meta"`
	DependsOn        dependsOn             `json:"depends_on"`
	Refs             []map[string]any      `json:"refs"`
	Sources          [][]string            `json:"sources"`
	TestMetadata     *project.TestMetadata `json:"test_metadata,omitempty"`
	AttachedNode     *string               `json:"attached_node,omitempty"`
	ColumnName       *string               `json:"column_name,omitempty"`
}

type source struct {
	UniqueID         string            `json:"unique_id"`
	Name             string            `json:"name"`
	SourceName       string            `json:"source_name"`
	ResourceType     string            `json:"resource_type"`
	PackageName      string            `json:"package_name"`
	Path             string            `json:"path"`
	OriginalFilePath string            `json:"original_file_path"`
	FQN              []string          `json:"fqn"`
	Database         *string           `json:"database"`
	Schema           string            `json:"schema"`
	Identifier       string            `json:"identifier"`
	RelationName     *string           `json:"relation_name"`
	Loader           string            `json:"loader"`
	Description      string            `json:"description"`
	Columns          map[string]column `json:"columns"`
	Meta             map[string]any    `json:"meta"`
	Tags             []string          `json:"tags"`
	Config           map[string]any    `json:"config"`
}

type macro struct {
	UniqueID         string    `json:"unique_id"`
	Name             string    `json:"name"`
	ResourceType     string    `json:"resource_type"`
	PackageName      string    `json:"package_name"`
	Path             string    `json:"path"`
	OriginalFilePath string    `json:"original_file_path"`
	Line             int       `json:"line"`
	MacroSQL         string    `json:"macro_sql"`
	Checksum         checksum  `json:"checksum"`
	DependsOn        dependsOn `json:"depends_on"`
	Description      string    `json:"description"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func columns(cols []*project.Column) map[string]column {
	out := make(map[string]column, len(cols))
	for _, c := range cols {
		tags := c.Tags
		if tags == nil {
			tags = []string{}
		}
		meta := c.Meta
		if meta == nil {
			meta = map[string]any{}
		}
		out[c.Name] = column{Name: c.Name, Description: c.Description, DataType: strPtr(c.DataType), Tags: tags, Meta: meta}
	}
	return out
}

// ConfigMap renders a Config as dbt does: one flat object, adapter-specific
// keys beside the common ones.
func ConfigMap(c project.Config) map[string]any {
	m := make(map[string]any, 8+len(c.Extra))
	for k, v := range c.Extra {
		m[k] = v
	}
	m["enabled"] = c.Enabled
	m["materialized"] = c.Materialized
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	m["tags"] = tags
	m["schema"] = strPtr(c.Schema)
	m["database"] = strPtr(c.Database)
	m["alias"] = strPtr(c.Alias)
	set := func(k string, ok bool, v any) {
		if ok {
			m[k] = v
		}
	}
	set("unique_key", len(c.UniqueKey) > 0, c.UniqueKey)
	set("incremental_strategy", c.IncrementalStrategy != "", c.IncrementalStrategy)
	set("partition_by", len(c.PartitionBy) > 0, c.PartitionBy)
	set("cluster_by", len(c.ClusterBy) > 0, c.ClusterBy)
	pre, post := c.PreHook, c.PostHook
	if pre == nil {
		pre = []string{}
	}
	if post == nil {
		post = []string{}
	}
	m["pre-hook"] = pre
	m["post-hook"] = post
	set("full_refresh", c.FullRefresh != nil, c.FullRefresh)
	set("severity", c.Severity != "", c.Severity)
	set("warn_if", c.WarnIf != "", c.WarnIf)
	set("error_if", c.ErrorIf != "", c.ErrorIf)
	set("where", c.Where != "", c.Where)
	set("store_failures", c.StoreFailures, c.StoreFailures)
	set("column_types", len(c.ColumnTypes) > 0, c.ColumnTypes)
	return m
}

func nodeJSON(n *project.Node, md Metadata) node {
	out := node{
		UniqueID: n.UniqueID, Name: n.Name, ResourceType: n.ResourceType, PackageName: n.PackageName,
		Path: n.Path, OriginalFilePath: n.OriginalFilePath, PatchPath: strPtr(n.PatchPath), FQN: n.FQN,
		Database: strPtr(n.Database), Schema: n.Schema, Alias: n.Alias, Language: "sql",
		RawCode: n.RawCode, Compiled: n.ResourceType != project.Seed, CompiledCode: n.CompiledCode,
		Checksum: checksum{Name: "sha256", Checksum: n.Checksum},
		Config:   ConfigMap(n.Config), Tags: n.Tags, Description: n.Description,
		Columns: columns(n.Columns), Meta: n.Meta,
		DependsOn:    dependsOn{Nodes: n.DependsOn.Nodes, Macros: n.DependsOn.Macros},
		TestMetadata: n.TestMetadata,
		AttachedNode: strPtr(n.AttachedNode), ColumnName: strPtr(n.ColumnName),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Meta == nil {
		out.Meta = map[string]any{}
	}
	if out.DependsOn.Nodes == nil {
		out.DependsOn.Nodes = []string{}
	}
	if out.DependsOn.Macros == nil {
		out.DependsOn.Macros = []string{}
	}
	out.Refs = make([]map[string]any, 0, len(n.Refs))
	for _, r := range n.Refs {
		out.Refs = append(out.Refs, map[string]any{"name": r, "package": nil, "version": nil})
	}
	out.Sources = make([][]string, 0, len(n.SourceRefs))
	for _, s := range n.SourceRefs {
		out.Sources = append(out.Sources, []string{s[0], s[1]})
	}
	if md.RelationName != nil && n.Config.Materialized != project.MatEphemeral && n.ResourceType != project.Test {
		out.RelationName = strPtr(md.RelationName(n.UniqueID))
	}
	return out
}

// Write writes the manifest of p and d to w. The manifest is cut into
// segments (the metadata, blocks of 64 nodes, the sources and macros, blocks
// of parent_map and child_map entries, the rest) that are encoded in
// parallel and written in order as soon as each is ready, a bounded
// number ahead of the writer.
func Write(w io.Writer, p *project.Project, d *dag.DAG, md Metadata) error {
	_, err := WriteReusing(w, p, d, md, nil)
	return err
}

// Reuse lets WriteReusing copy the parts of an earlier manifest that
// cannot have changed instead of encoding them again: after a few models
// are re-rendered, every other node, the sources, macros and (unless
// dependencies changed) the graph maps are the bytes already on disk.
type Reuse struct {
	// Old is the earlier manifest, as a WriteReusing of a project with
	// the same nodes wrote it, and Layout what that call returned. A
	// segment copied from Old whose CRC is not the one in Layout fails
	// the write (the caller then writes the manifest in full).
	Old    io.ReaderAt
	Layout Layout
	// Changed holds the ids of the nodes whose fields may differ from
	// the earlier manifest's; Graph is set when dependencies may have
	// changed (parent_map and child_map are then encoded again).
	Changed map[string]bool
	Graph   bool
}

// segKind says what a segment holds, for Reuse.
type segKind int

const (
	segMeta  segKind = iota // metadata (generated_at): always encoded
	segNodes                // a block of nodes
	segFixed                // sources, macros, selectors, punctuation
	segGraph                // parent_map and child_map
)

// Layout is where the segments of a written manifest are: their byte
// offsets (each one's start, then the end) and their CRC-32C.
type Layout struct {
	Offsets []int64
	Sums    []uint32
}

// crcTable is CRC-32C (Castagnoli), computed in hardware on most CPUs.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// WriteReusing is Write, copying from reuse (when not nil) every segment
// it can, and returns the Layout of what it wrote, for a later
// WriteReusing. When reuse does not fit (another number of segments) it
// encodes everything.
func WriteReusing(w io.Writer, p *project.Project, d *dag.DAG, md Metadata, reuse *Reuse) (Layout, error) {
	const nodeBlock, mapBlock = 64, 1024
	var segs []segment
	var kinds []segKind
	var blocks [][]string // the node ids of each segNodes segment

	add := func(k segKind, ids []string, f segment) {
		segs = append(segs, f)
		kinds = append(kinds, k)
		blocks = append(blocks, ids)
	}
	add(segMeta, nil, func(b []byte) ([]byte, error) {
		meta := map[string]any{
			"dbt_schema_version": SchemaVersion,
			"dbt_version":        "techstore",
			"generated_at":       md.GeneratedAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
			"project_name":       p.Name,
			"adapter_type":       md.AdapterType,
			"target_name":        md.TargetName,
			"env":                map[string]any{},
		}
		b, err := appendKeyJSON(append(b, '{'), "metadata", meta)
		if err != nil {
			return nil, err
		}
		return append(b, `,"nodes":{`...), nil
	})
	nodeIDs, all := sortedIDs(p, d, md.SortedIDs)
	for first := 0; first < len(nodeIDs); first += nodeBlock {
		last := min(first+nodeBlock, len(nodeIDs))
		add(segNodes, nodeIDs[first:last], func(b []byte) ([]byte, error) {
			// Room for the block up front (its SQL plus the fields
			// around it) instead of growing the buffer a dozen times.
			est := 0
			for i := first; i < last; i++ {
				n := p.Nodes[nodeIDs[i]]
				est += len(n.RawCode) + len(n.CompiledCode) + 1024 + 128*len(n.Columns)
			}
			b = slices.Grow(b, est+est/8)
			var err error
			for i := first; i < last; i++ {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, nodeIDs[i])
				b = append(b, ':')
				if b, err = appendNode(b, p.Nodes[nodeIDs[i]], md); err != nil {
					return nil, fmt.Errorf("encode %s: %w", nodeIDs[i], err)
				}
			}
			return b, nil
		})
	}
	add(segFixed, nil, func(b []byte) ([]byte, error) {
		b = append(b, '}')
		b, err := appendSources(b, p, md)
		if err != nil {
			return nil, err
		}
		return appendMacros(b, p)
	})

	graphMap := func(key string, f func([]string, string) []string) {
		if d == nil {
			add(segFixed, nil, func(b []byte) ([]byte, error) { return append(b, `,"`+key+`":{}`...), nil })
			return
		}
		add(segFixed, nil, func(b []byte) ([]byte, error) { return append(b, `,"`+key+`":{`...), nil })
		for first := 0; first < len(all); first += mapBlock {
			last := min(first+mapBlock, len(all))
			add(segGraph, nil, func(b []byte) ([]byte, error) {
				var buf []string
				for i := first; i < last; i++ {
					if i > 0 {
						b = append(b, ',')
					}
					b = appendMarshalString(b, all[i])
					b = append(b, ':', '[')
					buf = f(buf[:0], all[i])
					for j, s := range buf {
						if j > 0 {
							b = append(b, ',')
						}
						b = appendMarshalString(b, s)
					}
					b = append(b, ']')
				}
				return b, nil
			})
		}
		add(segFixed, nil, func(b []byte) ([]byte, error) { return append(b, '}'), nil })
	}
	if d != nil {
		graphMap("parent_map", d.AppendParents)
		graphMap("child_map", d.AppendChildren)
	} else {
		graphMap("parent_map", nil)
		graphMap("child_map", nil)
	}
	add(segFixed, nil, func(b []byte) ([]byte, error) {
		sel, err := selectors(p)
		if err != nil {
			return nil, err
		}
		for _, k := range []string{"disabled", "docs", "exposures", "groups", "metrics"} {
			b = append(b, `,"`+k+`":{}`...)
		}
		if b, err = appendKeyJSON(append(b, ','), "selectors", sel); err != nil {
			return nil, err
		}
		return append(b, "}\n"...), nil
	})
	if l := reuse.layout(); len(l.Offsets) == len(segs)+1 && len(l.Sums) == len(segs) {
		for i := range segs {
			if !reusable(kinds[i], blocks[i], reuse) {
				continue
			}
			from, to, sum := l.Offsets[i], l.Offsets[i+1], l.Sums[i]
			if from < 0 || to < from {
				break
			}
			segs[i] = func(b []byte) ([]byte, error) {
				b = slices.Grow(b, int(to-from))[:to-from]
				if _, err := reuse.Old.ReadAt(b, from); err != nil {
					return nil, fmt.Errorf("copy from the earlier manifest: %w", err)
				}
				if crc32.Checksum(b, crcTable) != sum {
					return nil, errors.New("copy from the earlier manifest: it changed since it was written")
				}
				return b, nil
			}
		}
	}
	return writeSegments(w, segs)
}

func (r *Reuse) layout() Layout {
	if r == nil {
		return Layout{}
	}
	return r.Layout
}

// reusable reports whether a segment of kind k (with the node ids of a
// node block) is the same bytes as in the earlier manifest.
func reusable(k segKind, ids []string, r *Reuse) bool {
	switch k {
	case segFixed:
		return true
	case segGraph:
		return !r.Graph
	case segNodes:
		for _, id := range ids {
			if r.Changed[id] {
				return false
			}
		}
		return true
	}
	return false
}

// segment appends one piece of the manifest to b.
type segment func(b []byte) ([]byte, error)

// writeSegments encodes segs on GOMAXPROCS goroutines, at most a few
// ahead of the writer, and writes them to w in order. Buffers are reused.
func writeSegments(w io.Writer, segs []segment) (Layout, error) {
	workers := runtime.GOMAXPROCS(0)
	window := 3 * workers
	type result struct {
		b   []byte
		sum uint32
		err error
	}
	done := make([]chan result, len(segs))
	for i := range done {
		done[i] = make(chan result, 1)
	}
	free := make(chan []byte, window+workers)
	tokens := make(chan struct{}, window)
	stop := make(chan struct{})
	defer close(stop)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				select {
				case tokens <- struct{}{}:
				case <-stop:
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(segs) {
					return
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				b, err := segs[i](buf[:0])
				done[i] <- result{b, crc32.Checksum(b, crcTable), err}
			}
		}()
	}
	l := Layout{Offsets: make([]int64, 1, len(segs)+1), Sums: make([]uint32, 0, len(segs))}
	for i := range segs {
		r := <-done[i]
		if r.err != nil {
			return Layout{}, r.err
		}
		if _, err := w.Write(r.b); err != nil {
			return Layout{}, fmt.Errorf("write manifest: %w", err)
		}
		l.Offsets = append(l.Offsets, l.Offsets[i]+int64(len(r.b)))
		l.Sums = append(l.Sums, r.sum)
		select {
		case free <- r.b:
		default:
		}
		<-tokens
	}
	return l, nil
}

// appendKeyJSON appends "key": and v as json.Marshal encodes it.
func appendKeyJSON(b []byte, key string, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", key, err)
	}
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return append(b, j...), nil
}

// appendSources appends ,"sources":{...} (encoding/json, without HTML
// escaping, for each source).
func appendSources(b []byte, p *project.Project, md Metadata) ([]byte, error) {
	srcIDs := sortedKeys(p.Sources)
	chunks, err := encodeParallel(len(srcIDs), func(i int) any {
		s := p.Sources[srcIDs[i]]
		tags := s.Tags
		if tags == nil {
			tags = []string{}
		}
		meta := s.Meta
		if meta == nil {
			meta = map[string]any{}
		}
		out := source{UniqueID: s.UniqueID, Name: s.Name, SourceName: s.SourceName, ResourceType: "source",
			PackageName: p.Name, Path: s.OriginalFilePath, OriginalFilePath: s.OriginalFilePath, FQN: s.FQN,
			Database: strPtr(s.Database), Schema: s.Schema, Identifier: s.Identifier, Loader: s.Loader,
			Description: s.Description, Columns: columns(s.Columns), Meta: meta, Tags: tags,
			Config: map[string]any{"enabled": true}}
		if md.RelationName != nil {
			out.RelationName = strPtr(md.RelationName(s.UniqueID))
		}
		return out
	})
	if err != nil {
		return nil, err
	}
	return appendObject(b, "sources", srcIDs, chunks), nil
}

// appendMacros appends ,"macros":{...}.
func appendMacros(b []byte, p *project.Project) ([]byte, error) {
	byID := make(map[string]*project.Macro, len(p.Macros))
	for _, m := range p.Macros {
		byID[m.UniqueID] = m
	}
	macIDs := sortedKeys(byID)
	chunks, err := encodeParallel(len(macIDs), func(i int) any {
		m := byID[macIDs[i]]
		deps := make([]string, 0, len(m.DependsOnMacros))
		for _, d := range m.DependsOnMacros {
			if dm, ok := p.Macros[d]; ok {
				deps = append(deps, dm.UniqueID)
			}
		}
		return macro{UniqueID: m.UniqueID, Name: m.Name, ResourceType: "macro", PackageName: p.Name,
			Path: m.OriginalFilePath, OriginalFilePath: m.OriginalFilePath, Line: m.Line, MacroSQL: m.Body,
			Checksum: checksum{Name: "sha256", Checksum: m.Checksum}, DependsOn: dependsOn{Nodes: []string{}, Macros: deps}}
	})
	if err != nil {
		return nil, err
	}
	return appendObject(b, "macros", macIDs, chunks), nil
}

func appendObject(b []byte, key string, ids []string, chunks [][]byte) []byte {
	b = append(b, `,"`+key+`":{`...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMarshalString(b, id)
		b = append(b, ':')
		b = append(b, chunks[i]...)
	}
	return append(b, '}')
}

func encodeParallel(n int, f func(i int) any) ([][]byte, error) {
	out := make([][]byte, n)
	errs := make([]error, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/128))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for i := w; i < n; i += workers {
				buf.Reset()
				if err := enc.Encode(f(i)); err != nil {
					errs[i] = err
					continue
				}
				b := buf.Bytes()
				out[i] = append([]byte(nil), b[:len(b)-1]...) // drop Encode's newline
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("encode manifest: %w", err)
		}
	}
	return out, nil
}

// sortedIDs returns the unique ids of p's nodes and of d's nodes, each
// sorted. They come from sorted (the unique ids of p's nodes and sources,
// sorted, as the caller had them) when it is exactly that and d holds
// exactly those ids; else they are sorted here.
func sortedIDs(p *project.Project, d *dag.DAG, sorted []string) (nodeIDs, graphIDs []string) {
	ok := len(sorted) == len(p.Nodes)+len(p.Sources) && (d == nil || d.Len() == len(sorted))
	if ok {
		nodeIDs = make([]string, 0, len(p.Nodes))
		for i, id := range sorted {
			if i > 0 && sorted[i-1] >= id {
				ok = false
				break
			}
			if _, isNode := p.Nodes[id]; isNode {
				nodeIDs = append(nodeIDs, id)
			} else if _, isSource := p.Sources[id]; !isSource || (d != nil && !d.Has(id)) {
				ok = false
				break
			}
		}
		ok = ok && len(nodeIDs) == len(p.Nodes)
	}
	if ok && d != nil {
		for _, id := range nodeIDs {
			if !d.Has(id) {
				ok = false
				break
			}
		}
	}
	if ok {
		if d == nil {
			return nodeIDs, nil
		}
		return nodeIDs, sorted
	}
	nodeIDs = sortedKeys(p.Nodes)
	if d != nil {
		graphIDs = append(graphIDs, d.Nodes()...)
		sort.Strings(graphIDs)
	}
	return nodeIDs, graphIDs
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// selectors reads selectors.yml into dbt's manifest form (name -> entry).
func selectors(p *project.Project) (map[string]any, error) {
	out := map[string]any{}
	if p.SelectorsFile == "" {
		return out, nil
	}
	b, err := os.ReadFile(filepath.Join(p.Root, p.SelectorsFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.SelectorsFile, err)
	}
	var doc struct {
		Selectors []map[string]any `yaml:"selectors"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", p.SelectorsFile, err)
	}
	for _, s := range doc.Selectors {
		name, _ := s["name"].(string)
		if name != "" {
			out[name] = s
		}
	}
	return out, nil
}

// WriteFile writes the manifest to path atomically (a temporary file in
// the same folder, swapped in by atomicfile.Replace), creating the folder.
func WriteFile(path string, p *project.Project, d *dag.DAG, md Metadata) error {
	_, err := WriteFileReusing(path, p, d, md, nil)
	return err
}

// WriteFileReusing is WriteFile with WriteReusing: it returns the Layout
// of the file written.
func WriteFileReusing(path string, p *project.Project, d *dag.DAG, md Metadata, reuse *Reuse) (Layout, error) {
	var l Layout
	err := atomicfile.Replace(path, 0o644, func(w io.Writer) error {
		var err error
		l, err = WriteReusing(w, p, d, md, reuse)
		return err
	})
	if err != nil {
		return Layout{}, fmt.Errorf("write manifest %s: %w", path, err)
	}
	return l, nil
}
