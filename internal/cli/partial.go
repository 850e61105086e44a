package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/techstore-analytics/techstore/runtime/atomicfile"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/partial"
)

// loadProject loads the project at --project-dir, restoring it from
// target/partial_parse.bin when nothing it depends on changed (and
// writing that file otherwise), unless --no-partial-parse or
// TECHSTORE_NO_PARTIAL_PARSE=1 turns partial parsing off. What the cache
// did is kept in a.parse.
func (a *App) loadProject(ctx context.Context, opts compile.Options) (*compile.Engine, error) {
	e, st, err := partial.Load(ctx, a.ProjectDir, partial.Options{
		Compile:     opts,
		Disabled:    a.NoPartialParse || os.Getenv("TECHSTORE_NO_PARTIAL_PARSE") == "1",
		WriteBehind: a.readOnly,
	})
	a.parse = st
	return e, err
}

// writeManifest writes the manifest at path unless the one there was
// written from an Engine of the same partial parse key and is untouched
// since (then only its generated_at would change), and records it.
func (a *App) writeManifest(e *compile.Engine, path string) error {
	if partial.ManifestUpToDate(path, a.parse) {
		// Neither the manifest nor the cache is written again: delete
		// what their last writes left (atomicfile.Replace).
		atomicfile.RemoveOld(path)
		atomicfile.RemoveOld(filepath.Join(filepath.Dir(path), partial.FileName))
		return nil
	}
	// After an edit of a few models, the unchanged parts are copied from
	// the manifest there; should that fail (it changed since it was
	// recorded), the manifest is written in full.
	if reuse, done := partial.ManifestReuse(path, a.parse); reuse != nil {
		l, err := e.WriteManifestReusing(path, reuse)
		done()
		if err == nil {
			return partial.RecordManifest(path, a.parse, l)
		}
	}
	l, err := e.WriteManifestReusing(path, nil)
	if err != nil {
		return err
	}
	return partial.RecordManifest(path, a.parse, l)
}
