package connectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
)

// stub is a minimal Connector for registry tests.
type stub struct {
	product string
	opts    connectors.Options
}

func (s *stub) Product() string                                 { return s.product }
func (s *stub) Connect(context.Context) error                   { return nil }
func (s *stub) Close() error                                    { return nil }
func (s *stub) Test(context.Context) (connectors.Status, error) { return connectors.Status{}, nil }
func (s *stub) Entities(context.Context) ([]string, error)      { return nil, nil }
func (s *stub) Schema(context.Context, string) (connectors.EntitySchema, error) {
	return connectors.EntitySchema{}, nil
}
func (s *stub) Get(context.Context, connectors.Query) iter.Seq2[connectors.Record, error] { return nil }
func (s *stub) Query(context.Context, string) iter.Seq2[connectors.Record, error]         { return nil }
func (s *stub) Capabilities() []connectors.Capability                                     { return nil }
func (s *stub) Execute(context.Context, string, map[string]any) (map[string]any, error) {
	return nil, nil
}
func (s *stub) As(target any) bool {
	if p, ok := target.(**stub); ok {
		*p = s
		return true
	}
	return false
}

// bulkStub adds an optional interface.
type bulkStub struct{ stub }

func (b *bulkStub) StartExport(context.Context, connectors.Query) (connectors.JobStatus, error) {
	return connectors.JobStatus{ID: "j1"}, nil
}
func (b *bulkStub) ExportStatus(context.Context, string) (connectors.JobStatus, error) {
	return connectors.JobStatus{}, nil
}
func (b *bulkStub) ExportResults(context.Context, string) iter.Seq2[connectors.Record, error] {
	return nil
}

// wrapper decorates a connector and unwraps to it.
type wrapper struct{ connectors.Connector }

func (w wrapper) Unwrap() connectors.Connector { return w.Connector }

type apiVersion string

func init() {
	connectors.Register("test_stub", func(ctx context.Context, cred *credentials.Credential, opts ...connectors.Option) (connectors.Connector, error) {
		return &stub{product: "test_stub", opts: connectors.ApplyOptions(opts...)}, nil
	})
}

func TestRegistry(t *testing.T) {
	ctx := context.Background()
	found := false
	for _, p := range connectors.Products() {
		found = found || p == "test_stub"
	}
	if !found {
		t.Fatal("Products() lacks test_stub")
	}
	_, err := connectors.Open(ctx, "no_such_product", nil)
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeInvalidArgument || !strings.Contains(e.Message, "test_stub") || !strings.Contains(e.Message, "forgotten import") {
		t.Errorf("unknown product: %v", err)
	}
	c, err := connectors.Open(ctx, "test_stub", nil, connectors.VendorOption(apiVersion("60.0")), connectors.WithRateLimit(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	o := c.(*stub).opts
	if v, ok := connectors.VendorValue[apiVersion](o); !ok || v != "60.0" || o.RateLimit != 3 || o.Logger == nil {
		t.Errorf("options %+v", o)
	}
	// A credential for another product, a revoked one, and one missing fields.
	for name, cred := range map[string]*credentials.Credential{
		"other product": {ID: "c1", ProductID: "salesforce", AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{"username": "u", "password": "p"}},
		"revoked":       {ID: "c2", AuthType: credentials.AuthBasic, Status: credentials.StatusRevoked, Secrets: credentials.Secrets{"username": "u", "password": "p"}},
		"incomplete":    {ID: "c3", AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"client_id": "x"}},
	} {
		if _, err := connectors.Open(ctx, "test_stub", cred); err == nil {
			t.Errorf("%s credential accepted", name)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a duplicate Register did not panic")
		}
	}()
	connectors.Register("test_stub", func(context.Context, *credentials.Credential, ...connectors.Option) (connectors.Connector, error) {
		return nil, nil
	})
}

func TestRegisterRejectsNil(t *testing.T) {
	for name, f := range map[string]func(){
		"nil opener": func() { connectors.Register("x_nil", nil) },
		"empty id": func() {
			connectors.Register(" ", func(context.Context, *credentials.Credential, ...connectors.Option) (connectors.Connector, error) {
				return nil, nil
			})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestFindAndAsThroughWrappers(t *testing.T) {
	inner := &bulkStub{stub{product: "p"}}
	var c connectors.Connector = wrapper{wrapper{inner}}
	be, ok := connectors.Find[connectors.BulkExporter](c)
	if !ok || be != inner {
		t.Error("Find did not reach the BulkExporter under two wrappers")
	}
	if _, ok := connectors.Find[connectors.Explainer](c); ok {
		t.Error("Find found an Explainer that is not there")
	}
	var s *stub
	if !connectors.As(c, &s) || s != &inner.stub {
		t.Error("As did not reach the vendor value")
	}
	var wrong *bulkStub
	if connectors.As(c, &wrong) {
		t.Error("As set an unsupported target")
	}
}

func TestCredentialValidate(t *testing.T) {
	cases := []struct {
		cred    credentials.Credential
		missing []string
	}{
		{credentials.Credential{AuthType: credentials.AuthOAuth2}, []string{"client_id", "client_secret", "token_url", "refresh_token"}},
		{credentials.Credential{AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"grant_type": "client_credentials", "client_id": "a"}}, []string{"client_secret", "token_url"}},
		{credentials.Credential{AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"grant_type": "jwt_bearer"}}, []string{"client_id", "token_url", "private_key", "subject"}},
		{credentials.Credential{AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"grant_type": "saml2_bearer", "client_id": "a", "token_url": "b", "private_key": "c", "subject": " "}}, []string{"subject", "company_id"}},
		{credentials.Credential{AuthType: credentials.AuthAPIKey}, []string{"api_key", "api_secret"}},
		{credentials.Credential{AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{"username": "u"}}, []string{"password"}},
		{credentials.Credential{AuthType: credentials.AuthCertificate}, []string{"cert_file", "key_file", "passphrase"}},
		{credentials.Credential{AuthType: credentials.AuthRaaS}, []string{"api_key", "username", "password", "customer_api_key"}},
	}
	for _, tc := range cases {
		err := tc.cred.Validate()
		var e *connectors.Error
		if !errors.As(err, &e) || e.Code != connectors.CodeInvalidArgument {
			t.Errorf("%s: %v", tc.cred.AuthType, err)
			continue
		}
		if got := fmt.Sprint(e.Details["missing"]); got != fmt.Sprint(tc.missing) {
			t.Errorf("%s %s: missing %s, want %v", tc.cred.AuthType, tc.cred.Grant(), got, tc.missing)
		}
		for _, m := range tc.missing {
			if !strings.Contains(e.Message, m) {
				t.Errorf("message %q does not name %s", e.Message, m)
			}
		}
	}
	for _, bad := range []credentials.Credential{{}, {AuthType: "kerberos"}, {AuthType: credentials.AuthOAuth2, Secrets: credentials.Secrets{"grant_type": "password"}}} {
		if err := bad.Validate(); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("%+v: %v", bad.AuthType, err)
		}
	}
	if err := (*credentials.Credential)(nil).Validate(); err == nil {
		t.Error("nil credential")
	}
	ok := credentials.Credential{AuthType: credentials.AuthBasic, Secrets: credentials.Secrets{"username": "u", "password": "p"}}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}

