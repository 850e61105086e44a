package cli

import "github.com/spf13/cobra"

// newServeCmd is replaced by the work that owns it; placeholder so the tree builds.
func newServeCmd(a *App) *cobra.Command { return &cobra.Command{Use: "serve", Hidden: true} }
