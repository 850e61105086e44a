package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"gopkg.in/yaml.v3"
)

// ProjectFiles are the names accepted for the project file, in order.
var projectFiles = []string{"project.yml", "dbt_project.yml"}

// LoadOptions tune Load.
type LoadOptions struct {
	// Vars are --vars overrides; they win over project.yml vars.
	Vars map[string]any
	// Files, when set, holds files already read from the resource
	// folders (by path relative to the root, slash-separated), with their
	// sha256: the loader takes a file from it instead of reading it again
	// (a file it lacks is read from disk). runtime/partial passes the
	// files it read to hash the project, so that a cache miss reads each
	// file once, and the load is of exactly the bytes the key was made of.
	Files map[string]FileContent
}

// FileContent is a file's text and the sha256 of its bytes.
type FileContent struct {
	Text string
	Sum  [sha256.Size]byte
}

// stringList accepts a YAML string or list of strings.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.ShortTag() == "!!null" {
			return nil
		}
		*s = []string{n.Value}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

type projectYAML struct {
	Name       string         `yaml:"name"`
	Profile    string         `yaml:"profile"`
	Version    any            `yaml:"version"`
	Vars       map[string]any `yaml:"vars"`
	ModelPaths stringList     `yaml:"model-paths"`
	MacroPaths stringList     `yaml:"macro-paths"`
	SeedPaths  stringList     `yaml:"seed-paths"`
	TestPaths  stringList     `yaml:"test-paths"`
	Models     map[string]any `yaml:"models"`
	Seeds      map[string]any `yaml:"seeds"`
	Tests      map[string]any `yaml:"tests"`
	DataTests  map[string]any `yaml:"data_tests"`
	Sources    map[string]any `yaml:"sources"`
	OnRunStart stringList     `yaml:"on-run-start"`
	OnRunEnd   stringList     `yaml:"on-run-end"`
}

// Settings is what project.yml says beyond the Project fields: the
// per-folder configuration trees.
type Settings struct {
	Models, Seeds, Tests, Sources map[string]any
}

// fileKind is the role of a discovered file.
type fileKind int

const (
	kindModel fileKind = iota
	kindProps
	kindSeed
	kindTest
	kindMacro
)

type found struct {
	kind fileKind
	root string // the resource folder it was found under (models, seeds, ...)
	rel  string // path relative to the project root, slash-separated
	text string
	sum  *[sha256.Size]byte // of text, when it came with the file (LoadOptions.Files)

	node  *Node        // models, seeds and tests: built by the goroutine that read the file
	props *parsedProps // properties files: parsed by the goroutine that read the file
	err   error        // reading it failed
}

// Load reads the project at dir: project.yml, models, YAML properties,
// sources, seeds, singular tests and macro files. Nodes carry their raw
// code and the configuration of project.yml and YAML merged (BaseConfig);
// templates are not rendered here. Files are read in parallel. Errors name
// the file and line and say what to change.
func Load(ctx context.Context, dir string, opts LoadOptions) (*Project, *Settings, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("load project %s: %w", dir, err)
	}
	var pf, ptext string
	for _, name := range projectFiles {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err == nil {
			pf, ptext = name, string(b)
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("load project %s: %w", dir, err)
		}
	}
	if pf == "" {
		return nil, nil, fmt.Errorf("load project %s: no project.yml there; pass --project-dir pointing at the folder that holds project.yml", root)
	}
	var py projectYAML
	if err := yaml.Unmarshal([]byte(ptext), &py); err != nil {
		return nil, nil, yamlError(pf, err)
	}
	if py.Name == "" {
		return nil, nil, Errorf(pf, 1, 0, "the project has no name; add `name: <project>`")
	}
	p := &Project{
		Name: py.Name, Profile: py.Profile, Root: root,
		Vars:       map[string]any{},
		ModelPaths: orDefault(py.ModelPaths, "models"),
		MacroPaths: orDefault(py.MacroPaths, "macros"),
		SeedPaths:  orDefault(py.SeedPaths, "seeds"),
		TestPaths:  orDefault(py.TestPaths, "tests"),
		OnRunStart: py.OnRunStart,
		OnRunEnd:   py.OnRunEnd,
		Nodes:      map[string]*Node{},
		Sources:    map[string]*Source{},
		Macros:     map[string]*Macro{},
	}
	if py.Version != nil {
		p.Version = fmt.Sprint(py.Version)
	}
	for k, v := range py.Vars {
		p.Vars[k] = v
	}
	for k, v := range opts.Vars {
		p.Vars[k] = v
	}
	tests := py.Tests
	if len(tests) == 0 {
		tests = py.DataTests
	}
	set := &Settings{Models: py.Models, Seeds: py.Seeds, Tests: tests, Sources: py.Sources}
	for _, name := range []string{"selectors.yml", "selectors.yaml"} {
		if _, err := os.Stat(filepath.Join(root, name)); err == nil {
			p.SelectorsFile = name
			break
		}
	}

	files, err := discover(ctx, root, p, set, opts.Files)
	if err != nil {
		return nil, nil, err
	}
	if err := build(p, set, files); err != nil {
		return nil, nil, err
	}
	return p, set, nil
}

