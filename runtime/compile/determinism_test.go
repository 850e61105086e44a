package compile

import (
	"bytes"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/manifest"
)

// TestManifestDeterministic: two loads of the same project write the same
// bytes (parallel rendering and map order must not leak into the output).
func TestManifestDeterministic(t *testing.T) {
	md := manifest.Metadata{AdapterType: "duckdb", GeneratedAt: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
	var outs [3]bytes.Buffer
	for i := range outs {
		e := loadShop(t, duckTarget())
		md.RelationName = e.RelationName
		if err := manifest.Write(&outs[i], e.Project, e.DAG, md); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0].Bytes(), outs[i].Bytes()) {
			t.Fatalf("load %d wrote a different manifest than load 0", i)
		}
	}
	if !bytes.Contains(outs[0].Bytes(), []byte(`"generated_at":"2026-10-31T00:00:00.000000Z"`)) {
		t.Errorf("generated_at not written as given")
	}
}
