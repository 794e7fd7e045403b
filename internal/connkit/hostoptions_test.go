package connkit

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// TestHostTransportOptionsReachTheClient: WithEgress, WithIdleReadTimeout
// and WithLimiter given to Open reach the vendor's transport.
func TestHostTransportOptionsReachTheClient(t *testing.T) {
	var from atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from.Store(r.RemoteAddr)
		if r.URL.Path == "/stall" {
			_, _ = io.WriteString(w, "a,b\n")
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	o := connectors.ApplyOptions(connectors.WithAllowInsecureLoopback(),
		connectors.WithEgress(connectors.Egress{LocalAddr: netip.MustParseAddr("127.0.0.3")}),
		connectors.WithIdleReadTimeout(100*time.Millisecond, 1))
	c, err := NewClient("toy", &credentials.Credential{ID: "c1"}, o, ClientConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(t.Context(), srv.URL+"/x", nil); err != nil {
		t.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(from.Load().(string)); host != "127.0.0.3" {
		t.Errorf("call came from %s, want the bound 127.0.0.3", host)
	}
	sr, err := c.Stream(t.Context(), &transport.Request{Method: http.MethodGet, URL: srv.URL + "/stall"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(sr.Body)
	sr.Body.Close()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.CodeTimeout || !e.Retryable {
		t.Errorf("stalled stream: %v, want a retryable TIMEOUT", err)
	}
}

// flakySource is a plain oauth2.TokenSource that fails with a timeout
// twice before it gives a token.
type flakySource struct{ calls atomic.Int32 }

func (f *flakySource) Token() (*oauth2.Token, error) {
	if f.calls.Add(1) <= 2 {
		return nil, &errs.Error{Code: errs.CodeTimeout, Retryable: true, Message: "token endpoint: deadline exceeded"}
	}
	return &oauth2.Token{AccessToken: "at-from-host-source"}, nil
}

func TestHostTokenSourceFetchesFollowTheRetryPolicy(t *testing.T) {
	src := &flakySource{}
	o := connectors.ApplyOptions(connectors.WithTokenSource(src),
		connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	cache := TokenAuth(o, nil, nil)
	tok, _, err := cache.Token(t.Context())
	if err != nil || tok.AccessToken != "at-from-host-source" || src.calls.Load() != 3 {
		t.Errorf("token %v, err %v after %d calls; want the third call's token", tok, err, src.calls.Load())
	}
	src.calls.Store(-10) // fails from here on, forever
	src2 := &flakySource{}
	src2.calls.Store(-100)
	cache = TokenAuth(connectors.ApplyOptions(connectors.WithTokenSource(src2),
		connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})), nil, nil)
	if _, _, err := cache.Token(t.Context()); err == nil || src2.calls.Load() != -98 {
		t.Errorf("a failing source: err %v after %d calls; want an error after 2", err, src2.calls.Load()+100)
	}
}
