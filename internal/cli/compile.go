package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/atomicfile"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/partial"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/selector"
)

// tuneGC trades memory for speed in the short-lived compile and ls
// processes: the collector does not run until the memory the runtime holds
// nears a soft limit of 256 MiB. Neither a 2,000-model nor a 10,000-model
// compile (full load, or a cache miss that also writes the partial parse
// cache) then collects at all: 10k peaks at about 250 MB resident (270 MB
// on a miss), as it did with the one collection a 230 MiB limit caused
// (gctrace and /usr/bin/time), and saves that collection's ~50 ms of CPU.
// Past the limit the collector runs as often as it must, as under any
// limit. GOGC or GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// parseVars reads --vars (a YAML or JSON mapping).
func parseVars(s string) (map[string]any, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("--vars: want a YAML or JSON mapping such as '{as_of_date: 2026-10-31}': %w", err)
	}
	return m, nil
}

// LoadEngine resolves the target from the global flags and loads,
// renders and checks the project, or restores it from
// target/partial_parse.bin when nothing it depends on changed
// (runtime/partial). Every command that needs the project calls it.
func (a *App) LoadEngine(ctx context.Context) (*compile.Engine, adapter.Config, error) {
	vars, err := parseVars(a.Vars)
	if err != nil {
		return nil, adapter.Config{}, err
	}
	cfg, err := profile.Resolve(a.ProjectDir, a.ProfilesDir, a.Target)
	if err != nil {
		return nil, adapter.Config{}, err
	}
	dialect, err := newRegistry().Dialect(cfg)
	if err != nil {
		return nil, adapter.Config{}, err
	}
	e, err := a.loadProject(ctx, compile.Options{Target: cfg, Dialect: dialect, Vars: vars})
	if err != nil {
		return nil, adapter.Config{}, err
	}
	return e, cfg, nil
}

// selectFlags are the node selection flags shared by compile, ls, run, ...
type selectFlags struct {
	Select, Exclude []string
	Selector        string
	State           string
	ResourceTypes   []string
	Indirect        string
}

func (f *selectFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVarP(&f.Select, "select", "s", nil, "nodes to select (dbt syntax; repeatable; space = union, comma = intersection)")
	fl.StringArrayVar(&f.Exclude, "exclude", nil, "nodes to leave out (dbt syntax; repeatable)")
	fl.StringVar(&f.Selector, "selector", "", "a named selector from selectors.yml")
	fl.StringVar(&f.State, "state", "", "folder of a previous manifest.json, for state:modified and state:new")
	fl.StringVar(&f.Indirect, "indirect-selection", "", "how tests of selected nodes are added: eager (default), cautious, buildable, empty")
}

// Select runs the selector over a loaded engine; warnings go to w.
func (f *selectFlags) selectNodes(e *compile.Engine, w io.Writer) (selector.Result, error) {
	spec := selector.Spec{Select: f.Select, Exclude: f.Exclude, Selector: f.Selector, Indirect: f.Indirect}
	for _, rt := range f.ResourceTypes {
		for _, t := range strings.Split(rt, ",") {
			if t = strings.TrimSpace(t); t != "" {
				spec.ResourceTypes = append(spec.ResourceTypes, project.ResourceType(t))
			}
		}
	}
	if f.State != "" {
		st, err := selector.LoadState(f.State)
		if err != nil {
			return selector.Result{}, err
		}
		spec.State = st
	}
	var sel *selector.Selectors
	if p := e.Project; p.SelectorsFile != "" {
		s, err := selector.LoadSelectors(filepath.Join(p.Root, p.SelectorsFile))
		if err != nil {
			return selector.Result{}, err
		}
		sel = s
	}
	res, err := selector.Select(e.Project, e.DAG, spec, sel)
	if err != nil {
		return res, err
	}
	for _, warn := range res.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	return res, nil
}

