package databricks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	dbsql "github.com/databricks/databricks-sql-go"
	"github.com/databricks/databricks-sql-go/auth/noop"
	"github.com/databricks/databricks-sql-go/logger"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Register adds the `databricks` and `spark` adapter types to a registry.
func Register(r *adapter.Registry) {
	open := func(ctx context.Context, cfg adapter.Config) (adapter.Adapter, error) { return Open(ctx, cfg) }
	dialect := func(cfg adapter.Config) (adapter.Dialect, error) { return NewDialect(cfg) }
	r.Register(TypeDatabricks, open, dialect)
	r.Register(TypeSpark, open, dialect)
}

// Dialect spells Databricks / Spark SQL names: backtick quoting and
// `catalog`.`schema`.`identifier` (the target's catalog when a relation has
// none; `schema`.`identifier` when the target has no catalog either).
type Dialect struct {
	typ     string
	catalog string
}

// NewDialect returns the dialect of a target without connecting.
func NewDialect(cfg adapter.Config) (Dialect, error) {
	switch cfg.Type {
	case TypeDatabricks, TypeSpark:
	default:
		return Dialect{}, fmt.Errorf("target %q: type %q is not databricks or spark", cfg.Name, cfg.Type)
	}
	d := Dialect{typ: cfg.Type}
	for _, k := range []string{"catalog", "database"} {
		if v, ok := cfg.Fields[k].(string); ok && strings.TrimSpace(v) != "" {
			d.catalog = strings.TrimSpace(v)
			break
		}
	}
	return d, nil
}

// Type implements adapter.Dialect.
func (d Dialect) Type() string { return d.typ }

// DispatchOrder implements adapter.Dialect: spark falls back to the
// databricks macros, then the default ones.
func (d Dialect) DispatchOrder() []string {
	if d.typ == TypeSpark {
		return []string{"spark", "databricks", "default"}
	}
	return []string{"databricks", "default"}
}

// QuoteIdent implements adapter.Dialect: backticks, doubled inside.
func (Dialect) QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// RelationName implements adapter.Dialect.
func (d Dialect) RelationName(r adapter.Relation) string {
	parts := make([]string, 0, 3)
	if db := d.catalogOf(r.Database); db != "" {
		parts = append(parts, d.QuoteIdent(db))
	}
	if r.Schema != "" {
		parts = append(parts, d.QuoteIdent(r.Schema))
	}
	parts = append(parts, d.QuoteIdent(r.Identifier))
	return strings.Join(parts, ".")
}

func (d Dialect) catalogOf(database string) string {
	if database != "" {
		return database
	}
	return d.catalog
}

// schemaName renders `catalog`.`schema` or `schema`.
func (d Dialect) schemaName(database, schema string) string {
	if db := d.catalogOf(database); db != "" {
		return d.QuoteIdent(db) + "." + d.QuoteIdent(schema)
	}
	return d.QuoteIdent(schema)
}

// Adapter is a connection pool to a Databricks SQL warehouse or a Spark
// Thrift server.
type Adapter struct {
	Dialect
	s     Settings
	db    *sql.DB
	stmts atomic.Int64
	// loadBatchBytes caps the VALUES text of one LoadTable statement
	// (0: maxStatementBytes).
	loadBatchBytes int
}

