package compile

import (
	"sync"
	"testing"
)

// TestConcurrentRender: the runtime renders nodes from several threads at once
// (run it with -race).
func TestConcurrentRender(t *testing.T) {
	e := loadShop(t, duckTarget())
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, n := range e.Project.Nodes {
				if _, err := e.Render(n, RenderContext{IsIncremental: i%2 == 0}); err != nil {
					t.Error(err)
				}
				if _, err := e.RenderSQL("hook", "select {{ this }}", n); err != nil && n.ResourceType != "test" {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
