package awssm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AWS Signature Version 4, for the one kind of request this package sends
// (and, in tests, checked against the vectors AWS publishes).

const (
	sigAlgorithm  = "AWS4-HMAC-SHA256"
	amzDateFormat = "20060102T150405Z"
)

// signV4 adds X-Amz-Date (and X-Amz-Security-Token) to header and returns
// the Authorization value for the request. header must hold every header
// to sign except Host, which is taken from u.
func signV4(method string, u *url.URL, header http.Header, body []byte, creds Credentials, region, service string, now time.Time) string {
	now = now.UTC()
	amzDate := now.Format(amzDateFormat)
	day := amzDate[:8]
	header.Set("X-Amz-Date", amzDate)
	if creds.SessionToken != "" {
		header.Set("X-Amz-Security-Token", creds.SessionToken)
	}

	// Canonical headers: lower-case names, trimmed values with inner runs
	// of spaces collapsed, sorted by name.
	canon := map[string]string{"host": u.Host}
	for k, vs := range header {
		vals := make([]string, len(vs))
		for i, v := range vs {
			vals[i] = strings.Join(strings.Fields(v), " ")
		}
		canon[strings.ToLower(k)] = strings.Join(vals, ",")
	}
	names := make([]string, 0, len(canon))
	for k := range canon {
		names = append(names, k)
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, k := range names {
		ch.WriteString(k)
		ch.WriteByte(':')
		ch.WriteString(canon[k])
		ch.WriteByte('\n')
	}
	signed := strings.Join(names, ";")

	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	bodySum := sha256.Sum256(body)
	creq := strings.Join([]string{method, path, canonicalQuery(u), ch.String(), signed, hex.EncodeToString(bodySum[:])}, "\n")
	creqSum := sha256.Sum256([]byte(creq))
	scope := day + "/" + region + "/" + service + "/aws4_request"
	toSign := sigAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creqSum[:])

	k := hmacSHA256([]byte("AWS4"+creds.SecretAccessKey), day)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(k, toSign))
	return sigAlgorithm + " Credential=" + creds.AccessKeyID + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + sig
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// canonicalQuery sorts the query by name, then value, each encoded as
// RFC 3986 wants (unreserved characters kept, everything else %XX).
func canonicalQuery(u *url.URL) string {
	q := u.Query()
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{uriEncode(k), uriEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

func uriEncode(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}
