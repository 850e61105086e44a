package duckdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	duckdbdrv "github.com/duckdb/duckdb-go/v2"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Type is the adapter type name in profiles.yml.
const Type = "duckdb"

// TmpMarker is part of every temporary relation name this adapter creates;
// Open drops leftovers carrying it (from a killed run) before anything else.
const TmpMarker = "__tmp_"

// Register adds the DuckDB adapter to a registry.
func Register(r *adapter.Registry) {
	r.Register(Type, func(ctx context.Context, cfg adapter.Config) (adapter.Adapter, error) {
		return Open(ctx, cfg)
	}, func(cfg adapter.Config) (adapter.Dialect, error) { return DialectFor(cfg), nil })
}

// Dialect spells DuckDB relation names; it needs no connection.
type Dialect struct {
	// Catalog is the database's catalog name (the file name without its
	// extension: warehouse/techstore.duckdb is "techstore"). A schema of
	// the same name would be ambiguous in DuckDB, so relations in it are
	// written with the catalog first.
	Catalog string
}

// DialectFor returns the dialect of a target.
func DialectFor(cfg adapter.Config) Dialect {
	p, _ := cfg.Fields["path"].(string)
	return Dialect{Catalog: catalogName(p)}
}

func catalogName(path string) string {
	if path == "" || path == ":memory:" {
		return "memory"
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Type implements adapter.Dialect.
func (Dialect) Type() string { return Type }

// DispatchOrder implements adapter.Dialect.
func (Dialect) DispatchOrder() []string { return []string{"duckdb", "default"} }

// QuoteIdent implements adapter.Dialect: double quotes, doubled inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// RelationName implements adapter.Dialect: "schema"."identifier", with the
// catalog first when set.
func (d Dialect) RelationName(r adapter.Relation) string {
	parts := make([]string, 0, 3)
	switch {
	case r.Database != "":
		parts = append(parts, d.QuoteIdent(r.Database))
	case d.Catalog != "" && strings.EqualFold(r.Schema, d.Catalog):
		parts = append(parts, d.QuoteIdent(d.Catalog))
	}
	if r.Schema != "" {
		parts = append(parts, d.QuoteIdent(r.Schema))
	}
	parts = append(parts, d.QuoteIdent(r.Identifier))
	return strings.Join(parts, ".")
}

// Adapter is an open DuckDB database file.
type Adapter struct {
	Dialect
	db   *sql.DB
	path string
	// schemas known to exist ("catalog\x00schema"), so that building a
	// model does not issue CREATE SCHEMA each time. Exec forgets them: an
	// arbitrary statement may drop a schema.
	schemas sync.Map
}

// LockedError reports a database file held by another process.
type LockedError struct {
	Path string
	PID  string // empty when DuckDB did not say
	Err  error
}

func (e *LockedError) Error() string {
	pid := "pid unknown"
	if e.PID != "" {
		pid = "pid " + e.PID
	}
	return fmt.Sprintf("warehouse file %s is in use by another process (%s) — stop `techstore serve` or the other run, then retry", e.Path, pid)
}

func (e *LockedError) Unwrap() error { return e.Err }

// WaitLock runs open until it succeeds or fails for another reason than
// the file's lock being held by another process, retrying every 100 ms
// for up to wait: `techstore serve` holds the file for ~0.1 s each time
// it reloads after a run. When the lock is still held after wait, the
// error is a *LockedError naming path and, when DuckDB says, the process.
func WaitLock(ctx context.Context, path string, wait time.Duration, open func() error) error {
	deadline := time.Now().Add(wait)
	for {
		err := open()
		if err == nil {
			return nil
		}
		msg := err.Error()
		if !strings.Contains(msg, "Could not set lock") && !strings.Contains(msg, "Conflicting lock") {
			return err
		}
		if time.Now().After(deadline) {
			le := &LockedError{Path: path, Err: err}
			if m := lockPIDRe.FindStringSubmatch(msg); m != nil {
				le.PID = m[1]
			}
			return le
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("open warehouse file %s: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var lockPIDRe = regexp.MustCompile(`(?i)\(PID (\d+)\)`)

// Options tune Open beyond the profile.
type Options struct {
	// LockWait is how long to keep retrying while the file is locked by
	// another process (default 2s).
	LockWait time.Duration
	// ReadOnly opens the file read-only (no leftover clean-up).
	ReadOnly bool
}

// Open opens (creating when missing) the database file named by the
// profile's `path` (":memory:" for an in-memory database). A relative path
// is taken relative to the profile field `project_dir` when set, else to
// the working directory. Leftover temporary relations of a killed run are
// dropped, so a process should open a warehouse once and share the
// Adapter. The field `read_only: true` opens the file read-only (it must
// exist); `settings:` holds DuckDB options set on every connection.
func Open(ctx context.Context, cfg adapter.Config) (*Adapter, error) {
	return OpenWith(ctx, cfg, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, cfg adapter.Config, opt Options) (*Adapter, error) {
	path, err := dbPath(cfg)
	if err != nil {
		return nil, err
	}
	if opt.LockWait == 0 {
		opt.LockWait = 2 * time.Second
	}
	if ro, _ := cfg.Fields["read_only"].(bool); ro {
		opt.ReadOnly = true
	}
	if opt.ReadOnly && path != ":memory:" {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("target %q: warehouse file %s does not exist yet; run `techstore ingest` and `techstore build` first", cfg.Name, path)
		}
	}
	dsn := path
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("target %q: create warehouse folder: %w", cfg.Name, err)
		}
		if opt.ReadOnly {
			dsn += "?access_mode=read_only"
		}
	} else {
		dsn = ""
	}
	settings, err := settingsSQL(cfg)
	if err != nil {
		return nil, err
	}
	var initConn func(driver.ExecerContext) error
	if len(settings) > 0 {
		initConn = func(ex driver.ExecerContext) error {
			for _, q := range settings {
				if _, err := ex.ExecContext(context.Background(), q, nil); err != nil {
					return fmt.Errorf("target %q: %s: %w", cfg.Name, q, err)
				}
			}
			return nil
		}
	}
	var conn *duckdbdrv.Connector
	err = WaitLock(ctx, path, opt.LockWait, func() (err error) {
		conn, err = duckdbdrv.NewConnector(dsn, initConn)
		return err
	})
	var le *LockedError
	switch {
	case errors.As(err, &le):
		return nil, le
	case err != nil && ctx.Err() != nil:
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("open warehouse file %s: %w", path, err)
	}
	a := &Adapter{Dialect: Dialect{Catalog: catalogName(path)}, db: sql.OpenDB(conn), path: path}
	if !opt.ReadOnly {
		if err := a.dropLeftovers(ctx); err != nil {
			_ = a.db.Close()
			return nil, err
		}
	}
	return a, nil
}

var settingNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// settingsSQL turns the profile's `settings:` mapping (DuckDB options such
// as threads or memory_limit) into SET statements run on every connection.
func settingsSQL(cfg adapter.Config) ([]string, error) {
	raw, ok := cfg.Fields["settings"]
	if !ok || raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("target %q: `settings:` must be a mapping of DuckDB options, e.g. {threads: 2, memory_limit: 2GB}", cfg.Name)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !settingNameRe.MatchString(k) {
			return nil, fmt.Errorf("target %q: settings key %q is not a DuckDB option name", cfg.Name, k)
		}
		v := fmt.Sprint(m[k])
		out = append(out, "SET "+k+" = '"+strings.ReplaceAll(v, "'", "''")+"'")
	}
	return out, nil
}

func dbPath(cfg adapter.Config) (string, error) {
	p, _ := cfg.Fields["path"].(string)
	if p == "" {
		return "", fmt.Errorf("target %q: duckdb output needs `path:` (e.g. path: warehouse/techstore.duckdb)", cfg.Name)
	}
	if p == ":memory:" || filepath.IsAbs(p) {
		return p, nil
	}
	if dir, _ := cfg.Fields["project_dir"].(string); dir != "" {
		p = filepath.Join(dir, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("target %q: warehouse path %q: %w", cfg.Name, p, err)
	}
	return abs, nil
}

// Path is the database file (":memory:" for in-memory).
func (a *Adapter) Path() string { return a.path }

// DB exposes the database handle for bulk loaders (ingest) in this process.
func (a *Adapter) DB() *sql.DB { return a.db }

// Close implements adapter.Adapter.
func (a *Adapter) Close() error { return a.db.Close() }

// dropLeftovers removes temporary relations a killed run left behind.
func (a *Adapter) dropLeftovers(ctx context.Context) error {
	rows, err := a.db.QueryContext(ctx, `SELECT table_schema, table_name, table_type FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_name LIKE '%' || ? || '%'`, TmpMarker)
	if err != nil {
		return fmt.Errorf("look for leftover temporary tables: %w", err)
	}
	var drops []string
	for rows.Next() {
		var s, n, k string
		if err := rows.Scan(&s, &n, &k); err != nil {
			_ = rows.Close()
			return fmt.Errorf("look for leftover temporary tables: %w", err)
		}
		kind := "TABLE"
		if strings.Contains(k, "VIEW") {
			kind = "VIEW"
		}
		drops = append(drops, fmt.Sprintf("DROP %s IF EXISTS %s", kind, a.RelationName(adapter.Relation{Schema: s, Identifier: n})))
	}
	_ = rows.Close()
	for _, d := range drops {
		if _, err := a.db.ExecContext(ctx, d); err != nil {
			return fmt.Errorf("drop leftover temporary relation: %w", err)
		}
	}
	return nil
}

// Exec implements adapter.Adapter. Several statements separated by
// semicolons are allowed.
func (a *Adapter) Exec(ctx context.Context, q string) (adapter.Result, error) {
	a.schemas.Clear()
	res, err := a.db.ExecContext(ctx, q)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		n = -1
	}
	return adapter.Result{RowsAffected: n, Message: "OK"}, nil
}

// Query implements adapter.Adapter.
func (a *Adapter) Query(ctx context.Context, q string, args ...any) ([]string, [][]any, error) {
	rows, err := a.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, cleanErr(err)
	}
	defer rows.Close()
	cols, out, err := adapter.ScanRows(rows)
	if err != nil {
		return nil, nil, cleanErr(err)
	}
	return cols, out, nil
}

// cleanErr keeps DuckDB's message and drops nothing; it exists so context
// cancellation reads as such.
func cleanErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if strings.Contains(err.Error(), "INTERRUPT") || strings.Contains(err.Error(), "Interrupted") {
		return fmt.Errorf("query interrupted: %w", context.Canceled)
	}
	return err
}

// ListRelations implements adapter.Adapter with one query on
// information_schema.
func (a *Adapter) ListRelations(ctx context.Context, database, schema string) (map[string]adapter.RelationInfo, error) {
	catalog := "current_database()"
	args := []any{schema}
	if database != "" {
		catalog = "?"
		args = []any{database, schema}
	}
	q := `SELECT t.table_name, t.table_type, c.column_name, c.data_type
		FROM information_schema.tables t
		LEFT JOIN information_schema.columns c
		  ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
		WHERE t.table_catalog = ` + catalog + ` AND t.table_schema = ?
		ORDER BY t.table_name, c.ordinal_position`
	rows, err := a.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list relations of schema %s: %w", schema, cleanErr(err))
	}
	defer rows.Close()
	var out map[string]adapter.RelationInfo
	for rows.Next() {
		var name, typ string
		var col, dt sql.NullString
		if err := rows.Scan(&name, &typ, &col, &dt); err != nil {
			return nil, fmt.Errorf("list relations of schema %s: %w", schema, err)
		}
		if out == nil {
			out = map[string]adapter.RelationInfo{}
		}
		ri, ok := out[name]
		if !ok {
			kind := "table"
			if strings.Contains(typ, "VIEW") {
				kind = "view"
			}
			ri.Relation = adapter.Relation{Database: database, Schema: schema, Identifier: name, Kind: kind}
		}
		if col.Valid {
			ri.Columns = append(ri.Columns, adapter.Column{Name: col.String, DataType: dt.String})
		}
		out[name] = ri
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list relations of schema %s: %w", schema, err)
	}
	return out, nil
}

