package transport

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/errs"
)

// Egress routes a client's calls for vendors that allow only known source
// addresses (IP allowlisting). Its zero value changes nothing: calls go as
// the base transport sends them, which for net/http's default transport
// means through the proxy named by HTTPS_PROXY (and HTTP_PROXY, NO_PROXY).
type Egress struct {
	// Proxy, when set, sends every call through this proxy, which tunnels
	// the TLS connection to the vendor with CONNECT (TLS stays end to end).
	// The scheme is https (TLS to the proxy as well) or http; user info in
	// the URL authenticates to the proxy, is treated as a secret, and is
	// refused over plain http except to a loopback proxy.
	Proxy *url.URL
	// LocalAddr, when valid, binds every outgoing connection to this local
	// address (the machine's allowlisted address, on a multi-homed host).
	LocalAddr netip.Addr
	// NoEnvironment ignores the proxy environment variables: calls go
	// direct unless Proxy is set.
	NoEnvironment bool
}

func (e Egress) isZero() bool { return e.Proxy == nil && !e.LocalAddr.IsValid() && !e.NoEnvironment }

// egressRoute describes a client's route for the audit event.
type egressRoute struct {
	opaque bool
	proxy  func(*http.Request) (*url.URL, error)
	local  string
}

// describe names the route a call to u takes: "direct", "proxy
// https://proxy:3128" (never the proxy's credentials), with "from ADDR"
// when bound to a local address.
func (r egressRoute) describe(u *url.URL) string {
	if r.opaque {
		return "custom round tripper"
	}
	route := "direct"
	if r.proxy != nil && u != nil {
		if p, err := r.proxy(&http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}}); err == nil && p != nil {
			route = "proxy " + strings.ToLower(p.Scheme) + "://" + p.Host
		}
	}
	if r.local != "" {
		route += " from " + r.local
	}
	return route
}

// apply returns the round tripper that sends calls along e, and its route.
func (e Egress) apply(rt http.RoundTripper, c *Client) (http.RoundTripper, egressRoute, error) {
	ht, ok := rt.(*http.Transport)
	if e.isZero() {
		if !ok {
			return rt, egressRoute{opaque: true}, nil
		}
		return rt, egressRoute{proxy: ht.Proxy}, nil
	}
	if !ok {
		return nil, egressRoute{}, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product,
			Message: fmt.Sprintf("egress options need the base client's Transport to be an *http.Transport, not %T", rt)}
	}
	ht = ht.Clone()
	route := egressRoute{}
	switch {
	case e.Proxy != nil:
		if err := checkProxy(e.Proxy, c); err != nil {
			return nil, egressRoute{}, err
		}
		if pw, ok := e.Proxy.User.Password(); ok {
			c.secrets.Add(pw)
		}
		p := *e.Proxy
		ht.Proxy = http.ProxyURL(&p)
	case e.NoEnvironment:
		ht.Proxy = nil
	}
	route.proxy = ht.Proxy
	if e.LocalAddr.IsValid() {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second,
			LocalAddr: &net.TCPAddr{IP: e.LocalAddr.AsSlice(), Zone: e.LocalAddr.Zone()}}
		ht.DialContext = d.DialContext
		route.local = e.LocalAddr.String()
	}
	return ht, route, nil
}

func checkProxy(p *url.URL, c *Client) error {
	bad := func(msg string) error {
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: "egress proxy: " + msg}
	}
	if p.Host == "" {
		return bad("not an absolute URL")
	}
	switch strings.ToLower(p.Scheme) {
	case "https":
	case "http":
		if p.User != nil && !IsLoopback(p.Hostname()) {
			return bad(fmt.Sprintf("refusing to send proxy credentials in plain http to %s; use an https proxy URL", p.Host))
		}
	default:
		return bad(fmt.Sprintf("unsupported scheme %q (https or http)", p.Scheme))
	}
	return nil
}
