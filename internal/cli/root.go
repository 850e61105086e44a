package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/runtime/partial"
)

// App carries the global flags shared by every command.
type App struct {
	ProjectDir  string
	ProfilesDir string
	Target      string
	Vars        string // YAML/JSON mapping given with --vars
	// NoPartialParse loads the project in full, neither reading nor
	// writing target/partial_parse.bin (also TECHSTORE_NO_PARTIAL_PARSE=1).
	NoPartialParse bool

	// parse is what LoadEngine did with the partial parse cache (its key
	// lets compile leave an unchanged manifest alone).
	parse partial.Status
	// readOnly is set by commands that only read the Engine (compile,
	// ls): a cache miss then writes the cache behind them
	// (partial.Options.WriteBehind); they call a.parse.Wait before
	// returning.
	readOnly bool
}

// ExitError carries a process exit code through cobra.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// commands lists every subcommand constructor; each lives in its own file.
var commands = []func(*App) *cobra.Command{
	newCompileCmd, newLsCmd, // engine core (compile.go)
	newIngestCmd,              // ingest.go
	newGenerateCmd,            // generate.go
	newServeCmd,               // serve.go
	newDocsCmd, newLineageCmd, // docs.go
}

// NewRoot builds the root command.
func NewRoot() *cobra.Command {
	a := &App{}
	root := &cobra.Command{
		Use:           "techstore",
		Short:         "TechStore Analytics: SQL models, run on DuckDB or Databricks, documented and served",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.ProjectDir, "project-dir", ".", "project folder (holds project.yml)")
	pf.StringVar(&a.ProfilesDir, "profiles-dir", "", "folder of profiles.yml (default: the project folder, then ~/.techstore)")
	pf.StringVar(&a.Target, "target", "", "target in the profile (default: the profile's target)")
	pf.StringVar(&a.Vars, "vars", "", "project vars as YAML or JSON, e.g. '{as_of_date: 2026-10-31}'")
	pf.BoolVar(&a.NoPartialParse, "no-partial-parse", false, "load the project in full instead of restoring it from target/partial_parse.bin (also TECHSTORE_NO_PARTIAL_PARSE=1)")
	for _, c := range commands {
		root.AddCommand(c(a))
	}
	// run, test, build, seed, show, retry, run-operation (run.go)
	root.AddCommand(newRunCommands(a)...)
	return root
}

// Main runs the CLI and returns the process exit code. Ctrl-C and SIGTERM
// cancel the command's context; a command cut short that way exits 130.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // after the first signal, a second one ends the process at once
	if path := os.Getenv("TECHSTORE_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			return 1
		}
		defer stopProfile()
	}
	if path := os.Getenv("TECHSTORE_MEMPROFILE"); path != "" {
		defer writeMemProfile(path)
	}
	root := NewRoot()
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			return ee.Code
		}
		fmt.Fprintln(os.Stderr, "error:", err)
		if ctx.Err() != nil {
			return ExitInterrupted // Ctrl-C or SIGTERM (run.go)
		}
		return 1
	}
	return 0
}

// startCPUProfile writes a CPU profile of the whole command to path
// (TECHSTORE_CPUPROFILE=path; read it with go tool pprof), for anyone
// chasing where a slow compile or run spends its time.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("TECHSTORE_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("TECHSTORE_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeMemProfile writes the allocation profile of the whole command to
// path when it ends (TECHSTORE_MEMPROFILE=path; go tool pprof
// -sample_index=alloc_space shows where the bytes were allocated).
func writeMemProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: TECHSTORE_MEMPROFILE:", err)
		return
	}
	defer f.Close()
	runtime.GC() // the profile counts allocations up to the last collection
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "error: TECHSTORE_MEMPROFILE:", err)
	}
}
