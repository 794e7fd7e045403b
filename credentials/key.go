package credentials

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// KeySize is the length in bytes of a credentials encryption key (AES-256).
const KeySize = 32

// Environment variables read by KeyringFromEnv.
const (
	// EnvKey holds the current key: 32 bytes, base64 (standard or URL
	// alphabet, padded or not). Generate one with `openssl rand -base64 32`.
	EnvKey = "XLR8_CREDENTIALS_KEY"
	// EnvPreviousKeys holds older keys, comma separated, that may still open
	// records during a rotation (see Manager.Rekey). Optional.
	EnvPreviousKeys = "XLR8_CREDENTIALS_PREVIOUS_KEYS"
)

// maxKeyIDLen bounds a key id (it is written into every envelope).
const maxKeyIDLen = 64

// Key is one AES-256-GCM key and its id. The id is written into every
// envelope sealed with the key, so that a Manager finds the right key for a
// record during and after a rotation. A Key never prints its material.
type Key struct {
	id   string
	aead cipher.AEAD
	// check is the key's check value (the first bytes of AES of a zero
	// block), written into every envelope, so that a different key under
	// the same id is told from tampering. It reveals nothing usable about
	// the key.
	check [keyCheckLen]byte
}

const keyCheckLen = 8

// NewKey builds a key from 32 bytes of key material. An empty id derives
// one from the material (a one-way fingerprint, "k1-" and 16 hex digits), so
// that the same key always gets the same id; a key management service's key
// version id is a good explicit id. Ids are 1 to 64 printable ASCII
// characters without spaces. raw is not retained.
func NewKey(id string, raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, newErr(errs.CodeInvalidArgument, ErrBadKey,
			"credentials key is %d bytes; want %d (AES-256)", len(raw), KeySize)
	}
	if id == "" {
		id = fingerprint(raw)
	}
	if err := checkKeyID(id); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrBadKey, "credentials key: AES setup failed")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrBadKey, "credentials key: GCM setup failed")
	}
	k := &Key{id: id, aead: aead}
	var zero, out [aes.BlockSize]byte
	block.Encrypt(out[:], zero[:])
	copy(k.check[:], out[:keyCheckLen])
	return k, nil
}

// ParseKey decodes a base64 key (the form of XLR8_CREDENTIALS_KEY) and
// derives its id. Errors never quote the input.
func ParseKey(b64 string) (*Key, error) {
	raw, err := decodeKey(b64)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	return NewKey("", raw)
}

// GenerateKey returns a new random key with a derived id. Its material
// cannot be read back: use it for tests and short-lived stores; a
// persistent store needs a key the host keeps (XLR8_CREDENTIALS_KEY or a
// KeyProvider).
func GenerateKey() (*Key, error) {
	raw := make([]byte, KeySize)
	defer clear(raw)
	if _, err := rand.Read(raw); err != nil {
		return nil, newErr(errs.CodeInternal, err, "credentials key: reading random bytes")
	}
	return NewKey("", raw)
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey, "credentials key is empty")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			if len(raw) != KeySize {
				n := len(raw)
				clear(raw)
				return nil, newErr(errs.CodeInvalidArgument, ErrBadKey,
					"credentials key decodes to %d bytes; want %d (AES-256)", n, KeySize)
			}
			return raw, nil
		}
	}
	return nil, newErr(errs.CodeInvalidArgument, ErrBadKey, "credentials key is not valid base64 (%d characters)", len(s))
}

func fingerprint(raw []byte) string {
	h := sha256.New()
	h.Write([]byte("xlr8-connectors credentials key id v1\x00"))
	h.Write(raw)
	return "k1-" + hex.EncodeToString(h.Sum(nil)[:8])
}

func checkKeyID(id string) error {
	if len(id) == 0 || len(id) > maxKeyIDLen {
		return newErr(errs.CodeInvalidArgument, ErrBadKey, "credentials key id must be 1 to %d characters (got %d)", maxKeyIDLen, len(id))
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= 0x20 || id[i] >= 0x7f {
			return newErr(errs.CodeInvalidArgument, ErrBadKey, "credentials key id %q has a character that is not printable ASCII", id)
		}
	}
	return nil
}

