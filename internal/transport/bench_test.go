package transport

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchURL serves a small JSON body on loopback and returns its URL.
func benchURL(b *testing.B) string {
	body := []byte(`{"id":"001xx000003DGb2AAG","name":"Acme","ok":true,"items":[1,2,3]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv.URL + "/services/data/v60.0/sobjects/Account/1"
}

// bareGet is the loop a user would write with net/http.
func bareGet(b *testing.B, hc *http.Client, url string) {
	req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
}

func benchClients(b *testing.B) (*http.Client, *Client) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := New(Config{Product: "bench", AllowInsecureLoopback: true,
		HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}})
	if err != nil {
		b.Fatal(err)
	}
	return hc, c
}

// BenchmarkTransport measures one GET of a small JSON body against a
// loopback server through the whole stack (retry loop, capped body read,
// audit check, status mapping) and through a bare http.Client sharing the
// same connection pool settings, in the same run.
func BenchmarkTransport(b *testing.B) {
	url := benchURL(b)
	hc, c := benchClients(b)
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bareGet(b, hc, url)
		}
	})
	b.Run("stack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Get(b.Context(), url, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTransportAlternating sends the same small GET through a bare
// http.Client and through the stack in alternation, call by call, so that
// both see the same machine load, and reports each one's time per call and
// their ratio (stack/bare).
func BenchmarkTransportAlternating(b *testing.B) {
	url := benchURL(b)
	hc, c := benchClients(b)
	var bare, stack time.Duration
	for b.Loop() {
		t0 := time.Now()
		bareGet(b, hc, url)
		t1 := time.Now()
		if _, err := c.Get(b.Context(), url, nil); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		bare += t1.Sub(t0)
		stack += t2.Sub(t1)
	}
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/call")
	b.ReportMetric(float64(stack.Nanoseconds())/float64(b.N), "stack-ns/call")
	b.ReportMetric(float64(stack)/float64(bare), "stack/bare")
}
