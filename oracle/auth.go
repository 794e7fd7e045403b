package oracle

import (
	"context"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/transport"
)

// checkCredential says which auth the credential uses: basic (username,
// password), or oauth2 with the client_credentials grant (client_id,
// client_secret, token_url, scope) or the jwt_bearer grant (client_id,
// client_secret, token_url, scope, private_key, subject).
func checkCredential(cred *credentials.Credential) (string, error) {
	switch {
	case cred.AuthType == credentials.AuthBasic:
	case cred.AuthType == credentials.AuthOAuth2 && (cred.Grant() == credentials.GrantClientCredentials || cred.Grant() == credentials.GrantJWTBearer):
	default:
		return "", connectors.Errorf(connectors.CodeInvalidArgument,
			"oracle: auth %q grant %q is not supported (want basic, or oauth2 with client_credentials or jwt_bearer)", cred.AuthType, cred.Grant())
	}
	if err := cred.Validate(); err != nil {
		return "", err
	}
	if cred.AuthType == credentials.AuthOAuth2 {
		for _, k := range []string{credentials.KeyClientSecret, credentials.KeyScope} {
			if cred.Get(k) == "" {
				return "", connectors.Errorf(connectors.CodeInvalidArgument, "oracle: the credential has no %s (the identity domain needs it)", k)
			}
		}
		return cred.Grant(), nil
	}
	return string(credentials.AuthBasic), nil
}

// authenticate gives the client its Auth: HTTP Basic with the Fusion user,
// or tokens from the identity domain's token endpoint, where the client
// authenticates with HTTP Basic (client_id:client_secret) as Oracle's
// identity domain requires.
func authenticate(plain *transport.Client, cred *credentials.Credential, auth string, o connectors.Options) (*transport.Client, *transport.TokenCache, error) {
	if auth == string(credentials.AuthBasic) {
		return plain.WithAuth(transport.BasicAuth(cred.Get(credentials.KeyUsername), cred.Get(credentials.KeyPassword))), nil, nil
	}
	tu, err := transport.ParseBaseURL(cred.Get(credentials.KeyTokenURL), o.AllowInsecureLoopback, plain.Product(), "token URL")
	if err != nil {
		return nil, nil, err
	}
	tokenURL, id, secret, scope := tu.String(), cred.Get(credentials.KeyClientID), cred.Get(credentials.KeyClientSecret), cred.Get(credentials.KeyScope)
	var sign func(time.Time) (string, error)
	if auth == credentials.GrantJWTBearer {
		if sign, err = credentials.JWTAssertion(cred, "https://identity.oraclecloud.com/"); err != nil {
			return nil, nil, err
		}
	}
	grant := func(ctx context.Context) (*oauth2.Token, error) {
		form := url.Values{"grant_type": {credentials.GrantClientCredentials}, "scope": {scope}}
		if sign != nil {
			a, err := sign(time.Now())
			if err != nil {
				return nil, err
			}
			form = url.Values{"grant_type": {credentials.GrantTypeJWTBearer}, "assertion": {a}, "scope": {scope}}
		}
		return plain.FetchToken(ctx, tokenURL, form, nil, transport.WithClientBasicAuth(id, secret))
	}
	tokens := connkit.TokenAuth(o, plain.Secrets(), grant)
	return plain.WithAuth(tokens), tokens, nil
}