// CreateSchema implements adapter.Adapter.
func (a *Adapter) CreateSchema(ctx context.Context, database, schema string) error {
	key := database + "\x00" + schema
	if _, ok := a.schemas.Load(key); ok {
		return nil
	}
	name := a.QuoteIdent(schema)
	if database != "" {
		name = a.QuoteIdent(database) + "." + name
	}
	err := retryConflict(ctx, func() error {
		_, err := a.db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+name)
		return err
	})
	if err != nil {
		return fmt.Errorf("create schema %s: %w", schema, cleanErr(err))
	}
	a.schemas.Store(key, true)
	return nil
}

// retryConflict retries f while DuckDB reports a catalog write-write
// conflict: two threads changing the catalog at once (both creating the
// same schema, say). The loser's transaction is rolled back whole, so
// trying again is safe.
func retryConflict(ctx context.Context, f func() error) error {
	var err error
	for attempt := 1; attempt <= 20; attempt++ {
		if err = f(); err == nil || !isConflict(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*5) * time.Millisecond):
		}
	}
	return err
}

func isConflict(err error) bool {
	m := err.Error()
	return strings.Contains(m, "write-write conflict") || strings.Contains(m, "Transaction conflict")
}

// relationKind returns "table", "view" or "" when the relation is missing.
func (a *Adapter) relationKind(ctx context.Context, q querier, r adapter.Relation) (string, error) {
	catalog := "current_database()"
	args := []any{r.Schema, r.Identifier}
	if r.Database != "" {
		catalog = "?"
		args = []any{r.Database, r.Schema, r.Identifier}
	}
	var typ string
	err := q.QueryRowContext(ctx, `SELECT table_type FROM information_schema.tables
		WHERE table_catalog = `+catalog+` AND table_schema = ? AND table_name = ?`, args...).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up %s: %w", a.RelationName(r), cleanErr(err))
	}
	if strings.Contains(typ, "VIEW") {
		return "view", nil
	}
	return "table", nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func tmpName(id string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return id + TmpMarker + hex.EncodeToString(b[:])
}

