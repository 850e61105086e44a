package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	readme := flag.String("readme", "README.md", "the README whose examples to check")
	base := flag.String("base", DocumentedBase, "where the server under test listens (replaces "+DocumentedBase+" in each example)")
	update := flag.Bool("update", false, "rewrite the README's JSON blocks from the server's answers instead of comparing")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of each request")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *readme, strings.TrimRight(*base, "/"), *update, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "readmecheck:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, readme, base string, update bool, timeout time.Duration) error {
	raw, err := os.ReadFile(readme)
	if err != nil {
		return fmt.Errorf("read the README: %w", err)
	}
	examples, err := Parse(readme, string(raw))
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		return fmt.Errorf("%s has no <!-- example: name --> blocks", readme)
	}
	client := &http.Client{Timeout: timeout}
	answers := map[string]string{}
	failed := 0
	for _, ex := range examples {
		url := base + strings.TrimPrefix(ex.URL, DocumentedBase)
		status, body, err := get(ctx, client, url)
		if err != nil {
			return fmt.Errorf("%s:%d: example %q: %w", readme, ex.Line, ex.Name, err)
		}
		if status != ex.Status {
			failed++
			fmt.Fprintf(w, "FAIL %s (%s:%d): status %d, the README says %d\n     %s\n", ex.Name, readme, ex.Line, status, ex.Status, body)
			continue
		}
		pretty, err := Pretty(body)
		if err != nil {
			return fmt.Errorf("%s:%d: example %q: the answer of %s is not JSON: %w", readme, ex.Line, ex.Name, url, err)
		}
		if update {
			answers[ex.Name] = pretty
			fmt.Fprintf(w, "updated %s\n", ex.Name)
			continue
		}
		same, err := Same([]byte(ex.Expected), body)
		if err != nil {
			return fmt.Errorf("%s:%d: example %q: %w", readme, ex.Line, ex.Name, err)
		}
		if !same {
			failed++
			want, _ := Pretty([]byte(ex.Expected)) // valid: Parse checked it
			fmt.Fprintf(w, "FAIL %s (%s:%d): the answer differs from the README\n%s", ex.Name, readme, ex.Line, firstDifference(want, pretty))
			continue
		}
		fmt.Fprintf(w, "ok   %s  %s\n", ex.Name, strings.TrimPrefix(ex.URL, DocumentedBase))
	}
	if update {
		if err := os.WriteFile(readme, []byte(Rewrite(string(raw), examples, answers)), 0o644); err != nil {
			return fmt.Errorf("write the README: %w", err)
		}
		return nil
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d README examples differ from the server's answers (rerun with -update against a scale-1 `make start` and review the diff if the change is intended)", failed, len(examples))
	}
	fmt.Fprintf(w, "all %d README examples match the server\n", len(examples))
	return nil
}

func get(ctx context.Context, c *http.Client, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("build request %s: %w", url, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("request %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("read the answer of %s: %w", url, err)
	}
	return resp.StatusCode, body, nil
}

// firstDifference shows the first line where two pretty JSON texts differ,
// with a line of context on each side.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(strings.TrimSpace(want), "\n"), strings.Split(strings.TrimSpace(got), "\n")
	n := min(len(wl), len(gl))
	i := 0
	for i < n && strings.TrimSpace(wl[i]) == strings.TrimSpace(gl[i]) {
		i++
	}
	line := func(ls []string, k int) string {
		if k < len(ls) {
			return strings.TrimSpace(ls[k])
		}
		return "(end)"
	}
	return fmt.Sprintf("     line %d of the JSON block\n     README: %s\n     server: %s\n", i+1, line(wl, i), line(gl, i))
}