func TestCredentialRedaction(t *testing.T) {
	cred := &credentials.Credential{ID: "cred-1", ProductID: "salesforce", AuthType: credentials.AuthOAuth2,
		InstanceURL: "https://acme.my.salesforce.com",
		Secrets: credentials.Secrets{"client_id": "CLIENTID-abc123", "client_secret": "CLIENTSECRET-xyz789",
			"refresh_token": "REFRESH-5aa5", "token_url": "https://login.salesforce.com/services/oauth2/token", "grant_type": "refresh_token"}}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("cred", "c", cred, "s", cred.Secrets)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("cred", "c", cred, "s", cred.Secrets)
	j1, _ := json.Marshal(cred)
	j2, _ := json.Marshal(*cred)
	j3, _ := json.Marshal(cred.Secrets)
	renders := []string{
		cred.String(), fmt.Sprint(cred), fmt.Sprintf("%v %+v %#v %s %q", cred, cred, cred, cred, cred),
		fmt.Sprintf("%v %+v %#v", *cred, *cred, *cred), fmt.Sprintf("%v %+v %#v %s", cred.Secrets, cred.Secrets, cred.Secrets, cred.Secrets),
		fmt.Sprintf("%+v", struct{ C *credentials.Credential }{cred}), fmt.Sprintf("%+v", []any{cred.Secrets}),
		string(j1), string(j2), string(j3), logBuf.String(),
	}
	for _, r := range renders {
		for _, secret := range []string{"CLIENTID-abc123", "CLIENTSECRET-xyz789", "REFRESH-5aa5", "login.salesforce.com"} {
			if strings.Contains(r, secret) {
				t.Errorf("rendering leaks %q: %s", secret[:6], r)
			}
		}
	}
	if !strings.Contains(cred.String(), "client_secret:[REDACTED]") || !strings.Contains(cred.String(), "grant_type:refresh_token") {
		t.Errorf("String() = %s", cred.String())
	}
	cp := cred.Clone()
	cp.Secrets["client_secret"] = "changed"
	if cred.Secrets["client_secret"] == "changed" {
		t.Error("Clone shares Secrets")
	}
}
