package databricks

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/runtime/adapter"
)

func TestParseSettings(t *testing.T) {
	cases := []struct {
		name    string
		cfg     adapter.Config
		check   func(t *testing.T, s Settings)
		wantErr string
	}{
		{
			name: "databricks with token and defaults",
			cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "techstore", Fields: map[string]any{
				"host": "https://dbc-1.cloud.databricks.com/", "http_path": "sql/1.0/warehouses/abc", "token": "dapi-secret", "catalog": "main"}},
			check: func(t *testing.T, s Settings) {
				want := Settings{Target: "prod", Type: "databricks", Host: "dbc-1.cloud.databricks.com", Scheme: "https", Port: 443,
					HTTPPath: "/sql/1.0/warehouses/abc", Catalog: "main", Schema: "techstore", Token: "dapi-secret",
					ConnectTimeout: 30 * time.Second, Retries: 4, RetryWaitMin: time.Second, RetryWaitMax: 30 * time.Second, MaxRows: 100000}
				if !reflect.DeepEqual(s, want) {
					t.Errorf("got  %+v\nwant %+v", s, want)
				}
				if strings.Contains(s.String(), "dapi-secret") {
					t.Errorf("String() shows the token: %s", s)
				}
			},
		},
		{
			name: "spark http with defaults",
			cfg:  adapter.Config{Name: "spark", Type: "spark", Schema: "techstore", Fields: map[string]any{"host": "127.0.0.1", "http_path": "cliservice", "port": 10002}},
			check: func(t *testing.T, s Settings) {
				if s.Scheme != "http" || s.Port != 10002 || s.HTTPPath != "/cliservice" || s.Method != "http" || s.User != "techstore" || s.Password != "techstore" {
					t.Errorf("got %+v", s)
				}
				if s.MaxRows < 1_000_000 {
					t.Errorf("spark fetches in one page; max_rows default %d is too low", s.MaxRows)
				}
			},
		},
		{
			name: "timeouts as seconds and durations, retries",
			cfg: adapter.Config{Name: "p", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "token": "t",
				"connect_timeout": "1m", "query_timeout": 90, "retries": "2", "retry_wait_min": "0.5", "retry_wait_max": "5s"}},
			check: func(t *testing.T, s Settings) {
				if s.ConnectTimeout != time.Minute || s.QueryTimeout != 90*time.Second || s.Retries != 2 || s.RetryWaitMin != 500*time.Millisecond || s.RetryWaitMax != 5*time.Second {
					t.Errorf("got %+v", s)
				}
			},
		},
		{
			name:  "oauth m2m",
			cfg:   adapter.Config{Name: "p", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "client_id": "id", "client_secret": "sec"}},
			check: func(t *testing.T, s Settings) { assertNotContains(t, s.String(), "sec") },
		},
		{name: "missing host", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"http_path": "/p", "token": "t"}},
			wantErr: "profiles.yml target \"prod\" (type databricks): field `host`: missing"},
		{name: "empty host from an unset env var", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "", "http_path": "/p", "token": "t"}},
			wantErr: "field `host`: missing"},
		{name: "missing http_path", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "token": "t"}},
			wantErr: "field `http_path`: missing"},
		{name: "missing token", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p"}},
			wantErr: "field `token`: missing"},
		{name: "client_id without secret", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "client_id": "x"}},
			wantErr: "field `client_secret`: missing while client_id is set"},
		{name: "path in host", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h/sql/1.0", "http_path": "/p", "token": "t"}},
			wantErr: "field `host`: \"h/sql/1.0\" is not a hostname"},
		{name: "bad port", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "token": "t", "port": "https"}},
			wantErr: "field `port`: want a whole number >= 0, got \"https\""},
		{name: "bad timeout", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "token": "t", "connect_timeout": "soon"}},
			wantErr: "field `connect_timeout`: want seconds (30) or a duration (30s, 2m), got \"soon\""},
		{name: "unknown field", cfg: adapter.Config{Name: "prod", Type: "databricks", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "token": "t", "htp_path": "x"}},
			wantErr: "field `htp_path`: unknown field"},
		{name: "spark method other than http", cfg: adapter.Config{Name: "spark", Type: "spark", Schema: "s", Fields: map[string]any{"host": "h", "http_path": "/p", "method": "odbc"}},
			wantErr: "field `method`: \"odbc\" is not supported"},
		{name: "missing schema", cfg: adapter.Config{Name: "prod", Type: "databricks", Fields: map[string]any{"host": "h", "http_path": "/p", "token": "t"}},
			wantErr: "field `schema`: missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseSettings(c.cfg)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, s)
		})
	}
}

