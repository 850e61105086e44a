package cli

import "github.com/spf13/cobra"

// newDocsCmd is replaced by the work that owns it; placeholder so the tree builds.
func newDocsCmd(a *App) *cobra.Command { return &cobra.Command{Use: "docs", Hidden: true} }

// newLineageCmd is replaced by the work that owns it; placeholder so the tree builds.
func newLineageCmd(a *App) *cobra.Command { return &cobra.Command{Use: "lineage", Hidden: true} }
