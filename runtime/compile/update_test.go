package compile

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/manifest"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// shopOptions are the load options of testdata/shop in these tests.
func shopOptions() Options {
	opts := duckTarget()
	opts.Vars = map[string]any{"min_amount": 7}
	return opts
}

// restoredShop copies testdata/shop into a new folder and returns it with
// an Engine restored from a snapshot of its load, as partial parsing
// restores one.
func restoredShop(t *testing.T, opts Options) (string, *Engine) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/shop")); err != nil {
		t.Fatal(err)
	}
	before, err := Load(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Restore(ctx, before.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, got
}

// TestUpdateModels edits files of testdata/shop under an Engine restored
// from a snapshot of the unedited project. An edit UpdateModels accepts
// must leave the Engine equal, field by field, to a fresh Load of the
// edited project; the edits it must refuse (the caller then loads in
// full) are those reaching beyond the model's own SQL.
func TestUpdateModels(t *testing.T) {
	read := func(t *testing.T, p string) string {
		b, err := os.ReadFile(filepath.Join("testdata/shop", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	cases := []struct {
		name   string
		edits  func(t *testing.T) map[string]string // path -> new text
		accept bool
	}{
		{"body edited, same refs (model reading an ephemeral)", func(t *testing.T) map[string]string {
			return map[string]string{"models/gold/g_revenue.sql": strings.Replace(read(t, "models/gold/g_revenue.sql"), "sum(o.amount)", "sum(o.amount) * 1", 1)}
		}, true},
		{"a ref added", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "select o.id, o.customer_id, o.amount\nfrom {{ source \"raw\" \"orders\" }} o\njoin {{ ref \"b_customers\" }} c on c.id = o.customer_id\n"}
		}, true},
		{"a source swapped for a ref, a macro added", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_customers.sql": "{{ config \"tags\" \"pii\" }}select customer_id as id, {{ include \"clean_email\" \"'x'\" }} as email from {{ ref \"b_orders\" }}"}
		}, true},
		{"two models at once", func(t *testing.T) map[string]string {
			return map[string]string{
				"models/bronze/b_orders.sql": "select id, customer_id, amount * 2 as amount\nfrom {{ source \"raw\" \"orders\" }}\n",
				"models/gold/g_revenue.sql":  read(t, "models/gold/g_revenue.sql") + "-- reviewed\n",
			}
		}, true},
		{"unchanged text", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": read(t, "models/bronze/b_orders.sql")}
		}, true},
		{"a config call changed", func(t *testing.T) map[string]string {
			return map[string]string{"models/silver/s_customers.sql": strings.Replace(read(t, "models/silver/s_customers.sql"), `"crm"`, `"crm2"`, 1)}
		}, false},
		{"a config call added", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "{{ config \"materialized\" \"table\" }}" + read(t, "models/bronze/b_orders.sql")}
		}, false},
		{"an ephemeral model", func(t *testing.T) map[string]string {
			return map[string]string{"models/silver/s_orders_eph.sql": read(t, "models/silver/s_orders_eph.sql") + "-- x\n"}
		}, false},
		{"a ref to a model that does not exist", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "select * from {{ ref \"nope\" }}"}
		}, false},
		{"an undeclared source", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "select * from {{ source \"raw\" \"nope\" }}"}
		}, false},
		{"a template syntax error", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "select {{ ref \"b_customers\" "}
		}, false},
		{"a cycle", func(t *testing.T) map[string]string {
			return map[string]string{"models/bronze/b_orders.sql": "select * from {{ ref \"g_revenue\" }}"}
		}, false},
		{"a YAML file", func(t *testing.T) map[string]string {
			return map[string]string{"models/gold/gold.yml": read(t, "models/gold/gold.yml") + "\n"}
		}, false},
		{"a file that is not in the project", func(t *testing.T) map[string]string {
			return map[string]string{"models/gold/new.sql": "select 1"}
		}, false},
	}
	ctx, opts := context.Background(), shopOptions()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, got := restoredShop(t, opts)
			edits := c.edits(t)
			files := map[string]project.FileContent{}
			for p, text := range edits {
				if err := os.WriteFile(filepath.Join(dir, p), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				files[p] = project.FileContent{Text: text}
			}
			// The manifest of the unedited project, for the reuse below.
			at := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
			var old bytes.Buffer
			layout, err := manifest.WriteReusing(&old, got.Project, got.DAG, got.manifestMetadata(at), nil)
			if err != nil {
				t.Fatal(err)
			}
			dag0 := got.DAG
			ok, why := got.UpdateModels(ctx, files)
			if ok != c.accept || (ok != (why == "")) {
				t.Fatalf("UpdateModels = %v, %q; want %v, and a reason exactly when refused", ok, why, c.accept)
			}
			if !ok {
				return
			}
			want, err := Load(ctx, dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			sameAsLoad(t, got, want)
			// A manifest copied from the old one where nothing changed is
			// byte for byte the one written in full.
			changed := map[string]bool{}
			for _, n := range got.Project.Nodes {
				if _, ok := files[n.OriginalFilePath]; ok {
					changed[n.UniqueID] = true
				}
			}
			var full, reused bytes.Buffer
			if err := manifest.Write(&full, want.Project, want.DAG, want.manifestMetadata(at)); err != nil {
				t.Fatal(err)
			}
			reuse := &manifest.Reuse{Old: bytes.NewReader(old.Bytes()), Layout: layout, Changed: changed, Graph: got.DAG != dag0}
			if _, err := manifest.WriteReusing(&reused, got.Project, got.DAG, got.manifestMetadata(at), reuse); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(reused.Bytes(), full.Bytes()) {
				t.Fatalf("manifest with reuse (%d bytes) differs from the full one (%d bytes)", reused.Len(), full.Len())
			}
			// An earlier manifest changed since it was written (the last
			// segment, always copied) is caught by its CRC, not copied.
			damaged := bytes.Clone(old.Bytes())
			damaged[len(damaged)-3] ^= 1
			reuse.Old = bytes.NewReader(damaged)
			if _, err := manifest.WriteReusing(io.Discard, got.Project, got.DAG, got.manifestMetadata(at), reuse); err == nil || !strings.Contains(err.Error(), "changed since") {
				t.Fatalf("copy from a changed manifest: err = %v", err)
			}
		})
	}
}

