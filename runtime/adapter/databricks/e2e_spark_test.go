//go:build spark

package databricks_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techstore-analytics/techstore/ingest"
	"github.com/techstore-analytics/techstore/internal/cli"
	"github.com/techstore-analytics/techstore/runtime/adapter"
	"github.com/techstore-analytics/techstore/runtime/adapter/databricks"
	"github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// copyTree copies the project's files (not its warehouse or target) into dir.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// serverLogPath is the Spark server's log (scripts/spark/start.sh).
func serverLogPath() string {
	return filepath.Join(env("SPARK_RUN_DIR", filepath.Join(os.TempDir(), "techstore-spark")), "thriftserver.log")
}

// markServerLog returns the log's size; serverSaw looks only past it.
func markServerLog(t *testing.T) int64 {
	st, err := os.Stat(serverLogPath())
	if err != nil {
		t.Fatalf("spark server log: %v", err)
	}
	return st.Size()
}

// serverSaw reports whether the server logged a statement starting with s
// after the mark.
func serverSaw(logMark int64, s string) bool {
	f, err := os.Open(serverLogPath())
	if err != nil {
		return false
	}
	defer f.Close()
	if _, err := f.Seek(logMark, io.SeekStart); err != nil {
		return false
	}
	b, _ := io.ReadAll(f)
	return strings.Contains(string(b), "Submitting query '"+s)
}

// serverStatements counts the statements the Spark server has received,
// from its log ("Submitting query ... with <id>").
func serverStatements(t *testing.T) int {
	f, err := os.Open(filepath.Join(env("SPARK_RUN_DIR", filepath.Join(os.TempDir(), "techstore-spark")), "thriftserver.log"))
	if err != nil {
		return -1
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "SparkExecuteStatementOperation: Submitting query") {
			n++
		}
	}
	return n
}

