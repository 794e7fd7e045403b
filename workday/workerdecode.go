package workday

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/transport"
)

// The workers page decoder: staffing v6 {total, data:[WorkerData]} read
// in one pass straight into flat records keyed by workerFields' paths,
// skipping every member no path names, so that no nested map is built
// and walked. It gives what the general path (decodeREST, then pathValue
// per field) gives; a body it does not take as plainly (malformed JSON,
// duplicate names, invalid UTF-8, a value past the cap, a number out of
// range, an object or array where a field's value is, HTML) goes to the
// general path, which decides the records or the error.

// pathNode is one level of the field paths: members by name, and the
// field a member completes.
type pathNode struct {
	names  []string // the members this level reads, and their nodes
	kids   []*pathNode
	field  string // non-empty: the member's value is this field
	shared int    // > 0: the field's values repeat across workers (boxed once); its slot + 1
}

// kid returns the node of member name, or nil (a scan: a level has a few
// members).
func (n *pathNode) kid(name []byte) *pathNode {
	k, _ := n.kidAt(name)
	return k
}

// kidAt is kid with the member's index at its level.
func (n *pathNode) kidAt(name []byte) (*pathNode, int) {
	for i, k := range n.names {
		if k == string(name) {
			return n.kids[i], i
		}
	}
	return nil, -1
}

func pathTrie(paths []string, shared ...string) *pathNode {
	root := &pathNode{}
	for _, p := range paths {
		n := root
		for part := range splitDots(p) {
			k := n.kid([]byte(part))
			if k == nil {
				k = &pathNode{}
				n.names, n.kids = append(n.names, part), append(n.kids, k)
			}
			n = k
		}
		n.field = p
		if i := slices.Index(shared, p); i >= 0 {
			n.shared = i + 1
		}
	}
	return root
}

// splitDots yields the parts of a dotted path.
func splitDots(p string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for start := 0; ; {
			i := bytes.IndexByte([]byte(p[start:]), '.')
			if i < 0 {
				yield(p[start:])
				return
			}
			if !yield(p[start : start+i]) {
				return
			}
			start += i + 1
		}
	}
}

// workerTrie holds the workers' field paths; the values of the shared
// ones (a worker type, a title, an organization, a location) repeat from
// worker to worker and are boxed once per decoder state.
var workerTrie = pathTrie(workerFields, workerShared...)

var workerShared = []string{"workerType.descriptor", "primaryJob.businessTitle",
	"primaryJob.supervisoryOrganization.id", "primaryJob.supervisoryOrganization.descriptor", "primaryJob.location.descriptor"}

// maxShared bounds the boxed values a decoder state keeps.
const maxShared = 4096

type workerState struct {
	dec     jsontext.Decoder
	rd      bytes.Reader
	scratch []byte
	shared  map[string]any // text -> the same text boxed, for shared fields
	last    [8]any         // per shared field, the last value boxed
}

var workerStates = sync.Pool{New: func() any { return &workerState{shared: map[string]any{}} }}

// decodeWorkers decodes a workers page in one pass; ok is false when the
// body must go to the general path.
func decodeWorkers(resp *transport.Response) (recs []connectors.Record, total int64, ok bool) {
	if transport.IsHTML(resp.Header, resp.Body) {
		return nil, 0, false
	}
	s := workerStates.Get().(*workerState)
	defer func() {
		s.rd.Reset(nil)
		s.dec.Reset(&s.rd)
		workerStates.Put(s)
	}()
	if recs, total, ok := s.scanWorkers(resp.Body); ok {
		return recs, total, true
	}
	s.rd.Reset(resp.Body)
	s.dec.Reset(&s.rd)
	if t, err := s.dec.ReadToken(); err != nil || t.Kind() != '{' {
		return nil, 0, false
	}
	hasTotal, hasData := false, false
	for s.dec.PeekKind() != '}' {
		name, ok := s.name()
		if !ok {
			return nil, 0, false
		}
		switch string(name) {
		case "total":
			raw, err := s.dec.ReadValue()
			if err != nil || raw.Kind() != '0' {
				return nil, 0, false
			}
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return nil, 0, false
			}
			total, hasTotal = n, true
		case "data":
			if hasData {
				return nil, 0, false
			}
			hasData = true
			if recs, ok = s.records(); !ok {
				return nil, 0, false
			}
		default:
			if !s.skip() {
				return nil, 0, false
			}
		}
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return nil, 0, false
	}
	if _, err := s.dec.ReadToken(); !errors.Is(err, io.EOF) || !hasTotal {
		return nil, 0, false
	}
	if recs == nil {
		recs = []connectors.Record{}
	}
	return recs, total, true
}

