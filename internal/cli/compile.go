package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/selector"
)

// tuneGC trades memory for speed in the short-lived compile and ls
// processes: the collector runs half as often (GOGC=200) under a soft
// limit that keeps the heap of a 10,000-model project below 300 MB.
// GOGC or GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
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
// renders and checks the project. Every command that needs the project
// calls it.
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
	e, err := compile.Load(ctx, a.ProjectDir, compile.Options{Target: cfg, Dialect: dialect, Vars: vars})
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
			e, _, err := a.LoadEngine(cmd.Context())
			if err != nil {
				return err
			}
			res, err := sf.selectNodes(e, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			target := filepath.Join(e.Project.Root, "target")
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
			if err := writeCompiled(filepath.Join(target, "compiled", e.Project.Name), nodes); err != nil {
				return err
			}
			if err := e.WriteManifest(filepath.Join(target, "manifest.json")); err != nil {
				return err
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

// writeCompiled writes each node's compiled SQL under dir at its
// original file path, in parallel.
func writeCompiled(dir string, nodes []*project.Node) error {
	dirs := map[string]bool{}
	for _, n := range nodes {
		dirs[filepath.Dir(filepath.Join(dir, filepath.FromSlash(n.OriginalFilePath)))] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("write compiled SQL: %w", err)
		}
	}
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	workers := 2 * runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(nodes); i += workers {
				p := filepath.Join(dir, filepath.FromSlash(nodes[i].OriginalFilePath))
				if sameContent(p, nodes[i].CompiledCode) {
					continue // unchanged since the last compile: leave the file alone
				}
				if err := os.WriteFile(p, []byte(nodes[i].CompiledCode), 0o644); err != nil {
					errs[i] = fmt.Errorf("write compiled SQL of %s: %w", nodes[i].Name, err)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
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
			for _, why := range res.Why[id] {
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
