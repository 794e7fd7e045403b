package oracle_test

import (
	"context"
	"fmt"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fake "github.com/xlr8/connectors/internal/fake/oracle"
	"github.com/xlr8/connectors/oracle"
)

// Reading workers: q= goes to the pod, the child filter stays here, and
// Explain says which is which.
func Example() {
	pod := fake.New(fake.Config{}) // the library's fake pod on loopback
	defer pod.Close()
	pod.Seed("workers", 40)
	cfg := pod.Config()
	cred := &credentials.Credential{ID: "hcm", ProductID: oracle.ProductHCM, InstanceURL: pod.URL, AuthType: credentials.AuthBasic,
		Secrets: map[string]string{credentials.KeyUsername: cfg.Username, credentials.KeyPassword: cfg.Password}}
	ctx := context.Background()
	conn, err := connectors.Open(ctx, oracle.ProductHCM, cred, connectors.WithHTTPClient(pod.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	q := connectors.Query{Entity: "workers", Fields: []string{"PersonNumber", "names.LastName"},
		Where: connectors.And{connectors.Eq("CountryOfBirth", "GB"), connectors.Eq("names.LastName", "Lee")}}
	plan, _ := conn.(connectors.Explainer).Explain(ctx, q)
	fmt.Println("q=", plan.Native)
	fmt.Println("residual:", plan.Residual)
	recs, err := connectors.Collect(conn.Get(ctx, q))
	fmt.Println(len(recs), "workers born in GB", err)
	// Output:
	// q= CountryOfBirth = 'GB'
	// residual: names.LastName = 'Lee'
	// 8 workers born in GB <nil>
}
