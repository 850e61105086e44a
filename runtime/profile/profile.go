package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// FileName is the profiles file name.
const FileName = "profiles.yml"

// DefaultDuckDBPath is where the default target keeps its warehouse,
// relative to the project folder.
const DefaultDuckDBPath = "warehouse/techstore.duckdb"

// Options tells Resolve where to look.
type Options struct {
	ProjectDir  string // folder of project.yml
	ProfilesDir string // --profiles-dir; empty: the project folder, then ~/.techstore
	Target      string // --target; empty: the profile's target
	Profile     string // profile name; empty: read from project.yml (`profile:`, else `name:`)
	// Getenv looks up environment variables (os.Getenv when nil).
	Getenv func(string) string
}

// Resolve finds profiles.yml, renders it, and returns the selected target's
// configuration. Relative DuckDB paths are made absolute against the
// project folder.
func Resolve(projectDir, profilesDir, target string) (adapter.Config, error) {
	return ResolveWith(Options{ProjectDir: projectDir, ProfilesDir: profilesDir, Target: target})
}

// ResolveWith is Resolve with every option.
func ResolveWith(o Options) (adapter.Config, error) {
	if o.ProjectDir == "" {
		o.ProjectDir = "."
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	projectDir, err := filepath.Abs(o.ProjectDir)
	if err != nil {
		return adapter.Config{}, fmt.Errorf("resolve project dir: %w", err)
	}
	name := o.Profile
	if name == "" {
		name, err = profileName(projectDir)
		if err != nil {
			return adapter.Config{}, err
		}
	}
	path, err := findProfiles(projectDir, o.ProfilesDir)
	if err != nil {
		return adapter.Config{}, err
	}
	if path == "" {
		if o.Target != "" && o.Target != "dev" {
			return adapter.Config{}, fmt.Errorf("target %q: no %s found in %s or ~/.techstore (only the built-in target \"dev\" exists); create one or drop --target", o.Target, FileName, projectDir)
		}
		return finish(projectDir, "dev", map[string]any{"type": "duckdb", "path": DefaultDuckDBPath, "threads": 4})
	}
	return resolveFile(path, projectDir, name, o)
}

func resolveFile(path, projectDir, name string, o Options) (adapter.Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return adapter.Config{}, fmt.Errorf("read %s: %w", path, err)
	}
	rendered, err := render(path, raw, o.Getenv)
	if err != nil {
		return adapter.Config{}, err
	}
	var doc map[string]struct {
		Target  string                    `yaml:"target"`
		Outputs map[string]map[string]any `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(rendered, &doc); err != nil {
		return adapter.Config{}, fmt.Errorf("%s: %w (profiles.yml holds `<profile>: {target: dev, outputs: {dev: {type: duckdb, ...}}}`)", path, err)
	}
	prof, ok := doc[name]
	if !ok {
		return adapter.Config{}, fmt.Errorf("%s: no profile %q (profiles there: %s); set `profile:` in project.yml to one of them or add it", path, name, strings.Join(sortedKeys(doc), ", "))
	}
	target := o.Target
	if target == "" {
		target = prof.Target
	}
	if target == "" {
		return adapter.Config{}, fmt.Errorf("%s: profile %q has no `target:` and no --target was given", path, name)
	}
	out, ok := prof.Outputs[target]
	if !ok {
		return adapter.Config{}, fmt.Errorf("%s: profile %q has no output %q (outputs: %s); pass --target with one of them", path, name, target, strings.Join(sortedKeys(prof.Outputs), ", "))
	}
	cfg, err := finish(projectDir, target, out)
	if err != nil {
		return adapter.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

func finish(projectDir, target string, out map[string]any) (adapter.Config, error) {
	fields := make(map[string]any, len(out)+1)
	for k, v := range out {
		fields[k] = v
	}
	typ, _ := fields["type"].(string)
	if typ == "" {
		return adapter.Config{}, fmt.Errorf("output %q has no `type:` (duckdb, databricks or spark)", target)
	}
	cfg := adapter.Config{Name: target, Type: typ, Fields: fields}
	if s, ok := fields["schema"].(string); ok {
		cfg.Schema = s
	}
	switch t := fields["threads"].(type) {
	case int:
		cfg.Threads = t
	case nil:
	default:
		return adapter.Config{}, fmt.Errorf("output %q: threads must be a whole number, got %v", target, t)
	}
	if typ == "duckdb" {
		p, _ := fields["path"].(string)
		if p == "" {
			p = DefaultDuckDBPath
		}
		if p != ":memory:" && !filepath.IsAbs(p) {
			p = filepath.Join(projectDir, p)
		}
		fields["path"] = p
		if cfg.Schema == "" {
			cfg.Schema = "main"
		}
	}
	return cfg, nil
}

// render expands {{ env "X" "default" }} (and Sprig) in the file text.
func render(path string, raw []byte, getenv func(string) string) ([]byte, error) {
	funcs := sprig.TxtFuncMap()
	funcs["env"] = func(name string, def ...string) (string, error) {
		if v := getenv(name); v != "" {
			return v, nil
		}
		if len(def) > 0 {
			return def[0], nil
		}
		return "", fmt.Errorf("environment variable %s is not set and has no default; export it or write {{ env %q \"default\" }}", name, name)
	}
	t, err := template.New(path).Funcs(funcs).Option("missingkey=error").Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("parse %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return nil, fmt.Errorf("render %w", err)
	}
	return b.Bytes(), nil
}

func profileName(projectDir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(projectDir, "project.yml"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no project.yml in %s: run from a project folder or pass --project-dir", projectDir)
	}
	if err != nil {
		return "", fmt.Errorf("read project.yml: %w", err)
	}
	var p struct {
		Name    string `yaml:"name"`
		Profile string `yaml:"profile"`
	}
	if err := yaml.Unmarshal(raw, &p); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(projectDir, "project.yml"), err)
	}
	if p.Profile != "" {
		return p.Profile, nil
	}
	return p.Name, nil
}

func findProfiles(projectDir, profilesDir string) (string, error) {
	if profilesDir == "" {
		profilesDir = os.Getenv("TECHSTORE_PROFILES_DIR")
	}
	if profilesDir != "" {
		p := filepath.Join(profilesDir, FileName)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("--profiles-dir %s: no %s there", profilesDir, FileName)
		}
		return p, nil
	}
	candidates := []string{filepath.Join(projectDir, FileName)}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".techstore", FileName))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
