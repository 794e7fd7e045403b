package sap_test

import (
	"encoding/json"
	"net/http"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

// BenchmarkGet reads 5,000 SuccessFactors users (five __next pages of
// 1,000) through the connector, against the loop a user would write by
// hand: net/http and encoding/json following d.__next, with no typing, no
// retries, no checks. Both run against the same fake in the same run:
//
//	go test ./sap -run '^$' -bench BenchmarkGet -benchmem
func BenchmarkGet(b *testing.B) {
	const n = 5000
	srv := fakesap.New(fakesap.Config{Users: map[string]string{"bench@ACME": "pw"}})
	defer srv.Close()
	srv.SeedWorkers(n)
	cred := &credentials.Credential{ID: "bench", ProductID: sap.SuccessFactors, InstanceURL: srv.URL, AuthType: credentials.AuthBasic,
		Secrets: credentials.Secrets{"username": "bench@ACME", "password": "pw"}}
	b.Run("connector", func(b *testing.B) {
		c, err := sap.NewSuccessFactors(b.Context(), cred, connectors.WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for _, err := range c.Get(b.Context(), connectors.Query{Entity: "User"}) {
				if err != nil {
					b.Fatal(err)
				}
				got++
			}
			if got != n {
				b.Fatalf("%d records", got)
			}
		}
	})
	b.Run("handloop", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for u := srv.URL + "/odata/v2/User?$format=json"; u != ""; {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, u, nil)
				req.SetBasicAuth("bench@ACME", "pw")
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page struct {
					D struct {
						Results []map[string]any `json:"results"`
						Next    string           `json:"__next"`
					} `json:"d"`
				}
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				got += len(page.D.Results)
				u = page.D.Next
			}
			if got != n {
				b.Fatalf("%d records", got)
			}
		}
	})
}
