package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) { r.status = code }

func mustRequest(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