// Materialize implements adapter.Adapter.
func (a *Adapter) Materialize(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	if m.Relation.Identifier == "" {
		return adapter.Result{RowsAffected: -1}, errors.New("materialize: empty relation identifier")
	}
	if m.Relation.Schema != "" {
		if err := a.CreateSchema(ctx, m.Relation.Database, m.Relation.Schema); err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
	}
	switch m.Kind {
	case "view":
		return a.buildView(ctx, m)
	case "table", "seed", "":
		return a.buildTable(ctx, m.Relation, m.SQL)
	case "incremental":
		return a.buildIncremental(ctx, m)
	default:
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("materialize %s: unsupported materialization %q on duckdb (use view, table or incremental)", a.RelationName(m.Relation), m.Kind)
	}
}

func (a *Adapter) buildView(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	var res adapter.Result
	err := retryConflict(ctx, func() error {
		var err error
		res, err = a.buildViewOnce(ctx, m)
		return err
	})
	return res, err
}

func (a *Adapter) buildViewOnce(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	name := a.RelationName(m.Relation)
	create := "CREATE OR REPLACE VIEW " + name + " AS\n" + m.SQL
	_, err := a.db.ExecContext(ctx, create)
	if err != nil && strings.Contains(err.Error(), "is of type Table") {
		// A table of that name: replace it with the view in one transaction.
		err = a.inTx(ctx, "DROP TABLE "+name, create)
	}
	if err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	return adapter.Result{RowsAffected: -1, Message: "CREATE VIEW"}, nil
}

