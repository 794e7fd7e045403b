package salesforce

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// oauth configures the kit's token endpoint as Salesforce's POST
// /services/oauth2/token for the refresh-token (rotating when asked),
// client-credentials and JWT-bearer grants. Errors are OAuth's
// {"error","error_description"} with status 400, as Salesforce sends them,
// with Salesforce's words for an unknown client.
func (s *Server) oauth() kit.OAuthConfig {
	jwt := kit.JWTCheck{Key: s.cfg.JWTKey, Issuer: s.cfg.ClientID, Subject: s.cfg.Username, Audience: s.cfg.Audience}
	return kit.OAuthConfig{
		Path:               "/services/oauth2/token",
		Grants:             []string{kit.GrantRefreshToken, kit.GrantClientCredentials, kit.GrantJWTBearer},
		ClientID:           s.cfg.ClientID,
		ClientSecret:       s.cfg.ClientSecret,
		RefreshToken:       s.cfg.RefreshToken,
		Rotate:             s.cfg.RotateRefreshTokens,
		TokenPrefix:        "00D000000000001!AR",
		RefreshTokenPrefix: "5Aep861",
		Assertion: func(_, assertion string, _ url.Values) (string, error) {
			return jwt.Verify(assertion, s.cfg.Now())
		},
		Response: func(_ string, body map[string]any) {
			body["instance_url"] = s.URL
			body["id"] = s.URL + "/id/00D000000000001AAA/005000000000001AAA"
			body["issued_at"] = strconv.FormatInt(s.cfg.Now().UnixMilli(), 10)
			body["signature"] = base64.StdEncoding.EncodeToString([]byte(randHex(16)))
			body["scope"] = "api refresh_token"
		},
		Fail: func(w http.ResponseWriter, _ *http.Request, f kit.Failure) {
			code, desc := string(f.Reason), f.Description
			switch f.Reason {
			case kit.ReasonUnknownClient:
				code = "invalid_client_id"
			case kit.ReasonClientSecret, kit.ReasonClientAuthMethod:
				code = "invalid_client"
			case kit.ReasonGrant:
				if f.Grant == kit.GrantRefreshToken {
					desc = "expired access/refresh token"
				}
			}
			writeJSON(w, 400, map[string]string{"error": code, "error_description": desc})
		},
	}
}

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
