package exec

import (
	"fmt"
	"strconv"
	"strings"
)

// condition is a dbt warn_if/error_if threshold such as "!= 0" or "> 10".
type condition struct {
	op string
	n  int64
}

func (c condition) String() string { return c.op + " " + strconv.FormatInt(c.n, 10) }

func (c condition) holds(failures int64) bool {
	switch c.op {
	case "!=", "<>":
		return failures != c.n
	case "=", "==":
		return failures == c.n
	case ">":
		return failures > c.n
	case ">=":
		return failures >= c.n
	case "<":
		return failures < c.n
	case "<=":
		return failures <= c.n
	}
	return false
}

// parseCondition reads a threshold; empty means dbt's default "!= 0".
func parseCondition(s string) (condition, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return condition{op: "!=", n: 0}, nil
	}
	for _, op := range []string{"!=", "<>", "==", ">=", "<=", "=", ">", "<"} {
		if rest, ok := strings.CutPrefix(s, op); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return condition{}, fmt.Errorf("%q: want an operator and a whole number, e.g. \"> 10\" or \"!= 0\"", s)
			}
			return condition{op: op, n: n}, nil
		}
	}
	return condition{}, fmt.Errorf("%q: want an operator (!=, =, >, >=, <, <=) and a whole number, e.g. \"> 10\"", s)
}

// testStatus applies dbt's rules: with severity error, fail when error_if
// holds, else warn when warn_if holds; with severity warn, only warn.
func testStatus(severity string, warnIf, errorIf condition, failures int64) Status {
	if !strings.EqualFold(severity, "warn") && errorIf.holds(failures) {
		return StatusFail
	}
	if warnIf.holds(failures) {
		return StatusWarn
	}
	return StatusPass
}