// TestSparkTechStoreBuildMatchesDuckDB builds the whole TechStore project
// on the local Spark (through the CLI, the runtime and this adapter) and on
// DuckDB from the same generated data, and compares every gold table: same
// rows, numbers equal to the cent.
func TestSparkTechStoreBuildMatchesDuckDB(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range []string{"models", "macros", "seeds", "tests"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			copyTree(t, filepath.Join(root, p), filepath.Join(dir, p))
		}
	}
	for _, f := range []string{"project.yml", "selectors.yml"} {
		if b, err := os.ReadFile(filepath.Join(root, f)); err == nil {
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	sparkAddr := net.JoinHostPort(env("SPARK_HOST", "127.0.0.1"), env("SPARK_PORT", "10001"))
	flaky := startRelay(t, sparkAddr)
	duckPath := filepath.Join(dir, "warehouse", "techstore.duckdb")
	profiles := fmt.Sprintf(`techstore:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: %s
      threads: 2
    spark:
      type: spark
      method: http
      host: %s
      port: %s
      http_path: %s
      schema: techstore
      threads: 2
      retries: 1
    flaky:
      type: spark
      method: http
      host: 127.0.0.1
      port: %d
      http_path: %s
      schema: techstore
      threads: 2
      retries: 2
      retry_wait_min: 100ms
      retry_wait_max: 200ms
`, duckPath, env("SPARK_HOST", "127.0.0.1"), env("SPARK_PORT", "10001"), env("SPARK_HTTP_PATH", "cliservice"),
		flaky.port, env("SPARK_HTTP_PATH", "cliservice"))
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profiles), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, time.Duration) {
		t0 := time.Now()
		code := cli.Main(append(args, "--project-dir", dir, "--profiles-dir", dir))
		return code, time.Since(t0)
	}
	ctx := context.Background()
	sparkCfg := adapter.Config{Name: "spark", Type: databricks.TypeSpark, Schema: "techstore", Threads: 2, Fields: map[string]any{
		"host": env("SPARK_HOST", "127.0.0.1"), "port": env("SPARK_PORT", "10001"), "http_path": env("SPARK_HTTP_PATH", "cliservice")}}
	duckCfg := adapter.Config{Name: "dev", Type: "duckdb", Schema: "main", Fields: map[string]any{"path": duckPath}}

	if code, _ := run("ingest", "--target", "dev", "--scale", "1"); code != 0 {
		t.Fatalf("ingest --target dev exited %d", code)
	}
	ingested := false
	t.Run("ingest --target spark", func(t *testing.T) {
		code, took := run("ingest", "--target", "spark", "--scale", "1", "--replace")
		if code != 0 {
			t.Errorf("ingest --target spark exited %d (output above)", code)
			return
		}
		ingested = true
		t.Logf("ingest on spark took %s", took.Round(time.Millisecond))
	})
	if ingested {
		t.Run("both ingests hold the same raw rows", func(t *testing.T) {
			diff := rawDiff(t, ctx, duckCfg, sparkCfg)
			if diff != "" {
				// Logged, not failed: the generator is the ingest
				// package's; the comparison below needs identical input,
				// which the copy gives.
				t.Logf("WARNING: the DuckDB and Spark ingests differ (%s)", diff)
			}
		})
	}
	// Build both engines from the very same rows: copy DuckDB's raw tables
	// into Spark through LoadTable.
	copyRaw(t, ctx, duckCfg, sparkCfg)

	before := serverStatements(t)
	// --full-refresh: the Spark server outlives test runs, and incremental
	// models would otherwise merge into tables of an earlier run's data.
	code, sparkTook := run("build", "--target", "spark", "-q", "--full-refresh")
	sparkStatements := serverStatements(t) - before
	if code != 0 {
		t.Fatalf("build --target spark exited %d (output above)", code)
	}
	code, duckTook := run("build", "--target", "dev", "-q")
	if code != 0 {
		t.Fatalf("build --target dev exited %d", code)
	}
	t.Logf("full build: spark %s (%d statements), duckdb %s", sparkTook.Round(time.Millisecond), sparkStatements, duckTook.Round(time.Millisecond))

	dk, err := duckdb.Open(ctx, duckCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dk.Close()
	sp, err := databricks.Open(ctx, sparkCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	gold, err := dk.ListRelations(ctx, "", "gold")
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) == 0 {
		t.Fatal("duckdb build made no gold tables")
	}
	names := make([]string, 0, len(gold))
	for n := range gold {
		names = append(names, n)
	}
	sort.Strings(names)
	stopMidRunAndRetry(t, dir, run, flaky)
	for _, name := range names {
		t.Run("gold "+name, func(t *testing.T) {
			info := gold[name]
			cols := make([]string, len(info.Columns))
			for i, c := range info.Columns {
				cols[i] = c.Name
			}
			r := adapter.Relation{Schema: "gold", Identifier: name}
			dq := "SELECT " + quoteAll(dk, cols) + " FROM " + dk.RelationName(r)
			sq := "SELECT " + quoteAll(sp, cols) + " FROM " + sp.RelationName(r)
			_, drows, err := dk.Query(ctx, dq)
			if err != nil {
				t.Fatal(err)
			}
			_, srows, err := sp.Query(ctx, sq)
			if err != nil {
				t.Fatal(err)
			}
			if len(drows) != len(srows) {
				t.Fatalf("duckdb has %d rows, spark %d", len(drows), len(srows))
			}
			dn, sn := normalize(drows), normalize(srows)
			bad := 0
			for i := range dn {
				if msg := sameRow(dn[i], sn[i]); msg != "" {
					bad++
					if bad <= 3 {
						t.Errorf("row %d differs: %s\n duckdb %v\n spark  %v", i, msg, dn[i], sn[i])
					}
				}
			}
			if bad > 3 {
				t.Errorf("%d rows differ in all", bad)
			}
		})
	}
}

