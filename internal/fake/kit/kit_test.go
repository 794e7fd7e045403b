package kit

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func do(t *testing.T, s *Server, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func getURL(t *testing.T, s *Server, u string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	return do(t, s, req)
}

func TestBasePath(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) { Text(w, 200, "pong "+s.Path(r)) })
	if !strings.HasSuffix(s.URL, DefaultBase) || s.URL != s.Origin+s.Base || !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q origin %q base %q", s.URL, s.Origin, s.Base)
	}
	if code, b := getURL(t, s, s.URL+"/ping"); code != 200 || string(b) != "pong /ping" {
		t.Errorf("under the base: %d %s", code, b)
	}
	if code, _ := getURL(t, s, s.Origin+"/ping"); code != 404 {
		t.Errorf("a client that drops the base path got %d, want 404", code)
	}
	root := New(Config{Base: "/"})
	defer root.Close()
	if root.Base != "" || root.URL != root.Origin {
		t.Errorf("root mount: base %q URL %q", root.Base, root.URL)
	}
}

func TestRelinkAndLink(t *testing.T) {
	s := New(Config{Base: "/api"})
	defer s.Close()
	r, _ := http.NewRequest("GET", s.URL+"/items?q=a%3Db&offset=0&limit=5&x=1", nil)
	cases := map[string]struct {
		style LinkStyle
		set   map[string]string
		want  string
	}{
		"replace keeps order": {Absolute, map[string]string{"offset": "5"}, s.Origin + "/api/items?q=a%3Db&offset=5&limit=5&x=1"},
		"add and remove":      {HostRelative, map[string]string{"$skiptoken": "t/1", "x": ""}, "/api/items?q=a%3Db&offset=0&limit=5&%24skiptoken=t%2F1"},
	}
	for name, tc := range cases {
		if got := s.Relink(r, tc.style, tc.set); got != tc.want {
			t.Errorf("%s: %s, want %s", name, got, tc.want)
		}
	}
	if got := s.Link(Absolute, "items/1", url.Values{"a": {"b c"}}); got != s.Origin+"/api/items/1?a=b+c" {
		t.Errorf("Link: %s", got)
	}
	if got := s.Link(HostRelative, "/items", nil); got != "/api/items" {
		t.Errorf("Link: %s", got)
	}
}

// pagedServer serves n rows under each paging strategy, in a neutral
// envelope (the kit has no vendor shapes; these tests invent their own).
func pagedServer(t *testing.T, n int) *Server {
	s := New(Config{})
	t.Cleanup(s.Close)
	tab := s.Store.Table("rows")
	tab.Generate(n, func(i int) Record { return Record{"id": float64(i)} })
	rows := func(w Window) []any {
		out := []any{}
		for i := w.Start; i < w.End; i++ {
			out = append(out, tab.At(i))
		}
		return out
	}
	fail := func(w http.ResponseWriter, err error) {
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("not a ParamError: %v", err)
		}
		JSON(w, 400, "", map[string]string{"bad": pe.Param})
	}
	off := Offset{OffsetParam: "offset", LimitParam: "limit", Default: 4, Max: 7}
	s.HandleFunc("GET /offset", func(w http.ResponseWriter, r *http.Request) {
		win, err := off.Window(r.URL.Query(), tab.Len())
		if err != nil {
			fail(w, err)
			return
		}
		JSON(w, 200, "", map[string]any{"rows": rows(win), "more": win.More(), "total": s.Advertise(win.N), "limit": win.Size})
	})
	pn := PageNumber{PageParam: "page", SizeParam: "per_page", First: 1, Default: 5, Max: 5, Reject: true}
	s.HandleFunc("GET /pages", func(w http.ResponseWriter, r *http.Request) {
		win, err := pn.Window(r.URL.Query(), tab.Len())
		if err != nil {
			fail(w, err)
			return
		}
		JSON(w, 200, "", map[string]any{"rows": rows(win), "page": win.Page})
	})
	op := Opaque{Param: "token", SizeParam: "size", Default: 6}
	for _, style := range []LinkStyle{Absolute, HostRelative} {
		s.HandleFunc(fmt.Sprintf("GET /next/%d", style), func(w http.ResponseWriter, r *http.Request) {
			key := r.URL.Query().Get("filter")
			win, err := op.Window(r.URL.Query(), key, tab.Len())
			if err != nil {
				fail(w, err)
				return
			}
			body := map[string]any{"rows": rows(win)}
			if tok := op.Next(win, key); tok != "" {
				body["next"] = s.Relink(r, style, map[string]string{"token": tok})
			}
			JSON(w, 200, "", body)
		})
	}
	return s
}

