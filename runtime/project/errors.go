package project

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// PosError is an error at a position of a project file. Line and Col are
// 1-based; 0 means unknown. File is relative to the project root.
type PosError struct {
	File string
	Line int
	Col  int
	Msg  string
	Err  error // the underlying error, if any
}

func (e *PosError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *PosError) Unwrap() error { return e.Err }

// Errorf builds a PosError.
func Errorf(file string, line, col int, format string, args ...any) *PosError {
	return &PosError{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// JoinErrors sorts errors by file and position (PosErrors first, in file
// order) and joins them; at most max are kept, with a count of the rest.
func JoinErrors(errs []error, max int) error {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, aok := errs[i].(*PosError)
		b, bok := errs[j].(*PosError)
		if aok != bok {
			return aok
		}
		if !aok {
			return errs[i].Error() < errs[j].Error()
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	if len(errs) == 1 {
		return errs[0]
	}
	if max > 0 && len(errs) > max {
		rest := len(errs) - max
		errs = append(errs[:max:max], fmt.Errorf("... and %d more errors", rest))
	}
	return errors.Join(errs...)
}

var yamlLineRe = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error into PosErrors naming path:line.
func yamlError(path string, err error) error {
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "yaml:"))
		if line == "" || line == "unmarshal errors:" {
			continue
		}
		if m := yamlLineRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, &PosError{File: path, Line: n, Msg: "invalid YAML: " + m[2], Err: err})
			continue
		}
		out = append(out, &PosError{File: path, Msg: "invalid YAML: " + line, Err: err})
	}
	if len(out) == 0 {
		return &PosError{File: path, Msg: "invalid YAML", Err: err}
	}
	return JoinErrors(out, 20)
}

// LineCol returns the 1-based line and column of byte offset off in text.
func LineCol(text string, off int) (int, int) {
	if off > len(text) {
		off = len(text)
	}
	line := 1 + strings.Count(text[:off], "\n")
	col := off + 1
	if i := strings.LastIndexByte(text[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}
