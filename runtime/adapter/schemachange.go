package adapter

import (
	"fmt"
	"strings"
)

// The values of an incremental model's on_schema_change config, as in dbt.
const (
	SchemaChangeIgnore = "ignore"             // leave the table's columns as they are (default)
	SchemaChangeFail   = "fail"               // stop when the SELECT's columns differ from the table's
	SchemaChangeAppend = "append_new_columns" // add the SELECT's new columns
	SchemaChangeSync   = "sync_all_columns"   // add new columns, drop gone ones, change types
)

// OnSchemaChange returns an incremental model's on_schema_change setting
// from its adapter-specific config, "ignore" when unset.
func OnSchemaChange(extra map[string]any) (string, error) {
	v, ok := extra["on_schema_change"]
	if !ok || v == nil {
		return SchemaChangeIgnore, nil
	}
	s, _ := v.(string)
	switch s {
	case SchemaChangeIgnore, SchemaChangeFail, SchemaChangeAppend, SchemaChangeSync:
		return s, nil
	}
	return "", fmt.Errorf("config on_schema_change: want ignore, fail, append_new_columns or sync_all_columns, got %v", v)
}

// ColumnChange is a column whose type differs between table and SELECT.
type ColumnChange struct {
	Name, From, To string
}

// SchemaDiff is how an incremental model's SELECT differs from its table.
type SchemaDiff struct {
	Added   []Column       // in the SELECT, not in the table (SELECT's order)
	Removed []Column       // in the table, not in the SELECT (table's order)
	Changed []ColumnChange // in both, with another type (table's order)
}

// Empty reports whether the SELECT and the table have the same columns.
func (d SchemaDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// String lists the differences, e.g. "added: b INTEGER; removed: c".
func (d SchemaDiff) String() string {
	var parts []string
	if len(d.Added) > 0 {
		s := make([]string, len(d.Added))
		for i, c := range d.Added {
			s[i] = c.Name + " " + c.DataType
		}
		parts = append(parts, "added: "+strings.Join(s, ", "))
	}
	if len(d.Removed) > 0 {
		s := make([]string, len(d.Removed))
		for i, c := range d.Removed {
			s[i] = c.Name
		}
		parts = append(parts, "removed: "+strings.Join(s, ", "))
	}
	if len(d.Changed) > 0 {
		s := make([]string, len(d.Changed))
		for i, c := range d.Changed {
			s[i] = c.Name + " " + c.From + " -> " + c.To
		}
		parts = append(parts, "type changed: "+strings.Join(s, ", "))
	}
	return strings.Join(parts, "; ")
}

// DiffColumns compares a table's columns with its model's SELECT. Names
// and types compare case-insensitively.
func DiffColumns(table, query []Column) SchemaDiff {
	var d SchemaDiff
	inTable := make(map[string]Column, len(table))
	for _, c := range table {
		inTable[strings.ToLower(c.Name)] = c
	}
	inQuery := make(map[string]Column, len(query))
	for _, c := range query {
		inQuery[strings.ToLower(c.Name)] = c
		if _, ok := inTable[strings.ToLower(c.Name)]; !ok {
			d.Added = append(d.Added, c)
		}
	}
	for _, c := range table {
		q, ok := inQuery[strings.ToLower(c.Name)]
		switch {
		case !ok:
			d.Removed = append(d.Removed, c)
		case !strings.EqualFold(q.DataType, c.DataType):
			d.Changed = append(d.Changed, ColumnChange{Name: c.Name, From: c.DataType, To: q.DataType})
		}
	}
	return d
}

// SchemaChangeError is the error of on_schema_change fail.
func SchemaChangeError(model string, d SchemaDiff) error {
	return fmt.Errorf("incremental model %s: its SELECT's columns differ from the table's (%s) and on_schema_change is fail: run with --full-refresh to rebuild the table, or set on_schema_change to append_new_columns or sync_all_columns", model, d)
}

// PadSelect wraps sel to return the table's columns in order, with a
// typed NULL for each one the SELECT (whose columns are have) lacks; the
// SELECT's other columns are left out. Delta's incremental inserts go
// through it when the SELECT's columns differ from the table's (REPLACE
// WHERE matches by position).
func PadSelect(sel string, table []Column, have []string, quote func(string) string) string {
	in := make(map[string]bool, len(have))
	for _, h := range have {
		in[strings.ToLower(h)] = true
	}
	items := make([]string, len(table))
	for i, c := range table {
		q := quote(c.Name)
		if in[strings.ToLower(c.Name)] {
			items[i] = q
		} else {
			items[i] = "CAST(NULL AS " + c.DataType + ") AS " + q
		}
	}
	return "SELECT " + strings.Join(items, ", ") + " FROM (\n" + sel + "\n)"
}

// Names lists the columns' names.
func Names(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// Kept returns the columns of the SELECT (query) that the table has, in
// the table's order: what on_schema_change ignore inserts. A new column
// of the SELECT is left out, as dbt does; a column the SELECT lost is
// NULL in new rows and left as it is in updated ones.
func Kept(table, query []Column) []string {
	in := make(map[string]bool, len(query))
	for _, c := range query {
		in[strings.ToLower(c.Name)] = true
	}
	var out []string
	for _, c := range table {
		if in[strings.ToLower(c.Name)] {
			out = append(out, c.Name)
		}
	}
	return out
}

// SelectColumns wraps sel to return only the named columns, in order.
func SelectColumns(sel string, names []string, quote func(string) string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return "SELECT " + strings.Join(q, ", ") + " FROM (\n" + sel + "\n)"
}
