package fault

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Kind is a fault.
type Kind string

// The faults.
const (
	// RateLimit answers 429 with Retry-After.
	RateLimit Kind = "rate_limit"
	// ServerError answers 500.
	ServerError Kind = "server_error"
	// Unavailable answers 503 with Retry-After.
	Unavailable Kind = "unavailable"
	// Reset sends the real response's headers and half its body, then cuts
	// the connection.
	Reset Kind = "reset"
	// Stall sends nothing until the client gives up (or StallFor passes).
	Stall Kind = "stall"
	// Malformed answers 200 with a garbled JSON body.
	Malformed Kind = "malformed"
	// Truncated answers 200 with the real body cut in half, HTTP-complete
	// (Content-Length matches), so only the body's syntax gives it away.
	Truncated Kind = "truncated"
	// HTML answers 200 with an HTML maintenance page.
	HTML Kind = "html"
	// Oversized answers 200 with a JSON body of OversizeBytes.
	Oversized Kind = "oversized"
	// Unauthorized answers 401, as when the access token expired.
	Unauthorized Kind = "unauthorized"
)

// Kinds lists every fault.
func Kinds() []Kind {
	return []Kind{RateLimit, ServerError, Unavailable, Reset, Stall, Malformed, Truncated, HTML, Oversized, Unauthorized}
}

// Injector injects faults. Configure it before or between requests; it is
// safe for concurrent use.
type Injector struct {
	mu     sync.Mutex
	rng    *rand.Rand
	rates  map[Kind]float64
	queue  []Kind
	counts map[Kind]int
	stop   chan struct{}

	// RetryAfter is the Retry-After value sent with 429 and 503 ("1").
	RetryAfter string
	// StallFor bounds a stall (default 30s).
	StallFor time.Duration
	// OversizeBytes is the size of an oversized body (default 2 MiB).
	OversizeBytes int
	// Eligible, if set, limits faults to the requests it accepts (a fake
	// keeps its token endpoint out of data faults, for example).
	Eligible func(*http.Request) bool
	// Respond, if set for a kind, writes that fault in the vendor's shape
	// (Salesforce's rate limit is a 403 with an error array, say).
	Respond map[Kind]http.HandlerFunc
}

// New returns an injector drawing from a random source seeded with seed.
func New(seed uint64) *Injector {
	return &Injector{
		rng:           rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		rates:         map[Kind]float64{},
		counts:        map[Kind]int{},
		stop:          make(chan struct{}),
		RetryAfter:    "1",
		StallFor:      30 * time.Second,
		OversizeBytes: 2 << 20,
		Respond:       map[Kind]http.HandlerFunc{},
	}
}

// Next makes the next n eligible requests fail with kind, after any faults
// already queued.
func (f *Injector) Next(kind Kind, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		f.queue = append(f.queue, kind)
	}
}

// SetRate makes each eligible request fail with kind with probability p.
func (f *Injector) SetRate(kind Kind, p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p <= 0 {
		delete(f.rates, kind)
		return
	}
	f.rates[kind] = p
}

// Clear drops every queued fault and rate.
func (f *Injector) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = nil
	f.rates = map[Kind]float64{}
}

// Pending returns the number of queued faults.
func (f *Injector) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

// Injected returns how many times kind fired.
func (f *Injector) Injected(kind Kind) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[kind]
}

// Close ends every stall in progress; call it before closing the server.
func (f *Injector) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.stop:
	default:
		close(f.stop)
	}
}

// pick returns the fault for a request, or "".
func (f *Injector) pick(r *http.Request) Kind {
	if f.Eligible != nil && !f.Eligible(r) {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var k Kind
	if len(f.queue) > 0 {
		k, f.queue = f.queue[0], f.queue[1:]
	} else {
		for _, kind := range Kinds() { // fixed order, so a seed repeats
			if p := f.rates[kind]; p > 0 && f.rng.Float64() < p {
				k = kind
				break
			}
		}
	}
	if k != "" {
		f.counts[k]++
	}
	return k
}

// Middleware wraps a fake's handler.
func (f *Injector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := f.pick(r)
		if kind == "" {
			next.ServeHTTP(w, r)
			return
		}
		if h := f.Respond[kind]; h != nil {
			h(w, r)
			return
		}
		f.serve(kind, w, r, next)
	})
}

func (f *Injector) serve(kind Kind, w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch kind {
	case RateLimit:
		w.Header().Set("Retry-After", f.RetryAfter)
		writeJSON(w, http.StatusTooManyRequests, `{"error":"rate_limited","message":"Too many requests"}`)
	case ServerError:
		writeJSON(w, http.StatusInternalServerError, `{"error":"internal","message":"Internal server error"}`)
	case Unavailable:
		w.Header().Set("Retry-After", f.RetryAfter)
		writeJSON(w, http.StatusServiceUnavailable, `{"error":"unavailable","message":"Service unavailable"}`)
	case Unauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, `{"error":"invalid_token","message":"The access token expired"}`)
	case Malformed:
		writeJSON(w, http.StatusOK, `{"data": [{"id": "x",, "name": }`+"\x00")
	case HTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Scheduled Maintenance</title></head><body><h1>We'll be back soon</h1><p>The service is down for maintenance.</p></body></html>"))
	case Oversized:
		var b bytes.Buffer
		b.Grow(f.OversizeBytes + 64)
		b.WriteString(`{"data":[`)
		for b.Len() < f.OversizeBytes {
			b.WriteString(`{"id":"padding-padding-padding-padding"},`)
		}
		b.WriteString(`{"id":"end"}]}`)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b.Bytes())
	case Stall:
		t := time.NewTimer(f.StallFor)
		defer t.Stop()
		select {
		case <-t.C:
			writeJSON(w, http.StatusGatewayTimeout, `{"error":"timeout"}`)
		case <-r.Context().Done():
			// The client gave up. Returning would make net/http send an
			// implicit empty 200; a stalled server never answers, so the
			// connection is cut instead.
			panic(http.ErrAbortHandler)
		case <-f.stop:
			panic(http.ErrAbortHandler)
		}
	case Reset, Truncated:
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		half := body[:len(body)/2]
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if kind == Truncated {
			w.Header().Set("Content-Length", strconv.Itoa(len(half)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(half)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(half)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // the server closes the connection mid-body
	default:
		writeJSON(w, http.StatusInternalServerError, fmt.Sprintf(`{"error":"unknown fault %q"}`, kind))
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
