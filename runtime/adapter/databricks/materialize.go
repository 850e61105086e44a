package databricks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Model configs this adapter reads from Materialization.Extra.
const (
	cfgTblProperties   = "tblproperties"
	cfgLiquidClustered = "liquid_clustered_by"
	cfgLocationRoot    = "location_root"
	cfgFileFormat      = "file_format"
	cfgOptimize        = "optimize"  // true: OPTIMIZE after each build
	cfgZOrder          = "zorder_by" // columns for OPTIMIZE ... ZORDER BY (not with clustering)
	cfgPredicates      = "incremental_predicates"
	mergeTargetAlias   = "DBT_INTERNAL_DEST"
	mergeSourceAlias   = "DBT_INTERNAL_SOURCE"
	maxStatementBytes  = 1 << 20 // LoadTable: rows per INSERT are cut at about this size
	relationNotFoundRe = `TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND|NoSuchTableException|NoSuchDatabaseException|does not exist`
)

var notFound = regexp.MustCompile(relationNotFoundRe)

// tableSpec is the DDL shape of a Delta table, from a model's configs.
type tableSpec struct {
	Format        string
	PartitionBy   []string
	ClusterBy     []string
	Location      string
	TblProperties [][2]string // sorted by key
	Optimize      bool
	ZOrder        []string
	Predicates    []string
}

// specOf reads the table configs of a materialization. Errors name the
// config and what to change.
func (a *Adapter) specOf(m adapter.Materialization) (tableSpec, error) {
	name := a.RelationName(m.Relation)
	sp := tableSpec{Format: "delta", PartitionBy: m.PartitionBy}
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("model %s: config %s: %s", name, key, fmt.Sprintf(format, args...))
	}
	var err error
	if v, ok := m.Extra[cfgFileFormat]; ok && v != nil {
		f, ok := v.(string)
		if !ok || f == "" {
			return sp, bad(cfgFileFormat, "want a format name such as delta, got %v", v)
		}
		sp.Format = strings.ToLower(f)
	}
	if sp.ClusterBy, err = stringList(m.Extra[cfgLiquidClustered]); err != nil {
		return sp, bad(cfgLiquidClustered, "%v", err)
	}
	if len(sp.ClusterBy) == 0 {
		sp.ClusterBy = m.ClusterBy
	}
	if len(sp.ClusterBy) > 0 && len(sp.PartitionBy) > 0 {
		return sp, bad(cfgLiquidClustered, "a Delta table is either partitioned or liquid-clustered: remove partition_by or liquid_clustered_by")
	}
	if len(sp.ClusterBy) > 0 && sp.Format != "delta" {
		return sp, bad(cfgLiquidClustered, "liquid clustering needs file_format delta, not %s", sp.Format)
	}
	if v, ok := m.Extra[cfgLocationRoot]; ok && v != nil {
		root, ok := v.(string)
		if !ok || root == "" {
			return sp, bad(cfgLocationRoot, "want a path such as s3://bucket/tables, got %v", v)
		}
		sp.Location = strings.TrimSuffix(root, "/") + "/" + m.Relation.Identifier
	}
	if v, ok := m.Extra[cfgTblProperties]; ok && v != nil {
		props, ok := v.(map[string]any)
		if !ok {
			return sp, bad(cfgTblProperties, "want a mapping of property to value, got %T", v)
		}
		for k, pv := range props {
			sp.TblProperties = append(sp.TblProperties, [2]string{k, fmt.Sprint(pv)})
		}
		sort.Slice(sp.TblProperties, func(i, j int) bool { return sp.TblProperties[i][0] < sp.TblProperties[j][0] })
	}
	if v, ok := m.Extra[cfgOptimize]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return sp, bad(cfgOptimize, "want true or false, got %v", v)
		}
		sp.Optimize = b
	}
	if sp.ZOrder, err = stringList(m.Extra[cfgZOrder]); err != nil {
		return sp, bad(cfgZOrder, "%v", err)
	}
	if len(sp.ZOrder) > 0 && len(sp.ClusterBy) > 0 {
		return sp, bad(cfgZOrder, "Z-ordering does not apply to a liquid-clustered table: remove zorder_by")
	}
	if sp.Predicates, err = stringList(m.Extra[cfgPredicates]); err != nil {
		return sp, bad(cfgPredicates, "%v", err)
	}
	return sp, nil
}

