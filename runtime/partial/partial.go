package partial

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/atomicfile"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/manifest"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// FileName is the cache file's name under the project's target folder.
const FileName = "partial_parse.bin"

// formatVersion changes whenever the file layout changes; a file of
// another version is ignored (the key holds the binary's build ID as
// well, so a file written by any other build is never used).
const formatVersion = 6

// magic starts every cache file.
const magic = "techstore partial parse\n"

// Options tune Load.
type Options struct {
	// Compile are the options of the load itself (target, dialect, vars).
	Compile compile.Options
	// Disabled loads in full and neither reads nor writes the cache
	// (--no-partial-parse, TECHSTORE_NO_PARTIAL_PARSE=1).
	Disabled bool
	// WriteBehind writes the cache on a goroutine of its own after a
	// miss, while the caller goes on with the Engine; the caller must
	// call Status.Wait before it exits and must not change the Engine
	// until then (compile and ls only read it). The encoding is serial,
	// so this gives the caller's parallel work the other cores.
	WriteBehind bool
	// BinaryID identifies the program whose code rendered the cache; ""
	// means the running executable's Go build ID. Tests set it to check
	// that another binary's cache is not used.
	BinaryID string
}

// ReasonDisabled is Status.Reason when partial parsing is off.
const ReasonDisabled = "partial parsing is disabled"

// Status says what Load did with the cache.
type Status struct {
	Hit    bool   // the Engine was restored from the cache
	Wrote  bool   // a new cache file was written
	Reason string // why the cache was not used or not written ("" on a hit that needed no write)
	// Key identifies the Engine's inputs (hex); "" when the project is
	// not cacheable. Outputs made from Engines of equal keys are equal.
	Key string
	// Updated is the number of edited model files re-rendered in an
	// Engine restored from the cache (compile.Engine.UpdateModels), and
	// Described the number of properties files whose edited descriptions
	// were applied to it (compile.Engine.UpdateDescriptions), when those
	// edits were all that changed; both 0 otherwise.
	Updated, Described int

	pending chan error // a write behind, until Wait
	edit    *edit      // what an update changed, for ManifestReuse
}

// edit is what update changed in the Engine it restored: the key of the
// cache it came from, the nodes re-rendered, and whether dependencies
// changed.
type edit struct {
	prevKey string
	changed map[string]bool
	graph   bool
	// models and described count the model SQL files rendered again and
	// the properties files whose descriptions were applied.
	models, described int
}

// Wait waits for a cache write started behind (Options.WriteBehind) and
// records its outcome in Wrote and Reason; without one it returns at once.
func (s *Status) Wait() {
	if s.pending == nil {
		return
	}
	if err := <-s.pending; err != nil {
		s.Wrote = false
		s.Reason += "; not cached: " + err.Error()
	}
	s.pending = nil
}

// Path is the cache file of the project in dir.
func Path(dir string) (string, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("partial parse: %w", err)
	}
	return filepath.Join(root, "target", FileName), nil
}