// name reads a member's name (valid until the next read).
func (s *workerState) name() ([]byte, bool) {
	raw, err := s.dec.ReadValue()
	if err != nil || raw.Kind() != '"' {
		return nil, false
	}
	b := raw[1 : len(raw)-1]
	if bytes.IndexByte(b, '\\') >= 0 {
		if b, err = jsontext.AppendUnquote(s.scratch[:0], raw); err != nil {
			return nil, false
		}
		s.scratch = b
	}
	return b, true
}

// skip passes over a value no path names, within the value cap.
func (s *workerState) skip() bool {
	raw, err := s.dec.ReadValue()
	return err == nil && !overCap(raw) && numbersOK(raw)
}

// overCap reports a value holding a string or scalar past the value cap
// (only a value longer than the cap can).
func overCap(raw []byte) bool {
	return int64(len(raw)) > capread.DefaultMaxValueBytes && capread.Exceeds(raw, capread.DefaultMaxValueBytes)
}

// numbersOK reports that every number in raw parses as a float64, as the
// general path's decoding requires: only a number with an exponent or of
// many digits can overflow, and only those are parsed.
func numbersOK(raw []byte) bool {
	in := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if in {
			if c == '\\' {
				i++
			} else if c == '"' {
				in = false
			}
			continue
		}
		switch {
		case c == '"':
			in = true
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(raw) && bytes.IndexByte([]byte("+-.eE0123456789"), raw[j]) >= 0 {
				j++
			}
			if num := raw[i:j]; len(num) > 300 || bytes.ContainsAny(num, "eE") {
				if _, err := strconv.ParseFloat(string(num), 64); err != nil {
					return false
				}
			}
			i = j - 1
		}
	}
	return true
}

func (s *workerState) records() ([]connectors.Record, bool) {
	if t, err := s.dec.ReadToken(); err != nil || t.Kind() != '[' {
		return nil, false
	}
	out := make([]connectors.Record, 0, 100)
	for s.dec.PeekKind() != ']' {
		if s.dec.PeekKind() != '{' {
			return nil, false
		}
		r := make(connectors.Record, len(workerFields))
		if !s.object(workerTrie, r) {
			return nil, false
		}
		out = append(out, r)
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return nil, false
	}
	return out, true
}

// object reads an object at trie level n into r.
func (s *workerState) object(n *pathNode, r connectors.Record) bool {
	if t, err := s.dec.ReadToken(); err != nil || t.Kind() != '{' {
		return false
	}
	for s.dec.PeekKind() != '}' {
		name, ok := s.name()
		if !ok {
			return false
		}
		k := n.kid(name)
		if k == nil {
			if !s.skip() {
				return false
			}
			continue
		}
		if k.field != "" {
			if !s.leaf(k, r) {
				return false
			}
			continue
		}
		switch s.dec.PeekKind() {
		case '{':
			if !s.object(k, r) {
				return false
			}
		case '[':
			// Through an array, the first element (pathValue's rule).
			if _, err := s.dec.ReadToken(); err != nil {
				return false
			}
			first := true
			for s.dec.PeekKind() != ']' {
				if first && s.dec.PeekKind() == '{' {
					if !s.object(k, r) {
						return false
					}
				} else if !s.skip() {
					return false
				}
				first = false
			}
			if _, err := s.dec.ReadToken(); err != nil {
				return false
			}
		default:
			if !s.skip() {
				return false
			}
		}
	}
	_, err := s.dec.ReadToken()
	return err == nil
}

// putString stores a string field's value: an empty one is absent; a
// shared field's value is boxed once.
func (s *workerState) putString(k *pathNode, b []byte, r connectors.Record) {
	switch {
	case len(b) == 0:
	case k.shared > 0 && len(b) <= 128:
		slot := &s.last[k.shared-1]
		if last, ok := (*slot).(string); ok && last == string(b) {
			r[k.field] = *slot
			return
		}
		v, ok := s.shared[string(b)]
		if !ok {
			if len(s.shared) >= maxShared {
				clear(s.shared)
			}
			v = string(b)
			s.shared[v.(string)] = v
		}
		*slot = v
		r[k.field] = v
	default:
		r[k.field] = string(b)
	}
}

// leaf reads a field's value: a string (an empty one is absent), a
// number, a boolean; null is absent. An object or array goes to the
// general path.
func (s *workerState) leaf(k *pathNode, r connectors.Record) bool {
	field := k.field
	raw, err := s.dec.ReadValue()
	if err != nil || overCap(raw) {
		return false
	}
	switch raw.Kind() {
	case '"':
		b := raw[1 : len(raw)-1]
		if bytes.IndexByte(b, '\\') >= 0 {
			if b, err = jsontext.AppendUnquote(s.scratch[:0], raw); err != nil {
				return false
			}
			s.scratch = b
		}
		s.putString(k, b, r)
	case '0':
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return false
		}
		r[field] = f
	case 't':
		r[field] = true
	case 'f':
		r[field] = false
	case 'n':
	default:
		return false
	}
	return true
}
