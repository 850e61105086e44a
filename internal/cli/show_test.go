package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

// TestShowFormatsByColumnType runs show on a real DuckDB file holding a
// table of DATE, TIMESTAMP, TIMESTAMPTZ, DECIMAL and text columns; the
// expected output is written by hand from the values inserted.
func TestShowFormatsByColumnType(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir) // no ~/.techstore/profiles.yml: the built-in dev target
	writeFiles(t, dir, map[string]string{"project.yml": "name: sp\nprofile: sp\n"})
	ctx := context.Background()
	wh, err := duckdb.Open(ctx, adapter.Config{Name: "dev", Type: "duckdb",
		Fields: map[string]any{"path": filepath.Join(dir, "warehouse", "techstore.duckdb")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wh.Exec(ctx, `create schema techstore.techstore;
create table techstore.techstore.typed (id integer, d date, ts timestamp, ts_frac timestamp, tz timestamptz,
  amount decimal(18,2), rate decimal(10,4), ratio double, note varchar);
insert into techstore.techstore.typed values
  (1, date '2024-11-01', timestamp '2024-11-01 00:00:00', timestamp '2026-10-31 13:05:09.25',
   timestamptz '2024-11-01 12:00:00+02', 10, -0.5, 1.5, 'café'),
  (2, null, timestamp '2024-12-31 23:59:59', null, null, 1234.5, 0, null, null)`); err != nil {
		t.Fatal(err)
	}
	if err := wh.Close(); err != nil {
		t.Fatal(err)
	}
	const all = `select * from techstore.techstore.typed order by id`
	cases := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "table",
			args: []string{"--inline", all},
			want: "Previewing inline node:\n" +
				"| id | d          | ts                  | ts_frac                | tz                     | amount  | rate    | ratio | note |\n" +
				"| -- | ---------- | ------------------- | ---------------------- | ---------------------- | ------- | ------- | ----- | ---- |\n" +
				"| 1  | 2024-11-01 | 2024-11-01 00:00:00 | 2026-10-31 13:05:09.25 | 2024-11-01 10:00:00+00 | 10.00   | -0.5000 | 1.5   | café |\n" +
				"| 2  |            | 2024-12-31 23:59:59 |                        |                        | 1234.50 | 0.0000  |       |      |\n",
		},
		{
			name: "csv",
			args: []string{"--inline", all, "--output", "csv"},
			want: "id,d,ts,ts_frac,tz,amount,rate,ratio,note\n" +
				"1,2024-11-01,2024-11-01 00:00:00,2026-10-31 13:05:09.25,2024-11-01 10:00:00+00,10.00,-0.5000,1.5,café\n" +
				"2,,2024-12-31 23:59:59,,,1234.50,0.0000,,\n",
		},
		{
			name: "json: decimals are numbers with their scale, dates are strings",
			args: []string{"--inline", all, "--output", "json"},
			want: `{
  "columns": [
    "id",
    "d",
    "ts",
    "ts_frac",
    "tz",
    "amount",
    "rate",
    "ratio",
    "note"
  ],
  "rows": [
    {
      "amount": 10.00,
      "d": "2024-11-01",
      "id": 1,
      "note": "café",
      "rate": -0.5000,
      "ratio": 1.5,
      "ts": "2024-11-01 00:00:00",
      "ts_frac": "2026-10-31 13:05:09.25",
      "tz": "2024-11-01 10:00:00+00"
    },
    {
      "amount": 1234.50,
      "d": null,
      "id": 2,
      "note": null,
      "rate": 0.0000,
      "ratio": null,
      "ts": "2024-12-31 23:59:59",
      "ts_frac": null,
      "tz": null
    }
  ]
}
`,
		},
		{
			name: "limit keeps the types",
			args: []string{"--inline", "select d, amount from techstore.techstore.typed order by id", "--limit", "1", "--output", "csv"},
			want: "d,amount\n2024-11-01,10.00\n",
		},
		{
			name: "decimal arithmetic keeps the result's scale",
			args: []string{"--inline", "select sum(amount) as total, cast(1 as decimal(4,1)) / 4 as q, 7::decimal(5,0) as whole from techstore.techstore.typed", "--output", "csv"},
			// sum of DECIMAL(18,2) is DECIMAL(38,2): 10.00 + 1234.50 = 1244.50.
			// DECIMAL(4,1) / INTEGER is a DOUBLE in DuckDB: 0.25.
			want: "total,q,whole\n1244.50,0.25,7\n",
		},
		{
			name: "UUID, INTERVAL, list and HUGEINT as DuckDB prints them",
			args: []string{"--inline", `select uuid '550e8400-e29b-41d4-a716-446655440000' as u, interval '1 year 2 months 3 days 04:05:06.5' as iv,
  interval 0 day as zero, [1, 2] as l, 170141183460469231731687303715884105727::hugeint as h, time '13:14:15' as t`, "--output", "csv"},
			want: "u,iv,zero,l,h,t\n550e8400-e29b-41d4-a716-446655440000,1 year 2 months 3 days 04:05:06.5,00:00:00,\"[1, 2]\",170141183460469231731687303715884105727,13:14:15\n",
		},
		{
			name: "json: HUGEINT, list and UUID",
			args: []string{"--inline", `select 170141183460469231731687303715884105727::hugeint as h, [1.5, 2.25]::decimal(4,2)[] as l, uuid '550e8400-e29b-41d4-a716-446655440000' as u`, "--output", "json"},
			// list elements carry no column type of their own: each decimal
			// prints with its own digits.
			want: `{
  "columns": [
    "h",
    "l",
    "u"
  ],
  "rows": [
    {
      "h": 170141183460469231731687303715884105727,
      "l": [
        1.5,
        2.25
      ],
      "u": "550e8400-e29b-41d4-a716-446655440000"
    }
  ]
}
`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, err := run(t, append([]string{"show", "--project-dir", dir}, c.args...)...)
			if err != nil {
				t.Fatalf("show: %v (stderr %s)", err, errOut)
			}
			if out != c.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, c.want)
			}
		})
	}
}