// Load returns the Engine of the project in dir: restored from
// target/partial_parse.bin when every input of the load is unchanged,
// else loaded in full by compile.Load (and the cache written for the next
// process). Errors are compile.Load's; a cache that cannot be read,
// decoded or written never is one.
func Load(ctx context.Context, dir string, o Options) (*compile.Engine, Status, error) {
	if o.Disabled {
		e, err := compile.Load(ctx, dir, o.Compile)
		return e, Status{Reason: ReasonDisabled}, err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		e, err := compile.Load(ctx, dir, o.Compile)
		return e, Status{Reason: "no absolute project path"}, err
	}
	cachePath := filepath.Join(root, "target", FileName)
	bin := o.BinaryID
	if bin == "" {
		if bin, err = executableID(); err != nil {
			e, err2 := compile.Load(ctx, dir, o.Compile)
			return e, Status{Reason: "cannot identify the running binary: " + err.Error()}, err2
		}
	}
	settings := settingsDigest(bin, root, o.Compile.Vars, o.Compile.Target, o.Compile.Dialect)

	// Hash the inputs before loading them: if a file changes during a
	// load, the cache is stored under the old content's key and the next
	// process, seeing the new content, loads in full. The templates are
	// scanned in the same pass (for env and volatile functions), and the
	// files read are kept, so that a miss loads them without reading
	// them again. Files whose state the cache file recorded, unchanged,
	// are not read (prior).
	cf, h, hok, rerr := openCache(cachePath)
	var pr *prior
	if rerr == nil {
		defer cf.Close()
		if hok {
			pr = h.prior()
		}
	}
	in, inErr := hashInputs(ctx, root, true, true, pr)
	st := Status{Reason: "no cache file"}
	switch {
	case inErr != nil:
		st.Reason = "cannot hash the project: " + inErr.Error()
	case in.use.volatile != "":
		st.Reason = "templates are not cacheable: " + in.use.volatile
	case rerr == nil && !hok:
		st.Reason = "cache file of another format or damaged"
	case rerr == nil:
		e, key, reason := restore(ctx, h, cf.Body, settings, in, root, o.Compile)
		if e != nil {
			return e, Status{Hit: true, Key: hex.EncodeToString(key[:])}, nil
		}
		st.Reason = reason
		if reason != reasonKeyChanged {
			break // the body is damaged or of another folder: update would find the same
		}
		e, ed, reuse, why := update(ctx, h, cf, settings, in, root, o.Compile)
		if e != nil {
			st = Status{Updated: ed.models, Described: ed.described, edit: ed}
			cf.Close() // before a new file is swapped in
			return e, writeCache(cachePath, settings, in, e, reuse, o.WriteBehind, st), nil
		}
		if why != "" {
			st.Reason = why
		}
	}

	cf.Close()
	lo := o.Compile
	if inErr == nil {
		lo.Files = in.contents()
	}
	e, err := compile.Load(ctx, dir, lo)
	if err != nil {
		return nil, st, err
	}
	switch {
	case inErr != nil, in.use.volatile != "":
		// not cached; st.Reason says why
	case !sameDirs(e.Project, in.dirs):
		st.Reason += "; not cached: resource folders differ from the loader's"
	default:
		st = writeCache(cachePath, settings, in, e, nil, o.WriteBehind, st)
	}
	return e, st, nil
}

// writeCache writes e to the cache under the key of in (behind the
// caller with behind), copying the nodes in reuse, and returns st with
// the outcome.
func writeCache(cachePath string, settings [sha256.Size]byte, in inputs, e *compile.Engine, reuse map[*project.Node][]byte, behind bool, st Status) Status {
	envSum := envDigest(in.use.env)
	h := header{
		key: cacheKey(settings, in.digest, envSum), env: in.use.env,
		settings: settings, envSum: envSum, layout: in.layout,
		sums:     make([]byte, 0, len(in.files)*sha256.Size),
		hashedAt: in.hashedAt,
		stats:    make([]byte, 0, len(in.files)*statLen),
		envs:     map[int][]string{},
	}
	for i, f := range in.files {
		h.sums = append(h.sums, f.sum[:]...)
		h.stats = binary.LittleEndian.AppendUint64(h.stats, uint64(f.stat.size))
		h.stats = binary.LittleEndian.AppendUint64(h.stats, uint64(f.stat.mtime))
		h.stats = binary.LittleEndian.AppendUint64(h.stats, uint64(f.stat.ctime))
		h.stats = binary.LittleEndian.AppendUint64(h.stats, uint64(f.stat.ino))
		if len(f.use.env) > 0 {
			h.envs[i] = f.use.env
		}
	}
	if behind {
		st.pending = make(chan error, 1)
		st.Wrote = true
		st.Key = hex.EncodeToString(h.key[:])
		go func(snap compile.Snapshot) { st.pending <- write(cachePath, h, snap, reuse) }(e.Snapshot())
		return st
	}
	if err := write(cachePath, h, e.Snapshot(), reuse); err != nil {
		st.Reason += "; not cached: " + err.Error()
	} else {
		st.Wrote = true
		st.Key = hex.EncodeToString(h.key[:])
	}
	return st
}

