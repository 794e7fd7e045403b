package credentials

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

func TestKeyringFromEnv(t *testing.T) {
	raw := bytes.Repeat([]byte{0x11}, KeySize)
	good := base64.StdEncoding.EncodeToString(raw)
	prev := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0x22}, KeySize))
	short := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x33}, 16))
	notB64 := "this-is-not-base64-SECRET-!!"

	t.Run("unset", func(t *testing.T) {
		t.Setenv(EnvKey, "")
		_, err := KeyringFromEnv()
		wantErr(t, err, errs.CodeInvalidArgument, ErrNoKey)
		if !strings.Contains(err.Error(), EnvKey) {
			t.Fatalf("error %q does not name %s", err, EnvKey)
		}
	})
	t.Run("short", func(t *testing.T) {
		t.Setenv(EnvKey, short)
		_, err := KeyringFromEnv()
		wantErr(t, err, errs.CodeInvalidArgument, ErrBadKey)
		if !strings.Contains(err.Error(), "16 bytes") || strings.Contains(err.Error(), short) {
			t.Fatalf("error %q should give the length and not the key", err)
		}
	})
	t.Run("not base64", func(t *testing.T) {
		t.Setenv(EnvKey, notB64)
		_, err := KeyringFromEnv()
		wantErr(t, err, errs.CodeInvalidArgument, ErrBadKey)
		if strings.Contains(err.Error(), notB64) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), "SECRET") {
			t.Fatalf("error %q quotes the key", err)
		}
	})
	t.Run("bad previous", func(t *testing.T) {
		t.Setenv(EnvKey, good)
		t.Setenv(EnvPreviousKeys, prev+","+short)
		_, err := KeyringFromEnv()
		wantErr(t, err, errs.CodeInvalidArgument, ErrBadKey)
		if !strings.Contains(err.Error(), "entry 2") {
			t.Fatalf("error %q does not say which entry", err)
		}
	})
	t.Run("good", func(t *testing.T) {
		t.Setenv(EnvKey, " "+good+"\n")
		t.Setenv(EnvPreviousKeys, prev+", ")
		r, err := KeyringFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := NewKey("", raw)
		cur, _ := r.CurrentKey(context.Background())
		if cur.ID() != want.ID() || !strings.HasPrefix(cur.ID(), "k1-") {
			t.Fatalf("current key id %q, want %q", cur.ID(), want.ID())
		}
		if ids := r.IDs(); len(ids) != 2 || ids[0] != cur.ID() {
			t.Fatalf("ids %v", ids)
		}
		if _, err := r.LookupKey(context.Background(), r.IDs()[1]); err != nil {
			t.Fatal(err)
		}
		_, err = r.LookupKey(context.Background(), "k1-0000000000000000")
		wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)
	})
}

func TestNewKeyRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		id  string
		raw []byte
	}{
		"short":      {"", make([]byte, 31)},
		"long":       {"", make([]byte, 33)},
		"space id":   {"my key", make([]byte, 32)},
		"control id": {"k\x01", make([]byte, 32)},
		"long id":    {strings.Repeat("k", 65), make([]byte, 32)},
	} {
		if _, err := NewKey(tc.id, tc.raw); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			wantErr(t, err, errs.CodeInvalidArgument, ErrBadKey)
		}
	}
	if _, err := NewKeyring(nil); err == nil {
		t.Fatal("NewKeyring(nil) accepted")
	} else {
		wantErr(t, err, errs.CodeInvalidArgument, ErrNoKey)
	}
	a, _ := NewKey("same", bytes.Repeat([]byte{1}, 32))
	b, _ := NewKey("same", bytes.Repeat([]byte{2}, 32))
	if _, err := NewKeyring(a, b); err == nil {
		t.Fatal("a keyring with two keys of one id was accepted")
	}
}

// A key never prints its material, whatever the verb.
func TestKeyDoesNotPrint(t *testing.T) {
	raw := bytes.Repeat([]byte{0xAB}, KeySize)
	k, err := NewKey("", raw)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("%v %+v %#v %s %q", k, k, k, k, k)
	for _, leak := range []string{base64.StdEncoding.EncodeToString(raw), fmt.Sprintf("%x", raw), string(raw), "171 171"} {
		if strings.Contains(out, leak) {
			t.Fatalf("key printed its material: %s", out)
		}
	}
	if !strings.Contains(out, k.ID()) {
		t.Fatalf("key output %q does not name its id", out)
	}
}

func TestNewManagerNeedsKey(t *testing.T) {
	_, err := NewManager(NewMemoryStore(), nil)
	wantErr(t, err, errs.CodeInvalidArgument, ErrNoKey)
	_, err = NewManager(nil, mustKeyring(t, mustKey(t)))
	wantErr(t, err, errs.CodeInvalidArgument, nil)
	_, err = NewManager(NewMemoryStore(), failingProvider{})
	wantErr(t, err, errs.CodeUnavailable, nil)
}

type failingProvider struct{}

func (failingProvider) CurrentKey(context.Context) (*Key, error) {
	return nil, fmt.Errorf("vault is sealed")
}

func (failingProvider) LookupKey(context.Context, string) (*Key, error) {
	return nil, fmt.Errorf("vault is sealed")
}
