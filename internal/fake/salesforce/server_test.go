package salesforce

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func token(t *testing.T, s *Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := s.Client().PostForm(s.TokenURL(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func login(t *testing.T, s *Server) string {
	t.Helper()
	code, body := token(t, s, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.cfg.ClientID},
		"client_secret": {s.cfg.ClientSecret}, "refresh_token": {s.cfg.RefreshToken}})
	if code != 200 || body["instance_url"] != s.URL {
		t.Fatalf("token: %d %v", code, body)
	}
	return body["access_token"].(string)
}

func get(t *testing.T, s *Server, tok, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func query(t *testing.T, s *Server, tok, soql string) (int, map[string]any, []byte) {
	t.Helper()
	resp, b := get(t, s, tok, "/services/data/v60.0/query?q="+url.QueryEscape(soql))
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body, b
}

func TestSOQLSemantics(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	tok := login(t, s)
	s.Seed("Account", 30)
	cases := []struct {
		soql string
		n    int
	}{
		{"SELECT Id FROM Account", 30},
		{"select id from account where industry = 'energy'", 6},
		{"SELECT Id FROM Account WHERE Industry IN ('Energy', 'Retail')", 12},
		{"SELECT Id FROM Account WHERE Industry NOT IN ('Energy')", 24},
		{"SELECT Id FROM Account WHERE Name LIKE 'account 1%'", 11},
		{"SELECT Id FROM Account WHERE Name LIKE '%9'", 3},
		{"SELECT Id FROM Account WHERE Website = null", 5},
		{"SELECT Id FROM Account WHERE Website != null AND (Industry = 'Energy' OR Industry = 'Banking')", 10},
		{"SELECT Id FROM Account WHERE NOT Industry = 'Energy'", 24},
		{"SELECT Id FROM Account WHERE AnnualRevenue > 10000", 20},
		{"SELECT Id FROM Account WHERE SystemModstamp >= 2024-01-01T00:10:00Z", 20},
		{"SELECT Id FROM Account WHERE SystemModstamp >= 2024-01-01T00:10:00.000+0000 LIMIT 3", 3},
		{"SELECT Id FROM Account ORDER BY Name DESC LIMIT 5 OFFSET 2", 5},
		{"SELECT Id FROM Account WHERE Name = 'O\\'Brien'", 0},
	}
	for _, tc := range cases {
		code, body, raw := query(t, s, tok, tc.soql)
		if code != 200 || int(body["totalSize"].(float64)) != tc.n {
			t.Errorf("%s: %d %s", tc.soql, code, raw)
		}
	}
	for soql, code := range map[string]string{
		"SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01'": "INVALID_FIELD",
		"SELECT Id FROM Account WHERE Name = 5":                      "INVALID_FIELD",
		"SELECT Foo FROM Account":                                    "INVALID_FIELD",
		"SELECT Id FROM Nope":                                        "INVALID_TYPE",
		"SELECT Id FROM Account WHERE":                               "MALFORMED_QUERY",
		"SELECT Id FROM Account WHERE Name = 'x":                     "MALFORMED_QUERY",
	} {
		status, _, raw := query(t, s, tok, soql)
		var errs []map[string]any
		if status != 400 || json.Unmarshal(raw, &errs) != nil || errs[0]["errorCode"] != code {
			t.Errorf("%s: %d %s, want 400 %s", soql, status, raw, code)
		}
	}
}

func TestPagingCursorsAndQuota(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Config{PageSize: 10, DailyLimit: 100, Now: func() time.Time { return now }})
	defer s.Close()
	tok := login(t, s)
	s.Seed("Account", 25)
	_, body, _ := query(t, s, tok, "SELECT Id, Name, SystemModstamp FROM Account")
	recs := body["records"].([]any)
	first := recs[0].(map[string]any)
	if len(recs) != 10 || body["done"] != false || first["SystemModstamp"] != "2024-01-01T00:00:00.000+0000" || first["attributes"] == nil {
		t.Fatalf("first page %v", body)
	}
	next := body["nextRecordsUrl"].(string)
	resp, b := get(t, s, tok, next)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Sforce-Limit-Info"), "api-usage=") {
		t.Fatalf("next page %d %s", resp.StatusCode, b)
	}
	now = now.Add(16 * time.Minute)
	resp, b = get(t, s, tok, next)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "INVALID_QUERY_LOCATOR") {
		t.Errorf("expired cursor: %d %s", resp.StatusCode, b)
	}
	s.UseQuota(100)
	resp, b = get(t, s, tok, "/services/data/v60.0/limits")
	if resp.StatusCode != 403 || !strings.Contains(string(b), "REQUEST_LIMIT_EXCEEDED") || resp.Header.Get("Sforce-Limit-Info") != "api-usage=100/100" {
		t.Errorf("quota: %d %s %v", resp.StatusCode, b, resp.Header)
	}
	s.ExpireTokens()
	resp, b = get(t, s, tok, "/services/data/v60.0/limits")
	if resp.StatusCode != 401 || !strings.Contains(string(b), "INVALID_SESSION_ID") {
		t.Errorf("expired token: %d %s", resp.StatusCode, b)
	}
}