// update returns the Engine stored in data brought up to date with the
// files that changed since, what changed, and the encodings of the nodes
// that did not (for the cache write), when those are only model files
// edited in a way compile.Engine.UpdateModels accepts and nothing else
// changed (the settings, the environment variables the templates read
// and their values, the folders and the list of files); else nil and
// why, in words for the user.
func update(ctx context.Context, h header, cf *cacheReader, settings [sha256.Size]byte, in inputs, root string, opts compile.Options) (*compile.Engine, *edit, map[*project.Node][]byte, string) {
	fail := func(why string) (*compile.Engine, *edit, map[*project.Node][]byte, string) {
		return nil, nil, nil, why
	}
	switch {
	case h.settings != settings:
		return fail("the techstore binary, --vars or the target changed")
	case !slices.Equal(h.env, in.use.env):
		return fail("the templates read other environment variables")
	case envDigest(h.env) != h.envSum:
		return fail("an environment variable the templates read changed (" + strings.Join(h.env, ", ") + ")")
	case h.layout != in.layout || len(h.sums) != len(in.files)*sha256.Size:
		return fail("files were added or removed")
	}
	changed := map[string]project.FileContent{}
	yamls := map[string]string{} // changed YAML files: their new text
	var other []string           // changed files that are neither
	for i, f := range in.files {
		if !bytes.Equal(h.sums[i*sha256.Size:(i+1)*sha256.Size], f.sum[:]) {
			switch {
			case f.kept && strings.HasSuffix(f.rel, ".sql"):
				changed[f.rel] = project.FileContent{Text: f.text, Sum: f.sum}
			case f.kept && (strings.HasSuffix(f.rel, ".yml") || strings.HasSuffix(f.rel, ".yaml")):
				yamls[f.rel] = f.text
			default:
				other = append(other, strings.TrimSuffix(f.rel, "\x00absent"))
			}
		}
	}
	switch {
	case len(other) == 1:
		return fail(other[0] + " changed (" + applied + ")")
	case len(other) > 1:
		return fail(fmt.Sprintf("%s and %d other files changed (%s)", other[0], len(other)-1, applied))
	case len(changed) == 0 && len(yamls) == 0:
		return fail("the project changed")
	}
	// What the head of the cache tells rules out more, before the rest is
	// read and decoded: SQL files outside the model folders (macros,
	// singular tests), and YAML files that are not properties files or
	// whose edit changed more than descriptions.
	modelPaths, props, ok := cf.head()
	if !ok {
		return fail("cache file damaged")
	}
	for _, path := range slices.Sorted(maps.Keys(changed)) {
		if !slices.ContainsFunc(modelPaths, func(d string) bool { return strings.HasPrefix(path, d+"/") }) {
			return fail(path + " changed, and it is not a model (" + applied + ")")
		}
	}
	described := map[string][]project.DescEdit{}
	for _, path := range slices.Sorted(maps.Keys(yamls)) {
		i := slices.IndexFunc(props, func(f project.File) bool { return f.Path == path })
		if i < 0 {
			return fail(path + " changed (" + applied + ")")
		}
		edits, ok := project.DescriptionEdits(path, props[i].Text, yamls[path])
		if !ok {
			return fail(path + " changed more than descriptions in place (" + applied + ")")
		}
		described[path] = edits
	}
	b, ok := cf.Body()
	if !ok {
		return fail("cache file damaged")
	}
	spans := map[*project.Node][]byte{}
	snap, err := decodeSnapshotSpans(b, spans)
	if err != nil {
		return fail("cache file damaged")
	}
	if snap.Project.Root != root {
		return fail("cache of another folder")
	}
	e, err := compile.Restore(ctx, snap, opts)
	if err != nil {
		return fail(err.Error())
	}
	dag0 := e.DAG
	if ok, why := e.UpdateModels(ctx, changed); !ok {
		return fail(why)
	}
	// UpdateModels changes the edited models' nodes and no other, and
	// builds a new DAG only when dependencies changed; UpdateDescriptions
	// changes the described nodes alone.
	ed := &edit{prevKey: hex.EncodeToString(h.key[:]), changed: map[string]bool{}, graph: e.DAG != dag0,
		models: len(changed), described: len(described)}
	for _, n := range e.Project.Nodes {
		if _, ok := changed[n.OriginalFilePath]; ok {
			delete(spans, n)
			ed.changed[n.UniqueID] = true
		}
	}
	for _, path := range slices.Sorted(maps.Keys(described)) {
		ids, ok, why := e.UpdateDescriptions(path, yamls[path], described[path])
		if !ok {
			return fail(why)
		}
		for _, id := range ids {
			delete(spans, e.Project.Nodes[id])
			ed.changed[id] = true
		}
	}
	return e, ed, spans, ""
}

// applied says which edits partial parsing applies to the saved project.
const applied = "only edits of model SQL, and of descriptions in properties files, are applied to the saved project"

