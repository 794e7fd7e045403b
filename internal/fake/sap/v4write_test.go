package sap

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// v4Client is a Basic-auth client of the fake's v4 service holding a CSRF
// token and its session cookie.
type v4Client struct {
	t     *testing.T
	c     *http.Client
	root  string
	token string
}

func newV4Client(t *testing.T, s *Server) *v4Client {
	jar, _ := cookiejar.New(nil)
	c := s.Client()
	c.Jar = jar
	v := &v4Client{t: t, c: c, root: s.URL + "/sap/opu/odata4/" + V4Path + "/"}
	resp, _ := v.do(http.MethodHead, "", "", map[string]string{"X-CSRF-Token": "Fetch"})
	v.token = resp.Header.Get("X-CSRF-Token")
	if v.token == "" {
		t.Fatal("no CSRF token from the v4 service root")
	}
	return v
}

func (v *v4Client) do(method, path, body string, h map[string]string) (*http.Response, map[string]any) {
	v.t.Helper()
	req, _ := http.NewRequest(method, v.root+path+"?sap-client=100", strings.NewReader(body))
	req.SetBasicAuth("U", "pw")
	req.Header.Set("Content-Type", "application/json")
	if v.token != "" {
		req.Header.Set("X-CSRF-Token", v.token)
	}
	for k, x := range h {
		req.Header.Set(k, x)
	}
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp, m
}

const pcKey = "PricingCondition(ConditionRecord='O''Neil',ConditionSequence=1,ConditionCounter=9007199254740993,ConditionScale=1.50," +
	"ConditionUUID=fa163e2c-1b2a-1ee9-0000-000000000001,ValidFrom=2026-01-31,ValidAt=2026-01-31T10:00:00+01:00,IsReleased=true)"

const pcBody = `{"ConditionRecord":"O'Neil","ConditionSequence":1,"ConditionCounter":9007199254740993,"ConditionScale":1.50,` +
	`"ConditionUUID":"fa163e2c-1b2a-1ee9-0000-000000000001","ValidFrom":"2026-01-31","ValidAt":"2026-01-31T10:00:00+01:00",` +
	`"IsReleased":true,"Amount":12345678901234567890.25,"Currency":"EUR","StartTime":"08:30:00"}`

