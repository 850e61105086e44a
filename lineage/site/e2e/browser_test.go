//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/techstore-analytics/techstore/internal/cli"
	"github.com/techstore-analytics/techstore/lineage/column"
	"github.com/techstore-analytics/techstore/lineage/graph"
	"github.com/techstore-analytics/techstore/lineage/site"
	"github.com/techstore-analytics/techstore/runtime/project"
	"github.com/techstore-analytics/techstore/runtime/selector"
)

// repoRoot is the module root (two levels above lineage/site/e2e).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", "..", ".."))
}

// artifacts is target/e2e at the repository root (kept by CI).
func artifacts(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "target", "e2e")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Chromium with a fresh profile, blocks every
// request that is not file:, data: or blob:, and records console errors,
// exceptions and blocked requests.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	errors   []string
	outside  []string
	requests chan *fetch.EventRequestPaused
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if path, err = exec.LookPath("chromium-browser"); err != nil {
			t.Fatal("chromium not found: install it with `apt-get install -y chromium` (make test-browser does)")
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	b := &browser{ctx: ctx, requests: make(chan *fetch.EventRequestPaused, 1024)}
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go b.decide()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("enable request interception: %v", err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, struct{}{}); err != nil {
		t.Fatalf("enable runtime events: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, struct{}{}); err != nil {
		t.Fatalf("enable log events: %v", err)
	}
	return b
}

func (b *browser) event(ev any) {
	switch e := ev.(type) {
	case *fetch.EventRequestPaused:
		b.requests <- e
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			b.record(&b.errors, "console."+string(e.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		msg := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
		b.record(&b.errors, "exception: "+msg)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			b.record(&b.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
		}
	}
}

func (b *browser) record(l *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*l = append(*l, s)
}

// decide lets file:, data: and blob: requests through and fails the rest.
func (b *browser) decide() {
	for {
		select {
		case <-b.ctx.Done():
			return
		case e := <-b.requests:
			u := e.Request.URL
			if strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
				_, _ = chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
				continue
			}
			b.record(&b.outside, u)
			_, _ = chromedp.Call(b.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}
}

func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		t.Errorf("console errors: %q", b.errors)
	}
	if len(b.outside) > 0 {
		t.Errorf("requests to other hosts: %q", b.outside)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func open(t *testing.T, b *browser, path, hash string) {
	t.Helper()
	u := "file://" + path + hash
	if err := chromedp.Do(b.ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS(`body[data-ready="1"]`))); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
}

func screenshot(t *testing.T, b *browser, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(artifacts(t), name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ---------- a hand-built project with known lineage ----------

func fixture() *project.Project {
	p := &project.Project{Name: "f", Nodes: map[string]*project.Node{}, Sources: map[string]*project.Source{}}
	src := func(table string, cols ...string) {
		s := &project.Source{UniqueID: "source.f.raw." + table, SourceName: "raw", Name: table, Schema: "raw", Identifier: table,
			FQN: []string{"f", "raw", table}, OriginalFilePath: "models/sources.yml"}
		for _, c := range cols {
			s.Columns = append(s.Columns, &project.Column{Name: c})
		}
		p.Sources[s.UniqueID] = s
	}
	src("orders", "id", "customer_id", "amount", "status")
	src("customers", "id", "name", "country")
	model := func(layer, name, sql string, tags []string, deps ...string) {
		n := &project.Node{UniqueID: "model.f." + name, Name: name, ResourceType: project.Model, PackageName: "f",
			Schema: layer, Alias: name, Path: layer + "/" + name + ".sql", OriginalFilePath: "models/" + layer + "/" + name + ".sql",
			FQN: []string{"f", layer, name}, RawCode: sql, CompiledCode: sql, Tags: tags,
			Config:      project.Config{Enabled: true, Materialized: "table", Tags: tags},
			Description: "The " + name + " model.", DependsOn: project.DependsOn{Nodes: deps}}
		p.Nodes[n.UniqueID] = n
	}
	model("bronze", "bronze_orders", `select cast(id as bigint) as order_id, customer_id, amount, status from "raw"."orders"`, nil, "source.f.raw.orders")
	model("bronze", "bronze_customers", `select id as customer_id, name, country from "raw"."customers"`, nil, "source.f.raw.customers")
	model("silver", "silver_orders", `select o.order_id, customer_id, c.country, o.amount
		from "bronze"."bronze_orders" o join "bronze"."bronze_customers" c using (customer_id) where o.status = 'paid'`,
		[]string{"silver"}, "model.f.bronze_orders", "model.f.bronze_customers")
	model("gold", "gold_sales", `select country, sum(amount) as revenue, count(*) as orders from "silver"."silver_orders" group by country`,
		[]string{"gold", "finance"}, "model.f.silver_orders")
	model("gold", "gold_customers", `select c.customer_id, c.name, count(o.order_id) as n_orders
		from "bronze"."bronze_customers" c left join "silver"."silver_orders" o on o.customer_id = c.customer_id group by all`,
		[]string{"gold"}, "model.f.bronze_customers", "model.f.silver_orders")
	p.Nodes["model.f.gold_sales"].Columns = []*project.Column{{Name: "revenue", Description: "Paid revenue.", DataType: "double",
		Tests: []project.TestSpec{{Name: "not_null"}}}}
	return p
}

func writeFixture(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	p := fixture()
	lin, err := column.ForProject(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(p, lin, nil)
	path := filepath.Join(artifacts(t), "fixture", "index.html")
	if err := site.WriteFile(ctx, path, g); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHarnessBlocksOutsideRequests proves the interception works: a page
// that asks another host for an image has that request recorded and failed.
func TestHarnessBlocksOutsideRequests(t *testing.T) {
	b := newBrowser(t)
	page := filepath.Join(t.TempDir(), "outside.html")
	if err := os.WriteFile(page, []byte(`<!doctype html><img src="http://203.0.113.7/pixel.png"><script>document.body.dataset.ready = "1"</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, b, page, "")
	for i := 0; i < 250; i++ {
		b.mu.Lock()
		n := len(b.outside)
		b.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.outside) != 1 || b.outside[0] != "http://203.0.113.7/pixel.png" {
		t.Errorf("outside requests recorded: %q", b.outside)
	}
}

func TestFixturePage(t *testing.T) {
	path := writeFixture(t)
	b := newBrowser(t)
	open(t, b, path, "")
	ctx := b.ctx

	t.Run("every node present", func(t *testing.T) {
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("g.node")).map(g => g.dataset.id).sort()`)
		want := []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.gold_customers", "model.f.gold_sales",
			"model.f.silver_orders", "source.f.raw.customers", "source.f.raw.orders"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("nodes: got %v want %v", got, want)
		}
	})
	t.Run("layers left to right", func(t *testing.T) { checkLayers(t, ctx) })

	// Selector expressions, expected sets worked out by hand from the
	// fixture's DAG; the Go selector must agree on each.
	cases := []struct {
		name, expr, exclude string
		want                []string
	}{
		{"plain name", "gold_sales", "", []string{"model.f.gold_sales"}},
		{"all parents", "+gold_sales", "", []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.gold_sales", "model.f.silver_orders", "source.f.raw.customers", "source.f.raw.orders"}},
		{"one generation of parents", "1+gold_sales", "", []string{"model.f.gold_sales", "model.f.silver_orders"}},
		{"all children", "bronze_orders+", "", []string{"model.f.bronze_orders", "model.f.gold_customers", "model.f.gold_sales", "model.f.silver_orders"}},
		{"one generation of children", "bronze_orders+1", "", []string{"model.f.bronze_orders", "model.f.silver_orders"}},
		{"at: children and their parents", "@bronze_orders", "", []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.gold_customers", "model.f.gold_sales", "model.f.silver_orders", "source.f.raw.customers", "source.f.raw.orders"}},
		{"tag", "tag:gold", "", []string{"model.f.gold_customers", "model.f.gold_sales"}},
		{"intersection", "tag:gold,tag:finance", "", []string{"model.f.gold_sales"}},
		{"glob union", "gold_* bronze_orders", "", []string{"model.f.bronze_orders", "model.f.gold_customers", "model.f.gold_sales"}},
		{"path", "path:models/silver", "", []string{"model.f.silver_orders"}},
		{"resource type", "resource_type:source", "", []string{"source.f.raw.customers", "source.f.raw.orders"}},
		{"parents intersected with a tag", "+gold_customers,tag:silver", "", []string{"model.f.silver_orders"}},
		{"fqn prefix", "f.bronze", "", []string{"model.f.bronze_customers", "model.f.bronze_orders"}},
		{"source method", "source:raw.orders", "", []string{"source.f.raw.orders"}},
		{"source method, whole source", "source:raw", "", []string{"source.f.raw.customers", "source.f.raw.orders"}},
		{"config method", "config.materialized:table,tag:gold", "", []string{"model.f.gold_customers", "model.f.gold_sales"}},
		{"children of a source, depth 2", "source:raw.customers+2", "", []string{"model.f.bronze_customers", "model.f.gold_customers", "model.f.silver_orders", "source.f.raw.customers"}},
		{"exclude subtracts from the selection", "+gold_sales", "source:raw", []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.gold_sales", "model.f.silver_orders"}},
		{"exclude alone subtracts from everything", "", "tag:gold", []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.silver_orders", "source.f.raw.customers", "source.f.raw.orders"}},
		{"exclude a union", "tag:gold bronze_orders", "gold_customers source:*", []string{"model.f.bronze_orders", "model.f.gold_sales"}},
		{"exclude with graph operators", "gold_sales+ silver_orders+", "gold_sales", []string{"model.f.gold_customers", "model.f.silver_orders"}},
		{"file method, name", "file:silver_orders.sql", "", []string{"model.f.silver_orders"}},
		{"file method, stem glob", "file:gold_*", "", []string{"model.f.gold_customers", "model.f.gold_sales"}},
		{"bare file name", "gold_sales.sql", "", []string{"model.f.gold_sales"}},
		{"package method", "package:f,resource_type:source", "", []string{"source.f.raw.customers", "source.f.raw.orders"}},
		{"config.tags", "config.tags:finance", "", []string{"model.f.gold_sales"}},
		{"path, star within a folder", "path:models/*/bronze_orders.sql", "", []string{"model.f.bronze_orders"}},
		{"path, double star across folders", "path:models/**/gold_*.sql", "", []string{"model.f.gold_customers", "model.f.gold_sales"}},
		{"path, source file", "path:models/sources.yml", "", []string{"source.f.raw.customers", "source.f.raw.orders"}},
		{"fqn wildcard", "f.gold.*", "", []string{"model.f.gold_customers", "model.f.gold_sales"}},
		{"fnmatch class", "bronze_[co]*", "", []string{"model.f.bronze_customers", "model.f.bronze_orders"}},
	}
	for _, tc := range cases {
		t.Run("selector "+tc.name, func(t *testing.T) {
			got := pageSelect(t, ctx, boxText(tc.expr, tc.exclude))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("page shows %v, want %v", got, tc.want)
			}
			goIDs := goSelect(t, fixture(), nil, tc.expr, tc.exclude, nil)
			if !reflect.DeepEqual(goIDs, tc.want) {
				t.Errorf("go selector selects %v, want %v", goIDs, tc.want)
			}
		})
	}

	// Selectors the page refuses, with the column it points at (1-based,
	// counted by hand) and words the message must contain. goColumn is the
	// column of the Go selector's *SyntaxError for the same text (0: the
	// Go selector does not reject it as a syntax error).
	bad := []struct {
		name, expr string
		column     int
		words      []string
		goColumn   int
	}{
		{"double colon", "tag::x", 5, []string{"unexpected ':' in value"}, 5},
		{"empty criterion between commas", "tag:gold,,tag:x", 10, []string{"empty criterion between commas"}, 10},
		{"at with trailing plus", "@gold_sales+", 12, []string{"'@' cannot be combined"}, 12},
		{"operator without a name", "gold_sales 2+", 14, []string{"missing node name"}, 14},
		{"bad character in a method", "ta-g:x", 3, []string{"unexpected '-' in method name"}, 3},
		{"state needs a second manifest", "tag:gold state:modified+", 10, []string{"second manifest", "--state DIR", "state:modified+"}, 0},
		{"named selectors are not on the page", "selector:nightly", 1, []string{"selectors.yml"}, 0},
		{"tests are not drawn", "test_type:generic", 1, []string{"tests are not drawn"}, 0},
		{"config key the page does not carry", "config.schema:gold", 8, []string{"only config.materialized and config.tags", "config.schema"}, 0},
		{"unknown method", "colour:red", 1, []string{`unknown selector method "colour"`}, 0},
		{"unknown flag", "gold_sales --full-refresh", 12, []string{`unknown flag "--full-refresh"`}, 0},
		{"exclude with nothing after it", "gold_sales --exclude", 21, []string{"--exclude needs a selector"}, 0},
	}
	for _, tc := range bad {
		t.Run("refused "+tc.name, func(t *testing.T) {
			js, _ := json.Marshal(tc.expr)
			type shown struct {
				Class, Msg, Caret string
				Visible           int
			}
			before := pageSelect(t, ctx, "gold_* --exclude gold_customers")
			got := eval[shown](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById("selector");
				s.value = %s; document.getElementById("apply").click(); const e = document.getElementById("sel-error");
				const m = e.querySelector(".sel-msg"), c = e.querySelector(".sel-caret");
				return {Class: e.className, Msg: m ? m.textContent : e.textContent, Caret: c ? c.textContent : "",
					Visible: document.querySelectorAll("g.node:not(.hidden)").length}; })()`, js))
			if got.Class != "error" {
				t.Errorf("sel-error class %q, want error (message %q)", got.Class, got.Msg)
			}
			if want := fmt.Sprintf("at column %d:", tc.column); !strings.Contains(got.Msg, want) {
				t.Errorf("message %q does not say %q", got.Msg, want)
			}
			for _, w := range tc.words {
				if !strings.Contains(got.Msg, w) {
					t.Errorf("message %q does not contain %q", got.Msg, w)
				}
			}
			if want := tc.expr + "\n" + strings.Repeat(" ", tc.column-1) + "^"; got.Caret != want {
				t.Errorf("caret block %q, want %q", got.Caret, want)
			}
			if tc.name == "double colon" {
				screenshot(t, b, "fixture-selector-error.png")
			}
			if got.Visible != len(before) || len(before) != 1 {
				t.Errorf("visible nodes after a refused selector: %d, before it %v; want the one node left unchanged", got.Visible, before)
			}
			_, err := selector.Select(fixture(), nil, selector.Spec{Select: []string{tc.expr}}, nil)
			var se *selector.SyntaxError
			if tc.goColumn > 0 {
				if !errors.As(err, &se) || se.Column() != tc.goColumn {
					t.Errorf("go selector: got %v, want a syntax error at column %d", err, tc.goColumn)
				}
			}
		})
	}

	t.Run("a criterion that matches nothing warns in dbt's words", func(t *testing.T) {
		type shown struct {
			Class, Msg string
			Visible    []string
		}
		got := eval[shown](t, ctx, `(() => { document.getElementById("reset").click(); const s = document.getElementById("selector");
			s.value = "tag:gold tag:nope"; document.getElementById("apply").click(); const e = document.getElementById("sel-error");
			return {Class: e.className, Msg: e.textContent, Visible: Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort()}; })()`)
		want := "The selection criterion 'tag:nope' does not match any enabled nodes"
		if got.Class != "warning" || got.Msg != want {
			t.Errorf("warning: class %q text %q, want warning %q", got.Class, got.Msg, want)
		}
		if w := []string{"model.f.gold_customers", "model.f.gold_sales"}; !reflect.DeepEqual(got.Visible, w) {
			t.Errorf("visible: %v want %v", got.Visible, w)
		}
		res, err := selector.Select(fixture(), nil, selector.Spec{Select: []string{"tag:gold tag:nope"}}, nil)
		if err != nil || !slices.Contains(res.Warnings, want) {
			t.Errorf("go selector warnings %q (err %v), want %q among them", res.Warnings, err, want)
		}
		got = eval[shown](t, ctx, `(() => { const s = document.getElementById("selector");
			s.value = "tag:gold --exclude gold_*"; document.getElementById("apply").click(); const e = document.getElementById("sel-error");
			return {Class: e.className, Msg: e.textContent, Visible: Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort()}; })()`)
		if got.Class != "warning" || !strings.Contains(got.Msg, "Nothing selected") || len(got.Visible) != 0 {
			t.Errorf("empty selection: class %q text %q visible %v, want a 'Nothing selected' warning and no node", got.Class, got.Msg, got.Visible)
		}
	})

	t.Run("the page says what it cannot select", func(t *testing.T) {
		help := eval[string](t, ctx, `(() => { document.getElementById("selector").value = ""; document.getElementById("reset").click();
			return document.getElementById("selector-help").textContent; })()`)
		for _, w := range []string{"--exclude", "state:", "second manifest", "selector:", "test_type:", "config.tags:"} {
			if !strings.Contains(help, w) {
				t.Errorf("selector help %q does not mention %q", help, w)
			}
		}
	})

	t.Run("a bad selector says why and changes nothing", func(t *testing.T) {
		msg := eval[string](t, ctx, `(() => { document.getElementById("reset").click(); const s = document.getElementById("selector");
			s.value = "colour:red"; document.getElementById("apply").click(); return document.getElementById("sel-error").textContent; })()`)
		if !strings.Contains(msg, `unknown selector method "colour"`) {
			t.Errorf("error shown: %q", msg)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("g.node:not(.hidden)").length`); n != 7 {
			t.Errorf("visible nodes after a bad selector: %d want 7", n)
		}
		eval[bool](t, ctx, `(() => { document.getElementById("selector").value = ""; document.getElementById("reset").click(); return true; })()`)
	})

	t.Run("search lists matching models", func(t *testing.T) {
		got := eval[[]string](t, ctx, `(() => { const s = document.getElementById("search"); s.value = "orders";
			s.dispatchEvent(new Event("input")); const r = Array.from(document.querySelectorAll("#results a")).map(a => a.getAttribute("href"));
			s.value = ""; s.dispatchEvent(new Event("input")); return r.sort(); })()`)
		// Names containing "orders", plus gold_sales whose column is named
		// exactly "orders" (gold_customers' n_orders is not an exact match).
		wantNames := []string{"#model/model.f.bronze_orders", "#model/model.f.gold_sales", "#model/model.f.silver_orders", "#model/source.f.raw.orders"}
		if !reflect.DeepEqual(got, wantNames) {
			t.Errorf("search results: got %v want %v", got, wantNames)
		}
	})

	t.Run("clicking a node opens its page", func(t *testing.T) {
		eval[bool](t, ctx, `(() => { document.getElementById("reset").click(); return true; })()`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`g.node[data-id="model.f.gold_sales"] rect`))); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("model-title"))); err != nil {
			t.Fatal(err)
		}
		title := eval[string](t, ctx, `document.getElementById("model-title").textContent`)
		hash := eval[string](t, ctx, `location.hash`)
		if title != "gold_sales" || hash != "#model/model.f.gold_sales" {
			t.Errorf("after click: title %q hash %q", title, hash)
		}
		// Neighbourhood: one hop up and down.
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort()`)
		if want := []string{"model.f.gold_sales", "model.f.silver_orders"}; !reflect.DeepEqual(got, want) {
			t.Errorf("neighbourhood: got %v want %v", got, want)
		}
		cols := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#columns tr[data-col]")).map(r => r.dataset.col)`)
		if want := []string{"revenue", "country", "orders"}; !reflect.DeepEqual(cols, want) {
			t.Errorf("columns: got %v want %v", cols, want)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("expand-up"))); err != nil {
			t.Fatal(err)
		}
		got = eval[[]string](t, ctx, `Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort()`)
		if want := []string{"model.f.bronze_customers", "model.f.bronze_orders", "model.f.gold_sales", "model.f.silver_orders"}; !reflect.DeepEqual(got, want) {
			t.Errorf("after expanding upstream: got %v want %v", got, want)
		}
	})

	t.Run("clicking a column highlights its upstream columns", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#columns tr[data-col="revenue"] a`))); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("colgraph"))); err != nil {
			t.Fatal(err)
		}
		// revenue = sum(silver_orders.amount); silver amount = bronze amount = raw amount.
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#colgraph g.lin-col")).map(g => g.dataset.node + "." + g.dataset.col).sort()`)
		want := []string{"model.f.bronze_orders.amount", "model.f.gold_sales.revenue", "model.f.silver_orders.amount", "source.f.raw.orders.amount"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("highlighted columns: got %v want %v", got, want)
		}
		hops := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#lineage-hops tr.hop")).map(r => Array.from(r.cells).map(c => c.textContent).join(" | "))`)
		wantHops := []string{"gold_sales.revenue | silver_orders.amount | aggregated", "silver_orders.amount | bronze_orders.amount | identity", "bronze_orders.amount | raw.orders.amount | identity"}
		if !reflect.DeepEqual(hops, wantHops) {
			t.Errorf("hops: got %q want %q", hops, wantHops)
		}
		hl := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("g.node.lin-hl")).map(g => g.dataset.id).sort()`)
		if w := []string{"model.f.bronze_orders", "model.f.gold_sales", "model.f.silver_orders", "source.f.raw.orders"}; !reflect.DeepEqual(hl, w) {
			t.Errorf("highlighted nodes: got %v want %v", hl, w)
		}
		if h := eval[string](t, ctx, `location.hash`); h != "#column/model.f.gold_sales/revenue" {
			t.Errorf("deep link: %q", h)
		}
		screenshot(t, b, "fixture-column.png")
	})

	t.Run("deep link opens a selection", func(t *testing.T) {
		open(t, b, path, "#select/"+url.PathEscape("+gold_sales,tag:silver bronze_orders"))
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort()`)
		if want := []string{"model.f.bronze_orders", "model.f.silver_orders"}; !reflect.DeepEqual(got, want) {
			t.Errorf("nodes: got %v want %v", got, want)
		}
	})

	t.Run("deep link opens a column", func(t *testing.T) {
		open(t, b, path, "#column/model.f.silver_orders/country")
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#colgraph g.lin-col")).map(g => g.dataset.node + "." + g.dataset.col).sort()`)
		want := []string{"model.f.bronze_customers.country", "model.f.silver_orders.country", "source.f.raw.customers.country"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("columns: got %v want %v", got, want)
		}
	})

	t.Run("export svg and png", func(t *testing.T) {
		// Capture what the export hands to the download link.
		svg := eval[string](t, ctx, `new Promise(res => { const orig = URL.createObjectURL;
			URL.createObjectURL = blob => { URL.createObjectURL = orig; blob.text().then(res); return orig(blob); };
			document.getElementById("export-svg").click(); })`)
		if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `data-id="model.f.silver_orders"`) {
			t.Errorf("svg export: got %.200q", svg)
		}
		// Well-formed XML, and only the nodes in view (the deep-linked
		// column's lineage: silver_orders, bronze_customers, raw.customers).
		dec := xml.NewDecoder(strings.NewReader(svg))
		var ids []string
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("exported svg is not well-formed XML: %v", err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
				for _, at := range se.Attr {
					if at.Name.Local == "data-id" {
						ids = append(ids, at.Value)
					}
				}
			}
		}
		sort.Strings(ids)
		if want := []string{"model.f.bronze_customers", "model.f.silver_orders", "source.f.raw.customers"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("exported nodes: got %v want %v", ids, want)
		}
		// The PNG goes through an <img> and a canvas: no taint, no error.
		n := eval[int](t, ctx, `new Promise(res => { const img = new Image(); img.onload = () => { const c = document.createElement("canvas");
			c.width = 100; c.height = 100; c.getContext("2d").drawImage(img, 0, 0); res(c.toDataURL("image/png").length); };
			img.onerror = () => res(-1); img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(new XMLSerializer().serializeToString(document.getElementById("dag"))))); })`)
		if n <= 0 {
			t.Errorf("png export: canvas gave %d bytes", n)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("export-png")), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	})
	b.check(t)
}

