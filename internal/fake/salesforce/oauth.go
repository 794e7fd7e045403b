package salesforce

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// token serves POST /services/oauth2/token for the refresh-token,
// client-credentials and JWT-bearer grants. Errors are OAuth's
// {"error","error_description"} with status 400, as Salesforce sends them.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "malformed form body"})
		return
	}
	form := r.PostForm
	grant := form.Get("grant_type")
	s.mu.Lock()
	s.tokenReq[grant]++
	s.mu.Unlock()
	fail := func(code, desc string) {
		writeJSON(w, 400, map[string]string{"error": code, "error_description": desc})
	}
	clientID, clientSecret := form.Get("client_id"), form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		clientID, clientSecret = u, p
	}
	rotated := ""
	switch grant {
	case "refresh_token":
		if clientID != s.cfg.ClientID {
			fail("invalid_client_id", "client identifier invalid")
			return
		}
		if clientSecret != s.cfg.ClientSecret {
			fail("invalid_client", "invalid client credentials")
			return
		}
		s.mu.Lock()
		ok := form.Get("refresh_token") == s.refresh
		if ok && s.cfg.RotateRefreshTokens {
			rotated = "5Aep861" + randHex(24)
			s.refresh = rotated
			s.issued = append(s.issued, rotated)
		}
		s.mu.Unlock()
		if !ok {
			fail("invalid_grant", "expired access/refresh token")
			return
		}
	case "client_credentials":
		if clientID != s.cfg.ClientID || clientSecret != s.cfg.ClientSecret {
			fail("invalid_client", "invalid client credentials")
			return
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if msg := s.checkJWT(form.Get("assertion")); msg != "" {
			fail("invalid_grant", msg)
			return
		}
	case "":
		fail("unsupported_grant_type", "grant type not supported")
		return
	default:
		fail("unsupported_grant_type", "grant type not supported")
		return
	}
	tok := "00D000000000001!AR" + randHex(40)
	s.mu.Lock()
	s.tokens[tok] = true
	s.issued = append(s.issued, tok)
	issuedAt := strconv.FormatInt(s.cfg.Now().UnixMilli(), 10)
	s.mu.Unlock()
	body := map[string]string{
		"access_token": tok, "instance_url": s.URL, "id": s.URL + "/id/00D000000000001AAA/005000000000001AAA",
		"token_type": "Bearer", "issued_at": issuedAt, "signature": base64.StdEncoding.EncodeToString([]byte(randHex(16))),
		"scope": "api refresh_token",
	}
	if rotated != "" {
		body["refresh_token"] = rotated
	}
	writeJSON(w, 200, body)
}

// checkJWT verifies an RS256 JWT-bearer assertion: signature by JWTKey,
// iss = the consumer key, sub = the username, aud = Audience, exp ahead.
func (s *Server) checkJWT(assertion string) string {
	if s.cfg.JWTKey == nil {
		return "no certificate registered for the connected app"
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return "invalid assertion"
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
	}
	if hb, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return "invalid assertion header"
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(cb, &claims) != nil {
		return "invalid assertion claims"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "invalid assertion signature"
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(s.cfg.JWTKey, crypto.SHA256, sum[:], sig) != nil {
		return "invalid assertion signature"
	}
	if claims.Iss != s.cfg.ClientID {
		return "invalid client identifier"
	}
	if claims.Sub != s.cfg.Username {
		return "user hasn't approved this consumer"
	}
	var aud string
	var auds []string
	if json.Unmarshal(claims.Aud, &aud) == nil {
		auds = []string{aud}
	} else {
		_ = json.Unmarshal(claims.Aud, &auds)
	}
	okAud := false
	for _, a := range auds {
		okAud = okAud || a == s.cfg.Audience
	}
	if !okAud {
		return "audience is invalid"
	}
	if claims.Exp <= s.cfg.Now().Unix() {
		return "expired authorization code"
	}
	return ""
}

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
