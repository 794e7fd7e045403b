package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// Defaults of Config's zero values.
const (
	DefaultMaxBodyBytes   int64 = 64 << 20
	DefaultMaxStreamBytes int64 = 4 << 30
	DefaultAttemptTimeout       = 2 * time.Minute
)

// Config builds a Client. The zero value of every field is usable.
type Config struct {
	// Product names the connector in errors and audit events.
	Product string
	// HTTPClient is the base client: its Transport, TLS roots, timeouts and
	// jar are used under the stack. nil means a client with a clone of
	// http.DefaultTransport. A client whose TLS config skips certificate
	// verification is refused.
	HTTPClient *http.Client
	// Logger receives one audit event per API call. nil discards.
	Logger *slog.Logger
	// Limiter paces every attempt (retries included). nil means no limit.
	Limiter *rate.Limiter
	// Retry is the retry policy; its zero value gives the defaults.
	Retry RetryPolicy
	// Auth authorizes requests; nil sends them as they are.
	Auth Auth
	// AllowInsecureLoopback lets plain http reach loopback hosts (tests only).
	AllowInsecureLoopback bool
	// MaxBodyBytes caps a buffered response body (default 64 MiB).
	MaxBodyBytes int64
	// MaxStreamBytes caps a streamed response body (default 4 GiB).
	MaxStreamBytes int64
	// AttemptTimeout bounds one attempt: until the headers of a stream, until
	// the whole body of a buffered call (default 2 minutes). The context's
	// deadline bounds the call as a whole.
	AttemptTimeout time.Duration
	// DecodeError refines the error for a response with status >= 400: it
	// receives the error the transport built from the status (code, HTTP
	// status, retryability, Retry-After) and the buffered response, and sets
	// VendorCode, Message, Details and, where the vendor's word demands it,
	// Code and Retryable. The result is scrubbed of secrets afterwards.
	DecodeError func(e *errs.Error, resp *Response) *errs.Error
	// ShouldRetry, if set, is asked about every response before the default
	// rule (retry 429, 502, 503, 504): return decided=false to defer to it.
	ShouldRetry func(resp *http.Response) (retry, decided bool)
	// Observe, if set, sees every attempt's response headers (rate-limit
	// headers such as Sforce-Limit-Info arrive on failures and retries too).
	// It must be fast and must not read the body.
	Observe func(resp *http.Response)
	// Secrets holds the exact secret values to scrub from errors and logs.
	// nil gives the client a set of its own.
	Secrets *redact.Set
	// UserAgent is sent on every request.
	UserAgent string
}

// Client is the one HTTP stack. It is safe for concurrent use.
type Client struct {
	product        string
	rc             *retryablehttp.Client
	auth           Auth
	logger         *slog.Logger
	secrets        *redact.Set
	allowLoopback  bool
	maxBody        int64
	maxStream      int64
	decodeError    func(*errs.Error, *Response) *errs.Error
	shouldRetry    func(*http.Response) (bool, bool)
	retry          RetryPolicy
	userAgent      string
	uaValue        []string
	attemptTimeout time.Duration
}

// New builds a Client. Bad configuration is an INVALID_ARGUMENT error.
func New(cfg Config) (*Client, error) {
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if insecureTLS(base.Transport) {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: cfg.Product,
			Message: "the HTTP client skips TLS certificate verification; refusing to send credentials over it"}
	}
	c := &Client{
		product:        cfg.Product,
		auth:           cfg.Auth,
		secrets:        cfg.Secrets,
		allowLoopback:  cfg.AllowInsecureLoopback,
		maxBody:        cfg.MaxBodyBytes,
		maxStream:      cfg.MaxStreamBytes,
		decodeError:    cfg.DecodeError,
		shouldRetry:    cfg.ShouldRetry,
		retry:          cfg.Retry.withDefaults(),
		userAgent:      cfg.UserAgent,
		attemptTimeout: cfg.AttemptTimeout,
	}
	if c.secrets == nil {
		c.secrets = redact.NewSet()
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.maxStream <= 0 {
		c.maxStream = DefaultMaxStreamBytes
	}
	if c.attemptTimeout <= 0 {
		c.attemptTimeout = DefaultAttemptTimeout
	}
	if c.userAgent == "" {
		c.userAgent = "xlr8-connectors/1"
	}
	c.uaValue = []string{c.userAgent}
	if cfg.Logger != nil {
		c.logger = slog.New(redact.Handler(cfg.Logger.Handler(), c.secrets))
	} else {
		c.logger = redact.Discard
	}
	inner := base.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	hc := *base // shallow copy: the caller's client is not modified
	hc.Transport = &attemptTransport{next: inner, limiter: cfg.Limiter, timeout: c.attemptTimeout, observe: cfg.Observe}
	userRedirect := base.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errRedirect{"stopped after 10 redirects"}
		}
		if err := c.checkScheme(req.URL); err != nil {
			return errRedirect{"refused a redirect to a non-HTTPS URL"}
		}
		if userRedirect != nil {
			return userRedirect(req, via)
		}
		return nil
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil,
		RetryWaitMin: c.retry.MinBackoff,
		RetryWaitMax: c.retry.MaxBackoff,
		RetryMax:     c.retry.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// WithAuth returns a client sharing c's stack (HTTP client, limiter, retry
