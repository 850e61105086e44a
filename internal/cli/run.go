package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/profile"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/selector"
)

// runFlags are the flags shared by run, test, build, seed and retry.
type runFlags struct {
	Select        []string
	Exclude       []string
	Selector      string
	State         string // --state DIR: the manifest.json that state: selectors compare with
	Indirect      string // --indirect-selection eager|cautious|buildable|empty
	Threads       int
	FailFast      bool
	FullRefresh   bool
	StoreFailures bool
	LogFormat     string
	Quiet         bool
	OpenLineage   openLineageFlags // --openlineage-file, --openlineage-url (openlineage.go)
}

func (f *runFlags) add(c *cobra.Command, selection bool) {
	fl := c.Flags()
	if selection {
		fl.StringArrayVarP(&f.Select, "select", "s", nil, "nodes to run, in dbt selector syntax (repeatable)")
		fl.StringArrayVar(&f.Exclude, "exclude", nil, "nodes to leave out (repeatable)")
		fl.StringVar(&f.Selector, "selector", "", "a named selector from selectors.yml")
		fl.StringVar(&f.State, "state", "", "folder of a previous manifest.json, for state:modified and state:new")
		fl.StringVar(&f.Indirect, "indirect-selection", "", "how tests of selected nodes are added: eager (default), cautious, buildable, empty")
	}
	fl.IntVar(&f.Threads, "threads", 0, "nodes run at once (default: the profile's threads, else 4)")
	fl.BoolVarP(&f.FailFast, "fail-fast", "x", false, "stop at the first failure, cancelling running nodes")
	fl.BoolVar(&f.FullRefresh, "full-refresh", false, "rebuild incremental models from scratch")
	fl.BoolVar(&f.StoreFailures, "store-failures", false, "keep each failing test's rows in a table (schema <target schema>_test_failures)")
	fl.StringVar(&f.LogFormat, "log-format", "text", "progress log format: text or json")
	fl.BoolVarP(&f.Quiet, "quiet", "q", false, "print only errors and the summary")
	f.OpenLineage.register(fl)
}

// newRunCommands builds run, test, build, seed, show, retry and run-operation.
func newRunCommands(a *App) []*cobra.Command {
	type spec struct {
		use, short string
		types      []project.ResourceType
	}
	var cmds []*cobra.Command
	for _, s := range []spec{
		{"run", "Build the selected models in the warehouse", []project.ResourceType{project.Model}},
		{"test", "Run the data tests of the selected nodes", []project.ResourceType{project.Test}},
		{"build", "Build seeds and models and run their tests, in DAG order", []project.ResourceType{project.Model, project.Seed, project.Test}},
		{"seed", "Load seeds/*.csv as tables", []project.ResourceType{project.Seed}},
	} {
		f := &runFlags{}
		c := &cobra.Command{
			Use:   s.use,
			Short: s.short,
			Long:  s.short + ".\n" + exitCodesHelp,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runNodes(cmd.Context(), a, cmd.OutOrStdout(), s.use, f, s.types, nil)
			},
		}
		f.add(c, true)
		cmds = append(cmds, c)
	}
	return append(cmds, newRetryCmd(a), newShowCmd(a), newRunOperationCmd(a))
}

// session is a loaded project on a resolved target.
type session struct {
	cfg    adapter.Config
	reg    *adapter.Registry
	engine *compile.Engine
	vars   map[string]any
}

func loadSession(ctx context.Context, a *App) (*session, error) {
	cfg, err := profile.Resolve(a.ProjectDir, a.ProfilesDir, a.Target)
	if err != nil {
		return nil, err
	}
	reg := newRegistry()
	dialect, err := reg.Dialect(cfg)
	if err != nil {
		return nil, err
	}
	vars, err := parseMapping("--vars", a.Vars)
	if err != nil {
		return nil, err
	}
	eng, err := a.loadProject(ctx, compile.Options{Target: cfg, Dialect: dialect, Vars: vars})
	if err != nil {
		return nil, err
	}
	return &session{cfg: cfg, reg: reg, engine: eng, vars: vars}, nil
}

