package credentials

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
)

// AuthType is how a credential authenticates.
type AuthType string

// The auth types.
const (
	AuthOAuth2      AuthType = "oauth2"
	AuthAPIKey      AuthType = "api_key"
	AuthBasic       AuthType = "basic"
	AuthCertificate AuthType = "certificate"
	AuthRaaS        AuthType = "raas"
)

// Status is a credential's lifecycle state.
type Status string

// The statuses.
const (
	StatusActive  Status = "active"
	StatusExpired Status = "expired"
	StatusRevoked Status = "revoked"
)

// Secret keys used by the auth types and grants. Vendors may read others
// (tenant, company_id ...); each vendor's doc.go lists what it reads.
const (
	KeyGrantType      = "grant_type"
	KeyClientID       = "client_id"
	KeyClientSecret   = "client_secret"
	KeyTokenURL       = "token_url"
	KeyRefreshToken   = "refresh_token"
	KeyAccessToken    = "access_token"
	KeyPrivateKey     = "private_key"
	KeySubject        = "subject"
	KeyAudience       = "audience"
	KeyCompanyID      = "company_id"
	KeyAPIKey         = "api_key"
	KeyAPISecret      = "api_secret"
	KeyUsername       = "username"
	KeyPassword       = "password"
	KeyCertFile       = "cert_file"
	KeyKeyFile        = "key_file"
	KeyPassphrase     = "passphrase"
	KeyCustomerAPIKey = "customer_api_key"
	KeyTenant         = "tenant"
)

// OAuth 2.0 grants selected by the grant_type secret (default refresh_token).
const (
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
	GrantJWTBearer         = "jwt_bearer"
	GrantSAML2Bearer       = "saml2_bearer"
	// GrantPassword is the resource owner password grant (RFC 6749
	// section 4.3), as UKG Pro WFM uses it.
	GrantPassword = "password"
)

// Secrets holds a credential's secret fields. It never prints its values:
// String, every fmt verb, JSON and slog all show the keys with masked values.
type Secrets map[string]string

// Credential is one customer's access to one product instance. Its secret
// fields are sealed at rest by the Manager; in memory they print redacted
// everywhere: String, %v, %+v, %#v, JSON and slog.
type Credential struct {
	ID          string
	ProjectID   string
	ProductID   string
	InstanceURL string
	AuthType    AuthType
	Secrets     Secrets
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: never
	LastUsed    time.Time // zero: never used
	Status      Status
}

// Clone returns a deep copy.
func (c *Credential) Clone() *Credential {
	if c == nil {
		return nil
	}
	out := *c
	out.Secrets = c.Secrets.Clone()
	return &out
}

// Get returns a secret field, trimmed of surrounding space.
func (c *Credential) Get(key string) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.Secrets[key])
}

// Grant returns the OAuth grant the credential uses: the grant_type
// secret; when it is empty, the one grant its product declares (password
// for ukg_wfm), else refresh_token.
func (c *Credential) Grant() string {
	if g := c.Get(KeyGrantType); g != "" {
		return g
	}
	if c != nil {
		if g := productGrant(c.ProductID); g != "" {
			return g
		}
	}
	return GrantRefreshToken
}

// Expired reports whether the credential has an expiry that is not after now.
func (c *Credential) Expired(now time.Time) bool {
	return !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(now)
}

