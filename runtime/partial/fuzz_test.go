package partial

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/techstore-analytics/techstore/runtime/compile"
)

// FuzzDecodeSnapshot: no body, however damaged, makes the decoder or
// compile.Restore panic; a body that decodes encodes again.
func FuzzDecodeSnapshot(f *testing.F) {
	dir := f.TempDir()
	writeFilesF(f, dir)
	o := testOptions(nil)
	e, err := compile.Load(context.Background(), dir, o.Compile)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := encodeSnapshot(&buf, e.Snapshot()); err != nil {
		f.Fatal(err)
	}
	body := buf.Bytes()
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		if err := encodeSnapshot(&bytes.Buffer{}, s); err != nil {
			t.Fatalf("a decoded snapshot does not encode: %v", err)
		}
		compile.Restore(context.Background(), s, o.Compile) // an error is fine, a panic is not
	})
}

// writeFilesF writes the small project of baseProject for a fuzz target.
func writeFilesF(f *testing.F, dir string) {
	f.Helper()
	for rel, text := range baseProject() {
		p := dir + "/" + rel
		if err := mkdirWrite(p, text); err != nil {
			f.Fatal(err)
		}
	}
}

func mkdirWrite(p, text string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(text), 0o644)
}
