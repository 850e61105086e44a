package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	duckadapter "github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

// Options are the load options shared by every target.
type Options struct {
	// Replace allows overwriting tables that already hold data.
	Replace bool
}

// ExistingDataError says the raw tables already hold data and how to proceed.
type ExistingDataError struct {
	Where  string           // the warehouse, e.g. the DuckDB file
	Schema string           // the schema of the tables
	Tables map[string]int64 // rows per table that holds data
	Order  []string         // tables of Tables, in load order
}

func (e *ExistingDataError) Error() string {
	parts := make([]string, len(e.Order))
	for i, t := range e.Order {
		parts[i] = fmt.Sprintf("%s.%s (%d rows)", e.Schema, t, e.Tables[t])
	}
	return fmt.Sprintf("%s already holds data in %s: run `techstore ingest --replace` to replace it "+
		"(atomically: the old rows stay until the new load has finished), or choose another target with --target",
		e.Where, strings.Join(parts, ", "))
}

// LoadDuckDB creates the techstore schema and tables in the DuckDB file at
// path (created when missing) and loads the generated rows with the
// Appender, all in one transaction: a failed or cancelled load leaves the
// file as it was.
func LoadDuckDB(ctx context.Context, path string, cfg Config, o Options) (Report, error) {
	return loadDuckDB(ctx, path, cfg, o, nil)
}

// loadDuckDB is LoadDuckDB with a hook that wraps the sink (tests use it to
// fail a load half way).
func loadDuckDB(ctx context.Context, path string, cfg Config, o Options, wrap func(Sink) Sink) (rep Report, err error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return Report{}, fmt.Errorf("create warehouse folder: %w", err)
		}
	}
	// Another process may hold the file a moment (the server reloading
	// after a run): wait for it as build does.
	var db *sql.DB
	err = duckadapter.WaitLock(ctx, path, 2*time.Second, func() (err error) {
		db, err = sql.Open("duckdb", path)
		return err
	})
	var le *duckadapter.LockedError
	if errors.As(err, &le) {
		return Report{}, le
	}
	if err != nil {
		return Report{}, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close duckdb %s: %w", path, cerr)
		}
	}()
	conn, err := db.Conn(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("connect to duckdb %s: %w", path, err)
	}
	defer conn.Close()
	var catalog string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return Report{}, fmt.Errorf("inspect %s: %w", path, err)
	}
	existing, err := duckExisting(ctx, conn, catalog)
	if err != nil {
		return Report{}, fmt.Errorf("inspect %s: %w", path, err)
	}
	if !o.Replace {
		if e := nonEmpty(existing, path, Schema); e != nil {
			return Report{}, e
		}
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("duckdb driver connection has unexpected type %T", dc)
		}
		rep, err = duckLoad(ctx, c, catalog, existing, cfg, wrap)
		return err
	})
	if err != nil {
		return Report{}, fmt.Errorf("load %s: %w", path, err)
	}
	return rep, nil
}

// duckExisting returns the row count of each raw table that exists (-1 for
// none); the map has every table name.
func duckExisting(ctx context.Context, conn *sql.Conn, catalog string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range TableNames() {
		out[t] = -1
	}
	rows, err := conn.QueryContext(ctx,
		"SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? AND table_type = 'BASE TABLE'", catalog, Schema)
	if err != nil {
		return nil, err
	}
	var present []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := out[name]; ok {
			present = append(present, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range present {
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+duckQualifier(catalog)(t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s.%s: %w", Schema, t, err)
		}
		out[t] = n
	}
	return out, nil
}

func nonEmpty(existing map[string]int64, where, schema string) error {
	e := &ExistingDataError{Where: where, Schema: schema, Tables: map[string]int64{}}
	for _, t := range TableNames() {
		if existing[t] > 0 {
			e.Tables[t] = existing[t]
			e.Order = append(e.Order, t)
		}
	}
	if len(e.Order) == 0 {
		return nil
	}
	return e
}

func execDriver(ctx context.Context, c driver.Conn, q string) error {
	ex, ok := c.(driver.ExecerContext)
	if !ok {
		return fmt.Errorf("duckdb driver connection cannot execute statements")
	}
	if _, err := ex.ExecContext(ctx, q, nil); err != nil {
		return fmt.Errorf("%s: %w", firstLine(q), err)
	}
	return nil
}

func firstLine(q string) string {
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		return q[:i]
	}
	return q
}

func duckLoad(ctx context.Context, c driver.Conn, catalog string, existing map[string]int64, cfg Config, wrap func(Sink) Sink) (Report, error) {
	q := duckQualifier(catalog)
	// Rollback must run even when ctx is cancelled.
	bg := context.WithoutCancel(ctx)
	if err := execDriver(ctx, c, "BEGIN TRANSACTION"); err != nil {
		return Report{}, err
	}
	sink := &duckSink{conn: c, catalog: catalog}
	rep, err := func() (Report, error) {
		names := TableNames()
		for i := len(names) - 1; i >= 0; i-- {
			if existing[names[i]] >= 0 {
				if err := execDriver(ctx, c, "DROP TABLE "+q(names[i])); err != nil {
					return Report{}, err
				}
			}
			if err := execDriver(ctx, c, "DROP SEQUENCE IF EXISTS "+q(names[i]+"_id_seq")); err != nil {
				return Report{}, err
			}
		}
		for _, q := range DuckDBDDL(catalog) {
			if err := execDriver(ctx, c, q); err != nil {
				return Report{}, err
			}
		}
		var s Sink = sink
		if wrap != nil {
			s = wrap(s)
		}
		rep, err := generatePiped(ctx, cfg, s)
		if err != nil {
			return Report{}, err
		}
		// Identity: later inserts without an id continue after the loaded ids.
		for i, t := range names {
			if rep.Rows[i] > 0 {
				adv := fmt.Sprintf("SELECT max(nextval('%s')) FROM range(%d)", strings.ReplaceAll(q(t+"_id_seq"), "'", "''"), rep.Rows[i])
				if err := execDriver(ctx, c, adv); err != nil {
					return Report{}, err
				}
			}
		}
		return rep, nil
	}()
	if err != nil {
		sink.abort()
		if rerr := execDriver(bg, c, "ROLLBACK"); rerr != nil {
			return Report{}, errors.Join(err, rerr)
		}
		return Report{}, err
	}
	if err := execDriver(ctx, c, "COMMIT"); err != nil {
		_ = execDriver(bg, c, "ROLLBACK")
		return Report{}, err
	}
	return rep, nil
}

// duckSink appends rows with DuckDB's Appender.
type duckSink struct {
	conn    driver.Conn
	catalog string
	apps    [6]*duckdb.Appender
	buf     []driver.Value
}

func (s *duckSink) Open(_ context.Context, t int) error {
	a, err := duckdb.NewAppender(s.conn, s.catalog, Schema, TableNames()[t])
	if err != nil {
		return err
	}
	s.apps[t] = a
	return nil
}

func (s *duckSink) Append(t int, vals []any) error {
	s.buf = s.buf[:0]
	for _, v := range vals {
		s.buf = append(s.buf, v)
	}
	return s.apps[t].AppendRow(s.buf...)
}

func (s *duckSink) Close(_ context.Context, t int) error {
	a := s.apps[t]
	s.apps[t] = nil
	return a.Close()
}

// abort closes the appenders still open, discarding errors: the
// transaction is rolled back anyway.
func (s *duckSink) abort() {
	for i, a := range s.apps {
		if a != nil {
			_ = a.Clear()
			_ = a.Close()
			s.apps[i] = nil
		}
	}
}
