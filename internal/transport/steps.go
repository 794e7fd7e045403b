package transport

import (
	"context"
	"net/http"
	"net/http/cookiejar"

	"github.com/xlr8/connectors/internal/errs"
)

// Step is one named step of a client's request pipeline: the place for what
// one vendor needs on every call (default headers, an app key, a CSRF token)
// without a branch in the transport. Steps run in their order in Steps.
//
// Edit, if set, changes the request of every round before the Auth puts its
// credentials on it; it runs once per round (a replay runs it again), not
// once per retry attempt, and must not read or replace the body.
//
// Renew, if set, sees the final response of a round whose status is >= 400,
// before it becomes an error (the 401 renewal of the Auth comes first). It
// may do what the vendor asks for (fetch a CSRF token through x.Client) and
// return true to have the request replayed once: each step replays a call
// at most once. Returning false leaves the response to the next step and
// then to the error mapping; an error ends the call with that error.
type Step struct {
	// Name identifies the step in Steps; it must be unique and non-empty.
	Name string
	// Edit edits an outgoing request.
	Edit func(ctx context.Context, req *http.Request) error
	// Renew reacts to a vendor-chosen failure; see the type's comment.
	Renew func(ctx context.Context, x *Exchange) (replay bool, err error)
	// Cookies says the step depends on session cookies: a client given this
	// step gets a cookie jar of its own if it has none.
	Cookies bool
}

// Exchange is what a step's Renew sees of one round of a call.
type Exchange struct {
	// Client is the client making the call: a renewal request (a token
	// fetch) sent through it shares its cookies, Auth, limiter and steps.
	Client *Client
	// Request is the call as its caller made it.
	Request *Request
	// Sent is the request of this round as it was sent (after every Edit
	// and the Auth). Its body has been consumed.
	Sent *http.Request
	// Response is the round's final response, body buffered (for a stream,
	// the error body read under MaxBodyBytes).
	Response *Response
}

// Steps is an ordered list of named steps, edited by name (the idea of
// aws-sdk-go-v2's middleware stack): a vendor adds its steps, and a host or
// a test can insert one before or after a named step, or remove one. The
// zero value is an empty list.
type Steps struct {
	list []Step
}

// NewSteps returns a list holding steps in order; a bad or repeated name is
// an INVALID_ARGUMENT error.
func NewSteps(steps ...Step) (Steps, error) {
	var s Steps
	for _, st := range steps {
		if err := s.Add(st); err != nil {
			return Steps{}, err
		}
	}
	return s, nil
}

// Add appends a step.
func (s *Steps) Add(st Step) error { return s.insert(st, len(s.list)) }

// InsertBefore puts st just before the step named rel.
func (s *Steps) InsertBefore(rel string, st Step) error {
	i := s.index(rel)
	if i < 0 {
		return errs.Newf(errs.CodeInvalidArgument, "transport: no step named %q to insert %q before", rel, st.Name)
	}
	return s.insert(st, i)
}

// InsertAfter puts st just after the step named rel.
func (s *Steps) InsertAfter(rel string, st Step) error {
	i := s.index(rel)
	if i < 0 {
		return errs.Newf(errs.CodeInvalidArgument, "transport: no step named %q to insert %q after", rel, st.Name)
	}
	return s.insert(st, i+1)
}

// Replace swaps the step of the same name for st.
func (s *Steps) Replace(st Step) error {
	i := s.index(st.Name)
	if i < 0 {
		return errs.Newf(errs.CodeInvalidArgument, "transport: no step named %q to replace", st.Name)
	}
	s.list = append([]Step(nil), s.list...)
	s.list[i] = st
	return nil
}

// Remove drops the step named name and reports whether there was one.
func (s *Steps) Remove(name string) bool {
	i := s.index(name)
	if i < 0 {
		return false
	}
	list := make([]Step, 0, len(s.list)-1)
	list = append(list, s.list[:i]...)
	s.list = append(list, s.list[i+1:]...)
	return true
}

// Names lists the steps in order.
func (s *Steps) Names() []string {
	out := make([]string, len(s.list))
	for i, st := range s.list {
		out[i] = st.Name
	}
	return out
}

