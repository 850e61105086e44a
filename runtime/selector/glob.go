package selector

import (
	"strings"
	"unicode/utf8"
)

// hasWildcard reports whether s holds a glob character.
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '*' || c == '?' || c == '[' {
			return true
		}
	}
	return false
}

// fnmatch matches name against a shell pattern the way Python's
// fnmatch.fnmatchcase does (dbt's matcher): '*' matches any run of
// characters (dots and slashes included), '?' one character, [seq] one
// character in seq, [!seq] one not in seq; an unclosed '[' is literal.
func fnmatch(name, pattern string) bool {
	if !hasWildcard(pattern) {
		return name == pattern
	}
	// Iterative matching with a single backtrack point for the last '*'.
	px, nx := 0, 0
	starPx, starNx := -1, -1
	for nx < len(name) || px < len(pattern) {
		if px < len(pattern) {
			switch pattern[px] {
			case '*':
				starPx, starNx = px, nx
				px++
				continue
			case '?':
				if nx < len(name) {
					_, w := utf8.DecodeRuneInString(name[nx:])
					px++
					nx += w
					continue
				}
			case '[':
				if nx < len(name) {
					r, w := utf8.DecodeRuneInString(name[nx:])
					if ok, width, valid := matchClass(pattern[px:], r); valid {
						if ok {
							px += width
							nx += w
							continue
						}
						break
					}
				}
				// Unclosed '[' matches itself.
				if nx < len(name) && name[nx] == '[' {
					px++
					nx++
					continue
				}
			default:
				if nx < len(name) && name[nx] == pattern[px] {
					px++
					nx++
					continue
				}
			}
		}
		if starPx >= 0 && starNx < len(name) {
			_, w := utf8.DecodeRuneInString(name[starNx:])
			starNx += w
			px, nx = starPx+1, starNx
			continue
		}
		return false
	}
	return true
}

// matchClass matches r against the class at the start of p ("[...]"). It
// returns whether r is in the class, the width of the class in p, and
// whether p starts with a closed class at all.
func matchClass(p string, r rune) (ok bool, width int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && p[i] == '!' {
		negate = true
		i++
	}
	start := i
	// ']' right after '[' or '[!' is a literal member.
	end := -1
	for j := start; j < len(p); j++ {
		if p[j] == ']' && j > start {
			end = j
			break
		}
	}
	if end < 0 {
		return false, 0, false
	}
	set := p[start:end]
	in := false
	for k := 0; k < len(set); {
		lo, w := utf8.DecodeRuneInString(set[k:])
		k += w
		hi := lo
		if k+1 < len(set) && set[k] == '-' {
			h, w2 := utf8.DecodeRuneInString(set[k+1:])
			hi = h
			k += 1 + w2
		}
		if lo <= r && r <= hi {
			in = true
		}
	}
	return in != negate, end + 1, true
}

// matchPath matches a slash-separated path against a pattern where each
// segment is an fnmatch pattern that does not cross '/', and "**" matches
// any number of segments (pathlib's glob).
func matchPath(pattern, path []string) bool {
	for len(pattern) > 0 {
		if pattern[0] == "**" {
			rest := pattern[1:]
			for k := 0; k <= len(path); k++ {
				if matchPath(rest, path[k:]) {
					return true
				}
			}
			return false
		}
		if len(path) == 0 || strings.Contains(path[0], "/") || !fnmatch(path[0], pattern[0]) {
			return false
		}
		pattern, path = pattern[1:], path[1:]
	}
	return len(path) == 0
}
