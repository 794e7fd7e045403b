package credentials

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

// TestPerProductValidation: every product of DESIGN's table validates by
// its own keys: a complete credential passes, each missing key is named,
// and an auth type or grant the product does not take is refused.
func TestPerProductValidation(t *testing.T) {
	pem := "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"
	cases := []struct {
		product string
		auth    AuthType
		secrets Secrets
		url     string
	}{
		{"salesforce", AuthOAuth2, Secrets{KeyClientID: "c", KeyClientSecret: "s", KeyTokenURL: "https://x/t", KeyRefreshToken: "r"}, ""},
		{"salesforce", AuthOAuth2, Secrets{KeyGrantType: GrantJWTBearer, KeyClientID: "c", KeyTokenURL: "https://x/t", KeyPrivateKey: pem, KeySubject: "u"}, ""},
		{"workday_hcm", AuthOAuth2, Secrets{KeyClientID: "c", KeyClientSecret: "s", KeyTokenURL: "https://x/t", KeyRefreshToken: "r"}, ""},
		{"workday_fins", AuthBasic, Secrets{KeyUsername: "u", KeyPassword: "p"}, ""},
		{"oracle_hcm", AuthBasic, Secrets{KeyUsername: "u", KeyPassword: "p"}, ""},
		{"oracle_erp", AuthOAuth2, Secrets{KeyGrantType: GrantClientCredentials, KeyClientID: "c", KeyClientSecret: "s", KeyTokenURL: "https://x/t"}, ""},
		{"sap_sf", AuthOAuth2, Secrets{KeyGrantType: GrantSAML2Bearer, KeyClientID: "c", KeyCompanyID: "co", KeyUserID: "u", KeyPrivateKey: pem, KeyTokenURL: "https://x/t"}, ""},
		{"sap_sf", AuthBasic, Secrets{KeyUsername: "u@co", KeyPassword: "p"}, ""},
		{"sap_s4", AuthCertificate, Secrets{KeyCertFile: "/c", KeyKeyFile: "/k", KeyPassphrase: "p"}, ""},
		{"ukg_pro", AuthRaaS, Secrets{KeyUsername: "u", KeyPassword: "p", KeyCustomerAPIKey: "ck", KeyAPIKey: "uk"}, ""},
		{"ukg_wfm", AuthOAuth2, Secrets{KeyUsername: "u", KeyPassword: "p", KeyClientID: "c", KeyClientSecret: "s"}, "https://t.mykronos.com"},
		{"ukg_ready", AuthAPIKey, Secrets{KeyAPIKey: "k", KeyUsername: "u", KeyPassword: "p", KeyCompany: "ACME"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.product+"/"+string(tc.auth), func(t *testing.T) {
			c := &Credential{ProjectID: "p", ProductID: tc.product, AuthType: tc.auth, Secrets: tc.secrets.Clone(), InstanceURL: tc.url}
			if err := c.Validate(); err != nil {
				t.Fatalf("complete credential: %v", err)
			}
			pa, _, _ := c.productAuth()
			if pa == nil {
				t.Fatal("not declared")
			}
			for _, k := range pa.Required {
				d := c.Clone()
				for _, alt := range strings.Split(k, "|") {
					delete(d.Secrets, alt)
				}
				err := d.Validate()
				wantErr(t, err, errs.CodeInvalidArgument, nil)
				first, _, _ := strings.Cut(k, "|")
				e := asErr(err)
				if got, _ := e.Details["missing"].([]string); !cmp.Equal(got, []string{first}) {
					t.Errorf("without %s: missing %v (%v)", k, got, err)
				}
				if !strings.Contains(err.Error(), tc.product) {
					t.Errorf("without %s: the error does not name the product: %v", k, err)
				}
			}
		})
	}
	// UKG Ready: an api_key credential without api_secret, and what is
	// missing named for Ready.
	ready := &Credential{ProductID: "ukg_ready", AuthType: AuthAPIKey, Secrets: Secrets{KeyAPIKey: "k", KeyUsername: "u"}}
	err := ready.Validate()
	if got, _ := asErr(err).Details["missing"].([]string); !cmp.Equal(got, []string{KeyPassword, KeyCompany}) {
		t.Errorf("ukg_ready: missing %v (%v)", got, err)
	}
	// UKG WFM: the password grant is the default; the token URL comes from
	// the instance URL, and without one token_url is needed.
	wfm := &Credential{ProductID: "ukg_wfm", AuthType: AuthOAuth2, Secrets: Secrets{KeyUsername: "u", KeyPassword: "p", KeyClientID: "c", KeyClientSecret: "s"}}
	if wfm.Grant() != GrantPassword {
		t.Errorf("ukg_wfm default grant %s", wfm.Grant())
	}
	if got, _ := asErr(wfm.Validate()).Details["missing"].([]string); !cmp.Equal(got, []string{KeyTokenURL}) {
		t.Errorf("ukg_wfm without instance URL: missing %v", got)
	}
	// Refused auth types and grants name what the product takes.
	for _, c := range []*Credential{
		{ProductID: "ukg_ready", AuthType: AuthBasic, Secrets: Secrets{KeyUsername: "u", KeyPassword: "p"}},
		{ProductID: "ukg_wfm", AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: GrantRefreshToken, KeyClientID: "c"}},
		{ProductID: "salesforce", AuthType: AuthOAuth2, Secrets: Secrets{KeyGrantType: GrantPassword}},
	} {
		err := c.Validate()
		wantErr(t, err, errs.CodeInvalidArgument, nil)
		if !strings.Contains(err.Error(), "accept") && !strings.Contains(err.Error(), "uses the") {
			t.Errorf("%s: %v", c.ProductID, err)
		}
	}
	// An undeclared product keeps the auth type's rules.
	other := &Credential{ProductID: "example_api", AuthType: AuthAPIKey, Secrets: Secrets{KeyAPIKey: "k"}}
	if got, _ := asErr(other.Validate()).Details["missing"].([]string); !cmp.Equal(got, []string{KeyAPISecret}) {
		t.Errorf("undeclared product: missing %v", got)
	}
}