// Len returns the number of steps.
func (s *Steps) Len() int { return len(s.list) }

func (s *Steps) index(name string) int {
	for i, st := range s.list {
		if st.Name == name {
			return i
		}
	}
	return -1
}

func (s *Steps) insert(st Step, at int) error {
	if st.Name == "" {
		return errs.New(errs.CodeInvalidArgument, "transport: a step needs a name")
	}
	if st.Edit == nil && st.Renew == nil {
		return errs.Newf(errs.CodeInvalidArgument, "transport: step %q has neither Edit nor Renew", st.Name)
	}
	if s.index(st.Name) >= 0 {
		return errs.Newf(errs.CodeInvalidArgument, "transport: a step named %q is already in the list", st.Name)
	}
	if len(s.list) >= maxSteps {
		return errs.Newf(errs.CodeInvalidArgument, "transport: more than %d steps", maxSteps)
	}
	// Copy on write: a Steps copied out of a client never edits the
	// client's list.
	list := make([]Step, 0, len(s.list)+1)
	list = append(list, s.list[:at]...)
	list = append(list, st)
	s.list = append(list, s.list[at:]...)
	return nil
}

// maxSteps bounds the list so that a call's replays stay bounded and can be
// tracked in one word.
const maxSteps = 32

func (s *Steps) needsCookies() bool {
	for _, st := range s.list {
		if st.Cookies {
			return true
		}
	}
	return false
}

// Steps returns a copy of the client's steps.
func (c *Client) Steps() Steps { return c.steps }

// WithSteps returns a client sharing c's stack whose steps are c's edited by
// each edit in turn (for example func(s *Steps) error { return s.Add(step) }).
// If a step needs cookies and c has no jar, the returned client gets a
// fresh one of its own.
func (c *Client) WithSteps(edits ...func(*Steps) error) (*Client, error) {
	steps := c.steps
	for _, edit := range edits {
		if err := edit(&steps); err != nil {
			e := errs.As(err, c.product)
			if e.Product == "" {
				e.Product = c.product
			}
			return nil, e
		}
	}
	cp := *c
	cp.steps = steps
	if steps.needsCookies() && cp.Jar() == nil {
		return cp.WithCookieJar(nil), nil
	}
	return &cp, nil
}

// AddSteps is an edit for WithSteps that appends steps in order.
func AddSteps(steps ...Step) func(*Steps) error {
	return func(s *Steps) error {
		for _, st := range steps {
			if err := s.Add(st); err != nil {
				return err
			}
		}
		return nil
	}
}

// WithCookieJar returns a client sharing c's stack that keeps session
// cookies in jar (nil: a new in-memory jar of its own). Cookies are sent
// and stored per attempt and across same-origin redirects, as net/http does;
// a connector that needs a session (SAP's CSRF token is bound to one) gives
// its client its own jar, so that sessions never mix between connectors.
func (c *Client) WithCookieJar(jar http.CookieJar) *Client {
	if jar == nil {
		jar = newJar()
	}
	cp := *c
	hc := *c.rc.HTTPClient
	hc.Jar = jar
	cp.rc = cp.retryClient(&hc)
	return &cp
}

// Jar returns the client's cookie jar, or nil.
func (c *Client) Jar() http.CookieJar { return c.rc.HTTPClient.Jar }

func newJar() http.CookieJar {
	// cookiejar.New returns an error never (Go 1.26), whatever its options.
	jar, _ := cookiejar.New(nil)
	return jar
}

// DefaultHeaders returns a step that sets each header of h on every request
// that does not already carry it (Oracle's REST-Framework-Version, an
// Accept the vendor requires).
func DefaultHeaders(name string, h http.Header) Step {
	canon := make(http.Header, len(h))
	for k, v := range h {
		canon[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	h = canon
	return Step{Name: name, Edit: func(_ context.Context, req *http.Request) error {
		for k, v := range h {
			if _, ok := req.Header[k]; !ok {
				req.Header[k] = v
			}
		}
		return nil
	}}
}