func assertNotContains(t *testing.T, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%q contains %q", s, sub)
	}
}

func TestDialect(t *testing.T) {
	cases := []struct {
		name     string
		cfg      adapter.Config
		rel      adapter.Relation
		wantName string
		wantDisp []string
	}{
		{"spark without catalog", adapter.Config{Type: "spark"}, adapter.Relation{Schema: "silver", Identifier: "silver_orders"},
			"`silver`.`silver_orders`", []string{"spark", "databricks", "default"}},
		{"databricks takes the target catalog", adapter.Config{Type: "databricks", Fields: map[string]any{"catalog": "main"}}, adapter.Relation{Schema: "gold", Identifier: "gold_x"},
			"`main`.`gold`.`gold_x`", []string{"databricks", "default"}},
		{"relation catalog wins", adapter.Config{Type: "databricks", Fields: map[string]any{"catalog": "main"}}, adapter.Relation{Database: "dev", Schema: "gold", Identifier: "g"},
			"`dev`.`gold`.`g`", []string{"databricks", "default"}},
		{"backticks are doubled", adapter.Config{Type: "spark"}, adapter.Relation{Schema: "s", Identifier: "we`ird"},
			"`s`.`we``ird`", []string{"spark", "databricks", "default"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := NewDialect(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.RelationName(c.rel); got != c.wantName {
				t.Errorf("RelationName = %s, want %s", got, c.wantName)
			}
			if got := d.DispatchOrder(); !reflect.DeepEqual(got, c.wantDisp) {
				t.Errorf("DispatchOrder = %v, want %v", got, c.wantDisp)
			}
			if d.Type() != c.cfg.Type {
				t.Errorf("Type = %s", d.Type())
			}
		})
	}
}

// thriftCall builds a strict binary-protocol call by hand:
// version|type, name, seqid, then the args struct bytes.
func thriftCall(name string, msgType byte, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 0x80010000|uint32(msgType))
	b = binary.BigEndian.AppendUint32(b, uint32(len(name)))
	b = append(b, name...)
	b = binary.BigEndian.AppendUint32(b, 1) // seqid
	return append(b, body...)
}

func TestRewriteOpenSession(t *testing.T) {
	// OpenSession_args{1: TOpenSessionReq{1: client_protocol i32 = 0,
	// 4: configuration map<string,string>{"a": "b"}, 1282: i64 = 42248}}
	req := []byte{
		tI32, 0, 1, 0, 0, 0, 0, // client_protocol = 0
		tMap, 0, 4, tString, tString, 0, 0, 0, 1, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b',
		tI64, 0x05, 0x02, 0, 0, 0, 0, 0, 0, 0xa5, 0x08, // 1282 = 0x0502; 42248 = 0xa508
		tStop,
	}
	withField := thriftCall("OpenSession", 1, append(append([]byte{tStruct, 0, 1}, req...), tStop))
	wantField := append([]byte(nil), withField...)
	// the i32 value sits after the message header (8+11+4), the args field
	// header (3) and the field header (3)
	off := 8 + len("OpenSession") + 4 + 3 + 3
	binary.BigEndian.PutUint32(wantField[off:], 9)

	noField := thriftCall("OpenSession", 1, append(append([]byte{tStruct, 0, 1}, req[7:]...), tStop))
	// expected: the field is added just before the request's stop byte
	wantAdded := thriftCall("OpenSession", 1, append(append(append([]byte{tStruct, 0, 1}, req[7:len(req)-1]...),
		tI32, 0, 1, 0, 0, 0, 9, tStop), tStop))

	other := thriftCall("ExecuteStatement", 1, []byte{tStruct, 0, 1, tStop, tStop})
	cases := []struct {
		name    string
		in      []byte
		want    []byte
		changed bool
	}{
		{"client_protocol 0 becomes V10", withField, wantField, true},
		{"missing client_protocol is added", noField, wantAdded, true},
		{"other calls pass", other, other, false},
		{"not thrift passes", []byte("hello"), []byte("hello"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, changed, err := rewriteOpenSession(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if changed != c.changed || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v (changed %v)\nwant %v (changed %v)", got, changed, c.want, c.changed)
			}
		})
	}
	t.Run("truncated OpenSession is an error", func(t *testing.T) {
		if _, _, err := rewriteOpenSession(withField[:len(withField)-5]); err == nil {
			t.Error("want an error")
		}
	})
}