// TestRegisterProduct: a vendor's declaration replaces the built-in one;
// malformed declarations are refused.
func TestRegisterProduct(t *testing.T) {
	if err := RegisterProduct("test_vendor_x", ProductAuth{AuthType: AuthAPIKey, Required: []string{KeyAPIKey, "tenant_code"}}); err != nil {
		t.Fatal(err)
	}
	c := &Credential{ProductID: "test_vendor_x", AuthType: AuthAPIKey, Secrets: Secrets{KeyAPIKey: "k"}}
	if got, _ := asErr(c.Validate()).Details["missing"].([]string); !slices.Equal(got, []string{"tenant_code"}) {
		t.Errorf("missing %v", got)
	}
	for _, bad := range [][]ProductAuth{
		nil,
		{{AuthType: "kerberos"}},
		{{AuthType: AuthOAuth2, Grant: "device_code"}},
		{{AuthType: AuthBasic, Grant: GrantPassword}},
		{{AuthType: AuthBasic, Required: []string{"a|"}}},
	} {
		if err := RegisterProduct("test_vendor_y", bad...); errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// TestPasswordGrant: UKG WFM's login (password grant with auth_chain and
// the appkey header) through the Manager's token source, its refresh with
// the persisted refresh token, and a new login once the refresh token has
// expired.
func TestPasswordGrant(t *testing.T) {
	ctx := testCtx(t)
	srv := newTokenServer(t)
	m := mustManager(t, NewMemoryStore(), mustKeyring(t, mustKey(t)), WithTokenClient(tokenClient(t, srv, nil)))
	id, err := m.Store(ctx, &Credential{ProjectID: "p", ProductID: "ukg_wfm", AuthType: AuthOAuth2, InstanceURL: srv.srv.URL,
		Secrets: Secrets{KeyUsername: "wfm-user", KeyPassword: testPassword, KeyClientID: testClientID,
			KeyClientSecret: testClientSecret, KeyAppKey: "SECRET-appkey-42"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.TokenSource(ctx, id).Token(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Refresh(ctx, id); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	clear(srv.refresh) // refresh tokens expire after seven days
	srv.mu.Unlock()
	if _, err := m.Refresh(ctx, id); err != nil {
		t.Fatalf("after the refresh token expired: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var grants []string
	for i, f := range srv.forms {
		grants = append(grants, f.Get("grant_type"))
		if f.Get("auth_chain") != "OAuthLdapService" || f.Get("client_id") != testClientID {
			t.Errorf("call %d: form %v", i, f.Encode())
		}
		if srv.appkeys[i] != "SECRET-appkey-42" {
			t.Errorf("call %d: appkey %q", i, srv.appkeys[i])
		}
	}
	if want := []string{"password", "refresh_token", "refresh_token", "password"}; !slices.Equal(grants, want) {
		t.Errorf("grants %v, want %v", grants, want)
	}
}
