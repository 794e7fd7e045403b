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
