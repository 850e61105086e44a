package partial

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"gopkg.in/yaml.v3"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// rootFiles are the files at the project root a load may read or look
// for (project.load reads the first project file that exists and notes
// which selectors file exists).
var rootFiles = []string{"project.yml", "dbt_project.yml", "selectors.yml", "selectors.yaml"}

// resourceDirs reads the four resource folder lists from the project
// file as project.Load does (a string or a list; default: the folder's
// usual name). The caller checks the result against the loaded project.
func resourceDirs(root string) ([]string, error) {
	var text []byte
	for _, name := range rootFiles[:2] {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err == nil {
			text = b
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if text == nil {
		return nil, errors.New("no project file")
	}
	var py struct {
		ModelPaths any `yaml:"model-paths"`
		MacroPaths any `yaml:"macro-paths"`
		SeedPaths  any `yaml:"seed-paths"`
		TestPaths  any `yaml:"test-paths"`
	}
	if err := yaml.Unmarshal(text, &py); err != nil {
		return nil, err
	}
	var dirs []string
	for i, v := range []any{py.ModelPaths, py.MacroPaths, py.SeedPaths, py.TestPaths} {
		var l []string
		switch x := v.(type) {
		case nil:
		case string:
			l = []string{x}
		case []any:
			for _, s := range x {
				str, ok := s.(string)
				if !ok {
					return nil, fmt.Errorf("resource folder %v is not a string", s)
				}
				l = append(l, str)
			}
		default:
			return nil, fmt.Errorf("resource folders %v are not a list", v)
		}
		if len(l) == 0 {
			l = []string{[]string{"models", "macros", "seeds", "tests"}[i]}
		}
		for _, d := range l {
			dirs = append(dirs, path.Clean(filepath.ToSlash(d)))
		}
	}
	sort.Strings(dirs)
	return slicesCompact(dirs), nil
}

func slicesCompact(l []string) []string {
	out := l[:0]
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// inputs is the digest of every file a load can read, and what a scan of
// their templates found.
type inputs struct {
	dirs   []string
	digest [sha256.Size]byte
	// layout is the digest of the folders and the list of files (their
	// paths, not their content): equal layouts have the same files in
	// the same order, so their sums can be compared one by one.
	layout [sha256.Size]byte
	use    templateUse  // filled only when scan was asked for
	files  []fileDigest // sorted by path; with their text when keep was asked for
	// hashedAt is when hashing began (Unix nanoseconds): a file changed
	// within racyWindow of it may change again unseen by its times.
	hashedAt int64
	read     int // files read (the others were known by their state)
}

// fileStat is what statFile reports of a file.
type fileStat struct{ size, mtime, ctime, ino int64 }

// racyWindow is how close to a hashing a file's modification or change
// time must be for its recorded state not to be trusted: within one
// timestamp tick of the hashing the file may have changed again after it
// was read without its times moving (git's "racily clean" entries). Two
// seconds cover the coarsest common timestamps (FAT) and small clock
// differences.
var racyWindow = int64(2e9)

// prior is what the previous hashing recorded (in the cache file's
// header): the layout it hashed, when, and for each file (in layout
// order) its sha256, its state and the env names its template reads.
// A file whose state is unchanged, and was not racy then, has the same
// content: it is not read again.
type prior struct {
	layout   [sha256.Size]byte
	hashedAt int64
	sums     []byte // sha256.Size bytes per file
	stats    []fileStat
	envs     map[int][]string
}

// known returns the recorded sum and env names of file i when st is the
// state recorded for it, far enough from that hashing.
func (p *prior) known(i int, st fileStat) ([sha256.Size]byte, []string, bool) {
	var sum [sha256.Size]byte
	if i >= len(p.stats) || st != p.stats[i] ||
		st.mtime >= p.hashedAt-racyWindow || st.ctime >= p.hashedAt-racyWindow {
		return sum, nil, false
	}
	copy(sum[:], p.sums[i*sha256.Size:])
	return sum, p.envs[i], true
}

// contents returns the files read (with keep), for compile.Options.Files:
// a cache miss then loads these very bytes instead of reading every file
// again.
func (in inputs) contents() map[string]project.FileContent {
	m := make(map[string]project.FileContent, len(in.files))
	for _, f := range in.files {
		if f.kept {
			m[f.rel] = project.FileContent{Text: f.text, Sum: f.sum}
		}
	}
	return m
}

// fileDigest is one file of the project: path relative to the root
// (slash-separated) and sha256 of its bytes.
type fileDigest struct {
	rel    string
	sum    [sha256.Size]byte
	use    templateUse
	err    error
	text   string // with keep, when the file was read
	kept   bool
	stat   fileStat // as seen before reading (zero when unknown)
	statOK bool
}

// hashInputs walks the resource folders (hidden files and folders are
// skipped, as the loader skips them; every other file counts, whatever
// its extension) and hashes each file's bytes, in parallel, with the
// root files. With scan, it also scans every file's template actions
// (models, macros, tests and YAML alike). With keep, the files' text is
// kept (inputs.contents). With pr (from the cache file), a file whose
// state (size, modification and change times, inode) is the one pr
// recorded, outside the racy window, is not read: its recorded sum and
// env names are used.
func hashInputs(ctx context.Context, root string, scan, keep bool, pr *prior) (inputs, error) {
	hashedAt := time.Now().UnixNano()
	dirs, err := resourceDirs(root)
	if err != nil {
		return inputs{}, err
	}
	// The root files a load reads, and every other YAML file at the root
	// (a file a later loader might read, profiles.yml, ...): an edit there
	// costs at most a needless full load.
	var files []fileDigest
	for _, name := range rootFiles {
		files = append(files, fileDigest{rel: name})
	}
	if entries, err := os.ReadDir(root); err == nil {
		for _, de := range entries {
			name := de.Name()
			ext := strings.ToLower(filepath.Ext(name))
			if !de.IsDir() && !strings.HasPrefix(name, ".") && (ext == ".yml" || ext == ".yaml") {
				files = append(files, fileDigest{rel: name})
			}
		}
	} else {
		return inputs{}, err
	}
	var walked []string // folders, with a marker for the ones absent
	for _, d := range dirs {
		abs := filepath.Join(root, filepath.FromSlash(d))
		err := filepath.WalkDir(abs, func(fp string, de fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && fp == abs {
					walked = append(walked, d+"\x00absent")
					return filepath.SkipDir
				}
				return err
			}
			if strings.HasPrefix(de.Name(), ".") && fp != abs {
				if de.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if de.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(root, fp)
			if err != nil {
				return err
			}
			files = append(files, fileDigest{rel: filepath.ToSlash(rel)})
			return nil
		})
		if err != nil {
			return inputs{}, fmt.Errorf("walk %s: %w", d, err)
		}
	}
	// A folder listed twice or nested in another yields a file twice.
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	uniq := files[:0]
	for i, f := range files {
		if i == 0 || f.rel != files[i-1].rel {
			uniq = append(uniq, f)
		}
	}
	files = uniq

	// The layout: the folders and the paths, before any is read.
	lh := sha256.New()
	for _, d := range dirs {
		writeStr(lh, "dir", d)
	}
	for _, w := range walked {
		writeStr(lh, "walked", w)
	}
	for _, f := range files {
		writeStr(lh, "file", f.rel)
	}
	var layout [sha256.Size]byte
	lh.Sum(layout[:0])
	if pr != nil && (pr.layout != layout || len(pr.stats) != len(files)) {
		pr = nil
	}

	var next atomic.Int64
	var read atomic.Int64
	var wg sync.WaitGroup
	workers := min(2*runtime.GOMAXPROCS(0), max(1, len(files)/32))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			var chunk chunkReader
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				f := &files[i]
				p := filepath.Join(root, filepath.FromSlash(f.rel))
				if pr != nil {
					if st, ok := statFile(p); ok {
						if sum, env, ok := pr.known(i, st); ok {
							f.sum, f.use.env, f.stat, f.statOK = sum, env, st, true
							continue
						}
					}
				}
				if keep {
					buf, f.stat, f.statOK, f.err = chunk.read(p)
				} else {
					buf, f.stat, f.statOK, f.err = readStat(p, buf[:0])
				}
				if f.err != nil {
					if errors.Is(f.err, fs.ErrNotExist) {
						f.err = nil
						f.sum = [sha256.Size]byte{} // absent: distinct from every content
						f.rel += "\x00absent"
					}
					continue
				}
				read.Add(1)
				f.sum = sha256.Sum256(buf)
				if keep {
					f.text, f.kept = unsafeString(buf), true
				}
				if scan && bytes.Contains(buf, []byte("{{")) {
					scanTemplate(string(buf), &f.use)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return inputs{}, err
	}
	h := sha256.New()
	for _, d := range dirs {
		writeStr(h, "dir", d)
	}
	for _, w := range walked {
		writeStr(h, "walked", w)
	}
	in := inputs{dirs: dirs, files: files, layout: layout, hashedAt: hashedAt, read: int(read.Load())}
	envSeen := map[string]bool{}
	for i := range files {
		f := &files[i]
		if f.err != nil {
			return inputs{}, f.err
		}
		writeStr(h, "file", f.rel)
		h.Write(f.sum[:])
		if f.use.volatile != "" && in.use.volatile == "" {
			in.use.volatile = f.rel + " " + f.use.volatile
		}
		for _, e := range f.use.env {
			if !envSeen[e] {
				envSeen[e] = true
				in.use.env = append(in.use.env, e)
			}
		}
	}
	sort.Strings(in.use.env)
	h.Sum(in.digest[:0])
	return in, nil
}

// writeStr writes a labelled, length-prefixed string to h, so that no
// two sequences of fields hash alike.
func writeStr(h hash.Hash, label, s string) {
	var n [binary.MaxVarintLen64]byte
	h.Write([]byte(label))
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	h.Write([]byte(s))
}

// writeCanonical hashes a value of type any with sorted map keys and its
// dynamic type, so that equal values hash alike and 1, 1.0 and "1" do not.
func writeCanonical(h hash.Hash, v any) {
	switch x := v.(type) {
	case nil:
		writeStr(h, "nil", "")
	case string:
		writeStr(h, "string", x)
	case bool:
		writeStr(h, "bool", fmt.Sprint(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		writeStr(h, fmt.Sprintf("%T", x), fmt.Sprint(x))
	case float64:
		writeStr(h, "float64", fmt.Sprint(math.Float64bits(x)))
	case float32:
		writeStr(h, "float32", fmt.Sprint(math.Float32bits(x)))
	case []any:
		writeStr(h, "list", fmt.Sprint(len(x)))
		for _, y := range x {
			writeCanonical(h, y)
		}
	case []string:
		writeStr(h, "strings", fmt.Sprint(len(x)))
		for _, y := range x {
			writeStr(h, "s", y)
		}
	case map[string]any:
		writeStr(h, "map", fmt.Sprint(len(x)))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			writeStr(h, "k", k)
			writeCanonical(h, x[k])
		}
	case map[string]string:
		writeStr(h, "smap", fmt.Sprint(len(x)))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			writeStr(h, "k", k)
			writeStr(h, "v", x[k])
		}
	default:
		// Anything else (map[any]any, time.Time, ...): its printed form
		// and type. fmt prints maps with sorted keys.
		writeStr(h, fmt.Sprintf("%T", x), fmt.Sprintf("%#v", x))
	}
}

// settingsDigest hashes what a load sees beyond the files: --vars, the
// target, the dialect and the binary.
func settingsDigest(binaryID string, root string, vars map[string]any, t adapter.Config, d adapter.Dialect) [sha256.Size]byte {
	h := sha256.New()
	writeStr(h, "format", fmt.Sprint(formatVersion))
	writeStr(h, "binary", binaryID)
	writeStr(h, "root", root)
	writeCanonical(h, vars)
	writeStr(h, "target.name", t.Name)
	writeStr(h, "target.type", t.Type)
	writeStr(h, "target.schema", t.Schema)
	writeStr(h, "target.threads", fmt.Sprint(t.Threads))
	writeCanonical(h, t.Fields)
	if d == nil {
		writeStr(h, "dialect", "")
	} else {
		writeStr(h, "dialect", fmt.Sprintf("%T", d))
		writeStr(h, "dialect.type", d.Type())
		writeCanonical(h, d.DispatchOrder())
		writeStr(h, "quote", d.QuoteIdent(`a"b`))
		writeStr(h, "rel", d.RelationName(adapter.Relation{Database: "d", Schema: "s", Identifier: "i", Kind: "table"}))
		writeStr(h, "rel", d.RelationName(adapter.Relation{Schema: "s", Identifier: "i"}))
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// envDigest hashes the values of the named environment variables (set
// or not).
func envDigest(names []string) [sha256.Size]byte {
	h := sha256.New()
	for _, n := range names {
		v, ok := os.LookupEnv(n)
		writeStr(h, "env", n)
		writeStr(h, fmt.Sprint(ok), v)
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// executableID identifies the running program: the Go build ID from its
// ELF note (a hash of everything the build used), or else a sha256 of the
// whole executable. A test binary has its own build ID, changed by any
// change to the code it links.
func executableID() (string, error) {
	// On Linux /proc/self/exe is the running program's own file, even
	// when its path has since been replaced by a new build (os.Executable
	// would name the new file, and a process running the old code would
	// store its output under the new build's identity).
	exe := "/proc/self/exe"
	if _, err := os.Stat(exe); err != nil {
		if exe, err = os.Executable(); err != nil {
			return "", err
		}
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if b, err := s.Data(); err == nil && len(b) > 16 {
				return "go-build-id:" + string(b), nil
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil)), nil
}

// chunkReader reads files into large shared chunks, so that keeping
// thousands of small files costs a few allocations and no copies.
type chunkReader struct {
	free []byte // the current chunk's unused storage (length 0)
}

// chunkSize is a chunk's capacity; a chunk is replaced when less than
// minFree of it is left (readStat wants that much room).
const chunkSize, minFree = 256 << 10, 16 << 10

// read returns the content of the file at p (it is never written
// again) and its state (readStat).
func (c *chunkReader) read(p string) ([]byte, fileStat, bool, error) {
	if cap(c.free) < minFree {
		c.free = make([]byte, 0, chunkSize)
	}
	b, st, ok, err := readStat(p, c.free)
	if err != nil {
		return nil, st, false, err
	}
	if cap(b) == cap(c.free) {
		// Read within the chunk: the rest of it stays free.
		c.free = b[len(b):len(b)]
	}
	// Else readStat outgrew the chunk into storage of its own, and the
	// chunk is as it was.
	return b[:len(b):len(b)], st, ok, nil
}

// unsafeString is b as a string without a copy; b must never change.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
