package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// stagingSuffix names the tables a load fills before they replace the
// real ones.
const stagingSuffix = "__ingest_new"

// DefaultBatchRows is the number of rows per INSERT statement.
const DefaultBatchRows = 2000

// AdapterOptions are the options of LoadAdapter.
type AdapterOptions struct {
	Options
	// Catalog is the Unity Catalog catalog ("" for the target's default).
	Catalog string
	// Schema holds the tables (Schema, "techstore", when empty).
	Schema string
	// BatchRows is the number of rows per INSERT (DefaultBatchRows when 0).
	BatchRows int
	// DDL tunes the DDL to the target (OptionsFor(a.Type()) by default).
	DDL *DatabricksOptions
}

// LoadAdapter creates the techstore schema and tables through a (Databricks
// or Spark with Delta) and loads the generated rows with batched multi-row
// INSERT statements. Rows go to staging tables <table>__ingest_new first;
// only when every table is loaded are the old tables dropped and the
// staging ones renamed, so a failed load leaves the old tables untouched
// (and drops its staging tables).
func LoadAdapter(ctx context.Context, a adapter.Adapter, cfg Config, o AdapterOptions) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	ddl := OptionsFor(a.Type())
	if o.DDL != nil {
		ddl = *o.DDL
	}
	batch := o.BatchRows
	if batch <= 0 {
		batch = DefaultBatchRows
	}
	schema := o.Schema
	if schema == "" {
		schema = Schema
	}
	rel := func(t string) string {
		return a.RelationName(adapter.Relation{Database: o.Catalog, Schema: schema, Identifier: t})
	}
	stage := func(t string) string { return rel(t + stagingSuffix) }
	where := "schema " + schema
	if o.Catalog != "" {
		where = "schema " + o.Catalog + "." + schema
	}

	if err := a.CreateSchema(ctx, o.Catalog, schema); err != nil {
		return Report{}, fmt.Errorf("create schema %s: %w", schema, err)
	}
	rels, err := a.ListRelations(ctx, o.Catalog, schema)
	if err != nil {
		return Report{}, fmt.Errorf("list relations of %s: %w", schema, err)
	}
	existing := map[string]int64{}
	for _, t := range TableNames() {
		existing[t] = -1
		if _, ok := rels[t]; !ok {
			continue
		}
		_, rows, err := a.Query(ctx, "SELECT count(*) FROM "+rel(t))
		if err != nil {
			return Report{}, fmt.Errorf("count %s: %w", rel(t), err)
		}
		existing[t] = countValue(rows)
	}
	if !o.Replace {
		if e := nonEmpty(existing, where, schema); e != nil {
			return Report{}, e
		}
	}

	exec := func(ctx context.Context, q string) error {
		if _, err := a.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", firstLine(q), err)
		}
		return nil
	}
	dropStaging := func(ctx context.Context) error {
		var errs []error
		for _, t := range TableNames() {
			if err := exec(ctx, "DROP TABLE IF EXISTS "+stage(t)); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	if err := dropStaging(ctx); err != nil {
		return Report{}, err
	}
	for _, q := range databricksCreates(stage, ddl) {
		if err := exec(ctx, q); err != nil {
			return Report{}, errors.Join(err, dropStaging(context.WithoutCancel(ctx)))
		}
	}
	sink := &sqlSink{exec: exec, name: stage, batch: batch, tables: tables(), quote: sparkQuoter()}
	rep, err := Generate(ctx, cfg, sink)
	if err != nil {
		return Report{}, errors.Join(err, dropStaging(context.WithoutCancel(ctx)))
	}
	for _, q := range swapStatements(rel, stage, existing, ddl) {
		if err := exec(ctx, q); err != nil {
			return Report{}, fmt.Errorf("swap in the new tables (the loaded rows are in the tables named <table>%s of %s; rerun with --replace): %w", stagingSuffix, where, err)
		}
	}
	return rep, nil
}

// swapStatements replaces the old tables with the staging ones: drop the
// old ones children first, rename, then identity and key constraints.
func swapStatements(rel, stage relName, existing map[string]int64, o DatabricksOptions) []string {
	names := TableNames()
	var out []string
	for i := len(names) - 1; i >= 0; i-- {
		if existing[names[i]] >= 0 {
			out = append(out, "DROP TABLE IF EXISTS "+rel(names[i]))
		}
	}
	for _, t := range names {
		out = append(out, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", stage(t), rel(t)))
	}
	if o.Identity {
		for _, t := range names {
			out = append(out, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN id SYNC IDENTITY", rel(t)))
		}
	}
	return append(out, databricksKeys(rel, o)...)
}

func countValue(rows [][]any) int64 {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return 0
	}
	switch v := rows[0][0].(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case []byte:
		n, _ := strconv.ParseInt(string(v), 10, 64)
		return n
	}
	return 0
}

// sqlSink turns rows into batched multi-row INSERT statements.
type sqlSink struct {
	exec   func(context.Context, string) error
	name   relName
	batch  int
	tables []table
	ctx    context.Context
	bufs   [6]strings.Builder
	counts [6]int
	quote  *strings.Replacer
}

func (s *sqlSink) Open(ctx context.Context, _ int) error {
	s.ctx = ctx
	return nil
}

func (s *sqlSink) Append(t int, vals []any) error {
	b := &s.bufs[t]
	if s.counts[t] == 0 {
		tb := s.tables[t]
		fmt.Fprintf(b, "INSERT INTO %s (%s) VALUES\n", s.name(tb.name), strings.Join(tb.columnNames(), ", "))
	} else {
		b.WriteString(",\n")
	}
	b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		writeLiteral(b, s.quote, s.tables[t].columns[i].kind, v)
	}
	b.WriteByte(')')
	s.counts[t]++
	if s.counts[t] >= s.batch {
		return s.flush(s.ctx, t)
	}
	return nil
}

func (s *sqlSink) flush(ctx context.Context, t int) error {
	if s.counts[t] == 0 {
		return nil
	}
	q := s.bufs[t].String()
	s.bufs[t].Reset()
	s.counts[t] = 0
	return s.exec(ctx, q)
}

func (s *sqlSink) Close(ctx context.Context, t int) error { return s.flush(ctx, t) }

// writeLiteral writes v as a Databricks SQL literal of the column kind.
func writeLiteral(b *strings.Builder, q *strings.Replacer, k kind, v any) {
	if v == nil {
		b.WriteString("NULL")
		return
	}
	switch x := v.(type) {
	case string:
		b.WriteByte('\'')
		b.WriteString(q.Replace(x))
		b.WriteByte('\'')
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case time.Time:
		if k == kDate {
			b.WriteString("DATE'" + x.UTC().Format(time.DateOnly) + "'")
		} else {
			b.WriteString("TIMESTAMP'" + x.UTC().Format(time.DateTime) + "'")
		}
	case int64:
		switch k {
		case kMoney, kPercent, kWeight:
			b.WriteString(hundredths(x))
		default:
			b.WriteString(strconv.FormatInt(x, 10))
		}
	default:
		fmt.Fprintf(b, "%v", x)
	}
}

// hundredths renders an integer count of hundredths as a decimal literal.
func hundredths(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// sparkQuoter escapes the inside of a Spark SQL string literal, where the
// backslash is the escape character.
func sparkQuoter() *strings.Replacer {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`)
}