// SecretValues returns every secret value, for scrubbing.
func (c *Credential) SecretValues() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.Secrets))
	for k, v := range c.Secrets {
		if isMetadataKey(k) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// isMetadataKey names secret fields that are configuration rather than
// secrets, so scrubbing them would only mangle messages.
func isMetadataKey(k string) bool {
	switch k {
	case KeyGrantType, KeyTokenURL, KeyTenant, KeyAudience, KeyCertFile, KeyKeyFile, KeyAuthChain, KeySAPClient:
		return true
	}
	return false
}

// required lists the secret fields each auth type (and OAuth grant) needs.
func required(auth AuthType, grant string) ([]string, error) {
	switch auth {
	case AuthOAuth2:
		switch grant {
		case GrantRefreshToken:
			return []string{KeyClientID, KeyClientSecret, KeyTokenURL, KeyRefreshToken}, nil
		case GrantClientCredentials:
			return []string{KeyClientID, KeyClientSecret, KeyTokenURL}, nil
		case GrantJWTBearer:
			return []string{KeyClientID, KeyTokenURL, KeyPrivateKey, KeySubject}, nil
		case GrantSAML2Bearer:
			return []string{KeyClientID, KeyTokenURL, KeyPrivateKey, KeySubject, KeyCompanyID}, nil
		case GrantPassword:
			return []string{KeyClientID, KeyClientSecret, KeyTokenURL, KeyUsername, KeyPassword}, nil
		}
		return nil, fmt.Errorf("grant_type is not a known OAuth grant (%s; want %s, %s, %s, %s or %s)", unquoted(grant),
			GrantRefreshToken, GrantClientCredentials, GrantJWTBearer, GrantSAML2Bearer, GrantPassword)
	case AuthAPIKey:
		return []string{KeyAPIKey, KeyAPISecret}, nil
	case AuthBasic:
		return []string{KeyUsername, KeyPassword}, nil
	case AuthCertificate:
		return []string{KeyCertFile, KeyKeyFile, KeyPassphrase}, nil
	case AuthRaaS:
		return []string{KeyAPIKey, KeyUsername, KeyPassword, KeyCustomerAPIKey}, nil
	case "":
		return nil, fmt.Errorf("auth type is empty (want %s, %s, %s, %s or %s)",
			AuthOAuth2, AuthAPIKey, AuthBasic, AuthCertificate, AuthRaaS)
	}
	return nil, fmt.Errorf("auth type is not a known one (%s; want %s, %s, %s, %s or %s)", unquoted(string(auth)),
		AuthOAuth2, AuthAPIKey, AuthBasic, AuthCertificate, AuthRaaS)
}

// unquoted describes a value that failed validation without quoting it:
// a secret pasted into the wrong field must not reach an error message.
func unquoted(v string) string {
	return fmt.Sprintf("a value of %d characters, not shown", len(v))
}

// RequiredSecrets returns the secret fields the credential's auth type and
// grant need.
func RequiredSecrets(auth AuthType, grant string) ([]string, error) {
	if grant == "" {
		grant = GrantRefreshToken
	}
	return required(auth, grant)
}

// Validate checks the fields the credential needs and names every missing
// one in a single INVALID_ARGUMENT error (Details["missing"] lists them).
// For a declared product (see RegisterProduct; every product of DESIGN's
// table is) that is what the product reads for the auth type and grant:
// "ukg_ready with api_key needs company", and an auth type or grant the
// product does not take is refused. For any other product it is what the
// auth type and grant need.
func (c *Credential) Validate() error {
	if c == nil {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: "credential is nil"}
	}
	need, pa, err := c.need()
	if err != nil {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: "credential " + c.label() + ": " + err.Error()}
	}
	if c.Status != "" && c.Status != StatusActive && c.Status != StatusExpired && c.Status != StatusRevoked {
		return &errs.Error{Code: errs.CodeInvalidArgument,
			Message: fmt.Sprintf("credential %s: unknown status (%s)", c.label(), unquoted(string(c.Status)))}
	}
	if missing := c.missing(need); len(missing) > 0 {
		what := string(c.AuthType)
		if c.AuthType == AuthOAuth2 {
			what += " (" + c.Grant() + " grant)"
		}
		if pa != nil {
			what = c.ProductID + " with " + what
		}
		return validationErr(c, what, missing)
	}
	return nil
}

func (c *Credential) label() string {
	if c.ID != "" {
		return fmt.Sprintf("%q", c.ID)
	}
	if c.ProductID != "" {
		return "for " + c.ProductID
	}
	return "(no id)"
}

