package databricks

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Adapter types in profiles.yml.
const (
	TypeDatabricks = "databricks"
	TypeSpark      = "spark"
)

// Settings is a target's output block, checked. Secrets (Token,
// ClientSecret, Password) are never printed: String leaves them out.
type Settings struct {
	Target string // target name, for messages
	Type   string // databricks | spark
	Method string // spark only: http

	Host     string // hostname, without scheme
	Scheme   string // https (default) or http
	Port     int
	HTTPPath string
	Catalog  string
	Schema   string

	Token        string // personal access token
	ClientID     string // OAuth M2M
	ClientSecret string
	User         string // spark: Basic auth user
	Password     string // spark: Basic auth password

	ConnectTimeout time.Duration
	QueryTimeout   time.Duration // 0: none
	Retries        int           // HTTP retries on transient errors (not on SQL errors)
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	MaxRows        int // rows per fetch
	Threads        int
}

// known lists every key the adapter reads, for the unknown-key check.
var knownKeys = map[string]bool{
	"type": true, "method": true, "host": true, "port": true, "http_path": true,
	"catalog": true, "database": true, "schema": true, "token": true,
	"client_id": true, "client_secret": true, "user": true, "password": true,
	"connect_timeout": true, "query_timeout": true, "connect_retries": true,
	"retries": true, "retry_wait_min": true, "retry_wait_max": true,
	"max_rows": true, "threads": true, "use_ssl": true, "auth_type": true,
	// set by the CLI, not by users: show opens targets read-only (a
	// warehouse connection needs no such mode) and the project folder.
	"read_only": true, "project_dir": true,
}

