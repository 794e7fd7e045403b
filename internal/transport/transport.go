package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// Defaults of Config's zero values.
const (
	DefaultMaxBodyBytes    int64 = 64 << 20
	DefaultMaxStreamBytes  int64 = 4 << 30
	DefaultIdleReadTimeout       = 2 * time.Minute
)

// NoTimeout, as Config.AttemptTimeout or Config.IdleReadTimeout, turns that
// timeout off: the caller's context alone bounds the call.
const NoTimeout time.Duration = -1

// Config builds a Client. The zero value of every field is usable.
type Config struct {
	// Product names the connector in errors and audit events.
	Product string
	// HTTPClient is the base client: its Transport, TLS roots, timeouts and
	// jar are used under the stack. nil means a client with a clone of
	// http.DefaultTransport. A client whose TLS config skips certificate
	// verification is refused; see the package documentation for what can
	// be inspected.
	HTTPClient *http.Client
	// Logger receives one audit event per API call. nil discards.
	Logger *slog.Logger
	// Limiter paces every attempt (retries included). nil means no limit.
	Limiter Limiter
	// HostLimiter, when set, paces instead of Limiter: a limiter the host
	// shares as it likes (across processes, for example) wins over the
	// connector's own or default one.
	HostLimiter Limiter
	// Retry is the retry policy; its zero value gives the defaults.
	Retry RetryPolicy
	// Auth authorizes requests; nil sends them as they are.
	Auth Auth
	// Steps are the vendor's request steps (default headers, CSRF renewal),
	// run in order on every call; see Step.
	Steps Steps
	// CookieJar keeps session cookies for this client; nil keeps none
	// (unless the base client has a jar, or a step needs cookies: then the
	// client gets a jar of its own).
	CookieJar http.CookieJar
	// AllowInsecureLoopback lets plain http reach loopback hosts (tests only).
	AllowInsecureLoopback bool
	// MaxBodyBytes caps a buffered response body (default 64 MiB).
	MaxBodyBytes int64
	// MaxStreamBytes caps a streamed response body (default 4 GiB).
	MaxStreamBytes int64
	// AttemptTimeout, when set, bounds one attempt: until the headers of a
	// stream, until the whole body of a buffered call; a stalled attempt is
	// abandoned and retried. The context's deadline bounds the call as a
	// whole; when it comes first, no attempt timer is set. Zero (or
	// NoTimeout) sets no timer per attempt: on the transport New builds when
	// HTTPClient is nil, a connection that receives nothing for
	// DefaultConnIdleTimeout (headers or body) still ends the attempt, as a
	// retryable TIMEOUT; with a base client of the caller's, its own
	// timeouts and the context bound the call.
	AttemptTimeout time.Duration
	// IdleReadTimeout bounds how long a stream's body may go without
	// delivering MinReadBytes (default 2 minutes; NoTimeout turns it off).
	// A stream that stalls ends with a retryable TIMEOUT error.
	IdleReadTimeout time.Duration
	// MinReadBytes is the least a stream must deliver per IdleReadTimeout
	// (default 1: any progress keeps it alive). A larger value also ends a
	// body that trickles.
	MinReadBytes int64
	// DecodeError refines the error for a response with status >= 400: it
	// receives the error the transport built from the status (code, HTTP
	// status, retryability, Retry-After) and the buffered response, and sets
	// VendorCode, Message, Details and, where the vendor's word demands it,
	// Code and Retryable. The result is bounded and scrubbed of secrets
	// afterwards.
	DecodeError func(e *errs.Error, resp *Response) *errs.Error
	// ShouldRetry, if set, is asked about every response of a read before
	// the default rule (retry 429, 502, 503, 504): return decided=false to
	// defer to it. Writes are not asked: see NotProcessed.
	ShouldRetry func(resp *http.Response) (retry, decided bool)
	// NotProcessed, if set, reports whether a failed response proves that
	// the server did not process the request (a vendor that documents its
	// 429, or its 503 with Retry-After, as refused before any work: see
	// RetryAfterNotProcessed). Only then is a write retried after a
	// response. nil: no response proves it.
	NotProcessed func(resp *http.Response) bool
	// Observe, if set, sees every attempt's response headers (rate-limit
	// headers such as Sforce-Limit-Info arrive on failures and retries too).
	// It must be fast and must not read the body.
	Observe func(resp *http.Response)
	// Secrets holds the exact secret values to scrub from errors and logs.
	// nil gives the client a set of its own.
	Secrets *redact.Set
	// UserAgent is sent on every request.
	UserAgent string
	// Egress routes every call (IP allowlisting); its zero value sends calls
	// as the base client does, honouring HTTPS_PROXY, HTTP_PROXY and
	// NO_PROXY when the base transport is net/http's default.
	Egress Egress
}

