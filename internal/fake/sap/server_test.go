package sap

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, c *http.Client, u string, h map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSuccessFactorsPagingAndFilter(t *testing.T) {
	s := New(Config{Users: map[string]string{"admin@ACME": "pw"}, PageSize: 4})
	defer s.Close()
	s.SeedWorkers(10)
	c := s.Client()
	u := s.URL + "/odata/v2/User?$format=json&$filter=" + url.QueryEscape("department eq 'ENG' or status eq 'inactive'") + "&$inlinecount=allpages"
	var ids []string
	for page := 0; u != "" && page < 5; page++ {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.SetBasicAuth("admin@ACME", "pw")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			D struct {
				Results []map[string]any `json:"results"`
				Next    string           `json:"__next"`
				Count   string           `json:"__count"`
			} `json:"d"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if body.D.Count != "4" {
			t.Errorf("__count = %q", body.D.Count)
		}
		for _, r := range body.D.Results {
			ids = append(ids, r["userId"].(string))
			if !strings.HasPrefix(r["hireDate"].(string), "/Date(") {
				t.Errorf("hireDate = %v", r["hireDate"])
			}
		}
		u = body.D.Next
	}
	if strings.Join(ids, ",") != "u00001,u00005,u00009,u00010" {
		t.Errorf("ids = %v", ids)
	}
	resp, body := get(t, c, s.URL+"/odata/v2/User", nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no credentials: %d %s", resp.StatusCode, body)
	}
}

func TestEffectiveDating(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	s := New(Config{Users: map[string]string{"a@ACME": "pw"}, Now: func() time.Time { return now }})
	defer s.Close()
	s.SeedWorkers(2)
	count := func(q string) int {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/odata/v2/EmpJob?$format=json&"+q, nil)
		req.SetBasicAuth("a@ACME", "pw")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct {
			D struct {
				Results []any `json:"results"`
			} `json:"d"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return len(b.D.Results)
	}
	if n := count(""); n != 2 {
		t.Errorf("today: %d job records, want 2 (one per user)", n)
	}
	if n := count("fromDate=1900-01-01&toDate=9999-12-31"); n != 4 {
		t.Errorf("full history: %d, want 4", n)
	}
	if n := count("asOfDate=2020-06-01"); n != 2 {
		t.Errorf("as of 2020-06-01: %d, want 2", n)
	}
}

func TestS4CSRF(t *testing.T) {
	s := New(Config{Product: S4HANA, Users: map[string]string{"U": "pw"}, SAPClient: "100"})
	defer s.Close()
	s.SeedPartners(3)
	jar, _ := cookiejar.New(nil)
	c := s.Client()
	c.Jar = jar
	root := s.URL + "/sap/opu/odata/sap/API_BUSINESS_PARTNER/"
	post := func(token string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, root+"A_BusinessPartner?sap-client=100", strings.NewReader(`{"BusinessPartner":"9","BusinessPartnerCategory":"2"}`))
		req.SetBasicAuth("U", "pw")
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(""); r.StatusCode != http.StatusForbidden || r.Header.Get("x-csrf-token") != "Required" {
		t.Fatalf("write without token: %d %v", r.StatusCode, r.Header)
	}
	req, _ := http.NewRequest(http.MethodHead, root+"?sap-client=100", nil)
	req.SetBasicAuth("U", "pw")
	req.Header.Set("X-CSRF-Token", "Fetch")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tok := resp.Header.Get("X-CSRF-Token")
	if tok == "" {
		t.Fatal("no token fetched")
	}
	if r := post(tok); r.StatusCode != http.StatusCreated {
		t.Fatalf("write with token: %d", r.StatusCode)
	}
	s.ExpireCSRF()
	if r := post(tok); r.StatusCode != http.StatusForbidden {
		t.Fatalf("expired token: %d", r.StatusCode)
	}
	if s.Writes() != 1 {
		t.Errorf("writes = %d", s.Writes())
	}
	// Another client (mandant) fails logon.
	req, _ = http.NewRequest(http.MethodGet, root+"A_BusinessPartner?$format=json&sap-client=200", nil)
	req.SetBasicAuth("U", "pw")
	if resp, err := s.Client().Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sap-client 200: %v %v", resp, err)
	}
}

func TestFilterParser(t *testing.T) {
	st := sfSets()[0]
	row := map[string]any{"userId": "u1", "status": "active", "hireDate": time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), "firstName": "O'Brien"}
	for src, want := range map[string]bool{
		"userId eq 'u1'":                                     true,
		"userId in 'u2','u1'":                                true,
		"not (status eq 'active')":                           false,
		"hireDate ge datetime'2024-01-31T00:00:00'":          true,
		"hireDate gt datetimeoffset'2024-01-31T00:00:00Z'":   false,
		"firstName eq 'O''Brien' and startswith(userId,'u')": true,
		"substringof('Bri',firstName)":                       true,
		"email eq null":                                      true,
		"email ne null or (userId eq 'x' and status eq 'y')": false,
	} {
		e, err := parseFilter(src, st.column)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		got, err := truth(e, func(k string) (any, bool) { v, ok := row[k]; return v, ok })
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", src, got, err, want)
		}
	}
	for _, bad := range []string{"userId eq", "userId eq 'x", "nope eq 1", "custom01 eq 'x'", "userId eq 'x') ", "manager/userId eq 'x'"} {
		if _, err := parseFilter(bad, st.column); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