// stringList accepts a string ("a, b"), a list of strings, or nil.
func stringList(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	case []string:
		return v, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, got an element %v (%T)", e, e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string or a list of strings, got %T", v)
}

// quoteList quotes column names and joins them with commas.
func (a *Adapter) quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = a.QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// createTableSQL renders CREATE OR REPLACE TABLE ... AS, which Delta
// commits atomically: readers see the old version until the new one is
// written, and a failure leaves the old one in place.
func (a *Adapter) createTableSQL(rel string, sp tableSpec, selectSQL string) string {
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE TABLE " + rel + "\nUSING " + strings.ToUpper(sp.Format))
	if len(sp.PartitionBy) > 0 {
		b.WriteString("\nPARTITIONED BY (" + a.quoteList(sp.PartitionBy) + ")")
	}
	if len(sp.ClusterBy) > 0 {
		b.WriteString("\nCLUSTER BY (" + a.quoteList(sp.ClusterBy) + ")")
	}
	if sp.Location != "" {
		b.WriteString("\nLOCATION " + quoteString(sp.Location))
	}
	if len(sp.TblProperties) > 0 {
		parts := make([]string, len(sp.TblProperties))
		for i, kv := range sp.TblProperties {
			parts[i] = quoteString(kv[0]) + " = " + quoteString(kv[1])
		}
		b.WriteString("\nTBLPROPERTIES (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString("\nAS\n" + strings.TrimRight(selectSQL, " \t\n;"))
	return b.String()
}

// Materialize implements adapter.Adapter.
func (a *Adapter) Materialize(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	switch m.Kind {
	case "view":
		return a.buildView(ctx, m)
	case "table":
		sp, err := a.specOf(m)
		if err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
		return a.buildTable(ctx, m, sp)
	case "incremental":
		return a.buildIncremental(ctx, m)
	}
	return adapter.Result{RowsAffected: -1}, fmt.Errorf("model %s: materialization %q is not supported (use view, table or incremental)", a.RelationName(m.Relation), m.Kind)
}

func (a *Adapter) buildView(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	rel := a.RelationName(m.Relation)
	q := "CREATE OR REPLACE VIEW " + rel + " AS\n" + strings.TrimRight(m.SQL, " \t\n;")
	res, err := a.execIdem(ctx, q)
	if err != nil && isKindClash(err) {
		// A table of that name exists: a view cannot replace it in place.
		if _, derr := a.execIdem(ctx, "DROP TABLE IF EXISTS "+rel); derr != nil {
			return res, fmt.Errorf("replace table %s with a view: %w", rel, derr)
		}
		res, err = a.execIdem(ctx, q)
	}
	if err != nil {
		return res, err
	}
	res.Message = "CREATE VIEW"
	return res, nil
}

func (a *Adapter) buildTable(ctx context.Context, m adapter.Materialization, sp tableSpec) (adapter.Result, error) {
	rel := a.RelationName(m.Relation)
	q := a.createTableSQL(rel, sp, m.SQL)
	res, err := a.execIdem(ctx, q)
	if err != nil && isKindClash(err) {
		// A view of that name exists: drop it, then create the table.
		if _, derr := a.execIdem(ctx, "DROP VIEW IF EXISTS "+rel); derr != nil {
			return res, fmt.Errorf("replace view %s with a table: %w", rel, derr)
		}
		res, err = a.execIdem(ctx, q)
	}
	if err != nil && strings.Contains(err.Error(), "WRONG_COLUMN_DEFAULTS_FOR_DELTA_FEATURE_NOT_ENABLED") {
		// The select carries column DEFAULTs from its source (a raw table
		// declared with defaults): Delta keeps them only with the
		// allowColumnDefaults table feature.
		sp.TblProperties = append(sp.TblProperties, [2]string{"delta.feature.allowColumnDefaults", "supported"})
		res, err = a.execIdem(ctx, a.createTableSQL(rel, sp, m.SQL))
	}
	if err != nil {
		return res, err
	}
	res.Message = "CREATE TABLE"
	if err := a.optimize(ctx, rel, sp); err != nil {
		return res, err
	}
	return res, nil
}

// isKindClash reports a view statement on a table or the reverse.
func isKindClash(err error) bool {
	s := err.Error()
	for _, k := range []string{"EXPECT_VIEW_NOT_TABLE", "EXPECT_TABLE_NOT_VIEW", "is a view", "is a VIEW", "is not a view", "Cannot create view", "already exists"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// optimize runs OPTIMIZE when the model asks for it.
func (a *Adapter) optimize(ctx context.Context, rel string, sp tableSpec) error {
	if !sp.Optimize || sp.Format != "delta" {
		return nil
	}
	q := "OPTIMIZE " + rel
	if len(sp.ZOrder) > 0 {
		q += " ZORDER BY (" + a.quoteList(sp.ZOrder) + ")"
	}
	if _, err := a.execIdem(ctx, q); err != nil {
		return fmt.Errorf("optimize %s: %w", rel, err)
	}
	return nil
}

// describe returns the kind ("table", "view") and columns of a relation,
// or kind "" when it does not exist, in one statement.
func (a *Adapter) describe(ctx context.Context, r adapter.Relation) (adapter.RelationInfo, error) {
	r.Kind = "" // the caller's Kind is what it wants built, not what exists
	q := "SHOW TABLE EXTENDED IN " + a.schemaName(r.Database, r.Schema) + " LIKE " + quoteString(r.Identifier)
	_, rows, err := a.Query(ctx, q)
	if err != nil {
		if notFound.MatchString(err.Error()) {
			return adapter.RelationInfo{Relation: r}, nil
		}
		return adapter.RelationInfo{}, fmt.Errorf("describe %s: %w", a.RelationName(r), err)
	}
	infos := parseShowTables(r.Database, rows)
	if ri, ok := infos[strings.ToLower(r.Identifier)]; ok {
		return ri, nil
	}
	return adapter.RelationInfo{Relation: r}, nil
}

// parseShowTables reads the rows of SHOW TABLE EXTENDED (namespace,
// tableName, isTemporary, information), keyed by lower-case name. The
// information text carries "Type: MANAGED|EXTERNAL|VIEW" and the schema as
// a tree of " |-- name: type (nullable = ...)" lines.
func parseShowTables(database string, rows [][]any) map[string]adapter.RelationInfo {
	out := map[string]adapter.RelationInfo{}
	for _, row := range rows {
		if len(row) < 4 {
			continue
		}
		ns, _ := row[0].(string)
		name, _ := row[1].(string)
		if tmp, _ := row[2].(bool); tmp {
			continue // session temporary views
		}
		info, _ := row[3].(string)
		ri := adapter.RelationInfo{Relation: adapter.Relation{Database: database, Schema: ns, Identifier: name, Kind: "table"}}
		for _, line := range strings.Split(info, "\n") {
			if t, ok := strings.CutPrefix(line, "Type: "); ok && strings.EqualFold(strings.TrimSpace(t), "VIEW") {
				ri.Relation.Kind = "view"
			}
			if col, ok := strings.CutPrefix(line, " |-- "); ok {
				// name: type (nullable = true)
				i := strings.LastIndex(col, " (nullable = ")
				if i >= 0 {
					col = col[:i]
				}
				if j := strings.Index(col, ": "); j >= 0 {
					ri.Columns = append(ri.Columns, adapter.Column{Name: col[:j], DataType: col[j+2:]})
				}
			}
		}
		out[strings.ToLower(name)] = ri
	}
	return out
}

// ListRelations implements adapter.Adapter in one statement per schema: on
// Databricks a join of the catalog's information_schema tables and
// columns; on Spark, which has no information_schema, SHOW TABLE EXTENDED,
// whose per-table information includes the type and the schema.
func (a *Adapter) ListRelations(ctx context.Context, database, schema string) (map[string]adapter.RelationInfo, error) {
	if a.s.Type == TypeSpark {
		q := "SHOW TABLE EXTENDED IN " + a.schemaName(database, schema) + " LIKE '*'"
		_, rows, err := a.Query(ctx, q)
		if err != nil {
			if notFound.MatchString(err.Error()) {
				return nil, nil
			}
			return nil, fmt.Errorf("list relations of schema %s: %w", schema, err)
		}
		out := parseShowTables(database, rows)
		return out, nil
	}
	is := "information_schema"
	if cat := a.catalogOf(database); cat != "" {
		is = a.QuoteIdent(cat) + ".information_schema"
	}
	q := `SELECT t.table_name, t.table_type, c.column_name, c.full_data_type
FROM ` + is + `.tables t
LEFT JOIN ` + is + `.columns c
  ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
WHERE t.table_schema = ` + quoteString(strings.ToLower(schema)) + `
ORDER BY t.table_name, c.ordinal_position`
	_, rows, err := a.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list relations of schema %s: %w", schema, err)
	}
	var out map[string]adapter.RelationInfo
	for _, row := range rows {
		name, _ := row[0].(string)
		typ, _ := row[1].(string)
		if out == nil {
			out = map[string]adapter.RelationInfo{}
		}
		ri, ok := out[name]
		if !ok {
			kind := "table"
			if strings.Contains(strings.ToUpper(typ), "VIEW") {
				kind = "view"
			}
			ri.Relation = adapter.Relation{Database: database, Schema: schema, Identifier: name, Kind: kind}
		}
		if col, ok := row[2].(string); ok {
			dt, _ := row[3].(string)
			ri.Columns = append(ri.Columns, adapter.Column{Name: col, DataType: dt})
		}
		out[name] = ri
	}
	return out, nil
}

func (a *Adapter) buildIncremental(ctx context.Context, m adapter.Materialization) (adapter.Result, error) {
	sp, err := a.specOf(m)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	rel := a.RelationName(m.Relation)
	if m.FullRefresh {
		return a.buildTable(ctx, m, sp)
	}
	cur, err := a.describe(ctx, m.Relation)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	if cur.Relation.Kind != "table" {
		// First run (or a view in the way): build the whole table.
		return a.buildTable(ctx, m, sp)
	}
	strategy := m.IncrementalStrategy
	if strategy == "" {
		strategy = "merge"
		if len(m.UniqueKey) == 0 {
			strategy = "append"
		}
	}
	sel := strings.TrimRight(m.SQL, " \t\n;")
	switch strategy {
	case "append", "insert_overwrite":
	case "merge":
		if len(m.UniqueKey) == 0 {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: strategy merge needs config unique_key", rel)
		}
	case "replace_where":
		if len(sp.Predicates) == 0 {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: strategy replace_where needs config incremental_predicates (the rows to replace, e.g. \"order_date >= '2026-10-01'\")", rel)
		}
	default:
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: strategy %q is not supported on %s (use append, merge, insert_overwrite or replace_where)", rel, strategy, a.typ)
	}
	cols, kept, sel, err := a.applySchemaChange(ctx, m, rel, sel, cur.Columns)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	if strategy != "merge" && kept != nil {
		// Whole rows are written: give the table's columns in its order
		// (INSERT ... REPLACE WHERE matches by position), NULL for those
		// the SELECT lacks. A MERGE names the SELECT's columns instead,
		// so that a matched row keeps the others.
		sel = adapter.PadSelect(sel, kept, cols, a.QuoteIdent)
	}
	var q string
	switch strategy {
	case "append":
		q = "INSERT INTO " + rel + " BY NAME\n" + sel
	case "merge":
		q = a.mergeSQL(rel, m.UniqueKey, sp.Predicates, sel, cols)
	case "insert_overwrite":
		return a.insertOverwrite(ctx, rel, sp, sel)
	case "replace_where":
		q = "INSERT INTO " + rel + " REPLACE WHERE " + andAll(sp.Predicates) + "\n" + sel
	}
	if err := a.alterClustering(ctx, rel, sp); err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	// Every strategy but append gives the same table when repeated.
	res, err := a.execRetry(ctx, q, strategy != "append")
	if err != nil {
		return res, err
	}
	res.Message = strings.ToUpper(strategy)
	if err := a.optimize(ctx, rel, sp); err != nil {
		return res, err
	}
	return res, nil
}

func andAll(preds []string) string {
	parts := make([]string, len(preds))
	for i, p := range preds {
		parts[i] = "(" + p + ")"
	}
	return strings.Join(parts, " AND ")
}

// mergeSQL renders a MERGE INTO on the unique key. Predicates (config
// incremental_predicates, written against DBT_INTERNAL_DEST and
// DBT_INTERNAL_SOURCE as in dbt) join the ON clause so Delta prunes files
// by partition or clustering columns.
// applySchemaChange compares an incremental model's SELECT with its table
// and alters the table as on_schema_change asks. Delta has no transaction
// over several statements: the ALTERs commit before the rows are added.
// When the SELECT's columns differ from the table's, it returns the
// SELECT's column names (a MERGE names them: the table may keep columns
// the SELECT lacks) and the table's columns after the ALTERs, in order;
// else nil, nil. It also returns the SELECT to insert: with ignore, sel
// without the columns the table lacks (left out, as dbt does); else sel.
//
// With ignore, the table's column names come from shown (SHOW TABLE
// EXTENDED, already sent): only DESCRIBE QUERY is one more statement, and
// DESCRIBE TABLE (exact types) only when the names differ.
func (a *Adapter) applySchemaChange(ctx context.Context, m adapter.Materialization, rel, sel string, shown []adapter.Column) ([]string, []adapter.Column, string, error) {
	mode, err := adapter.OnSchemaChange(m.Extra)
	if err != nil {
		return nil, nil, sel, fmt.Errorf("incremental model %s: %w", rel, err)
	}
	query, err := a.describeColumns(ctx, "DESCRIBE QUERY "+sel)
	if err != nil {
		return nil, nil, sel, fmt.Errorf("incremental model %s: columns of the SELECT: %w", rel, err)
	}
	if mode == adapter.SchemaChangeIgnore && len(shown) > 0 && sameNames(shown, query) {
		return nil, nil, sel, nil // types only, if anything: Delta casts on insert or refuses
	}
	table, err := a.describeColumns(ctx, "DESCRIBE TABLE "+rel)
	if err != nil {
		return nil, nil, sel, fmt.Errorf("incremental model %s: columns of the table: %w", rel, err)
	}
	d := adapter.DiffColumns(table, query)
	switch {
	case d.Empty():
		return nil, nil, sel, nil
	case mode == adapter.SchemaChangeIgnore:
		if len(d.Added) == 0 && len(d.Removed) == 0 {
			return nil, nil, sel, nil // types only: Delta casts on insert or refuses
		}
		// The table as it is; the SELECT without its new columns.
		kept := adapter.Kept(table, query)
		return kept, table, adapter.SelectColumns(sel, kept, a.QuoteIdent), nil
	case mode == adapter.SchemaChangeFail:
		return nil, nil, sel, adapter.SchemaChangeError(rel, d)
	}
	for _, q := range schemaChangeSQL(rel, mode, d, a.QuoteIdent) {
		if _, err := a.execIdem(ctx, q.sql); err != nil {
			return nil, nil, sel, fmt.Errorf("incremental model %s: on_schema_change %s: %s%w", rel, mode, q.hint, err)
		}
	}
	// The table's columns after the ALTERs, in order.
	gone := map[string]bool{}
	if mode == adapter.SchemaChangeSync {
		for _, c := range d.Removed {
			gone[strings.ToLower(c.Name)] = true
		}
	}
	var final []adapter.Column
	for _, c := range table {
		if !gone[strings.ToLower(c.Name)] {
			final = append(final, c)
		}
	}
	final = append(final, d.Added...)
	return adapter.Names(query), final, sel, nil
}

// alterStmt is one ALTER of on_schema_change and what to tell when it fails.
type alterStmt struct{ sql, hint string }

// schemaChangeSQL returns the Delta ALTERs for a schema difference: drops
// first (they need column mapping, so a refusal changes nothing), then
// adds. A type change under sync_all_columns is one ALTER Delta refuses
// for all but widening, so it is attempted with a hint to full-refresh.
func schemaChangeSQL(rel, mode string, d adapter.SchemaDiff, quote func(string) string) []alterStmt {
	var out []alterStmt
	if mode == adapter.SchemaChangeSync {
		if len(d.Removed) > 0 {
			names := make([]string, len(d.Removed))
			for i, c := range d.Removed {
				names[i] = quote(c.Name)
			}
			out = append(out, alterStmt{"ALTER TABLE " + rel + " DROP COLUMNS (" + strings.Join(names, ", ") + ")",
				"dropping columns on Delta needs column mapping (tblproperties {'delta.columnMapping.mode': 'name'}); set it, use append_new_columns, or run with --full-refresh: "})
		}
		for _, c := range d.Changed {
			out = append(out, alterStmt{"ALTER TABLE " + rel + " ALTER COLUMN " + quote(c.Name) + " TYPE " + c.To,
				fmt.Sprintf("Delta cannot change column %s from %s to %s in place; run with --full-refresh: ", c.Name, c.From, c.To)})
		}
	}
	if len(d.Added) > 0 {
		defs := make([]string, len(d.Added))
		for i, c := range d.Added {
			defs[i] = quote(c.Name) + " " + c.DataType
		}
		out = append(out, alterStmt{"ALTER TABLE " + rel + " ADD COLUMNS (" + strings.Join(defs, ", ") + ")", ""})
	}
	return out
}

// describeColumns runs DESCRIBE TABLE or DESCRIBE QUERY and returns the
// columns, stopping at the partitioning section.
func (a *Adapter) describeColumns(ctx context.Context, q string) ([]adapter.Column, error) {
	_, rows, err := a.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []adapter.Column
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		name, _ := r[0].(string)
		typ, _ := r[1].(string)
		if name == "" || strings.HasPrefix(name, "#") {
			break
		}
		out = append(out, adapter.Column{Name: name, DataType: typ})
	}
	return out, nil
}

// mergeSQL renders a MERGE on keys. With cols it names the columns to set
// and insert (the table has more), else it uses UPDATE SET * / INSERT *.
func (a *Adapter) mergeSQL(rel string, keys, preds []string, sel string, cols []string) string {
	on := make([]string, 0, len(keys)+len(preds))
	for _, k := range keys {
		q := a.QuoteIdent(k)
		on = append(on, mergeTargetAlias+"."+q+" <=> "+mergeSourceAlias+"."+q)
	}
	for _, p := range preds {
		on = append(on, "("+p+")")
	}
	return "MERGE INTO " + rel + " AS " + mergeTargetAlias + "\nUSING (\n" + sel + "\n) AS " + mergeSourceAlias +
		"\nON " + strings.Join(on, "\nAND ") +
		mergeActions(cols, a.QuoteIdent)
}

func mergeActions(cols []string, quote func(string) string) string {
	if len(cols) == 0 {
		return "\nWHEN MATCHED THEN UPDATE SET *\nWHEN NOT MATCHED THEN INSERT *"
	}
	sets := make([]string, len(cols))
	names := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		q := quote(c)
		sets[i] = mergeTargetAlias + "." + q + " = " + mergeSourceAlias + "." + q
		names[i] = q
		vals[i] = mergeSourceAlias + "." + q
	}
	return "\nWHEN MATCHED THEN UPDATE SET " + strings.Join(sets, ", ") +
		"\nWHEN NOT MATCHED THEN INSERT (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
}

// insertOverwrite replaces the partitions the new rows touch (dynamic
// partition overwrite) or, for an unpartitioned table, the whole table;
// both are one Delta commit.
func (a *Adapter) insertOverwrite(ctx context.Context, rel string, sp tableSpec, sel string) (adapter.Result, error) {
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, a.stmtError(err)
	}
	defer conn.Close()
	if len(sp.PartitionBy) > 0 {
		if _, err := a.exec(ctx, conn, "SET spark.sql.sources.partitionOverwriteMode = dynamic"); err != nil {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("incremental model %s: insert_overwrite needs dynamic partition overwrite: %w", rel, err)
		}
		defer func() {
			_, _ = a.exec(context.WithoutCancel(ctx), conn, "RESET spark.sql.sources.partitionOverwriteMode")
		}()
	}
	res, err := a.exec(ctx, conn, "INSERT OVERWRITE TABLE "+rel+" BY NAME\n"+sel)
	if err != nil {
		return res, err
	}
	res.Message = "INSERT OVERWRITE"
	return res, a.optimize(ctx, rel, sp)
}

