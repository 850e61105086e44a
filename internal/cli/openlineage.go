package cli

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/spf13/pflag"

	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/lineage/openlineage"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/exec"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// openLineageFlags are --openlineage-file and --openlineage-url of the
// run commands.
type openLineageFlags struct {
	File, URL string
}

func (o *openLineageFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&o.File, "openlineage-file", "", "write OpenLineage run events to this file as NDJSON")
	fl.StringVar(&o.URL, "openlineage-url", "", "POST OpenLineage run events to this Marquez-compatible endpoint (http://host:5000 posts to /api/v1/lineage)")
}

// observers returns the OpenLineage emitter for the flags given (none when
// neither is set) and a close function that reports failed sends to errw.
func (o *openLineageFlags) observers(ctx context.Context, cfg adapter.Config, p *project.Project, errw io.Writer) ([]exec.Observer, func(), error) {
	if o.File == "" && o.URL == "" {
		return nil, func() {}, nil
	}
	var sinks []openlineage.Sink
	var file *openlineage.FileSink
	if o.File != "" {
		f, err := openlineage.NewFileSink(o.File)
		if err != nil {
			return nil, nil, fmt.Errorf("--openlineage-file: %w", err)
		}
		file = f
		sinks = append(sinks, f)
	}
	var post *openlineage.HTTPSink
	if o.URL != "" {
		h, err := openlineage.NewHTTPSink(o.URL)
		if err != nil {
			if file != nil {
				file.Close()
			}
			return nil, nil, fmt.Errorf("--openlineage-url: %w", err)
		}
		post = h
		sinks = append(sinks, h)
	}
	ns := cfg.Type + "://" + cfg.Name
	for _, k := range []string{"host", "path"} {
		if v, ok := cfg.Fields[k].(string); ok && v != "" {
			ns = cfg.Type + "://" + v
			break
		}
	}
	var lin map[string]*column.Model // nil: the emitter analyses p's SQL (DuckDB)
	if cfg.Type != "duckdb" {
		l, err := duckdbLineage(ctx, p.Root, cfg, p.Vars)
		if err != nil {
			fmt.Fprintln(errw, "warning: openlineage: no column lineage:", err)
			l = map[string]*column.Model{}
		}
		lin = l
	}
	var reported atomic.Int32
	em := openlineage.New(openlineage.Options{Project: p, DatasetNamespace: ns, Sinks: sinks, Lineage: lin,
		OnError: func(err error) {
			if reported.Add(1) <= 3 {
				fmt.Fprintln(errw, "warning: openlineage:", err)
			}
		}})
	closeFn := func() {
		if post != nil {
			_ = post.Flush() // normally done at the run's end, which reported its errors
		}
		if file != nil {
			if err := file.Close(); err != nil {
				fmt.Fprintln(errw, "warning: openlineage:", err)
			}
		}
	}
	return []exec.Observer{em}, closeFn, nil
}
