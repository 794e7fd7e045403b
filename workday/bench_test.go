package workday_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	connectors "github.com/xlr8/connectors"
	fakewd "github.com/xlr8/connectors/internal/fake/workday"
	"github.com/xlr8/connectors/workday"
)

const benchWorkers = 20000

// BenchmarkStreamWorkers streams 20,000 workers (staffing v6 WorkerData,
// 100 a page) from the independent fake two ways in one run: the real
// connector (TLS, OAuth, retries, the kit's walker, the one-pass page
// decoder, records with Workday's field paths), and the baseline a user
// would write: the same pages fetched with net/http and decoded with
// encoding/json into maps. records/s is the figure to compare.
func BenchmarkStreamWorkers(b *testing.B) {
	f := fakewd.New(benchWorkers)
	defer f.Close()
	ctx := context.Background()

	b.Run("connector", func(b *testing.B) {
		conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()))
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
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
		client := f.Server.Client()
		tok := benchToken(b, f)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			c := baselineFetch(b, client, f.Server.URL, tok)
			if c != benchWorkers {
				b.Fatalf("%d records", c)
			}
			n += c
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

func benchToken(b testing.TB, f *fakewd.Fake) string {
	resp, err := f.Server.Client().PostForm(f.Server.TokenURL(), url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {fakewd.RefreshToken}, "client_id": {fakewd.ClientID}, "client_secret": {fakewd.ClientSecret}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil || t.AccessToken == "" {
		b.Fatalf("token: %v", err)
	}
	return t.AccessToken
}

// baselineFetch reads every page of staffing v6 /workers the plain way:
// limit 100, offset until total, each body decoded into maps.
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
