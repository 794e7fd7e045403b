package workday

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
)

// scanWorkers is the workers decoder: a byte scanner over a body of valid
// UTF-8, read straight into flat records. Anything it does not take
// plainly (a bad escape, a control character in a string, a malformed
// number or literal, a repeated member on a field path, a value past the
// cap, too deep a nesting) makes it give up (ok false): the body goes to
// the general path.
func (s *workerState) scanWorkers(body []byte) (recs []connectors.Record, total int64, ok bool) {
	if !utf8.Valid(body) {
		return nil, 0, false
	}
	sc := scanner{b: body, st: s}
	if !sc.ws() || !sc.byte('{') || !sc.ws() {
		return nil, 0, false
	}
	hasTotal, hasData := false, false
	if !sc.peek('}') {
		for {
			name, ok := sc.str()
			if !ok || !sc.ws() || !sc.byte(':') || !sc.ws() {
				return nil, 0, false
			}
			switch string(name) {
			case "total":
				num, ok := sc.number()
				if !ok || hasTotal {
					return nil, 0, false
				}
				n, err := strconv.ParseInt(string(num), 10, 64)
				if err != nil {
					return nil, 0, false
				}
				total, hasTotal = n, true
			case "data":
				if hasData {
					return nil, 0, false
				}
				hasData = true
				if recs, ok = sc.records(); !ok {
					return nil, 0, false
				}
			default:
				if !sc.skip(0) {
					return nil, 0, false
				}
			}
			if !sc.ws() {
				return nil, 0, false
			}
			if sc.byte(',') {
				if !sc.ws() {
					return nil, 0, false
				}
				continue
			}
			if sc.byte('}') {
				break
			}
			return nil, 0, false
		}
	} else {
		sc.i++
	}
	sc.ws()
	if sc.i != len(sc.b) || !hasTotal {
		return nil, 0, false
	}
	if recs == nil {
		recs = []connectors.Record{}
	}
	return recs, total, true
}

type scanner struct {
	b  []byte
	i  int
	st *workerState
}

// ws skips white space; it reports whether input remains.
func (sc *scanner) ws() bool {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return true
		}
	}
	return false
}

func (sc *scanner) peek(c byte) bool { return sc.i < len(sc.b) && sc.b[sc.i] == c }

func (sc *scanner) byte(c byte) bool {
	if sc.peek(c) {
		sc.i++
		return true
	}
	return false
}

// str reads a string: its bytes (valid UTF-8: the body was checked), or,
// with escapes, its unquoted text (valid until the next str); false at a
// control character, a bad escape or past the cap.
func (sc *scanner) str() ([]byte, bool) {
	if !sc.byte('"') {
		return nil, false
	}
	start, escaped := sc.i, false
	for sc.i < len(sc.b) {
		switch c := sc.b[sc.i]; {
		case c == '"':
			s := sc.b[start:sc.i]
			sc.i++
			if int64(len(s)) > capread.DefaultMaxValueBytes {
				return nil, false
			}
			if escaped {
				out, err := jsontext.AppendUnquote(sc.st.scratch[:0], sc.b[start-1:sc.i])
				if err != nil {
					return nil, false
				}
				sc.st.scratch = out
				return out, true
			}
			return s, true
		case c == '\\':
			escaped = true
			sc.i += 2
		case c < 0x20:
			return nil, false
		default:
			sc.i++
		}
	}
	return nil, false
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *scanner) number() ([]byte, bool) {
	start := sc.i
	sc.byte('-')
	digits := func() int {
		n := 0
		for sc.i < len(sc.b) && sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9' {
			sc.i++
			n++
		}
		return n
	}
	if sc.byte('0') {
		if sc.i < len(sc.b) && sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9' {
			return nil, false
		}
	} else if digits() == 0 {
		return nil, false
	}
	if sc.byte('.') && digits() == 0 {
		return nil, false
	}
	if sc.byte('e') || sc.byte('E') {
		if !sc.byte('+') {
			sc.byte('-')
		}
		if digits() == 0 {
			return nil, false
		}
	}
	num := sc.b[start:sc.i]
	return num, int64(len(num)) <= capread.DefaultMaxValueBytes
}

// literal reads true, false or null.
func (sc *scanner) literal() (any, bool) {
	for _, lit := range [...]struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if bytes.HasPrefix(sc.b[sc.i:], []byte(lit.text)) {
			sc.i += len(lit.text)
			return lit.v, true
		}
	}
	return nil, false
}

