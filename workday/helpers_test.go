package workday_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/fake/fault"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// wire is the simulator served over TLS by its HTTP handler, with the
// fault injector around it.
type wire struct {
	sim     *workdaysim.Simulator
	handler *workdaysim.HTTPHandler
	faults  *fault.Injector
	srv     *httptest.Server
}

func newWire(t testing.TB, sim *workdaysim.Simulator) *wire {
	t.Helper()
	w := &wire{sim: sim, handler: workdaysim.Handler(sim), faults: fault.New(7)}
	w.faults.Eligible = func(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/ccx/oauth2/") }
	w.srv = httptest.NewTLSServer(w.faults.Middleware(w.handler))
	t.Cleanup(func() {
		w.faults.Close()
		w.srv.Close()
	})
	return w
}

// open builds the real connector against the server, on the simulator's
// clock (so that "today" is the same on both sides).
func (w *wire) open(t testing.TB, opts ...connectors.Option) *workday.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(w.srv.Client()), connectors.WithClock(w.sim.Clock().Now)}, opts...)
	c, err := workday.New(context.Background(), w.handler.Credential(w.srv.URL), all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newSim(t testing.TB, opts ...connectors.Option) *workdaysim.Simulator {
	t.Helper()
	s, err := workdaysim.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fastRetry keeps retries quick in tests.
var fastRetry = connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond,
	MaxBackoff: 2 * time.Millisecond, MaxRetryAfter: time.Millisecond})
