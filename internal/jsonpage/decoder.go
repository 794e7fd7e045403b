package jsonpage

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/go-json-experiment/json/jsontext"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// maxDepth bounds the nesting the one-pass decoder follows; deeper bodies
// go to the fallback, which has encoding/json's own limit.
const maxDepth = 512

// Decoder decodes the pages of one Spec. It is safe for concurrent use.
type Decoder struct {
	spec  Spec
	names map[string]field
	root  *node
	max   int64
	hint  atomic.Int64 // records in the last page: the next page's capacity
	width atomic.Int64 // fields of the widest record seen: a record's capacity
}

type field struct {
	name string
	typ  Type
	drop bool
}

// node is one object level of the envelope.
type node struct {
	keys    []string
	kids    []*node
	records bool
	role    Field
}

func (n *node) child(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.kids[i]
		}
	}
	n.keys = append(n.keys, key)
	n.kids = append(n.kids, &node{})
	return n.kids[len(n.kids)-1]
}

// NewDecoder builds the decoder of a Spec.
func NewDecoder(spec Spec) *Decoder {
	d := &Decoder{spec: spec, names: make(map[string]field, len(spec.Fields)+len(spec.Drop)), root: &node{}, max: spec.MaxValueBytes}
	if d.max <= 0 {
		d.max = capread.DefaultMaxValueBytes
	}
	for name, t := range spec.Fields {
		d.names[name] = field{name: name, typ: t}
	}
	for _, name := range spec.Drop {
		d.names[name] = field{name: name, drop: true}
	}
	if spec.Unwrap != "" {
		if _, ok := d.names[spec.Unwrap]; !ok {
			d.names[spec.Unwrap] = field{name: spec.Unwrap}
		}
	}
	env := spec.Envelope
	place := func(path []string, set func(*node)) {
		if len(path) == 0 {
			return
		}
		n := d.root
		for _, k := range path {
			n = n.child(k)
		}
		set(n)
	}
	if len(env.Records) == 0 {
		d.root.records = true
	}
	place(env.Records, func(n *node) { n.records = true })
	for _, p := range []struct {
		path []string
		f    Field
	}{{env.Next, FieldNext}, {env.Total, FieldTotal}, {env.Count, FieldCount}, {env.Limit, FieldLimit},
		{env.Offset, FieldOffset}, {env.Done, FieldDone}, {env.More, FieldMore}} {
		place(p.path, func(n *node) { n.role = p.f })
	}
	return d
}

// Spec returns the decoder's Spec.
func (d *Decoder) Spec() Spec { return d.spec }

// DecodeResponse decodes a buffered page. A body the one-pass decoder does
// not take goes to the Spec's Fallback (or Reference), so that it gives the
// same records or the same *errs.Error as the vendor's reference path.
func (d *Decoder) DecodeResponse(resp *transport.Response) (Page, error) {
	if !transport.IsHTML(resp.Header, resp.Body) {
		if p, ok := d.fast(resp.Body); ok {
			return p, nil
		}
	}
	return d.fallback(resp)
}

// Decode decodes a page from its bytes (a body without a response: no
// header, no URL for messages).
func (d *Decoder) Decode(body []byte) (Page, error) {
	return d.DecodeResponse(&transport.Response{StatusCode: 200, Body: body})
}

// OnePass decodes a page with the one-pass decoder alone; ok is false for
// a body it does not take (which DecodeResponse gives to the fallback).
// Differential tests use it to compare the two paths.
func (d *Decoder) OnePass(body []byte) (Page, bool) { return d.fast(body) }

func (d *Decoder) fallback(resp *transport.Response) (Page, error) {
	var p Page
	var err error
	if d.spec.Fallback != nil {
		p, err = d.spec.Fallback(resp)
	} else {
		p, err = d.Reference(resp)
	}
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Product == "" {
			e.Product = d.spec.Product
		}
		return Page{}, err
	}
	// The cap holds on both paths: a body the fast path refused for a value
	// past it decodes here, and is refused for it here.
	if capread.Exceeds(resp.Body, d.max) {
		return Page{}, capread.TooLarge(d.spec.Product, responseName(resp), d.max)
	}
	return p, nil
}

