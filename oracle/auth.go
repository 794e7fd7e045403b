package oracle

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
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
	var key *rsa.PrivateKey
	if auth == credentials.GrantJWTBearer {
		if key, err = parseKey(cred.Get(credentials.KeyPrivateKey)); err != nil {
			return nil, nil, err
		}
	}
	aud := cred.Get(credentials.KeyAudience)
	if aud == "" {
		aud = "https://identity.oraclecloud.com/"
	}
	grant := func(ctx context.Context) (*oauth2.Token, error) {
		form := url.Values{"grant_type": {credentials.GrantClientCredentials}, "scope": {scope}}
		if key != nil {
			now := time.Now()
			a, err := signJWT(key, map[string]any{"iss": id, "sub": cred.Get(credentials.KeySubject), "aud": aud,
				"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()})
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

// parseKey reads an RSA private key in PEM (PKCS#1 or PKCS#8).
func parseKey(s string) (*rsa.PrivateKey, error) {
	bad := connectors.Errorf(connectors.CodeInvalidArgument, "oracle: private_key is not an RSA private key in PEM")
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, bad
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	rk, ok := k.(*rsa.PrivateKey)
	if err != nil || !ok {
		return nil, bad
	}
	return rk, nil
}

// signJWT signs a user assertion with RS256.
func signJWT(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(cb)
	sum := sha256.Sum256([]byte(head))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return head + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
