package transport

import (
	"crypto/tls"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
)

// insecureTLS reports whether the round tripper a client actually uses
// skips certificate verification. It unwraps the wrappers it knows (this
// package's own, go-retryablehttp's, x/oauth2's, and any type with an
// Unwrap() http.RoundTripper method) down to an *http.Transport, whose
// TLSClientConfig it inspects. A round tripper it cannot see into (a
// custom type, an *http2.Transport, a transport with its own
// DialTLSContext) is not reported: the package documentation says so.
func insecureTLS(rt http.RoundTripper) bool {
	for i := 0; i < 16 && rt != nil; i++ {
		switch t := rt.(type) {
		case *http.Transport:
			if t == nil {
				return false
			}
			return tlsInsecure(t.TLSClientConfig)
		case *attemptTransport:
			rt = t.next
		case *retryablehttp.RoundTripper:
			if t == nil || t.Client == nil || t.Client.HTTPClient == nil {
				return false
			}
			rt = t.Client.HTTPClient.Transport
			if rt == nil {
				rt = http.DefaultTransport
			}
		case *oauth2.Transport:
			if t == nil {
				return false
			}
			rt = t.Base
			if rt == nil {
				rt = http.DefaultTransport
			}
		case interface{ TLSConfig() *tls.Config }:
			return tlsInsecure(t.TLSConfig())
		case interface{ Unwrap() http.RoundTripper }:
			rt = t.Unwrap()
		default:
			return false
		}
	}
	return false
}

func tlsInsecure(cfg *tls.Config) bool { return cfg != nil && cfg.InsecureSkipVerify }
