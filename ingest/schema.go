package ingest

import (
	"fmt"
	"strings"
)

// Schema is the schema that holds the raw tables.
const Schema = "techstore"

// kind is a column's logical type; the dialects spell it.
type kind int

const (
	kBigint kind = iota
	kInt
	kString
	kMoney   // DECIMAL(10,2); values are int64 cents
	kPercent // DECIMAL(5,2); values are int64 hundredths of a percent
	kWeight  // DECIMAL(5,2); values are int64 hundredths of a kilogram
	kTimestamp
	kDate
	kBool
)

// defaultKind is a column default, spelled per dialect.
type defaultKind int

const (
	defNone defaultKind = iota
	defNow
	defTrue
	defFalse
	defZero
)

type column struct {
	name    string
	kind    kind
	notNull bool
	def     defaultKind
}

type check struct{ name, expr string }

// constraint is a CHECK constraint on one nullable column.
type constraint struct{ name, column, expr string }

type foreignKey struct{ name, column, refTable string }

// table describes one raw table. Columns are in load (appender) order.
type table struct {
	name        string
	columns     []column
	unique      []check // name, column
	checks      []constraint
	fks         []foreignKey
	partition   string // timestamp column whose date partitions the table on Databricks
	partCol     string // name of the generated partition column
	autoCompact bool
}

// Table names, in load order.
const (
	TableCategories = "product_categories"
	TableCustomers  = "customers"
	TableProducts   = "products"
	TableOrders     = "orders"
	TableItems      = "order_items"
	TableReviews    = "reviews"
)

// TableNames lists the six raw tables in load order (parents first).
func TableNames() []string {
	return []string{TableCategories, TableCustomers, TableProducts, TableOrders, TableItems, TableReviews}
}

