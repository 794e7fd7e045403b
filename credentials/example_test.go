package credentials_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
)

// A host stores a customer's credential once, then opens a connector with
// it whenever it needs data. (The "example_crm" product is a tiny connector
// registered by this example's package.)
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "xlr8-credentials-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// In production the key comes from the environment (or a KeyProvider
	// over a secrets manager): keys, err := credentials.KeyringFromEnv()
	key, err := credentials.GenerateKey()
	if err != nil {
		log.Fatal(err)
	}
	keys, err := credentials.NewKeyring(key)
	if err != nil {
		log.Fatal(err)
	}
	store, err := credentials.OpenFileStore(filepath.Join(dir, "credentials"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	mgr, err := credentials.NewManager(store, keys)
	if err != nil {
		log.Fatal(err)
	}

	id, err := mgr.Store(ctx, &credentials.Credential{
		ID:          "acme-crm",
		ProjectID:   "acme",
		ProductID:   "example_crm",
		InstanceURL: "https://acme.crm.example.com",
		AuthType:    credentials.AuthBasic,
		Secrets:     credentials.Secrets{credentials.KeyUsername: "integration", credentials.KeyPassword: "pa55-w0rd-123"},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Later, possibly in another process sharing the store:
	cred, err := mgr.Get(ctx, id)
	if err != nil {
		log.Fatal(err) // revoked, expired, wrong key, tampered ... all typed
	}
	conn, err := connectors.Open(ctx, cred.ProductID, cred)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	if err := mgr.MarkUsed(ctx, id); err != nil {
		log.Fatal(err)
	}
	status, _ := conn.Test(ctx)
	fmt.Println(conn.Product(), "authenticated:", status.Authenticated)
	fmt.Println(cred) // secrets never print

	// Output:
	// example_crm authenticated: true
	// Credential{ID:"acme-crm" ProjectID:"acme" ProductID:"example_crm" InstanceURL:"https://acme.crm.example.com" AuthType:"basic" Status:"active" Secrets:{password:[REDACTED] username:[REDACTED]}}
}

// An OAuth credential: the connector gets its tokens from the Manager, which
// refreshes them when needed and persists a rotated refresh token.
func ExampleManager_TokenSource() {
	ctx := context.Background()
	// A stand-in for the vendor's token endpoint; it rotates refresh tokens.
	tokenEndpoint := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-1", "refresh_token": "rt-2",
			"token_type": "Bearer", "expires_in": 3600})
	}))
	defer tokenEndpoint.Close()

	key, _ := credentials.GenerateKey()
	keys, _ := credentials.NewKeyring(key)
	mgr, err := credentials.NewManager(credentials.NewMemoryStore(), keys,
		credentials.WithHTTPClient(tokenEndpoint.Client())) // trusts the test server's certificate
	if err != nil {
		log.Fatal(err)
	}
	id, err := mgr.Store(ctx, &credentials.Credential{
		ProjectID: "acme", ProductID: "example_crm", AuthType: credentials.AuthOAuth2,
		Secrets: credentials.Secrets{
			credentials.KeyClientID: "client-1", credentials.KeyClientSecret: "client-secret-1",
			credentials.KeyTokenURL: tokenEndpoint.URL + "/oauth/token", credentials.KeyRefreshToken: "rt-1",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	cred, _ := mgr.Get(ctx, id)
	conn, err := connectors.Open(ctx, "example_crm", cred, connectors.WithTokenSource(mgr.TokenSource(ctx, id)))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	after, _ := mgr.Get(ctx, id)
	fmt.Println("refresh token rotated and stored:", after.Get(credentials.KeyRefreshToken) == "rt-2")
	fmt.Println("last used recorded:", !after.LastUsed.IsZero())

	// Output:
	// refresh token rotated and stored: true
	// last used recorded: true
}