type page struct {
	Rows  []map[string]float64 `json:"rows"`
	More  bool                 `json:"more"`
	Total int                  `json:"total"`
	Limit int                  `json:"limit"`
	Next  string               `json:"next"`
	Bad   string               `json:"bad"`
}

func fetch(t *testing.T, s *Server, u string) (int, page) {
	t.Helper()
	code, b := getURL(t, s, u)
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %s", u, b)
	}
	return code, p
}

func ids(ps ...page) []int {
	var out []int
	for _, p := range ps {
		for _, r := range p.Rows {
			out = append(out, int(r["id"]))
		}
	}
	return out
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestPagingStrategies(t *testing.T) {
	const n = 23
	s := pagedServer(t, n)
	t.Run("offset", func(t *testing.T) {
		var got []page
		for off := 0; ; {
			_, p := fetch(t, s, s.URL+"/offset?limit=50&offset="+strconv.Itoa(off))
			if p.Limit != 7 || p.Total != n {
				t.Fatalf("limit 50 not capped to 7, or total %d", p.Total)
			}
			got = append(got, p)
			off += len(p.Rows)
			if !p.More {
				break
			}
		}
		if diff := cmp.Diff(seq(n), ids(got...)); diff != "" || len(got) != 4 {
			t.Errorf("%d pages; rows (-want +got):\n%s", len(got), diff)
		}
		if _, p := fetch(t, s, s.URL+"/offset?offset=100"); len(p.Rows) != 0 || p.More {
			t.Errorf("past the end: %+v", p)
		}
		s.LieAboutTotal(5)
		if _, p := fetch(t, s, s.URL+"/offset"); p.Total != n+5 || len(p.Rows) != 4 {
			t.Errorf("lie: %+v", p)
		}
		s.Heal()
		if _, p := fetch(t, s, s.URL+"/offset"); p.Total != n {
			t.Errorf("Heal kept the lie: %d", p.Total)
		}
	})
	t.Run("page number", func(t *testing.T) {
		var got []page
		for pg := 1; ; pg++ {
			_, p := fetch(t, s, s.URL+"/pages?per_page=5&page="+strconv.Itoa(pg))
			got = append(got, p)
			if len(p.Rows) < 5 {
				break
			}
		}
		if diff := cmp.Diff(seq(n), ids(got...)); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
	})
	for _, style := range []LinkStyle{Absolute, HostRelative} {
		t.Run(fmt.Sprintf("next link %d", style), func(t *testing.T) {
			var got []page
			next := fmt.Sprintf("%s/next/%d?filter=f&size=4", s.URL, style)
			for next != "" {
				_, p := fetch(t, s, next)
				got = append(got, p)
				next = p.Next
				if next != "" {
					if style == Absolute && !strings.HasPrefix(next, s.URL+"/") {
						t.Fatalf("absolute next %q", next)
					}
					if style == HostRelative {
						if !strings.HasPrefix(next, s.Base+"/") {
							t.Fatalf("relative next %q", next)
						}
						next = s.Origin + next
					}
				}
			}
			if diff := cmp.Diff(seq(n), ids(got...)); diff != "" || len(got) != 6 {
				t.Errorf("%d pages; rows (-want +got):\n%s", len(got), diff)
			}
		})
	}
	bad := map[string]string{
		"/offset?limit=x":       "limit",
		"/offset?offset=-1":     "offset",
		"/pages?per_page=6":     "per_page",
		"/pages?page=0":         "page",
		"/next/0?token=garbage": "token",
		"/next/0?filter=other&token=" + (Opaque{Param: "token"}).Next(Window{End: 1, N: 9}, "f"): "token",
	}
	for path, param := range bad {
		if code, p := fetch(t, s, s.URL+path); code != 400 || p.Bad != param {
			t.Errorf("%s: %d %q, want 400 naming %s", path, code, p.Bad, param)
		}
	}
}

func TestStore(t *testing.T) {
	st := NewStore()
	tab := st.Table("w")
	tab.Seed([]Record{{"id": "a"}, {"id": "b"}})
	i := tab.Append(Record{"id": "c"})
	tab.Delete(0)
	if i != 2 || tab.Len() != 3 || !tab.Deleted(0) || !tab.HasDeleted() {
		t.Fatalf("append/delete: %d %d", i, tab.Len())
	}
	if got := tab.Find(nil); !cmp.Equal(got, []int{1, 2}) {
		t.Errorf("Find skips deleted: %v", got)
	}
	if j, ok := tab.Index("id", "c"); !ok || j != 2 {
		t.Errorf("Index: %d %v", j, ok)
	}
	if _, ok := tab.Index("id", "a"); ok {
		t.Error("Index found a deleted row")
	}
	tab.Generate(1000, func(i int) Record { return Record{"id": i} })
	if !tab.Generated() || tab.At(999)["id"] != 999 || tab.At(1000) != nil || tab.HasDeleted() {
		t.Error("generated table")
	}
	tab.Append(Record{"id": "x"})
	if tab.Generated() || tab.Len() != 1001 || tab.At(3)["id"] != 3 {
		t.Error("append to a generated table")
	}
	if st.Lookup("nope") != nil || !cmp.Equal(st.Names(), []string{"w"}) {
		t.Error("Lookup/Names")
	}
}

func TestCursors(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewCursors[int](time.Minute, func() time.Time { return now })
	c.Put("a", 1)
	now = now.Add(50 * time.Second)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatal("a live cursor was lost")
	}
	now = now.Add(50 * time.Second) // 50s since last use
	if _, ok := c.Get("a"); !ok {
		t.Fatal("use did not extend the cursor")
	}
	now = now.Add(61 * time.Second)
	if _, ok := c.Get("a"); ok || c.Len() != 0 {
		t.Error("an idle cursor did not expire")
	}
	c.Put("b", 2)
	c.Expire()
	if _, ok := c.Get("b"); ok {
		t.Error("Expire")
	}
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	cb, _ := json.Marshal(claims)
	c := base64.RawURLEncoding.EncodeToString(cb)
	sum := sha256.Sum256([]byte(h + "." + c))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
}

