package cli

import "github.com/spf13/cobra"

// newCompileCmd is replaced by the work that owns it; placeholder so the tree builds.
func newCompileCmd(a *App) *cobra.Command { return &cobra.Command{Use: "compile", Hidden: true} }

// newLsCmd is replaced by the work that owns it; placeholder so the tree builds.
func newLsCmd(a *App) *cobra.Command { return &cobra.Command{Use: "ls", Hidden: true} }
