package oracle_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"golang.org/x/time/rate"

	connectors "github.com/xlr8/connectors"
	fake "github.com/xlr8/connectors/internal/fake/oracle"
	"github.com/xlr8/connectors/oracle"
)

// handLoop is the least a user would write: net/http and encoding/json
// into maps, following hasMore by offset, 499 rows a call.
func handLoop(b *testing.B, srv *fake.Server) int {
	cfg := srv.Config()
	n := 0
	for offset := 0; ; {
		req, _ := http.NewRequest("GET", srv.URL+"/hcmRestApi/resources/11.13.18.05/workers?onlyData=true&limit=499&offset="+strconv.Itoa(offset), nil)
		req.SetBasicAuth(cfg.Username, cfg.Password)
		req.Header.Set("REST-Framework-Version", "4")
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var page struct {
			Items   []map[string]any `json:"items"`
			HasMore bool             `json:"hasMore"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		n += len(page.Items)
		offset += len(page.Items)
		if !page.HasMore || len(page.Items) == 0 {
			return n
		}
	}
}

// BenchmarkGet streams 10,000 workers (top-level attributes) over the
// loopback fake: through the connector, and through the hand loop, in the
// same run.
func BenchmarkGet(b *testing.B) {
	const total = 10000
	srv := fake.New(fake.Config{})
	b.Cleanup(srv.Close)
	srv.Generate("workers", total)
	b.Run("baseline_net_http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n := handLoop(b, srv); n != total {
				b.Fatalf("%d rows", n)
			}
		}
	})
	b.Run("connector", func(b *testing.B) {
		// The hand loop has no rate limit: lift the connector's default
		// (10 calls a second) so that both measure the same work.
		cred := basicCred(srv, oracle.ProductHCM)
		cred.ID = "bench"
		c, err := oracle.NewProduct(context.Background(), oracle.ProductHCM, cred, connectors.WithHTTPClient(srv.Client()),
			connectors.WithRateLimiter(rate.NewLimiter(rate.Inf, 1)))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range c.Get(context.Background(), connectors.Query{Entity: "workers"}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != total {
				b.Fatalf("%d rows", n)
			}
		}
	})
}
