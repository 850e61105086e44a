package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGenerateCheckOnTheRepository: the committed api/*_gen.go match the
// gold contracts, as `techstore generate --check` sees them.
func TestGenerateCheckOnTheRepository(t *testing.T) {
	root := NewRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"generate", "--check", "--project-dir", "../.."})
	if err := root.Execute(); err != nil {
		t.Fatalf("generate --check: %v", err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Errorf("output: %s", out.String())
	}
}

// TestServeEndToEnd runs the real commands on a copy of the TechStore
// project: ingest and build, then serve; a second build while the server
// is up (the server holds the DuckDB file only while loading) makes it
// reload; SIGTERM stops it gracefully with exit status 0.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests and builds the TechStore project")
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("TECHSTORE_RELOAD_TOKEN", "tok")
	for _, f := range []string{"project.yml", "selectors.yml", "models", "macros", "seeds", "tests"} {
		if _, err := os.Stat(filepath.Join("../..", f)); err != nil {
			continue
		}
		if out, err := exec.Command("cp", "-r", filepath.Join("../..", f), dir).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v %s", f, err, out)
		}
	}
	writeFiles(t, dir, map[string]string{"profiles.yml": `techstore:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: warehouse/shop.duckdb
      threads: 2
`})
	run := func(args ...string) {
		t.Helper()
		if code := Main(append(args, "--project-dir", dir)); code != 0 {
			t.Fatalf("techstore %v exited %d", args, code)
		}
	}
	run("ingest", "--scale", "1")
	run("build", "-q")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"serve", "--addr", addr, "--poll", "100ms", "--log-requests=false", "--project-dir", dir})
	}()
	base := "http://" + addr
	getJSON := func(path string) (int, map[string]any) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _ := getJSON("/ready"); code == http.StatusOK {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before it was ready", code)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve not ready after 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	code, sum := getJSON("/api/sales/summary")
	if code != http.StatusOK || sum["as_of_date"] != "2026-10-31" || sum["customers"].(float64) < 1000 {
		t.Errorf("summary: %d %v", code, sum)
	}
	_, ready := getJSON("/ready")
	if ready["snapshot"] != 1.0 {
		t.Errorf("first snapshot: %v", ready)
	}

	// A run while the server is up: it can write the file, and its
	// run_results.json makes the server reload.
	run("build", "-q", "--select", "tag:gold")
	deadline = time.Now().Add(60 * time.Second)
	for {
		_, ready = getJSON("/ready")
		if s, _ := ready["snapshot"].(float64); s >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reload after the run: %v", ready)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ready["status"] != "ready" {
		t.Errorf("after the run: %v", ready)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/reload", nil)
	req.Header.Set("Authorization", "Bearer tok")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("authenticated reload: %v %v", resp, err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after SIGTERM, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of SIGTERM")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("still answering after shutdown")
	}
}

func TestParseBytes(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  bool
	}{
		{"192MiB", 192 << 20, false},
		{"1GiB", 1 << 30, false},
		{"500MB", 500e6, false},
		{"1048576", 1 << 20, false},
		{"0", 0, false},
		{"12 KiB", 12 << 10, false},
		{"lots", 0, true},
		{"-5MiB", 0, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := parseBytes(c.in)
			if (err != nil) != c.err || got != c.want {
				t.Errorf("parseBytes(%q) = %d, %v; want %d (error %v)", c.in, got, err, c.want, c.err)
			}
		})
	}
}

func TestAutoMemoryLimit(t *testing.T) {
	cases := []struct {
		name string
		live int64
		want int64
	}{
		{"nothing loaded: the floor", 0, 64 << 20},
		{"small snapshot: the floor", 15 << 20, 64 << 20},
		{"scale 100 (48 MiB): 2 x 48 + 32", 48 << 20, 128 << 20},
		{"1 GiB: 2 GiB + 32 MiB", 1 << 30, 2<<30 + 32<<20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := autoMemoryLimit(c.live); got != c.want {
				t.Errorf("autoMemoryLimit(%d) = %d, want %d", c.live, got, c.want)
			}
		})
	}
}
