package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/lineage/export"
	"github.com/techstore-analytics/techstore/lineage/graph"
	"github.com/techstore-analytics/techstore/lineage/site"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/compile"
)

// docsGraph loads the project and builds the documented graph: column
// lineage from the compiled SQL and the last run results when present.
func (a *App) docsGraph(ctx context.Context) (*graph.Graph, *compile.Engine, error) {
	e, cfg, err := a.LoadEngine(ctx)
	if err != nil {
		return nil, nil, err
	}
	lin, err := a.columnLineage(ctx, e, cfg)
	if err != nil {
		return nil, nil, err
	}
	rr, err := graph.ReadRunResults(filepath.Join(e.Project.Root, "target", "run_results.json"))
	if err != nil {
		return nil, nil, err
	}
	g := graph.Build(e.Project, lin, rr)
	g.GeneratedAt = time.Now().UTC().Format(time.RFC3339)
	return g, e, nil
}

// columnLineage analyses the models' SQL as compiled for DuckDB, whose
// parser the analysis uses: for another target the project is compiled a
// second time with the DuckDB dialect (same models, same columns; only
// quoting and dispatched macros differ).
func (a *App) columnLineage(ctx context.Context, e *compile.Engine, cfg adapter.Config) (map[string]*column.Model, error) {
	if cfg.Type == "duckdb" {
		return column.ForProject(ctx, e.Project)
	}
	vars, err := parseVars(a.Vars)
	if err != nil {
		return nil, err
	}
	return duckdbLineage(ctx, a.ProjectDir, cfg, vars)
}

// duckdbLineage compiles the project at dir with the DuckDB dialect and
// analyses its models.
func duckdbLineage(ctx context.Context, dir string, cfg adapter.Config, vars map[string]any) (map[string]*column.Model, error) {
	dcfg := adapter.Config{Name: cfg.Name, Type: "duckdb", Schema: cfg.Schema, Threads: cfg.Threads, Fields: map[string]any{}}
	dialect, err := newRegistry().Dialect(dcfg)
	if err != nil {
		return nil, fmt.Errorf("column lineage: %w", err)
	}
	de, err := compile.Load(ctx, dir, compile.Options{Target: dcfg, Dialect: dialect, Vars: vars})
	if err != nil {
		return nil, fmt.Errorf("column lineage: compile for duckdb: %w", err)
	}
	return column.ForProject(ctx, de.Project)
}

func newDocsCmd(a *App) *cobra.Command {
	docs := &cobra.Command{
		Use:   "docs",
		Short: "Generate and serve the lineage documentation site (target/docs/index.html)",
	}
	var out string
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Write target/docs/index.html: one self-contained page (DAG, models, columns, column lineage)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			g, e, err := a.docsGraph(cmd.Context())
			if err != nil {
				return err
			}
			path := out
			if path == "" {
				path = filepath.Join(e.Project.Root, "target", "docs", "index.html")
			}
			if err := site.WriteFile(cmd.Context(), path, g); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d nodes, %d edges) in %.2fs\n", path, len(g.Nodes), len(g.Edges), time.Since(start).Seconds())
			return nil
		},
	}
	gen.Flags().StringVarP(&out, "output", "o", "", "where to write the page (default <project>/target/docs/index.html)")

	var port int
	var host string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve target/docs on http://127.0.0.1:8081 (run docs generate first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := filepath.Abs(a.ProjectDir)
			if err != nil {
				return fmt.Errorf("docs serve: %w", err)
			}
			dir := filepath.Join(root, "target", "docs")
			if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
				return fmt.Errorf("docs serve: %s/index.html not found: run `techstore docs generate` first", dir)
			}
			return serveDocs(cmd.Context(), net.JoinHostPort(host, strconv.Itoa(port)), dir, cmd)
		},
	}
	serve.Flags().IntVar(&port, "port", 8081, "port to listen on")
	serve.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on")
	docs.AddCommand(gen, serve)
	return docs
}

func serveDocs(ctx context.Context, addr, dir string, cmd *cobra.Command) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("docs serve: listen on %s: %w (choose another with --port)", addr, err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "serving %s on http://%s/ (Ctrl-C to stop)\n", dir, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("docs serve: %w", err)
	}
}

func newLineageCmd(a *App) *cobra.Command {
	var sf selectFlags
	var format string
	var columns bool
	c := &cobra.Command{
		Use:   "lineage",
		Short: "Print the selected lineage graph (model-level, or column-level with --columns) as dot, mermaid, json or csv",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ok := false
			for _, f := range export.Formats() {
				ok = ok || f == format
			}
			if !ok {
				return fmt.Errorf("lineage: unknown --format %q: use one of dot, mermaid, json, csv", format)
			}
			g, e, err := a.docsGraph(cmd.Context())
			if err != nil {
				return err
			}
			var keep map[string]bool
			if len(sf.Select) > 0 || len(sf.Exclude) > 0 || sf.Selector != "" {
				res, err := sf.selectNodes(e, cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				keep = map[string]bool{}
				for _, id := range res.IDs {
					keep[id] = true
				}
			}
			return export.Write(cmd.OutOrStdout(), g, export.Options{Format: format, Columns: columns, Keep: keep})
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "dot", "output format: dot, mermaid, json or csv")
	c.Flags().BoolVar(&columns, "columns", false, "column-level lineage instead of model-level")
	return c
}
