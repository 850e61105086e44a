package compile

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// TestRestoreMatchesLoad restores an Engine from the Snapshot of a fresh
// load and compares every field of the two Engines. The field count is
// pinned: a field added to Engine and filled by Load must be rebuilt by
// Restore (or stored in Snapshot), then counted here.
func TestRestoreMatchesLoad(t *testing.T) {
	if n := reflect.TypeOf(Engine{}).NumField(); n != 10 {
		t.Fatalf("Engine has %d fields, Restore knows 10: rebuild the new one in Restore (snapshot.go) and compare it here", n)
	}
	cases := []struct {
		name string
		opts Options
	}{
		{"duckdb target", Options{Target: duckTarget().Target, Vars: map[string]any{"min_amount": 7}}},
		{"backtick dialect", Options{Target: duckTarget().Target, Dialect: backtickDialect{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fresh := loadShop(t, c.opts)
			// Snapshot shares the fresh Engine's values: load a second
			// Engine to restore from.
			got, err := Restore(context.Background(), loadShop(t, c.opts).Snapshot(), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			checks := []struct {
				field     string
				got, want any
			}{
				{"Project", got.Project, fresh.Project},
				{"DAG", got.DAG, fresh.DAG},
				{"Settings", got.Settings, fresh.Settings},
				{"opts", got.opts, fresh.opts},
				{"relations", plainRelations(got), plainRelations(fresh)},
				{"byName", got.byName, fresh.byName},
				{"ephs", got.ephs, fresh.ephs},
				{"env.Macros", got.env.Macros(), fresh.env.Macros()},
				{"env.DispatchOrder", got.env.DispatchOrder(), fresh.env.DispatchOrder()},
			}
			for _, ch := range checks {
				if !reflect.DeepEqual(ch.got, ch.want) {
					t.Errorf("%s differs after Restore", ch.field)
				}
			}
			// sortedIDs is left nil by Restore: the manifest sorts then.
			var ids []string
			for id := range fresh.Project.Nodes {
				ids = append(ids, id)
			}
			for id := range fresh.Project.Sources {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if got.sortedIDs != nil || !slices.Equal(fresh.sortedIDs, ids) {
				t.Errorf("sortedIDs: restored %v, loaded %v; want nil and %v", got.sortedIDs, fresh.sortedIDs, ids)
			}
			// renderers: a restored Engine renders as the fresh one.
			for id, n := range fresh.Project.Nodes {
				for _, inc := range []bool{false, true} {
					g, gerr := got.Render(got.Project.Nodes[id], RenderContext{IsIncremental: inc})
					w, werr := fresh.Render(n, RenderContext{IsIncremental: inc})
					if g != w || (gerr == nil) != (werr == nil) {
						t.Errorf("Render(%s, incremental=%v) = %q, %v; want %q, %v", id, inc, g, gerr, w, werr)
					}
				}
			}
		})
	}
}

// plainRelations is e's relations without their quoted names, which are
// worked out on demand and so depend on what was asked before.
func plainRelations(e *Engine) map[string]adapter.Relation {
	m := make(map[string]adapter.Relation, len(e.relations.m))
	for id, r := range e.relations.m {
		m[id] = r.Relation
	}
	return m
}
