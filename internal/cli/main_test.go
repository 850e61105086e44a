package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childArgsEnv makes the test binary run Main with these arguments (a JSON
// array) instead of the tests, so a test can signal a real process.
const childArgsEnv = "TECHSTORE_CLI_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if js := os.Getenv(childArgsEnv); js != "" {
		var args []string
		if err := json.Unmarshal([]byte(js), &args); err != nil {
			os.Stderr.WriteString("bad " + childArgsEnv + ": " + err.Error() + "\n")
			os.Exit(2)
		}
		os.Exit(Main(args))
	}
	os.Exit(m.Run())
}

// TestInterruptExits130 runs `techstore run` in a child process, signals it
// while a slow model runs, and checks dbt's exit status 130, the message,
// and the run results written on the way out.
func TestInterruptExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	cases := []struct {
		name   string
		signal syscall.Signal
		cause  string // context.Cause of the signal, in the run error
	}{
		{"Ctrl-C", syscall.SIGINT, "interrupt signal received"},
		{"SIGTERM", syscall.SIGTERM, "terminated signal received"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"project.yml":           "name: sig\nprofile: sig\nmodels:\n  sig:\n    +materialized: table\n",
				"models/quick.sql":      `select 1 as id`,
				"models/slow.sql":       `select count(*) as n from range(3000000000) r(i) where md5(i::varchar) < 'zz'`,
				"models/after_slow.sql": `select * from {{ ref "slow" }}`,
			})
			args, _ := json.Marshal([]string{"run", "--project-dir", dir, "--threads", "2"})
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args), "HOME="+dir)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the slow model runs and the quick one is done.
			var out strings.Builder
			sc := bufio.NewScanner(stdout)
			slowStarted, quickDone := false, false
			for !(slowStarted && quickDone) && sc.Scan() {
				line := sc.Text()
				out.WriteString(line + "\n")
				slowStarted = slowStarted || strings.Contains(line, "START sql table model main.slow")
				quickDone = quickDone || strings.Contains(line, "OK created sql table model main.quick")
			}
			if !(slowStarted && quickDone) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("the child ended before the slow model ran:\n%s\nstderr:\n%s", out.String(), stderr.String())
			}
			time.Sleep(200 * time.Millisecond)
			if err := cmd.Process.Signal(c.signal); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stdout)
			out.Write(rest)
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			var werr error
			select {
			case werr = <-waited:
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
				t.Fatalf("the child did not stop after %s:\n%s", c.signal, out.String())
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) || ee.ExitCode() != ExitInterrupted {
				t.Fatalf("exit: %v, want status %d\nstdout:\n%s\nstderr:\n%s", werr, ExitInterrupted, out.String(), stderr.String())
			}
			for _, w := range []string{"Run error: run interrupted (" + c.cause + ")", "Done. PASS=1 WARN=0 ERROR=1 SKIP=1 TOTAL=3"} {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			if w := "Interrupted: results so far are in " + filepath.Join(dir, "target", "run_results.json"); !strings.Contains(stderr.String(), w) {
				t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
			}
			b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
			if err != nil {
				t.Fatalf("run_results.json not written: %v", err)
			}
			var rr struct {
				Results []struct {
					UniqueID string  `json:"unique_id"`
					Status   string  `json:"status"`
					Message  *string `json:"message"`
				} `json:"results"`
			}
			if err := json.Unmarshal(b, &rr); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"model.sig.quick": "success", "model.sig.slow": "error", "model.sig.after_slow": "skipped"}
			for _, r := range rr.Results {
				if want[r.UniqueID] != r.Status {
					t.Errorf("%s: %s, want %s", r.UniqueID, r.Status, want[r.UniqueID])
				}
				if r.UniqueID == "model.sig.slow" && (r.Message == nil || !strings.Contains(*r.Message, "cancelled: "+c.cause)) {
					t.Errorf("slow's message %v, want it to say it was cancelled by the signal", r.Message)
				}
			}
			if len(rr.Results) != len(want) {
				t.Errorf("%d results, want %d", len(rr.Results), len(want))
			}
			// retry picks up what the interruption left: slow and after_slow.
			t.Setenv("HOME", dir)
			writeFiles(t, dir, map[string]string{"models/slow.sql": `select 42 as n`})
			rout, rerr, err := run(t, "retry", "--project-dir", dir)
			if err != nil {
				t.Fatalf("retry: %v\n%s%s", err, rout, rerr)
			}
			for _, w := range []string{"OK created sql table model main.slow", "OK created sql table model main.after_slow", "Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"} {
				if !strings.Contains(rout, w) {
					t.Errorf("retry output lacks %q:\n%s", w, rout)
				}
			}
		})
	}
}