// ParseSettings checks a target's output block and fills defaults. Errors
// name the target and the profile field to change.
func ParseSettings(cfg adapter.Config) (Settings, error) {
	f := cfg.Fields
	s := Settings{Target: cfg.Name, Type: cfg.Type, Threads: cfg.Threads}
	bad := func(field, format string, a ...any) error {
		return fmt.Errorf("profiles.yml target %q (type %s): field `%s`: %s", cfg.Name, cfg.Type, field, fmt.Sprintf(format, a...))
	}
	var unknown []string
	for k := range f {
		if !knownKeys[k] && !strings.HasPrefix(k, "_") {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return s, bad(unknown[0], "unknown field (known: host, port, http_path, catalog, schema, token, client_id, client_secret, user, password, method, connect_timeout, query_timeout, retries, retry_wait_min, retry_wait_max, max_rows, use_ssl, threads)")
	}
	var err error
	str := func(key string) string {
		if err != nil {
			return ""
		}
		v, ok := f[key]
		if !ok || v == nil {
			return ""
		}
		switch v := v.(type) {
		case string:
			return strings.TrimSpace(v)
		case int, int64, float64, bool:
			return fmt.Sprint(v)
		}
		err = bad(key, "want a string, got %T", v)
		return ""
	}
	num := func(key string, def int) int {
		raw := str(key)
		if err != nil || raw == "" {
			return def
		}
		n, perr := strconv.Atoi(raw)
		if perr != nil || n < 0 {
			err = bad(key, "want a whole number >= 0, got %q", raw)
			return def
		}
		return n
	}
	dur := func(key string, def time.Duration) time.Duration {
		raw := str(key)
		if err != nil || raw == "" {
			return def
		}
		if n, perr := strconv.ParseFloat(raw, 64); perr == nil && n >= 0 {
			return time.Duration(n * float64(time.Second))
		}
		d, perr := time.ParseDuration(raw)
		if perr != nil || d < 0 {
			err = bad(key, "want seconds (30) or a duration (30s, 2m), got %q", raw)
			return def
		}
		return d
	}

	switch cfg.Type {
	case TypeDatabricks:
	case TypeSpark:
		s.Method = str("method")
		if s.Method == "" {
			s.Method = "http"
		}
		if s.Method != "http" {
			return s, bad("method", "%q is not supported; the spark adapter speaks to a Thrift server over HTTP: set `method: http`", s.Method)
		}
	default:
		return s, fmt.Errorf("profiles.yml target %q: type %q is not databricks or spark", cfg.Name, cfg.Type)
	}

	host := str("host")
	if host == "" && err == nil {
		return s, bad("host", "missing; set it to the workspace hostname, e.g. dbc-1234.cloud.databricks.com (or 127.0.0.1 for a local Spark)")
	}
	s.Scheme = "https"
	if cfg.Type == TypeSpark {
		s.Scheme = "http"
	}
	if ssl := str("use_ssl"); ssl != "" {
		switch strings.ToLower(ssl) {
		case "true", "yes", "1":
			s.Scheme = "https"
		case "false", "no", "0":
			s.Scheme = "http"
		default:
			return s, bad("use_ssl", "want true or false, got %q", ssl)
		}
	}
	if rest, ok := strings.CutPrefix(host, "https://"); ok {
		s.Scheme, host = "https", rest
	} else if rest, ok := strings.CutPrefix(host, "http://"); ok {
		s.Scheme, host = "http", rest
	}
	host = strings.TrimSuffix(host, "/")
	if strings.ContainsAny(host, "/ ") {
		return s, bad("host", "%q is not a hostname (put the path in http_path)", host)
	}
	s.Host = host
	defPort := 443
	if cfg.Type == TypeSpark {
		defPort = 10001
	}
	s.Port = num("port", defPort)
	if err == nil && (s.Port < 1 || s.Port > 65535) {
		return s, bad("port", "%d is not a TCP port", s.Port)
	}
	s.HTTPPath = str("http_path")
	if s.HTTPPath == "" && err == nil {
		return s, bad("http_path", "missing; copy it from the warehouse's Connection details, e.g. /sql/1.0/warehouses/abc123 (cliservice on a local Spark)")
	}
	if !strings.HasPrefix(s.HTTPPath, "/") {
		s.HTTPPath = "/" + s.HTTPPath
	}
	s.Catalog = str("catalog")
	if s.Catalog == "" {
		s.Catalog = str("database")
	}
	s.Schema = cfg.Schema
	if s.Schema == "" {
		s.Schema = str("schema")
	}
	if s.Schema == "" && err == nil {
		return s, bad("schema", "missing; set the default schema of the target")
	}
	s.Token = str("token")
	s.ClientID = str("client_id")
	s.ClientSecret = str("client_secret")
	s.User = str("user")
	s.Password = str("password")
	if err != nil {
		return s, err
	}
	switch {
	case cfg.Type == TypeSpark:
		if s.User == "" {
			s.User = "techstore"
		}
		if s.Password == "" {
			s.Password = s.Token
		}
		if s.Password == "" {
			s.Password = "techstore"
		}
	case s.ClientID != "" || s.ClientSecret != "":
		if s.ClientID == "" {
			return s, bad("client_id", "missing while client_secret is set (OAuth machine-to-machine needs both)")
		}
		if s.ClientSecret == "" {
			return s, bad("client_secret", "missing while client_id is set (OAuth machine-to-machine needs both)")
		}
	case s.Token == "":
		return s, bad("token", "missing; set a personal access token (e.g. token: \"{{ env \\\"DATABRICKS_TOKEN\\\" }}\") or client_id and client_secret for OAuth")
	}

	s.ConnectTimeout = dur("connect_timeout", 30*time.Second)
	s.QueryTimeout = dur("query_timeout", 0)
	s.Retries = num("retries", -1)
	if s.Retries < 0 {
		s.Retries = num("connect_retries", 4)
	}
	s.RetryWaitMin = dur("retry_wait_min", time.Second)
	s.RetryWaitMax = dur("retry_wait_max", 30*time.Second)
	defRows := 100000
	if cfg.Type == TypeSpark {
		// Spark reports no more rows after the first page: fetch everything
		// in one page.
		defRows = 50_000_000
	}
	s.MaxRows = num("max_rows", defRows)
	if err != nil {
		return s, err
	}
	if s.MaxRows == 0 {
		return s, bad("max_rows", "must be at least 1")
	}
	if s.RetryWaitMax < s.RetryWaitMin {
		return s, bad("retry_wait_max", "%s is below retry_wait_min %s", s.RetryWaitMax, s.RetryWaitMin)
	}
	return s, nil
}

// String describes the settings without secrets.
func (s Settings) String() string {
	auth := "token"
	switch {
	case s.Type == TypeSpark:
		auth = "basic user " + s.User
	case s.ClientID != "":
		auth = "oauth m2m client " + s.ClientID
	}
	return fmt.Sprintf("%s target %q %s://%s:%d%s catalog=%q schema=%q auth=%s", s.Type, s.Target, s.Scheme, s.Host, s.Port, s.HTTPPath, s.Catalog, s.Schema, auth)
}