// state is one fast decode. States are pooled; names interns the keys of
// fields the Spec does not name, across records and pages.
type state struct {
	d       *Decoder
	dec     jsontext.Decoder
	buf     bytes.Buffer
	scratch []byte
	names   map[string]string
	order   []field // the member names of the last record, in order
	page    Page
	emit    func(connectors.Record) bool // Stream's yield; nil: records go to page
	stopped bool                         // emit returned false
	width   int
}

var states = sync.Pool{New: func() any { return &state{names: make(map[string]string)} }}

var decOpts = jsontext.AllowDuplicateNames(true) // duplicates are caught as records are built

// fast runs the one-pass decoder; ok false sends the body to the fallback.
func (d *Decoder) fast(body []byte) (Page, bool) {
	s := states.Get().(*state)
	s.d, s.page, s.width, s.order = d, Page{}, int(d.width.Load()), s.order[:0]
	s.buf = *bytes.NewBuffer(body)
	s.dec.Reset(&s.buf, decOpts)
	ok := s.top()
	if ok {
		if _, err := s.dec.ReadToken(); !errors.Is(err, io.EOF) {
			ok = false
		}
	}
	p := s.page
	if ok {
		d.hint.Store(int64(len(p.Records)))
		if int64(s.width) > d.width.Load() {
			d.width.Store(int64(s.width))
		}
	}
	s.release()
	return p, ok
}

// release returns a state to the pool.
func (s *state) release() {
	s.d, s.page, s.emit, s.stopped = nil, Page{}, nil, false
	s.buf = bytes.Buffer{}
	s.dec.Reset(&s.buf)
	if len(s.names) > 4096 {
		clear(s.names)
	}
	states.Put(s)
}

func (s *state) top() bool {
	if s.d.root.records {
		return s.records()
	}
	return s.envelope(s.d.root)
}