// Open connects to the target's warehouse and checks the connection with
// one round trip. A wrong host, port, http_path or credential gives one
// line naming the profile field to change.
func Open(ctx context.Context, cfg adapter.Config) (*Adapter, error) {
	s, err := ParseSettings(cfg)
	if err != nil {
		return nil, err
	}
	d, err := NewDialect(cfg)
	if err != nil {
		return nil, err
	}
	d.catalog = s.Catalog
	if os.Getenv("DATABRICKS_LOG_LEVEL") == "" {
		// The driver logs every failed statement to stderr as JSON; the
		// adapter returns the same failure as an error, so the driver's
		// log is off unless DATABRICKS_LOG_LEVEL asks for it.
		_ = logger.SetLogLevel("disabled")
	}
	opts := []dbsql.ConnOption{
		dbsql.WithServerHostname(s.Scheme + "://" + s.Host),
		dbsql.WithPort(s.Port),
		dbsql.WithHTTPPath(s.HTTPPath),
		dbsql.WithMaxRows(s.MaxRows),
		dbsql.WithTimeout(s.QueryTimeout),
		dbsql.WithRetries(s.Retries, s.RetryWaitMin, s.RetryWaitMax),
		dbsql.WithUserAgentEntry("techstore"),
	}
	base := baseTransport(s.ConnectTimeout)
	if s.Type == TypeSpark {
		opts = append(opts,
			dbsql.WithAuthenticator(&noop.NoopAuth{}),
			dbsql.WithTransport(&SparkTransport{Base: base, User: s.User, Password: s.Password}),
			dbsql.WithCloudFetch(false),
		)
	} else {
		opts = append(opts, dbsql.WithTransport(base),
			dbsql.WithSessionParams(map[string]string{"ansi_mode": "true", "timezone": "UTC"}))
		if s.Catalog != "" {
			opts = append(opts, dbsql.WithInitialNamespace(s.Catalog, s.Schema))
		}
		if s.ClientID != "" {
			opts = append(opts, dbsql.WithClientCredentials(s.ClientID, s.ClientSecret))
		} else {
			opts = append(opts, dbsql.WithAccessToken(s.Token))
		}
	}
	conn, err := dbsql.NewConnector(opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	db := sql.OpenDB(conn)
	threads := s.Threads
	if threads <= 0 {
		threads = 4
	}
	db.SetMaxOpenConns(threads + 1)
	db.SetMaxIdleConns(threads + 1)
	db.SetConnMaxIdleTime(10 * time.Minute)
	a := &Adapter{Dialect: d, s: s, db: db}
	pctx, cancel := context.WithTimeout(ctx, s.ConnectTimeout+time.Duration(s.Retries+1)*s.RetryWaitMax)
	defer cancel()
	if err := a.ping(pctx); err != nil {
		_ = db.Close()
		return nil, connectError(s, err)
	}
	return a, nil
}

// ping opens a session and runs SELECT 1.
func (a *Adapter) ping(ctx context.Context) error {
	a.stmts.Add(1)
	var one int
	return a.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Settings returns the checked profile settings (print with String, which
// leaves secrets out).
func (a *Adapter) Settings() Settings { return a.s }

// Statements returns how many statements this adapter has sent.
func (a *Adapter) Statements() int64 { return a.stmts.Load() }

// DB returns the connection pool.
func (a *Adapter) DB() *sql.DB { return a.db }

// Close implements adapter.Adapter.
func (a *Adapter) Close() error { return a.db.Close() }

// Exec implements adapter.Adapter. A statement whose connection could not
// be opened is retried (profile field retries, with backoff); one that may
// have reached the warehouse is not, since it may not be safe to repeat.
func (a *Adapter) Exec(ctx context.Context, q string) (adapter.Result, error) {
	return a.execRetry(ctx, q, false)
}

// execIdem runs a statement that is safe to repeat (CREATE OR REPLACE,
// MERGE on a key, DROP IF EXISTS, ...): it is retried on any lost
// connection.
func (a *Adapter) execIdem(ctx context.Context, q string) (adapter.Result, error) {
	return a.execRetry(ctx, q, true)
}

func (a *Adapter) execRetry(ctx context.Context, q string, idempotent bool) (adapter.Result, error) {
	var res adapter.Result
	err := a.retry(ctx, idempotent, func() error {
		var err error
		res, err = a.exec(ctx, a.db, q)
		return err
	})
	return res, err
}

// retry runs f until it succeeds, fails with something other than a lost
// connection, or has been tried 1 + Settings.Retries times. A lost
// connection is retried only when the statement never left (dial errors)
// or when it is idempotent. The final error carries the attempt count.
func (a *Adapter) retry(ctx context.Context, idempotent bool, f func() error) error {
	wait := a.s.RetryWaitMin
	for attempt := 1; ; attempt++ {
		err := f()
		var ce *ConnectionError
		if err != nil && idempotent && isDeltaConflict(err) && attempt <= a.s.Retries {
			// A concurrent commit won (e.g. the same statement, still running
			// on the server after its connection was lost): Delta asks to
			// try again.
			select {
			case <-ctx.Done():
				return err
			case <-time.After(wait):
			}
			continue
		}
		if err == nil || !errors.As(err, &ce) {
			return err
		}
		if attempt > ce.Attempts {
			ce.Attempts = attempt
		}
		msg := ce.Err.Error()
		neverSent := strings.Contains(msg, "dial tcp") || strings.Contains(msg, "connection refused")
		if attempt > a.s.Retries || !(idempotent || neverSent) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		if wait *= 2; wait > a.s.RetryWaitMax {
			wait = a.s.RetryWaitMax
		}
	}
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (a *Adapter) exec(ctx context.Context, e execer, q string) (adapter.Result, error) {
	a.stmts.Add(1)
	res, err := e.ExecContext(ctx, q)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, a.stmtError(err)
	}
	n, nerr := res.RowsAffected()
	if nerr != nil {
		n = -1
	}
	return adapter.Result{RowsAffected: n, Message: "OK"}, nil
}

// Query implements adapter.Adapter, for statements without side effects
// (it is retried on a lost connection). On Spark, whose protocol has no
// bound parameters, `?` placeholders are replaced by SQL literals of args.
func (a *Adapter) Query(ctx context.Context, q string, args ...any) ([]string, [][]any, error) {
	var cols []string
	var rows [][]any
	err := a.retry(ctx, true, func() error {
		var err error
		cols, rows, err = a.query(ctx, a.db, q, args...)
		return err
	})
	return cols, rows, err
}

func (a *Adapter) query(ctx context.Context, e execer, q string, args ...any) ([]string, [][]any, error) {
	if len(args) > 0 && a.s.Type == TypeSpark {
		var err error
		if q, err = inlineArgs(q, args); err != nil {
			return nil, nil, err
		}
		args = nil
	}
	a.stmts.Add(1)
	rows, err := e.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, a.stmtError(err)
	}
	defer rows.Close()
	cols, out, err := adapter.ScanRows(rows)
	if err != nil {
		return nil, nil, a.stmtError(err)
	}
	return cols, out, nil
}

// inlineArgs replaces each `?` outside quotes and comments with the SQL
// literal of the next argument.
func inlineArgs(q string, args []any) (string, error) {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			b.WriteByte(c)
			if c == '\\' && quote != '`' && i+1 < len(q) {
				i++
				b.WriteByte(q[i])
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
			b.WriteByte(c)
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				end = len(q) - i
			}
			b.WriteString(q[i : i+end])
			i += end - 1
		case c == '?':
			if n >= len(args) {
				return "", fmt.Errorf("query has more ? placeholders than the %d arguments given", len(args))
			}
			lit, err := Literal(args[n])
			if err != nil {
				return "", fmt.Errorf("argument %d: %w", n+1, err)
			}
			b.WriteString(lit)
			n++
		default:
			b.WriteByte(c)
		}
	}
	if n != len(args) {
		return "", fmt.Errorf("query has %d ? placeholders but %d arguments were given", n, len(args))
	}
	return b.String(), nil
}

