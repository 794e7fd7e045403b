package salesforce_test

import (
	"encoding/json"
	"fmt"
	"github.com/xlr8/connectors/internal/fake/kit"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/salesforce"
)

// replayPage is the number of records of a served page (Salesforce's
// default batch size).
const replayPage = 2000

// replay is a loopback server that serves precomputed Salesforce query
// pages, so that the server's cost does not hide the client's: one page of
// real Accounts taken from the fake once, served again and again with each
// Id patched to the page number (ids stay unique across pages), linked by
// nextRecordsUrl.
type replay struct {
	*httptest.Server
	describe []byte
	tmpl     *kit.Replay // the page's records, and where each id starts
	total    int
}

func newReplay(b *testing.B, total int) *replay {
	b.Helper()
	srv, token := benchServer(b, replayPage)
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body
	}
	r := &replay{total: total, describe: get("/services/data/v62.0/sobjects/Account/describe")}
	var page struct {
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(get("/services/data/v62.0/query?q="+url.QueryEscape("SELECT "+accountFields+" FROM Account ORDER BY Id")), &page); err != nil || len(page.Records) != replayPage {
		b.Fatalf("template page: %d records, %v", len(page.Records), err)
	}
	tmpl, err := kit.NewReplay(page.Records, "Id")
	if err != nil {
		b.Fatal(err)
	}
	r.tmpl = tmpl
	r.Server = httptest.NewTLSServer(http.HandlerFunc(r.serve))
	b.Cleanup(r.Close)
	return r
}

func (r *replay) serve(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	switch p := req.URL.Path; {
	case p == "/services/oauth2/token":
		fmt.Fprintf(w, `{"access_token":"replay-token","instance_url":%q,"token_type":"Bearer","issued_at":"%d","id":"%s/id/00D/005"}`,
			r.URL, time.Now().UnixMilli(), r.URL)
	case p == "/services/data/v62.0/sobjects/Account/describe":
		w.Write(r.describe)
	case p == "/services/data/v62.0/query":
		r.page(w, 0)
	case strings.HasPrefix(p, "/services/data/v62.0/query/01gREPLAY-"):
		k, err := strconv.Atoi(strings.TrimPrefix(p, "/services/data/v62.0/query/01gREPLAY-"))
		if err != nil {
			http.NotFound(w, req)
			return
		}
		r.page(w, k)
	default:
		http.NotFound(w, req)
	}
}

// page writes page k: the template's records with their Ids patched to k.
func (r *replay) page(w http.ResponseWriter, k int) {
	pages := r.total / replayPage
	head := fmt.Sprintf(`{"totalSize":%d,"done":true,"records":[`, r.total)
	if k+1 < pages {
		head = fmt.Sprintf(`{"totalSize":%d,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gREPLAY-%d","records":[`, r.total, k+1)
	}
	r.tmpl.Write(w, []byte(head), fmt.Sprintf("%06d", k), 3)
}

func (r *replay) cred() *credentials.Credential {
	return &credentials.Credential{ID: "sf-replay", ProductID: "salesforce", InstanceURL: r.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{"client_id": "id", "client_secret": "secret", "refresh_token": "refresh", "token_url": r.URL + "/services/oauth2/token"}}
}

// BenchmarkGetPrecomputed streams 100,000 Accounts of 20 fields from
// precomputed pages: the hand loop (baselineREST: net/http and
// encoding/json into maps, following nextRecordsUrl) and the connector's Get (records typed:
// datetimes, dates, ints; attributes dropped), in the same run.
func BenchmarkGetPrecomputed(b *testing.B) {
	const total = 100_000
	r := newReplay(b, total)
	b.Run("handloop", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			if n := baselineREST(b, r.Client(), r.URL, "replay-token"); n != total {
				b.Fatalf("%d records", n)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
	b.Run("connector", func(b *testing.B) { benchGet(b, r.cred(), r.Client(), total) })
}

// BenchmarkGetPrecomputedPaired runs the hand loop and Get in every
// iteration (in turn first) over the same precomputed pages and reports
// both rates and their ratio, so that a machine whose load drifts during
// the run (other processes) weighs on both sides alike.
func BenchmarkGetPrecomputedPaired(b *testing.B) {
	const total = 100_000
	r := newReplay(b, total)
	c, err := salesforce.New(b.Context(), r.cred(), connectors.WithHTTPClient(r.Client()))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Schema(b.Context(), "Account"); err != nil {
		b.Fatal(err)
	}
	var hand, conn time.Duration
	byHand := func() {
		start := time.Now()
		if n := baselineREST(b, r.Client(), r.URL, "replay-token"); n != total {
			b.Fatalf("%d records", n)
		}
		hand += time.Since(start)
	}
	byGet := func() {
		start := time.Now()
		n, err := connectors.Count(c.Get(b.Context(), connectors.Query{Entity: "Account"}))
		if err != nil || n != total {
			b.Fatalf("%d records, %v", n, err)
		}
		conn += time.Since(start)
	}
	i := 0
	for b.Loop() {
		// Each goes first every other time, so that neither pays more of
		// the collections the other's garbage causes.
		if i++; i%2 == 0 {
			byHand()
			byGet()
		} else {
			byGet()
			byHand()
		}
	}
	b.ReportMetric(float64(total*b.N)/hand.Seconds(), "handloop-records/s")
	b.ReportMetric(float64(total*b.N)/conn.Seconds(), "connector-records/s")
	b.ReportMetric(hand.Seconds()/conn.Seconds(), "x-handloop")
}

// BenchmarkGetPrecomputedHeap streams 10k Accounts (100 times over) and 1M
// Accounts (once) from precomputed pages and reports the peak heap in use,
// sampled every 100 records: it must not grow with the total. (A peak is the
// worst of its samples: the 10k stream is repeated so that it is taken over
// as many samples and page turns as the 1M one.) It also reports
// the highest heap goal the GC set (twice the live heap at GOGC=100), which
// a starved GC worker on a loaded machine cannot overshoot.
func BenchmarkGetPrecomputedHeap(b *testing.B) {
	for _, total := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprint(total), func(b *testing.B) {
			r := newReplay(b, total)
			c, err := salesforce.New(b.Context(), r.cred(), connectors.WithHTTPClient(r.Client()))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			var peak, goal uint64
			var ms runtime.MemStats
			sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
			runtime.GC()
			// The short stream runs as often as the long one has pages to
			// turn, so that both peaks come from as many samples.
			reps := 1_000_000 / total
			for b.Loop() {
				for range reps {
					n := 0
					for _, err := range c.Get(b.Context(), connectors.Query{Entity: "Account"}) {
						if err != nil {
							b.Fatal(err)
						}
						if n++; n%100 == 0 {
							runtime.ReadMemStats(&ms)
							peak = max(peak, ms.HeapInuse)
							metrics.Read(sample)
							goal = max(goal, sample[0].Value.Uint64())
						}
					}
					if n != total {
						b.Fatalf("%d records", n)
					}
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(goal)/(1<<20), "peak-gc-goal-MB")
		})
	}
}
