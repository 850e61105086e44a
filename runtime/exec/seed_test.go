package exec

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

func TestReadSeedInfersTypes(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		declared map[string]string
		want     []string // column:type
		rows     int
		wantErr  string
	}{
		{name: "every inferred type",
			csv:  "id,price,day,at,ok,name\n1,9.99,2026-01-31,2026-01-31 10:00:00,true,a\n-20,10,2026-02-01,2026-02-01T11:30,FALSE,b\n",
			want: []string{"id:BIGINT", "price:DOUBLE", "day:DATE", "at:TIMESTAMP", "ok:BOOLEAN", "name:STRING"}, rows: 2},
		{name: "empty values are null and do not decide",
			csv:  "a,b\n,1\n2,\n",
			want: []string{"a:BIGINT", "b:BIGINT"}, rows: 2},
		{name: "all empty is text", csv: "a\n\n\"\"\n", want: []string{"a:STRING"}, rows: 1},
		{name: "leading zeros stay text", csv: "zip\n01234\n90210\n", want: []string{"zip:STRING"}, rows: 2},
		{name: "date and timestamp mix is timestamp", csv: "d\n2026-01-01\n2026-01-02 03:04:05\n", want: []string{"d:TIMESTAMP"}, rows: 2},
		{name: "declared type wins, case-insensitively", csv: "Code,n\n1,2\n", declared: map[string]string{"code": "VARCHAR"},
			want: []string{"Code:VARCHAR", "n:BIGINT"}, rows: 1},
		{name: "declared unknown column", csv: "a\n1\n", declared: map[string]string{"b": "INT"}, wantErr: `column_types names "b"`},
		{name: "duplicate header", csv: "a,A\n1,2\n", wantErr: `column "A" appears twice`},
		{name: "empty header cell", csv: "a,\n1,2\n", wantErr: "header column 2 is empty"},
		{name: "empty file", csv: "", wantErr: "the file is empty"},
		{name: "ragged row", csv: "a,b\n1\n", wantErr: "wrong number of fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.csv")
			if err := os.WriteFile(path, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			cols, rows, err := ReadSeed(path, tc.declared)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cols {
				got = append(got, c.Name+":"+c.DataType)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("columns %v, want %v", got, tc.want)
			}
			if len(rows) != tc.rows {
				t.Errorf("%d rows, want %d", len(rows), tc.rows)
			}
		})
	}
}

func TestSeedRun(t *testing.T) {
	p := proj(t)
	if err := os.MkdirAll(filepath.Join(p.Root, "seeds"), 0o755); err != nil {
		t.Fatal(err)
	}
	csv := "code,name,pop\nDE,Germany,83.2\nFR,France,68.1\nIT,Italy,\n"
	if err := os.WriteFile(filepath.Join(p.Root, "seeds", "countries.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	seed := &project.Node{UniqueID: "seed.t.countries", Name: "countries", ResourceType: project.Seed, Schema: "silver",
		OriginalFilePath: "seeds/countries.csv", Config: project.Config{Enabled: true}}
	user := model("by_code", "view", `select code, pop * 10 as p10 from silver.countries`, "seed.t.countries")
	p.Nodes[seed.UniqueID], p.Nodes[user.UniqueID] = seed, user
	a := tempDB(t)
	_, by := runAll(t, context.Background(), a, p, Options{})
	if ev := by["seed.t.countries"]; ev.Status != StatusSuccess || ev.Rows != 3 {
		t.Fatalf("seed: %s rows=%d %s", ev.Status, ev.Rows, ev.Message)
	}
	if got := scalar(t, a, `select string_agg(code || '=' || coalesce(p10::varchar, 'null'), ' ' order by code) from s.by_code`); got != "DE=832.0 FR=681.0 IT=null" {
		t.Errorf("seed values through a model: %s", got)
	}
	rels, _ := a.ListRelations(context.Background(), "", "silver")
	want := []adapter.Column{{Name: "code", DataType: "VARCHAR"}, {Name: "name", DataType: "VARCHAR"}, {Name: "pop", DataType: "DOUBLE"}}
	if !reflect.DeepEqual(rels["countries"].Columns, want) {
		t.Errorf("seed columns %v, want %v", rels["countries"].Columns, want)
	}
}