// alterClustering changes a liquid-clustered table's clustering columns
// when the model's differ from the table's (one DESCRIBE DETAIL, and an
// ALTER only on change).
func (a *Adapter) alterClustering(ctx context.Context, rel string, sp tableSpec) error {
	if len(sp.ClusterBy) == 0 {
		return nil
	}
	cols, rows, err := a.Query(ctx, "DESCRIBE DETAIL "+rel)
	if err != nil {
		return fmt.Errorf("read clustering of %s: %w", rel, err)
	}
	cur, err := clusteringColumns(cols, rows)
	if err != nil {
		return fmt.Errorf("read clustering of %s: %w", rel, err)
	}
	if sameColumns(cur, sp.ClusterBy) {
		return nil
	}
	if _, err := a.execIdem(ctx, "ALTER TABLE "+rel+" CLUSTER BY ("+a.quoteList(sp.ClusterBy)+")"); err != nil {
		return fmt.Errorf("change clustering of %s from %v to %v: %w", rel, cur, sp.ClusterBy, err)
	}
	return nil
}

// clusteringColumns reads clusteringColumns of a DESCRIBE DETAIL row (a
// JSON array on Spark, an array on Databricks).
func clusteringColumns(cols []string, rows [][]any) ([]string, error) {
	if len(rows) == 0 {
		return nil, errors.New("DESCRIBE DETAIL returned no row")
	}
	for i, c := range cols {
		if c != "clusteringColumns" {
			continue
		}
		switch v := rows[0][i].(type) {
		case nil:
			return nil, nil
		case string:
			var out []string
			if err := json.Unmarshal([]byte(v), &out); err != nil {
				return nil, fmt.Errorf("clusteringColumns %q: %w", v, err)
			}
			return out, nil
		case []byte:
			var out []string
			if err := json.Unmarshal(v, &out); err != nil {
				return nil, fmt.Errorf("clusteringColumns %q: %w", v, err)
			}
			return out, nil
		default:
			return nil, fmt.Errorf("clusteringColumns has unexpected type %T", v)
		}
	}
	return nil, nil
}