// Literal renders a Go value as a Spark SQL literal. Strings use Spark's
// backslash escapes; times render as TIMESTAMP literals in UTC.
func Literal(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case string:
		return quoteString(v), nil
	case []byte:
		return quoteString(string(v)), nil
	case bool:
		if v {
			return "TRUE", nil
		}
		return "FALSE", nil
	case int:
		return strconv.Itoa(v), nil
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case *big.Rat:
		return v.FloatString(18), nil
	case time.Time:
		return "TIMESTAMP '" + v.UTC().Format("2006-01-02 15:04:05.999999") + "'", nil
	case fmt.Stringer:
		return quoteString(v.String()), nil
	}
	return "", fmt.Errorf("no SQL literal for a %T", v)
}

// quoteString quotes s as a Spark string literal (backslash is an escape
// character in Spark SQL).
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return "'" + r.Replace(s) + "'"
}

// CreateSchema implements adapter.Adapter.
func (a *Adapter) CreateSchema(ctx context.Context, database, schema string) error {
	if _, err := a.execIdem(ctx, "CREATE SCHEMA IF NOT EXISTS "+a.schemaName(database, schema)); err != nil {
		return fmt.Errorf("create schema %s: %w", a.schemaName(database, schema), err)
	}
	return nil
}

// stmtError makes a driver error readable: Spark's or Databricks' message
// first, and for a lost connection the retry count and the profile fields.
func (a *Adapter) stmtError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	if isConnectionLoss(msg) {
		return &ConnectionError{Settings: a.s, Attempts: attemptsOf(msg, 1), Err: err}
	}
	return &SQLError{Message: cleanMessage(msg), Err: err}
}