// skip passes over a value no path names, checking it as a decoder
// would (its numbers within float64's range, as the general path needs).
func (sc *scanner) skip(depth int) bool {
	if depth > maxScanDepth || !sc.ws() {
		return false
	}
	switch c := sc.b[sc.i]; {
	case c == '"':
		_, ok := sc.str()
		return ok
	case c == '{' || c == '[':
		sc.i++
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		if !sc.ws() {
			return false
		}
		if sc.byte(end) {
			return true
		}
		for {
			if c == '{' {
				if _, ok := sc.str(); !ok || !sc.ws() || !sc.byte(':') {
					return false
				}
			}
			if !sc.skip(depth+1) || !sc.ws() {
				return false
			}
			if sc.byte(end) {
				return true
			}
			if !sc.byte(',') || !sc.ws() {
				return false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		num, ok := sc.number()
		if !ok {
			return false
		}
		if bytes.ContainsAny(num, "eE") || len(num) > 300 {
			_, err := strconv.ParseFloat(string(num), 64)
			return err == nil
		}
		return true
	}
	_, ok := sc.literal()
	return ok
}

const maxScanDepth = 512

func (sc *scanner) records() ([]connectors.Record, bool) {
	if !sc.byte('[') || !sc.ws() {
		return nil, false
	}
	out := make([]connectors.Record, 0, 100)
	if sc.byte(']') {
		return out, true
	}
	for {
		r := make(connectors.Record, len(workerFields))
		if !sc.object(workerTrie, r, 1) || !sc.ws() {
			return nil, false
		}
		out = append(out, r)
		if sc.byte(']') {
			return out, true
		}
		if !sc.byte(',') || !sc.ws() {
			return nil, false
		}
	}
}

// object reads an object at trie level n into r; a member on a path
// seen twice gives up (the general path keeps the last).
func (sc *scanner) object(n *pathNode, r connectors.Record, depth int) bool {
	if depth > maxScanDepth || !sc.byte('{') || !sc.ws() {
		return false
	}
	if sc.byte('}') {
		return true
	}
	var seen uint64
	for {
		name, ok := sc.str()
		if !ok || !sc.ws() || !sc.byte(':') || !sc.ws() {
			return false
		}
		k, idx := n.kidAt(name)
		switch {
		case k == nil:
			if !sc.skip(depth) {
				return false
			}
		case seen&(1<<idx) != 0:
			return false
		case k.field != "":
			seen |= 1 << idx
			if !sc.leaf(k, r) {
				return false
			}
		default:
			seen |= 1 << idx
			if !sc.inner(k, r, depth) {
				return false
			}
		}
		if !sc.ws() {
			return false
		}
		if sc.byte('}') {
			return true
		}
		if !sc.byte(',') || !sc.ws() {
			return false
		}
	}
}

// inner reads the value of a member on the way to fields: an object is
// followed, an array's first element followed when it is an object
// (pathValue's rule), anything else skipped.
func (sc *scanner) inner(k *pathNode, r connectors.Record, depth int) bool {
	switch {
	case sc.peek('{'):
		return sc.object(k, r, depth+1)
	case sc.peek('['):
		sc.i++
		if !sc.ws() {
			return false
		}
		if sc.byte(']') {
			return true
		}
		for first := true; ; first = false {
			if first && sc.peek('{') {
				if !sc.object(k, r, depth+2) {
					return false
				}
			} else if !sc.skip(depth + 1) {
				return false
			}
			if !sc.ws() {
				return false
			}
			if sc.byte(']') {
				return true
			}
			if !sc.byte(',') || !sc.ws() {
				return false
			}
		}
	}
	return sc.skip(depth)
}

// leaf reads a field's value as the jsontext tier does.
func (sc *scanner) leaf(k *pathNode, r connectors.Record) bool {
	switch c := sc.b[sc.i]; {
	case c == '"':
		b, ok := sc.str()
		if !ok {
			return false
		}
		sc.st.putString(k, b, r)
		return true
	case c == '-' || c >= '0' && c <= '9':
		num, ok := sc.number()
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(num), 64)
		if err != nil {
			return false
		}
		r[k.field] = f
		return true
	case c == 't' || c == 'f' || c == 'n':
		v, ok := sc.literal()
		if ok && v != nil {
			r[k.field] = v
		}
		return ok
	}
	return false
}