func TestV4Writes(t *testing.T) {
	s := New(Config{Product: S4HANA, Users: map[string]string{"U": "pw"}, SAPClient: "100"})
	defer s.Close()
	s.SeedPartners(2)
	v := newV4Client(t, s)

	// v2-shaped bodies are 400 with a v4 error naming the property.
	for name, body := range map[string]string{
		"d wrapper":         `{"d":` + pcBody + `}`,
		"/Date()/":          strings.Replace(pcBody, `"2026-01-31T10:00:00+01:00"`, `"/Date(1769850000000+0060)/"`, 1),
		"decimal as string": strings.Replace(pcBody, `12345678901234567890.25`, `"12345678901234567890.25"`, 1),
		"int64 as string":   strings.Replace(pcBody, `9007199254740993`, `"9007199254740993"`, 1),
		"navigation":        strings.Replace(pcBody, `{`, `{"_BusinessPartner":{"BusinessPartner":"1"},`, 1),
		"null not nullable": strings.Replace(pcBody, `"EUR"`, `null`, 1),
	} {
		resp, m := v.do(http.MethodPost, "PricingCondition", body, nil)
		e, _ := m["error"].(map[string]any)
		if resp.StatusCode != http.StatusBadRequest || e == nil || e["code"] == nil || e["target"] == "" {
			t.Errorf("%s: %d %v", name, resp.StatusCode, m)
		}
		if _, v2 := e["message"].(map[string]any); v2 {
			t.Errorf("%s: a v2 error message object: %v", name, m)
		}
	}
	if s.Writes() != 0 {
		t.Fatalf("writes = %d after bad bodies", s.Writes())
	}

	resp, m := v.do(http.MethodPost, "PricingCondition", pcBody, nil)
	if resp.StatusCode != http.StatusCreated || m["@odata.etag"] != `W/"1"` || m["Amount"] == nil || !strings.HasSuffix(resp.Header.Get("Location"), "/"+strings.ReplaceAll(pcKey, "'", "%27")) {
		t.Fatalf("create: %d %v %v", resp.StatusCode, m, resp.Header)
	}
	if resp, _ := v.do(http.MethodPost, "PricingCondition", pcBody, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("duplicate create: %d", resp.StatusCode)
	}
	// The set demands If-Match: none is 428, a stale one 412.
	if resp, _ := v.do(http.MethodPatch, pcKey, `{"Currency":"USD"}`, nil); resp.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("PATCH without If-Match: %d", resp.StatusCode)
	}
	if resp, _ := v.do(http.MethodPatch, pcKey, `{"Currency":"USD"}`, map[string]string{"If-Match": `W/"7"`}); resp.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("PATCH with a stale If-Match: %d", resp.StatusCode)
	}
	// v2 key literals are not v4's.
	for v4, v2 := range map[string]string{"=9007199254740993,": "=9007199254740993L,", "=1.50,": "=1.50M,",
		"=fa163e2c-1b2a-1ee9-0000-000000000001,": "=guid'fa163e2c-1b2a-1ee9-0000-000000000001',", "=2026-01-31,": "=datetime'2026-01-31T00:00:00',"} {
		bad := strings.Replace(pcKey, v4, v2, 1)
		if resp, _ := v.do(http.MethodPatch, bad, `{"Currency":"USD"}`, map[string]string{"If-Match": `W/"1"`}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("key %s: %d", bad, resp.StatusCode)
		}
	}
	resp, m = v.do(http.MethodPatch, pcKey, `{"Currency":"USD"}`, map[string]string{"If-Match": `W/"1"`, "Prefer": "return=representation"})
	if resp.StatusCode != http.StatusOK || m["Currency"] != "USD" || m["@odata.etag"] != `W/"2"` {
		t.Errorf("PATCH: %d %v", resp.StatusCode, m)
	}
	if resp, _ := v.do(http.MethodPut, pcKey, `{"Currency":"CHF"}`, map[string]string{"If-Match": `W/"2"`}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PUT without the mandatory Amount: %d", resp.StatusCode)
	}
	if resp, _ := v.do(http.MethodPut, pcKey, `{"Currency":"CHF","Amount":1}`, map[string]string{"If-Match": `W/"2"`}); resp.StatusCode != http.StatusNoContent || resp.Header.Get("ETag") != `W/"3"` {
		t.Errorf("PUT: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := v.do(http.MethodDelete, pcKey, "", map[string]string{"If-Match": `W/"3"`}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE: %d", resp.StatusCode)
	}
	if resp, _ := v.do(http.MethodDelete, pcKey, "", map[string]string{"If-Match": "*"}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE again: %d", resp.StatusCode)
	}
	// return=minimal: 204 with the entity's URL.
	resp, _ = v.do(http.MethodPost, "A_BusinessPartner", `{"BusinessPartner":"9","CreationDate":"2026-01-31"}`, map[string]string{"Prefer": "return=minimal"})
	if resp.StatusCode != http.StatusNoContent || !strings.HasSuffix(resp.Header.Get("OData-EntityId"), "A_BusinessPartner(%279%27)") {
		t.Errorf("minimal create: %d %v", resp.StatusCode, resp.Header)
	}
	// Without the CSRF token a write is 403 "x-csrf-token: Required".
	v.token = ""
	if resp, _ := v.do(http.MethodPost, "A_BusinessPartner", `{"BusinessPartner":"10"}`, nil); resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-CSRF-Token") != "Required" {
		t.Errorf("write without a token: %d", resp.StatusCode)
	}
}
