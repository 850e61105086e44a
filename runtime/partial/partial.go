package partial

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"

	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/project"
)

// FileName is the cache file's name under the project's target folder.
const FileName = "partial_parse.bin"

// formatVersion changes whenever the encoding changes; a file of another
// version is ignored.
const formatVersion = 1

// magic starts every cache file.
const magic = "techstore partial parse\n"

// Options tune Load.
type Options struct {
	// Compile are the options of the load itself (target, dialect, vars).
	Compile compile.Options
	// Disabled loads in full and neither reads nor writes the cache
	// (--no-partial-parse, TECHSTORE_NO_PARTIAL_PARSE=1).
	Disabled bool
	// BinaryID identifies the program whose code rendered the cache; ""
	// means the running executable's Go build ID. Tests set it to check
	// that another binary's cache is not used.
	BinaryID string
}

// Status says what Load did with the cache.
type Status struct {
	Hit    bool   // the Engine was restored from the cache
	Wrote  bool   // a new cache file was written
	Reason string // why the cache was not used or not written ("" on a hit that needed no write)
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
		return e, Status{Reason: "partial parsing is disabled"}, err
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

	st := Status{Reason: "no cache file"}
	if data, err := os.ReadFile(cachePath); err == nil {
		e, reason := restore(ctx, root, data, settings, o.Compile)
		if e != nil {
			return e, Status{Hit: true}, nil
		}
		st.Reason = reason
	}

	// Hash the inputs before loading them: if a file changes during the
	// load, the cache is stored under the old content's key and the next
	// process, seeing the new content, loads in full.
	in, inErr := hashInputs(ctx, root, true)
	e, err := compile.Load(ctx, dir, o.Compile)
	if err != nil {
		return nil, st, err
	}
	switch {
	case inErr != nil:
		st.Reason += "; not cached: " + inErr.Error()
	case in.use.volatile != "":
		st.Reason += "; not cached: " + in.use.volatile
	case !sameDirs(e.Project, in.dirs):
		st.Reason += "; not cached: resource folders differ from the loader's"
	default:
		if err := write(cachePath, cacheKey(settings, in.digest, envDigest(in.use.env)), in.use.env, e.Snapshot()); err != nil {
			st.Reason += "; not cached: " + err.Error()
		} else {
			st.Wrote = true
		}
	}
	return e, st, nil
}

// restore returns the Engine stored in data when its key matches the
// inputs now, or nil and the reason it does not.
func restore(ctx context.Context, root string, data []byte, settings [sha256.Size]byte, opts compile.Options) (*compile.Engine, string) {
	h, body, ok := parseHeader(data)
	if !ok {
		return nil, "cache file of another format or damaged"
	}
	in, err := hashInputs(ctx, root, false)
	if err != nil {
		return nil, "cannot hash the project: " + err.Error()
	}
	if cacheKey(settings, in.digest, envDigest(h.env)) != h.key {
		return nil, "project, vars, target, environment or binary changed"
	}
	snap, err := decodeSnapshot(body)
	if err != nil {
		return nil, err.Error()
	}
	if snap.Project.Root != root {
		return nil, "cache of another folder"
	}
	e, err := compile.Restore(ctx, snap, opts)
	if err != nil {
		return nil, err.Error()
	}
	return e, ""
}

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
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// The file: magic, format version (uvarint), key, env names (count and
// strings), body length (uvarint), CRC-32C of the body (4 bytes), body.
func parseHeader(data []byte) (header, []byte, bool) {
	var h header
	if !bytes.HasPrefix(data, []byte(magic)) {
		return h, nil, false
	}
	d := &decoder{b: data, off: len(magic)}
	if d.uvarint() != formatVersion || len(d.b)-d.off < sha256.Size {
		return h, nil, false
	}
	copy(h.key[:], d.b[d.off:])
	d.off += sha256.Size
	h.env = d.strs()
	n := d.uvarint()
	if d.bad || len(d.b)-d.off < 4 || n != uint64(len(d.b)-d.off-4) {
		return h, nil, false
	}
	sum := binary.LittleEndian.Uint32(d.b[d.off:])
	body := d.b[d.off+4:]
	if crc32.Checksum(body, crcTable) != sum {
		return h, nil, false
	}
	return h, body, true
}

// write encodes the snapshot and writes the cache file atomically: a
// temporary file in the same folder, renamed over the old one.
func write(path string, key [sha256.Size]byte, env []string, s compile.Snapshot) error {
	e := &encoder{}
	e.b = append(e.b, magic...)
	e.uvarint(formatVersion)
	e.b = append(e.b, key[:]...)
	e.strs(env)
	head := e.b
	body, err := encodeSnapshot(make([]byte, 0, 1<<20), s)
	if err != nil {
		return err
	}
	head = binary.AppendUvarint(head, uint64(len(body)))
	head = binary.LittleEndian.AppendUint32(head, crc32.Checksum(body, crcTable))
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	f, err := os.CreateTemp(dir, FileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("write cache: %w", err)
	}
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(head)
	}
	if err == nil {
		_, err = f.Write(body)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write cache: %w", err)
	}
	return nil
}
