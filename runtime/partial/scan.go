package partial

import (
	"strconv"
	"strings"
)

// volatileFuncs are the template functions (Sprig's) whose result is not
// a function of the project's files, vars, target and environment: the
// clock, randomness, the network. A project whose templates name one of
// them is never cached, so a model using now is never frozen. Sprig's
// date functions fall back to the current time when their argument is
// not a time, hence they are listed too.
var volatileFuncs = map[string]bool{
	"now": true, "ago": true, "date": true, "dateInZone": true, "date_in_zone": true,
	"htmlDate": true, "htmlDateInZone": true, "dateModify": true, "date_modify": true,
	"mustDateModify": true, "must_date_modify": true, "toDate": true, "mustToDate": true,
	"unixEpoch": true, "duration": true, "durationRound": true,
	"randAlphaNum": true, "randAlpha": true, "randAscii": true, "randNumeric": true,
	"randBytes": true, "randInt": true, "uuidv4": true, "shuffle": true,
	"genPrivateKey": true, "derivePassword": true, "buildCustomCert": true,
	"genCA": true, "genCAWithKey": true, "genSelfSignedCert": true, "genSelfSignedCertWithKey": true,
	"genSignedCert": true, "genSignedCertWithKey": true, "encryptAES": true, "decryptAES": true,
	"bcrypt": true, "htpasswd": true, "getHostByName": true, "expandenv": true,
}

// templateUse is what a scan of template text found: the literal names
// read with env, and the first reason the text cannot be cached ("" when
// it can).
type templateUse struct {
	env      []string
	volatile string
}

// scanTemplate reads the actions ({{ ... }}) of text: identifiers that
// are volatile functions, and env calls. It errs on the side of "not
// cacheable": any env whose first argument is not a string literal, and
// any volatile name used as a function (not as a field, a variable or in
// a string or comment), disables the cache. Text outside actions (SQL)
// is not looked at.
func scanTemplate(text string, use *templateUse) {
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			return
		}
		text = text[i+2:]
		text = scanAction(text, use)
		if use.volatile != "" {
			return
		}
	}
}

// scanAction scans one action up to its closing }} and returns the text
// after it.
func scanAction(s string, use *templateUse) string {
	prevEnv := false // the previous token was the identifier env
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '}' && strings.HasPrefix(s[i:], "}}"):
			if prevEnv {
				use.volatile = "env called without a literal name"
			}
			return s[i+2:]
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return ""
			}
			i += 2 + end + 2
		case c == '"' || c == '`' || c == '\'':
			end := literalEnd(s, i)
			if prevEnv {
				if c == '\'' {
					use.volatile = "env called without a literal name"
					return s[end:]
				}
				name, err := strconv.Unquote(s[i:end])
				if err != nil {
					use.volatile = "env called without a literal name"
					return s[end:]
				}
				use.env = append(use.env, name)
				prevEnv = false
			}
			i = end
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			word := s[i:j]
			field := i > 0 && (s[i-1] == '.' || s[i-1] == '$')
			if prevEnv {
				use.volatile = "env called without a literal name"
				return s[j:]
			}
			if !field {
				if volatileFuncs[word] {
					use.volatile = "calls " + word
					return s[j:]
				}
				prevEnv = word == "env"
			}
			i = j
		default:
			if prevEnv && c != '(' {
				use.volatile = "env called without a literal name"
				return s[i:]
			}
			i++
		}
	}
	if prevEnv {
		use.volatile = "env called without a literal name"
	}
	return ""
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// literalEnd returns the offset just after the string, raw string or
// character literal starting at s[i] (len(s) when it does not end).
func literalEnd(s string, i int) int {
	q := s[i]
	j := i + 1
	for j < len(s) {
		switch {
		case s[j] == '\\' && q != '`':
			j += 2
		case s[j] == q:
			return j + 1
		default:
			j++
		}
	}
	return len(s)
}