func sameColumns(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sparkType maps a declared seed/source column type to Spark SQL.
func sparkType(t string) string {
	u := strings.ToUpper(strings.TrimSpace(t))
	switch {
	case u == "", u == "VARCHAR", u == "TEXT", u == "CHAR", u == "BPCHAR", u == "UUID", u == "JSON",
		strings.HasPrefix(u, "VARCHAR("), strings.HasPrefix(u, "CHAR("):
		return "STRING"
	case u == "INTEGER", u == "INT4":
		return "INT"
	case u == "INT8", u == "LONG":
		return "BIGINT"
	case u == "INT2":
		return "SMALLINT"
	case u == "REAL", u == "FLOAT4":
		return "FLOAT"
	case u == "FLOAT8", u == "DOUBLE PRECISION":
		return "DOUBLE"
	case u == "TIMESTAMPTZ", u == "TIMESTAMP WITH TIME ZONE", u == "DATETIME":
		return "TIMESTAMP"
	case u == "BOOL":
		return "BOOLEAN"
	}
	return t
}

// LoadTable implements adapter.Adapter: the rows go into a staging Delta
// table in multi-row INSERTs of about 1 MiB each, then one CREATE OR
// REPLACE TABLE ... AS SELECT swaps them in atomically (a single batch
// skips the staging table). Values are cast to the declared column types.
func (a *Adapter) LoadTable(ctx context.Context, r adapter.Relation, cols []adapter.Column, rows [][]any) (adapter.Result, error) {
	rel := a.RelationName(r)
	if len(cols) == 0 {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: no columns", rel)
	}
	if r.Schema != "" {
		if err := a.CreateSchema(ctx, r.Database, r.Schema); err != nil {
			return adapter.Result{RowsAffected: -1}, err
		}
	}
	names := make([]string, len(cols))
	casts := make([]string, len(cols))
	defs := make([]string, len(cols))
	for i, c := range cols {
		q := a.QuoteIdent(c.Name)
		names[i] = q
		typ := sparkType(c.DataType)
		casts[i] = "CAST(" + q + " AS " + typ + ") AS " + q
		defs[i] = q + " " + typ
	}
	limit := a.loadBatchBytes
	if limit <= 0 {
		limit = maxStatementBytes
	}
	batches, err := valueBatches(rel, cols, rows, limit)
	if err != nil {
		return adapter.Result{RowsAffected: -1}, err
	}
	n := int64(len(rows))
	done := adapter.Result{RowsAffected: n, Message: fmt.Sprintf("INSERT %d", n)}
	if len(batches) == 0 {
		if _, err := a.execIdem(ctx, "CREATE OR REPLACE TABLE "+rel+" ("+strings.Join(defs, ", ")+") USING DELTA"); err != nil {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: %w", rel, err)
		}
		return done, nil
	}
	selectFrom := func(values string) string {
		return "SELECT " + strings.Join(casts, ", ") + " FROM VALUES\n" + values + "\nAS v(" + strings.Join(names, ", ") + ")"
	}
	if len(batches) == 1 {
		if _, err := a.execIdem(ctx, "CREATE OR REPLACE TABLE "+rel+" USING DELTA AS\n"+selectFrom(batches[0])); err != nil {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: %w", rel, err)
		}
		return done, nil
	}
	stage := r
	stage.Identifier = r.Identifier + "__techstore_load"
	srel := a.RelationName(stage)
	defer func() {
		_, _ = a.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+srel)
	}()
	if _, err := a.execIdem(ctx, "CREATE OR REPLACE TABLE "+srel+" USING DELTA AS\n"+selectFrom(batches[0])); err != nil {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: stage batch 1 of %d: %w", rel, len(batches), err)
	}
	for i, b := range batches[1:] {
		if _, err := a.Exec(ctx, "INSERT INTO "+srel+"\n"+selectFrom(b)); err != nil {
			return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: stage batch %d of %d: %w", rel, i+2, len(batches), err)
		}
	}
	if _, err := a.execIdem(ctx, "CREATE OR REPLACE TABLE "+rel+" USING DELTA AS SELECT * FROM "+srel); err != nil {
		return adapter.Result{RowsAffected: -1}, fmt.Errorf("load %s: swap in: %w", rel, err)
	}
	return done, nil
}

