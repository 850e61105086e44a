package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/ingest"
	"github.com/techstore-analytics/techstore/runtime/profile"
)

// newIngestCmd builds `techstore ingest`: create the raw techstore tables
// on the target and load the synthetic TechStore data.
func newIngestCmd(a *App) *cobra.Command {
	var (
		scale   int
		seed    uint64
		endDate string
		replace bool
		batch   int
	)
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Create the raw techstore tables on the target and load deterministic synthetic data",
		Long: `Creates the schema techstore with its six tables (customers, product_categories,
products, orders, order_items, reviews) on the target and loads realistic synthetic
data: the same --seed and --scale give the same rows. The load is all-or-nothing.
Without --replace it refuses to overwrite tables that already hold data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			end, err := time.Parse(time.DateOnly, endDate)
			if err != nil {
				return fmt.Errorf("--end-date %q: want a date as YYYY-MM-DD, e.g. 2026-10-31", endDate)
			}
			cfg := ingest.Config{Scale: scale, Seed: seed, EndDate: end}
			if err := cfg.Validate(); err != nil {
				return err
			}
			tcfg, err := profile.Resolve(a.ProjectDir, a.ProfilesDir, a.Target)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			start := time.Now()
			var (
				rep   ingest.Report
				where string
			)
			switch tcfg.Type {
			case "duckdb":
				path, _ := tcfg.Fields["path"].(string)
				if path == "" {
					return fmt.Errorf("target %q: duckdb output has no path: set `path:` in profiles.yml", tcfg.Name)
				}
				where = path
				rep, err = ingest.LoadDuckDB(ctx, path, cfg, ingest.Options{Replace: replace})
			default:
				ad, oerr := newRegistry().Open(ctx, tcfg)
				if oerr != nil {
					return oerr
				}
				defer ad.Close()
				catalog, _ := tcfg.Fields["catalog"].(string)
				where = fmt.Sprintf("target %s (%s)", tcfg.Name, tcfg.Type)
				rep, err = ingest.LoadAdapter(ctx, ad, cfg, ingest.AdapterOptions{
					Options: ingest.Options{Replace: replace}, Catalog: catalog, BatchRows: batch,
				})
			}
			if err != nil {
				return fmt.Errorf("ingest into target %s: %w", tcfg.Name, err)
			}
			return rep.Write(cmd.OutOrStdout(), where, time.Since(start))
		},
	}
	f := cmd.Flags()
	f.IntVar(&scale, "scale", 1, "scale factor: multiplies customers, products, orders, items and reviews")
	f.Uint64Var(&seed, "seed", 42, "random seed: the same seed and scale give the same rows")
	f.StringVar(&endDate, "end-date", ingest.DefaultEndDate.Format(time.DateOnly), "last day of the 24 months of orders (YYYY-MM-DD)")
	f.BoolVar(&replace, "replace", false, "replace tables that already hold data (atomically)")
	f.IntVar(&batch, "batch-rows", ingest.DefaultBatchRows, "rows per INSERT statement on Databricks/Spark targets")
	return cmd
}
