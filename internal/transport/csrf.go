package transport

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// CSRFConfig configures the CSRF step. The zero value speaks SAP Gateway's
// protocol: header X-CSRF-Token, a token fetched with the value "Fetch" and
// demanded with "Required" on a 403.
type CSRFConfig struct {
	// Name of the step (default "csrf").
	Name string
	// Header carries the token (default "X-CSRF-Token").
	Header string
	// FetchURL returns the URL to fetch a token from for a request to u
	// (default: u without its query; SAP accepts any URL of the service, the
	// service root is the usual choice).
	FetchURL func(u *url.URL) string
}

// CSRF returns a step for servers that demand an anti-CSRF token on writes
// (SAP Gateway, OData services on SAP BTP). Every request with a method
// other than GET, HEAD or OPTIONS carries the session's token once there is
// one. When the server answers 403 with "X-CSRF-Token: Required", the step
// fetches a token (HEAD with "X-CSRF-Token: Fetch", or GET when the server
// refuses HEAD with 405 or 501) through the same client, so with the same
// session cookies, and the request is replayed once with it. Concurrent
// writes that hit "Required" together share one fetch.
//
// The token belongs to the session its cookies name, so the step sets
// Cookies: the client keeps a jar of its own, and the token and cookies are
// renewed together. Make one step per connector (the step holds the token).
func CSRF(cfg CSRFConfig) Step {
	if cfg.Name == "" {
		cfg.Name = "csrf"
	}
	if cfg.Header == "" {
		cfg.Header = "X-CSRF-Token"
	}
	cfg.Header = http.CanonicalHeaderKey(cfg.Header)
	if cfg.FetchURL == nil {
		cfg.FetchURL = func(u *url.URL) string {
			cu := *u
			cu.RawQuery, cu.Fragment = "", ""
			return cu.String()
		}
	}
	s := &csrfState{cfg: cfg}
	return Step{Name: cfg.Name, Edit: s.edit, Renew: s.renew, Cookies: true}
}

type csrfState struct {
	cfg CSRFConfig

	mu       sync.Mutex
	token    string
	inflight *csrfFlight
}

type csrfFlight struct {
	done chan struct{}
	err  error
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == ""
}

func (s *csrfState) edit(_ context.Context, req *http.Request) error {
	if safeMethod(req.Method) {
		return nil
	}
	if _, ok := req.Header[s.cfg.Header]; ok {
		return nil
	}
	s.mu.Lock()
	tok := s.token
	s.mu.Unlock()
	if tok != "" {
		req.Header[s.cfg.Header] = []string{tok}
	}
	return nil
}

func (s *csrfState) renew(ctx context.Context, x *Exchange) (bool, error) {
	if x.Response.StatusCode != http.StatusForbidden || safeMethod(x.Sent.Method) ||
		!strings.EqualFold(strings.TrimSpace(x.Response.Header.Get(s.cfg.Header)), "Required") {
		return false, nil
	}
	used := x.Sent.Header.Get(s.cfg.Header)
	if strings.EqualFold(used, "Fetch") {
		return false, nil
	}
	s.mu.Lock()
	if s.token != "" && s.token != used {
		// Another call renewed the token since this one was sent.
		s.mu.Unlock()
		return true, nil
	}
	f := s.inflight
	if f == nil {
		f = &csrfFlight{done: make(chan struct{})}
		s.inflight = f
		s.token = ""
		s.mu.Unlock()
		tok, err := s.fetch(ctx, x.Client, x.Sent.URL)
		s.mu.Lock()
		if err == nil {
			s.token = tok
		}
		f.err = err
		s.inflight = nil
		s.mu.Unlock()
		close(f.done)
	} else {
		s.mu.Unlock()
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return false, errs.FromContext(ctx.Err(), x.Client.product, "waiting for a CSRF token")
	}
	if f.err != nil {
		return false, f.err
	}
	return true, nil
}

// fetch asks the server for a token, with HEAD first and GET when HEAD is
// refused.
func (s *csrfState) fetch(ctx context.Context, c *Client, u *url.URL) (string, error) {
	target := s.cfg.FetchURL(u)
	var last *errs.Error
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		resp, err := c.Do(ctx, &Request{Method: method, URL: target,
			Header: http.Header{s.cfg.Header: {"Fetch"}}})
		if err != nil {
			e := errs.As(err, c.product)
			if resp != nil && method == http.MethodHead &&
				(resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented) {
				last = e
				continue
			}
			return "", e
		}
		tok := strings.TrimSpace(resp.Header.Get(s.cfg.Header))
		if tok == "" || strings.EqualFold(tok, "Required") || strings.EqualFold(tok, "Fetch") {
			where := "the CSRF fetch URL"
			if resp.URL != nil {
				where = redact.URL(resp.URL)
			}
			return "", &errs.Error{Code: errs.CodePermissionDenied, Product: c.product,
				Message: method + " " + where + ": the server sent no " + s.cfg.Header + " token"}
		}
		resp.Release()
		c.secrets.Add(tok)
		return tok, nil
	}
	return "", last
}
