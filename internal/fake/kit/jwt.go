package kit

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// JWTCheck verifies an RS256 JWT bearer assertion (RFC 7523) as a token
// endpoint does: the signature by Key, the issuer, the subject, the
// audience, and the expiry by the clock.
type JWTCheck struct {
	Key *rsa.PublicKey
	// Issuer is the iss claim required ("" accepts any).
	Issuer string
	// Subject is the subject required ("" accepts any); SubjectClaim names
	// its claim (default "sub"; Oracle's Fusion assertion uses "prn").
	Subject, SubjectClaim string
	// Audience must be one of the aud claim's values ("" accepts any).
	Audience string
}

// Verify checks an assertion at now and returns its subject.
func (c JWTCheck) Verify(assertion string, now time.Time) (string, error) {
	if c.Key == nil {
		return "", errors.New("no certificate registered for the client")
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return "", errors.New("the assertion is not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if hb, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return "", errors.New("the assertion header is invalid or not RS256")
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(cb, &claims) != nil {
		return "", errors.New("the assertion claims are invalid")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", errors.New("the assertion signature is invalid")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(c.Key, crypto.SHA256, sum[:], sig) != nil {
		return "", errors.New("the assertion signature is invalid")
	}
	str := func(k string) string { s, _ := claims[k].(string); return s }
	if c.Issuer != "" && str("iss") != c.Issuer {
		return "", errors.New("the assertion issuer is not the client")
	}
	subClaim := c.SubjectClaim
	if subClaim == "" {
		subClaim = "sub"
	}
	sub := str(subClaim)
	if sub == "" || (c.Subject != "" && sub != c.Subject) {
		return "", fmt.Errorf("the assertion %s is not an authorised user", subClaim)
	}
	if c.Audience != "" {
		var auds []string
		switch a := claims["aud"].(type) {
		case string:
			auds = []string{a}
		case []any:
			for _, x := range a {
				if s, ok := x.(string); ok {
					auds = append(auds, s)
				}
			}
		}
		if !slices.Contains(auds, c.Audience) {
			return "", errors.New("the assertion audience is invalid")
		}
	}
	exp, ok := claims["exp"].(float64)
	if !ok || int64(exp) <= now.Unix() {
		return "", errors.New("the assertion has expired")
	}
	return sub, nil
}
