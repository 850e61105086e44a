package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	swaggerFiles "github.com/swaggo/files/v2"

	"github.com/techstore-analytics/techstore/api/table"
)

// Options configure the HTTP handler.
type Options struct {
	Store  *Store
	Logger *slog.Logger
	// CORSOrigins lists the origins allowed to call the API from a browser;
	// "*" allows any; empty sends no CORS headers.
	CORSOrigins []string
	// ReloadToken enables POST /admin/reload with "Authorization: Bearer <token>";
	// empty disables the endpoint.
	ReloadToken string
	// LogRequests logs every request at Info (errors are always logged).
	LogRequests bool
	Version     string
}

// NewHandler builds the router: middleware, the generated and hand-written
// operations, the OpenAPI documents and the offline docs page.
func NewHandler(opt Options) (http.Handler, huma.API) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Version == "" {
		opt.Version = "1.0.0"
	}
	r := chi.NewRouter()
	r.Use(observe(opt.Logger, opt.LogRequests), cors(opt.CORSOrigins), etags(opt.Store))

	cfg := huma.DefaultConfig("TechStore Analytics API", opt.Version)
	cfg.Info.Description = "Read-only API over the TechStore gold layer, answered from an in-memory snapshot of the gold tables. " +
		"Lists answer {items, total, limit, offset}; limit defaults to 50 and is capped at 1000. Errors are RFC 9457 problem+json. " +
		"Money is a JSON number with 2 decimals; dates are YYYY-MM-DD."
	cfg.CreateHooks = nil // no $schema links in bodies: clients get exactly the documented shapes
	cfg.DocsPath = ""     // /docs is served below from embedded assets
	cfg.SchemasPath = ""
	jsonFormat := huma.Format{Marshal: table.MarshalJSONTo, Unmarshal: huma.DefaultJSONFormat.Unmarshal}
	cfg.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	api := humachi.New(r, cfg)

	s := opt.Store
	RegisterGold(api, s.Gold, SalesMetricsPath)
	registerHandwritten(api, s)
	registerOps(api, s, opt.ReloadToken)
	mountDocs(r)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		problem(w, http.StatusNotFound, fmt.Sprintf("no endpoint at %s; the endpoints are listed at /docs and /openapi.json", req.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		problem(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s; see /docs for the methods of each endpoint", req.Method, req.URL.Path))
	})
	return r, api
}

// problem writes an RFC 9457 problem+json answer.
func problem(w http.ResponseWriter, status int, detail string) {
	b, _ := json.Marshal(huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Serve answers on addr until ctx ends, then shuts down gracefully
// (in-flight requests get up to 10 seconds). ready, if not nil, receives
// the bound address once listening.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if log != nil {
		log.Info("shutting down", "addr", ln.Addr().String())
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// validID reports whether an incoming X-Request-ID may be kept: 1 to 64
// letters, digits, '.', '_' or '-'.
func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// observe is the outer middleware, one wrapper per request (this is the
// hot path): it keeps a well-formed incoming X-Request-ID or makes one (a
// random per-process prefix and a counter) and echoes it, turns a panic
// into a logged 500 problem+json that quotes the id, and logs requests
// with slog: all of them at Info when all is set, server errors always.
func observe(log *slog.Logger, all bool) func(http.Handler) http.Handler {
	var b [6]byte
	_, _ = rand.Read(b[:])
	o := &observer{log: log, all: all, prefix: hex.EncodeToString(b[:]) + "-"}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w, start: time.Now()}
			id := r.Header.Get("X-Request-ID")
			if !validID(id) {
				var buf [48]byte
				id = string(strconv.AppendUint(append(buf[:0], o.prefix...), o.n.Add(1), 10))
			}
			sw.id[0] = id
			w.Header()["X-Request-Id"] = sw.id[:] // the canonical form of X-Request-ID
			defer o.done(sw, r)
			next.ServeHTTP(sw, r)
		})
	}
}

// observer is observe's state: the log, the request id prefix and counter.
type observer struct {
	log    *slog.Logger
	all    bool
	prefix string
	n      atomic.Uint64
}