func TestSurfaceErrorMessage(t *testing.T) {
	msg := "[DIVIDE_BY_ZERO] Division by zero."
	str := func(id int16, s string) []byte {
		b := []byte{tString, byte(uint16(id) >> 8), byte(id)}
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		return append(b, s...)
	}
	status := []byte{tStruct, 0, 1, tI32, 0, 1, 0, 0, 0, 3, tStop} // status{statusCode=ERROR}
	state := []byte{tI32, 0, 2, 0, 0, 0, 5}                        // operationState=ERROR_STATE
	resp := append(append(append([]byte{}, status...), state...), str(5, msg)...)
	reply := thriftCall("GetOperationStatus", 2, append(append([]byte{tStruct, 0, 0}, append(resp, tStop)...), tStop))
	want := thriftCall("GetOperationStatus", 2, append(append([]byte{tStruct, 0, 0}, append(append(resp, str(1281, msg)...), tStop)...), tStop))

	already := append(append([]byte{}, resp...), str(1281, "shown")...)
	replyShown := thriftCall("GetOperationStatus", 2, append(append([]byte{tStruct, 0, 0}, append(already, tStop)...), tStop))
	ok := thriftCall("GetOperationStatus", 2, append(append([]byte{tStruct, 0, 0}, append(append([]byte{}, status...), tStop)...), tStop))
	cases := []struct {
		name     string
		in, want []byte
		copied   string
	}{
		{"errorMessage is copied to displayMessage", reply, want, msg},
		{"an existing displayMessage is kept", replyShown, replyShown, ""},
		{"no error passes", ok, ok, ""},
		{"other replies pass", thriftCall("FetchResults", 2, []byte{tStop}), thriftCall("FetchResults", 2, []byte{tStop}), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, copied, err := surfaceErrorMessage(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if copied != c.copied || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v (%q)\nwant %v (%q)", got, copied, c.want, c.copied)
			}
		})
	}
}

