package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/generator"
)

// newGenerateCmd is `techstore generate`: gold contracts -> api/*_gen.go.
func newGenerateCmd(a *App) *cobra.Command {
	var contracts, out string
	var check bool
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate the API's Go code (api/*_gen.go) from the gold models' YAML contracts",
		Long: `Reads the gold models' YAML (models/gold/*.yml: columns, data types,
descriptions, tests and meta.api) and writes api/<model>_gen.go: a row type per
gold model, its list/get/filter/sort operations and constants for the gold
relations. With --check it writes nothing and fails when the files are stale.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root := a.ProjectDir
			cdir := contracts
			if !filepath.IsAbs(cdir) {
				cdir = filepath.Join(root, cdir)
			}
			odir := out
			if !filepath.IsAbs(odir) {
				odir = filepath.Join(root, odir)
			}
			c, err := generator.LoadDir(cdir)
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			files, err := generator.Generate(c, generator.Options{Package: "api", Source: generator.SourceLabel(contracts)})
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			if check {
				diff, err := generator.Diff(odir, files)
				if err != nil {
					return fmt.Errorf("generate --check: %w", err)
				}
				if len(diff) > 0 {
					return fmt.Errorf("generated code in %s is stale (run techstore generate):\n  %s", odir, strings.Join(diff, "\n  "))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "generated code in %s is up to date (%d files)\n", odir, len(files))
				return nil
			}
			if err := generator.Write(odir, files); err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "generated %d files in %s from %d gold models\n", len(files), odir, len(c.Models))
			return nil
		},
	}
	cmd.Flags().StringVar(&contracts, "contracts", "models/gold", "folder of the gold YAML contracts, relative to the project folder")
	cmd.Flags().StringVar(&out, "out", "api", "folder of the generated Go code, relative to the project folder")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; fail when the generated files are stale")
	return cmd
}