func TestGrants(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	s := New(Config{JWTKey: &key.PublicKey, RotateRefreshTokens: true})
	defer s.Close()
	code, body := token(t, s, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.cfg.ClientID}, "client_secret": {s.cfg.ClientSecret}, "refresh_token": {s.cfg.RefreshToken}})
	if code != 200 || body["refresh_token"] == nil || body["issued_at"] == nil || body["expires_in"] != nil {
		t.Fatalf("rotating refresh: %v", body)
	}
	if code, body = token(t, s, url.Values{"grant_type": {"refresh_token"}, "client_id": {s.cfg.ClientID}, "client_secret": {s.cfg.ClientSecret}, "refresh_token": {s.cfg.RefreshToken}}); code != 400 || body["error"] != "invalid_grant" {
		t.Errorf("old refresh token after rotation: %d %v", code, body)
	}
	if code, _ = token(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {s.cfg.ClientID}, "client_secret": {s.cfg.ClientSecret}}); code != 200 {
		t.Error("client credentials")
	}
	jwt := func(claims map[string]any, k *rsa.PrivateKey) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`))
		cb, _ := json.Marshal(claims)
		c := base64.RawURLEncoding.EncodeToString(cb)
		sum := sha256.Sum256([]byte(h + "." + c))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	good := map[string]any{"iss": s.cfg.ClientID, "sub": s.cfg.Username, "aud": "https://login.salesforce.com", "exp": time.Now().Add(3 * time.Minute).Unix()}
	if code, body = token(t, s, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt(good, key)}}); code != 200 {
		t.Errorf("jwt: %v", body)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	bad := map[string]any{"iss": s.cfg.ClientID, "sub": "someone@else", "aud": "https://login.salesforce.com", "exp": time.Now().Add(time.Minute).Unix()}
	for name, a := range map[string]string{"wrong key": jwt(good, other), "wrong sub": jwt(bad, key), "garbage": "a.b.c"} {
		if code, _ := token(t, s, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a}}); code != 400 {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestBulkJob(t *testing.T) {
	s := New(Config{BulkChunk: 7})
	defer s.Close()
	tok := login(t, s)
	s.Seed("Account", 20)
	do := func(method, path, body string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, b := do("POST", "/services/data/v60.0/jobs/query", `{"operation":"query","query":"SELECT Id, Name, Website FROM Account WHERE Industry != 'Energy'"}`)
	var info map[string]any
	_ = json.Unmarshal(b, &info)
	if resp.StatusCode != 200 || info["state"] != "UploadComplete" || info["apiVersion"] != 60.0 {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	id := info["id"].(string)
	if resp, _ := do("GET", "/services/data/v60.0/jobs/query/"+id+"/results", ""); resp.StatusCode != 400 {
		t.Errorf("results before completion: %d", resp.StatusCode)
	}
	var states []string
	for i := 0; i < 3; i++ {
		_, b := do("GET", "/services/data/v60.0/jobs/query/"+id, "")
		_ = json.Unmarshal(b, &info)
		states = append(states, info["state"].(string))
	}
	if fmt.Sprint(states) != "[InProgress JobComplete JobComplete]" || info["numberRecordsProcessed"] != 16.0 {
		t.Errorf("states %v, info %v", states, info)
	}
	if resp, _ := do("GET", "/services/data/v59.0/jobs/query/"+id+"/results", ""); resp.StatusCode != 409 {
		t.Errorf("other API version: %d", resp.StatusCode)
	}
	var rows [][]string
	loc := ""
	for chunks := 0; ; chunks++ {
		path := "/services/data/v60.0/jobs/query/" + id + "/results"
		if loc != "" {
			path += "?locator=" + loc
		}
		resp, b := do("GET", path, "")
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil || recs[0][0] != "Id" {
			t.Fatalf("chunk %d: %v %s", chunks, err, b)
		}
		rows = append(rows, recs[1:]...)
		if n := resp.Header.Get("Sforce-NumberOfRecords"); n != fmt.Sprint(len(recs)-1) {
			t.Errorf("Sforce-NumberOfRecords %s for %d rows", n, len(recs)-1)
		}
		loc = resp.Header.Get("Sforce-Locator")
		if loc == "null" {
			break
		}
	}
	if len(rows) != 16 {
		t.Errorf("%d rows", len(rows))
	}
	s.FailNextJob("INVALID_FIELD: no such column")
	_, b = do("POST", "/services/data/v60.0/jobs/query", `{"operation":"query","query":"SELECT Id FROM Account"}`)
	_ = json.Unmarshal(b, &info)
	id = info["id"].(string)
	do("GET", "/services/data/v60.0/jobs/query/"+id, "")
	_, b = do("GET", "/services/data/v60.0/jobs/query/"+id, "")
	_ = json.Unmarshal(b, &info)
	if info["state"] != "Failed" || info["errorMessage"] == nil {
		t.Errorf("failed job: %v", info)
	}
}