func TestCleanMessage(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"spark analysis error",
			"databricks: execution error: failed to execute query: unexpected operation state ERROR_STATE: org.apache.hive.service.cli.HiveSQLException: Error running query: [TABLE_OR_VIEW_NOT_FOUND] org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `s`.`t` cannot be found.; line 1 pos 19;\n'Project ['x]\n\tat org.apache.X(Y.scala:1)\nCaused by: z",
			"[TABLE_OR_VIEW_NOT_FOUND] The table or view `s`.`t` cannot be found.; line 1 pos 19;"},
		{"spark parse error keeps the SQL pointer",
			"unexpected operation state ERROR_STATE: org.apache.hive.service.cli.HiveSQLException: Error running query: [PARSE_SYNTAX_ERROR] org.apache.spark.sql.catalyst.parser.ParseException: \n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.(line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n\n\tat org.apache.X",
			"[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.(line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^"},
		{"plan after a semicolon is dropped",
			"Error running query: [_LEGACY_ERROR_TEMP_1113] Table t1 does not support truncate in batch mode.;\nOverwriteByExpression RelationV2[id#86]",
			"[_LEGACY_ERROR_TEMP_1113] Table t1 does not support truncate in batch mode."},
		{"databricks display message passes", "databricks: execution error: failed to execute query: [DIVIDE_BY_ZERO] Division by zero.", "[DIVIDE_BY_ZERO] Division by zero."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cleanMessage(c.in); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestInlineArgs(t *testing.T) {
	ts := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		q       string
		args    []any
		want    string
		wantErr string
	}{
		{"values", "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?", []any{1, "x'y\\", nil, true}, `SELECT * FROM t WHERE a = 1 AND b = 'x\'y\\' AND c = NULL AND d = TRUE`, ""},
		{"? inside quotes and comments stays", "SELECT '?', `a?` -- what?\n, ?", []any{ts}, "SELECT '?', `a?` -- what?\n, TIMESTAMP '2026-10-31 12:00:00'", ""},
		{"too few args", "SELECT ?, ?", []any{1}, "", "more ? placeholders than the 1 arguments"},
		{"too many args", "SELECT ?", []any{1, 2}, "", "1 ? placeholders but 2 arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := inlineArgs(c.q, c.args)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
}

func TestTableSQL(t *testing.T) {
	d, _ := NewDialect(adapter.Config{Type: "databricks", Fields: map[string]any{"catalog": "main"}})
	a := &Adapter{Dialect: d, s: Settings{Type: "databricks"}}
	r := adapter.Relation{Schema: "gold", Identifier: "g"}
	cases := []struct {
		name    string
		m       adapter.Materialization
		want    string
		wantErr string
	}{
		{"plain", adapter.Materialization{Relation: r, SQL: "select 1 as x;\n"},
			"CREATE OR REPLACE TABLE `main`.`gold`.`g`\nUSING DELTA\nAS\nselect 1 as x", ""},
		{"partitioned with location and properties", adapter.Materialization{Relation: r, SQL: "select 1", PartitionBy: []string{"day"},
			Extra: map[string]any{"location_root": "s3://b/tables/", "tblproperties": map[string]any{"delta.appendOnly": true, "a.b": "it's"}}},
			"CREATE OR REPLACE TABLE `main`.`gold`.`g`\nUSING DELTA\nPARTITIONED BY (`day`)\nLOCATION 's3://b/tables/g'\nTBLPROPERTIES ('a.b' = 'it\\'s', 'delta.appendOnly' = 'true')\nAS\nselect 1", ""},
		{"liquid clustering", adapter.Materialization{Relation: r, SQL: "select 1", Extra: map[string]any{"liquid_clustered_by": []any{"a", "b"}}},
			"CREATE OR REPLACE TABLE `main`.`gold`.`g`\nUSING DELTA\nCLUSTER BY (`a`, `b`)\nAS\nselect 1", ""},
		{"partition and clustering clash", adapter.Materialization{Relation: r, SQL: "select 1", PartitionBy: []string{"d"}, Extra: map[string]any{"liquid_clustered_by": "a"}},
			"", "model `main`.`gold`.`g`: config liquid_clustered_by: a Delta table is either partitioned or liquid-clustered"},
		{"bad tblproperties", adapter.Materialization{Relation: r, SQL: "select 1", Extra: map[string]any{"tblproperties": "x=1"}},
			"", "config tblproperties: want a mapping of property to value, got string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sp, err := a.specOf(c.m)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := a.createTableSQL(a.RelationName(c.m.Relation), sp, c.m.SQL); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	t.Run("merge", func(t *testing.T) {
		got := a.mergeSQL("`t`", []string{"id", "day"}, []string{"DBT_INTERNAL_DEST.day >= '2026-10-01'"}, "select 1", nil)
		want := "MERGE INTO `t` AS DBT_INTERNAL_DEST\nUSING (\nselect 1\n) AS DBT_INTERNAL_SOURCE\n" +
			"ON DBT_INTERNAL_DEST.`id` <=> DBT_INTERNAL_SOURCE.`id`\nAND DBT_INTERNAL_DEST.`day` <=> DBT_INTERNAL_SOURCE.`day`\nAND (DBT_INTERNAL_DEST.day >= '2026-10-01')\n" +
			"WHEN MATCHED THEN UPDATE SET *\nWHEN NOT MATCHED THEN INSERT *"
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}

func TestParseShowTables(t *testing.T) {
	rows := [][]any{
		{"s", "t1", false, "Catalog: spark_catalog\nType: MANAGED\nProvider: delta\nSchema: root\n |-- id: integer (nullable = true)\n |-- amt: decimal(12,2) (nullable = true)\n |-- tags: array (nullable = true)\n |    |-- element: string (containsNull = true)\n"},
		{"s", "V1", false, "Type: VIEW\nSchema: root\n |-- id: integer (nullable = true)\n"},
		{"", "tmp", true, "Type: VIEW\n"},
	}
	got := parseShowTables("", rows)
	want := map[string]adapter.RelationInfo{
		"t1": {Relation: adapter.Relation{Schema: "s", Identifier: "t1", Kind: "table"},
			Columns: []adapter.Column{{Name: "id", DataType: "integer"}, {Name: "amt", DataType: "decimal(12,2)"}, {Name: "tags", DataType: "array"}}},
		"v1": {Relation: adapter.Relation{Schema: "s", Identifier: "V1", Kind: "view"}, Columns: []adapter.Column{{Name: "id", DataType: "integer"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestValueBatches(t *testing.T) {
	cols := []adapter.Column{{Name: "a"}, {Name: "b"}}
	rows := [][]any{{"x", 1}, {nil, 2.5}, {time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), true}}
	got, err := valueBatches("t", cols, rows, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"('x', '1'),\n(NULL, '2.5'),\n('2026-01-02 03:04:05', 'true')"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got, _ = valueBatches("t", cols, rows, 1)
	if len(got) != 3 {
		t.Errorf("with a 1-byte limit got %d batches, want 3 (one row each)", len(got))
	}
}

func TestConnectError(t *testing.T) {
	s := Settings{Target: "prod", Type: "databricks", Scheme: "https", Host: "h", Port: 443, HTTPPath: "/p"}
	cases := []struct{ name, driver, want string }{
		{"refused", "error connecting: ... dial tcp 10.0.0.1:443: connect: connection refused", "profile field `host` / `port`: nothing answers at https://h:443 (dial tcp 10.0.0.1:443: connect: connection refused)"},
		{"dns", "dial tcp: lookup h: no such host", "profile field `host`: cannot resolve host \"h\""},
		{"token", "request error after 1 attempt(s): unexpected HTTP status 401 Unauthorized", "profile field `token`: the server rejected the credentials"},
		{"path", "request error after 1 attempt(s): unexpected HTTP status 404 Not Found", "profile field `http_path`: https://h:443 has no SQL endpoint at http_path \"/p\" (HTTP 404 Not Found)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := connectError(s, errorString(c.driver)).Error()
			if !strings.Contains(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
			if !strings.HasPrefix(got, "connect to https://h:443/p (target \"prod\"): ") {
				t.Errorf("got %q", got)
			}
		})
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestExecuteSyncFastPath(t *testing.T) {
	// ExecuteStatement_args{1: req{2: statement "SELECT 1", 4: runAsync true}}
	stmt := []byte{tString, 0, 2, 0, 0, 0, 8, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'}
	async := append(append([]byte{tStruct, 0, 1}, stmt...), tBool, 0, 4, 1, tStop, tStop)
	sync := append(append([]byte{tStruct, 0, 1}, stmt...), tBool, 0, 4, 0, tStop, tStop)
	t.Run("runAsync is turned off", func(t *testing.T) {
		got, isExec, err := rewriteExecuteSync(thriftCall("ExecuteStatement", 1, async))
		if err != nil || !isExec || !reflect.DeepEqual(got, thriftCall("ExecuteStatement", 1, sync)) {
			t.Errorf("got %v, %v, %v", got, isExec, err)
		}
	})
	t.Run("other calls pass", func(t *testing.T) {
		in := thriftCall("FetchResults", 1, async)
		got, isExec, err := rewriteExecuteSync(in)
		if err != nil || isExec || !reflect.DeepEqual(got, in) {
			t.Errorf("got %v, %v, %v", got, isExec, err)
		}
	})

	status := func(code byte) []byte { return []byte{tStruct, 0, 1, tI32, 0, 1, 0, 0, 0, code, tStop} }
	handle := []byte{tStruct, 0, 2, tBool, 0, 3, 1, tStop} // operationHandle{hasResultSet: true}
	reply := func(code byte, extra []byte) []byte {
		resp := append(append(append([]byte{}, status(code)...), handle...), extra...)
		return thriftCall("ExecuteStatement", 2, append(append([]byte{tStruct, 0, 0}, append(resp, tStop)...), tStop))
	}
	direct := []byte{tStruct, 0x05, 0x01, // 1281 directResults
		tStruct, 0, 1, // operationStatus
		tStruct, 0, 1, tI32, 0, 1, 0, 0, 0, 0, tStop, // status SUCCESS
		tI32, 0, 2, 0, 0, 0, 2, // FINISHED_STATE
		tStop, tStop}
	cases := []struct {
		name     string
		in, want []byte
	}{
		{"success gets finished direct results", reply(0, nil), reply(0, direct)},
		{"an error reply is left for the driver", reply(3, nil), reply(3, nil)},
		{"existing direct results are kept", reply(0, direct), reply(0, direct)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := addFinishedDirectResults(c.in)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, %v\nwant %v", got, err, c.want)
			}
		})
	}
}