// inTx runs statements in one transaction.
func (a *Adapter) inTx(ctx context.Context, stmts ...string) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// buildTable creates the new table under a temporary name, then drops the
// old relation and renames the new one in one transaction.
func (a *Adapter) buildTable(ctx context.Context, r adapter.Relation, selectSQL string) (adapter.Result, error) {
	tmp := r
	tmp.Identifier = tmpName(r.Identifier)
	tmpName := a.RelationName(tmp)
	if _, err := a.db.ExecContext(ctx, "CREATE TABLE "+tmpName+" AS\n"+selectSQL); err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	var n int64
	err := retryConflict(ctx, func() error {
		var err error
		n, err = a.swap(ctx, r, tmp)
		return err
	})
	if err != nil {
		// Best effort with a fresh context: the caller's may be cancelled.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = a.db.ExecContext(dctx, "DROP TABLE IF EXISTS "+tmpName)
		return adapter.Result{RowsAffected: -1}, err
	}
	return adapter.Result{RowsAffected: n, Message: fmt.Sprintf("CREATE TABLE (%d rows)", n)}, nil
}

// swap drops r (table or view) and renames tmp to r in one transaction.
func (a *Adapter) swap(ctx context.Context, r, tmp adapter.Relation) (int64, error) {
	var n int64
	if err := a.db.QueryRowContext(ctx, "SELECT count(*) FROM "+a.RelationName(tmp)).Scan(&n); err != nil {
		return 0, cleanErr(err)
	}
	rename := "ALTER TABLE " + a.RelationName(tmp) + " RENAME TO " + a.QuoteIdent(r.Identifier)
	err := a.inTx(ctx, "DROP TABLE IF EXISTS "+a.RelationName(r), rename)
	if err != nil && strings.Contains(err.Error(), "is of type View") {
		err = a.inTx(ctx, "DROP VIEW "+a.RelationName(r), rename)
	}
	if err != nil {
		return 0, cleanErr(err)
	}
	return n, nil
}

