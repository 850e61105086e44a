package api

import (
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
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