func (s *state) envelope(n *node) bool {
	if s.dec.PeekKind() != '{' {
		return false
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return false
	}
	var seen uint64
	for s.dec.PeekKind() != '}' {
		raw, err := s.dec.ReadValue()
		if err != nil {
			return false
		}
		key := s.unquote(raw)
		i := -1
		for j, k := range n.keys {
			if k == string(key) {
				i = j
				break
			}
		}
		if i < 0 {
			for _, k := range n.keys {
				if bytes.EqualFold([]byte(k), key) {
					return false // a reference decoding into a struct would take it
				}
			}
			// Not decoded by the reference either, but held: the cap holds.
			if raw, err := s.dec.ReadValue(); err != nil || int64(len(raw)) > s.d.max && capread.Exceeds(raw, s.d.max) {
				return false
			}
			continue
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		kid := n.kids[i]
		switch {
		case kid.records:
			if !s.records() {
				return false
			}
		case kid.role != 0:
			if !s.paging(kid.role) {
				return false
			}
		default:
			if s.dec.PeekKind() == 'n' {
				if _, err := s.dec.ReadValue(); err != nil {
					return false
				}
			} else if !s.envelope(kid) {
				return false
			}
		}
	}
	_, err := s.dec.ReadToken()
	return err == nil
}

func (s *state) paging(f Field) bool {
	k := s.dec.PeekKind()
	raw, err := s.dec.ReadValue()
	if err != nil {
		return false
	}
	p := &s.page
	switch {
	case k == 'n':
		return true
	case f == FieldNext:
		if k != '"' {
			return false
		}
		p.Next = string(s.unquote(raw))
	case f == FieldDone || f == FieldMore:
		if k != 't' && k != 'f' {
			return false
		}
		p.setBool(f, k == 't')
	default:
		var n int64
		var ok bool
		switch {
		case k == '0':
			n, ok = parseInt(raw)
			ok = ok && n <= 1<<53 && n >= -(1<<53)
		case k == '"' && f == FieldTotal && s.d.spec.Envelope.StringTotal:
			n, ok = parseInt(s.unquote(raw))
		}
		if !ok || !p.setInt(f, n) {
			return false
		}
	}
	p.Present |= f
	return true
}

func (s *state) records() bool {
	switch s.dec.PeekKind() {
	case 'n':
		_, err := s.dec.ReadValue()
		s.page.Records = nil
		return err == nil
	case '[':
	default:
		return false
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return false
	}
	var recs []connectors.Record
	if s.emit == nil {
		recs = make([]connectors.Record, 0, s.d.hint.Load())
	}
	for {
		switch s.dec.PeekKind() {
		case '{':
			r, ok := s.record()
			if !ok {
				return false
			}
			if s.emit != nil {
				if !s.emit(r) {
					s.stopped = true
					return false
				}
				continue
			}
			recs = append(recs, r)
			continue
		case ']':
		default:
			return false // a record that is not an object: the reference decides
		}
		break
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return false
	}
	s.page.Records = recs
	return true
}

func (s *state) record() (connectors.Record, bool) {
	v, _, ok := s.fields(1, true, false)
	if !ok {
		return nil, false
	}
	m := connectors.Record(v.(map[string]any))
	if len(m) > s.width {
		s.width = len(m)
	}
	return m, true
}

// put stores v under name, refusing a duplicate name (the reference keeps
// the last value; the fallback decides).
func (s *state) put(m map[string]any, name string, v any, keep bool) bool {
	n := len(m)
	if !keep {
		_, dup := m[name]
		return !dup
	}
	m[name] = v
	return len(m) > n
}

// skip passes over a dropped value, checking its numbers as the reference
// would decode them, and the cap.
func (s *state) skip() bool {
	raw, err := s.dec.ReadValue()
	return err == nil && numbersFit(raw) && (int64(len(raw)) <= s.d.max || !capread.Exceeds(raw, s.d.max))
}

// key reads an object member's name, shared with the Spec's names or the
// names seen before.
func (s *state) key() (field, bool) {
	raw, err := s.dec.ReadValue()
	if err != nil {
		return field{}, false
	}
	return s.lookup(s.unquote(raw)), true
}

// recordKey is key for the i-th member of a record: records of a page
// mostly list their fields in one order, so the previous record's i-th name
// is tried first (a comparison instead of a hash lookup).
func (s *state) recordKey(i int) (field, bool) {
	raw, err := s.dec.ReadValue()
	if err != nil {
		return field{}, false
	}
	b := s.unquote(raw)
	if i < len(s.order) && s.order[i].name == string(b) {
		return s.order[i], true
	}
	f := s.lookup(b)
	switch {
	case i < len(s.order):
		s.order[i] = f
	case i == len(s.order) && i < 4096:
		s.order = append(s.order, f)
	}
	return f, true
}

// lookup returns the field of a member name: the Spec's, or a name seen
// before, or a new name (kept for the names that follow).
func (s *state) lookup(b []byte) field {
	if f, ok := s.d.names[string(b)]; ok {
		return f
	}
	if name, ok := s.names[string(b)]; ok {
		return field{name: name}
	}
	name := string(b)
	s.names[name] = name
	return field{name: name}
}

// unquote returns the content of a raw JSON string (valid until the next
// read).
func (s *state) unquote(raw []byte) []byte {
	b := raw[1 : len(raw)-1]
	if bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	out, err := jsontext.AppendUnquote(s.scratch[:0], raw)
	if err != nil {
		return b // the decoder validated raw; unreachable
	}
	s.scratch = out
	return out
}

// value reads one value of a field of type t. keep is false for a nested
// object that DropEmptied removes.
func (s *state) value(t Type, depth int) (v any, keep, ok bool) {
	switch s.dec.PeekKind() {
	case '"':
		raw, err := s.dec.ReadValue()
		if err != nil || int64(len(raw)-2) > s.d.max {
			return nil, false, false
		}
		b := s.unquote(raw)
		if v, ok := s.d.typeString(t, b); ok {
			return v, true, true
		}
		return string(b), true, true
	case '0':
		raw, err := s.dec.ReadValue()
		if err != nil || int64(len(raw)) > s.d.max {
			return nil, false, false
		}
		f, ok := parseNumber(raw)
		if !ok {
			return nil, false, false
		}
		return typeNumber(t, f), true, true
	case '{':
		m, emptied, ok := s.fields(depth+1, false, true)
		return m, !emptied, ok
	default:
		v, ok := s.raw(depth + 1)
		return v, true, ok
	}
}

// fields reads an object: dropped keys removed, values typed by the Spec's
// field types (typed, for a record) or Auto (for a nested object). With
// unwrap, an object holding the Unwrap key with an array is replaced by that
// array (only a field's value is replaced, never a record or an element of
// a collection). emptied reports an object that DropEmptied removes.
func (s *state) fields(depth int, typed, unwrap bool) (v any, emptied, ok bool) {
	if depth > maxDepth {
		return nil, false, false
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return nil, false, false
	}
	size := 0
	if typed {
		size = s.width
	}
	m := make(map[string]any, size)
	dropped := false
	var coll []any
	for i := 0; s.dec.PeekKind() != '}'; i++ {
		var f field
		var ok bool
		if typed {
			f, ok = s.recordKey(i)
		} else {
			f, ok = s.key()
		}
		if !ok {
			return nil, false, false
		}
		if f.drop {
			if !s.skip() {
				return nil, false, false
			}
			dropped = true
			continue
		}
		if unwrap && f.name == s.d.spec.Unwrap && s.dec.PeekKind() == '[' {
			arr, ok := s.collection(depth + 1)
			if !ok || !s.put(m, f.name, arr, true) {
				return nil, false, false
			}
			coll = arr
			continue
		}
		t := Auto
		if typed {
			t = f.typ
		}
		v, keep, ok := s.value(t, depth)
		if !ok || !s.put(m, f.name, v, keep) {
			return nil, false, false
		}
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return nil, false, false
	}
	if coll != nil {
		return coll, false, true
	}
	return m, s.d.spec.DropEmptied && dropped && len(m) == 0, true
}

// collection reads the array of an Unwrap collection: its objects processed
// as nested objects, its other values kept as they are.
func (s *state) collection(depth int) ([]any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return nil, false
	}
	out := make([]any, 0)
	for {
		var v any
		var ok bool
		switch s.dec.PeekKind() {
		case ']':
			_, err := s.dec.ReadToken()
			return out, err == nil
		case '{':
			v, _, ok = s.fields(depth+1, false, false)
		default:
			v, ok = s.raw(depth)
		}
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
}

// raw reads a value exactly as encoding/json decodes it into an interface.
func (s *state) raw(depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch s.dec.PeekKind() {
	case '"':
		raw, err := s.dec.ReadValue()
		if err != nil || int64(len(raw)-2) > s.d.max {
			return nil, false
		}
		return string(s.unquote(raw)), true
	case '0':
		raw, err := s.dec.ReadValue()
		if err != nil || int64(len(raw)) > s.d.max {
			return nil, false
		}
		f, ok := parseNumber(raw)
		return f, ok
	case 't', 'f', 'n':
		raw, err := s.dec.ReadValue()
		if err != nil {
			return nil, false
		}
		switch raw[0] {
		case 't':
			return true, true
		case 'f':
			return false, true
		}
		return nil, true
	case '{':
		if _, err := s.dec.ReadToken(); err != nil {
			return nil, false
		}
		m := make(map[string]any)
		for s.dec.PeekKind() != '}' {
			f, ok := s.key()
			if !ok {
				return nil, false
			}
			v, ok := s.raw(depth + 1)
			if !ok || !s.put(m, f.name, v, true) {
				return nil, false
			}
		}
		_, err := s.dec.ReadToken()
		return m, err == nil
	case '[':
		if _, err := s.dec.ReadToken(); err != nil {
			return nil, false
		}
		out := make([]any, 0)
		for s.dec.PeekKind() != ']' {
			v, ok := s.raw(depth + 1)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		_, err := s.dec.ReadToken()
		return out, err == nil
	}
	return nil, false
}