// restore returns the Engine stored in data and its key when the key
// matches the inputs now (in, hashed by the caller), or nil and the
// reason it does not.
func restore(ctx context.Context, h header, body func() ([]byte, bool), settings [sha256.Size]byte, in inputs, root string, opts compile.Options) (*compile.Engine, [sha256.Size]byte, string) {
	var none [sha256.Size]byte
	if cacheKey(settings, in.digest, envDigest(h.env)) != h.key {
		return nil, none, reasonKeyChanged
	}
	b, ok := body()
	if !ok {
		return nil, none, "cache file of another format or damaged"
	}
	snap, err := decodeSnapshot(b)
	if err != nil {
		return nil, none, err.Error()
	}
	if snap.Project.Root != root {
		return nil, none, "cache of another folder"
	}
	e, err := compile.Restore(ctx, snap, opts)
	if err != nil {
		return nil, none, err.Error()
	}
	return e, h.key, ""
}

// reasonKeyChanged is restore's reason when the cache is of other inputs
// (update may still apply the difference).
const reasonKeyChanged = "project, vars, target, environment or binary changed"

func cacheKey(settings, files, env [sha256.Size]byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(settings[:])
	h.Write(files[:])
	h.Write(env[:])
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// sameDirs reports whether the loader walked the folders hashInputs did.
func sameDirs(p *project.Project, dirs []string) bool {
	var all []string
	for _, l := range [][]string{p.ModelPaths, p.MacroPaths, p.SeedPaths, p.TestPaths} {
		all = append(all, l...)
	}
	slices.Sort(all)
	return slices.Equal(slicesCompact(all), dirs)
}

// header is the part of a cache file before the body.
type header struct {
	key [sha256.Size]byte
	env []string // environment variables the templates read
	// What the key was made of, for update: the settings digest, the
	// digest of env's values, the layout digest and the sha256 of every
	// file, in the layout's order.
	settings, envSum, layout [sha256.Size]byte
	sums                     []byte
	// What hashInputs needs to leave unchanged files unread (prior):
	// when the hashing began, each file's state (4 little-endian int64:
	// size, modification and change times, inode) and the env names of
	// the files that read any.
	hashedAt int64
	stats    []byte
	envs     map[int][]string
}

// statLen is the size of one file's state in the header.
const statLen = 32

// prior returns what the header recorded for hashInputs.
func (h header) prior() *prior {
	n := len(h.sums) / sha256.Size
	if len(h.stats) != n*statLen {
		return nil
	}
	p := &prior{layout: h.layout, hashedAt: h.hashedAt, sums: h.sums, stats: make([]fileStat, n), envs: h.envs}
	for i := range p.stats {
		b := h.stats[i*statLen:]
		p.stats[i] = fileStat{
			size:  int64(binary.LittleEndian.Uint64(b)),
			mtime: int64(binary.LittleEndian.Uint64(b[8:])),
			ctime: int64(binary.LittleEndian.Uint64(b[16:])),
			ino:   int64(binary.LittleEndian.Uint64(b[24:])),
		}
	}
	return p
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// trailerLen is the size of what follows the body: its length (8 bytes,
// little-endian) and its CRC-32C (4 bytes). They come last so that the
// body can be written as it is encoded.
const trailerLen = 12

// The file: magic, format version (uvarint), key, env names (count and
// strings), settings digest, env values digest, layout digest, the
// number of files (uvarint), their sha256 sums, the hashing time
// (varint), their states, the env names per file (count, then index and
// strings), body, trailer.
func parseHeader(data []byte) (header, []byte, bool) {
	h, off, ok := parseHeaderPrefix(data, true)
	if !ok {
		return h, nil, false
	}
	body, ok := checkBody(data, off)
	return h, body, ok
}

// parseHeaderPrefix parses the header from the first bytes of a cache
// file (the whole file when whole) and returns it and where the body
// starts; false when it is not all there or damaged.
func parseHeaderPrefix(data []byte, whole bool) (header, int, bool) {
	var h header
	if !bytes.HasPrefix(data, []byte(magic)) || len(data) < len(magic)+trailerLen {
		return h, 0, false
	}
	end := len(data)
	if whole {
		end -= trailerLen
	}
	d := &decoder{b: data[:end], off: len(magic)}
	if d.uvarint() != formatVersion || len(d.b)-d.off < sha256.Size {
		return h, 0, false
	}
	copy(h.key[:], d.b[d.off:])
	d.off += sha256.Size
	h.env = d.strs()
	for _, sum := range []*[sha256.Size]byte{&h.settings, &h.envSum, &h.layout} {
		if len(d.b)-d.off < sha256.Size {
			return h, 0, false
		}
		copy(sum[:], d.b[d.off:])
		d.off += sha256.Size
	}
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)-d.off)/(sha256.Size+statLen) {
		return h, 0, false
	}
	h.sums = d.b[d.off : d.off+int(n)*sha256.Size]
	d.off += int(n) * sha256.Size
	h.hashedAt = d.varint()
	if d.bad || uint64(len(d.b)-d.off) < n*statLen {
		return h, 0, false
	}
	h.stats = d.b[d.off : d.off+int(n)*statLen]
	d.off += int(n) * statLen
	if k, ok := d.count(); ok {
		h.envs = make(map[int][]string, k)
		for range k {
			i := d.uvarint()
			names := d.strs()
			if d.bad || i >= n {
				return h, 0, false
			}
			h.envs[int(i)] = names
		}
	}
	if d.bad {
		return h, 0, false
	}
	return h, d.off, true
}