func newCompileCmd(a *App) *cobra.Command {
	var sf selectFlags
	c := &cobra.Command{
		Use:   "compile",
		Short: "Render the selected models to target/compiled and write target/manifest.json",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			tuneGC()
			a.readOnly = true
			defer a.parse.Wait()
			e, _, err := a.LoadEngine(cmd.Context())
			if err != nil {
				return err
			}
			target := filepath.Join(e.Project.Root, "target")
			// The manifest holds the whole project, whatever is selected, so
			// it is written while the selection is worked out, unless the
			// selection compares with a manifest (--state), which might be
			// this one.
			manifest := make(chan error, 1)
			writeManifest := func() { manifest <- a.writeManifest(e, filepath.Join(target, "manifest.json")) }
			if sf.State == "" {
				go writeManifest()
			}
			res, err := sf.selectNodes(e, cmd.ErrOrStderr())
			if err != nil {
				if sf.State == "" {
					<-manifest
				}
				return err
			}
			if sf.State != "" {
				go writeManifest()
			}
			var nodes []*project.Node
			selected := 0
			for _, id := range res.IDs {
				n, ok := e.Project.Nodes[id]
				if !ok {
					continue
				}
				selected++
				if n.ResourceType == project.Model {
					nodes = append(nodes, n)
				}
			}
			// The compiled files are written while the manifest is: the one
			// is mostly system calls, the other encoding.
			cerr := writeCompiled(filepath.Join(target, "compiled", e.Project.Name), nodes)
			merr := <-manifest
			if cerr != nil {
				return cerr
			}
			if merr != nil {
				return merr
			}
			a.parse.Wait()
			if line := parseLine(a.parse); line != "" {
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Compiled %d of %d nodes (%d models written to %s) in %.3fs\n",
				selected, len(e.Project.Nodes), len(nodes), filepath.Join("target", "compiled", e.Project.Name),
				time.Since(start).Seconds())
			return nil
		},
	}
	sf.register(c)
	return c
}

// parseLine says how compile got the project, as dbt's "Unable to do
// partial parsing because ..." does: restored, updated, or loaded in full
// and why; "" when partial parsing is off.
func parseLine(st partial.Status) string {
	switch {
	case st.Hit:
		return "Partial parse: project restored from target/" + partial.FileName
	case st.Updated > 0 || st.Described > 0:
		var did []string
		if st.Updated > 0 {
			did = append(did, fmt.Sprintf("%d edited model file(s) rendered again", st.Updated))
		}
		if st.Described > 0 {
			did = append(did, fmt.Sprintf("the descriptions of %d edited properties file(s) applied", st.Described))
		}
		return fmt.Sprintf("Partial parse: %s, the rest restored from target/%s", strings.Join(did, " and "), partial.FileName)
	case st.Reason == partial.ReasonDisabled:
		return ""
	}
	return "Partial parse: full load (" + st.Reason + ")"
}

// compiledIndexName is the file under target/compiled that records, for
// each compiled file written, its size, modification time and a hash of
// its text, so that the next compile can leave unchanged files alone
// without reading them back.
const compiledIndexName = ".index"

// indexEntry is one line of the compiled index.
type indexEntry struct {
	size, mtime int64 // as stat reported them after the write
	hash        string
}

// compiledIndex maps a path (relative to target/compiled) to its entry.
// written is the index file's own modification time: an entry whose
// mtime is not older may have been changed within the same clock tick
// after it was recorded ("racily clean", as git calls it), so it is not
// trusted.
type compiledIndex struct {
	entries map[string]indexEntry
	written int64
}

// readCompiledIndex reads the index; a missing or malformed one is empty
// (every file is then compared by content, as before the index existed).
func readCompiledIndex(p string) compiledIndex {
	idx := compiledIndex{entries: map[string]indexEntry{}}
	f, err := os.Open(p)
	if err != nil {
		return idx
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return idx
	}
	b, err := io.ReadAll(f)
	if err != nil || !bytes.HasPrefix(b, []byte(indexHeader)) {
		return idx
	}
	rest := string(b[len(indexHeader):])
	entries := make(map[string]indexEntry, strings.Count(rest, "\n"))
	for rest != "" {
		line, tail, ok := strings.Cut(rest, "\n")
		if !ok {
			return idx
		}
		rest = tail
		// <size> <mtime> <hash> <path>
		f := strings.SplitN(line, " ", 4)
		if len(f) != 4 {
			return idx
		}
		size, err1 := strconv.ParseInt(f[0], 10, 64)
		mtime, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil || len(f[2]) != hashLen {
			return idx
		}
		entries[f[3]] = indexEntry{size: size, mtime: mtime, hash: f[2]}
	}
	return compiledIndex{entries: entries, written: st.ModTime().UnixNano()}
}