func tables() []table {
	id := column{"id", kBigint, true, defNone}
	return []table{
		{name: TableCategories, columns: []column{id,
			{"name", kString, true, defNone},
			{"parent_category_id", kBigint, false, defNone},
			{"description", kString, false, defNone},
			{"is_active", kBool, false, defTrue},
		}, unique: []check{{"categories_name_unique", "name"}},
			fks: []foreignKey{{"categories_parent_fk", "parent_category_id", TableCategories}}},
		{name: TableCustomers, autoCompact: true, columns: []column{id,
			{"name", kString, true, defNone},
			{"email", kString, true, defNone},
			{"registration_date", kTimestamp, false, defNow},
			{"birth_date", kDate, false, defNone},
			{"phone", kString, false, defNone},
			{"city", kString, false, defNone},
			{"country", kString, false, defNone},
			{"is_active", kBool, false, defTrue},
		}, unique: []check{{"customers_email_unique", "email"}}},
		{name: TableProducts, autoCompact: true, columns: []column{id,
			{"name", kString, true, defNone},
			{"description", kString, false, defNone},
			{"category", kString, true, defNone},
			{"subcategory", kString, false, defNone},
			{"brand", kString, true, defNone},
			{"model", kString, false, defNone},
			{"price", kMoney, true, defNone},
			{"cost", kMoney, true, defNone},
			{"stock", kInt, false, defZero},
			{"weight_kg", kWeight, false, defNone},
			{"dimensions", kString, false, defNone},
			{"launch_date", kDate, false, defNone},
			{"is_active", kBool, false, defTrue},
			{"created_at", kTimestamp, false, defNow},
		}},
		{name: TableOrders, autoCompact: true, partition: "order_date", partCol: "order_day", columns: []column{id,
			{"customer_id", kBigint, true, defNone},
			{"order_date", kTimestamp, false, defNow},
			{"status", kString, true, defNone},
			{"payment_method", kString, false, defNone},
			{"payment_status", kString, false, defNone},
			{"subtotal", kMoney, false, defNone},
			{"tax_amount", kMoney, false, defNone},
			{"shipping_cost", kMoney, false, defNone},
			{"discount_amount", kMoney, false, defZero},
			{"total_amount", kMoney, true, defNone},
			{"shipping_address", kString, false, defNone},
			{"estimated_delivery", kDate, false, defNone},
			{"actual_delivery", kDate, false, defNone},
			{"notes", kString, false, defNone},
		}, checks: []constraint{
			{"orders_status_check", "status", "status IN (" + quotedList(OrderStatuses) + ")"},
			{"orders_payment_status_check", "payment_status", "payment_status IN (" + quotedList(PaymentStatuses) + ")"},
		}, fks: []foreignKey{{"orders_customer_fk", "customer_id", TableCustomers}}},
		{name: TableItems, columns: []column{id,
			{"order_id", kBigint, true, defNone},
			{"product_id", kBigint, true, defNone},
			{"quantity", kInt, true, defNone},
			{"unit_price", kMoney, true, defNone},
			{"unit_cost", kMoney, true, defNone},
			{"line_total", kMoney, true, defNone},
			{"discount_percent", kPercent, false, defZero},
			{"created_at", kTimestamp, false, defNow},
		}, fks: []foreignKey{
			{"order_items_order_fk", "order_id", TableOrders},
			{"order_items_product_fk", "product_id", TableProducts},
		}},
		{name: TableReviews, partition: "review_date", partCol: "review_day", columns: []column{id,
			{"product_id", kBigint, true, defNone},
			{"customer_id", kBigint, true, defNone},
			{"order_id", kBigint, false, defNone},
			{"rating", kInt, false, defNone},
			{"title", kString, false, defNone},
			{"comment", kString, false, defNone},
			{"review_date", kTimestamp, false, defNow},
			{"is_verified_purchase", kBool, false, defFalse},
			{"helpful_votes", kInt, false, defZero},
			{"total_votes", kInt, false, defZero},
		}, checks: []constraint{{"reviews_rating_check", "rating", "rating BETWEEN 1 AND 5"}},
			fks: []foreignKey{
				{"reviews_product_fk", "product_id", TableProducts},
				{"reviews_customer_fk", "customer_id", TableCustomers},
				{"reviews_order_fk", "order_id", TableOrders},
			}},
	}
}

func quotedList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return strings.Join(q, ", ")
}

func (t table) notNull(column string) bool {
	for _, c := range t.columns {
		if c.name == column {
			return c.notNull
		}
	}
	return false
}

func (t table) columnNames() []string {
	out := make([]string, len(t.columns))
	for i, c := range t.columns {
		out[i] = c.name
	}
	return out
}