func quoteAll(d adapter.Dialect, cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = d.QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// cell is a value in a comparable form: numbers as float64, times as UTC
// text to the second, the rest as text.
type cell struct {
	num   float64
	isNum bool
	text  string
}

func (c cell) String() string {
	if c.isNum {
		return strconv.FormatFloat(c.num, 'f', 2, 64)
	}
	return c.text
}

func toCell(v any) cell {
	switch x := v.(type) {
	case nil:
		return cell{text: "NULL"}
	case time.Time:
		return cell{text: x.UTC().Format("2006-01-02 15:04:05")}
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(x), 64)
		return cell{num: f, isNum: true}
	case float32:
		return cell{num: float64(x), isNum: true}
	case float64:
		return cell{num: x, isNum: true}
	case interface{ Float64() float64 }:
		return cell{num: x.Float64(), isNum: true}
	case string:
		// Spark returns decimals as exact text.
		if f, err := strconv.ParseFloat(x, 64); err == nil && looksDecimal(x) {
			return cell{num: f, isNum: true}
		}
		return cell{text: x}
	case bool:
		return cell{text: strconv.FormatBool(x)}
	}
	return cell{text: fmt.Sprint(v)}
}

func looksDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || (r == '-' && i == 0)) {
			return false
		}
	}
	return true
}