func (a *Adapter) buildIncremental(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	kind, err := a.relationKind(ctx, a.db, m.Relation)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	if m.FullRefresh || kind != "table" {
		return a.buildTable(ctx, m.Relation, m.SQL)
	}
	strategy := m.IncrementalStrategy
	if strategy == "" {
		strategy = "merge"
		if len(m.UniqueKey) == 0 {
			strategy = "append"
		}
	}
	target := a.RelationName(m.Relation)
	switch strategy {
	case "append", "merge", "delete+insert":
	default:
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: strategy %q is not supported on duckdb (use append, merge or delete+insert)", target, strategy)
	}
	if strategy != "append" && len(m.UniqueKey) == 0 {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: strategy %s needs config unique_key", target, strategy)
	}
	// The ALTERs on_schema_change asks for run in the transaction that
	// adds the rows, so a failure leaves the table as it was.
	alters, sel, err := a.schemaChanges(ctx, m)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	if strategy == "append" {
		n, err := a.execInTx(ctx, target, append(alters, "INSERT INTO "+target+" BY NAME\n"+sel))
		if err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
		return adapter.Result{RowsAffected: n, Message: fmt.Sprintf("INSERT %d", n)}, nil
	}
	// Stage the new rows in a temporary table of this connection, then
	// apply them in one transaction.
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	defer conn.Close()
	stage := a.QuoteIdent(tmpName(m.Relation.Identifier))
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+stage+" AS\n"+sel); err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(dctx, "DROP TABLE IF EXISTS temp.main."+stage)
	}()
	keys := make([]string, len(m.UniqueKey))
	on := make([]string, len(m.UniqueKey))
	for i, k := range m.UniqueKey {
		keys[i] = a.QuoteIdent(k)
		on[i] = "t." + keys[i] + " = s." + keys[i]
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range alters {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: on_schema_change: %s: %w", target, q, cleanErr(err))
		}
	}
	var n int64
	if strategy == "merge" {
		cols, err := stageColumns(ctx, tx, "temp.main."+stage)
		if err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
		isKey := map[string]bool{}
		for _, k := range m.UniqueKey {
			isKey[strings.ToLower(k)] = true
		}
		var sets, names, vals []string
		for _, c := range cols {
			q := a.QuoteIdent(c)
			names = append(names, q)
			vals = append(vals, "s."+q)
			if !isKey[strings.ToLower(c)] {
				sets = append(sets, q+" = s."+q)
			}
		}
		matched := ""
		if len(sets) > 0 {
			matched = " WHEN MATCHED THEN UPDATE SET " + strings.Join(sets, ", ")
		}
		// Columns are matched by name, as dbt does, not by position.
		res, err := tx.ExecContext(ctx, "MERGE INTO "+target+" AS t USING temp.main."+stage+" AS s ON ("+strings.Join(on, " AND ")+")"+
			matched+" WHEN NOT MATCHED THEN INSERT ("+strings.Join(names, ", ")+") VALUES ("+strings.Join(vals, ", ")+")")
		if err != nil {
			return adapter.Result{RowsAffected: -1}, cleanErr(err)
		}
		n, _ = res.RowsAffected()
	} else {
		kl := strings.Join(keys, ", ")
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+target+" WHERE ("+kl+") IN (SELECT ("+kl+") FROM temp.main."+stage+")"); err != nil {
			return adapter.Result{RowsAffected: -1}, cleanErr(err)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO "+target+" BY NAME SELECT * FROM temp.main."+stage)
		if err != nil {
			return adapter.Result{RowsAffected: -1}, cleanErr(err)
		}
		n, _ = res.RowsAffected()
	}
	if err := tx.Commit(); err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	return adapter.Result{RowsAffected: n, Message: fmt.Sprintf("%s %d", strings.ToUpper(strategy), n)}, nil
}

