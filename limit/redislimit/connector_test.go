package redislimit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
)

// TestConnectorWaitsOnSharedLimiter: a connector's client built from
// connectors.WithLimiter waits on the shared limiter for every call.
func TestConnectorWaitsOnSharedLimiter(t *testing.T) {
	srv := startRedis(t, "")
	lim := newLimiter(t, srv.addr, Config{Credential: "cred-9", Rate: 1000, Burst: 10})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{}`)
	}))
	defer api.Close()
	o := connectors.ApplyOptions(connectors.WithLimiter(lim), connectors.WithAllowInsecureLoopback(),
		connectors.WithRateLimit(1, 1)) // the shared limiter wins over a local rate
	client, err := connkit.NewClient("salesforce", &credentials.Credential{ID: "cred-9"}, o, connkit.ClientConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := client.Get(t.Context(), api.URL+"/services/data/", nil); err != nil {
			t.Fatal(err)
		}
	}
	if shared, local := lim.Grants(); shared != 3 || local != 0 {
		t.Errorf("shared limiter granted %d (local %d) for 3 calls", shared, local)
	}
}
