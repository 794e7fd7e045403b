package credentials

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"

	"github.com/xlr8/connectors/internal/errs"
)

// The sealed envelope, version 2 (written by this version):
//
//	"XC"          2 bytes, magic
//	0x02          1 byte, version (2: AES-256-GCM with key check and revision)
//	n             1 byte, length of the key id (1..64)
//	key id        n bytes
//	key check     8 bytes, the key's check value (see Key)
//	nonce         12 bytes, fresh from crypto/rand for every seal
//	ciphertext    the sealed payload followed by the 16-byte GCM tag
//
// The additional data authenticated with it is the header (magic through key
// check) followed by the record's binding (see Record.binding): the
// credential id, project, product, instance URL, auth type, status,
// timestamps and revision. Changing any of them, the header or the
// ciphertext, or moving the ciphertext onto another credential or onto
// another revision of the same one, makes the envelope fail to open. A key
// whose check value differs from the envelope's is a wrong key (ErrWrongKey),
// not tampering.
//
// Version 1 (read, never written) has no key check and binds no revision.
const (
	envelopeMagic   = "XC"
	envelopeV1      = 1
	envelopeV2      = 2
	envelopeNonce   = 12
	envelopeTag     = 16
	envelopeMinSize = len(envelopeMagic) + 2 + 1 + envelopeNonce + envelopeTag
)

// envelope is a parsed, not yet opened, sealed payload.
type envelope struct {
	version    byte
	keyID      string
	header     []byte // magic .. key check: part of the additional data
	check      []byte // the key check value (version 2)
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
	switch {
	case v == 0:
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: envelope version 0")
	case v > envelopeV2:
		return envelope{}, errs.Newf(errs.CodeUnsupported,
			"sealed secrets use envelope version %d; this library reads versions 1 and 2 (was the record written by a newer version?)", v)
	}
	n := int(b[3])
	if n == 0 || n > maxKeyIDLen {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: key id length %d out of range", n)
	}
	hlen := 4 + n
	if v == envelopeV2 {
		hlen += keyCheckLen
	}
	if len(b) < hlen+envelopeNonce+envelopeTag {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: envelope truncated (%d bytes)", len(b))
	}
	id := string(b[4 : 4+n])
	if checkKeyID(id) != nil {
		return envelope{}, newErr(errs.CodeInternal, ErrCorrupt, "sealed secrets: malformed key id")
	}
	e := envelope{
		version:    v,
		keyID:      id,
		header:     b[:hlen],
		nonce:      b[hlen : hlen+envelopeNonce],
		ciphertext: b[hlen+envelopeNonce:],
	}
	if v == envelopeV2 {
		e.check = b[4+n : hlen]
	}
	return e, nil
}

// envelopeKeyID returns the key id of an envelope without opening it.
func envelopeKeyID(b []byte) (string, error) {
	e, err := parseEnvelope(b)
	if err != nil {
		return "", err
	}
	return e.keyID, nil
}

// seal encrypts plaintext under k with a fresh random nonce, in a version 2
// envelope, binding the header and binding (Record.binding) as additional
// data.
func seal(k *Key, plaintext, binding []byte) ([]byte, error) {
	if k == nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey, "sealing: no key")
	}
	hlen := 4 + len(k.id) + keyCheckLen
	out := make([]byte, hlen+envelopeNonce, hlen+envelopeNonce+len(plaintext)+envelopeTag)
	copy(out, envelopeMagic)
	out[2] = envelopeV2
	out[3] = byte(len(k.id))
	copy(out[4:], k.id)
	copy(out[4+len(k.id):], k.check[:])
	nonce := out[hlen : hlen+envelopeNonce]
	if _, err := rand.Read(nonce); err != nil {
		return nil, newErr(errs.CodeInternal, err, "sealing: reading a random nonce")
	}
	aad := make([]byte, 0, hlen+len(binding))
	aad = append(append(aad, out[:hlen]...), binding...)
	return k.aead.Seal(out, nonce, plaintext, aad), nil
}

// open authenticates and decrypts the envelope with k, which must be the
// key its header names; binding must be the record's binding for the
// envelope's version (Record.bindingFor).
func (e envelope) open(k *Key, binding []byte) ([]byte, error) {
	if k == nil || k.id != e.keyID {
		return nil, newErr(errs.CodeUnauthenticated, ErrWrongKey, "sealed secrets need key %q", e.keyID)
	}
	if e.check != nil && subtle.ConstantTimeCompare(e.check, k.check[:]) != 1 {
		return nil, newErr(errs.CodeUnauthenticated, ErrWrongKey,
			"sealed secrets need key %q, and the key with that id is a different key (a key id reused for other key material?)", e.keyID)
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
