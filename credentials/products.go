package credentials

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/xlr8/connectors/internal/errs"
)

// ProductAuth declares what a product reads for one auth type (and, for
// oauth2, one grant): the secret keys it needs, the ones it reads when
// present, and defaults for absent ones. Validation of a credential for a
// declared product follows its declaration, so that it names exactly the
// keys missing for that product (UKG Ready's api_key credential needs
// company, username and password, and no api_secret).
type ProductAuth struct {
	AuthType AuthType
	// Grant is the OAuth grant (oauth2 only), as in the grant_type secret.
	Grant string
	// Required are the secret keys that must be set. "a|b" is satisfied by
	// either key (the first is the one named when both are missing).
	Required []string
	// Optional are keys the product reads when they are set.
	Optional []string
	// Defaults are values used for absent keys (UKG WFM's auth_chain).
	Defaults map[string]string
	// TokenPath, for oauth2, is the token endpoint's path under the
	// credential's InstanceURL, used when token_url is not set (UKG WFM's
	// /api/authentication/access_token); token_url is then not required.
	TokenPath string
}

var registry = struct {
	sync.RWMutex
	products map[string][]ProductAuth
}{products: map[string][]ProductAuth{}}

// RegisterProduct declares the auth types a product accepts and what each
// needs, replacing any earlier declaration of the product (this package
// declares the products of DESIGN's table itself, so that validation is
// per product even in a host that does not link the vendor package; a
// vendor package may declare its product again in its init, and its
// declaration wins). A declaration with no auth type, an unknown auth type
// or grant, or an empty key is an INVALID_ARGUMENT error.
func RegisterProduct(product string, auths ...ProductAuth) error {
	if strings.TrimSpace(product) == "" {
		return invalidf("registering a product: empty product id")
	}
	if len(auths) == 0 {
		return invalidf("registering product %s: no auth type", product)
	}
	out := make([]ProductAuth, len(auths))
	for i, a := range auths {
		if _, err := required(a.AuthType, grantOrDefault(a.AuthType, a.Grant)); err != nil {
			return invalidf("registering product %s: %s", product, err.Error())
		}
		if a.AuthType != AuthOAuth2 && (a.Grant != "" || a.TokenPath != "") {
			return invalidf("registering product %s: a grant or token path for auth type %s", product, a.AuthType)
		}
		for _, k := range slices.Concat(a.Required, a.Optional) {
			for _, alt := range strings.Split(k, "|") {
				if strings.TrimSpace(alt) == "" {
					return invalidf("registering product %s: an empty secret key for auth type %s", product, a.AuthType)
				}
			}
		}
		a.Required = slices.Clone(a.Required)
		a.Optional = slices.Clone(a.Optional)
		if a.Defaults != nil {
			d := make(map[string]string, len(a.Defaults))
			for k, v := range a.Defaults {
				d[k] = v
			}
			a.Defaults = d
		}
		out[i] = a
	}
	registry.Lock()
	registry.products[product] = out
	registry.Unlock()
	return nil
}

// MustRegisterProduct is RegisterProduct for init functions: it panics on
// a malformed declaration (a programming error, never input).
func MustRegisterProduct(product string, auths ...ProductAuth) {
	if err := RegisterProduct(product, auths...); err != nil {
		panic(err)
	}
}

// ProductAuths returns a copy of the declaration of a product, nil if it
// has none.
func ProductAuths(product string) []ProductAuth {
	registry.RLock()
	defer registry.RUnlock()
	list := registry.products[product]
	if list == nil {
		return nil
	}
	out := make([]ProductAuth, len(list))
	for i, a := range list {
		a.Required, a.Optional = slices.Clone(a.Required), slices.Clone(a.Optional)
		out[i] = a
	}
	return out
}

func grantOrDefault(auth AuthType, g string) string {
	if auth == AuthOAuth2 && g == "" {
		return GrantRefreshToken
	}
	return g
}

