package sap

import (
	"bufio"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// v4BatchBody frames a v4 $batch by hand (OData v4.0 Part 1 Protocol,
// section 11.7.2 example): reads, then one change set of (Content-ID,
// request) pairs.
func v4BatchBody(reads []string, changes [][2]string) string {
	var b strings.Builder
	for _, r := range reads {
		b.WriteString("--b1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" + r + "\r\n")
	}
	if len(changes) > 0 {
		b.WriteString("--b1\r\nContent-Type: multipart/mixed;boundary=cs1\r\n\r\n")
		for _, c := range changes {
			b.WriteString("--cs1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: " + c[0] + "\r\n\r\n" + c[1] + "\r\n")
		}
		b.WriteString("--cs1--\r\n")
	}
	b.WriteString("--b1--\r\n")
	return b.String()
}

// batchAnswer is one response of a batch answer: its change set (0 for a
// top-level part), Content-ID, status and JSON body.
type batchAnswer struct {
	set       int
	contentID string
	status    int
	body      map[string]any
}

func readBatchAnswer(t *testing.T, resp *http.Response, body []byte) []batchAnswer {
	t.Helper()
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("answer %s: %v", resp.Header.Get("Content-Type"), err)
	}
	var out []batchAnswer
	read := func(set int, p *multipart.Part) {
		r, err := http.ReadResponse(bufio.NewReader(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		a := batchAnswer{set: set, contentID: p.Header.Get("Content-ID"), status: r.StatusCode}
		_ = json.Unmarshal(b, &a.body)
		out = append(out, a)
	}
	mr := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	sets := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		mt, pp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if mt != "multipart/mixed" {
			read(0, p)
			continue
		}
		sets++
		inner := multipart.NewReader(p, pp["boundary"])
		for {
			ip, err := inner.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			read(sets, ip)
		}
	}
}

func TestV4Batch(t *testing.T) {
	s := New(Config{Product: S4HANA, Users: map[string]string{"U": "pw"}, SAPClient: "100"})
	defer s.Close()
	s.SeedPartners(2)
	v := newV4Client(t, s)
	post := func(body string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, v.root+"$batch?sap-client=100", strings.NewReader(body))
		req.SetBasicAuth("U", "pw")
		req.Header.Set("Content-Type", "multipart/mixed;boundary=b1")
		req.Header.Set("OData-Version", "4.0")
		if v.token != "" {
			req.Header.Set("X-CSRF-Token", v.token)
		}
		resp, err := v.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	const h = " HTTP/1.1\r\nOData-Version: 4.0\r\nAccept: application/json\r\n"
	create := "POST PricingCondition" + h + "Content-Type: application/json\r\n\r\n" + pcBody
	patch := "PATCH " + strings.ReplaceAll(pcKey, ":", "%3A") + h + "Content-Type: application/json\r\nIf-Match: W/\"1\"\r\n\r\n" + `{"Currency":"USD"}`

	// Reads, and a change set applied in order: Content-IDs echoed as sent.
	resp, body := post(v4BatchBody([]string{"GET A_BusinessPartner?$top=1" + h, "GET A_BusinessPartner('1000009')" + h},
		[][2]string{{"c-1", create}, {"c-2", patch}}))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("OData-Version") != "4.0" {
		t.Fatalf("batch: %d %s", resp.StatusCode, body)
	}
	got := readBatchAnswer(t, resp, body)
	if len(got) != 4 || got[0].status != 200 || got[1].status != 404 || got[2].status != 201 || got[3].status != 204 ||
		got[2].contentID != "c-1" || got[3].contentID != "c-2" || got[2].set != 1 || got[3].set != 1 {
		t.Fatalf("answer %+v", got)
	}
	if e, _ := got[1].body["error"].(map[string]any); e == nil || e["code"] != "/IWBEP/CM_V4_RUNTIME/020" {
		t.Errorf("missing entity: %v", got[1].body)
	}
	if s.Writes() != 2 {
		t.Fatalf("writes %d", s.Writes())
	}
	items := s.Batches()[0].Items
	if len(items) != 4 || items[2].ContentID != "c-1" || items[3].IfMatch != `W/"1"` || items[3].Body != `{"Currency":"USD"}` {
		t.Errorf("recorded %+v", items)
	}

	// A v2-shaped request fails its change set: the request before it is
	// rolled back, the answer is the one error part with a v4 error body.
	v2Body := "POST A_BusinessPartner" + h + "Content-Type: application/json\r\n\r\n" + `{"d":{"BusinessPartner":"9"}}`
	v2Header := "POST A_BusinessPartner HTTP/1.1\r\nDataServiceVersion: 2.0\r\nContent-Type: application/json\r\n\r\n" + `{"BusinessPartner":"9"}`
	ok := "POST A_BusinessPartner" + h + "Content-Type: application/json\r\n\r\n" + `{"BusinessPartner":"8"}`
	for name, bad := range map[string]string{"d wrapper": v2Body, "DataServiceVersion": v2Header} {
		resp, body = post(v4BatchBody(nil, [][2]string{{"1", ok}, {"2", bad}}))
		got = readBatchAnswer(t, resp, body)
		if resp.StatusCode != http.StatusOK || len(got) != 1 || got[0].set != 0 || got[0].status != http.StatusBadRequest {
			t.Fatalf("%s: %d %+v", name, resp.StatusCode, got)
		}
		e, _ := got[0].body["error"].(map[string]any)
		if _, plain := e["message"].(string); !plain || e["code"] == nil {
			t.Errorf("%s: not a v4 error body: %v", name, got[0].body)
		}
		if s.Writes() != 2 {
			t.Errorf("%s: writes %d: the change set was applied in part", name, s.Writes())
		}
	}

	// A change set request without a Content-ID, and a malformed body, are
	// a 400 for the whole batch.
	noID := "--b1\r\nContent-Type: multipart/mixed;boundary=cs1\r\n\r\n--cs1\r\nContent-Type: application/http\r\n\r\n" + ok + "\r\n--cs1--\r\n--b1--\r\n"
	for name, b := range map[string]string{"no Content-ID": noID, "truncated": v4BatchBody(nil, [][2]string{{"1", ok}})[:60]} {
		if resp, _ := post(b); resp.StatusCode != http.StatusBadRequest || s.Writes() != 2 {
			t.Errorf("%s: %d, writes %d", name, resp.StatusCode, s.Writes())
		}
	}

	// The $batch needs the CSRF token as every write does.
	v.token = ""
	if resp, _ := post(v4BatchBody([]string{"GET A_BusinessPartner" + h}, nil)); resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-CSRF-Token") != "Required" {
		t.Errorf("batch without a token: %d", resp.StatusCode)
	}
}