// parseMapping reads a YAML or JSON mapping given on the command line.
func parseMapping(flag, s string) (map[string]any, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("%s %q: want a YAML or JSON mapping such as '{key: value}': %w", flag, s, err)
	}
	return m, nil
}

func (s *session) targetDir() string { return filepath.Join(s.engine.Project.Root, "target") }

// compiler adapts the compile engine to what the runner needs.
type compiler struct{ e *compile.Engine }

func (c compiler) Render(n *project.Node, inc bool) (string, error) {
	return c.e.Render(n, compile.RenderContext{IsIncremental: inc})
}
func (c compiler) RenderSQL(name, text string, n *project.Node) (string, error) {
	return c.e.RenderSQL(name, text, n)
}
func (c compiler) Relation(id string) adapter.Relation { return c.e.Relation(id) }

// runNodes runs a command over a selection; ids, when given, replace the
// selection (retry).
func runNodes(ctx context.Context, a *App, out io.Writer, command string, f *runFlags, types []project.ResourceType, ids []string) error {
	if f.LogFormat != "text" && f.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: use text or json", f.LogFormat)
	}
	s, err := loadSession(ctx, a)
	if err != nil {
		return err
	}
	p := s.engine.Project
	if ids == nil {
		var sels *selector.Selectors
		if p.SelectorsFile != "" {
			sels, err = selector.LoadSelectors(filepath.Join(p.Root, p.SelectorsFile))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		spec := selector.Spec{Select: f.Select, Exclude: f.Exclude, Selector: f.Selector, ResourceTypes: types, Indirect: f.Indirect}
		if f.State != "" {
			if spec.State, err = selector.LoadState(f.State); err != nil {
				return err
			}
		}
		res, err := selector.Select(p, s.engine.DAG, spec, sels)
		if err != nil {
			return err
		}
		for _, w := range res.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
		for _, id := range res.IDs {
			if n, ok := p.Nodes[id]; ok && n.Config.Enabled {
				ids = append(ids, id)
			}
		}
	}
	if err := a.writeManifest(s.engine, filepath.Join(s.targetDir(), "manifest.json")); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	threads := f.Threads
	if threads <= 0 {
		threads = s.cfg.Threads
	}
	if threads <= 0 {
		threads = 4
	}
	if len(ids) == 0 {
		fmt.Fprintln(out, "Nothing to do: the selection matched no nodes. Try `techstore ls` with the same --select.")
		return nil
	}
	ad, err := s.reg.Open(ctx, s.cfg)
	if err != nil {
		return err
	}
	defer ad.Close()
	args := map[string]any{
		"which": command, "select": f.Select, "exclude": f.Exclude, "selector": f.Selector,
		"threads": threads, "fail_fast": f.FailFast, "full_refresh": f.FullRefresh,
		"store_failures": f.StoreFailures, "target": s.cfg.Name, "vars": s.vars,
		"project_dir": p.Root, "log_format": f.LogFormat,
	}
	if f.State != "" {
		args["state"] = f.State
	}
	if f.Indirect != "" {
		args["indirect_selection"] = f.Indirect
	}
	printer := &exec.Printer{W: out, Format: f.LogFormat, Quiet: f.Quiet}
	olObs, closeOL, err := f.OpenLineage.observers(ctx, s.cfg, p, os.Stderr)
	if err != nil {
		return err
	}
	defer closeOL()
	observers := append(append([]exec.Observer{printer}, extraObservers(ctx, a, s.cfg, p)...), olObs...)
	sum, err := exec.Run(ctx, ad, compiler{s.engine}, p, ids, exec.Options{
		Command: command, Threads: threads, FailFast: f.FailFast, FullRefresh: f.FullRefresh,
		StoreFailures: f.StoreFailures, TargetDir: s.targetDir(), TargetName: s.cfg.Name,
		TargetSchema: s.cfg.Schema, Args: args, Observers: observers,
	})
	if ctx.Err() != nil || sum.Interrupted() {
		if err == nil {
			fmt.Fprintf(os.Stderr, "Interrupted: results so far are in %s\n", filepath.Join(s.targetDir(), "run_results.json"))
		}
		return interrupted(err)
	}
	if err != nil {
		return err
	}
	if !sum.OK() {
		return &ExitError{Code: 1}
	}
	return nil
}