// checkBody returns the body of a whole cache file whose header ends at
// off, if its length and CRC-32C match the trailer.
func checkBody(data []byte, off int) ([]byte, bool) {
	if off > len(data)-trailerLen {
		return nil, false
	}
	body := data[off : len(data)-trailerLen]
	trailer := data[len(data)-trailerLen:]
	if binary.LittleEndian.Uint64(trailer) != uint64(len(body)) ||
		crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(trailer[8:]) {
		return nil, false
	}
	return body, true
}

// headerProbe is how much of the cache file Load reads first: the header
// of a project of up to about 16,000 files (64 bytes a file). The body,
// 30 MB at 10,000 models, is read only when the header says the cache can
// be used (restore, update): a change partial parsing cannot apply, such
// as a YAML edit, costs no read of it.
var headerProbe int64 = 1 << 20

// cacheReader is the cache file as Load reads it: the header, then the body
// on demand, from the same open file (a compile writing a new cache
// meanwhile swaps another file in under the name).
type cacheReader struct {
	f    *os.File
	size int64
	data []byte // the file's first len(data) bytes
	off  int    // where the body starts
	body []byte
	read bool // body read (and checked)
	ok   bool
}

// openCache opens the cache file and parses its header; ok is false when
// the header is not a current one (other format, damaged).
func openCache(path string) (c *cacheReader, h header, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, h, false, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, h, false, err
	}
	c = &cacheReader{f: f, size: fi.Size()}
	c.data = make([]byte, min(c.size, headerProbe))
	if _, err := io.ReadFull(f, c.data); err != nil {
		f.Close()
		return nil, h, false, err
	}
	whole := int64(len(c.data)) == c.size
	h, c.off, ok = parseHeaderPrefix(c.data, whole)
	if !ok && !whole { // a header longer than the probe
		if err := c.readAll(); err != nil {
			f.Close()
			return nil, h, false, err
		}
		h, c.off, ok = parseHeaderPrefix(c.data, true)
	}
	return c, h, ok, nil
}

func (c *cacheReader) readAll() error { return c.readTo(c.size) }

// readTo reads the file up to byte end. The buffer is made the file's
// size when it first grows past the probe; the pages not yet read are
// never touched.
func (c *cacheReader) readTo(end int64) error {
	if int64(len(c.data)) >= end {
		return nil
	}
	if c.f == nil {
		return os.ErrClosed
	}
	if int64(cap(c.data)) < c.size {
		grown := make([]byte, len(c.data), c.size)
		copy(grown, c.data)
		c.data = grown
	}
	start := int64(len(c.data))
	if _, err := c.f.ReadAt(c.data[start:end], start); err != nil {
		return err
	}
	c.data = c.data[:end]
	return nil
}

// headStep is how much of the body head reads first (then four times as
// much, and so on): the properties files of 2,000 models take ~0.8 MB.
var headStep int64 = 2 << 20

// head decodes the model folders and properties files at the start of
// the body (decodeHead), reading no more of the file than they take. It
// does not check the body against the trailer: Body, which every use of
// the cache calls before restoring anything, does.
func (c *cacheReader) head() (modelPaths []string, props []project.File, ok bool) {
	bodyEnd := c.size - trailerLen
	for n := headStep; ; n *= 4 {
		end := min(int64(c.off)+n, bodyEnd)
		if end < int64(c.off) || c.readTo(end) != nil {
			return nil, nil, false
		}
		modelPaths, props, ok = decodeHead(c.data[c.off:end])
		if ok || end == bodyEnd {
			return modelPaths, props, ok
		}
	}
}