// productAuth returns the declaration matching the credential's auth type
// and grant. declared reports whether the product is declared at all.
func (c *Credential) productAuth() (pa *ProductAuth, declared bool, err error) {
	registry.RLock()
	list := registry.products[c.ProductID]
	registry.RUnlock()
	if list == nil {
		return nil, false, nil
	}
	var auths, grants []string
	for i := range list {
		a := &list[i]
		if a.AuthType != c.AuthType {
			if !slices.Contains(auths, string(a.AuthType)) {
				auths = append(auths, string(a.AuthType))
			}
			continue
		}
		if a.AuthType != AuthOAuth2 || grantOrDefault(AuthOAuth2, a.Grant) == c.Grant() {
			return a, true, nil
		}
		grants = append(grants, grantOrDefault(AuthOAuth2, a.Grant))
	}
	if len(grants) > 0 {
		known := "grant_type " + c.Grant()
		if !knownGrant(c.Grant()) {
			known = "this grant_type (" + unquoted(c.Grant()) + ")"
		}
		return nil, true, fmt.Errorf("%s with oauth2 uses the %s grant, not %s", c.ProductID, strings.Join(grants, " or "), known)
	}
	sort.Strings(auths)
	what := "auth type " + string(c.AuthType)
	if _, err := required(c.AuthType, grantOrDefault(c.AuthType, "")); err != nil {
		what = "this auth type (" + unquoted(string(c.AuthType)) + ")"
	}
	return nil, true, fmt.Errorf("%s does not accept %s (it accepts %s)", c.ProductID, what, strings.Join(auths, ", "))
}

// productGrant is the grant of a declared product whose oauth2 declaration
// names exactly one grant: the default when grant_type is not set.
func productGrant(product string) string {
	registry.RLock()
	defer registry.RUnlock()
	g := ""
	for _, a := range registry.products[product] {
		if a.AuthType != AuthOAuth2 {
			continue
		}
		if g != "" {
			return ""
		}
		g = grantOrDefault(AuthOAuth2, a.Grant)
	}
	return g
}

// need returns the keys a credential must have: its product's declaration
// when it has one, else its auth type's and grant's. "a|b" entries mean
// either key.
func (c *Credential) need() (keys []string, pa *ProductAuth, err error) {
	pa, declared, err := c.productAuth()
	if err != nil {
		return nil, nil, err
	}
	if declared {
		keys = slices.Clone(pa.Required)
		if pa.TokenPath != "" && c.InstanceURL == "" {
			keys = append(keys, KeyTokenURL)
		}
		return keys, pa, nil
	}
	keys, err = required(c.AuthType, c.Grant())
	return keys, nil, err
}

// missing returns the keys of need that the credential lacks, each "a|b"
// entry named by its first key.
func (c *Credential) missing(need []string) []string {
	var out []string
	for _, k := range need {
		found := false
		for _, alt := range strings.Split(k, "|") {
			if c.Get(alt) != "" {
				found = true
				break
			}
		}
		if !found {
			first, _, _ := strings.Cut(k, "|")
			out = append(out, first)
		}
	}
	return out
}

// value returns a secret field, or the product's default for it.
func (c *Credential) value(pa *ProductAuth, key string) string {
	if v := c.Get(key); v != "" {
		return v
	}
	if pa != nil {
		return pa.Defaults[key]
	}
	return ""
}

// tokenURL returns the credential's token endpoint: token_url, else the
// product's token path under InstanceURL.
func (c *Credential) tokenURL(pa *ProductAuth) string {
	if u := c.Get(KeyTokenURL); u != "" {
		return u
	}
	if pa != nil && pa.TokenPath != "" && c.InstanceURL != "" {
		return strings.TrimRight(c.InstanceURL, "/") + pa.TokenPath
	}
	return ""
}

func validationErr(c *Credential, what string, missing []string) error {
	return (&errs.Error{Code: errs.CodeInvalidArgument,
		Message: fmt.Sprintf("credential %s: %s needs %s", c.label(), what, strings.Join(missing, ", "))}).
		WithDetail("missing", missing)
}

