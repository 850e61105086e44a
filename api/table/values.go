package table

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
)

// Dec2 is a DECIMAL with 2 decimals (money, percentages). It encodes as a
// JSON number with exactly 2 decimals.
type Dec2 float64

// MarshalJSON writes the value with 2 decimals, e.g. 12.50.
func (d Dec2) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("encode decimal: %v is not a finite number", f)
	}
	return strconv.AppendFloat(nil, round2(f), 'f', 2, 64), nil
}

// round2 rounds half away from zero to 2 decimals.
func round2(f float64) float64 {
	// Fast path: already 2 decimals (every DECIMAL(p,2) value).
	if c := f * 100; math.Abs(c) < 1e15 {
		if r := math.Round(c); math.Abs(c-r) < 1e-6 {
			return r / 100
		}
	}
	s := strconv.FormatFloat(f, 'f', -1, 64) // shortest exact decimal form
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return math.Round(f*100) / 100
	}
	r.Mul(r, big.NewRat(100, 1))
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	// |m|*2 >= den -> round away from zero
	m2 := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	if m2.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	out, _ := new(big.Rat).SetFrac(q, big.NewInt(100)).Float64()
	return out
}

// float64er is what duckdb-go's Decimal and similar types provide.
type float64er interface{ Float64() float64 }

// Int64 converts a warehouse value to int64.
func Int64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, fmt.Errorf("value %d does not fit a bigint", x)
		}
		return int64(x), nil
	case *big.Int:
		if !x.IsInt64() {
			return 0, fmt.Errorf("value %s does not fit a bigint", x)
		}
		return x.Int64(), nil
	case float64:
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("value %v is not an integer", x)
		}
		return int64(x), nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("value %q is not an integer", x)
		}
		return n, nil
	case []byte:
		return Int64(string(x))
	case float64er:
		return Int64(x.Float64())
	}
	return 0, fmt.Errorf("cannot read %T as an integer", v)
}

// Int32 converts a warehouse value to int32.
func Int32(v any) (int32, error) {
	n, err := Int64(v)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		return 0, fmt.Errorf("value %d does not fit an integer", n)
	}
	return int32(n), nil
}

// Float64 converts a warehouse value (double, decimal, integer, string) to float64.
func Float64(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return 0, fmt.Errorf("value %q is not a number", x)
		}
		return f, nil
	case []byte:
		return Float64(string(x))
	case float64er:
		return x.Float64(), nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	}
	n, err := Int64(v)
	if err != nil {
		return 0, fmt.Errorf("cannot read %T as a number", v)
	}
	return float64(n), nil
}

// Dec converts a warehouse value to a Dec2, rounding half away from zero.
func Dec(v any) (Dec2, error) {
	f, err := Float64(v)
	return Dec2(round2(f)), err
}

// String converts a warehouse value to a string.
func String(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case fmt.Stringer:
		return x.String(), nil
	case int64, int32, int, float64, bool:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("cannot read %T as a string", v)
}

// Bool converts a warehouse value to a bool.
func Bool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		b, err := strconv.ParseBool(x)
		if err != nil {
			return false, fmt.Errorf("value %q is not a boolean", x)
		}
		return b, nil
	}
	n, err := Int64(v)
	if err != nil {
		return false, fmt.Errorf("cannot read %T as a boolean", v)
	}
	return n != 0, nil
}

// Date converts a warehouse DATE (time.Time or text) to YYYY-MM-DD.
func Date(v any) (string, error) {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateOnly), nil
	case string:
		if len(x) >= 10 {
			if _, err := time.Parse(time.DateOnly, x[:10]); err == nil {
				return x[:10], nil
			}
		}
		return "", fmt.Errorf("value %q is not a date (want YYYY-MM-DD)", x)
	case []byte:
		return Date(string(x))
	}
	return "", fmt.Errorf("cannot read %T as a date", v)
}

// Timestamp converts a warehouse TIMESTAMP to RFC 3339 text in UTC.
func Timestamp(v any) (string, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05", time.DateOnly} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC().Format(time.RFC3339Nano), nil
			}
		}
		return "", fmt.Errorf("value %q is not a timestamp", x)
	case []byte:
		return Timestamp(string(x))
	}
	return "", fmt.Errorf("cannot read %T as a timestamp", v)
}

// Ptr returns a pointer to v (for nullable columns).
func Ptr[T any](v T) *T { return &v }

// Nullable converts a possibly NULL warehouse value with conv.
func Nullable[T any](v any, conv func(any) (T, error)) (*T, error) {
	if v == nil {
		return nil, nil
	}
	x, err := conv(v)
	if err != nil {
		return nil, err
	}
	return &x, nil
}