// valueBatches renders rows as VALUES tuples, cut into batches of about
// limit bytes.
func valueBatches(rel string, cols []adapter.Column, rows [][]any, limit int) ([]string, error) {
	var batches []string
	var b strings.Builder
	for i, row := range rows {
		if len(row) != len(cols) {
			return nil, fmt.Errorf("load %s: row %d has %d values, want %d (%s)", rel, i+1, len(row), len(cols), columnNames(cols))
		}
		if b.Len() >= limit {
			batches = append(batches, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteString(",\n")
		}
		b.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			// Every value goes in as text (an inline table wants one type
			// per column); the CAST to the declared type reads it.
			switch x := v.(type) {
			case time.Time:
				v = x.UTC().Format("2006-01-02 15:04:05.999999")
			case float64:
				v = strconv.FormatFloat(x, 'f', -1, 64)
			case float32:
				v = strconv.FormatFloat(float64(x), 'f', -1, 32)
			case nil, string:
			default:
				v = fmt.Sprint(x)
			}
			lit, err := Literal(v)
			if err != nil {
				return nil, fmt.Errorf("load %s: row %d column %s: %w", rel, i+1, cols[j].Name, err)
			}
			b.WriteString(lit)
		}
		b.WriteByte(')')
	}
	if b.Len() > 0 {
		batches = append(batches, b.String())
	}
	return batches, nil
}

func columnNames(cols []adapter.Column) string {
	n := make([]string, len(cols))
	for i, c := range cols {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}

// compile-time check.
var _ adapter.Adapter = (*Adapter)(nil)

// sameNames reports whether two column lists have the same names, in any
// order and case.
func sameNames(a, b []adapter.Column) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, c := range a {
		in[strings.ToLower(c.Name)] = true
	}
	for _, c := range b {
		if !in[strings.ToLower(c.Name)] {
			return false
		}
	}
	return true
}