// String renders the credential with its secret values masked.
func (c *Credential) String() string {
	if c == nil {
		return "<nil credential>"
	}
	return fmt.Sprintf("Credential{ID:%q ProjectID:%q ProductID:%q InstanceURL:%q AuthType:%q Status:%q Secrets:%s}",
		c.ID, c.ProjectID, c.ProductID, c.InstanceURL, c.AuthType, c.Status, c.Secrets.String())
}

// GoString keeps %#v redacted.
func (c *Credential) GoString() string { return c.String() }

// Format renders the redacted String for every verb.
func (c *Credential) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// MarshalJSON encodes the metadata and the secret keys, never their values.
// Stores use their own record type, not this.
func (c *Credential) MarshalJSON() ([]byte, error) {
	type view struct {
		ID          string     `json:"id,omitempty"`
		ProjectID   string     `json:"project_id,omitempty"`
		ProductID   string     `json:"product_id,omitempty"`
		InstanceURL string     `json:"instance_url,omitempty"`
		AuthType    AuthType   `json:"auth_type,omitempty"`
		Secrets     Secrets    `json:"secrets,omitempty"`
		CreatedAt   *time.Time `json:"created_at,omitempty"`
		ExpiresAt   *time.Time `json:"expires_at,omitempty"`
		LastUsed    *time.Time `json:"last_used,omitempty"`
		Status      Status     `json:"status,omitempty"`
	}
	return json.Marshal(view{ID: c.ID, ProjectID: c.ProjectID, ProductID: c.ProductID, InstanceURL: c.InstanceURL,
		AuthType: c.AuthType, Secrets: c.Secrets, CreatedAt: timePtr(c.CreatedAt), ExpiresAt: timePtr(c.ExpiresAt),
		LastUsed: timePtr(c.LastUsed), Status: c.Status})
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// LogValue renders the credential for slog with secrets masked.
func (c *Credential) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil credential>")
	}
	return slog.GroupValue(
		slog.String("id", c.ID), slog.String("project_id", c.ProjectID), slog.String("product_id", c.ProductID),
		slog.String("instance_url", c.InstanceURL), slog.String("auth_type", string(c.AuthType)),
		slog.String("status", string(c.Status)), slog.Any("secrets", c.Secrets))
}

// Clone returns a copy of the map.
func (s Secrets) Clone() Secrets {
	if s == nil {
		return nil
	}
	out := make(Secrets, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

// Keys returns the secret field names, sorted.
func (s Secrets) Keys() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String lists the keys with masked values.
func (s Secrets) String() string {
	keys := s.Keys()
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(k)
		b.WriteString(":")
		if k == KeyGrantType && knownGrant(s[k]) {
			b.WriteString(s[k]) // a grant's name is configuration, not a secret
			continue
		}
		b.WriteString(redact.Mask)
	}
	b.WriteString("}")
	return b.String()
}

// GoString keeps %#v redacted.
func (s Secrets) GoString() string { return "credentials.Secrets" + s.String() }

// Format renders the redacted String for every verb.
func (s Secrets) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s.String()) }

// MarshalJSON encodes the keys with masked values.
func (s Secrets) MarshalJSON() ([]byte, error) {
	out := make(map[string]string, len(s))
	for k, v := range s {
		if k == KeyGrantType && knownGrant(v) {
			out[k] = v
			continue
		}
		out[k] = redact.Mask
	}
	return json.Marshal(out)
}

// LogValue renders the keys with masked values for slog.
func (s Secrets) LogValue() slog.Value { return slog.StringValue(s.String()) }

func knownGrant(g string) bool {
	switch g {
	case GrantRefreshToken, GrantClientCredentials, GrantJWTBearer, GrantSAML2Bearer, GrantPassword:
		return true
	}
	return false
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	_, _ = f.Write([]byte(s))
}