// done ends a request: a panic becomes a 500 problem+json, and the request
// is logged when it should be.
func (o *observer) done(sw *statusWriter, r *http.Request) {
	id := sw.id[0]
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		o.log.Error("panic serving request", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		if sw.status == 0 {
			sw.Header().Set("Content-Type", "application/problem+json")
			sw.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(sw, `{"title":"Internal Server Error","status":500,"detail":"the server failed on this request; quote request id %s when reporting it"}`, id)
		} else {
			sw.status = http.StatusInternalServerError // for the log: the answer was cut short
		}
	}
	if !o.all && sw.status < 500 {
		return
	}
	lvl := slog.LevelInfo
	if sw.status >= 500 {
		lvl = slog.LevelError
	}
	o.log.LogAttrs(r.Context(), lvl, "request",
		slog.String("request_id", id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.RequestURI()),
		slog.Int("status", sw.status),
		slog.Int("bytes", sw.bytes),
		slog.Duration("took", time.Since(sw.start)),
		slog.String("remote", r.RemoteAddr))
}

// statusWriter records what a request answered, for the log; it also
// holds the request's id header value and start time (one allocation).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	id     [1]string
	start  time.Time
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status != 0 {
		// The status line has gone out already. Huma calls this again
		// with 499 when the client hung up in the middle of the body:
		// the log records that, and net/http is spared a call it could
		// only complain about ("superfluous response.WriteHeader").
		w.status = code
		return
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// cors answers preflights and sets Access-Control-Allow-Origin for allowed origins.
func cors(origins []string) func(http.Handler) http.Handler {
	anyOrigin := slices.Contains(origins, "*")
	return func(next http.Handler) http.Handler {
		if len(origins) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin != "" && (anyOrigin || slices.Contains(origins, origin)) {
				h := w.Header()
				if anyOrigin {
					h.Set("Access-Control-Allow-Origin", "*")
				} else {
					h.Set("Access-Control-Allow-Origin", origin)
					h.Add("Vary", "Origin")
				}
				h.Set("Access-Control-Expose-Headers", "X-Request-ID")
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
					h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
					h.Set("Access-Control-Max-Age", "600")
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// etags tags GET /api/ answers with the snapshot they come from, so a
// client revalidating with If-None-Match gets 304 until the next reload.
// The tag is read before the handler runs; the handler reads the same or a
// newer snapshot, so a tag never claims newer data than the body holds.
func etags(s *Store) func(http.Handler) http.Handler {
	var b [4]byte
	_, _ = rand.Read(b[:])
	instance := hex.EncodeToString(b[:]) // tags of another process never match
	// The header values are made once per snapshot and shared by the
	// answers (nothing appends to a response's header values).
	type tagged struct {
		seq int64
		tag []string
	}
	var last atomic.Pointer[tagged]
	noCache := []string{"no-cache"}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sn := s.Current()
			if sn == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !strings.HasPrefix(r.URL.Path, "/api/") {
				next.ServeHTTP(w, r)
				return
			}
			t := last.Load()
			if t == nil || t.seq != sn.Seq {
				t = &tagged{seq: sn.Seq, tag: []string{`W/"` + instance + "-" + strconv.FormatInt(sn.Seq, 10) + `"`}}
				last.Store(t)
			}
			tag := t.tag[0]
			h := w.Header()
			h["Etag"] = t.tag // the canonical forms of ETag and Cache-Control
			h["Cache-Control"] = noCache
			if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == tag || inm == "*") {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// docsPage loads Swagger UI from the binary (github.com/swaggo/files/v2)
// and the API's own /openapi.json: nothing comes from the internet.
const docsPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>TechStore Analytics API</title>
<link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
<link rel="stylesheet" type="text/css" href="/docs/index.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
<script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
<script src="/docs/techstore-init.js" charset="UTF-8"></script>
</body>
</html>
`

const docsInit = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
`

func mountDocs(r chi.Router) {
	page := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(docsPage))
	}
	r.Get("/docs", page)
	r.Get("/docs/", page)
	r.Get("/docs/techstore-init.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write([]byte(docsInit))
	})
	assets := http.StripPrefix("/docs/", http.FileServer(http.FS(docsFS{swaggerFiles.FS})))
	r.Get("/docs/*", assets.ServeHTTP)
}

// docsFS hides the upstream index.html and initializer, which point at an
// external example document.
type docsFS struct{ fs.FS }

func (d docsFS) Open(name string) (fs.File, error) {
	if name == "index.html" || name == "swagger-initializer.js" || strings.HasSuffix(name, ".map") {
		return nil, fs.ErrNotExist
	}
	return d.FS.Open(name)
}