type tokenReply struct {
	code int
	body map[string]any
}

func postToken(t *testing.T, s *Server, form url.Values, basic ...string) tokenReply {
	t.Helper()
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	code, b := do(t, s, req)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return tokenReply{code, body}
}

func TestOAuthGrants(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Config{Now: func() time.Time { return now }})
	defer s.Close()
	jwt := JWTCheck{Key: &key.PublicKey, Issuer: "cid", Subject: "pat", SubjectClaim: "prn", Audience: "https://idp"}
	o := s.EnableOAuth(OAuthConfig{ClientID: "cid", ClientSecret: "csecret", RefreshToken: "rt-0", Rotate: true,
		Username: "pat", Password: "pw", TTL: time.Hour, TokenPrefix: "tok-",
		Grants: []string{GrantClientCredentials, GrantRefreshToken, GrantPassword, GrantJWTBearer},
		Assertion: func(grant, a string, _ url.Values) (string, error) {
			return jwt.Verify(a, now)
		}})
	s.HandleFunc("GET /data", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := o.Check(r); !ok {
			Text(w, 401, "no")
			return
		}
		Text(w, 200, "ok")
	})
	good := signJWT(t, key, map[string]any{"iss": "cid", "prn": "pat", "aud": []string{"https://idp"}, "exp": now.Add(time.Minute).Unix()})
	expired := signJWT(t, key, map[string]any{"iss": "cid", "prn": "pat", "aud": "https://idp", "exp": now.Add(-time.Minute).Unix()})
	cases := []struct {
		name  string
		form  url.Values
		basic []string
		code  int
		err   string
	}{
		{"client credentials by form", url.Values{"grant_type": {GrantClientCredentials}, "client_id": {"cid"}, "client_secret": {"csecret"}}, nil, 200, ""},
		{"client credentials by Basic", url.Values{"grant_type": {GrantClientCredentials}}, []string{"cid", "csecret"}, 200, ""},
		{"wrong secret", url.Values{"grant_type": {GrantClientCredentials}}, []string{"cid", "nope"}, 401, "invalid_client"},
		{"unknown client", url.Values{"grant_type": {GrantClientCredentials}, "client_id": {"x"}, "client_secret": {"csecret"}}, nil, 401, "invalid_client"},
		{"secret twice", url.Values{"grant_type": {GrantClientCredentials}, "client_secret": {"csecret"}}, []string{"cid", "csecret"}, 400, "invalid_request"},
		{"password", url.Values{"grant_type": {GrantPassword}, "username": {"pat"}, "password": {"pw"}}, []string{"cid", "csecret"}, 200, ""},
		{"wrong password", url.Values{"grant_type": {GrantPassword}, "username": {"pat"}, "password": {"x"}}, []string{"cid", "csecret"}, 400, "invalid_grant"},
		{"jwt bearer", url.Values{"grant_type": {GrantJWTBearer}, "assertion": {good}}, nil, 200, ""},
		{"jwt expired", url.Values{"grant_type": {GrantJWTBearer}, "assertion": {expired}}, nil, 400, "invalid_grant"},
		{"jwt garbage", url.Values{"grant_type": {GrantJWTBearer}, "assertion": {"a.b.c"}}, nil, 400, "invalid_grant"},
		{"saml not accepted", url.Values{"grant_type": {GrantSAML2Bearer}, "assertion": {"x"}}, nil, 400, "unsupported_grant_type"},
		{"no grant", url.Values{}, nil, 400, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		rep := postToken(t, s, tc.form, tc.basic...)
		if rep.code != tc.code || (tc.err != "" && rep.body["error"] != tc.err) {
			t.Errorf("%s: %d %v, want %d %s", tc.name, rep.code, rep.body, tc.code, tc.err)
		}
		if tc.code == 200 && (rep.body["token_type"] != "Bearer" || rep.body["expires_in"] != 3600.0 || !strings.HasPrefix(rep.body["access_token"].(string), "tok-")) {
			t.Errorf("%s: body %v", tc.name, rep.body)
		}
	}
	// Rotation: the refresh token changes and the old one stops working.
	first := postToken(t, s, url.Values{"grant_type": {GrantRefreshToken}, "refresh_token": {"rt-0"}}, "cid", "csecret")
	rotated, _ := first.body["refresh_token"].(string)
	if first.code != 200 || rotated == "" || rotated == "rt-0" || o.RefreshToken() != rotated {
		t.Fatalf("rotating refresh: %v", first.body)
	}
	if rep := postToken(t, s, url.Values{"grant_type": {GrantRefreshToken}, "refresh_token": {"rt-0"}}, "cid", "csecret"); rep.code != 400 || rep.body["error"] != "invalid_grant" {
		t.Errorf("the old refresh token still works: %v", rep.body)
	}
	// Bearer check and expiry.
	access := first.body["access_token"].(string)
	req, _ := http.NewRequest("GET", s.URL+"/data", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if code, _ := do(t, s, req); code != 200 {
		t.Errorf("fresh token refused: %d", code)
	}
	now = now.Add(time.Hour)
	if code, _ := do(t, s, req); code != 401 {
		t.Errorf("expired token accepted: %d", code)
	}
	issued := o.Issued()
	if len(issued) != 6 || issued[len(issued)-2] != rotated || issued[len(issued)-1] != access {
		t.Errorf("issued log %v", issued)
	}
	if o.Requests(GrantRefreshToken) != 2 || o.Requests("") != len(cases)+2 || o.Failures(ReasonGrant) != 4 {
		t.Errorf("counts: %d %d %d", o.Requests(GrantRefreshToken), o.Requests(""), o.Failures(ReasonGrant))
	}
	if toks := o.Tokens(); len(toks) != 5 || toks[0].Grant != GrantClientCredentials || toks[3].Subject != "pat" {
		t.Errorf("tokens %+v", toks)
	}
}

func TestOAuthBasicOnlyScopeAndVendorShape(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	s.EnableOAuth(OAuthConfig{Path: "/oauth2/v1/token", ClientID: "cid", ClientSecret: "cs", ClientAuth: ClientAuthBasic, Scope: "urn:x",
		Response: func(grant string, body map[string]any) { body["instance"] = "here" },
		Fail: func(w http.ResponseWriter, r *http.Request, f Failure) {
			JSON(w, 400, "", map[string]string{"vendorError": string(f.Reason)})
		}})
	if rep := postToken(t, s, url.Values{"grant_type": {GrantClientCredentials}, "client_id": {"cid"}, "client_secret": {"cs"}}); rep.code != 400 || rep.body["vendorError"] != "client_auth_method" {
		t.Errorf("form credentials at a Basic-only endpoint: %v", rep.body)
	}
	if rep := postToken(t, s, url.Values{"grant_type": {GrantClientCredentials}, "scope": {"other"}}, "cid", "cs"); rep.body["vendorError"] != "invalid_scope" {
		t.Errorf("other scope: %v", rep.body)
	}
	rep := postToken(t, s, url.Values{"grant_type": {GrantClientCredentials}}, "cid", "cs")
	if rep.code != 200 || rep.body["scope"] != "urn:x" || rep.body["instance"] != "here" || rep.body["expires_in"] != nil {
		t.Errorf("Basic: %v", rep.body)
	}
}

func TestCheckBasic(t *testing.T) {
	users := map[string]string{"pat": "pw"}
	for name, tc := range map[string]struct {
		user, pass string
		ok         bool
	}{"right": {"pat", "pw", true}, "wrong password": {"pat", "px", false}, "unknown": {"sam", "pw", false}} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(tc.user, tc.pass)
		if u, ok := CheckBasic(r, users); ok != tc.ok || (ok && u != "pat") {
			t.Errorf("%s: %q %v", name, u, ok)
		}
	}
	r, _ := http.NewRequest("GET", "/", nil)
	if _, ok := CheckBasic(r, users); ok {
		t.Error("no header accepted")
	}
}

