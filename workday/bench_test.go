package workday_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

const benchWorkers = 50000

// BenchmarkStreamWorkers streams 50,000 workers three ways in one run:
// the real connector over the simulator's HTTP handler (TLS, OAuth,
// retries, paging through the pager, typed records), the baseline of the
// same pages fetched with net/http and encoding/json, and the simulator's
// Get in process over the same data. records/s is the figure to compare.
func BenchmarkStreamWorkers(b *testing.B) {
	sim := newSim(b)
	if err := sim.Load(workdaysim.Generate(benchWorkers, 42)); err != nil {
		b.Fatal(err)
	}
	w := newWire(b, sim)
	ctx := context.Background()

	b.Run("connector", func(b *testing.B) {
		conn := w.open(b)
		if err := conn.Connect(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			c, err := connectors.Count(conn.Get(ctx, connectors.Query{Entity: workday.EntityWorkers}))
			if err != nil || c != benchWorkers {
				b.Fatalf("%d records, %v", c, err)
			}
			n += c
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("baseline-net/http+encoding/json", func(b *testing.B) {
		client := w.srv.Client()
		tok := benchToken(b, w)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			c := baselineFetch(b, client, w.srv.URL, tok)
			if c != benchWorkers {
				b.Fatalf("%d records", c)
			}
			n += c
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("simulator-in-process", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			c, err := connectors.Count(sim.Get(ctx, connectors.Query{Entity: workdaysim.EntityWorkers}))
			if err != nil || c != benchWorkers {
				b.Fatalf("%d records, %v", c, err)
			}
			n += c
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

func benchToken(b *testing.B, w *wire) string {
	cfg := w.handler.Config()
	resp, err := w.srv.Client().PostForm(w.srv.URL+"/ccx/oauth2/acme/token", url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {cfg.RefreshToken}, "client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		b.Fatal(err)
	}
	return t.AccessToken
}

// baselineFetch reads every page of /workers the plain way: limit 100,
// offset until total, each body decoded into maps.
func baselineFetch(b *testing.B, client *http.Client, base, tok string) int {
	n := 0
	for offset := 0; ; {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/ccx/api/staffing/v6/acme/workers?limit=100&offset=%d", base, offset), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Total int              `json:"total"`
			Data  []map[string]any `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("status %d: %v", resp.StatusCode, err)
		}
		n += len(page.Data)
		offset += len(page.Data)
		if len(page.Data) == 0 || offset >= page.Total {
			return n
		}
	}
}
