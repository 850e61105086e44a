package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLineageCommand(t *testing.T) {
	dir := copyShop(t)
	cases := []struct {
		name    string
		args    []string
		want    string // whole stdout
		contain []string
		wantErr string
	}{
		{
			name: "model level csv",
			args: []string{"lineage", "--format", "csv"},
			want: "from,to\n" +
				"model.shop.b_customers,model.shop.s_customers\n" +
				"model.shop.b_orders,model.shop.s_orders_eph\n" +
				"model.shop.s_customers,model.shop.g_revenue\n" +
				"model.shop.s_orders_eph,model.shop.g_revenue\n" +
				"source.shop.raw.customers,model.shop.b_customers\n" +
				"source.shop.raw.orders,model.shop.b_orders\n",
		},
		{
			name: "selection keeps edges inside it",
			args: []string{"lineage", "--format", "csv", "--select", "1+g_revenue"},
			want: "from,to\n" +
				"model.shop.s_customers,model.shop.g_revenue\n" +
				"model.shop.s_orders_eph,model.shop.g_revenue\n",
		},
		{
			name: "column level: revenue aggregates the bronze amount through the ephemeral model",
			args: []string{"lineage", "--format", "csv", "--columns", "--select", "g_revenue"},
			contain: []string{
				"model.shop.b_orders,amount,model.shop.g_revenue,revenue,aggregated,\n",
				"model.shop.s_customers,id,model.shop.g_revenue,id,identity,\n",
				// s_customers has no first_day column: said, not guessed.
				",,model.shop.g_revenue,days,unknown,column first_day not found in c\n",
			},
		},
		{
			name: "dot",
			args: []string{"lineage", "--format", "dot", "-s", "b_orders"},
			want: "digraph lineage {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n  \"model.shop.b_orders\" [label=\"b_orders\", fillcolor=\"#cd7f32\"];\n}\n",
		},
		{name: "unknown format", args: []string{"lineage", "--format", "png"}, wantErr: `unknown --format "png": use one of dot, mermaid, json, csv`},
		{name: "bad selector", args: []string{"lineage", "--select", "nosuchmethod:x"}, wantErr: "nosuchmethod"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := run(t, append(tc.args, "--project-dir", dir)...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && out != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tc.want)
			}
			for _, c := range tc.contain {
				if !strings.Contains(out, c) {
					t.Errorf("output lacks %q:\n%s", c, out)
				}
			}
		})
	}
}

// On a Spark target the models compile to Spark SQL; the lineage comes
// from a DuckDB compile of the same models and must be the same.
func TestLineageOnSparkTarget(t *testing.T) {
	dir := copyShop(t)
	profiles := "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: w.duckdb}\n" +
		"    sp: {type: spark, method: http, host: 127.0.0.1, port: 10001, http_path: cliservice, schema: shop}\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profiles), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "from_node,from_column,to_node,to_column,kind,note\n" +
		"source.shop.raw.orders,id,model.shop.b_orders,id,identity,\n" +
		"source.shop.raw.orders,customer_id,model.shop.b_orders,customer_id,identity,\n" +
		"source.shop.raw.orders,amount,model.shop.b_orders,amount,identity,\n"
	for _, target := range []string{"dev", "sp"} {
		out, _, err := run(t, "lineage", "--target", target, "--columns", "--format", "csv", "-s", "b_orders", "--project-dir", dir)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if out != want {
			t.Errorf("target %s:\n%s\nwant:\n%s", target, out, want)
		}
	}
}

func TestDocsGenerateAndServe(t *testing.T) {
	dir := copyShop(t)
	out, _, err := run(t, "docs", "generate", "--project-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "target", "docs", "index.html")
	if !strings.HasPrefix(out, "wrote "+page+" (") {
		t.Errorf("output: %q", out)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-id="model.shop.g_revenue"`, `data-id="source.shop.raw.orders"`, `data-id="seed.shop.countries"`, "Content-Security-Policy"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{`src="http`, `href="http`, "<link", "@import", "url(http"} {
		if bytes.Contains(html, []byte(bad)) {
			t.Errorf("page refers to another host: %s", bad)
		}
	}

	// docs serve on a free loopback port, stopped by cancelling its context.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		root := NewRoot()
		root.SetOut(io.Discard)
		root.SetArgs([]string{"docs", "serve", "--port", strconv.Itoa(port), "--project-dir", dir})
		done <- root.ExecuteContext(ctx)
	}()
	var body []byte
	for i := 0; i < 100; i++ {
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
		if err == nil {
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !bytes.Equal(body, html) {
		t.Errorf("served page differs from the generated one (%d vs %d bytes)", len(body), len(html))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}

	// Serving before generating says what to do.
	empty := t.TempDir()
	_, _, err = run(t, "docs", "serve", "--project-dir", empty)
	if err == nil || !strings.Contains(err.Error(), "run `techstore docs generate` first") {
		t.Errorf("serve without a page: %v", err)
	}
}
