package salesforce_test

import (
	"context"
	"errors"
	"fmt"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesf "github.com/xlr8/connectors/internal/fake/salesforce"
	_ "github.com/xlr8/connectors/salesforce" // registers "salesforce"
)

// Open a Salesforce org by product id and stream a filtered query. Here the
// org is the library's fake on loopback; against a real org only the
// credential changes.
func Example() {
	ctx := context.Background()
	org := fakesf.New(fakesf.Config{})
	defer org.Close()
	org.Seed("Account", 12)
	cfg := org.Config()

	cred := &credentials.Credential{
		ProductID: "salesforce", AuthType: credentials.AuthOAuth2, InstanceURL: org.URL,
		Secrets: credentials.Secrets{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret,
			"refresh_token": cfg.RefreshToken, "token_url": org.TokenURL()},
	}
	conn, err := connectors.Open(ctx, "salesforce", cred, connectors.WithHTTPClient(org.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	q := connectors.Query{
		Entity: "Account",
		Fields: []string{"Id", "Name", "Industry", "AnnualRevenue"},
		Where:  connectors.And{connectors.Eq("Industry", "Energy"), connectors.Gt("AnnualRevenue", 1500.0)},
	}
	for rec, err := range conn.Get(ctx, q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec["Name"], rec["Industry"], rec["AnnualRevenue"])
	}

	// A mistake in a native query is a typed error with Salesforce's word.
	_, err = connectors.Collect(conn.Query(ctx, "SELECT Nonsense FROM Account"))
	var e *connectors.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.VendorCode)
	}
	// Output:
	// Account 5 Energy 6000
	// Account 10 Energy 11000
	// INVALID_ARGUMENT INVALID_FIELD
}
