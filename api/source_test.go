package api

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/techstore-analytics/techstore/api/table"
)

func TestCheapen(t *testing.T) {
	big60 := new(big.Int).Lsh(big.NewInt(1), 60)
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"money", duckdb.Decimal{Width: 18, Scale: 2, Value: big.NewInt(12345)}, mustFloat("123.45")},
		{"negative", duckdb.Decimal{Width: 18, Scale: 2, Value: big.NewInt(-2500)}, mustFloat("-25.00")},
		{"0.07 (not exact in binary)", duckdb.Decimal{Width: 5, Scale: 2, Value: big.NewInt(7)}, mustFloat("0.07")},
		{"4 decimals", duckdb.Decimal{Width: 10, Scale: 4, Value: big.NewInt(39967)}, mustFloat("3.9967")},
		{"too wide for float64: left as is", duckdb.Decimal{Width: 38, Scale: 2, Value: big60}, duckdb.Decimal{Width: 38, Scale: 2, Value: big60}},
		{"date", time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), "2026-10-31"},
		{"timestamp: left as is", time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)},
		{"text", "x", "x"},
		{"NULL", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := cheapen(c.in, map[int64]string{})
			if d, ok := c.want.(duckdb.Decimal); ok {
				g, ok := got.(duckdb.Decimal)
				if !ok || g.Value.Cmp(d.Value) != 0 {
					t.Errorf("got %v", got)
				}
				return
			}
			if got != c.want {
				t.Errorf("cheapen(%v) = %v (%T), want %v (%T)", c.in, got, got, c.want, c.want)
			}
		})
	}
	// Dates are shared: one string per day.
	dates := map[int64]string{}
	a := cheapen(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), dates).(string)
	b := cheapen(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), dates).(string)
	if a != b || len(dates) != 1 {
		t.Errorf("dates not shared: %q %q %v", a, b, dates)
	}
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return f
}

// The DuckDB source reads DECIMAL columns as DOUBLE; each value must be
// the float64 nearest to the decimal's text, as strconv parses it (what
// the loader made of the decimal before).
func TestDuckDBReadsDecimalsAsNearestDouble(t *testing.T) {
	cases := []struct {
		name, typ, text string
	}{
		{"money", "decimal(18,2)", "123.45"},
		{"0.07 (not exact in binary)", "decimal(5,2)", "0.07"},
		{"1.005", "decimal(18,3)", "1.005"},
		{"negative cent", "decimal(18,2)", "-0.01"},
		{"twelve digits", "decimal(18,2)", "123456789012.34"},
		{"largest exact cents", "decimal(18,2)", "90071992547409.91"},
		{"percentage", "decimal(5,2)", "99.99"},
		{"4 decimals", "decimal(10,4)", "3.9967"},
		{"zero", "decimal(18,2)", "0.00"},
	}
	path := filepath.Join(t.TempDir(), "dec.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	var cols []table.Column
	var defs, vals, names []string
	for i, c := range cases {
		n := "c" + strconv.Itoa(i)
		cols = append(cols, table.Column{Name: n, Type: c.typ})
		defs = append(defs, n+" "+c.typ)
		vals = append(vals, c.text)
		names = append(names, n)
	}
	for _, s := range []string{"CREATE SCHEMA gold", "CREATE TABLE gold.d (" + strings.Join(defs, ", ") + ")", "INSERT INTO gold.d VALUES (" + strings.Join(vals, ", ") + ")"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	src, closer, err := (&DuckDB{Path: path}).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	src.(*sqlSource).types = map[string][]table.Column{"d": cols}
	var got []any
	err = src.Select(context.Background(), "d", names, func(v []any) error {
		got = append([]any(nil), v...)
		return nil
	})
	if err != nil || len(got) != len(cases) {
		t.Fatalf("select: %v, %d values", err, len(got))
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if want := mustFloat(c.text); got[i] != want {
				t.Errorf("%s %s read as %v (%T), want %v", c.typ, c.text, got[i], got[i], want)
			}
		})
	}
}

// Big tables are read in rowid ranges; every row must come exactly once,
// gaps in rowid (deleted rows) included, and views (no rowid) in one query.
func TestDuckDBReadsInRowidRanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ranges.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"CREATE SCHEMA gold",
		"CREATE TABLE gold.t AS SELECT range AS id FROM range(1, 11)",
		"DELETE FROM gold.t WHERE id IN (4, 5)",
		"CREATE TABLE gold.small AS SELECT range AS id FROM range(1, 3)",
		"CREATE TABLE gold.empty (id BIGINT)",
		"CREATE VIEW gold.v AS SELECT id FROM gold.t WHERE id > 6",
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	cases := []struct {
		name, model string
		step        int
		want        string // ids read, sorted
	}{
		{"ranges of 3 over 10 rowids with a gap", "t", 3, "1 2 3 6 7 8 9 10"},
		{"ranges of 1", "t", 1, "1 2 3 6 7 8 9 10"},
		{"one range", "t", 16384, "1 2 3 6 7 8 9 10"},
		{"small table", "small", 3, "1 2"},
		{"empty table", "empty", 3, ""},
		{"view: one query", "v", 3, "7 8 9 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, closer, err := (&DuckDB{Path: path}).Open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			s := src.(*sqlSource)
			s.rowsPerQuery = c.step
			var ids []int
			err = s.Select(context.Background(), c.model, []string{"id"}, func(v []any) error {
				ids = append(ids, int(v[0].(int64)))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sort.Ints(ids)
			got := strings.Trim(fmt.Sprint(ids), "[]")
			if got != c.want {
				t.Errorf("read %q, want %q", got, c.want)
			}
		})
	}
}