// indexHeader starts the index file (a format version).
const indexHeader = "techstore compiled index 1\n"

// hashLen is the length of an entry's hash: the first 16 bytes of the
// text's SHA-256, in hex.
const hashLen = 32

func textHash(text string) string {
	s := sha256.Sum256(unsafe.Slice(unsafe.StringData(text), len(text))) // read only: no copy
	var h [hashLen]byte
	hex.Encode(h[:], s[:hashLen/2])
	return string(h[:])
}

// unchanged reports whether the file at p still holds text: by the index
// (size, mtime and hash recorded at the last write, size and mtime on
// disk now), or, for a racily clean entry, by reading the file back;
// racy is true when the entry was racily clean and the file is unchanged
// (writing the index again makes it trusted next time).
func (idx compiledIndex) unchanged(stats *dirStats, rel, p, text, hash string) (same, racy bool) {
	e, ok := idx.entries[rel]
	if !ok || e.size != int64(len(text)) || e.hash != hash {
		return false, false
	}
	if size, mtime, ok := stats.stat(p); !ok || size != e.size || mtime != e.mtime {
		return false, false
	}
	if e.mtime >= idx.written {
		same = sameContent(p, text)
		return same, same
	}
	return true, false
}

// writeCompiled writes each node's compiled SQL under dir at its
// original file path, in parallel, skipping files that already hold it
// (target/compiled/.index records what the last compile wrote, so the
// files need not be read back).
func writeCompiled(dir string, nodes []*project.Node) error {
	base := filepath.Dir(dir) // target/compiled
	idxPath := filepath.Join(base, compiledIndexName)
	idx := readCompiledIndex(idxPath)
	// Each file's path, and the folders to create. dir is clean, and so
	// is a path relative to the project (filepath.Rel made it): joined,
	// only a path leading out of the project needs cleaning.
	paths := make([]string, len(nodes))
	dirs := map[string]bool{}
	for i, n := range nodes {
		p := dir + string(filepath.Separator) + filepath.FromSlash(n.OriginalFilePath)
		if strings.HasPrefix(n.OriginalFilePath, "..") {
			p = filepath.Clean(p)
		}
		paths[i] = p
		dirs[p[:strings.LastIndexByte(p, filepath.Separator)]] = true
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write compiled SQL: %w", err)
		}
		dirList = append(dirList, d)
	}
	stats := openDirStats(dirList)
	defer stats.close()
	prefix := filepath.Base(dir) + "/"
	errs := make([]error, len(nodes))
	fresh := make([]indexEntry, len(nodes))
	changed := make([]bool, len(nodes))
	var wg sync.WaitGroup
	workers := 2 * runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(nodes); i += workers {
				n, p, rel := nodes[i], paths[i], prefix+nodes[i].OriginalFilePath
				h := textHash(n.CompiledCode)
				same, racy := idx.unchanged(stats, rel, p, n.CompiledCode, h)
				if same {
					// Unchanged since the last compile: leave the file alone.
					if racy {
						changed[i] = true
						fresh[i] = idx.entries[rel]
					}
					continue
				}
				changed[i] = true
				st, err := writeFile(p, n.CompiledCode)
				if err != nil {
					errs[i] = fmt.Errorf("write compiled SQL of %s: %w", n.Name, err)
					continue
				}
				fresh[i] = indexEntry{size: st.Size(), mtime: st.ModTime().UnixNano(), hash: h}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	any := false
	for i, n := range nodes {
		if changed[i] {
			idx.entries[prefix+n.OriginalFilePath] = fresh[i]
			any = true
		}
	}
	if !any {
		return nil
	}
	return writeCompiledIndex(idxPath, idx.entries)
}

// writeFile writes text to p and returns the file's state after the write.
func writeFile(p, text string) (os.FileInfo, error) {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return nil, err
	}
	st, err := f.Stat()
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return st, err
}