// normalize turns rows into cells sorted by their text, so both engines'
// rows line up whatever order they come in.
func normalize(rows [][]any) [][]cell {
	out := make([][]cell, len(rows))
	keys := make([]string, len(rows))
	for i, r := range rows {
		cs := make([]cell, len(r))
		parts := make([]string, len(r))
		for j, v := range r {
			cs[j] = toCell(v)
			parts[j] = cs[j].String()
		}
		out[i] = cs
		keys[i] = strings.Join(parts, "|")
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	sorted := make([][]cell, len(rows))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// sameRow compares two rows: numbers within half a cent, the rest exactly.
func sameRow(a, b []cell) string {
	for i := range a {
		switch {
		case a[i].isNum && b[i].isNum:
			if math.Abs(a[i].num-b[i].num) > 0.005 {
				return fmt.Sprintf("column %d: %v vs %v", i+1, a[i].num, b[i].num)
			}
		case a[i].isNum != b[i].isNum || a[i].text != b[i].text:
			return fmt.Sprintf("column %d: %q vs %q", i+1, a[i].String(), b[i].String())
		}
	}
	return ""
}

// copyRaw loads the raw techstore tables of the DuckDB file into Spark
// through the adapter's LoadTable.
func copyRaw(t *testing.T, ctx context.Context, duckCfg, sparkCfg adapter.Config) {
	t.Helper()
	dk, err := duckdb.Open(ctx, duckCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dk.Close()
	sp, err := databricks.Open(ctx, sparkCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	raw, err := dk.ListRelations(ctx, "", ingest.Schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range ingest.TableNames() {
		info, ok := raw[name]
		if !ok {
			t.Fatalf("duckdb has no raw table %s", name)
		}
		sel := make([]string, len(info.Columns))
		for i, c := range info.Columns {
			sel[i] = "CAST(" + dk.QuoteIdent(c.Name) + " AS VARCHAR)"
		}
		_, rows, err := dk.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+dk.RelationName(adapter.Relation{Schema: ingest.Schema, Identifier: name}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.LoadTable(ctx, adapter.Relation{Schema: ingest.Schema, Identifier: name}, info.Columns, rows); err != nil {
			t.Fatalf("copy %s to spark: %v", name, err)
		}
	}
}

// relay is a TCP relay on loopback in front of the Spark server: closing
// it makes the warehouse vanish for the `flaky` target; reopening it on the
// same port brings it back.
type relay struct {
	target string
	port   int
	mu     sync.Mutex
	l      net.Listener
	conns  []net.Conn
}

func startRelay(t *testing.T, target string) *relay {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{target: target, port: l.Addr().(*net.TCPAddr).Port}
	r.serve(l)
	t.Cleanup(r.stop)
	return r
}

func (r *relay) serve(l net.Listener) {
	r.mu.Lock()
	r.l = l
	r.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", r.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, c, u)
			r.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); _ = u.Close() }()
			go func() { _, _ = io.Copy(c, u); _ = c.Close() }()
		}
	}()
}

func (r *relay) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.l != nil {
		_ = r.l.Close()
		r.l = nil
	}
	for _, c := range r.conns {
		_ = c.Close()
	}
	r.conns = nil
}

func (r *relay) restart(t *testing.T) {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", r.port))
	if err != nil {
		t.Fatalf("reopen relay: %v", err)
	}
	r.serve(l)
}

type runResult struct {
	Status   string `json:"status"`
	Message  string `json:"message"`
	UniqueID string `json:"unique_id"`
}

func readRunResults(t *testing.T, dir string) []runResult {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Results []runResult `json:"results"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		t.Fatal(err)
	}
	return rr.Results
}

// stopMidRunAndRetry cuts the warehouse while a build runs: the running
// node fails with the retry count, its descendants are skipped, finished
// tables stay; `techstore retry` then completes the rest.
func stopMidRunAndRetry(t *testing.T, dir string, run func(args ...string) (int, time.Duration), r *relay) {
	t.Run("warehouse stops mid-run, retry resumes", func(t *testing.T) {
		sel := []string{"-s", "silver_orders+", "--exclude", "resource_type:test"}
		mark := markServerLog(t)
		done := make(chan int, 1)
		go func() {
			code, _ := run(append([]string{"build", "--target", "flaky", "-q"}, sel...)...)
			done <- code
		}()
		// Cut once silver_orders is built and its first gold child runs.
		deadline := time.Now().Add(5 * time.Minute)
		for !serverSaw(mark, "CREATE OR REPLACE TABLE `gold`.") && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		r.stop()
		code := <-done
		if code == 0 {
			t.Fatal("build through a stopped warehouse exited 0")
		}
		var ok, failed, skipped int
		for _, res := range readRunResults(t, dir) {
			switch res.Status {
			case "success", "pass":
				ok++
			case "error":
				failed++
				if !strings.Contains(res.Message, "stopped answering") || !strings.Contains(res.Message, "attempts (2 retries") {
					t.Errorf("%s failed with %q; want the lost warehouse and the retry count", res.UniqueID, res.Message)
				}
			case "skipped":
				skipped++
			}
		}
		t.Logf("cut mid-run: %d ok, %d failed, %d skipped", ok, failed, skipped)
		if failed == 0 || skipped == 0 {
			t.Errorf("want failed and skipped nodes after the cut, got %d failed, %d skipped", failed, skipped)
		}
		r.restart(t)
		code, took := run("retry", "--target", "flaky", "-q")
		if code != 0 {
			t.Fatalf("retry exited %d", code)
		}
		again := readRunResults(t, dir)
		for _, res := range again {
			if res.Status != "success" && res.Status != "pass" {
				t.Errorf("retry: %s %s: %s", res.UniqueID, res.Status, res.Message)
			}
		}
		if len(again) != failed+skipped {
			t.Errorf("retry ran %d nodes, want the %d failed and skipped ones", len(again), failed+skipped)
		}
		t.Logf("retry ran %d nodes in %s", len(again), took.Round(time.Millisecond))
	})
}

// rawDiff compares the row counts of the raw tables in DuckDB and Spark;
// "" when they agree.
func rawDiff(t *testing.T, ctx context.Context, duckCfg, sparkCfg adapter.Config) string {
	t.Helper()
	dk, err := duckdb.Open(ctx, duckCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dk.Close()
	sp, err := databricks.Open(ctx, sparkCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	var diffs []string
	for _, name := range ingest.TableNames() {
		r := adapter.Relation{Schema: ingest.Schema, Identifier: name}
		_, d, err := dk.Query(ctx, "SELECT count(*) FROM "+dk.RelationName(r))
		if err != nil {
			t.Fatal(err)
		}
		_, s, err := sp.Query(ctx, "SELECT count(*) FROM "+sp.RelationName(r))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(d[0][0]) != fmt.Sprint(s[0][0]) {
			diffs = append(diffs, fmt.Sprintf("%s: %v rows in duckdb, %v in spark", name, d[0][0], s[0][0]))
		}
	}
	return strings.Join(diffs, "; ")
}