// SQLError is a statement the warehouse rejected; Message is the
// warehouse's text.
type SQLError struct {
	Message string
	Err     error
}

func (e *SQLError) Error() string { return e.Message }
func (e *SQLError) Unwrap() error { return e.Err }

// ConnectionError is a statement that failed because the warehouse did not
// answer, after the driver's retries.
type ConnectionError struct {
	Settings Settings
	Attempts int
	Err      error
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("warehouse %s://%s:%d%s stopped answering: gave up after %d attempts (%d retries, profile field `retries`): %s",
		e.Settings.Scheme, e.Settings.Host, e.Settings.Port, e.Settings.HTTPPath, e.Attempts, e.Attempts-1, rootCause(e.Err.Error()))
}
func (e *ConnectionError) Unwrap() error { return e.Err }

// isDeltaConflict reports Delta's optimistic-concurrency failures, which
// ask the writer to try again.
func isDeltaConflict(err error) bool {
	var se *SQLError
	if !errors.As(err, &se) {
		return false
	}
	for _, s := range []string{"DELTA_METADATA_CHANGED", "DELTA_CONCURRENT_", "ConcurrentAppendException", "ConcurrentDeleteReadException",
		"ConcurrentDeleteDeleteException", "ConcurrentTransactionException", "MetadataChangedException", "ProtocolChangedException"} {
		if strings.Contains(se.Message, s) {
			return true
		}
	}
	return false
}

