package connectors_test

import (
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/salesforce"
	"github.com/xlr8/connectors/workdaysim"
)

// TestVendorOptionForAnotherProductRefused (issue 10 item 4): one vendor's
// option given to another vendor's Open used to be silently accepted; it is
// an INVALID_ARGUMENT at construction, before any I/O.
func TestVendorOptionForAnotherProductRefused(t *testing.T) {
	ctx := t.Context()
	if _, err := connectors.Open(ctx, workdaysim.Product, nil, salesforce.WithBatchSize(500)); !errorsIsCode(err, connectors.CodeInvalidArgument) {
		t.Errorf("workday_sim with a Salesforce option: %v, want INVALID_ARGUMENT", err)
	}
	cred := &credentials.Credential{ID: "c1", ProductID: salesforce.Product, AuthType: credentials.AuthOAuth2,
		InstanceURL: "https://acme.my.salesforce.com", Secrets: credentials.Secrets{"client_id": "id", "client_secret": "s3cr3t-value",
			"refresh_token": "r3fr3sh-value", "token_url": "https://login.salesforce.com/services/oauth2/token"}}
	if _, err := connectors.Open(ctx, salesforce.Product, cred, workdaysim.WithSeed(3)); !errorsIsCode(err, connectors.CodeInvalidArgument) {
		t.Errorf("salesforce with a simulator option: %v, want INVALID_ARGUMENT", err)
	}
	c, err := connectors.Open(ctx, salesforce.Product, cred, salesforce.WithBatchSize(500))
	if err != nil {
		t.Fatalf("salesforce with its own option: %v", err)
	}
	_ = c.Close()
}

func errorsIsCode(err error, code connectors.Code) bool {
	return err != nil && connectors.CodeOf(err) == code
}
