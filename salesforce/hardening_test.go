package salesforce_test

import (
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/capread"
	"github.com/xlr8/connectors/internal/capread/captest"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// lyingResults answers the requests whose path contains match with a 200
// carrying one huge value, and sends everything else to the fake.
type lyingResults struct {
	next   http.RoundTripper
	match  string
	header http.Header
	body   func() io.Reader
}

func (l *lyingResults) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Path, l.match) {
		return l.next.RoundTrip(r)
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: l.header.Clone(), Body: io.NopCloser(l.body()),
		ContentLength: -1, Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// TestHardening11_5_PerValueCap: a Bulk CSV field of 256 MiB behind
// WithMaxBodyBytes(1 MiB), and a REST page holding a 2 MiB string within an
// 8 MiB body cap, both with WithMaxValueBytes(1 MiB): each is an INTERNAL error wrapping
// capread.ErrValueTooLarge, and the CSV field is refused before it is held
// (heap allocated during the export far below the field's size). Before the
// cap, the field was read whole (2 GiB of heap for a 512 MiB field).
func TestHardening11_5_PerValueCap(t *testing.T) {
	const field = 256 << 20
	srv := fakesf.New(fakesf.Config{})
	t.Cleanup(srv.Close)
	srv.Generate("Account", 3)
	open := func(t *testing.T, maxBody int64, lie *lyingResults) *salesforce.Connector {
		lie.next = srv.Client().Transport
		hc := *srv.Client()
		hc.Transport = lie
		c, err := salesforce.New(t.Context(), refreshCred(srv), connectors.WithHTTPClient(&hc),
			connectors.WithMaxBodyBytes(maxBody), connectors.WithMaxValueBytes(1<<20),
			salesforce.WithBulkPoll(time.Millisecond, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	checkErr := func(t *testing.T, err error) {
		t.Helper()
		var e *connectors.Error
		if !errors.As(err, &e) || e.Code != connectors.CodeInternal || !errors.Is(err, capread.ErrValueTooLarge) {
			t.Fatalf("err = %v, want INTERNAL wrapping capread.ErrValueTooLarge", err)
		}
		if !strings.Contains(e.Message, strconv.Itoa(1<<20)+"-byte cap") {
			t.Fatalf("message %q does not name the cap", e.Message)
		}
	}

	t.Run("BulkCSVField", func(t *testing.T) {
		c := open(t, 1<<20, &lyingResults{match: "/results",
			header: http.Header{"Content-Type": {"text/csv"}, "Sforce-Locator": {"null"}, "Sforce-Numberofrecords": {"1"}},
			body: func() io.Reader {
				return captest.Value("Id,Description\n001000000000001AAA,\"", field, "\"\n")
			}})
		st, err := c.StartExport(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id", "Description"}})
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err = connectors.Collect(c.ExportResults(t.Context(), st.ID))
		runtime.ReadMemStats(&after)
		checkErr(t, err)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
			t.Fatalf("the export allocated %d MiB for a %d MiB field: the field was buffered", grown>>20, field>>20)
		}
	})

	t.Run("RESTString", func(t *testing.T) {
		c := open(t, 8<<20, &lyingResults{match: "/query",
			header: http.Header{"Content-Type": {"application/json"}},
			body: func() io.Reader {
				return captest.Value(`{"totalSize":1,"done":true,"records":[{"Id":"001000000000001AAA","Description":"`, 2<<20, `"}]}`)
			}})
		_, err := connectors.Collect(c.Get(t.Context(), connectors.Query{Entity: "Account", Fields: []string{"Id", "Description"}}))
		checkErr(t, err)
	})
}
