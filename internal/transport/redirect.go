package transport

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// origin returns u's origin, scheme://host:port, with the default port made
// explicit and the host lower-cased, so that equal origins compare equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// checkRedirect holds redirects to the call's origin (scheme, host and
// port): a redirect elsewhere is refused before anything (a body, the
// Authorization header, a cookie) is sent there. Calls marked NoRedirects
// (token endpoints) follow none.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	from := ""
	if len(via) > 0 {
		from = origin(via[0].URL)
	}
	st := stateFrom(req.Context())
	if st != nil && st.u != nil {
		from = origin(st.u)
	}
	to := origin(req.URL)
	if st != nil && st.noRedirect {
		return errRedirect{msg: fmt.Sprintf("refused a redirect from %s to %s: this endpoint follows no redirects", from, to),
			from: from, to: to}
	}
	if len(via) >= 10 {
		return errRedirect{msg: "stopped after 10 redirects", from: from, to: to}
	}
	if to != from {
		return errRedirect{msg: fmt.Sprintf("refused a redirect from origin %s to origin %s: redirects stay within the origin", from, to),
			from: from, to: to}
	}
	if err := c.checkScheme(req.URL); err != nil {
		return errRedirect{msg: "refused a redirect to a non-HTTPS URL", from: from, to: to}
	}
	return nil
}