func TestFaultsWired(t *testing.T) {
	s := New(Config{Seed: 7})
	defer s.Close()
	s.EnableOAuth(OAuthConfig{ClientID: "c", ClientSecret: "s"})
	var order []string
	s.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { order = append(order, "mw"); next.ServeHTTP(w, r) })
	})
	s.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		order = append(order, "x")
		JSON(w, 200, "", map[string]int{"a": 1})
	})
	if !s.Inject("unavailable", 1) || s.Inject("no_such_fault", 1) {
		t.Fatal("Inject")
	}
	if rep := postToken(t, s, url.Values{"grant_type": {GrantClientCredentials}}, "c", "s"); rep.code != 200 {
		t.Errorf("the token endpoint took a data fault: %d", rep.code)
	}
	order = nil
	if code, _ := getURL(t, s, s.URL+"/x"); code != 503 {
		t.Errorf("fault not injected: %d", code)
	}
	if code, _ := getURL(t, s, s.URL+"/x"); code != 200 || !cmp.Equal(order, []string{"mw", "x"}) {
		t.Errorf("after the fault: %d, order %v", code, order)
	}
	s.Inject("outage", 0)
	if code, _ := getURL(t, s, s.URL+"/x"); code != 503 {
		t.Errorf("outage: %d", code)
	}
	s.Heal()
	if code, _ := getURL(t, s, s.URL+"/x"); code != 200 {
		t.Errorf("Heal: %d", code)
	}
}
