package workday_test

import (
	"encoding/json"
	"fmt"
	"github.com/xlr8/connectors/internal/fake/kit"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakewd "github.com/xlr8/connectors/internal/fake/workday"
	"github.com/xlr8/connectors/workday"
)

// replayPage is the records of a served page (Workday's limit ceiling).
const replayPage = 100

// wdReplay is a loopback server that serves precomputed staffing v6
// /workers pages, so that the server's cost does not hide the client's:
// one page of WorkerData taken from the independent fake once, each page
// served by offset as {"total":N,"data":[those records]} from bytes built
// at start, each worker's id patched with the page number (ids stay
// unique across pages).
type wdReplay struct {
	*httptest.Server
	tmpl  *kit.Replay // the page's records, and where each id starts
	total int
}

func newWDReplay(b testing.TB, total int) *wdReplay {
	b.Helper()
	f := fakewd.New(replayPage)
	defer f.Close()
	tok := benchToken(b, f)
	req, _ := http.NewRequest(http.MethodGet, f.Server.URL+"/ccx/api/staffing/v6/"+fakewd.Tenant+"/workers?limit=100&offset=0", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.Server.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var page struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != replayPage {
		b.Fatalf("template page: %d records, %v", len(page.Data), err)
	}
	r := &wdReplay{total: total}
	tmpl, err := kit.NewReplay(page.Data, "id")
	if err != nil {
		b.Fatal(err)
	}
	r.tmpl = tmpl
	r.Server = httptest.NewTLSServer(http.HandlerFunc(r.serve))
	b.Cleanup(r.Close)
	return r
}

func (r *wdReplay) serve(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch req.URL.Path {
	case "/ccx/oauth2/" + fakewd.Tenant + "/token":
		io.WriteString(w, `{"access_token":"replay-token","token_type":"Bearer","expires_in":3600}`)
	case "/ccx/api/staffing/v6/" + fakewd.Tenant + "/workers":
		q := req.URL.Query()
		offset, err1 := strconv.Atoi(q.Get("offset"))
		limit, err2 := strconv.Atoi(q.Get("limit"))
		if err1 != nil || err2 != nil || limit != replayPage || offset%replayPage != 0 || req.Header.Get("Authorization") != "Bearer replay-token" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"the replay serves limit=100 at multiples of 100 only","errors":[{"error":"bad window"}]}`)
			return
		}
		head := fmt.Appendf(nil, `{"total":%d,"data":[`, r.total)
		tag := ""
		if offset < r.total {
			tag = fmt.Sprintf("%08x", offset/replayPage)
		}
		r.tmpl.Write(w, head, tag, 0)
	default:
		http.NotFound(w, req)
	}
}

func (r *wdReplay) cred() *credentials.Credential {
	return &credentials.Credential{ID: "wd-replay", ProductID: workday.ProductHCM, InstanceURL: r.URL, AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{credentials.KeyClientID: "id", credentials.KeyClientSecret: "secret", credentials.KeyRefreshToken: "refresh",
			credentials.KeyTenant: fakewd.Tenant, credentials.KeyTokenURL: r.URL + "/ccx/oauth2/" + fakewd.Tenant + "/token"}}
}

func (r *wdReplay) open(b testing.TB) connectors.Connector {
	conn, err := workday.New(b.Context(), r.cred(), connectors.WithHTTPClient(r.Client()), workday.WithPageSize(replayPage))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	if err := conn.Connect(b.Context()); err != nil {
		b.Fatal(err)
	}
	return conn
}

// BenchmarkGetWorkersPrecomputed streams 100,000 workers (staffing v6
// WorkerData, 100 a page) from precomputed pages in one run: the hand loop
// (baselineFetch: net/http and encoding/json into maps, following offset
// and total) and the connector's Get (records with Workday's field paths).
// records/s is the figure to compare.
func BenchmarkGetWorkersPrecomputed(b *testing.B) {
	const total = 100_000
	r := newWDReplay(b, total)
	b.Run("handloop", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			if n := baselineFetch(b, r.Client(), r.URL, "replay-token"); n != total {
				b.Fatalf("%d records", n)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
	b.Run("connector", func(b *testing.B) {
		conn := r.open(b)
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			n, err := connectors.Count(conn.Get(b.Context(), connectors.Query{Entity: workday.EntityWorkers}))
			if err != nil || n != total {
				b.Fatalf("%d records, %v", n, err)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
}

// BenchmarkGetWorkersHeap streams 10k workers (100 times over) and 1M
// workers (once) from precomputed pages and reports the peak heap in use
// and the peak GC goal, sampled every 100 records: neither may grow with
// the total (TestGetWorkersHeapFlat checks it).
//
//	go test ./workday -run XXX -bench GetWorkersHeap -benchmem
func BenchmarkGetWorkersHeap(b *testing.B) {
	for _, total := range []int{10_000, 1_000_000} {
		b.Run(strconv.Itoa(total), func(b *testing.B) {
			var heap, goal, live uint64
			for b.Loop() {
				heap, goal, live = workersPeak(b, total)
			}
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(goal)/(1<<20), "peak-gc-goal-MB")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
		})
	}
}

// workersPeak streams total workers (1M/total times, so that both sizes
// give as many samples) and returns the peak heap in use and GC goal,
// sampled every 100 records, and the peak live heap (after a collection),
// sampled ten times in the 1M records.
func workersPeak(b testing.TB, total int) (heap, goal, live uint64) {
	r := newWDReplay(b, total)
	conn := r.open(b)
	var ms runtime.MemStats
	sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	runtime.GC()
	seen := 0
	for range 1_000_000 / total {
		n := 0
		for _, err := range conn.Get(b.Context(), connectors.Query{Entity: workday.EntityWorkers}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			if seen++; seen%100_000 == 50_000 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				live = max(live, ms.HeapAlloc)
			}
			if n%100 == 0 {
				runtime.ReadMemStats(&ms)
				heap = max(heap, ms.HeapInuse)
				metrics.Read(sample)
				goal = max(goal, sample[0].Value.Uint64())
			}
		}
		if n != total {
			b.Fatalf("%d records", n)
		}
	}
	return heap, goal, live
}

// TestGetWorkersHeapFlat: the peak heap in use while streaming 1M workers
// is within 20% of the peak for 10k (both over as many samples): memory is
// bounded by a page, not by the total. It streams 2M records, so it runs
// without -short and without the race detector (which multiplies time and
// memory); the benchmark above reports the same figures.
func TestGetWorkersHeapFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("streams 2,000,000 records: not with -short or -race")
	}
	// each in its own subtest, so that the first's server and connector
	// are closed (their Cleanup run) before the second is measured
	var small, smallGoal, smallLive, large, largeGoal, largeLive uint64
	t.Run("10k", func(t *testing.T) { small, smallGoal, smallLive = workersPeak(t, 10_000) })
	t.Run("1M", func(t *testing.T) { large, largeGoal, largeLive = workersPeak(t, 1_000_000) })
	t.Logf("peak heap in use: 10k %.1f MB, 1M %.1f MB; peak GC goal: 10k %.1f MB, 1M %.1f MB; peak live: 10k %.2f MB, 1M %.2f MB",
		float64(small)/(1<<20), float64(large)/(1<<20), float64(smallGoal)/(1<<20), float64(largeGoal)/(1<<20),
		float64(smallLive)/(1<<20), float64(largeLive)/(1<<20))
	if float64(large) > 1.2*float64(small) {
		t.Errorf("peak heap in use grew from %d bytes (10k workers) to %d (1M): more than 20%%", small, large)
	}
	if float64(largeLive) > 1.1*float64(smallLive) {
		t.Errorf("live heap grew from %d bytes (10k workers) to %d (1M): more than 10%%, something is kept per record or per page", smallLive, largeLive)
	}
}

// BenchmarkGetWorkersPaired runs the hand loop and the connector's Get
// over the same precomputed 100,000 workers in alternating rounds (each
// b.Loop iteration one of each), so that a shared machine's load falls on
// both alike, and reports each side's records/s and their ratio.
//
//	go test ./workday -run XXX -bench GetWorkersPaired -benchmem -benchtime 12x
func BenchmarkGetWorkersPaired(b *testing.B) {
	const total = 100_000
	r := newWDReplay(b, total)
	conn := r.open(b)
	var hand, mine time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if n := baselineFetch(b, r.Client(), r.URL, "replay-token"); n != total {
			b.Fatalf("hand loop: %d records", n)
		}
		mid := time.Now()
		n, err := connectors.Count(conn.Get(b.Context(), connectors.Query{Entity: workday.EntityWorkers}))
		if err != nil || n != total {
			b.Fatalf("connector: %d records, %v", n, err)
		}
		hand, mine = hand+mid.Sub(start), mine+time.Since(mid)
	}
	rounds := float64(b.N * total)
	b.ReportMetric(rounds/hand.Seconds(), "handloop-records/s")
	b.ReportMetric(rounds/mine.Seconds(), "connector-records/s")
	b.ReportMetric(hand.Seconds()/mine.Seconds(), "speedup")
}
