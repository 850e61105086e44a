package medallion

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/project"
)

// isContractType reports whether a gold column may declare the data type
// (the API generator maps each to a Go type).
func isContractType(t string) bool {
	switch t {
	case "bigint", "integer", "decimal(18,2)", "decimal(5,2)", "double", "varchar", "date", "timestamp", "boolean":
		return true
	}
	return false
}

// checkGoldContracts checks, for every gold model of a built project, that
// its YAML is a complete contract (each column with a known data_type and
// a description, meta.api naming real columns) and that the warehouse
// table has exactly those columns, in that order, with those types.
func checkGoldContracts(ctx context.Context, t *testing.T, s *session) {
	var gold []*project.Node
	for _, n := range s.engine.Project.Nodes {
		if n.ResourceType == project.Model && hasTag(n, "gold") {
			gold = append(gold, n)
		}
	}
	if len(gold) != 8 {
		t.Errorf("%d gold models, want 8", len(gold))
	}
	for _, n := range gold {
		t.Run("contract "+n.Name, func(t *testing.T) {
			if strings.TrimSpace(n.Description) == "" {
				t.Errorf("no description")
			}
			cols := map[string]bool{}
			var want []string
			for _, c := range n.Columns {
				cols[c.Name] = true
				if !isContractType(c.DataType) {
					t.Errorf("column %s: data_type %q is not one of the contract types", c.Name, c.DataType)
				}
				if strings.TrimSpace(c.Description) == "" {
					t.Errorf("column %s: no description", c.Name)
				}
				want = append(want, c.Name+" "+strings.ToUpper(c.DataType))
			}
			api, _ := n.Meta["api"].(map[string]any)
			if path, _ := api["path"].(string); !strings.HasPrefix(path, "/api/") {
				t.Errorf("meta.api.path = %v, want /api/...", api["path"])
			}
			for _, k := range []string{"key", "default_sort"} {
				if v, ok := api[k]; ok && !cols[fmt.Sprint(v)] {
					t.Errorf("meta.api.%s %v is not a column", k, v)
				}
			}
			if fs, ok := api["filters"].([]any); ok {
				for _, f := range fs {
					if !cols[fmt.Sprint(f)] {
						t.Errorf("meta.api.filters: %v is not a column", f)
					}
				}
			}
			_, rows := s.query(ctx, t, fmt.Sprintf(`select column_name || ' ' || data_type from information_schema.columns
				where table_schema = 'gold' and table_name = '%s' order by ordinal_position`, n.Name))
			var got []string
			for _, r := range rows {
				got = append(got, r[0])
			}
			if strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Errorf("warehouse columns\n got %s\nwant %s", strings.Join(got, ", "), strings.Join(want, ", "))
			}
		})
	}
}