func isConnectionLoss(msg string) bool {
	for _, s := range []string{"connection refused", "connection reset", "broken pipe", "EOF", "no such host", "i/o timeout",
		"attempt(s)", "unexpected HTTP status 5", "server misbehaving", "Invalid SessionHandle", "Invalid OperationHandle"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// attemptsOf reads "after N attempt(s)" from a driver message.
func attemptsOf(msg string, def int) int {
	i := strings.Index(msg, " attempt(s)")
	if i < 0 {
		return def
	}
	j := strings.LastIndexByte(msg[:i], ' ')
	if n, err := strconv.Atoi(msg[j+1 : i]); err == nil {
		return n
	}
	return def
}

// rootCause returns the last clause of a driver error chain, the part that
// says what happened ("dial tcp 127.0.0.1:10001: connect: connection refused").
func rootCause(msg string) string {
	if i := strings.Index(msg, "dial tcp"); i >= 0 {
		return msg[i:]
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// cleanMessage strips the driver's prefixes ("databricks: execution error:
// failed to execute query: unexpected operation state ERROR_STATE: "), the
// Java exception names, stack trace and logical plan, so the warehouse's
// own message leads.
func cleanMessage(msg string) string {
	for _, p := range []string{"unexpected operation state ERROR_STATE: ", "failed to execute query: ", "databricks: execution error: ", "databricks: request error: ", "databricks: driver error: ", "Error running query: "} {
		if i := strings.LastIndex(msg, p); i >= 0 {
			msg = msg[i+len(p):]
		}
	}
	for _, cut := range []string{"\n\tat ", "\nCaused by: ", "\n\t... "} {
		if i := strings.Index(msg, cut); i >= 0 {
			msg = msg[:i]
		}
	}
	msg = javaException.ReplaceAllString(msg, "")
	// "[TABLE_OR_VIEW_NOT_FOUND] [TABLE_OR_VIEW_NOT_FOUND] The table ..."
	if m := errorClass.FindString(msg); m != "" {
		if rest := strings.TrimLeft(msg[len(m):], " \n"); strings.HasPrefix(rest, strings.TrimSpace(m)) {
			msg = rest
		}
	}
	// Spark appends the logical plan after "; line N pos M;" or ";\n".
	if loc := sqlPosition.FindStringIndex(msg); loc != nil {
		msg = msg[:loc[1]]
	} else if i := strings.Index(msg, ";\n"); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

var (
	javaException = regexp.MustCompile(`(?:[a-z][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): `)
	errorClass    = regexp.MustCompile(`^\[[A-Z0-9_.]+\]\s`)
	sqlPosition   = regexp.MustCompile(`; line \d+ pos \d+;?`)
)

// httpStatus picks "HTTP 404 Not Found" out of a driver message.
func httpStatus(msg string) string {
	if i := strings.Index(msg, "unexpected HTTP status "); i >= 0 {
		return "HTTP " + strings.TrimSpace(msg[i+len("unexpected HTTP status "):])
	}
	return "no SQL endpoint"
}

// connectError explains a failed first connection by the profile field to
// change.
func connectError(s Settings, err error) error {
	msg := err.Error()
	where := fmt.Sprintf("%s://%s:%d", s.Scheme, s.Host, s.Port)
	cred := "`token`"
	if s.Type == TypeSpark {
		cred = "`user` and `password`"
	} else if s.ClientID != "" {
		cred = "`client_id` and `client_secret`"
	}
	var field, why string
	switch {
	case strings.Contains(msg, "no such host"), strings.Contains(msg, "server misbehaving"):
		field, why = "host", fmt.Sprintf("cannot resolve host %q", s.Host)
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "i/o timeout"), strings.Contains(msg, "no route to host"), strings.Contains(msg, "network is unreachable"):
		field, why = "host` / `port", fmt.Sprintf("nothing answers at %s (%s)", where, rootCause(msg))
	case strings.Contains(msg, "401"), strings.Contains(msg, "403"), strings.Contains(msg, "Unauthorized"), strings.Contains(msg, "Forbidden"), strings.Contains(msg, "invalid_client"):
		field, why = strings.Trim(cred, "`"), "the server rejected the credentials (HTTP 401/403); check "+cred
	case strings.Contains(msg, "HTTP status 404"), strings.Contains(msg, "HTTP status 405"), strings.Contains(msg, "Not Found"):
		field, why = "http_path", fmt.Sprintf("%s has no SQL endpoint at http_path %q (%s)", where, s.HTTPPath, httpStatus(msg))
	case strings.Contains(msg, "tls:"), strings.Contains(msg, "x509"), strings.Contains(msg, "malformed HTTP response"):
		field, why = "host` / `use_ssl", fmt.Sprintf("TLS handshake with %s failed (%s)", where, rootCause(msg))
	case errors.Is(err, context.DeadlineExceeded):
		field, why = "host` / `connect_timeout", fmt.Sprintf("no session from %s within the connect timeout %s", where, s.ConnectTimeout)
	default:
		return fmt.Errorf("connect to %s (target %q): %w", where+s.HTTPPath, s.Target, err)
	}
	return fmt.Errorf("connect to %s (target %q): profile field `%s`: %s", where+s.HTTPPath, s.Target, field, why)
}
