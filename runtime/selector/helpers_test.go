package selector

import "testing"

func mustParseSelectors(t *testing.T, text string) *Selectors {
	t.Helper()
	s, err := ParseSelectors("selectors.yml", []byte(text))
	if err != nil {
		t.Fatalf("ParseSelectors: %v", err)
	}
	return s
}
