package credentials

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/xlr8/connectors/internal/errs"
)

// The sealed envelope, version 1:
//
//	"XC"          2 bytes, magic
//	0x01          1 byte, version (1: AES-256-GCM)
//	n             1 byte, length of the key id (1..64)
//	key id        n bytes
//	nonce         12 bytes, fresh from crypto/rand for every seal
//	ciphertext    the sealed payload followed by the 16-byte GCM tag
//
// The additional data authenticated with it is the header (magic through key
// id) followed by the record's binding (see Record.binding): the credential
// id, project, product, instance URL, auth type, status and timestamps.
// Changing any of them, the header or the ciphertext, or moving the
// ciphertext onto another credential, makes the envelope fail to open.
const (
	envelopeMagic   = "XC"
	envelopeV1      = 1
	envelopeNonce   = 12
	envelopeTag     = 16
	envelopeMinSize = len(envelopeMagic) + 2 + 1 + envelopeNonce + envelopeTag
)

// envelope is a parsed, not yet opened, sealed payload.
type envelope struct {
	version    byte
	keyID      string
	header     []byte // magic .. key id: part of the additional data
	nonce      []byte
	ciphertext []byte // with the tag
}

// parseEnvelope splits an envelope into its parts. It never panics and
// never allocates more than the input: every length is checked first.
func parseEnvelope(b []byte) (envelope, error) {
	if len(b) < len(envelopeMagic)+2 || string(b[:len(envelopeMagic)]) != envelopeMagic {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: not an envelope (bad magic or too short: %d bytes)", len(b))
	}
	v := b[2]
	if v != envelopeV1 {
		return envelope{}, errs.Newf(errs.CodeUnsupported,
			"sealed secrets use envelope version %d; this library reads version 1 (was the record written by a newer version?)", v)
	}
	n := int(b[3])
	if n == 0 || n > maxKeyIDLen {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: key id length %d out of range", n)
	}
	if len(b) < 4+n+envelopeNonce+envelopeTag {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: envelope truncated (%d bytes)", len(b))
	}
	id := string(b[4 : 4+n])
	if checkKeyID(id) != nil {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: malformed key id")
	}
	return envelope{
		version:    v,
		keyID:      id,
		header:     b[:4+n],
		nonce:      b[4+n : 4+n+envelopeNonce],
		ciphertext: b[4+n+envelopeNonce:],
	}, nil
}

// envelopeKeyID returns the key id of an envelope without opening it.
func envelopeKeyID(b []byte) (string, error) {
	e, err := parseEnvelope(b)
	if err != nil {
		return "", err
	}
	return e.keyID, nil
}

// seal encrypts plaintext under k with a fresh random nonce, binding the
// header and binding as additional data.
func seal(k *Key, plaintext, binding []byte) ([]byte, error) {
	if k == nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey, "sealing: no key")
	}
	hlen := 4 + len(k.id)
	out := make([]byte, hlen+envelopeNonce, hlen+envelopeNonce+len(plaintext)+envelopeTag)
	copy(out, envelopeMagic)
	out[2] = envelopeV1
	out[3] = byte(len(k.id))
	copy(out[4:], k.id)
	nonce := out[hlen : hlen+envelopeNonce]
	if _, err := rand.Read(nonce); err != nil {
		return nil, newErr(errs.CodeInternal, err, "sealing: reading a random nonce")
	}
	aad := make([]byte, 0, hlen+len(binding))
	aad = append(append(aad, out[:hlen]...), binding...)
	return k.aead.Seal(out, nonce, plaintext, aad), nil
}

// open authenticates and decrypts the envelope with k, which must be the
// key its header names.
func (e envelope) open(k *Key, binding []byte) ([]byte, error) {
	if k == nil || k.id != e.keyID {
		return nil, newErr(errs.CodeUnauthenticated, ErrWrongKey, "sealed secrets need key %q", e.keyID)
	}
	aad := make([]byte, 0, len(e.header)+len(binding))
	aad = append(append(aad, e.header...), binding...)
	pt, err := k.aead.Open(nil, e.nonce, e.ciphertext, aad)
	if err != nil {
		return nil, newErr(errs.CodeInternal, ErrTampered, "sealed secrets under key %q failed authentication", e.keyID)
	}
	return pt, nil
}

// appendField appends a length-prefixed field, so that no two different
// field lists encode to the same bytes.
func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
