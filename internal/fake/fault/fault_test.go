package fault

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func serve(f *Injector, n int) []int {
	h := f.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "{}") }))
	var codes []int
	for i := 0; i < n; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
		codes = append(codes, rec.Code)
	}
	return codes
}

func TestSeededRatesRepeat(t *testing.T) {
	a, b := New(42), New(42)
	for _, f := range []*Injector{a, b} {
		f.SetRate(RateLimit, 0.3)
		f.SetRate(ServerError, 0.2)
	}
	ca, cb := serve(a, 200), serve(b, 200)
	for i := range ca {
		if ca[i] != cb[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, ca[i], cb[i])
		}
	}
	if a.Injected(RateLimit) == 0 || a.Injected(ServerError) == 0 || a.Injected(RateLimit) == 200 {
		t.Errorf("rates did not fire as configured: %d, %d", a.Injected(RateLimit), a.Injected(ServerError))
	}
}

func TestNextQueueAndEligibility(t *testing.T) {
	f := New(1)
	f.Eligible = func(r *http.Request) bool { return r.URL.Path != "/token" }
	f.Next(Unavailable, 2)
	f.Next(HTML, 1)
	rec := httptest.NewRecorder()
	f.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("POST", "/token", nil))
	if rec.Code != 404 || f.Pending() != 3 {
		t.Errorf("an ineligible request took a fault: %d, %d pending", rec.Code, f.Pending())
	}
	got := serve(f, 4)
	if want := []int{503, 503, 200, 200}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("codes %v, want %v (HTML is a 200 page)", got, want)
	}
	if f.Injected(HTML) != 1 || f.Pending() != 0 {
		t.Errorf("HTML fired %d times, %d pending", f.Injected(HTML), f.Pending())
	}
	f.SetRate(RateLimit, 1)
	f.Clear()
	if c := serve(f, 1); c[0] != 200 {
		t.Errorf("Clear left a rate: %v", c)
	}
}