// Client is the one HTTP stack. It is safe for concurrent use.
type Client struct {
	product        string
	rc             *retryablehttp.Client
	auth           Auth
	steps          Steps
	logger         *slog.Logger
	secrets        *redact.Set
	allowLoopback  bool
	maxBody        int64
	maxStream      int64
	decodeError    func(*errs.Error, *Response) *errs.Error
	shouldRetry    func(*http.Response) (bool, bool)
	notProcessed   func(*http.Response) bool
	retry          RetryPolicy
	userAgent      string
	uaValue        []string
	attemptTimeout time.Duration
	egress         egressRoute
}

// New builds a Client. Bad configuration is an INVALID_ARGUMENT error.
func New(cfg Config) (*Client, error) {
	base := cfg.HTTPClient
	own := base == nil
	if own {
		base = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	inner := base.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	if insecureTLS(inner) {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: cfg.Product,
			Message: "the HTTP client skips TLS certificate verification; refusing to send credentials over it"}
	}
	c := &Client{
		product:        cfg.Product,
		auth:           cfg.Auth,
		steps:          cfg.Steps,
		secrets:        cfg.Secrets,
		allowLoopback:  cfg.AllowInsecureLoopback,
		maxBody:        cfg.MaxBodyBytes,
		maxStream:      cfg.MaxStreamBytes,
		decodeError:    cfg.DecodeError,
		shouldRetry:    cfg.ShouldRetry,
		notProcessed:   cfg.NotProcessed,
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
	if c.attemptTimeout < 0 {
		c.attemptTimeout = 0
	}
	idle, minRead := cfg.IdleReadTimeout, cfg.MinReadBytes
	switch {
	case idle == 0:
		idle = DefaultIdleReadTimeout
	case idle < 0:
		idle = 0
	}
	if minRead <= 0 {
		minRead = 1
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
	inner, route, err := cfg.Egress.apply(inner, c)
	if err != nil {
		return nil, err
	}
	c.egress = route
	if t, ok := inner.(*http.Transport); ok && own {
		// Our own transport (after the egress options, which may have set
		// the dialer): stalls are bounded per connection, headers and body
		// reads, so that no attempt needs a timer of its own.
		dial := t.DialContext
		if dial == nil {
			dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		t.DialContext = idleDialer(dial, connIdleTimeout)
		t.ResponseHeaderTimeout = connIdleTimeout
	}
	hc := *base // shallow copy: the caller's client is not modified
	if cfg.CookieJar != nil {
		hc.Jar = cfg.CookieJar
	}
	if hc.Jar == nil && c.steps.needsCookies() {
		hc.Jar = newJar()
	}
	hc.Transport = &attemptTransport{next: inner, limiter: pickLimiter(cfg.HostLimiter, cfg.Limiter), timeout: c.attemptTimeout,
		idle: idle, minRead: minRead, observe: cfg.Observe}
	userRedirect := base.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if userRedirect != nil {
			return userRedirect(req, via)
		}
		return nil
	}
	c.rc = c.retryClient(&hc)
	return c, nil
}

// retryClient builds the retry loop over hc: our CheckRetry and Backoff,
// its logger off, its final response kept.
func (c *Client) retryClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil,
		RetryWaitMin: c.retry.MinBackoff,
		RetryWaitMax: c.retry.MaxBackoff,
		RetryMax:     c.retry.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
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
	// Idempotent marks a request that may be sent twice although its
	// method changes things: a POST that is a read (UKG WFM's multi_read, an
	// OData $batch of GETs) or a write carrying the vendor's idempotency
	// key. GET, HEAD, OPTIONS, and requests with an Idempotency-Key or
	// X-Idempotency-Key header, are idempotent without it. Any other request
	// is retried only when it provably never reached the server.
	Idempotent bool
	// NoRedirects refuses every redirect (token endpoints: PostForm and
	// FetchToken set it).
	NoRedirects bool
	// Write marks a request that changes something whatever its method (a
	// GET that triggers an action): it is treated as a POST is. Idempotent
	// wins over it.
	Write bool
}

// idempotent reports whether the request may be repeated.
func (r *Request) idempotent() bool {
	if r.Idempotent {
		return true
	}
	if r.Write {
		return false
	}
	switch r.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	if r.Header != nil {
		if _, ok := r.Header["Idempotency-Key"]; ok {
			return true
		}
		if _, ok := r.Header["X-Idempotency-Key"]; ok {
			return true
		}
	}
	return false
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
	buf    *[]byte // Body's pooled buffer, until Release
}

// Release returns the body's buffer to the pool the transport reads bodies
// into, and clears Body. Call it once the body is decoded and nothing refers
// to its bytes any more (strings decoded by encoding/json are copies); the
// buffer is reused by a later call. Release is optional (an unreleased
// buffer is garbage collected) and safe to call twice.
func (r *Response) Release() {
	if r == nil || r.buf == nil {
		return
	}
	putBuf(r.buf)
	r.buf, r.Body = nil, nil
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
	st.init(r, u)
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
	var rs replayState
	for {
		hreq, hresp, err := c.roundTrip(ctx, r, u, st, &rs)
		if err != nil {
			return nil, err
		}
		body, buf := st.body, st.buf
		st.body, st.buf = nil, nil
		if !st.read {
			// The last attempt of a retried status: its body was not read yet.
			body, buf, err = c.readBody(hresp)
			if err != nil {
				return nil, c.transportError(ctx, r.Method, u, err)
			}
		}
		st.bytes += int64(len(body))
		resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: body, URL: hresp.Request.URL,
			Attempts: st.attempts, client: c, buf: buf}
		if resp.StatusCode >= 400 {
			replay, rerr := c.renew(ctx, r, hreq, resp, &rs)
			if rerr != nil {
				return resp, rerr
			}
			if replay {
				resp.Release()
				continue
			}
			return resp, c.statusError(r.Method, u, resp, st)
		}
		return resp, nil
	}
}

