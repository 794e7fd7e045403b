package credentials

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

func testRecord(id, product string) *Record {
	return &Record{ID: id, ProjectID: "p1", ProductID: product, AuthType: AuthBasic, Status: StatusActive}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKey(t)
	rec := testRecord("c1", "salesforce")
	pt := []byte(`{"secrets":{"password":"` + testPassword + `"}}`)
	a, err := seal(k, pt, rec.binding())
	if err != nil {
		t.Fatal(err)
	}
	b, err := seal(k, pt, rec.binding())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical: the nonce is not fresh")
	}
	if bytes.Contains(a, []byte(testPassword)) {
		t.Fatal("the envelope holds the plaintext")
	}
	env, err := parseEnvelope(a)
	if err != nil {
		t.Fatal(err)
	}
	if env.keyID != k.ID() || env.version != envelopeV2 {
		t.Fatalf("header: key %q version %d", env.keyID, env.version)
	}
	got, err := env.open(k, rec.binding())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pt) {
		t.Fatalf("opened %q, want %q", got, pt)
	}
}

// A ciphertext moved onto another credential (other id, other product, any
// changed bound field) does not open.
func TestSealBindsMetadata(t *testing.T) {
	k := mustKey(t)
	rec := testRecord("c1", "salesforce")
	sealed, err := seal(k, []byte("payload"), rec.binding())
	if err != nil {
		t.Fatal(err)
	}
	env, err := parseEnvelope(sealed)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(r *Record){
		"id":           func(r *Record) { r.ID = "c2" },
		"product":      func(r *Record) { r.ProductID = "workday_hcm" },
		"project":      func(r *Record) { r.ProjectID = "p2" },
		"instance_url": func(r *Record) { r.InstanceURL = "https://evil.example.com" },
		"auth_type":    func(r *Record) { r.AuthType = AuthOAuth2 },
		"status":       func(r *Record) { r.Status = StatusExpired },
		"expires_at":   func(r *Record) { r.ExpiresAt = r.ExpiresAt.AddDate(1, 0, 0) },
		"last_used":    func(r *Record) { r.LastUsed = r.LastUsed.AddDate(0, 0, 1) },
		// Length prefixes: moving a character from one field to the next
		// must not give the same binding.
		"shifted": func(r *Record) { r.ID, r.ProjectID = "c1p", "1" },
	} {
		t.Run(name, func(t *testing.T) {
			other := *rec
			mutate(&other)
			_, err := env.open(k, other.binding())
			wantErr(t, err, errs.CodeInternal, ErrTampered)
		})
	}
}

// Every single flipped bit in an envelope is detected: it never opens.
func TestFlippedByteDetected(t *testing.T) {
	k := mustKey(t)
	rec := testRecord("c1", "salesforce")
	sealed, err := seal(k, []byte(`{"secrets":{"password":"x"}}`), rec.binding())
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sealed)
			bad[i] ^= bit
			env, err := parseEnvelope(bad)
			if err == nil {
				_, err = env.open(k, rec.binding())
			}
			if err == nil {
				t.Fatalf("flipping bit %#x of byte %d went unnoticed", bit, i)
			}
			if !errors.Is(err, ErrTampered) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrWrongKey) &&
				codeOf(t, err) != errs.CodeUnsupported {
				t.Fatalf("byte %d: unexpected error %v", i, err)
			}
		}
	}
}

func TestOpenWithWrongKey(t *testing.T) {
	k1, k2 := mustKey(t), mustKey(t)
	rec := testRecord("c1", "salesforce")
	sealed, _ := seal(k1, []byte("x"), rec.binding())
	env, err := parseEnvelope(sealed)
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.open(k2, rec.binding())
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)

	// Same id, other material: the key check tells a wrong key.
	raw := bytes.Repeat([]byte{7}, KeySize)
	impostor, err := NewKey(k1.ID(), raw)
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.open(impostor, rec.binding())
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)
}

func TestParseEnvelopeRejects(t *testing.T) {
	k := mustKey(t)
	good, _ := seal(k, []byte("x"), nil)
	future := bytes.Clone(good)
	future[2] = 3
	cases := map[string][]byte{
		"empty":       nil,
		"magic only":  []byte("XC"),
		"bad magic":   append([]byte("YC"), good[2:]...),
		"zero key id": append([]byte{'X', 'C', 1, 0}, make([]byte, 40)...),
		"long key id": append([]byte{'X', 'C', 1, 200}, make([]byte, 300)...),
		"truncated":   good[:4+len(k.ID())+keyCheckLen+envelopeNonce],
		"no tag":      good[:4+len(k.ID())+keyCheckLen+envelopeNonce+5],
		"version 0":   append([]byte{'X', 'C', 0}, good[3:]...),
	}
	for name, b := range cases {
		if _, err := parseEnvelope(b); err == nil {
			t.Errorf("%s: parsed", name)
		} else if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v does not wrap ErrCorrupt", name, err)
		}
	}
	_, err := parseEnvelope(future)
	wantErr(t, err, errs.CodeUnsupported, nil)
}

// FuzzOpenEnvelope feeds arbitrary bytes to the envelope decoder and opener:
// nothing panics, errors are typed, and no forged envelope opens.
func FuzzOpenEnvelope(f *testing.F) {
	raw := bytes.Repeat([]byte{42}, KeySize)
	k, err := NewKey("fuzz-key", raw)
	if err != nil {
		f.Fatal(err)
	}
	rec := testRecord("c1", "salesforce")
	plaintext := []byte(`{"secrets":{"password":"fuzz"}}`)
	good, err := seal(k, plaintext, rec.binding())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte("XC"))
	f.Add([]byte("XC\x01\x08fuzz-key"))
	f.Add(append([]byte("XC\x02\x08fuzz-key"), make([]byte, 40)...))
	f.Add(bytes.Repeat([]byte{0xff}, 100))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := parseEnvelope(data)
		if err != nil {
			_ = codeOf(t, err) // typed, whatever the input
			return
		}
		if len(env.nonce) != envelopeNonce || len(env.ciphertext) < envelopeTag {
			t.Fatalf("parsed an envelope with nonce %d bytes and ciphertext %d bytes", len(env.nonce), len(env.ciphertext))
		}
		if _, err := envelopeKeyID(data); err != nil {
			t.Fatalf("envelopeKeyID failed on a parsable envelope: %v", err)
		}
		// Only genuine envelopes open (the seed, sealed afresh in each fuzz
		// worker), and they give back exactly what was sealed.
		pt, err := env.open(k, rec.binding())
		if err == nil && !bytes.Equal(pt, plaintext) {
			t.Fatalf("a forged envelope opened: %x", data)
		}
	})
}
