package ingest

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	duckadapter "github.com/techstore-analytics/techstore/runtime/adapter/duckdb"
)

// TestMain doubles as the helper of TestLoadWaitsForLock: run with
// TECHSTORE_HOLD_LOCK set, the test binary holds that warehouse file open
// read-only for TECHSTORE_HOLD_FOR in its own process (DuckDB's locks are
// per process), as a reloading server does, and exits.
func TestMain(m *testing.M) {
	if path := os.Getenv("TECHSTORE_HOLD_LOCK"); path != "" {
		os.Exit(holdLock(path, os.Getenv("TECHSTORE_HOLD_FOR")))
	}
	os.Exit(m.Run())
}

func holdLock(path, hold string) int {
	d, err := time.ParseDuration(hold)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 2
	}
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 2
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(d)
	db.Close()
	return 0
}

// TestLoadWaitsForLock: ingest waits while another process holds the file
// for a moment (as the server does when it reloads after a run), then
// loads; held for longer than it waits, the error names the file and the
// process.
func TestLoadWaitsForLock(t *testing.T) {
	cases := []struct {
		name    string
		hold    time.Duration
		wantErr bool
	}{
		{"held 0.5 s: waited for", 500 * time.Millisecond, false},
		{"held 5 s: a clear error after 2 s", 5 * time.Second, true},
	}
	cfg := Config{Scale: 1, Seed: 1, EndDate: DefaultEndDate}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "techstore.duckdb")
			if _, err := LoadDuckDB(context.Background(), path, cfg, Options{}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "TECHSTORE_HOLD_LOCK="+path, "TECHSTORE_HOLD_FOR="+c.hold.String())
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			if line, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(line) != "locked" {
				t.Fatalf("the helper process did not take the lock: %q", line)
			}
			start := time.Now()
			_, err = LoadDuckDB(context.Background(), path, cfg, Options{Replace: true})
			took := time.Since(start)
			var le *duckadapter.LockedError
			switch {
			case !c.wantErr && err != nil:
				t.Fatalf("load after %v: %v", took, err)
			case !c.wantErr && took < 200*time.Millisecond:
				t.Errorf("loaded after %v: it cannot have waited for the lock", took)
			case c.wantErr && !errors.As(err, &le):
				t.Fatalf("error %v after %v, want a LockedError", err, took)
			case c.wantErr && (le.Path != path || le.PID != strconv.Itoa(cmd.Process.Pid) || took < 2*time.Second):
				t.Errorf("LockedError %+v after %v, want path %s, pid %d, after 2 s", le, took, path, cmd.Process.Pid)
			}
		})
	}
}
