package selector

import (
	"fmt"
	"testing"
)

func mustParseSelectors(t *testing.T, text string) *Selectors {
	t.Helper()
	s, err := ParseSelectors("selectors.yml", []byte(text))
	if err != nil {
		t.Fatalf("ParseSelectors: %v", err)
	}
	return s
}

func fmtV(v any) string { return fmt.Sprintf("%+v", v) }