// policy, logger, secret set) that authorizes with auth. A connector calls
// its token endpoint through c and its API through the returned client.
func (c *Client) WithAuth(auth Auth) *Client {
	cp := *c
	cp.auth = auth
	return &cp
}

// Product returns the product the client was built for.
func (c *Client) Product() string { return c.product }

// Secrets returns the set of secret values the client scrubs.
func (c *Client) Secrets() *redact.Set { return c.secrets }

// Logger returns the client's redacting logger.
func (c *Client) Logger() *slog.Logger { return c.logger }

// Auth returns the client's authorizer, or nil.
func (c *Client) Auth() Auth { return c.auth }

// Request is one API call.
type Request struct {
	Method string
	// URL is absolute; it must be https (or loopback http when allowed).
	URL    string
	Header http.Header
	// Body is sent as is and replayed on every retry.
	Body []byte
	// NoAuth skips the Auth (token endpoints, public discovery calls).
	NoAuth bool
}

// Response is a buffered response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// URL is the final URL (after redirects), for building follow-up links.
	URL *url.URL
	// Attempts is how many attempts the call took.
	Attempts int

	client *Client
}

// Excerpt returns a short, secret-free excerpt of the body for messages.
func (r *Response) Excerpt() string {
	if r == nil {
		return ""
	}
	var set *redact.Set
	if r.client != nil {
		set = r.client.secrets
	}
	return redact.Excerpt(r.Body, set)
}

// Get is Do with method GET and no body.
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	return c.Do(ctx, &Request{Method: http.MethodGet, URL: rawURL, Header: header})
}

// Do sends the request through the stack and buffers the response body. A
// status >= 400 is returned as an *errs.Error (with the Response, so a vendor
// can inspect it); transport failures are *errs.Error too.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	start := time.Now()
	st := &callState{c: c}
	u, err := c.checkURL(r.URL)
	if err != nil {
		c.audit(ctx, r.Method, nil, 0, st, start, err)
		return nil, err
	}
	ctx = context.WithValue(ctx, stateKey{}, st)
	resp, err := c.do(ctx, r, u, st)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	c.audit(ctx, r.Method, u, status, st, start, err)
	return resp, err
}

func (c *Client) do(ctx context.Context, r *Request, u *url.URL, st *callState) (*Response, error) {
	var stamp uint64
	for round := 0; ; round++ {
		hreq, err := c.newHTTPRequest(ctx, r, u)
		if err != nil {
			return nil, err
		}
		if c.auth != nil && !r.NoAuth {
			if stamp, err = c.auth.Apply(ctx, hreq); err != nil {
				return nil, c.authError(err)
			}
		}
		rreq, err := retryablehttp.FromRequest(hreq)
		if err != nil {
			return nil, c.wrapf(errs.CodeInternal, err, "%s %s: building request", r.Method, redact.URL(u))
		}
		if len(r.Body) > 0 {
			if err := rreq.SetBody(r.Body); err != nil {
				return nil, c.wrapf(errs.CodeInternal, err, "%s %s: setting body", r.Method, redact.URL(u))
			}
		}
		st.body, st.read = nil, false
		rreq.SetResponseHandler(st.handle)
		hresp, err := c.rc.Do(rreq)
		if err != nil {
			if hresp != nil && hresp.Body != nil {
				hresp.Body.Close()
			}
			return nil, c.transportError(ctx, r.Method, u, err)
		}
		body := st.body
		if !st.read {
			// The last attempt of a retried status: its body was not read yet.
			body, err = c.readBody(hresp)
			if err != nil {
				return nil, c.transportError(ctx, r.Method, u, err)
			}
		}
		st.bytes += int64(len(body))
		resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: body, URL: hresp.Request.URL,
			Attempts: st.attempts, client: c}
		if resp.StatusCode == http.StatusUnauthorized && round == 0 && c.auth != nil && !r.NoAuth {
			renewed, rerr := c.auth.Renew(ctx, stamp)
			if rerr != nil {
				return resp, c.authError(rerr)
			}
			if renewed {
				continue
			}
		}
		if resp.StatusCode >= 400 {
			return resp, c.statusError(r.Method, u, resp)
		}
		return resp, nil
	}
}

