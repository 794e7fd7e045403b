package redact

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	cases := map[string]string{
		"Authorization: Bearer abc.def-ghi_123":                            "Authorization: Bearer " + Mask,
		"Authorization: Basic dXNlcjpwYXNzd29yZA==":                        "Authorization: Basic " + Mask,
		"refresh_token=5Aep861abc&grant_type=refresh_token":                "refresh_token=" + Mask + "&grant_type=refresh_token",
		"password: hunter2":                                                "password: " + Mask,
		"jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part_x here":         "jwt=" + Mask + " here",
		`{"access_token":"s3cr3t-value","ok":true}`:                        `{"access_token":"` + Mask + `","ok":true}`,
		"password=hunter2&user=bob":                                        "password=" + Mask + "&user=bob",
		"client_secret: abcdef, next":                                      "client_secret: " + Mask + ", next",
		"-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY----- ok": Mask + " ok",
		"plain text with no secrets":                                       "plain text with no secrets",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSetScrub(t *testing.T) {
	s := NewSet("abc", "longsecretvalue", "secret+with/chars")
	if s.Len() != 7 { // "abc" is too short; the last adds its escaped forms (JSON \/, query and path, upper and lower hex)
		t.Errorf("Len = %d", s.Len())
	}
	got := s.ScrubValues("x longsecretvalue y secret%2Bwith%2Fchars z abc")
	if strings.Contains(got, "longsecret") || strings.Contains(got, "secret%2B") || !strings.Contains(got, "abc") {
		t.Errorf("ScrubValues = %q", got)
	}
	var nilSet *Set
	if nilSet.Scrub("x") != "x" || nilSet.Contains("x") {
		t.Error("nil set")
	}
	if !s.Contains("...longsecretvalue...") {
		t.Error("Contains")
	}
}

func TestExcerpt(t *testing.T) {
	set := NewSet("hunter2-password")
	html := []byte("<html><head><title>Service Unavailable</title><style>x{}</style></head><body><h1>Oops</h1>" +
		strings.Repeat("<p>filler text</p>", 100) + "hunter2-password</body></html>")
	ex := Excerpt(html, set)
	if !strings.HasPrefix(ex, "Service Unavailable") || len([]rune(ex)) > MaxExcerpt+1 || strings.Contains(ex, "<") {
		t.Errorf("Excerpt(html) = %q", ex)
	}
	if Excerpt([]byte{0x00, 0x01, 0x02, 'a'}, nil) != "" {
		t.Error("binary body excerpted")
	}
	if ex := Excerpt([]byte(`{"error":"x","detail":"hunter2-password"}`), set); strings.Contains(ex, "hunter2") {
		t.Errorf("secret in excerpt %q", ex)
	}
	// A secret straddling the cut is still masked.
	long := []byte(strings.Repeat("a ", MaxExcerpt/2-3) + "hunter2-password")
	if ex := Excerpt(long, set); strings.Contains(ex, "hunter2") {
		t.Errorf("secret at the cut leaked: %q", ex)
	}
}

func TestHeaderAndURL(t *testing.T) {
	h := Header(http.Header{"Authorization": {"Bearer x"}, "Cookie": {"sid=1"}, "Api-Key": {"k"}, "Accept": {"json"}, "Us-Customer-Api-Key": {"c"}})
	for _, k := range []string{"Authorization", "Cookie", "Api-Key", "Us-Customer-Api-Key"} {
		if h.Get(k) != Mask {
			t.Errorf("%s not masked: %q", k, h.Get(k))
		}
	}
	if h.Get("Accept") != "json" {
		t.Error("Accept masked")
	}
	u, _ := url.Parse("https://user:pw@host.example/a/b?access_token=x&page=2&q=SELECT")
	if got := URL(u); got != "https://host.example/a/b" {
		t.Errorf("URL = %q", got)
	}
	if got := Query(u); got != "access_token="+Mask+"&page=2&q=SELECT" {
		t.Errorf("Query = %q", got)
	}
}

type secretType struct{ v string }

func (s secretType) String() string { return "wrapped " + s.v }

func TestHandlerScrubs(t *testing.T) {
	var buf bytes.Buffer
	set := NewSet("tok-123456")
	l := slog.New(Handler(slog.NewJSONHandler(&buf, nil), set))
	l.With("static", "tok-123456").Info("got tok-123456", "password", "anything", "err", errors.New("bad tok-123456"),
		slog.Group("g", "inner", "tok-123456"), "stringer", secretType{"tok-123456"}, "n", 3)
	out := buf.String()
	if strings.Contains(out, "tok-123456") || strings.Contains(out, "anything") {
		t.Errorf("log leaks: %s", out)
	}
	if !strings.Contains(out, `"n":3`) {
		t.Errorf("non-secret attribute lost: %s", out)
	}
	if Handler(nil, set) != nil {
		t.Error("nil handler")
	}
	if !l.Handler().Enabled(context.Background(), slog.LevelInfo) {
		t.Error("Enabled")
	}
}
