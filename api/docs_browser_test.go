//go:build e2e

package api

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDocsInChromium opens /docs in headless Chromium with every request
// outside the server blocked, waits for Swagger UI to list the operations
// from /openapi.json, and runs one with "Try it out". Run by make test-browser.
func TestDocsInChromium(t *testing.T) {
	s := newFixtureServer(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.UserDataDir(t.TempDir()), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1400, 1000))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()

	var mu sync.Mutex
	var outside, served []string
	paused := make(chan *fetch.EventRequestPaused, 1024)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-paused:
				u := e.Request.URL
				if strings.HasPrefix(u, s.URL+"/") || strings.HasPrefix(u, "data:") {
					mu.Lock()
					served = append(served, u)
					mu.Unlock()
					_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
					continue
				}
				mu.Lock()
				outside = append(outside, u)
				mu.Unlock()
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("enable request interception: %v", err)
	}
	op := "#operations-sales-sales-summary"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/docs"),
		chromedp.WaitVisible(chromedp.CSS(".opblock")),
	); err != nil {
		t.Fatalf("docs page: %v", err)
	}
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.opblock').length`))
	if err != nil {
		t.Fatal(err)
	}
	// Run GET /api/sales/summary from the page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(op+" .opblock-summary")),
		chromedp.Click(chromedp.CSS(op+" .try-out__btn")),
		chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")),
	); err != nil {
		t.Fatalf("try it out: %v", err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")))
	if err != nil {
		t.Fatal(err)
	}
	if ops < 20 {
		t.Errorf("Swagger UI lists %d operations, want at least 20", ops)
	}
	if !strings.Contains(status, "200") {
		t.Errorf("Try it out on /api/sales/summary: status %q", status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(outside) > 0 {
		t.Errorf("the docs page asked other hosts for %q", outside)
	}
	sawSpec := false
	for _, u := range served {
		sawSpec = sawSpec || strings.HasSuffix(u, "/openapi.json")
	}
	if !sawSpec {
		t.Errorf("the page never loaded /openapi.json: %q", served)
	}
}
