package adapter

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// ColumnType is a result column as the driver reports it.
type ColumnType struct {
	Name string
	// DatabaseType is the driver's type name, e.g. "DATE",
	// "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DECIMAL(18,2)", "VARCHAR";
	// empty when the driver does not say.
	DatabaseType string
	// Precision and Scale of a DECIMAL column; HasDecimalSize is false
	// for other types or when neither the driver nor the type name says.
	Precision, Scale int64
	HasDecimalSize   bool
	// ScanType is the Go type the driver scans the column into (nil when unknown).
	ScanType reflect.Type
}

// TypedQuerier is implemented by adapters that can report the types of a
// query's result columns. It is optional: callers check for it with a type
// assertion and fall back to Adapter.Query, whose rows are the same.
type TypedQuerier interface {
	QueryTyped(ctx context.Context, sql string, args ...any) (cols []ColumnType, rows [][]any, err error)
}

// ScanTyped reads every row of rows with the column types the driver
// reports. It does not close rows. An adapter built on database/sql
// implements TypedQuerier with it.
func ScanTyped(rows *sql.Rows) ([]ColumnType, [][]any, error) {
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, fmt.Errorf("read column types: %w", err)
	}
	cols := make([]ColumnType, len(cts))
	for i, ct := range cts {
		cols[i] = ColumnType{Name: ct.Name(), DatabaseType: ct.DatabaseTypeName(), ScanType: ct.ScanType()}
		if p, s, ok := ct.DecimalSize(); ok && isDecimalType(cols[i].DatabaseType) {
			cols[i].Precision, cols[i].Scale, cols[i].HasDecimalSize = p, s, true
		} else if p, s, ok := ParseDecimalType(cols[i].DatabaseType); ok {
			cols[i].Precision, cols[i].Scale, cols[i].HasDecimalSize = p, s, true
		}
	}
	out, err := scanAll(rows, len(cols))
	if err != nil {
		return nil, nil, err
	}
	return cols, out, nil
}

// ScanRows reads every row of rows as driver values, with the column
// names. It does not close rows. Adapters built on database/sql implement
// Adapter.Query with it.
func ScanRows(rows *sql.Rows) ([]string, [][]any, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	out, err := scanAll(rows, len(cols))
	if err != nil {
		return nil, nil, err
	}
	return cols, out, nil
}

// scanAll scans the remaining rows, n columns each.
func scanAll(rows *sql.Rows, n int) ([][]any, error) {
	var out [][]any
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func isDecimalType(t string) bool {
	t = strings.ToUpper(t)
	return strings.HasPrefix(t, "DECIMAL") || strings.HasPrefix(t, "NUMERIC")
}

// ParseDecimalType reads the precision and scale out of a type name such
// as "DECIMAL(18,2)" or "numeric(10, 0)"; ok is false for anything else
// (including a bare "DECIMAL", whose size the name does not give).
func ParseDecimalType(t string) (precision, scale int64, ok bool) {
	t = strings.ToUpper(strings.TrimSpace(t))
	var rest string
	switch {
	case strings.HasPrefix(t, "DECIMAL"):
		rest = t[len("DECIMAL"):]
	case strings.HasPrefix(t, "NUMERIC"):
		rest = t[len("NUMERIC"):]
	default:
		return 0, 0, false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return 0, 0, false
	}
	ps := strings.Split(rest[1:len(rest)-1], ",")
	if len(ps) != 2 {
		return 0, 0, false
	}
	p, err1 := strconv.ParseInt(strings.TrimSpace(ps[0]), 10, 64)
	s, err2 := strconv.ParseInt(strings.TrimSpace(ps[1]), 10, 64)
	if err1 != nil || err2 != nil || p <= 0 || s < 0 || s > p {
		return 0, 0, false
	}
	return p, s, true
}
