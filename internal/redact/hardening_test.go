package redact

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"strings"
	"testing"
)

// A secret with every character that the escapings change.
const escSecret = `p@ss"w&rd<x>'y/z\ q+1%`

// TestHardening11_6_EscapedSecrets: a registered secret is scrubbed however
// a server echoes it: JSON-escaped (with and without HTML escaping, with
// escaped slashes), XML/HTML-escaped (numeric and named entities), URL
// query- and path-encoded; and an excerpt never shows a prefix of a secret
// that crossed the cut.
func TestHardening11_6_EscapedSecrets(t *testing.T) {
	set := NewSet(escSecret)
	jsonStd, _ := json.Marshal(escSecret)
	var noHTML strings.Builder
	enc := json.NewEncoder(&noHTML)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(escSecret)
	var xmlText strings.Builder
	_ = xml.EscapeText(&xmlText, []byte(escSecret))
	forms := map[string]string{
		"raw":                escSecret,
		"json":               strings.Trim(string(jsonStd), `"`),
		"json no html":       strings.Trim(strings.TrimSpace(noHTML.String()), `"`),
		"json escaped /":     strings.ReplaceAll(strings.Trim(string(jsonStd), `"`), "/", `\/`),
		"xml":                xmlText.String(),
		"html":               html.EscapeString(escSecret),
		"named entities":     strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(escSecret),
		"query escape":       url.QueryEscape(escSecret),
		"path escape":        url.PathEscape(escSecret),
		"lower-case percent": strings.ToLower(url.QueryEscape(escSecret)),
	}
	for name, form := range forms {
		msg := `{"error":"bad","echo":"` + form + `"}`
		if got := set.Scrub(msg); strings.Contains(got, form) || !strings.Contains(got, Mask) {
			t.Errorf("%s form %q survives: %q", name, form, got)
		}
		if got := Excerpt([]byte(msg), set); strings.Contains(got, form) {
			t.Errorf("%s form survives Excerpt: %q", name, got)
		}
	}
	// A long secret crossing the excerpt's input cut (8*MaxExcerpt bytes).
	long := "S3CRET-" + strings.Repeat("k", 300)
	set.Add(long)
	for _, at := range []int{8*MaxExcerpt - 100, 8*MaxExcerpt - 7, 8*MaxExcerpt - 1} {
		// Markup collapses to nothing, so the cut point reaches the excerpt.
		body := strings.Repeat("<br>", at/4) + strings.Repeat("x", at%4) + " " + long + " tail"
		got := Excerpt([]byte(body), set)
		if strings.Contains(got, "S3CRET") {
			t.Errorf("secret at byte %d: its prefix survives in %q", at, got)
		}
	}
}

// TestHardening11_20_PatternNits: a URL path ending in a secret's name is
// not a key=value pair ("…/token: HTTP 500" keeps its status), while a real
// pair still is masked.
func TestHardening11_20_PatternNits(t *testing.T) {
	for in, want := range map[string]string{
		"POST https://login.example.com/oauth2/token: HTTP 500": "POST https://login.example.com/oauth2/token: HTTP 500",
		"calling /services/oauth2/token: HTTP 503 (retrying)":   "calling /services/oauth2/token: HTTP 503 (retrying)",
		"token: abcd1234":                        "token: " + Mask,
		"https://h/cb?access_token=abcd1234&x=1": "https://h/cb?access_token=" + Mask + "&x=1",
		`{"password":"hunter22"}`:                `{"password":"` + Mask + `"}`,
		"a=1,token=xyz12345":                     "a=1,token=" + Mask,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}
