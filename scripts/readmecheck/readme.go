package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DocumentedBase is the address every README example is written against.
const DocumentedBase = "http://127.0.0.1:8080"

// Example is one documented request and the answer the README shows.
type Example struct {
	Name   string
	Line   int    // 1-based line of the example's marker
	URL    string // as written, starting with DocumentedBase
	Status int
	// Expected is the JSON block's text; jsonStart and jsonEnd are the
	// 0-based line range of that text (the lines between the fences).
	Expected           string
	jsonStart, jsonEnd int
}

var (
	markerRe = regexp.MustCompile(`^<!--\s*example:\s*(\S+)(.*?)-->\s*$`)
	statusRe = regexp.MustCompile(`^\s*status=(\d{3})\s*$`)
	curlRe   = regexp.MustCompile(`^curl -s '([^']+)'$`)
)

// Parse finds every example block of a README. file names the README in
// error messages.
func Parse(file, text string) ([]Example, error) {
	lines := strings.Split(text, "\n")
	var out []Example
	seen := map[string]int{}
	for i := 0; i < len(lines); i++ {
		m := markerRe.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			continue
		}
		ex := Example{Name: m[1], Line: i + 1, Status: 200}
		where := fmt.Sprintf("%s:%d: example %q", file, ex.Line, ex.Name)
		if prev, ok := seen[ex.Name]; ok {
			return nil, fmt.Errorf("%s: the name is already used at line %d: give each example its own name", where, prev)
		}
		seen[ex.Name] = ex.Line
		if rest := strings.TrimSpace(m[2]); rest != "" {
			sm := statusRe.FindStringSubmatch(rest)
			if sm == nil {
				return nil, fmt.Errorf("%s: unknown attribute %q: the only one is status=NNN", where, rest)
			}
			ex.Status, _ = strconv.Atoi(sm[1])
		}
		// The sh block with the one curl command.
		body, next, err := fence(lines, i+1, "sh")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if len(body) != 1 {
			return nil, fmt.Errorf("%s: the sh block must hold one line, curl -s 'URL'; it has %d", where, len(body))
		}
		cm := curlRe.FindStringSubmatch(strings.TrimSpace(body[0]))
		if cm == nil {
			return nil, fmt.Errorf("%s: write the request as curl -s '%s/...', not %q", where, DocumentedBase, body[0])
		}
		if !strings.HasPrefix(cm[1], DocumentedBase+"/") {
			return nil, fmt.Errorf("%s: the URL %q must start with %s/", where, cm[1], DocumentedBase)
		}
		ex.URL = cm[1]
		// The json block with the answer.
		body, next, err = fence(lines, next, "json")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		ex.Expected = strings.Join(body, "\n")
		ex.jsonEnd = next - 1
		ex.jsonStart = ex.jsonEnd - len(body)
		if !json.Valid([]byte(ex.Expected)) {
			return nil, fmt.Errorf("%s: the json block (line %d) is not valid JSON", where, ex.jsonStart+1)
		}
		out = append(out, ex)
		i = next - 1
	}
	return out, nil
}

// fence reads the fenced block of the given language that starts at line
// from (blank lines before it are skipped). It returns the lines inside the
// fences and the index of the line after the closing fence.
func fence(lines []string, from int, lang string) ([]string, int, error) {
	i := from
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i >= len(lines) || strings.TrimSpace(lines[i]) != "```"+lang {
		return nil, 0, fmt.Errorf("line %d: expected a ```%s block", i+1, lang)
	}
	for j := i + 1; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "```" {
			return lines[i+1 : j], j + 1, nil
		}
	}
	return nil, 0, fmt.Errorf("line %d: the ```%s block is not closed", i+1, lang)
}

// Same reports whether two JSON texts hold the same value: the same keys in
// the same order, the same number literals ("9.50" is not "9.5") and the same
// strings; whitespace does not count.
func Same(a, b []byte) (bool, error) {
	na, err := parseJSON(a)
	if err != nil {
		return false, fmt.Errorf("the README's JSON: %w", err)
	}
	nb, err := parseJSON(b)
	if err != nil {
		return false, fmt.Errorf("the answer: %w", err)
	}
	return na.equal(nb), nil
}

// Width is the line width Pretty aims for.
const Width = 92

// Pretty formats a JSON text for the README: two spaces per level, and any
// object or array that fits in Width columns on one line. Key order, number
// literals and strings are kept.
func Pretty(b []byte) (string, error) {
	n, err := parseJSON(b)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	n.format(&out, "", 0, Width)
	return out.String(), nil
}

// Rewrite replaces the JSON block of each example with answers[name],
// returning the new README text.
func Rewrite(text string, examples []Example, answers map[string]string) string {
	lines := strings.Split(text, "\n")
	var out []string
	pos := 0
	for _, ex := range examples {
		a, ok := answers[ex.Name]
		if !ok {
			continue
		}
		out = append(out, lines[pos:ex.jsonStart]...)
		out = append(out, strings.Split(a, "\n")...)
		pos = ex.jsonEnd
	}
	out = append(out, lines[pos:]...)
	return strings.Join(out, "\n")
}
