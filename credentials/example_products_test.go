package credentials_test

import (
	"fmt"

	"github.com/xlr8/connectors/credentials"
)

// Validation is per product: UKG Ready's api_key credential needs the
// company and the user, and no api_secret; a vendor package declares its
// own product the same way, in its init.
func ExampleRegisterProduct() {
	ready := &credentials.Credential{ID: "acme-ready", ProductID: "ukg_ready", AuthType: credentials.AuthAPIKey,
		Secrets: credentials.Secrets{credentials.KeyAPIKey: "k", credentials.KeyUsername: "svc"}}
	fmt.Println(ready.Validate())

	credentials.MustRegisterProduct("example_hris", credentials.ProductAuth{
		AuthType: credentials.AuthBasic, Required: []string{credentials.KeyUsername, credentials.KeyPassword, "tenant_code"}})
	c := &credentials.Credential{ID: "acme-hris", ProductID: "example_hris", AuthType: credentials.AuthBasic,
		Secrets: credentials.Secrets{credentials.KeyUsername: "svc", credentials.KeyPassword: "pw"}}
	fmt.Println(c.Validate())
	c.AuthType = credentials.AuthAPIKey
	fmt.Println(c.Validate())
	// Output:
	// INVALID_ARGUMENT: credential "acme-ready": ukg_ready with api_key needs password, company
	// INVALID_ARGUMENT: credential "acme-hris": example_hris with basic needs tenant_code
	// INVALID_ARGUMENT: credential "acme-hris": example_hris does not accept auth type api_key (it accepts basic)
}