// replayState tracks which renewals a call has used: the Auth's one renewal
// after a 401 and each step's one replay.
type replayState struct {
	stamp     uint64
	authDone  bool
	stepsDone uint64
}

// roundTrip runs one round of a call: the steps' edits, the Auth, and the
// retry loop. Its error is already an *errs.Error.
func (c *Client) roundTrip(ctx context.Context, r *Request, u *url.URL, st *callState, rs *replayState) (*http.Request, *http.Response, error) {
	hreq, err := c.newHTTPRequest(ctx, r, u)
	if err != nil {
		return nil, nil, err
	}
	for _, step := range c.steps.list {
		if step.Edit != nil {
			if err := step.Edit(ctx, hreq); err != nil {
				return nil, nil, c.stepError(step.Name, err)
			}
		}
	}
	if c.auth != nil && !r.NoAuth {
		if rs.stamp, err = c.auth.Apply(ctx, hreq); err != nil {
			return nil, nil, c.authError(err)
		}
	}
	rreq, err := retryablehttp.FromRequest(hreq)
	if err == nil && len(r.Body) > 0 {
		err = rreq.SetBody(r.Body)
	}
	if err != nil {
		return nil, nil, c.wrapf(errs.CodeInternal, err, "%s %s: building request", r.Method, redact.URL(u))
	}
	st.body, st.buf, st.read = nil, nil, false
	if !st.stream {
		rreq.SetResponseHandler(st.handle)
	}
	hresp, err := c.rc.Do(rreq)
	if err != nil {
		if hresp != nil && hresp.Body != nil {
			hresp.Body.Close()
		}
		return nil, nil, c.transportError(ctx, r.Method, u, err)
	}
	return hreq, hresp, nil
}

// renew decides whether a failed round is replayed: after a 401 the Auth
// renews once; then each step's Renew may ask for one replay.
func (c *Client) renew(ctx context.Context, r *Request, sent *http.Request, resp *Response, rs *replayState) (bool, error) {
	if resp.StatusCode == http.StatusUnauthorized && !rs.authDone && c.auth != nil && !r.NoAuth {
		rs.authDone = true
		renewed, err := c.auth.Renew(ctx, rs.stamp)
		if err != nil {
			return false, c.authError(err)
		}
		if renewed {
			return true, nil
		}
	}
	var x *Exchange
	for i, step := range c.steps.list {
		if step.Renew == nil || rs.stepsDone&(1<<i) != 0 {
			continue
		}
		if x == nil {
			x = &Exchange{Client: c, Request: r, Sent: sent, Response: resp}
		}
		replay, err := step.Renew(ctx, x)
		if err != nil {
			return false, c.stepError(step.Name, err)
		}
		if replay {
			rs.stepsDone |= 1 << i
			return true, nil
		}
	}
	return false, nil
}

