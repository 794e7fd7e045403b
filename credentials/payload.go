package credentials

import (
	"encoding/binary"
	"errors"
	"sort"
	"time"
)

// The sealed payload of a version 2 envelope is a compact binary encoding
// (a version 1 envelope holds JSON), so that opening a credential costs one
// decryption and a walk over its fields, not a second JSON decode:
//
//	0x01                       payload format
//	uvarint n, n × (key, value) the secret fields, keys sorted
//	0x00 | 0x01                 no stored token | a stored token:
//	  access token, token type, expiry (varint Unix nanoseconds, 0: none),
//	  uvarint n, n × (key, value) the token's extra fields, keys sorted
//
// Every string is a uvarint length and its bytes.
const payloadFormat = 1

var errPayload = errors.New("malformed sealed payload")

func (p *payload) marshalBinary() []byte {
	n := 16
	for k, v := range p.Secrets {
		n += len(k) + len(v) + 4
	}
	b := make([]byte, 0, n+64)
	b = append(b, payloadFormat)
	b = appendPairs(b, p.Secrets)
	if p.Token == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendField(b, p.Token.AccessToken)
	b = appendField(b, p.Token.TokenType)
	var exp int64
	if !p.Token.Expiry.IsZero() {
		exp = p.Token.Expiry.UnixNano()
	}
	b = binary.AppendVarint(b, exp)
	return appendPairs(b, p.Token.Extra)
}

func appendPairs(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendField(appendField(b, k), m[k])
	}
	return b
}

// unmarshalBinary decodes a payload; every length is checked against the
// input before use.
func (p *payload) unmarshalBinary(b []byte) error {
	if len(b) < 2 || b[0] != payloadFormat {
		return errPayload
	}
	r := payloadReader{b: b[1:]}
	p.Secrets = r.pairs()
	switch r.byte() {
	case 0:
	case 1:
		t := &storedToken{AccessToken: r.str(), TokenType: r.str()}
		if exp := r.varint(); exp != 0 {
			t.Expiry = time.Unix(0, exp)
		}
		if extra := r.pairs(); len(extra) > 0 {
			t.Extra = extra
		}
		p.Token = t
	default:
		r.bad = true
	}
	if r.bad || len(r.b) != 0 {
		return errPayload
	}
	return nil
}

type payloadReader struct {
	b   []byte
	bad bool
}

func (r *payloadReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *payloadReader) varint() int64 { return readVarint(r, binary.Varint) }

// readVarint reads one varint with dec, marking the reader bad at the end
// of its input or on an overlong encoding.
func readVarint[T uint64 | int64](r *payloadReader, dec func([]byte) (T, int)) T {
	v, n := dec(r.b)
	if n <= 0 {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *payloadReader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0xff
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *payloadReader) str() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		r.b = nil
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *payloadReader) pairs() map[string]string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b))/2 { // each pair takes at least two bytes
		r.bad = true
		return nil
	}
	m := make(map[string]string, n)
	for i := uint64(0); i < n && !r.bad; i++ {
		k := r.str()
		m[k] = r.str()
	}
	return m
}
