package exec

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

// Seed column types, spelled so that DuckDB and Spark SQL both accept them.
const (
	TypeBigint    = "BIGINT"
	TypeDouble    = "DOUBLE"
	TypeDate      = "DATE"
	TypeTimestamp = "TIMESTAMP"
	TypeBoolean   = "BOOLEAN"
	TypeString    = "STRING"
)

var (
	dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tsRe   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$`)
)

// ReadSeed parses a seed CSV (header row first). Empty fields are NULL.
// Column types come from declared (column -> SQL type) or are inferred from
// the values: BIGINT, DOUBLE, DATE, TIMESTAMP, BOOLEAN, else STRING.
// Values are returned as strings (nil for NULL) for the adapter to cast.
func ReadSeed(path string, declared map[string]string) ([]adapter.Column, [][]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read seed: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("seed %s: the file is empty; the first line must name the columns", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("seed %s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, nil, fmt.Errorf("seed %s: header column %d is empty; name every column", path, i+1)
		}
		if seen[strings.ToLower(h)] {
			return nil, nil, fmt.Errorf("seed %s: column %q appears twice in the header", path, h)
		}
		seen[strings.ToLower(h)] = true
		header[i] = h
	}
	for c := range declared {
		if !seen[strings.ToLower(c)] {
			return nil, nil, fmt.Errorf("seed %s: column_types names %q, which is not a column (columns: %s)", path, c, strings.Join(header, ", "))
		}
	}
	var rows [][]any
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("seed %s: %w", path, err)
		}
		row := make([]any, len(rec))
		for i, v := range rec {
			if v == "" {
				row[i] = nil
			} else {
				row[i] = v
			}
		}
		rows = append(rows, row)
	}
	cols := make([]adapter.Column, len(header))
	for i, h := range header {
		cols[i] = adapter.Column{Name: h}
		for c, t := range declared {
			if strings.EqualFold(c, h) {
				cols[i].DataType = t
			}
		}
		if cols[i].DataType == "" {
			cols[i].DataType = inferType(rows, i)
		}
	}
	return cols, rows, nil
}

// inferType picks the narrowest type all non-null values of column i fit.
func inferType(rows [][]any, i int) string {
	isInt, isFloat, isDate, isTS, isBool := true, true, true, true, true
	any := false
	for _, r := range rows {
		v, ok := r[i].(string)
		if !ok {
			continue
		}
		any = true
		if isInt {
			_, err := strconv.ParseInt(v, 10, 64)
			isInt = err == nil && !leadingZero(v)
		}
		if isFloat {
			_, err := strconv.ParseFloat(v, 64)
			isFloat = err == nil && !leadingZero(v) && !strings.ContainsAny(v, "xXpP_") && !strings.EqualFold(v, "nan") && !strings.Contains(strings.ToLower(v), "inf")
		}
		isDate = isDate && dateRe.MatchString(v)
		isTS = isTS && (tsRe.MatchString(v) || dateRe.MatchString(v))
		isBool = isBool && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false"))
	}
	switch {
	case !any:
		return TypeString
	case isInt:
		return TypeBigint
	case isFloat:
		return TypeDouble
	case isDate:
		return TypeDate
	case isTS:
		return TypeTimestamp
	case isBool:
		return TypeBoolean
	}
	return TypeString
}

// leadingZero reports text like "007" or "-01": codes, kept as text.
func leadingZero(v string) bool {
	v = strings.TrimPrefix(v, "-")
	return len(v) > 1 && v[0] == '0' && v[1] >= '0' && v[1] <= '9'
}
