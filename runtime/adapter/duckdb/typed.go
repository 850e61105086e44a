package duckdb

import (
	"context"
	"fmt"
	"strings"

	duckdbdrv "github.com/duckdb/duckdb-go/v2"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

var _ adapter.TypedQuerier = (*Adapter)(nil)

// QueryTyped implements adapter.TypedQuerier: the rows of Query with the
// column types DuckDB reports (DATE, TIMESTAMP, DECIMAL(p,s), ...). Two
// driver-specific values are turned into the text DuckDB prints: a UUID
// (the driver scans 16 bytes) and an INTERVAL ("1 year 2 days 03:00:00").
func (a *Adapter) QueryTyped(ctx context.Context, q string, args ...any) ([]adapter.ColumnType, [][]any, error) {
	rows, err := a.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, cleanErr(err)
	}
	defer rows.Close()
	cols, out, err := adapter.ScanTyped(rows)
	if err != nil {
		return nil, nil, cleanErr(err)
	}
	for j, c := range cols {
		if c.DatabaseType != "UUID" && c.DatabaseType != "INTERVAL" {
			continue
		}
		for _, r := range out {
			switch v := r[j].(type) {
			case []byte:
				if len(v) == len(duckdbdrv.UUID{}) {
					var u duckdbdrv.UUID
					copy(u[:], v)
					r[j] = u.String()
				}
			case duckdbdrv.Interval:
				r[j] = IntervalText(v.Months, v.Days, v.Micros)
			}
		}
	}
	return cols, out, nil
}

// IntervalText spells an interval as DuckDB prints it: "1 year 2 months
// 3 days 04:05:06.5"; the zero interval is "00:00:00".
func IntervalText(months, days int32, micros int64) string {
	var parts []string
	unit := func(n int64, one string) {
		if n == 0 {
			return
		}
		s := fmt.Sprintf("%d %s", n, one)
		if n != 1 && n != -1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	unit(int64(months)/12, "year")
	unit(int64(months)%12, "month")
	unit(int64(days), "day")
	if micros != 0 || len(parts) == 0 {
		sign := ""
		if micros < 0 {
			sign, micros = "-", -micros
		}
		sec := micros / 1_000_000
		t := fmt.Sprintf("%s%02d:%02d:%02d", sign, sec/3600, sec/60%60, sec%60)
		if frac := micros % 1_000_000; frac != 0 {
			t += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}
