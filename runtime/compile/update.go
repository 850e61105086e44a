package compile

import (
	"context"
	"reflect"
	"slices"

	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/render"
)

// UpdateModels brings a restored Engine up to date with edited model
// files, given by original file path with their new text,
// re-rendering only those models: it is what a full Load of the edited
// project would return, for the edits it accepts. It accepts an edit
// whose reach ends at the model's own SQL: the file's config calls are
// the same as before (so config, relation, tags and the generic tests
// are unchanged), the model is not ephemeral (its SQL is inlined into
// other models), and its refs and sources exist and close no cycle.
//
// It returns false, and why, for any other edit and for one that does
// not render: the caller then loads the project in full, which also words
// the error. After false the Engine is half updated and must be dropped.
func (e *Engine) UpdateModels(ctx context.Context, files map[string]project.FileContent) (bool, string) {
	if len(files) == 0 {
		return true, ""
	}
	byPath := make(map[string]*project.Node, len(files))
	for _, n := range e.Project.Nodes {
		if _, ok := files[n.OriginalFilePath]; ok {
			byPath[n.OriginalFilePath] = n
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	r := e.renderers.Get().(*render.Renderer)
	defer e.renderers.Put(r)
	depsChanged := false
	var edited []*project.Node
	for _, p := range paths {
		fc := files[p]
		if ctx.Err() != nil {
			return false, ctx.Err().Error()
		}
		n := byPath[p]
		switch {
		case n == nil || n.ResourceType != project.Model:
			return false, p + " changed, and it is not a model (only edits of model SQL, and of descriptions in properties files, are applied to the saved project)"
		case n.Config.Materialized == project.MatEphemeral:
			return false, p + " is an ephemeral model (its SQL is inlined into others)"
		}
		// The old text's config calls, to compare with the new one's.
		was := &render.State{Resolver: markResolver{}}
		if _, err := e.execute(r, n.OriginalFilePath, n.RawCode, was); err != nil {
			return false, p + " no longer renders as it did"
		}
		st := &render.State{Resolver: markResolver{}}
		out, err := e.execute(r, n.OriginalFilePath, fc.Text, st)
		if err != nil {
			return false, p + " does not render"
		}
		if !reflect.DeepEqual(was.Config, st.Config) {
			return false, p + ": its config calls changed"
		}
		for _, ref := range st.Refs {
			if _, ok := e.byName[ref]; !ok {
				return false, p + ": ref of an unknown model"
			}
		}
		for _, s := range st.Sources {
			if _, ok := e.Project.Sources[e.sourceID(s[0], s[1])]; !ok {
				return false, p + ": source not declared"
			}
		}
		n.RawCode = fc.Text
		n.Checksum = project.Checksum(fc.Text)
		n.CompiledCode = out
		if !slices.Equal(n.Refs, st.Refs) || !slices.Equal(n.SourceRefs, st.Sources) {
			depsChanged = true
			n.DependsOn.Nodes = nil // buildDAG works them out again
		}
		n.Refs, n.SourceRefs = st.Refs, st.Sources
		n.DependsOn.Macros = e.macroIDs(st.Macros)
		edited = append(edited, n)
	}
	if depsChanged {
		if err := e.buildDAG(); err != nil {
			return false, "the edited refs close a cycle" // Load words it
		}
	}
	for _, n := range edited {
		sql, err := e.substitute(n.CompiledCode, n, nil)
		if err != nil {
			return false, n.OriginalFilePath + " does not compile"
		}
		n.CompiledCode = sql
	}
	return true, ""
}

// UpdateDescriptions brings a restored Engine up to date with a
// properties file whose new text (text, at path) differs from the one it
// was loaded from only in the descriptions of models, seeds and their
// columns (edits, from project.DescriptionEdits of the two texts). It
// returns the unique ids of the nodes it changed. Descriptions reach no
// SQL, no test and no other node, so that is the whole of the update.
//
// It returns false, and why, when an edit does not name a node this file
// describes or a column it has exactly once; the Engine may then be half
// updated and must be dropped.
func (e *Engine) UpdateDescriptions(path, text string, edits []project.DescEdit) ([]string, bool, string) {
	f := slices.IndexFunc(e.Project.PropsFiles, func(f project.File) bool { return f.Path == path })
	if f < 0 {
		return nil, false, path + " is not a properties file of the saved project"
	}
	var ids []string
	for _, ed := range edits {
		n, ok := e.byName[ed.Name]
		if !ok || n.ResourceType != ed.Kind || n.PatchPath != path {
			return nil, false, path + ": " + string(ed.Kind) + " " + ed.Name + " is not described there in the saved project"
		}
		if ed.Column == "" {
			n.Description = ed.Description
		} else {
			var col *project.Column
			for _, c := range n.Columns {
				if c.Name == ed.Column {
					if col != nil {
						return nil, false, path + ": column " + ed.Column + " of " + ed.Name + " is declared twice"
					}
					col = c
				}
			}
			if col == nil {
				return nil, false, path + ": " + ed.Name + " has no column " + ed.Column + " in the saved project"
			}
			col.Description = ed.Description
		}
		if !slices.Contains(ids, n.UniqueID) {
			ids = append(ids, n.UniqueID)
		}
	}
	e.Project.PropsFiles[f].Text = text
	return ids, true, ""
}