// schemaChanges compares an incremental model's SELECT with its table and
// returns the ALTER statements its on_schema_change asks for and the
// SELECT to insert; with fail, a difference is an error naming the
// columns. With ignore and a new column in the SELECT, the SELECT
// returned leaves it out, as dbt does (adapter.Kept); a column the SELECT
// lost is NULL in new rows and kept in updated ones, as before.
func (a *Adapter) schemaChanges(ctx context.Context, m adapter.Materialization) ([]string, string, error) {
	target := a.RelationName(m.Relation)
	sel := strings.TrimRight(m.SQL, " \t\n;")
	mode, err := adapter.OnSchemaChange(m.Extra)
	if err != nil {
		return nil, sel, fmt.Errorf("incremental model %s: %w", target, err)
	}
	table, err := a.describeColumns(ctx, target)
	if err != nil {
		return nil, sel, fmt.Errorf("incremental model %s: columns of the table: %w", target, err)
	}
	query, err := a.describeColumns(ctx, "SELECT * FROM (\n"+sel+"\n)")
	if err != nil {
		return nil, sel, fmt.Errorf("incremental model %s: columns of the SELECT: %w", target, err)
	}
	d := adapter.DiffColumns(table, query)
	if d.Empty() {
		return nil, sel, nil
	}
	var alters []string
	switch mode {
	case adapter.SchemaChangeIgnore:
		if len(d.Added) == 0 {
			return nil, sel, nil // the insert matches by name, casts or refuses
		}
		return nil, adapter.SelectColumns(sel, adapter.Kept(table, query), a.QuoteIdent), nil
	case adapter.SchemaChangeFail:
		return nil, sel, adapter.SchemaChangeError(target, d)
	case adapter.SchemaChangeSync:
		for _, c := range d.Removed {
			alters = append(alters, "ALTER TABLE "+target+" DROP COLUMN "+a.QuoteIdent(c.Name))
		}
		for _, c := range d.Changed {
			alters = append(alters, "ALTER TABLE "+target+" ALTER COLUMN "+a.QuoteIdent(c.Name)+" SET DATA TYPE "+c.To)
		}
	}
	for _, c := range d.Added {
		alters = append(alters, "ALTER TABLE "+target+" ADD COLUMN "+a.QuoteIdent(c.Name)+" "+c.DataType)
	}
	return alters, sel, nil
}

