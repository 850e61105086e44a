package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/api"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/profile"
)

// newServeCmd is `techstore serve`: the gold layer over HTTP.
func newServeCmd(a *App) *cobra.Command {
	var (
		addr, schema, marker, logFormat string
		cors                            []string
		poll, every                     time.Duration
		logRequests                     bool
		memLimit                        string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gold layer over HTTP (Huma v2 API, OpenAPI 3.1, docs at /docs)",
		Long: `Loads the gold tables of the target's warehouse into memory and serves them
over HTTP. The DuckDB file is opened read-only only while a snapshot loads, so
techstore run/build can write it while the server is up. The snapshot reloads
when target/run_results.json changes (the end of a run) and on
POST /admin/reload with "Authorization: Bearer $TECHSTORE_RELOAD_TOKEN".
SIGTERM or Ctrl-C shut the server down gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var h slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), nil)
			if logFormat == "json" {
				h = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
			}
			log := slog.New(h)
			cfg, err := profile.Resolve(a.ProjectDir, a.ProfilesDir, a.Target)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			opener, err := openerFor(cfg, schema)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			var limit int64
			if memLimit != "auto" {
				if limit, err = parseBytes(memLimit); err != nil {
					return fmt.Errorf("serve: --memory-limit: %w", err)
				}
			}
			store := api.NewStore(opener, log)
			store.FreeMemory = true
			if os.Getenv("GOMEMLIMIT") == "" {
				switch {
				case memLimit == "auto":
					// During a reload two snapshots are live: the limit holds
					// the heap near that, whatever the warehouse's size.
					// Between reloads the collector runs when the heap nears
					// the limit (GOGC 400, unless GOGC is set), not each time
					// it doubles: half as many collections under load.
					raiseGOGC := os.Getenv("GOGC") == ""
					store.OnLoad = func(*api.Snapshot) {
						live := liveHeap()
						debug.SetMemoryLimit(autoMemoryLimit(live))
						if raiseGOGC {
							debug.SetGCPercent(400)
						}
						log.Info("go memory limit set", "live_heap_mib", live>>20, "limit_mib", autoMemoryLimit(live)>>20)
					}
				case limit > 0:
					debug.SetMemoryLimit(limit)
				}
			}
			if _, err := store.Reload(ctx); err != nil {
				log.Error("no gold snapshot yet; answering 503 until one loads", "error", err)
			}
			handler, _ := api.NewHandler(api.Options{
				Store: store, Logger: log, CORSOrigins: cors,
				ReloadToken: os.Getenv("TECHSTORE_RELOAD_TOKEN"), LogRequests: logRequests,
			})
			if !filepath.IsAbs(marker) {
				marker = filepath.Join(a.ProjectDir, marker)
			}
			go store.Watch(ctx, marker, poll)
			if every > 0 {
				go store.ReloadEvery(ctx, every)
			}
			return api.Serve(ctx, addr, handler, log, func(ad net.Addr) {
				log.Info("serving the gold layer", "addr", "http://"+ad.String(), "docs", "http://"+ad.String()+"/docs", "source", opener.Describe(), "watch", marker)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&schema, "schema", "gold", "schema of the gold tables")
	f.StringVar(&marker, "watch", "target/run_results.json", "file whose change (the end of a run) triggers a reload, relative to the project folder")
	f.DurationVar(&poll, "poll", time.Second, "how often to check the --watch file")
	f.DurationVar(&every, "reload-every", 0, "also reload on this interval, e.g. 15m (0: only after runs and on POST /admin/reload)")
	f.StringSliceVar(&cors, "cors-origin", nil, "origin allowed to call the API from a browser (repeatable; * for any)")
	f.BoolVar(&logRequests, "log-requests", true, "log every request (server errors are always logged)")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&memLimit, "memory-limit", "auto", "soft limit of the Go heap, e.g. 192MiB or 1GiB; auto: twice the served snapshot's heap plus 32MiB, at least 64MiB, set after each load (GOMEMLIMIT wins; 0 for none)")
	return cmd
}

// openerFor picks how snapshots are read: the DuckDB file directly
// (read-only, only while loading) or through the target's adapter.
func openerFor(cfg adapter.Config, schema string) (api.Opener, error) {
	if cfg.Type == "duckdb" {
		p, _ := cfg.Fields["path"].(string)
		if p == "" || p == ":memory:" {
			return nil, fmt.Errorf("target %s: serve needs a DuckDB file (path: in profiles.yml), not %q", cfg.Name, p)
		}
		return &api.DuckDB{Path: p, Schema: schema}, nil
	}
	reg := newRegistry()
	if _, err := reg.Dialect(cfg); err != nil {
		return nil, err
	}
	catalog, _ := cfg.Fields["catalog"].(string)
	return &api.Warehouse{
		Connect:  func(ctx context.Context) (adapter.Adapter, error) { return reg.Open(ctx, cfg) },
		Database: catalog, Schema: schema, Name: cfg.Type + ":" + cfg.Name,
	}, nil
}

// liveHeap is the Go heap reachable at the end of the last collection.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// autoMemoryLimit is the Go memory limit for a served snapshot whose heap
// is live bytes: room for a second snapshot while a reload builds it, and
// for the garbage of requests.
func autoMemoryLimit(live int64) int64 {
	return max(64<<20, 2*live+32<<20)
}

// parseBytes reads a size such as 192MiB, 1GiB, 500MB or 1048576.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size: write bytes or a number with KiB, MiB, GiB, KB, MB or GB", s)
	}
	return n * mult, nil
}