func (c *Client) newHTTPRequest(ctx context.Context, r *Request, u *url.URL) (*http.Request, error) {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	if !validMethod(method) {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: c.product, Message: fmt.Sprintf("invalid HTTP method %q", method)}
	}
	// Built from the URL checkURL already parsed (no second parse). The body
	// is set on the retryable request, which replays it from the caller's
	// bytes on every attempt without copying them.
	cu := *u
	h := make(http.Header, len(r.Header)+1)
	for k, v := range r.Header {
		h[k] = v
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = c.uaValue
	}
	hreq := &http.Request{Method: method, URL: &cu, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Host: cu.Host}
	return hreq.WithContext(ctx), nil
}

// readBody reads a response body under the cap, closing it.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if resp.ContentLength > c.maxBody {
		return nil, &oversizeError{limit: c.maxBody}
	}
	if resp.ContentLength >= 0 {
		// net/http enforces the declared length: a shorter body is an
		// unexpected EOF, a longer one is cut.
		b := make([]byte, resp.ContentLength)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		return b, nil
	}
	var buf bytes.Buffer
	buf.Grow(4096)
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if n > c.maxBody {
		return nil, &oversizeError{limit: c.maxBody}
	}
	return buf.Bytes(), nil
}

func (c *Client) statusError(method string, u *url.URL, resp *Response) *errs.Error {
	e := &errs.Error{
		Code:       errs.CodeForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode,
		Product:    c.product,
		Retryable:  errs.RetryableStatus(resp.StatusCode),
		Message:    fmt.Sprintf("%s %s: HTTP %d", method, redact.URL(u), resp.StatusCode),
	}
	if d, ok := RetryAfter(resp.Header, time.Now()); ok {
		e.RetryAfter = d
		e.Retryable = true
	}
	if c.decodeError != nil {
		if d := c.decodeError(e, resp); d != nil {
			e = d
		}
	}
	if e.VendorCode == "" && e.Message == fmt.Sprintf("%s %s: HTTP %d", method, redact.URL(u), resp.StatusCode) {
		if x := resp.Excerpt(); x != "" {
			kind := "response"
			if IsHTML(resp.Header, resp.Body) {
				kind = "HTML page"
			}
			e.Message += fmt.Sprintf(" (%s: %q)", kind, x)
		}
	}
	e.Product = c.product
	e.HTTPStatus = resp.StatusCode
	c.scrubError(e)
	return e
}

// scrubError masks secrets in every string an error carries.
func (c *Client) scrubError(e *errs.Error) {
	e.Message = c.secrets.Scrub(e.Message)
	e.VendorCode = c.secrets.Scrub(e.VendorCode)
	for k, v := range e.Details {
		switch x := v.(type) {
		case string:
			e.Details[k] = c.secrets.Scrub(x)
		case []string:
			out := make([]string, len(x))
			for i, s := range x {
				out[i] = c.secrets.Scrub(s)
			}
			e.Details[k] = out
		}
		if redact.IsSensitiveKey(k) {
			e.Details[k] = redact.Mask
		}
	}
}

func (c *Client) wrapf(code errs.Code, cause error, format string, args ...any) *errs.Error {
	e := errs.Wrap(code, cause, fmt.Sprintf(format, args...))
	e.Product = c.product
	return e
}

func (c *Client) authError(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		if e.Product == "" {
			e.Product = c.product
		}
		c.scrubError(e)
		return e
	}
	if ce := errs.FromContext(contextErr(err), c.product, "authorizing request"); ce != nil {
		return ce
	}
	return &errs.Error{Code: errs.CodeUnauthenticated, Product: c.product, Message: "authorizing request failed", Err: err}
}

func contextErr(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	return nil
}

func validMethod(m string) bool {
	for _, r := range m {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return m != ""
}

// IsHTML reports whether a response is an HTML page (by header or content).
func IsHTML(h http.Header, body []byte) bool {
	ct := h.Get("Content-Type")
	if len(ct) >= 9 && (bytes.EqualFold([]byte(ct[:9]), []byte("text/html"))) {
		return true
	}
	b := bytes.TrimSpace(body)
	if len(b) > 64 {
		b = b[:64]
	}
	lb := bytes.ToLower(b)
	return bytes.HasPrefix(lb, []byte("<!doctype html")) || bytes.HasPrefix(lb, []byte("<html"))
}
