package cli

import (
	"context"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// extraObservers lists the run observers beyond the progress log (an
// OpenLineage emitter, say). Each observer adds its own line here.
func extraObservers(ctx context.Context, a *App, cfg adapter.Config, p *project.Project) []exec.Observer {
	return nil
}
