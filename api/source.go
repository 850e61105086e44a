package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2" // the embedded warehouse driver

	"github.com/techstore-analytics/techstore/api/table"
	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Opener opens a read session on the warehouse for one snapshot load; the
// Closer ends it (the DuckDB file is held only between the two).
type Opener interface {
	Open(ctx context.Context) (table.Source, io.Closer, error)
	// Describe says where snapshots come from, for /ready.
	Describe() string
}

// DuckDB reads the gold schema of a DuckDB file, opened READ_ONLY only
// while a snapshot loads, so `techstore run` can write it in between.
type DuckDB struct {
	Path   string
	Schema string // default "gold"
	// Retries and Backoff govern retries while another process holds the
	// file's write lock (default 20 tries, 250ms apart).
	Retries int
	Backoff time.Duration
}

// Describe names the file.
func (d *DuckDB) Describe() string { return "duckdb:" + d.Path }

// Open opens the file read-only, retrying while a writer holds its lock.
func (d *DuckDB) Open(ctx context.Context) (table.Source, io.Closer, error) {
	if _, err := os.Stat(d.Path); err != nil {
		return nil, nil, fmt.Errorf("open warehouse %s: %w (build the gold layer first: techstore build)", d.Path, err)
	}
	retries, backoff := d.Retries, d.Backoff
	if retries <= 0 {
		retries = 20
	}
	if backoff <= 0 {
		backoff = 250 * time.Millisecond
	}
	var last error
	for try := 0; try < retries; try++ {
		// A small memory limit: the load reads each table once, in order.
		db, err := sql.Open("duckdb", d.Path+"?access_mode=READ_ONLY&memory_limit=64MB&threads=1")
		if err == nil {
			db.SetMaxOpenConns(1)
			// Qualify with the file's catalog: a file named like the schema
			// (gold.duckdb) would make "gold"."t" ambiguous.
			var catalog string
			err = db.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog)
			if err == nil {
				return &sqlSource{db: db, schema: duckQuote(catalog) + "." + duckQuote(schemaOr(d.Schema)), quote: duckQuote, types: GoldColumns()}, db, nil
			}
			db.Close()
		}
		last = err
		if !isLockError(err) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("open warehouse %s read-only: %w", d.Path, ctx.Err())
		case <-time.After(backoff):
		}
	}
	return nil, nil, fmt.Errorf("open warehouse %s read-only: %w", d.Path, last)
}

func isLockError(err error) bool {
	if err == nil {
		return false
	}
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "lock") || strings.Contains(s, "conflicting")
}

func schemaOr(s string) string {
	if s == "" {
		return "gold"
	}
	return s
}

func duckQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqlSource selects contract columns with database/sql. Names come from the
// contract only; no request text reaches SQL.
type sqlSource struct {
	db     *sql.DB
	schema string // quoted, qualified schema
	quote  func(string) string
	// types are the contract types of the gold columns: DECIMAL columns
	// are read as DOUBLE, which DuckDB converts as cheapen would (the
	// decimal's integer over a power of ten), without a big.Int per value.
	types map[string][]table.Column
	// rowsPerQuery is the rowid range read by one query (default 16384).
	rowsPerQuery int
}

// Count returns the rows of a gold table, so the loader allocates once.
func (s *sqlSource) Count(ctx context.Context, model string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+s.schema+"."+s.quote(model)).Scan(&n)
	return n, err
}