func (c *Client) stepError(name string, err error) error {
	return c.hookError(err, "request step "+name, errs.CodeInternal, "request step "+name+" failed")
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
	// The parsed URL is shared by every round unless a step may edit it.
	cu := u
	if len(c.steps.list) > 0 {
		cp := *u
		cu = &cp
	}
	h := make(http.Header, len(r.Header)+1)
	for k, v := range r.Header {
		h[k] = v
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = c.uaValue
	}
	hreq := &http.Request{Method: method, URL: cu, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Host: cu.Host}
	return hreq.WithContext(ctx), nil
}

// readBody reads a response body under the cap into a pooled buffer that
// grows as bytes arrive (a declared Content-Length is checked against the
// cap but never allocated up front), closing the body.
func (c *Client) readBody(resp *http.Response) ([]byte, *[]byte, error) {
	defer resp.Body.Close()
	if resp.ContentLength > c.maxBody {
		return nil, nil, &oversizeError{limit: c.maxBody}
	}
	return readPooled(resp.Body, c.maxBody, resp.ContentLength)
}

// outcomeUnknown is appended to the message of a write that failed in a way
// that does not tell whether the server processed it.
const outcomeUnknown = "; the outcome is unknown (the server may have processed the request), so it was not repeated"

func (c *Client) statusError(method string, u *url.URL, resp *Response, st *callState) *errs.Error {
	base := fmt.Sprintf("%s %s: HTTP %d", method, redact.URL(u), resp.StatusCode)
	e := &errs.Error{
		Code:       errs.CodeForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode,
		Product:    c.product,
		Retryable:  errs.RetryableStatus(resp.StatusCode),
		Message:    base,
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
	if e.VendorCode == "" && e.Message == base {
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
	if st != nil && !st.idempotent && c.writeOutcomeUnknown(resp) {
		e.Retryable = false
		e.Message += outcomeUnknown
		e = e.WithDetail("outcome", "unknown")
	}
	return e
}

// writeOutcomeUnknown reports whether a failed response leaves a write's
// outcome unknown: a server error or timeout, or a 429 the vendor does not
// document as refused before processing. Other 4xx were refused.
func (c *Client) writeOutcomeUnknown(resp *Response) bool {
	s := resp.StatusCode
	if s < 500 && s != http.StatusTooManyRequests && s != http.StatusRequestTimeout {
		return false
	}
	if c.notProcessed != nil && c.notProcessed(&http.Response{StatusCode: s, Header: resp.Header}) {
		return false
	}
	return true
}

// scrubError bounds and masks secrets in every string an error carries: a
// vendor's message or detail is cut to errs.MaxQuoted bytes (a margin first,
// so that scrubbing a huge message stays cheap, then exactly after the
// scrub, so that a secret crossing the cut is masked whole).
func (c *Client) scrubError(e *errs.Error) {
	e.Message = c.scrubBounded(e.Message)
	e.VendorCode = c.scrubBounded(e.VendorCode)
	for k, v := range e.Details {
		switch x := v.(type) {
		case string:
			e.Details[k] = c.scrubBounded(x)
		case []string:
			n := len(x)
			if n > errs.MaxQuotedItems {
				n = errs.MaxQuotedItems
			}
			out := make([]string, n)
			for i, s := range x[:n] {
				out[i] = c.scrubBounded(s)
			}
			e.Details[k] = out
		}
		if redact.IsSensitiveKey(k) {
			e.Details[k] = redact.Mask
		}
	}
}

func (c *Client) scrubBounded(s string) string {
	return errs.Bound(c.secrets.Scrub(errs.PreBound(s)))
}

func (c *Client) wrapf(code errs.Code, cause error, format string, args ...any) *errs.Error {
	e := errs.Wrap(code, cause, fmt.Sprintf(format, args...))
	e.Product = c.product
	return e
}

func (c *Client) authError(err error) error {
	return c.hookError(err, "authorizing request", errs.CodeUnauthenticated, "authorizing request failed")
}

// hookError types the failure of a hook (the Auth, a step): an *errs.Error
// keeps its code and gets the product and a scrub; a context error says
// canceled or deadline; anything else is code with msg.
func (c *Client) hookError(err error, what string, code errs.Code, msg string) error {
	var e *errs.Error
	if errors.As(err, &e) {
		if e.Product == "" {
			e.Product = c.product
		}
		c.scrubError(e)
		return e
	}
	if ce := errs.FromContext(contextErr(err), c.product, what); ce != nil {
		return ce
	}
	return &errs.Error{Code: code, Product: c.product, Message: msg, Err: err}
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