// Secret keys the declared products read besides the auth types' own.
const (
	KeyAppKey    = "appkey"     // UKG WFM's application key (optional)
	KeyAuthChain = "auth_chain" // UKG WFM's authentication chain (default OAuthLdapService)
	KeyCompany   = "company"    // UKG Ready's company short name
	KeyUserID    = "user_id"    // SuccessFactors' user id, the SAML NameID (alias of subject)
	KeySAPClient = "sap_client" // S/4HANA's client number (optional)
)

// The products of DESIGN.md's table ("What each product reads and
// returns"), declared here so that validation is per product in every
// host; each vendor's doc.go lists the same keys.
func init() {
	basic := ProductAuth{AuthType: AuthBasic, Required: []string{KeyUsername, KeyPassword}}
	refresh := ProductAuth{AuthType: AuthOAuth2, Grant: GrantRefreshToken,
		Required: []string{KeyClientID, KeyClientSecret, KeyTokenURL, KeyRefreshToken}, Optional: []string{KeyScope}}
	clientCreds := ProductAuth{AuthType: AuthOAuth2, Grant: GrantClientCredentials,
		Required: []string{KeyClientID, KeyClientSecret, KeyTokenURL}, Optional: []string{KeyScope}}
	jwt := ProductAuth{AuthType: AuthOAuth2, Grant: GrantJWTBearer,
		Required: []string{KeyClientID, KeyTokenURL, KeyPrivateKey, KeySubject}, Optional: []string{KeyAudience}}

	MustRegisterProduct("salesforce", refresh, clientCreds, jwt)
	workday := []ProductAuth{
		{AuthType: AuthOAuth2, Grant: GrantRefreshToken,
			Required: []string{KeyClientID, KeyClientSecret, KeyTokenURL, KeyRefreshToken},
			Optional: []string{KeyTenant, "report_owner"}},
		{AuthType: AuthBasic, Required: []string{KeyUsername, KeyPassword}, Optional: []string{KeyTenant, "report_owner"}},
	}
	MustRegisterProduct("workday_hcm", workday...)
	MustRegisterProduct("workday_fins", workday...)
	for _, p := range []string{"oracle_hcm", "oracle_erp"} {
		MustRegisterProduct(p, basic, clientCreds, jwt)
	}
	MustRegisterProduct("sap_sf", basic, ProductAuth{AuthType: AuthOAuth2, Grant: GrantSAML2Bearer,
		Required: []string{KeyClientID, KeyCompanyID, KeyUserID + "|" + KeySubject, KeyPrivateKey, KeyTokenURL},
		Optional: []string{KeyAudience}})
	MustRegisterProduct("sap_s4",
		ProductAuth{AuthType: AuthBasic, Required: []string{KeyUsername, KeyPassword}, Optional: []string{KeySAPClient}},
		ProductAuth{AuthType: AuthOAuth2, Grant: GrantClientCredentials,
			Required: []string{KeyClientID, KeyClientSecret, KeyTokenURL}, Optional: []string{KeyScope, KeySAPClient}},
		ProductAuth{AuthType: AuthCertificate, Required: []string{KeyCertFile, KeyKeyFile, KeyPassphrase},
			Optional: []string{KeySAPClient}})
	MustRegisterProduct("ukg_pro", ProductAuth{AuthType: AuthRaaS,
		Required: []string{KeyUsername, KeyPassword, KeyCustomerAPIKey, KeyAPIKey}})
	MustRegisterProduct("ukg_wfm", ProductAuth{AuthType: AuthOAuth2, Grant: GrantPassword,
		Required:  []string{KeyUsername, KeyPassword, KeyClientID, KeyClientSecret},
		Optional:  []string{KeyAppKey, KeyAuthChain, KeyTokenURL, KeyRefreshToken},
		Defaults:  map[string]string{KeyAuthChain: "OAuthLdapService"},
		TokenPath: "/api/authentication/access_token"})
	MustRegisterProduct("ukg_ready", ProductAuth{AuthType: AuthAPIKey,
		Required: []string{KeyAPIKey, KeyUsername, KeyPassword, KeyCompany}})
}