func orDefault(l []string, def string) []string {
	if len(l) == 0 {
		return []string{def}
	}
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = path.Clean(filepath.ToSlash(s))
	}
	return out
}

// discover walks the resource folders and reads every relevant file.
// The walk hands the files it finds to a fixed set of reading goroutines
// in batches, so that reading starts with the first folder rather than
// after the last; each model, seed or test node is built (and its file
// hashed), each properties file parsed, right after the read on the same
// goroutine. The files come back sorted by path.
func discover(ctx context.Context, root string, p *Project, set *Settings, have map[string]FileContent) ([]found, error) {
	const batchSize = 64
	batches := make(chan []found, 256)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var arena nodeArena // YAML nodes, reused from file to file
			files := newDirReader()
			defer files.close()
			// project.yml's per-folder configuration, cached per folder:
			// a batch holds files of one folder or two.
			modelCfg, seedCfg, testCfg := newFolderConfigs(set.Models), newFolderConfigs(set.Seeds), newFolderConfigs(set.Tests)
			for batch := range batches {
				for i := range batch {
					if failed.Load() || ctx.Err() != nil {
						break // drain the channel: the walk may still send
					}
					f := &batch[i]
					if fc, ok := have[f.rel]; ok {
						f.text, f.sum = fc.Text, &fc.Sum
					} else {
						// root is absolute and clean, rel clean (filepath.Rel).
						text, err := files.read(root + string(filepath.Separator) + filepath.FromSlash(f.rel))
						if err != nil {
							f.err = fmt.Errorf("read %s: %w", f.rel, err)
							failed.Store(true)
							break
						}
						f.text = text
					}
					switch f.kind {
					case kindModel:
						f.node = nodeFromFile(p.Name, *f, Model)
						f.node.BaseConfig = modelCfg.config(f.node.FQN)
					case kindSeed:
						f.node = nodeFromFile(p.Name, *f, Seed)
						f.node.BaseConfig = seedCfg.config(f.node.FQN)
					case kindTest:
						f.node = nodeFromFile(p.Name, *f, Test)
						f.node.BaseConfig = testCfg.config(f.node.FQN)
					case kindProps:
						f.props = &parsedProps{}
						if parseProps(*f, f.props, &arena) {
							arena.reset()
						} else {
							arena = nodeArena{}
						}
					}
				}
			}
		}()
	}

	// The walk. Batches are kept in the order they were sent; the readers
	// fill their files in place.
	var sent [][]found
	var batch []found
	flush := func() {
		if len(batch) > 0 {
			sent = append(sent, batch)
			batches <- batch
			batch = make([]found, 0, batchSize)
		}
	}
	batch = make([]found, 0, batchSize)
	walk := func(dirs []string, match func(ext string) (fileKind, bool)) error {
		for _, d := range dirs {
			abs := filepath.Join(root, filepath.FromSlash(d))
			err := filepath.WalkDir(abs, func(fp string, de fs.DirEntry, err error) error {
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) && fp == abs {
						return filepath.SkipDir
					}
					return err
				}
				if de.IsDir() {
					if fp != abs && strings.HasPrefix(de.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if strings.HasPrefix(de.Name(), ".") {
					return nil
				}
				kind, ok := match(strings.ToLower(filepath.Ext(de.Name())))
				if !ok {
					return nil
				}
				rel, err := filepath.Rel(root, fp)
				if err != nil {
					return err
				}
				batch = append(batch, found{kind: kind, root: d, rel: filepath.ToSlash(rel)})
				if len(batch) == batchSize {
					flush()
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("read folder %s: %w", d, err)
			}
		}
		return nil
	}
	isYAML := func(ext string) bool { return ext == ".yml" || ext == ".yaml" }
	walkErr := walk(p.ModelPaths, func(ext string) (fileKind, bool) {
		if ext == ".sql" {
			return kindModel, true
		}
		return kindProps, isYAML(ext)
	})
	if walkErr == nil {
		walkErr = walk(p.SeedPaths, func(ext string) (fileKind, bool) {
			if ext == ".csv" {
				return kindSeed, true
			}
			return kindProps, isYAML(ext)
		})
	}
	if walkErr == nil {
		walkErr = walk(p.TestPaths, func(ext string) (fileKind, bool) {
			if ext == ".sql" {
				return kindTest, true
			}
			return kindProps, isYAML(ext)
		})
	}
	if walkErr == nil {
		walkErr = walk(p.MacroPaths, func(ext string) (fileKind, bool) {
			return kindMacro, ext == ".sql" || ext == ".tpl"
		})
	}
	if walkErr != nil {
		failed.Store(true)
	} else {
		flush()
	}
	close(batches)
	wg.Wait()
	if walkErr != nil {
		return nil, walkErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	n := 0
	for _, b := range sent {
		n += len(b)
	}
	files := make([]found, 0, n)
	for _, b := range sent {
		files = append(files, b...)
	}
	// A folder listed twice (or nested paths) must not yield a file twice.
	// The walk's order is nearly this one already.
	sort.SliceStable(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	uniq := files[:0]
	for i, f := range files {
		if i > 0 && files[i-1].rel == f.rel {
			continue
		}
		uniq = append(uniq, f)
	}
	files = uniq
	for _, f := range files {
		if f.err != nil {
			return nil, f.err
		}
	}
	return files, nil
}

// checksum is Checksum(f.text), from the sum the file came with if any.
func (f *found) checksum() string {
	if f.sum != nil {
		return hex.EncodeToString(f.sum[:])
	}
	return Checksum(f.text)
}

// Checksum is the sha256 of text in hex. It hashes text where it is (a
// []byte conversion would copy every file once more) and allocates only
// the result.
func Checksum(text string) string {
	s := sha256.Sum256(unsafe.Slice(unsafe.StringData(text), len(text)))
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], s[:])
	return string(h[:])
}

// nodeFromFile builds a model, seed or singular test node.
func nodeFromFile(project string, f found, rt ResourceType) *Node {
	rel := strings.TrimPrefix(f.rel, f.root+"/")
	name := path.Base(rel)
	name = strings.TrimSuffix(name, path.Ext(name))
	// fqn: the project, the folders, the name; one allocation.
	fqn := make([]string, 1, 2+strings.Count(rel, "/"))
	fqn[0] = project
	for dirs := rel; ; {
		i := strings.IndexByte(dirs, '/')
		if i < 0 {
			break
		}
		fqn = append(fqn, dirs[:i])
		dirs = dirs[i+1:]
	}
	fqn = append(fqn, name)
	n := &Node{
		UniqueID:         string(rt) + "." + project + "." + name,
		Name:             name,
		ResourceType:     rt,
		PackageName:      project,
		Path:             rel,
		OriginalFilePath: f.rel,
		FQN:              fqn,
		Checksum:         f.checksum(),
		Tags:             []string{},
		Meta:             map[string]any{},
	}
	if rt != Seed {
		n.RawCode = f.text
	}
	return n
}

func build(p *Project, set *Settings, files []found) error {
	var errs []error
	byName := make(map[string]*Node, len(files)) // models and seeds share the ref namespace
	if len(p.Nodes) == 0 {
		// The engine adds a node per declared test: room for them now,
		// rather than growing the map (and touching fresh memory) step
		// by step or copying it once they are counted.
		tests := 0
		for _, f := range files {
			if f.props != nil {
				tests += f.props.declaredTests()
			}
		}
		p.Nodes = make(map[string]*Node, len(files)+tests)
	}
	var props []found
	for _, f := range files {
		var n *Node
		switch f.kind {
		case kindModel, kindSeed, kindTest:
			n = f.node // configured by discover
		case kindProps:
			props = append(props, f)
			p.PropsFiles = append(p.PropsFiles, File{Path: f.rel, Text: f.text})
			continue
		case kindMacro:
			p.MacroFiles = append(p.MacroFiles, File{Path: f.rel, Text: f.text})
			continue
		}
		if n.ResourceType != Test {
			if prev, ok := byName[n.Name]; ok {
				errs = append(errs, Errorf(n.OriginalFilePath, 0, 0,
					"%s %q is defined twice: in %s and in %s; names must be unique in the project, rename one of the files",
					n.ResourceType, n.Name, prev.OriginalFilePath, n.OriginalFilePath))
				continue
			}
			byName[n.Name] = n
		} else if prev, ok := p.Nodes[n.UniqueID]; ok {
			errs = append(errs, Errorf(n.OriginalFilePath, 0, 0,
				"test %q is defined twice: in %s and in %s; rename one of the files", n.Name, prev.OriginalFilePath, n.OriginalFilePath))
			continue
		}
		p.Nodes[n.UniqueID] = n
	}
	if len(errs) > 0 {
		return JoinErrors(errs, 20)
	}
	if err := applyProperties(p, set, props, byName); err != nil {
		return err
	}
	return nil
}

// DeclaredTests counts the generic tests declared in YAML on models,
// seeds, sources and their columns.
func (p *Project) DeclaredTests() int {
	count := 0
	for _, n := range p.Nodes {
		count += len(n.Tests)
		for _, c := range n.Columns {
			count += len(c.Tests)
		}
	}
	for _, s := range p.Sources {
		count += len(s.Tests)
		for _, c := range s.Columns {
			count += len(c.Tests)
		}
	}
	return count
}