// describeColumns lists the columns of a relation or query with their types.
func (a *Adapter) describeColumns(ctx context.Context, rel string) ([]adapter.Column, error) {
	rows, err := a.db.QueryContext(ctx, "DESCRIBE "+rel)
	if err != nil {
		return nil, cleanErr(err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []adapter.Column
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		// column_name, column_type, null, key, default, extra
		out = append(out, adapter.Column{Name: fmt.Sprint(vals[0]), DataType: fmt.Sprint(vals[1])})
	}
	return out, rows.Err()
}

// execInTx runs an incremental model's ALTERs and then its insert in one
// transaction and returns the rows the insert affected.
func (a *Adapter) execInTx(ctx context.Context, target string, stmts []string) (int64, error) {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, cleanErr(err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int64
	for i, q := range stmts {
		res, err := tx.ExecContext(ctx, q)
		if err != nil {
			if i < len(stmts)-1 {
				return 0, fmt.Errorf("incremental model %s: on_schema_change: %s: %w", target, q, cleanErr(err))
			}
			return 0, cleanErr(err)
		}
		n, _ = res.RowsAffected()
	}
	if err := tx.Commit(); err != nil {
		return 0, cleanErr(err)
	}
	return n, nil
}

// stageColumns lists a relation's column names in order.
func stageColumns(ctx context.Context, tx *sql.Tx, rel string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+rel+" LIMIT 0")
	if err != nil {
		return nil, cleanErr(err)
	}
	defer rows.Close()
	return rows.Columns()
}

// LoadTable implements adapter.Adapter: rows are appended as text into a
// staging table, cast to the declared column types into a temporary table,
// and swapped in atomically. Values may be nil (NULL), strings or any value
// fmt prints as its SQL literal text.
func (a *Adapter) LoadTable(ctx context.Context, r adapter.Relation, cols []adapter.Column, rows [][]any) (adapter.Result, error) {
	if len(cols) == 0 {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: no columns", a.RelationName(r))
	}
	if r.Schema != "" {
		if err := a.CreateSchema(ctx, r.Database, r.Schema); err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
	}
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	defer conn.Close()
	stageID := tmpName(r.Identifier)
	defs := make([]string, len(cols))
	casts := make([]string, len(cols))
	for i, c := range cols {
		q := a.QuoteIdent(c.Name)
		defs[i] = q + " VARCHAR"
		typ := c.DataType
		if typ == "" {
			typ = "VARCHAR"
		}
		casts[i] = "CAST(" + q + " AS " + typ + ") AS " + q
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+a.QuoteIdent(stageID)+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return adapter.Result{RowsAffected: -1}, cleanErr(err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(dctx, "DROP TABLE IF EXISTS temp.main."+a.QuoteIdent(stageID))
	}()
	err = conn.Raw(func(dc any) error {
		app, err := duckdbdrv.NewAppender(dc.(driver.Conn), "temp", "main", stageID)
		if err != nil {
			return err
		}
		vals := make([]driver.Value, len(cols))
		for i, row := range rows {
			if len(row) != len(cols) {
				_ = app.Close()
				return fmt.Errorf("row %d has %d values, want %d", i+1, len(row), len(cols))
			}
			for j, v := range row {
				switch v := v.(type) {
				case nil:
					vals[j] = nil
				case string:
					vals[j] = v
				case time.Time:
					vals[j] = v.Format("2006-01-02 15:04:05.999999")
				default:
					vals[j] = fmt.Sprint(v)
				}
			}
			if err := app.AppendRow(vals...); err != nil {
				_ = app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: %w", a.RelationName(r), cleanErr(err))
	}
	// The cast-and-build step must run on the same connection to see the
	// staging table.
	tmp := r
	tmp.Identifier = tmpName(r.Identifier)
	if _, err := conn.ExecContext(ctx, "CREATE TABLE "+a.RelationName(tmp)+" AS SELECT "+strings.Join(casts, ", ")+" FROM temp.main."+a.QuoteIdent(stageID)); err != nil {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: %w", a.RelationName(r), cleanErr(err))
	}
	var n int64
	err = retryConflict(ctx, func() error {
		var err error
		n, err = a.swap(ctx, r, tmp)
		return err
	})
	if err != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = a.db.ExecContext(dctx, "DROP TABLE IF EXISTS "+a.RelationName(tmp))
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: %w", a.RelationName(r), err)
	}
	return adapter.Result{RowsAffected: n, Message: fmt.Sprintf("INSERT %d", n)}, nil
}

var _ adapter.Adapter = (*Adapter)(nil)