// writeCompiledIndex writes the index atomically (a temporary file, then
// a rename), entries sorted by path.
func writeCompiledIndex(p string, entries map[string]indexEntry) error {
	paths := make([]string, 0, len(entries))
	for k := range entries {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	b := make([]byte, 0, len(indexHeader)+len(paths)*(hashLen+64))
	b = append(b, indexHeader...)
	for _, k := range paths {
		e := entries[k]
		b = strconv.AppendInt(b, e.size, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.mtime, 10)
		b = append(b, ' ')
		b = append(b, e.hash...)
		b = append(b, ' ')
		b = append(b, k...)
		b = append(b, '\n')
	}
	if err := atomicfile.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("write compiled index: %w", err)
	}
	return nil
}

// sameContent reports whether the file at p holds exactly text.
func sameContent(p, text string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() != int64(len(text)) {
		return false
	}
	buf := make([]byte, len(text))
	if _, err := io.ReadFull(f, buf); err != nil {
		return false
	}
	return string(buf) == text
}

func newLsCmd(a *App) *cobra.Command {
	var sf selectFlags
	var output string
	var explain bool
	c := &cobra.Command{
		Use:   "ls",
		Short: "List the selected nodes in DAG order",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch output {
			case "name", "path", "json", "selector":
			default:
				return fmt.Errorf("--output %q: want name, path, json or selector", output)
			}
			tuneGC()
			a.readOnly = true
			defer a.parse.Wait()
			e, _, err := a.LoadEngine(cmd.Context())
			if err != nil {
				return err
			}
			res, err := sf.selectNodes(e, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return printNodes(cmd.OutOrStdout(), e, res, output, explain)
		},
	}
	sf.register(c)
	c.Flags().StringArrayVar(&sf.ResourceTypes, "resource-type", nil, "keep only these resource types (model, test, seed, source; repeatable)")
	c.Flags().StringVarP(&output, "output", "o", "name", "name, path, json or selector (fully qualified name)")
	c.Flags().BoolVar(&explain, "explain", false, "print why each node was selected")
	return c
}

func printNodes(w io.Writer, e *compile.Engine, res selector.Result, output string, explain bool) error {
	bw := newLineWriter(w)
	for _, id := range res.IDs {
		var line string
		if n, ok := e.Project.Nodes[id]; ok {
			switch output {
			case "name":
				line = n.Name
			case "path":
				line = n.OriginalFilePath
			case "selector":
				line = strings.Join(n.FQN, ".")
			case "json":
				b, err := json.Marshal(map[string]any{
					"unique_id": n.UniqueID, "name": n.Name, "resource_type": n.ResourceType,
					"package_name": n.PackageName, "original_file_path": n.OriginalFilePath,
					"alias": n.Alias, "schema": n.Schema, "tags": n.Tags, "config": n.Config,
					"depends_on": n.DependsOn,
				})
				if err != nil {
					return fmt.Errorf("ls: %w", err)
				}
				line = string(b)
			}
		} else if s, ok := e.Project.Sources[id]; ok {
			switch output {
			case "name":
				line = s.SourceName + "." + s.Name
			case "path":
				line = s.OriginalFilePath
			case "selector":
				line = "source:" + strings.Join(s.FQN, ".")
			case "json":
				b, err := json.Marshal(map[string]any{
					"unique_id": s.UniqueID, "name": s.Name, "source_name": s.SourceName,
					"resource_type": project.SourceRT, "original_file_path": s.OriginalFilePath,
					"schema": s.Schema, "identifier": s.Identifier, "tags": s.Tags,
				})
				if err != nil {
					return fmt.Errorf("ls: %w", err)
				}
				line = string(b)
			}
		} else {
			continue
		}
		bw.line(line)
		if explain {
			for _, why := range res.Why(id) {
				bw.line("    because " + why)
			}
		}
	}
	return bw.flush()
}

type lineWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func newLineWriter(w io.Writer) *lineWriter { return &lineWriter{w: w} }

func (l *lineWriter) line(s string) {
	l.buf = append(append(l.buf, s...), '\n')
	if len(l.buf) > 64<<10 {
		l.flush()
	}
}

func (l *lineWriter) flush() error {
	if l.err == nil && len(l.buf) > 0 {
		_, l.err = l.w.Write(l.buf)
	}
	l.buf = l.buf[:0]
	if l.err != nil {
		return fmt.Errorf("write output: %w", l.err)
	}
	return nil
}