func (s *sqlSource) Select(ctx context.Context, model string, cols []string, fn func([]any) error) error {
	decimal := map[string]bool{}
	for _, c := range s.types[model] {
		if strings.HasPrefix(strings.ToLower(c.Type), "decimal") {
			decimal[c.Name] = true
		}
	}
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = s.quote(c)
		if decimal[c] {
			q[i] = "CAST(" + q[i] + " AS DOUBLE) AS " + q[i]
		}
	}
	rel := s.schema + "." + s.quote(model)
	stmt := "SELECT " + strings.Join(q, ", ") + " FROM " + rel
	// The driver holds a query's whole result in C memory while it is
	// read: a big table is read in ranges of rowid, a slice at a time.
	step := s.rowsPerQuery
	if step <= 0 {
		step = 16384
	}
	var maxRowid sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT max(rowid) FROM "+rel).Scan(&maxRowid); err != nil || !maxRowid.Valid || maxRowid.Int64 < int64(step) {
		// A view has no rowid; an empty or small table is one query.
		return s.selectRows(ctx, model, stmt, len(cols), fn)
	}
	for lo := int64(0); lo <= maxRowid.Int64; lo += int64(step) {
		ranged := fmt.Sprintf("%s WHERE rowid >= %d AND rowid < %d", stmt, lo, lo+int64(step))
		if err := s.selectRows(ctx, model, ranged, len(cols), fn); err != nil {
			return err
		}
	}
	return nil
}

// selectRows runs one query and hands its rows to fn.
func (s *sqlSource) selectRows(ctx context.Context, model, stmt string, ncols int, fn func([]any) error) error {
	rows, err := s.db.QueryContext(ctx, stmt)
	if err != nil {
		return fmt.Errorf("query %s.%s (does the table exist with the contract's columns? run techstore build): %w", s.schema, model, err)
	}
	defer rows.Close()
	vals := make([]any, ncols)
	ptrs := make([]any, ncols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	dates := map[int64]string{}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s.%s: %w", s.schema, model, err)
		}
		for i, v := range vals {
			vals[i] = cheapen(v, dates)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s.%s: %w", s.schema, model, err)
	}
	return nil
}

// Warehouse reads the gold schema through a runtime adapter (Databricks or
// any other registered target), connecting for each load.
type Warehouse struct {
	Connect  func(ctx context.Context) (adapter.Adapter, error)
	Database string // catalog on Databricks
	Schema   string // default "gold"
	Name     string // for /ready, e.g. "databricks:prod"
}

// Describe names the target.
func (w *Warehouse) Describe() string { return w.Name }

// Open connects through the adapter.
func (w *Warehouse) Open(ctx context.Context) (table.Source, io.Closer, error) {
	if w.Connect == nil {
		return nil, nil, errors.New("warehouse source has no adapter to connect with")
	}
	a, err := w.Connect(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", w.Name, err)
	}
	return &adapterSource{a: a, db: w.Database, schema: schemaOr(w.Schema)}, a, nil
}

type adapterSource struct {
	a      adapter.Adapter
	db     string
	schema string
}

func (s *adapterSource) Select(ctx context.Context, model string, cols []string, fn func([]any) error) error {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = s.a.QuoteIdent(c)
	}
	rel := s.a.RelationName(adapter.Relation{Database: s.db, Schema: s.schema, Identifier: model})
	names, rows, err := s.a.Query(ctx, "SELECT "+strings.Join(q, ", ")+" FROM "+rel)
	if err != nil {
		return fmt.Errorf("query %s: %w", rel, err)
	}
	if len(names) != len(cols) {
		return fmt.Errorf("query %s: got %d columns, the contract has %d", rel, len(names), len(cols))
	}
	for i, r := range rows {
		rows[i] = nil // let the row go once converted
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// pow10 holds exact powers of ten for decimal scales.
func pow10(n uint8) float64 {
	f := 1.0
	for ; n > 0; n-- {
		f *= 10
	}
	return f
}

// cheapen converts DuckDB values the loader would otherwise convert slowly:
// decimals that fit 53 bits become the nearest float64 (exactly as
// strconv would parse their text), and dates at midnight become shared
// YYYY-MM-DD strings.
func cheapen(v any, dates map[int64]string) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		if x.Value != nil && x.Value.IsInt64() && x.Scale <= 22 {
			if n := x.Value.Int64(); n < 1<<53 && n > -(1<<53) {
				return float64(n) / pow10(x.Scale)
			}
		}
	case time.Time:
		if x.Location() == time.UTC && x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			day := x.Unix() / 86400
			s, ok := dates[day]
			if !ok {
				s = x.Format(time.DateOnly)
				dates[day] = s
			}
			return s
		}
	}
	return v
}