// boxText is what an operator types in the selector box for --select sel
// --exclude ex.
func boxText(sel, ex string) string {
	if ex == "" {
		return sel
	}
	return strings.TrimSpace(sel + " --exclude " + ex)
}

// pageSelect types expr in the selector box, applies it and returns the
// ids of the nodes left visible, sorted.
func pageSelect(t *testing.T, ctx context.Context, expr string) []string {
	t.Helper()
	js, _ := json.Marshal(expr)
	return eval[[]string](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById("selector"); s.value = %s;
		document.getElementById("apply").click();
		return Array.from(document.querySelectorAll("g.node:not(.hidden)")).map(g => g.dataset.id).sort(); })()`, js))
}

// goSelect runs the engine's selector with --select sel --exclude ex and
// returns the selected ids that are drawn on the page (keep == nil: all),
// sorted.
func goSelect(t *testing.T, p *project.Project, d selector.Graph, sel, ex string, keep map[string]bool) []string {
	t.Helper()
	spec := selector.Spec{}
	if sel != "" {
		spec.Select = []string{sel}
	}
	if ex != "" {
		spec.Exclude = []string{ex}
	}
	res, err := selector.Select(p, d, spec, nil)
	if err != nil {
		t.Fatalf("go selector: %v", err)
	}
	ids := []string{}
	for _, id := range res.IDs {
		if keep == nil || keep[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// checkLayers compares the x positions of the boxes: every box of a later
// layer starts right of every box of an earlier layer.
func checkLayers(t *testing.T, ctx context.Context) {
	t.Helper()
	type box struct {
		Layer string  `json:"layer"`
		X     float64 `json:"x"`
		W     float64 `json:"w"`
	}
	boxes := eval[[]box](t, ctx, `Array.from(document.querySelectorAll("g.node")).map(g => { const r = g.getBoundingClientRect(); return {layer: g.dataset.layer, x: r.x, w: r.width}; })`)
	order := map[string]int{"source": 0, "bronze": 1, "silver": 2, "gold": 3}
	maxRight := map[int]float64{}
	minLeft := map[int]float64{}
	for _, b := range boxes {
		li, ok := order[b.Layer]
		if !ok {
			t.Fatalf("unknown layer %q", b.Layer)
		}
		if v, ok := maxRight[li]; !ok || b.X+b.W > v {
			maxRight[li] = b.X + b.W
		}
		if v, ok := minLeft[li]; !ok || b.X < v {
			minLeft[li] = b.X
		}
	}
	for i := 0; i < 4; i++ {
		for j := i + 1; j < 4; j++ {
			if _, ok := maxRight[i]; !ok {
				continue
			}
			if _, ok := minLeft[j]; ok && maxRight[i] > minLeft[j] {
				t.Errorf("layer %d reaches x=%.1f, right of the start of layer %d at x=%.1f", i, maxRight[i], j, minLeft[j])
			}
		}
	}
}

// TestTechStorePage generates the docs of the TechStore project itself with
// the CLI and checks them in the browser.
func TestTechStorePage(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(artifacts(t), "techstore", "index.html")
	if code := cli.Main([]string{"docs", "generate", "--project-dir", root, "-o", out}); code != 0 {
		t.Fatalf("techstore docs generate exited %d", code)
	}
	// The expected models: every .sql file under models/, read from disk.
	var want []string
	err := filepath.WalkDir(filepath.Join(root, "models"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			want = append(want, strings.TrimSuffix(filepath.Base(p), ".sql"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	b := newBrowser(t)
	open(t, b, out, "")
	got := eval[[]string](t, b.ctx, `Array.from(document.querySelectorAll("g.node")).filter(g => g.dataset.id.startsWith("model.")).map(g => g.querySelector("text").textContent).sort()`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("models on the page: got %v want %v", got, want)
	}
	checkLayers(t, b.ctx)
	ms := eval[float64](t, b.ctx, `window.techstoreReady`)
	techStoreSelectors(t, b, root)
	t.Logf("techstore page interactive %.0f ms after navigation start", ms)
	screenshot(t, b, "techstore-dag.png")
	b.check(t)
}

// techStoreSelectors runs the same selector strings through the page's
// selector box and through runtime/selector on the TechStore project and
// compares the selected nodes (the page draws models, seeds and sources;
// the tests the engine selects along are not on it).
func techStoreSelectors(t *testing.T, b *browser, root string) {
	// The engine as the CLI loads it (profile, target dialect), without
	// touching the partial parse cache.
	e, _, err := (&cli.App{ProjectDir: root, NoPartialParse: true}).LoadEngine(context.Background())
	if err != nil {
		t.Fatalf("load the techstore project: %v", err)
	}
	onPage := map[string]bool{}
	for _, id := range eval[[]string](t, b.ctx, `Array.from(document.querySelectorAll("g.node")).map(g => g.dataset.id)`) {
		onPage[id] = true
	}
	cases := []struct {
		name, sel, exclude string
		want               []string // worked out by hand from the model files; nil: compare with Go only
		// drawnOnly runs the Go selector on the DAG without its tests: the
		// engine's @m also takes the parents of the tests on m's
		// descendants (dbt's behaviour), which the page does not draw.
		drawnOnly bool
	}{
		{"tag", "tag:gold", "", nil, false},
		{"all parents", "+gold_sales_metrics", "", nil, false},
		{"parents, two generations", "2+gold_rating_trends", "", nil, false},
		{"children, one generation", "silver_orders+1", "", nil, false},
		{"at, on the drawn graph", "@silver_customers", "", nil, true},
		{"children of a source table", "source:techstore.orders+", "", nil, false},
		{"folder", "path:models/silver", "", nil, false},
		{"path globs", "path:models/**/*_orders.sql", "", []string{"model.techstore.bronze_orders", "model.techstore.silver_orders"}, false},
		{"file", "file:bronze_reviews.sql", "", []string{"model.techstore.bronze_reviews"}, false},
		{"config.materialized", "config.materialized:incremental", "", []string{"model.techstore.bronze_order_items", "model.techstore.bronze_orders"}, false},
		{"config.tags", "config.tags:bronze,config.materialized:incremental", "", []string{"model.techstore.bronze_order_items", "model.techstore.bronze_orders"}, false},
		{"seeds", "resource_type:seed", "", []string{"seed.techstore.brand_aliases", "seed.techstore.countries"}, false},
		{"package and type", "package:techstore,resource_type:source", "", nil, false},
		{"fqn wildcard", "techstore.gold.*", "", nil, false},
		{"parents intersected with a tag", "+gold_customer_analytics,tag:silver", "", nil, false},
		{"exclude a glob", "silver_*", "silver_customer*", []string{"model.techstore.silver_order_items", "model.techstore.silver_orders",
			"model.techstore.silver_product_categories", "model.techstore.silver_products", "model.techstore.silver_reviews"}, false},
		{"exclude a union from everything", "", "tag:gold tag:silver resource_type:source", nil, false},
		{"exclude with operators", "+gold_cohort_retention", "+silver_customers", nil, false},
	}
	for _, tc := range cases {
		t.Run("selector "+tc.name, func(t *testing.T) {
			page := pageSelect(t, b.ctx, boxText(tc.sel, tc.exclude))
			var g selector.Graph = e.DAG
			if tc.drawnOnly {
				g = drawnGraph{e.DAG, onPage}
			}
			goIDs := goSelect(t, e.Project, g, tc.sel, tc.exclude, onPage)
			if !reflect.DeepEqual(page, goIDs) {
				t.Errorf("page selects %v\ngo selects   %v", page, goIDs)
			}
			if len(page) == 0 {
				t.Errorf("selects nothing; the case should select something")
			}
			if tc.want != nil && !reflect.DeepEqual(page, tc.want) {
				t.Errorf("page selects %v, want %v", page, tc.want)
			}
		})
	}
}

// drawnGraph is the engine's DAG restricted to the nodes on the page.
type drawnGraph struct {
	g    selector.Graph
	keep map[string]bool
}

func (d drawnGraph) filter(ids []string) []string {
	var out []string
	for _, id := range ids {
		if d.keep[id] {
			out = append(out, id)
		}
	}
	return out
}
func (d drawnGraph) Parents(id string) []string  { return d.filter(d.g.Parents(id)) }
func (d drawnGraph) Children(id string) []string { return d.filter(d.g.Children(id)) }
func (d drawnGraph) Nodes() []string             { return d.filter(d.g.Nodes()) }

// TestSyntheticPageTiming opens a 2,000-model page and reports how long
// the page takes to become interactive (the figure for the README; not an
// assertion).
func TestSyntheticPageTiming(t *testing.T) {
	g := synthetic(2000)
	path := filepath.Join(artifacts(t), "synthetic", "index.html")
	start := time.Now()
	if err := site.WriteFile(context.Background(), path, g); err != nil {
		t.Fatal(err)
	}
	t.Logf("render 2000-node page: %v", time.Since(start))
	b := newBrowser(t)
	open(t, b, path, "")
	ms := eval[float64](t, b.ctx, `window.techstoreReady`)
	n := eval[int](t, b.ctx, `document.querySelectorAll("g.node").length`)
	if n != 2000 {
		t.Errorf("nodes on the page: %d want 2000", n)
	}
	t.Logf("2000-node page interactive %.0f ms after navigation start", ms)
	_ = os.WriteFile(filepath.Join(artifacts(t), "timing.txt"), []byte(fmt.Sprintf("synthetic 2000 nodes: interactive %.0f ms after navigation start\n", ms)), 0o644)
	b.check(t)
}

func synthetic(n int) *graph.Graph {
	g := &graph.Graph{Project: "synthetic", Layers: []string{"source", "bronze", "silver", "gold"}}
	per := n / 4
	var byLayer [4][]*graph.Node
	for i := 0; i < n; i++ {
		li := min(i/per, 3)
		name := fmt.Sprintf("%s_%04d", g.Layers[li], i)
		nd := &graph.Node{ID: "model.s." + name, Name: name, Layer: g.Layers[li], LayerIndex: li, Tags: []string{}, Columns: []graph.Column{}, Tests: []graph.Test{}}
		if li > 0 {
			up := byLayer[li-1]
			g.Edges = append(g.Edges, graph.Edge{From: up[(i*7)%len(up)].ID, To: nd.ID})
		}
		byLayer[li] = append(byLayer[li], nd)
		g.Nodes = append(g.Nodes, nd)
	}
	by := map[string]*graph.Node{}
	for _, nd := range g.Nodes {
		by[nd.ID] = nd
	}
	for _, e := range g.Edges {
		by[e.From].Downstream = append(by[e.From].Downstream, e.To)
		by[e.To].Upstream = append(by[e.To].Upstream, e.From)
	}
	return g
}