// Body returns the body, read and checked against the trailer on the
// first call; false when it cannot be read or is damaged.
func (c *cacheReader) Body() ([]byte, bool) {
	if !c.read {
		c.read = true
		if c.readAll() == nil {
			c.body, c.ok = checkBody(c.data, c.off)
		}
	}
	return c.body, c.ok
}

// Close closes the file (again: a no-op); the body, if read, stays.
func (c *cacheReader) Close() {
	if c != nil && c.f != nil {
		c.f.Close()
		c.f = nil
	}
}

// crcWriter counts and checksums what goes through it.
type crcWriter struct {
	w   io.Writer
	n   uint64
	crc uint32
}

func (c *crcWriter) Write(b []byte) (int, error) {
	c.crc = crc32.Update(c.crc, crcTable, b)
	c.n += uint64(len(b))
	return c.w.Write(b)
}

// write encodes the snapshot into the cache file atomically: a temporary
// file in the same folder, swapped with the old one (atomicfile.Replace).
func write(path string, h header, s compile.Snapshot, reuse map[*project.Node][]byte) error {
	err := atomicfile.Replace(path, 0o644, func(w io.Writer) error {
		e := &encoder{}
		e.b = append(e.b, magic...)
		e.uvarint(formatVersion)
		e.b = append(e.b, h.key[:]...)
		e.strs(h.env)
		e.b = append(e.b, h.settings[:]...)
		e.b = append(e.b, h.envSum[:]...)
		e.b = append(e.b, h.layout[:]...)
		e.uvarint(uint64(len(h.sums) / sha256.Size))
		e.b = append(e.b, h.sums...)
		e.varint(h.hashedAt)
		e.b = append(e.b, h.stats...)
		idx := make([]int, 0, len(h.envs))
		for i := range h.envs {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		e.count(len(idx), false)
		for _, i := range idx {
			e.uvarint(uint64(i))
			e.strs(h.envs[i])
		}
		if _, err := w.Write(e.b); err != nil {
			return err
		}
		cw := &crcWriter{w: w}
		if err := encodeSnapshotReusing(cw, s, reuse); err != nil {
			return err
		}
		var t [trailerLen]byte
		binary.LittleEndian.PutUint64(t[:], cw.n)
		binary.LittleEndian.PutUint32(t[8:], cw.crc)
		_, err := w.Write(t[:])
		return err
	})
	if err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	return nil
}

// manifestRecord is the file, next to the cache, that records the
// manifest written from an Engine of a given key.
const manifestRecord = "partial_parse.manifest"

// recordPath is the record of the manifest at path.
func recordPath(manifestPath string) string {
	return filepath.Join(filepath.Dir(manifestPath), manifestRecord)
}

// ManifestUpToDate reports whether the manifest at path is the one a
// previous process wrote from an Engine with the same key as st's (the
// same project, vars, target and binary), untouched since: its size and
// modification time are those recorded after the write. A record written
// within the same clock tick as the manifest is "racily clean" (a change
// in that tick would keep the time; git's index has the same problem):
// then the manifest's sha256, recorded for that case, is compared. An
// up-to-date manifest need not be written again; only its generated_at
// would differ.
func ManifestUpToDate(path string, st Status) bool {
	if st.Key == "" {
		return false
	}
	r, ok := readRecord(path)
	if !ok || r.key != st.Key {
		return false
	}
	fi, err := os.Stat(path)
	if err != nil || !r.matches(fi) {
		return false
	}
	if !r.racy {
		return true
	}
	if r.sum == "-" {
		return false
	}
	got, err := fileSum(path)
	return err == nil && got == r.sum
}

// record is a manifest record: the key of the Engine the manifest was
// written from, the manifest's size, modification time and (when racily
// clean) sha256, and its segment layout (manifest.WriteReusing).
type record struct {
	key, sum    string
	size, mtime int64
	layout      manifest.Layout
	racy        bool // not written after the manifest's own clock tick
}

func readRecord(path string) (record, bool) {
	var r record
	rp := recordPath(path)
	b, err := os.ReadFile(rp)
	if err != nil {
		return r, false
	}
	f := strings.Fields(string(b))
	if len(f) < 4 {
		return r, false
	}
	r.key, r.sum = f[0], f[3]
	var err1, err2 error
	r.size, err1 = strconv.ParseInt(f[1], 10, 64)
	r.mtime, err2 = strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return r, false
	}
	if len(f) == 6 {
		offs, sums := strings.Split(f[4], ","), strings.Split(f[5], ",")
		l := manifest.Layout{Offsets: make([]int64, len(offs)), Sums: make([]uint32, len(sums))}
		ok := len(offs) == len(sums)+1
		for i := 0; ok && i < len(offs); i++ {
			l.Offsets[i], err = strconv.ParseInt(offs[i], 10, 64)
			ok = err == nil
		}
		for i := 0; ok && i < len(sums); i++ {
			var x uint64
			x, err = strconv.ParseUint(sums[i], 16, 32)
			l.Sums[i], ok = uint32(x), err == nil
		}
		if ok {
			r.layout = l
		}
	}
	rec, err := os.Stat(rp)
	r.racy = err != nil || rec.ModTime().UnixNano() <= r.mtime
	return r, true
}

