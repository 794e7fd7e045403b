package translate

import (
	"fmt"
	"sort"
	"strings"

	connectors "github.com/xlr8/connectors"
)

func invalidf(format string, args ...any) *connectors.Error {
	return connectors.Errorf(connectors.CodeInvalidArgument, format, args...)
}

func unsupportedf(format string, args ...any) *connectors.Error {
	return connectors.Errorf(connectors.CodeUnsupported, format, args...)
}

// syntaxError is the error of every parser in the package: INVALID_ARGUMENT
// with the byte offset, line and column, what was expected and what was
// found, also as Details ("offset", "line", "column", "expected", "found",
// "language").
func syntaxError(lang, src string, pos int, expected, found string) *connectors.Error {
	line, col := lineCol(src, pos)
	e := invalidf("%s: syntax error at offset %d (line %d, column %d): expected %s, found %s",
		lang, pos, line, col, expected, found)
	return e.WithDetail("language", lang).WithDetail("offset", pos).WithDetail("line", line).
		WithDetail("column", col).WithDetail("expected", expected).WithDetail("found", found)
}

func lineCol(src string, pos int) (line, col int) {
	if pos > len(src) {
		pos = len(src)
	}
	line = 1 + strings.Count(src[:pos], "\n")
	col = pos - strings.LastIndex(src[:pos], "\n")
	return line, col
}

// unknownName builds the error for an unknown product, entity or field,
// with a suggestion when a known name is close.
func unknownName(kind, name, where string, known []string) *connectors.Error {
	msg := fmt.Sprintf("unknown %s %q", kind, name)
	if where != "" {
		msg += " " + where
	}
	e := invalidf("%s", msg)
	if s := suggest(name, known); s != "" {
		e.Message += fmt.Sprintf(" (did you mean %q?)", s)
		e = e.WithDetail("suggestion", s)
	} else if len(known) > 0 && len(known) <= 24 {
		sorted := append([]string(nil), known...)
		sort.Strings(sorted)
		e.Message += fmt.Sprintf(" (known: %s)", strings.Join(sorted, ", "))
	}
	return e.WithDetail(kind, name)
}

// suggest returns the known name closest to name: an exact match ignoring
// case and punctuation, else the nearest by edit distance when it is close
// enough (at most a third of the name's length, and at most 3 edits).
func suggest(name string, known []string) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || r == ' ' || r == '.' {
				return -1
			}
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, s)
	}
	n := norm(name)
	best, bestD := "", 1<<30
	for _, k := range known {
		kn := norm(k)
		if kn == n {
			return k
		}
		d := editDistance(n, kn)
		if d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	limit := min(3, max(1, len([]rune(n))/3))
	if bestD <= limit {
		return best
	}
	return ""
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
