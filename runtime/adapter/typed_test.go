package adapter

import "testing"

func TestParseDecimalType(t *testing.T) {
	cases := []struct {
		name         string
		in           string
		wantP, wantS int64
		wantOK       bool
	}{
		{"duckdb", "DECIMAL(18,2)", 18, 2, true},
		{"lower case with a space", "decimal(10, 0)", 10, 0, true},
		{"numeric", "NUMERIC(38,6)", 38, 6, true},
		{"bare decimal has no size", "DECIMAL", 0, 0, false},
		{"scale above precision", "DECIMAL(2,3)", 0, 0, false},
		{"one number", "DECIMAL(10)", 0, 0, false},
		{"not a number", "DECIMAL(a,2)", 0, 0, false},
		{"other type", "DOUBLE", 0, 0, false},
		{"unclosed", "DECIMAL(10,2", 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, s, ok := ParseDecimalType(c.in)
			if p != c.wantP || s != c.wantS || ok != c.wantOK {
				t.Errorf("ParseDecimalType(%q) = %d, %d, %v; want %d, %d, %v", c.in, p, s, ok, c.wantP, c.wantS, c.wantOK)
			}
		})
	}
}
