package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/compile"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/selector"
)

func newShowCmd(a *App) *cobra.Command {
	var sel, inline, output string
	var limit int
	c := &cobra.Command{
		Use:   "show",
		Short: "Query the warehouse and print rows: a model's compiled SQL or an inline query",
		Long: `Query the warehouse and print rows: a model's compiled SQL or an inline query.

Values print as the warehouse types them: DATE as 2024-11-01, TIMESTAMP as
2024-11-01 13:05:00 (fractional seconds only when there are some),
TIMESTAMP WITH TIME ZONE with its offset (2024-11-01 13:05:00+00), DECIMAL with
its scale (10.00 for a DECIMAL(18,2)), and NULL as an empty cell. With
--output json, DECIMAL and integer values are JSON numbers (the exact digits,
scale kept), dates and timestamps strings in the same layout.

Exit status: 0 on success, 1 on an error, 130 when interrupted (Ctrl-C, SIGTERM).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (sel == "") == (inline == "") {
				return errors.New("show: give exactly one of --select MODEL or --inline \"SQL\"")
			}
			if output != "table" && output != "json" && output != "csv" {
				return fmt.Errorf("show: --output %q: use table, json or csv", output)
			}
			ctx := cmd.Context()
			s, err := loadSession(ctx, a)
			if err != nil {
				return err
			}
			var q, title string
			if sel != "" {
				n, err := pickOne(s, sel)
				if err != nil {
					return err
				}
				if q, err = s.engine.Render(n, compile.RenderContext{}); err != nil {
					return err
				}
				title = fmt.Sprintf("Previewing node '%s':", n.Name)
			} else {
				if q, err = s.engine.RenderSQL("--inline", inline, nil); err != nil {
					return err
				}
				title = "Previewing inline node:"
			}
			q = strings.TrimRight(strings.TrimSpace(q), ";")
			if limit >= 0 {
				q = fmt.Sprintf("select * from (\n%s\n) techstore_show limit %d", q, limit)
			}
			// A preview only reads: open read-only where the adapter can,
			// so it does not contend with other readers.
			cfg := s.cfg
			cfg.Fields = maps.Clone(s.cfg.Fields)
			if cfg.Fields == nil {
				cfg.Fields = map[string]any{}
			}
			cfg.Fields["read_only"] = true
			ad, err := s.reg.Open(ctx, cfg)
			if err != nil {
				return err
			}
			defer ad.Close()
			cols, rows, err := queryTyped(ctx, ad, q)
			if err != nil {
				return fmt.Errorf("show: %w", err)
			}
			return printRows(cmd.OutOrStdout(), output, title, cols, rows)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&sel, "select", "s", "", "the model (or seed, or test) to preview")
	fl.StringVar(&inline, "inline", "", "a SQL query to run (templates allowed: {{ ref \"m\" }})")
	fl.IntVar(&limit, "limit", 5, "rows to show; -1 for all")
	fl.StringVar(&output, "output", "table", "table, json or csv")
	return c
}

// queryTyped runs q with the column types when the adapter reports them
// (adapter.TypedQuerier), else with names only.
func queryTyped(ctx context.Context, ad adapter.Adapter, q string) ([]adapter.ColumnType, [][]any, error) {
	if tq, ok := ad.(adapter.TypedQuerier); ok {
		return tq.QueryTyped(ctx, q)
	}
	names, rows, err := ad.Query(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	cols := make([]adapter.ColumnType, len(names))
	for i, n := range names {
		cols[i] = adapter.ColumnType{Name: n}
	}
	return cols, rows, nil
}

// pickOne resolves --select to exactly one model, seed or test.
func pickOne(s *session, sel string) (*project.Node, error) {
	p := s.engine.Project
	res, err := selector.Select(p, s.engine.DAG, selector.Spec{Select: []string{sel}, Indirect: selector.IndirectEmpty}, nil)
	if err != nil {
		return nil, err
	}
	var found []*project.Node
	for _, id := range res.IDs {
		if n, ok := p.Nodes[id]; ok {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("show: --select %q matches no model, seed or test", sel)
	}
	names := make([]string, 0, len(found))
	for _, n := range found {
		names = append(names, n.Name)
	}
	return nil, fmt.Errorf("show: --select %q matches %d nodes (%s); name one", sel, len(found), strings.Join(names, ", "))
}

func printRows(w io.Writer, format, title string, types []adapter.ColumnType, rows [][]any) error {
	cols := make([]string, len(types))
	fmts := make([]colFormat, len(types))
	for j, t := range types {
		cols[j] = t.Name
		fmts[j] = newColFormat(t)
	}
	if format == "json" {
		objs := make([]map[string]any, len(rows))
		for i, r := range rows {
			o := make(map[string]any, len(cols))
			for j, c := range cols {
				o[c] = fmts[j].json(r[j])
			}
			objs[i] = o
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"columns": cols, "rows": objs}); err != nil {
			return fmt.Errorf("show: write JSON: %w", err)
		}
		return nil
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = make([]string, len(r))
		for j, v := range r {
			cells[i][j] = fmts[j].text(v)
		}
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		_ = cw.Write(cols)
		for _, r := range cells {
			_ = cw.Write(r)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("show: write CSV: %w", err)
		}
		return nil
	}
	width := make([]int, len(cols))
	for j, c := range cols {
		width[j] = utf8.RuneCountInString(c)
	}
	for _, r := range cells {
		for j, v := range r {
			width[j] = max(width[j], utf8.RuneCountInString(v))
		}
	}
	var b strings.Builder
	line := func(vals []string) {
		b.WriteString("|")
		for j, v := range vals {
			b.WriteString(" ")
			b.WriteString(v)
			b.WriteString(strings.Repeat(" ", width[j]-utf8.RuneCountInString(v)))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	b.WriteString(title + "\n")
	line(cols)
	dashes := make([]string, len(cols))
	for j := range cols {
		dashes[j] = strings.Repeat("-", width[j])
	}
	line(dashes)
	for _, r := range cells {
		line(r)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("show: write output: %w", err)
	}
	return nil
}

// valueKind is how show prints a column, from its warehouse type.
type valueKind int

const (
	kindAny valueKind = iota // by the Go value
	kindDate
	kindTimestamp
	kindTimestampTZ
	kindTime
	kindDecimal
)

// colFormat prints one result column.
type colFormat struct {
	kind  valueKind
	scale int // DECIMAL scale; -1 when unknown (then the value's own digits)
}

func newColFormat(t adapter.ColumnType) colFormat {
	typ := strings.ToUpper(strings.TrimSpace(t.DatabaseType))
	switch {
	case typ == "DATE":
		return colFormat{kind: kindDate}
	case typ == "TIMESTAMPTZ" || typ == "TIMESTAMP_LTZ" || strings.HasPrefix(typ, "TIMESTAMP WITH TIME ZONE"):
		return colFormat{kind: kindTimestampTZ}
	case strings.HasPrefix(typ, "TIMESTAMP") || typ == "DATETIME":
		return colFormat{kind: kindTimestamp}
	case typ == "TIME":
		return colFormat{kind: kindTime}
	case t.HasDecimalSize:
		return colFormat{kind: kindDecimal, scale: int(t.Scale)}
	case strings.HasPrefix(typ, "DECIMAL") || strings.HasPrefix(typ, "NUMERIC"):
		return colFormat{kind: kindDecimal, scale: -1}
	}
	return colFormat{kind: kindAny}
}

// text is a value as a table or CSV cell; NULL is empty.
func (f colFormat) text(v any) string {
	if v == nil {
		return ""
	}
	switch f.kind {
	case kindDate, kindTimestamp, kindTimestampTZ, kindTime:
		if t, ok := v.(time.Time); ok {
			return timeText(f.kind, t)
		}
	case kindDecimal:
		if s, ok := decimalText(v, f.scale); ok {
			return s
		}
	}
	return anyText(v, false)
}

// json is a value for --output json: numbers stay numbers (DECIMAL with
// its exact digits), dates and timestamps are strings as text prints them.
func (f colFormat) json(v any) any {
	if v == nil {
		return nil
	}
	switch f.kind {
	case kindDate, kindTimestamp, kindTimestampTZ, kindTime:
		if t, ok := v.(time.Time); ok {
			return timeText(f.kind, t)
		}
	case kindDecimal:
		if s, ok := decimalText(v, f.scale); ok {
			return json.Number(s)
		}
	}
	return anyJSON(v)
}

func timeText(k valueKind, t time.Time) string {
	switch k {
	case kindDate:
		return t.Format("2006-01-02")
	case kindTime:
		return t.Format("15:04:05.999999")
	case kindTimestampTZ:
		if _, off := t.Zone(); off%3600 != 0 {
			return t.Format("2006-01-02 15:04:05.999999-07:00")
		}
		return t.Format("2006-01-02 15:04:05.999999-07")
	}
	return t.Format("2006-01-02 15:04:05.999999")
}

// decimalText prints a decimal value with exactly scale digits after the
// point (rounding half away from zero when the value has more); with
// scale -1, the value's own digits. ok is false when v is not a number.
func decimalText(v any, scale int) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		s = strconv.FormatFloat(float64(x), 'f', -1, 32)
	case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, uint, *big.Int:
		s = fmt.Sprint(x)
	case fmt.Stringer: // the driver's decimal type
		s = x.String()
	default:
		return "", false
	}
	s = strings.TrimSpace(s)
	var r big.Rat
	if _, ok := r.SetString(s); !ok {
		return "", false
	}
	if scale < 0 {
		if r.IsInt() {
			return r.RatString(), true
		}
		// The shortest exact form: a decimal's digits always terminate.
		for sc := 1; sc <= 76; sc++ {
			if t := r.FloatString(sc); ratEqual(t, &r) {
				return t, true
			}
		}
		return r.FloatString(18), true
	}
	return r.FloatString(scale), true
}

func ratEqual(s string, r *big.Rat) bool {
	var x big.Rat
	_, ok := x.SetString(s)
	return ok && x.Cmp(r) == 0
}

// anyText prints a value whose column type says nothing special; nested
// is true inside a list or struct, where strings are quoted as DuckDB does.
func anyText(v any, nested bool) string {
	switch x := v.(type) {
	case nil:
		if nested {
			return "NULL"
		}
		return ""
	case string:
		if nested {
			return "'" + strings.ReplaceAll(x, "'", "''") + "'"
		}
		return x
	case []byte:
		return bytesText(x)
	case time.Time:
		if x.Equal(x.Truncate(24 * time.Hour)) {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case float64:
		return floatText(x, 64)
	case float32:
		return floatText(float64(x), 32)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = anyText(e, true)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = "'" + k + "': " + anyText(x[k], true)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func floatText(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// bytesText prints a BLOB: its text when it is printable UTF-8, else
// with \xNN escapes for the other bytes (as DuckDB prints blobs).
func bytesText(b []byte) string {
	if utf8.Valid(b) && !slices.ContainsFunc(b, func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' }) {
		return string(b)
	}
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02X", c)
		}
	}
	return sb.String()
}

func anyJSON(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, uint:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return floatText(x, 64) // JSON has no NaN or infinity
		}
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return floatText(float64(x), 32)
		}
		return x
	case *big.Int:
		return json.Number(x.String())
	case []byte, time.Time:
		return anyText(x, false)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = anyJSON(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = anyJSON(e)
		}
		return out
	case interface{ Float64() float64 }: // a decimal whose column type was not reported
		if s, ok := decimalText(x, -1); ok {
			return json.Number(s)
		}
		return x.Float64()
	case fmt.Stringer:
		return x.String()
	}
	if b, err := json.Marshal(v); err == nil && json.Valid(b) {
		return json.RawMessage(b)
	}
	return fmt.Sprint(v)
}