// sameAsLoad compares every field of got with a fresh Load's (as
// TestRestoreMatchesLoad does) and the renders at execution time.
func sameAsLoad(t *testing.T, got, want *Engine) {
	t.Helper()
	for id, n := range want.Project.Nodes {
		if !reflect.DeepEqual(got.Project.Nodes[id], n) {
			t.Errorf("node %s differs:\n got %+v\nwant %+v", id, got.Project.Nodes[id], n)
		}
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"Project", got.Project, want.Project},
		{"DAG", got.DAG, want.DAG},
		{"DAG order", got.DAG.Nodes(), want.DAG.Nodes()},
		{"Settings", got.Settings, want.Settings},
		{"relations", plainRelations(got), plainRelations(want)},
		{"byName", got.byName, want.byName},
		{"ephs", got.ephs, want.ephs},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s differs from a fresh load", ch.field)
		}
	}
	ids := make([]string, 0, len(want.Project.Nodes))
	for id := range want.Project.Nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, inc := range []bool{false, true} {
			g, gerr := got.Render(got.Project.Nodes[id], RenderContext{IsIncremental: inc})
			w, werr := want.Render(want.Project.Nodes[id], RenderContext{IsIncremental: inc})
			if g != w || (gerr == nil) != (werr == nil) {
				t.Errorf("Render(%s, incremental=%v) = %q, %v; want %q, %v", id, inc, g, gerr, w, werr)
			}
		}
	}
}

// TestUpdateDescriptions edits descriptions in testdata/shop's
// silver.yml under an Engine restored from the unedited project: what
// UpdateDescriptions accepts must leave the Engine equal to a fresh Load
// of the edited project; edits naming what the file does not describe are
// refused.
func TestUpdateDescriptions(t *testing.T) {
	const path = "models/silver/silver.yml"
	cases := []struct {
		name    string
		old     string // replaced by new in silver.yml
		new     string
		edits   []project.DescEdit // nil: from project.DescriptionEdits
		accept  bool
		changed []string
	}{
		{"model description", "Customers, cleaned.", "Customers, cleaned twice.", nil, true, []string{"model.shop.s_customers"}},
		{"column description", "description: Customer id.", "description: The customer's id.", nil, true, []string{"model.shop.s_customers"}},
		{"a model another file describes", "", "", []project.DescEdit{{Kind: project.Model, Name: "g_revenue", Description: "x"}}, false, nil},
		{"a model that does not exist", "", "", []project.DescEdit{{Kind: project.Model, Name: "nope", Description: "x"}}, false, nil},
		{"a seed edit naming a model", "", "", []project.DescEdit{{Kind: project.Seed, Name: "s_customers", Description: "x"}}, false, nil},
		{"a column the model does not have", "", "", []project.DescEdit{{Kind: project.Model, Name: "s_customers", Column: "nope", Description: "x"}}, false, nil},
	}
	ctx, opts := context.Background(), shopOptions()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, got := restoredShop(t, opts)
			b, err := os.ReadFile(filepath.Join(dir, path))
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			edits := c.edits
			if edits == nil {
				if !strings.Contains(text, c.old) {
					t.Fatalf("fixture: %q not in %s", c.old, path)
				}
				edited := strings.Replace(text, c.old, c.new, 1)
				var ok bool
				if edits, ok = project.DescriptionEdits(path, text, edited); !ok || len(edits) == 0 {
					t.Fatalf("DescriptionEdits = %v, %v; want descriptions", edits, ok)
				}
				text = edited
				if err := os.WriteFile(filepath.Join(dir, path), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ids, ok, why := got.UpdateDescriptions(path, text, edits)
			if ok != c.accept || (ok != (why == "")) {
				t.Fatalf("UpdateDescriptions = %v, %q; want %v, and a reason exactly when refused", ok, why, c.accept)
			}
			if !ok {
				return
			}
			if !slices.Equal(ids, c.changed) {
				t.Errorf("changed %v, want %v", ids, c.changed)
			}
			want, err := Load(ctx, dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			sameAsLoad(t, got, want)
		})
	}
	t.Run("not a properties file", func(t *testing.T) {
		_, e := restoredShop(t, opts)
		if _, ok, why := e.UpdateDescriptions("project.yml", "x", nil); ok || !strings.Contains(why, "not a properties file") {
			t.Errorf("UpdateDescriptions(project.yml) = %v, %q; want a refusal", ok, why)
		}
	})
}