func TestDecimalText(t *testing.T) {
	cases := []struct {
		name   string
		v      any
		scale  int
		want   string
		wantOK bool
	}{
		{"integer text padded to the scale", "10", 2, "10.00", true},
		{"a float rounded half away from zero", 0.125, 2, "0.13", true},
		{"negative half rounds away from zero", "-0.005", 2, "-0.01", true},
		{"exponent", "1e3", 1, "1000.0", true},
		{"int64 at scale 0", int64(7), 0, "7", true},
		{"unknown scale keeps the value's digits", "0.10", -1, "0.1", true},
		{"unknown scale of a whole number", "-42", -1, "-42", true},
		{"bytes", []byte("3.5"), 3, "3.500", true},
		{"not a number", "abc", 2, "", false},
		{"a bool is not a decimal", true, 2, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := decimalText(c.v, c.scale)
			if got != c.want || ok != c.wantOK {
				t.Errorf("decimalText(%#v, %d) = %q, %v; want %q, %v", c.v, c.scale, got, ok, c.want, c.wantOK)
			}
		})
	}
}

// TestPrintRowsDriverTypes formats values as other drivers hand them over:
// a DECIMAL as text or a float (Databricks), and no column types at all
// (an adapter without adapter.TypedQuerier).
func TestPrintRowsDriverTypes(t *testing.T) {
	midnight := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	afternoon := time.Date(2024, 11, 1, 13, 5, 0, 0, time.UTC)
	cases := []struct {
		name  string
		types []adapter.ColumnType
		row   []any
		want  string
	}{
		{
			name: "typed: DECIMAL from text and float, TIMESTAMP at midnight, DATE",
			types: []adapter.ColumnType{
				{Name: "a", DatabaseType: "DECIMAL(10,2)", Precision: 10, Scale: 2, HasDecimalSize: true},
				{Name: "b", DatabaseType: "decimal(5,1)", Precision: 5, Scale: 1, HasDecimalSize: true},
				{Name: "ts", DatabaseType: "TIMESTAMP"},
				{Name: "d", DatabaseType: "DATE"},
				{Name: "ntz", DatabaseType: "TIMESTAMP_NTZ"},
			},
			row:  []any{"10.5", 2.25, midnight, midnight, afternoon},
			want: "a,b,ts,d,ntz\n10.50,2.3,2024-11-01 00:00:00,2024-11-01,2024-11-01 13:05:00\n",
		},
		{
			name:  "untyped: a midnight time reads as a date, others as timestamps",
			types: []adapter.ColumnType{{Name: "d"}, {Name: "ts"}, {Name: "s"}, {Name: "n"}, {Name: "f"}, {Name: "i"}},
			row:   []any{midnight, afternoon, "x", nil, 1.5, int64(3)},
			want:  "d,ts,s,n,f,i\n2024-11-01,2024-11-01 13:05:00,x,,1.5,3\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := printRows(&b, "csv", "", c.types, [][]any{c.row}); err != nil {
				t.Fatal(err)
			}
			if b.String() != c.want {
				t.Errorf("got %q, want %q", b.String(), c.want)
			}
		})
	}
}
