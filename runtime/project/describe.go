package project

import "reflect"

// DescEdit is a description changed in a properties file: of a model or
// seed (Column "") or of one of its columns.
type DescEdit struct {
	Kind        ResourceType // Model or Seed
	Name        string
	Column      string
	Description string
}

// DescriptionEdits compares two texts of the properties file at path
// (relative to the project root) as the loader reads them. When the two
// declare the same things on the same lines and differ at most in the
// descriptions of models, seeds and their columns, it returns the new
// descriptions that differ, and true. Anything else returns false: a
// changed test, config, column, tag, meta, source (descriptions of
// sources included), an entry or a test on another line, a file that
// does not parse. Comments are not part of what is compared.
func DescriptionEdits(path, oldText, newText string) ([]DescEdit, bool) {
	var a, b parsedProps
	parseProps(found{rel: path, text: oldText}, &a, &nodeArena{})
	parseProps(found{rel: path, text: newText}, &b, &nodeArena{})
	if a.err != nil || b.err != nil || !patchesOK(a.models) || !patchesOK(b.models) ||
		!patchesOK(a.seeds) || !patchesOK(b.seeds) ||
		len(a.doc.Models) != len(b.doc.Models) || len(a.doc.Seeds) != len(b.doc.Seeds) {
		return nil, false
	}
	var edits []DescEdit
	for _, kind := range []ResourceType{Model, Seed} {
		an, bn, ap, bp := a.doc.Models, b.doc.Models, a.models, b.models
		if kind == Seed {
			an, bn, ap, bp = a.doc.Seeds, b.doc.Seeds, a.seeds, b.seeds
		}
		for i := range an {
			m, n := &an[i], &bn[i]
			if m.Name != n.Name || len(m.Columns) != len(n.Columns) || len(ap[i].cols) != len(bp[i].cols) {
				return nil, false
			}
			if m.Description != n.Description {
				edits = append(edits, DescEdit{Kind: kind, Name: n.Name, Description: n.Description})
			}
			m.Description, n.Description = "", ""
			for j := range m.Columns {
				mc, nc := &m.Columns[j], &n.Columns[j]
				if mc.Name != nc.Name {
					return nil, false
				}
				if mc.Description != nc.Description {
					edits = append(edits, DescEdit{Kind: kind, Name: n.Name, Column: nc.Name, Description: nc.Description})
				}
				mc.Description, nc.Description = "", ""
			}
			for j := range ap[i].cols {
				ap[i].cols[j].Description, bp[i].cols[j].Description = "", ""
			}
		}
	}
	if !reflect.DeepEqual(a.doc, b.doc) || !reflect.DeepEqual(a.models, b.models) || !reflect.DeepEqual(a.seeds, b.seeds) {
		return nil, false
	}
	return edits, true
}

// patchesOK reports whether no entry's columns or tests failed to parse.
func patchesOK(l []nodePatch) bool {
	for i := range l {
		if l[i].colErr != nil || l[i].testErr != nil {
			return false
		}
	}
	return true
}