// matches reports whether fi is the manifest the record describes (by
// size and modification time).
func (r record) matches(fi os.FileInfo) bool {
	return fi.Mode().IsRegular() && fi.Size() == r.size && fi.ModTime().UnixNano() == r.mtime
}

// ManifestReuse returns, after an update (Status.Updated or Described > 0), what
// compile.Engine.WriteManifestReusing needs to copy the unchanged parts
// of the manifest at path, and a function that releases it; nil when the
// manifest there is not the one written from the Engine the update
// started from, as recorded (size, modification time, layout). Each
// segment copied is checked against its recorded CRC-32C as it is read,
// so a manifest changed within the clock tick of its record is caught
// there (the write fails; the caller then writes it in full).
func ManifestReuse(path string, st Status) (*manifest.Reuse, func()) {
	if st.edit == nil {
		return nil, nil
	}
	r, ok := readRecord(path)
	offs := r.layout.Offsets
	if !ok || r.key != st.edit.prevKey || len(offs) < 2 || offs[len(offs)-1] != r.size {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil
	}
	// The file opened is the one checked: a replacement after the check
	// has another size or time, or is not what f reads.
	if fi, err := f.Stat(); err != nil || !r.matches(fi) {
		f.Close()
		return nil, nil
	}
	reuse := &manifest.Reuse{Old: f, Layout: r.layout, Changed: st.edit.changed, Graph: st.edit.graph}
	return reuse, func() { f.Close() }
}

// RecordManifest records the manifest just written at path for
// ManifestUpToDate. Without a key (the project is not cached) it removes
// any old record.
func RecordManifest(path string, st Status, l manifest.Layout) error {
	rp := recordPath(path)
	if st.Key == "" {
		if err := os.Remove(rp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("record manifest: %w", err)
		}
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("record manifest: %w", err)
	}
	var layout []byte
	if len(l.Offsets) == len(l.Sums)+1 && len(l.Sums) > 0 {
		layout = append(layout, ' ')
		for i, o := range l.Offsets {
			if i > 0 {
				layout = append(layout, ',')
			}
			layout = strconv.AppendInt(layout, o, 10)
		}
		layout = append(layout, ' ')
		for i, s := range l.Sums {
			if i > 0 {
				layout = append(layout, ',')
			}
			layout = strconv.AppendUint(layout, uint64(s), 16)
		}
	}
	line := func(sum string) string {
		return fmt.Sprintf("%s %d %d %s%s\n", st.Key, fi.Size(), fi.ModTime().UnixNano(), sum, layout)
	}
	if err := atomicfile.WriteFile(rp, []byte(line("-")), 0o644); err != nil {
		return fmt.Errorf("record manifest: %w", err)
	}
	if rec, err := os.Stat(rp); err == nil && rec.ModTime().UnixNano() > fi.ModTime().UnixNano() {
		return nil
	}
	// Racily clean: record the content too.
	sum, err := fileSum(path)
	if err != nil {
		return fmt.Errorf("record manifest: %w", err)
	}
	if err := atomicfile.WriteFile(rp, []byte(line(sum)), 0o644); err != nil {
		return fmt.Errorf("record manifest: %w", err)
	}
	return nil
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
