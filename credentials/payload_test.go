package credentials

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPayloadBinaryRoundTrip(t *testing.T) {
	for _, p := range []*payload{
		{Secrets: map[string]string{}},
		{Secrets: map[string]string{"password": "p\x00w", "": "empty key", "u": ""}},
		{Secrets: map[string]string{"refresh_token": "r"}, Token: &storedToken{AccessToken: "a", TokenType: "Bearer",
			Expiry: time.Unix(1700000000, 123), Extra: map[string]string{"instance_url": "https://x"}}},
		{Secrets: map[string]string{"k": "v"}, Token: &storedToken{AccessToken: "a"}},
	} {
		var got payload
		if err := got.unmarshalBinary(p.marshalBinary()); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(p, &got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

// FuzzPayloadBinary: the payload decoder never panics or over-allocates on
// any input, and what it accepts encodes back to the same bytes.
func FuzzPayloadBinary(f *testing.F) {
	f.Add((&payload{Secrets: map[string]string{"a": "b"}}).marshalBinary())
	f.Add((&payload{Secrets: map[string]string{"a": "b"}, Token: &storedToken{AccessToken: "x", Expiry: time.Unix(5, 0)}}).marshalBinary())
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p payload
		if p.unmarshalBinary(b) != nil {
			return
		}
		var q payload
		if err := q.unmarshalBinary(p.marshalBinary()); err != nil {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		if !cmp.Equal(p.Secrets, q.Secrets) {
			t.Fatal("secrets changed in a round trip")
		}
	})
}
