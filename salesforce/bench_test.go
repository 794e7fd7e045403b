package salesforce_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	"github.com/xlr8/connectors/salesforce"
)

// accountFields are the fake Account's 20 fields.
const accountFields = "Id, IsDeleted, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Rating, Phone, Website, " +
	"BillingStreet, BillingCity, BillingState, BillingPostalCode, BillingCountry, OwnerId, Description, CreatedDate, " +
	"LastModifiedDate, SystemModstamp"

func benchServer(b *testing.B, n int) (*fakesf.Server, string) {
	b.Helper()
	srv := fakesf.New(fakesf.Config{DailyLimit: 1 << 30})
	b.Cleanup(srv.Close)
	srv.Generate("Account", n)
	cfg := srv.Config()
	resp, err := srv.Client().PostForm(srv.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "client_id": {cfg.ClientID},
		"client_secret": {cfg.ClientSecret}, "refresh_token": {cfg.RefreshToken}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return srv, tok.AccessToken
}

// baselineREST fetches the pages with net/http and decodes them with
// encoding/json into maps, following nextRecordsUrl: the least a client can
// do.
func baselineREST(b *testing.B, client *http.Client, baseURL, token string) int {
	soql := "SELECT " + accountFields + " FROM Account ORDER BY Id"
	next := baseURL + "/services/data/v62.0/query?q=" + url.QueryEscape(soql)
	n := 0
	for next != "" {
		req, _ := http.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Records        []map[string]any `json:"records"`
			NextRecordsURL string           `json:"nextRecordsUrl"`
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		n += len(page.Records)
		next = ""
		if page.NextRecordsURL != "" {
			next = baseURL + page.NextRecordsURL
		}
	}
	return n
}

// BenchmarkGet streams 100,000 Accounts of 20 fields through Get and
// through the bare baseline, over the same loopback fake in the same run.
func BenchmarkGet(b *testing.B) {
	const total = 100_000
	b.Run("baseline", func(b *testing.B) {
		srv, token := benchServer(b, total)
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			if n := baselineREST(b, srv.Client(), srv.URL, token); n != total {
				b.Fatalf("%d records", n)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
	b.Run("connector", func(b *testing.B) {
		srv, _ := benchServer(b, total)
		benchGet(b, refreshCred(srv), srv.Client(), total)
	})
}

// benchGet opens a connector for cred over hc and streams total Accounts
// through Get b.N times (the describe fetched first), reporting records/s.
func benchGet(b *testing.B, cred *credentials.Credential, hc *http.Client, total int) {
	c, err := salesforce.New(b.Context(), cred, connectors.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Schema(b.Context(), "Account"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		n, err := connectors.Count(c.Get(b.Context(), connectors.Query{Entity: "Account"}))
		if err != nil || n != total {
			b.Fatalf("%d records, %v", n, err)
		}
	}
	b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
}

// baselineBulk runs a Bulk API 2.0 job with net/http and reads the CSV
// chunks with encoding/csv into maps.
func baselineBulk(b *testing.B, srv *fakesf.Server, token string) int {
	do := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	resp := do("POST", "/services/data/v62.0/jobs/query", `{"operation":"query","query":"SELECT `+accountFields+` FROM Account ORDER BY Id"}`)
	var job struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	for job.State != "JobComplete" {
		resp = do("GET", "/services/data/v62.0/jobs/query/"+job.ID, "")
		_ = json.NewDecoder(resp.Body).Decode(&job)
		resp.Body.Close()
	}
	n, loc := 0, ""
	for {
		path := "/services/data/v62.0/jobs/query/" + job.ID + "/results?maxRecords=10000"
		if loc != "" {
			path += "&locator=" + loc
		}
		resp = do("GET", path, "")
		cr := csv.NewReader(resp.Body)
		header, _ := cr.Read()
		for {
			row, err := cr.Read()
			if err != nil {
				break
			}
			rec := make(map[string]any, len(header))
			for i, h := range header {
				rec[h] = row[i]
			}
			n++
		}
		resp.Body.Close()
		loc = resp.Header.Get("Sforce-Locator")
		if loc == "null" {
			return n
		}
	}
}

// BenchmarkBulk exports 100,000 Accounts through ExportResults and through
// the bare baseline, in the same run.
func BenchmarkBulk(b *testing.B) {
	const total = 100_000
	b.Run("baseline", func(b *testing.B) {
		srv, token := benchServer(b, total)
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			if n := baselineBulk(b, srv, token); n != total {
				b.Fatalf("%d records", n)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
	b.Run("connector", func(b *testing.B) {
		srv, _ := benchServer(b, total)
		c, err := salesforce.New(b.Context(), refreshCred(srv), connectors.WithHTTPClient(srv.Client()),
			salesforce.WithBulkPoll(time.Millisecond, time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			st, err := c.StartExport(b.Context(), connectors.Query{Entity: "Account"})
			if err != nil {
				b.Fatal(err)
			}
			n, err := connectors.Count(c.ExportResults(b.Context(), st.ID))
			if err != nil || n != total {
				b.Fatalf("%d records, %v", n, err)
			}
		}
		b.ReportMetric(float64(total*b.N)/time.Since(start).Seconds(), "records/s")
	})
}

// BenchmarkGetHeap streams 10k, 100k and 1M Accounts and reports the peak
// heap in use, sampled every 10,000 records: it must not grow with the total.
func BenchmarkGetHeap(b *testing.B) {
	for _, total := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprint(total), func(b *testing.B) {
			srv, _ := benchServer(b, total)
			c, err := salesforce.New(b.Context(), refreshCred(srv), connectors.WithHTTPClient(srv.Client()))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			var peak uint64
			var ms runtime.MemStats
			for b.Loop() {
				n := 0
				for _, err := range c.Get(b.Context(), connectors.Query{Entity: "Account"}) {
					if err != nil {
						b.Fatal(err)
					}
					if n++; n%10_000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
				}
				if n != total {
					b.Fatalf("%d records", n)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
