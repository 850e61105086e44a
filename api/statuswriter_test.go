package api

import (
	"net/http"
	"testing"
)

// headerCounter is a ResponseWriter that counts WriteHeader calls, which
// net/http answers after the first with a "superfluous" log line.
type headerCounter struct {
	h     http.Header
	codes []int
}

func (c *headerCounter) Header() http.Header {
	if c.h == nil {
		c.h = http.Header{}
	}
	return c.h
}
func (c *headerCounter) Write(b []byte) (int, error) {
	if len(c.codes) == 0 {
		c.codes = append(c.codes, http.StatusOK)
	}
	return len(b), nil
}
func (c *headerCounter) WriteHeader(code int) { c.codes = append(c.codes, code) }

func TestStatusWriterSendsOneStatus(t *testing.T) {
	tests := []struct {
		name      string
		do        func(w http.ResponseWriter)
		wantSent  []int // what reached the real ResponseWriter
		wantKnown int   // what the request log records
	}{
		{"body only", func(w http.ResponseWriter) { w.Write([]byte("x")) }, []int{200}, 200},
		{"status then body", func(w http.ResponseWriter) { w.WriteHeader(404); w.Write([]byte("x")) }, []int{404}, 404},
		// Huma's transformAndWrite after the client hung up mid-body.
		{"client gone mid-body", func(w http.ResponseWriter) { w.WriteHeader(200); w.Write([]byte("x")); w.WriteHeader(499) }, []int{200}, 499},
		{"status twice", func(w http.ResponseWriter) { w.WriteHeader(200); w.WriteHeader(500) }, []int{200}, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &headerCounter{}
			sw := &statusWriter{ResponseWriter: rec}
			tc.do(sw)
			if len(rec.codes) != len(tc.wantSent) || rec.codes[0] != tc.wantSent[0] {
				t.Errorf("sent %v, want %v", rec.codes, tc.wantSent)
			}
			if sw.status != tc.wantKnown {
				t.Errorf("logged status %d, want %d", sw.status, tc.wantKnown)
			}
		})
	}
}
