package selector

import (
	"fmt"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/dag"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// benchProject builds a layered 10,000-node graph: 50 sources, 2,000 bronze
// models (one source each), 4,000 silver models (two earlier models each),
// 1,500 gold models (three silver models each) and 2,450 generic tests,
// listed in topological order. The benchmark selects over the engine's DAG.
func benchProject() (*project.Project, []string) {
	p := &project.Project{Name: "techstore", Nodes: map[string]*project.Node{}, Sources: map[string]*project.Source{}, Macros: map[string]*project.Macro{}}
	var order, models []string
	for i := range 50 {
		id := fmt.Sprintf("source.techstore.raw.t%02d", i)
		p.Sources[id] = &project.Source{UniqueID: id, SourceName: "raw", Name: fmt.Sprintf("t%02d", i), FQN: []string{"techstore", "raw", fmt.Sprintf("t%02d", i)}, OriginalFilePath: "models/bronze/sources.yml"}
		order = append(order, id)
	}
	add := func(layer string, i int, mat string, deps ...string) {
		name := fmt.Sprintf("%s_%05d", layer, i)
		id := "model.techstore." + name
		p.Nodes[id] = &project.Node{UniqueID: id, Name: name, ResourceType: project.Model, PackageName: "techstore",
			OriginalFilePath: "models/" + layer + "/" + name + ".sql", FQN: []string{"techstore", layer, name},
			Checksum: "sha-" + name, Tags: []string{layer}, Config: project.Config{Enabled: true, Materialized: mat, Tags: []string{layer}},
			DependsOn: project.DependsOn{Nodes: deps}}
		order = append(order, id)
		models = append(models, id)
	}
	for i := range 2000 {
		add("bronze", i, "table", order[i%50])
	}
	for i := range 4000 {
		// Two earlier models: the previous one and one further back.
		add("silver", i, "incremental", models[len(models)-1], models[(i*7919)%len(models)])
	}
	silverStart := 2000
	for i := range 1500 {
		add("gold", i, "table", models[silverStart+(i*3)%4000], models[silverStart+(i*3+1)%4000], models[silverStart+(i*17)%4000])
	}
	for i := range 2450 {
		target := models[(i*3)%len(models)]
		id := fmt.Sprintf("test.techstore.not_null_%05d", i)
		p.Nodes[id] = &project.Node{UniqueID: id, Name: id[len("test.techstore."):], ResourceType: project.Test,
			FQN: []string{"techstore", "tests", id[len("test.techstore."):]}, Config: project.Config{Enabled: true, Materialized: "test"},
			TestMetadata: &project.TestMetadata{Name: "not_null"}, DependsOn: project.DependsOn{Nodes: []string{target}}}
		order = append(order, id)
	}
	return p, order
}

func BenchmarkSelect(b *testing.B) {
	p, order := benchProject()
	parents := make(map[string][]string, len(order))
	for _, id := range order {
		if n := p.Nodes[id]; n != nil {
			parents[id] = n.DependsOn.Nodes
		} else {
			parents[id] = nil
		}
	}
	g, err := dag.New(parents) // the engine's DAG, as the CLI passes it
	if err != nil {
		b.Fatal(err)
	}
	prev := &State{Path: "bench", Nodes: map[string]*StateNode{}, Sources: map[string]*StateSource{}}
	for id, n := range p.Nodes {
		sum := n.Checksum
		if len(prev.Nodes)%100 == 0 {
			sum = "changed"
		}
		prev.Nodes[id] = &StateNode{UniqueID: id, Checksum: sum}
	}
	cases := []struct {
		name string
		spec Spec
	}{
		{"everything", Spec{}},
		{"one name", Spec{Select: []string{"silver_02000"}}},
		{"ancestors of a gold model", Spec{Select: []string{"+gold_01000"}}},
		{"descendants of a tag", Spec{Select: []string{"tag:silver+"}}},
		{"childrens parents", Spec{Select: []string{"@bronze_00010"}}},
		{"intersection", Spec{Select: []string{"tag:gold,config.materialized:table"}}},
		{"exclude cautious", Spec{Select: []string{"tag:silver"}, Exclude: []string{"silver_00*"}, Indirect: IndirectCautious}},
		{"state modified and children", Spec{Select: []string{"state:modified+"}, State: prev}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				res, err := Select(p, g, tc.spec, nil)
				if err != nil {
					b.Fatal(err)
				}
				n = len(res.IDs)
			}
			b.ReportMetric(float64(n), "selected")
		})
	}
}
