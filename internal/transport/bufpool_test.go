package transport

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/iotest"
)

func TestReadPooledGrowsAsBytesArrive(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, tc := range []struct {
		name  string
		r     io.Reader
		limit int64
		hint  int64
		ok    bool
	}{
		{"unknown length", bytes.NewReader(body), 2 << 20, -1, true},
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(body[:10000])), 2 << 20, -1, true},
		{"declared length is only a hint", bytes.NewReader(body[:100]), 2 << 20, 60 << 20, true},
		{"exactly the limit", bytes.NewReader(body), int64(len(body)), -1, true},
		{"one past the limit", bytes.NewReader(body), int64(len(body)) - 1, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, buf, err := readPooled(tc.r, tc.limit, tc.hint)
			if !tc.ok {
				var o *oversizeError
				if !errors.As(err, &o) || b != nil {
					t.Fatalf("got %d bytes, err %v; want an oversizeError", len(b), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := body
			if tc.name == "one byte at a time" {
				want = body[:10000]
			} else if tc.name == "declared length is only a hint" {
				want = body[:100]
			}
			if !bytes.Equal(b, want) {
				t.Errorf("read %d bytes, want %d", len(b), len(want))
			}
			putBuf(buf)
		})
	}
}

func TestResponseReleaseAfterDecode(t *testing.T) {
	s := newServer(t, okJSON)
	c, _ := newClient(t, s, nil)
	var v map[string]any
	resp, err := c.GetJSON(t.Context(), s.URL+"/x", nil, &v)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil || v["ok"] != true {
		t.Errorf("GetJSON kept the body (%d bytes) or lost the value %v", len(resp.Body), v)
	}
	r2, err := c.Get(t.Context(), s.URL+"/x", http.Header{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.DecodeJSON(&v); err != nil {
		t.Fatal(err)
	}
	r2.Release()
	r2.Release() // twice is harmless
	if r2.Body != nil {
		t.Error("Release left the body")
	}
}
