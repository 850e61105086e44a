package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const profiles = `techstore:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: wh/dev.duckdb
      threads: 2
    prod:
      type: databricks
      host: '{{ env "DBX_HOST" }}'
      http_path: '{{ env "DBX_PATH" "/sql/1.0/warehouses/x" }}'
      schema: analytics
`

func TestResolve(t *testing.T) {
	env := map[string]string{"DBX_HOST": "adb-1.azuredatabricks.net"}
	getenv := func(k string) string { return env[k] }
	cases := []struct {
		name       string
		project    string
		profiles   string // "" = no profiles.yml
		target     string
		wantType   string
		wantSchema string
		wantField  [2]string // key, value
		wantThread int
		wantErr    string
	}{
		{name: "default target without profiles.yml", project: "name: techstore\n", wantType: "duckdb", wantSchema: "main", wantField: [2]string{"path", "warehouse/techstore.duckdb"}, wantThread: 4},
		{name: "profile's own target", project: "name: x\nprofile: techstore\n", profiles: profiles, wantType: "duckdb", wantSchema: "main", wantField: [2]string{"path", "wh/dev.duckdb"}, wantThread: 2},
		{name: "env values rendered", project: "name: techstore\n", profiles: profiles, target: "prod", wantType: "databricks", wantSchema: "analytics", wantField: [2]string{"host", "adb-1.azuredatabricks.net"}},
		{name: "env default used", project: "name: techstore\n", profiles: profiles, target: "prod", wantType: "databricks", wantSchema: "analytics", wantField: [2]string{"http_path", "/sql/1.0/warehouses/x"}},
		{name: "unknown target lists outputs", project: "name: techstore\n", profiles: profiles, target: "qa", wantErr: `no output "qa" (outputs: dev, prod)`},
		{name: "unknown profile lists profiles", project: "name: other\n", profiles: profiles, wantErr: `no profile "other" (profiles there: techstore)`},
		{name: "missing env without default", project: "name: techstore\n", profiles: strings.Replace(profiles, `"DBX_HOST"`, `"NOPE_UNSET"`, 1), target: "prod", wantErr: "environment variable NOPE_UNSET is not set"},
		{name: "no built-in target but dev", project: "name: techstore\n", target: "prod", wantErr: `target "prod": no profiles.yml`},
		{name: "no project.yml", wantErr: "no project.yml"},
		{name: "missing type", project: "name: techstore\n", profiles: "techstore:\n  target: dev\n  outputs:\n    dev: {path: x}\n", wantErr: `output "dev" has no ` + "`type:`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", t.TempDir())
			if tc.project != "" {
				write(t, dir, "project.yml", tc.project)
			}
			if tc.profiles != "" {
				write(t, dir, FileName, tc.profiles)
			}
			cfg, err := ResolveWith(Options{ProjectDir: dir, Target: tc.target, Getenv: getenv})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Type != tc.wantType || cfg.Schema != tc.wantSchema || cfg.Threads != tc.wantThread {
				t.Fatalf("got type=%s schema=%s threads=%d", cfg.Type, cfg.Schema, cfg.Threads)
			}
			want := tc.wantField[1]
			if tc.wantField[0] == "path" {
				want = filepath.Join(dir, want)
			}
			if got := cfg.Fields[tc.wantField[0]]; got != want {
				t.Fatalf("%s = %v, want %v", tc.wantField[0], got, want)
			}
		})
	}
}

func TestProfilesDirFlagMustHoldFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "project.yml", "name: techstore\n")
	_, err := Resolve(dir, t.TempDir(), "")
	if err == nil || !strings.Contains(err.Error(), "no profiles.yml there") {
		t.Fatalf("error = %v", err)
	}
}