// ExitInterrupted is the exit status of a command stopped by Ctrl-C or
// SIGTERM: 128 + SIGINT, as in dbt and the shells.
const ExitInterrupted = 130

// exitCodesHelp ends the long help of run, test, build, seed and retry.
const exitCodesHelp = `
Exit status: 0 when nothing errored (warnings allowed); 1 when a node
errored or a test failed, or the command could not start; 130 when
interrupted by Ctrl-C or SIGTERM. An interrupted run cancels the running
queries, marks unfinished nodes error or skipped, and still writes
target/run_results.json (so "techstore retry" picks up from there); a second
Ctrl-C exits at once.`

// interrupted is the error of a command cut short by Ctrl-C or SIGTERM:
// exit status 130, with err printed first when there is one.
func interrupted(err error) error {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	return &ExitError{Code: ExitInterrupted}
}

func newRetryCmd(a *App) *cobra.Command {
	f := &runFlags{}
	c := &cobra.Command{
		Use:   "retry",
		Short: "Re-run what errored, failed or was skipped in the last run_results.json",
		Long:  "Re-run what errored, failed or was skipped in the last run_results.json.\n" + exitCodesHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := filepath.Abs(a.ProjectDir)
			if err != nil {
				return err
			}
			rr, err := exec.ReadRunResults(filepath.Join(root, "target", "run_results.json"))
			if err != nil {
				return err
			}
			which, _ := rr.Args["which"].(string)
			switch which {
			case "run", "test", "build", "seed":
			default:
				return fmt.Errorf("retry: the last run_results.json records command %q; only run, test, build and seed can be retried", which)
			}
			ids := rr.RetryIDs()
			if len(ids) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "Nothing to retry: the last "+which+" had no errors, failures or skips.")
				return nil
			}
			// The previous invocation's options apply unless given again.
			if !cmd.Flags().Changed("full-refresh") {
				f.FullRefresh, _ = rr.Args["full_refresh"].(bool)
			}
			if !cmd.Flags().Changed("store-failures") {
				f.StoreFailures, _ = rr.Args["store_failures"].(bool)
			}
			if !cmd.Flags().Changed("fail-fast") {
				f.FailFast, _ = rr.Args["fail_fast"].(bool)
			}
			if !cmd.Flags().Changed("threads") {
				if t, ok := rr.Args["threads"].(float64); ok {
					f.Threads = int(t)
				}
			}
			return runNodes(cmd.Context(), a, cmd.OutOrStdout(), which, f, nil, ids)
		},
	}
	f.add(c, false)
	return c
}

func newRunOperationCmd(a *App) *cobra.Command {
	var argsText string
	c := &cobra.Command{
		Use:   "run-operation MACRO",
		Short: "Render a macro and run its SQL (maintenance tasks)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, pos []string) error {
			ctx := cmd.Context()
			s, err := loadSession(ctx, a)
			if err != nil {
				return err
			}
			margs, err := parseMapping("--args", argsText)
			if err != nil {
				return err
			}
			var q string
			if margs == nil {
				q, err = s.engine.Macro(pos[0])
			} else {
				q, err = s.engine.Macro(pos[0], margs)
			}
			if err != nil {
				return fmt.Errorf("run-operation %s: %w", pos[0], err)
			}
			out := cmd.OutOrStdout()
			if strings.TrimSpace(q) == "" {
				fmt.Fprintf(out, "Macro %s rendered no SQL; nothing to run.\n", pos[0])
				return nil
			}
			ad, err := s.reg.Open(ctx, s.cfg)
			if err != nil {
				return err
			}
			defer ad.Close()
			res, err := ad.Exec(ctx, q)
			if err != nil {
				return fmt.Errorf("run-operation %s: %w\nSQL:\n%s", pos[0], err, q)
			}
			if res.RowsAffected >= 0 {
				fmt.Fprintf(out, "Ran operation %s (%d rows affected)\n", pos[0], res.RowsAffected)
			} else {
				fmt.Fprintf(out, "Ran operation %s\n", pos[0])
			}
			return nil
		},
	}
	c.Flags().StringVar(&argsText, "args", "", "the macro's argument, a YAML/JSON mapping, e.g. '{days: 30}'")
	return c
}
