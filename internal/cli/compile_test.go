package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyShop copies the compile fixture project into a temporary folder
// (compile writes target/ inside the project).
func copyShop(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "runtime", "compile", "testdata", "shop")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == "target" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := NewRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestLs(t *testing.T) {
	dir := copyShop(t)
	cases := []struct {
		name       string
		args       []string
		wantOut    string
		wantStderr string
	}{
		{"ancestors of a model, models only", []string{"-s", "+s_customers", "--resource-type", "model"}, "b_customers\ns_customers\n", ""},
		{"path output", []string{"-s", "g_revenue", "--resource-type", "model", "-o", "path"}, "models/gold/g_revenue.sql\n", ""},
		{"selector output by tag, DAG order", []string{"-s", "tag:bronze", "--resource-type", "model", "-o", "selector"}, "shop.bronze.b_customers\nshop.bronze.b_orders\n", ""},
		{"exclude", []string{"-s", "tag:all", "--exclude", "tag:silver", "--exclude", "g_revenue", "--resource-type", "model"}, "b_customers\nb_orders\n", ""},
		{"nothing matches: warning, no error", []string{"-s", "no_such_model"}, "", "warning:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, err := run(t, append([]string{"ls", "--project-dir", dir}, c.args...)...)
			if err != nil {
				t.Fatalf("ls: %v (stderr %s)", err, errOut)
			}
			if out != c.wantOut {
				t.Errorf("stdout = %q, want %q", out, c.wantOut)
			}
			if c.wantStderr != "" && !strings.Contains(errOut, c.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, c.wantStderr)
			}
		})
	}
}

func TestLsJSONAndErrors(t *testing.T) {
	dir := copyShop(t)
	out, _, err := run(t, "ls", "--project-dir", dir, "-s", "s_customers", "--resource-type", "model", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("not one JSON object per line: %v: %q", err, out)
	}
	if got["unique_id"] != "model.shop.s_customers" || got["schema"] != "crm" {
		t.Errorf("json = %v", got)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad selector", []string{"ls", "--project-dir", dir, "-s", "tag::x"}, "tag::x"},
		{"bad output", []string{"ls", "--project-dir", dir, "-o", "yaml"}, "--output"},
		{"bad vars", []string{"ls", "--project-dir", dir, "--vars", "[1, 2"}, "--vars"},
		{"no project", []string{"compile", "--project-dir", t.TempDir()}, "no project.yml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestCompileWritesFiles(t *testing.T) {
	dir := copyShop(t)
	out, _, err := run(t, "compile", "--project-dir", dir, "--vars", "{min_amount: 7}")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Compiled 18 of 18 nodes (5 models written") {
		t.Errorf("summary = %q", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "compiled", "shop", "models", "silver", "s_orders_eph.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "\nselect * from \"bronze\".\"b_orders\" where amount >= 7\n"; string(b) != want {
		t.Errorf("compiled = %q, want %q", b, want)
	}
	var m struct {
		Nodes map[string]any `json:"nodes"`
	}
	mb, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mb, &m); err != nil || len(m.Nodes) != 18 {
		t.Errorf("manifest: %v, %d nodes", err, len(m.Nodes))
	}
	// A selection writes only the selected models.
	dir2 := copyShop(t)
	if _, _, err := run(t, "compile", "--project-dir", dir2, "-s", "b_orders"); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir2, "target", "compiled", "shop", "models", "*", "*.sql"))
	if len(entries) != 1 || !strings.HasSuffix(entries[0], "b_orders.sql") {
		t.Errorf("compiled files = %q, want only b_orders.sql", entries)
	}
}

func TestLsExplainAndSelectors(t *testing.T) {
	dir := copyShop(t)
	sel := "selectors:\n  - name: bronze\n    description: the bronze layer\n    definition: tag:bronze\n"
	if err := os.WriteFile(filepath.Join(dir, "selectors.yml"), []byte(sel), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "ls", "--project-dir", dir, "--selector", "bronze", "--resource-type", "model")
	if err != nil {
		t.Fatal(err)
	}
	if out != "b_customers\nb_orders\n" {
		t.Errorf("--selector bronze = %q", out)
	}
	out, _, err = run(t, "ls", "--project-dir", dir, "-s", "b_orders", "--resource-type", "model", "--explain")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || lines[0] != "b_orders" || !strings.HasPrefix(lines[1], "    because ") {
		t.Errorf("--explain output = %q", out)
	}
	if _, _, err := run(t, "compile", "--project-dir", dir); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Selectors map[string]map[string]any `json:"selectors"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got := m.Selectors["bronze"]["definition"]; got != "tag:bronze" {
		t.Errorf("manifest selectors = %v", m.Selectors)
	}
}
