package partial

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestChunkReader: files read one after another into shared chunks come
// back whole and unchanged, whatever their sizes relative to the chunk's
// free space, and reading later files never overwrites earlier ones.
func TestChunkReader(t *testing.T) {
	dir := t.TempDir()
	contents := []string{
		"select 1\n",
		"",
		strings.Repeat("a", minFree-1),
		strings.Repeat("b", minFree),   // fills what readStat is given up front
		strings.Repeat("c", chunkSize), // larger than a whole chunk
		"x",
		strings.Repeat("d", chunkSize-3*minFree), // leaves less than minFree in a chunk
		"after a fresh chunk\n",
	}
	// Enough small files to cross several chunks.
	for i := 0; i < 400; i++ {
		contents = append(contents, strings.Repeat(string(rune('e'+i%20)), 700+i))
	}
	var c chunkReader
	got := make([]string, len(contents))
	for i, want := range contents {
		p := filepath.Join(dir, "f"+strconv.Itoa(i))
		if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		b, _, _, err := c.read(p)
		if err != nil {
			t.Fatal(err)
		}
		if cap(b) != len(b) {
			t.Fatalf("file %d: capacity %d beyond its %d bytes: an append could overwrite the next file", i, cap(b), len(b))
		}
		got[i] = unsafeString(b)
	}
	for i, want := range contents {
		if got[i] != want {
			t.Errorf("file %d: %d bytes, want %d (%.20q)", i, len(got[i]), len(want), got[i])
		}
	}
	if _, _, _, err := c.read(filepath.Join(dir, "missing")); err == nil {
		t.Error("reading a missing file: no error")
	}
}
