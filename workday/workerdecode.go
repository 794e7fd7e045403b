package workday

import (
	"bytes"
	"slices"
	"sync"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/transport"
)

// The workers page decoder: staffing v6 {total, data:[WorkerData]} read
// in one pass straight into flat records keyed by workerFields' paths,
// skipping every member no path names, so that no nested map is built
// and walked. It gives what the general path (decodeREST, then pathValue
// per field) gives; a body it does not take as plainly (malformed JSON,
// a repeated member on a field path, invalid UTF-8, a bad escape, a value
// past the cap, a number out of range, an object or array where a field's
// value is, HTML) goes to the general path, which decides the records or
// the error.

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
	scratch []byte         // an unquoted string with escapes
	shared  map[string]any // text -> the same text boxed, for shared fields
	last    [8]any         // per shared field, the last value boxed
}

var workerStates = sync.Pool{New: func() any { return &workerState{shared: map[string]any{}} }}

// decodeWorkers decodes a workers page in one pass (scanWorkers); ok is
// false when the body must go to the general path.
func decodeWorkers(resp *transport.Response) (recs []connectors.Record, total int64, ok bool) {
	if transport.IsHTML(resp.Header, resp.Body) {
		return nil, 0, false
	}
	s := workerStates.Get().(*workerState)
	defer workerStates.Put(s)
	return s.scanWorkers(resp.Body)
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