// DuckDBDDL returns the statements that create the schema, the identity
// sequences and the six tables on DuckDB, parents first, in the catalog
// (database) given ("" leaves names schema-qualified only; qualify them
// when the file is named techstore.duckdb, whose catalog "techstore"
// would make "techstore.customers" ambiguous). Identity is emulated with
// one sequence per table (the loader writes explicit ids and then advances
// the sequence past them); the id default names the sequence with the
// catalog, so inserts without an id work when the file is opened under
// its own name (not when attached under another alias). Defaults, NOT NULL, CHECK, PRIMARY KEY, UNIQUE
// and FOREIGN KEY constraints are kept as DuckDB enforces them.
func DuckDBDDL(catalog string) []string {
	q := duckQualifier(catalog)
	out := []string{"CREATE SCHEMA IF NOT EXISTS " + q("")}
	for _, t := range tables() {
		seq := t.name + "_id_seq"
		out = append(out, "CREATE SEQUENCE "+q(seq)+" START 1")
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", q(t.name))
		for i, c := range t.columns {
			fmt.Fprintf(&b, "    %s %s", c.name, duckType(c.kind))
			if i == 0 {
				fmt.Fprintf(&b, " DEFAULT nextval('%s')", strings.ReplaceAll(q(seq), "'", "''"))
			}
			if c.notNull {
				b.WriteString(" NOT NULL")
			}
			if d := duckDefault(c.def); d != "" {
				b.WriteString(" DEFAULT " + d)
			}
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    CONSTRAINT %s_pk PRIMARY KEY (id)", t.name)
		for _, u := range t.unique {
			fmt.Fprintf(&b, ",\n    CONSTRAINT %s UNIQUE (%s)", u.name, u.expr)
		}
		for _, c := range t.checks {
			fmt.Fprintf(&b, ",\n    CONSTRAINT %s CHECK (%s)", c.name, c.expr)
		}
		for _, f := range t.fks {
			// DuckDB takes no catalog here; the schema resolves in the table's catalog.
			fmt.Fprintf(&b, ",\n    CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (id)", f.name, f.column, duckQualifier("")(f.refTable))
		}
		b.WriteString("\n)")
		out = append(out, b.String())
	}
	return out
}

// duckQualifier returns a function naming an object of the techstore
// schema (or the schema itself for ""), catalog-qualified when catalog is set.
func duckQualifier(catalog string) func(string) string {
	return func(name string) string {
		parts := []string{Schema}
		if catalog != "" {
			parts = append([]string{catalog}, parts...)
		}
		if name != "" {
			parts = append(parts, name)
		}
		for i, p := range parts {
			parts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
		}
		return strings.Join(parts, ".")
	}
}

func duckType(k kind) string {
	switch k {
	case kBigint:
		return "BIGINT"
	case kInt:
		return "INTEGER"
	case kMoney:
		return "DECIMAL(10,2)"
	case kPercent, kWeight:
		return "DECIMAL(5,2)"
	case kTimestamp:
		return "TIMESTAMP"
	case kDate:
		return "DATE"
	case kBool:
		return "BOOLEAN"
	default:
		return "VARCHAR"
	}
}

func duckDefault(d defaultKind) string {
	switch d {
	case defNow:
		return "current_timestamp"
	case defTrue:
		return "true"
	case defFalse:
		return "false"
	case defZero:
		return "0"
	}
	return ""
}

// DatabricksOptions tunes the Databricks DDL to what a target supports.
type DatabricksOptions struct {
	// Identity makes id a generated identity column (GENERATED BY DEFAULT,
	// so that the loader can write the ids the foreign keys point at; it
	// then runs SYNC IDENTITY). Databricks: true; open-source Spark: false.
	Identity bool
	// KeyConstraints adds informational PRIMARY KEY and FOREIGN KEY
	// constraints (Unity Catalog only). Databricks: true; Spark: false.
	KeyConstraints bool
	// GeneratedPartitions partitions orders and reviews by the generated
	// date columns order_day and review_day. Databricks: true. Open-source
	// Spark's Delta catalog refuses generated columns in SQL DDL.
	GeneratedPartitions bool
	// Cluster, without GeneratedPartitions, clusters orders and reviews
	// (liquid clustering) by order_date and review_date.
	Cluster bool
}

// OptionsFor returns the DDL options for an adapter type.
func OptionsFor(adapterType string) DatabricksOptions {
	if adapterType == "databricks" {
		return DatabricksOptions{Identity: true, KeyConstraints: true, GeneratedPartitions: true}
	}
	return DatabricksOptions{}
}

// relName renders the name of a table of the techstore schema.
type relName func(table string) string

// databricksCreate returns the CREATE TABLE statement and the ALTER TABLE
// statements adding its CHECK constraints for table t under the name rel(t.name).
func databricksCreate(t table, name string, o DatabricksOptions) []string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n", name)
	for i, c := range t.columns {
		fmt.Fprintf(&b, "    %s %s", c.name, sparkType(c.kind))
		if i == 0 && o.Identity {
			b.WriteString(" GENERATED BY DEFAULT AS IDENTITY")
		}
		if c.notNull {
			b.WriteString(" NOT NULL")
		}
		if d := sparkDefault(c.def); d != "" {
			b.WriteString(" DEFAULT " + d)
		}
		if i < len(t.columns)-1 || (t.partCol != "" && o.GeneratedPartitions) {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	if t.partCol != "" && o.GeneratedPartitions {
		fmt.Fprintf(&b, "    %s DATE GENERATED ALWAYS AS (CAST(%s AS DATE))\n", t.partCol, t.partition)
	}
	b.WriteString(") USING DELTA\n")
	switch {
	case t.partCol != "" && o.GeneratedPartitions:
		fmt.Fprintf(&b, "PARTITIONED BY (%s)\n", t.partCol)
	case t.partCol != "" && o.Cluster:
		fmt.Fprintf(&b, "CLUSTER BY (%s)\n", t.partition)
	}
	props := []string{"'delta.feature.allowColumnDefaults' = 'supported'", "'delta.autoOptimize.optimizeWrite' = 'true'"}
	if t.autoCompact {
		props = append(props, "'delta.autoOptimize.autoCompact' = 'true'")
	}
	fmt.Fprintf(&b, "TBLPROPERTIES (%s)", strings.Join(props, ", "))
	out := []string{b.String()}
	for _, c := range t.checks {
		// Delta rejects a row whose CHECK is NULL (standard SQL accepts it):
		// say that a NULL is allowed, as the reference means.
		expr := c.expr
		if !t.notNull(c.column) {
			expr = c.column + " IS NULL OR " + expr
		}
		out = append(out, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)", name, c.name, expr))
	}
	return out
}

// databricksPK returns the informational PRIMARY KEY of t, added once the
// table has its final name (constraint names are unique in a schema, so a
// staging table cannot carry it while the old table exists).
func databricksPK(t table, rel relName, o DatabricksOptions) []string {
	if !o.KeyConstraints {
		return nil
	}
	return []string{fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_pk PRIMARY KEY (id)", rel(t.name), t.name)}
}

// databricksFKs returns the informational FOREIGN KEY constraints of t,
// added once every table has its final name and primary key. Uniqueness
// (the reference's UNIQUE constraints) is left to data tests: Databricks
// has no UNIQUE.
func databricksFKs(t table, rel relName, o DatabricksOptions) []string {
	if !o.KeyConstraints {
		return nil
	}
	var out []string
	for _, f := range t.fks {
		out = append(out, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (id)",
			rel(t.name), f.name, f.column, rel(f.refTable)))
	}
	return out
}

// DatabricksDDL returns the statements that create the six tables on
// Databricks (or Spark with Delta) as managed Delta tables, with names
// rendered by rel: CREATE TABLE with defaults, identity and the generated
// partition columns order_day/review_day, CHECK constraints added with
// ALTER TABLE, then the informational primary and foreign keys.
func DatabricksDDL(rel func(table string) string, o DatabricksOptions) []string {
	return append(databricksCreates(rel, o), databricksKeys(rel, o)...)
}

// databricksCreates returns the CREATE and CHECK statements of every table
// under the names given by create.
func databricksCreates(create relName, o DatabricksOptions) []string {
	var out []string
	for _, t := range tables() {
		out = append(out, databricksCreate(t, create(t.name), o)...)
	}
	return out
}

// databricksKeys returns every informational key constraint: primary keys
// first, then foreign keys.
func databricksKeys(rel relName, o DatabricksOptions) []string {
	var pks, fks []string
	for _, t := range tables() {
		pks = append(pks, databricksPK(t, rel, o)...)
		fks = append(fks, databricksFKs(t, rel, o)...)
	}
	return append(pks, fks...)
}

func sparkType(k kind) string {
	switch k {
	case kString:
		return "STRING"
	default:
		return duckType(k)
	}
}

func sparkDefault(d defaultKind) string {
	if d == defNow {
		return "current_timestamp()"
	}
	return duckDefault(d)
}