// ID returns the key's id.
func (k *Key) ID() string {
	if k == nil {
		return ""
	}
	return k.id
}

// String names the key by id only.
func (k *Key) String() string {
	if k == nil {
		return "<nil key>"
	}
	return "credentials.Key{" + k.id + "}"
}

// GoString keeps %#v free of key material.
func (k *Key) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *Key) Format(f fmt.State, verb rune) { formatRedacted(f, verb, k.String()) }

// LogValue logs the id only.
func (k *Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// KeyProvider supplies encryption keys: the current one, which seals every
// write, and any key by id, which opens records sealed earlier. Plug AWS
// Secrets Manager, Vault or a KMS in here; a Keyring serves keys held in
// memory. A Manager caches the keys it obtains (keys are immutable by id)
// and asks for the current key once, at construction and at Rekey.
type KeyProvider interface {
	// CurrentKey returns the key new envelopes are sealed with.
	CurrentKey(ctx context.Context) (*Key, error)
	// LookupKey returns the key with the given id. An unknown id is an
	// error wrapping ErrWrongKey.
	LookupKey(ctx context.Context, id string) (*Key, error)
}

// Keyring is a KeyProvider over keys held in memory: a current key and any
// number of previous ones (still accepted for opening, during a rotation).
type Keyring struct {
	current *Key
	byID    map[string]*Key
}

var _ KeyProvider = (*Keyring)(nil)

// NewKeyring returns a keyring sealing with current and opening with current
// or any of previous. A nil current key is an error wrapping ErrNoKey; two
// different keys with one id are refused.
func NewKeyring(current *Key, previous ...*Key) (*Keyring, error) {
	if current == nil {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey, "keyring needs a current key")
	}
	r := &Keyring{current: current, byID: map[string]*Key{current.id: current}}
	for _, k := range previous {
		if k == nil {
			continue
		}
		if old, dup := r.byID[k.id]; dup && old != k {
			return nil, newErr(errs.CodeInvalidArgument, ErrBadKey, "keyring: two keys share the id %q", k.id)
		}
		r.byID[k.id] = k
	}
	return r, nil
}

// KeyringFromEnv builds a keyring from XLR8_CREDENTIALS_KEY (required) and
// XLR8_CREDENTIALS_PREVIOUS_KEYS (optional). An unset or empty key is an
// INVALID_ARGUMENT error wrapping ErrNoKey, a malformed one wraps ErrBadKey:
// nothing ever falls back to a default key.
func KeyringFromEnv() (*Keyring, error) {
	cur, ok := os.LookupEnv(EnvKey)
	if !ok || strings.TrimSpace(cur) == "" {
		return nil, newErr(errs.CodeInvalidArgument, ErrNoKey,
			"%s is not set: set it to 32 random bytes in base64 (openssl rand -base64 32)", EnvKey)
	}
	current, err := ParseKey(cur)
	if err != nil {
		return nil, prefixErr(err, EnvKey)
	}
	var previous []*Key
	for i, s := range strings.Split(os.Getenv(EnvPreviousKeys), ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		k, err := ParseKey(s)
		if err != nil {
			return nil, prefixErr(err, fmt.Sprintf("%s entry %d", EnvPreviousKeys, i+1))
		}
		previous = append(previous, k)
	}
	return NewKeyring(current, previous...)
}

func prefixErr(err error, what string) error {
	if e, ok := err.(*errs.Error); ok {
		e.Message = what + ": " + e.Message
		return e
	}
	return err
}

// CurrentKey returns the current key.
func (r *Keyring) CurrentKey(context.Context) (*Key, error) { return r.current, nil }

// LookupKey returns the key with the id, or an error wrapping ErrWrongKey.
func (r *Keyring) LookupKey(_ context.Context, id string) (*Key, error) {
	if k, ok := r.byID[id]; ok {
		return k, nil
	}
	return nil, newErr(errs.CodeUnauthenticated, ErrWrongKey, "no key with id %q in the keyring", id)
}

// IDs returns the ids of the keys the keyring holds, current first.
func (r *Keyring) IDs() []string {
	out := []string{r.current.id}
	for _, id := range errs.SortedKeys(r.byID) {
		if id != r.current.id {
			out = append(out, id)
		}
	}
	return out
}
