package sap_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

const bp = "API_BUSINESS_PARTNER/A_BusinessPartner"

func openS4(t *testing.T, srv *fakesap.Server, opts ...connectors.Option) connectors.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(srv.Client()), connectors.WithAllowMissingPrincipalType()}, opts...)
	c, err := sap.NewS4HANA(t.Context(), s4Cred(srv), all...)
	if err != nil {
		t.Fatalf("NewS4HANA: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestS4PagingAndClient(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(25)
	c := openS4(t, srv, sap.WithPageSize(10))
	got := collect(t, c.Get(t.Context(), connectors.Query{Entity: bp, Where: connectors.Eq("Industry", "BANK")}))
	if len(got) != 6 {
		t.Errorf("%d BANK partners, want 6", len(got))
	}
	got = collect(t, c.Get(t.Context(), connectors.Query{Entity: bp}))
	if len(got) != 25 || got[0]["CreationDate"] != (connectors.Date{Year: 2020, Month: 1, Day: 1}) {
		t.Fatalf("%d partners, first %v", len(got), got[0])
	}
	reqs := requests(srv, "GET /sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner?")
	if len(reqs) != 1+3 {
		t.Errorf("requests %v", reqs)
	}
	for _, r := range reqs {
		if !strings.Contains(r, "sap-client=100") || !strings.Contains(r, "%24top=10") {
			t.Errorf("%s lacks sap-client or $top", r)
		}
	}
	if !strings.Contains(reqs[3], "%24skip=20") {
		t.Errorf("third page %s", reqs[3])
	}
	// A connector for another client (mandant) cannot log on.
	cred := s4Cred(srv)
	cred.Secrets["sap_client"] = "200"
	other, _ := sap.NewS4HANA(t.Context(), cred, connectors.WithHTTPClient(srv.Client()))
	if _, err := other.Entities(t.Context()); code(err) != connectors.CodeUnauthenticated {
		t.Errorf("sap-client 200: %v", err)
	}
	cred.Secrets["sap_client"] = "10; DROP"
	if _, err := sap.NewS4HANA(t.Context(), cred); code(err) != connectors.CodeInvalidArgument {
		t.Errorf("bad sap_client: %v", err)
	}
}

func TestS4CSRFFetchAndReplay(t *testing.T) {
	for _, refuseHEAD := range []bool{false, true} {
		srv := newS4(t, fakesap.Config{RefuseHEAD: refuseHEAD})
		srv.SeedPartners(2)
		c := openS4(t, srv)
		ctx := t.Context()
		create := func(id string) error {
			_, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": bp,
				"record": map[string]any{"BusinessPartner": id, "BusinessPartnerCategory": "2", "CreationDate": "2026-01-31", "BusinessPartnerIsBlocked": false}})
			return err
		}
		if err := create("2000001"); err != nil {
			t.Fatalf("create (HEAD refused %v): %v", refuseHEAD, err)
		}
		if err := create("2000002"); err != nil {
			t.Fatal(err)
		}
		if srv.CSRFFetches() != 1 || srv.Writes() != 2 {
			t.Errorf("fetches %d writes %d, want one fetch for two writes", srv.CSRFFetches(), srv.Writes())
		}
		if refuseHEAD && len(requests(srv, "GET /sap/opu/odata/sap/API_BUSINESS_PARTNER/?")) != 1 {
			t.Errorf("no GET fallback: %v", srv.Requests())
		}
		srv.ExpireCSRF()
		if err := create("2000003"); err != nil {
			t.Fatalf("after the session expired: %v", err)
		}
		if srv.CSRFFetches() != 2 || srv.Writes() != 3 {
			t.Errorf("fetches %d writes %d after expiry", srv.CSRFFetches(), srv.Writes())
		}
		got := collect(t, c.Get(ctx, connectors.Query{Entity: bp, Where: connectors.Eq("BusinessPartner", "2000003")}))
		if len(got) != 1 || got[0]["CreationDate"] != (connectors.Date{Year: 2026, Month: 1, Day: 31}) {
			t.Errorf("created record = %v", got)
		}
	}
}

func TestS4WriteNotRepeated(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(1)
	c := openS4(t, srv)
	ctx := t.Context()
	if _, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": bp, "key": map[string]any{"BusinessPartner": "1000001"},
		"record": map[string]any{"Industry": "BANK"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": bp, "key": map[string]any{"BusinessPartner": "1000001"},
		"record": map[string]any{"Industry": "MANUF"}, "method": "MERGE"}); err != nil {
		t.Fatalf("MERGE: %v", err)
	}
	if n := len(requests(srv, "MERGE /sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner('1000001')")); n != 1 {
		t.Errorf("%d MERGE requests: %v", n, srv.Requests())
	}
	srv.Inject("unavailable", 1)
	_, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": bp, "key": map[string]any{"BusinessPartner": "1000001"},
		"record": map[string]any{"Industry": "RETAIL"}})
	var e *connectors.Error
	if err == nil || !asErr(err, &e) || e.Retryable {
		t.Errorf("a failed write = %v, want a non-retryable error", err)
	}
	if srv.Writes() != 2 {
		t.Errorf("writes = %d: a failed PATCH was sent again", srv.Writes())
	}
	for name, params := range map[string]map[string]any{
		"unknown property": {"entity": bp, "key": map[string]any{"BusinessPartner": "1000001"}, "record": map[string]any{"Nope": 1}},
		"wrong type":       {"entity": bp, "key": map[string]any{"BusinessPartner": "1000001"}, "record": map[string]any{"BusinessPartnerIsBlocked": "yes"}},
		"missing key":      {"entity": bp, "key": map[string]any{}, "record": map[string]any{"Industry": "X"}},
		"key injection":    {"entity": bp, "key": map[string]any{"BusinessPartner": 5}, "record": map[string]any{"Industry": "X"}},
		"etag CRLF":        {"entity": bp, "key": map[string]any{"BusinessPartner": "1"}, "record": map[string]any{"Industry": "X"}, "etag": "a\r\nb"},
		"unknown entity":   {"entity": "API_BUSINESS_PARTNER/Nope", "key": map[string]any{"X": "1"}, "record": map[string]any{"Industry": "X"}},
	} {
		_, err := c.Execute(ctx, sap.ActionUpdate, params)
		if c := code(err); c != connectors.CodeInvalidArgument && c != connectors.CodeNotFound {
			t.Errorf("%s: %v", name, err)
		}
	}
	if srv.Writes() != 2 {
		t.Errorf("bad input reached the server: %d writes", srv.Writes())
	}
}

func asErr(err error, e **connectors.Error) bool {
	var x *connectors.Error
	ok := err != nil && errorsAs(err, &x)
	*e = x
	return ok
}

func TestS4Batch(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(3)
	c := openS4(t, srv)
	ctx := t.Context()
	out, err := c.Execute(ctx, sap.ActionBatch, map[string]any{"service": "API_BUSINESS_PARTNER",
		"reads": []any{map[string]any{"path": "A_BusinessPartner?$filter=BusinessPartner%20eq%20'1000002'"}},
		"changes": []any{
			map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "3000001", "BusinessPartnerCategory": "1"}},
			map[string]any{"method": "PATCH", "path": "A_BusinessPartner('1000001')", "body": map[string]any{"Industry": "BANK"}},
		}})
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	reads, _ := out["reads"].([]any)
	changes, _ := out["changes"].([]any)
	if len(reads) != 1 || len(changes) != 2 || changes[0].(map[string]any)["status"] != float64(201) || changes[1].(map[string]any)["status"] != float64(204) {
		t.Fatalf("batch result %v", out)
	}
	if srv.Writes() != 2 {
		t.Errorf("writes %d", srv.Writes())
	}
	// A failing change set is one error part and nothing of it applies.
	_, err = c.Execute(ctx, sap.ActionBatch, map[string]any{"service": "API_BUSINESS_PARTNER", "changes": []any{
		map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "3000002"}},
		map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "1000001"}},
	}})
	var e *connectors.Error
	if !asErr(err, &e) || e.Code != connectors.CodeConflict || e.VendorCode != "BP/002" {
		t.Fatalf("failed change set: %v", err)
	}
	got := collect(t, c.Get(ctx, connectors.Query{Entity: bp, Where: connectors.Eq("BusinessPartner", "3000002")}))
	if len(got) != 0 || srv.Writes() != 2 {
		t.Errorf("the failed change set left %v (writes %d)", got, srv.Writes())
	}
	if _, err := c.Execute(ctx, sap.ActionBatch, map[string]any{"service": "API_BUSINESS_PARTNER",
		"reads": []any{map[string]any{"path": "A_BusinessPartner HTTP/1.1\r\n\r\nDELETE A_BusinessPartner('1')"}}}); code(err) != connectors.CodeInvalidArgument {
		t.Errorf("smuggled request: %v", err)
	}
}

func TestS4SAPMessageOn200(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(2)
	c := openS4(t, srv)
	if err := c.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.SAPMessage(`{"code":"BP/045","message":"Business partner data is locked","severity":"error","target":"","details":[]}`)
	var err error
	for _, e := range c.Get(t.Context(), connectors.Query{Entity: bp}) {
		err = e
	}
	var e *connectors.Error
	if !asErr(err, &e) || e.VendorCode != "BP/045" || e.HTTPStatus != 200 {
		t.Errorf("sap-message error = %v", err)
	}
	srv.SAPMessage(`{"code":"BP/046","message":"info","severity":"info"}`)
	if got := collect(t, c.Get(t.Context(), connectors.Query{Entity: bp})); len(got) != 2 {
		t.Errorf("an info message broke the read: %v", got)
	}
}

func TestS4Errors(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	c := openS4(t, srv)
	ctx := t.Context()
	var err error
	for _, e := range c.Query(ctx, "API_BUSINESS_PARTNER/A_BusinessPartner?$filter=Nope eq 1") {
		err = e
	}
	var e *connectors.Error
	if !asErr(err, &e) || e.Code != connectors.CodeInvalidArgument || e.VendorCode != "/IWBEP/CM_MGW_RT/022" || e.Details["error_details"] == nil {
		t.Errorf("bad filter: %v %v", err, e)
	}
	if _, err := c.Schema(ctx, "NO_SUCH_SRV/X"); code(err) != connectors.CodeNotFound {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := c.Schema(ctx, "A_BusinessPartner"); code(err) != connectors.CodeNotFound || !strings.Contains(err.Error(), "SERVICE/EntitySet") {
		t.Errorf("entity without service: %v", err)
	}
}

func TestS4BAPI(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	c := openS4(t, srv, sap.WithServices("API_BUSINESS_PARTNER", "ZBAPI_USER_SRV"))
	ctx := t.Context()
	out, err := c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "GetUserDetail", "params": map[string]any{"UserName": "JDOE"}})
	if err != nil {
		t.Fatalf("function import: %v", err)
	}
	if out["route"] != "odata" || out["result"].(map[string]any)["LastName"] != "Doe" {
		t.Errorf("function import result %v", out)
	}
	_, err = c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "GetUserDetail", "params": map[string]any{"UserName": "NOBODY"}})
	if e := (*connectors.Error)(nil); !asErr(err, &e) || e.VendorCode != "01/124" {
		t.Errorf("function import error: %v", err)
	}
	out, err = c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "BAPI_USER_GET_DETAIL", "params": map[string]any{"USERNAME": "JDOE"}, "commit": true})
	if err != nil {
		t.Fatalf("rfc: %v", err)
	}
	if out["route"] != "rfc" || out["result"].(map[string]any)["ADDRESS"].(map[string]any)["LASTNAME"] != "Doe" {
		t.Errorf("rfc result %v", out)
	}
	if n := len(requests(srv, "RFC BAPI_TRANSACTION_COMMIT")); n != 1 {
		t.Errorf("%d commits", n)
	}
	_, err = c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "BAPI_USER_GET_DETAIL", "params": map[string]any{"USERNAME": "NOBODY"}, "commit": true})
	var e *connectors.Error
	if !asErr(err, &e) || e.Code != connectors.CodeInvalidArgument || e.VendorCode != "01/124" || e.HTTPStatus != 200 || e.Details["field"] != "USERNAME" {
		t.Errorf("RETURN error: %v", err)
	}
	if n := len(requests(srv, "RFC BAPI_TRANSACTION_COMMIT")); n != 1 {
		t.Errorf("committed after an error: %d commits", n)
	}
	_, err = c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "Z_NOT_THERE"})
	if !asErr(err, &e) || e.VendorCode != "FU_NOT_FOUND" {
		t.Errorf("SOAP fault: %v", err)
	}
	off := openS4(t, srv, sap.WithSOAPRFC(false))
	if _, err := off.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "BAPI_USER_GET_DETAIL"}); code(err) != connectors.CodeUnsupported {
		t.Errorf("rfc off: %v", err)
	}
	if _, err := c.Execute(ctx, sap.ActionBAPI, map[string]any{"name": "BAPI_X><y"}); code(err) != connectors.CodeInvalidArgument {
		t.Errorf("bad name: %v", err)
	}
}

func TestS4NativeQuery(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(12)
	c := openS4(t, srv, sap.WithPageSize(5))
	got := collect(t, c.Query(t.Context(), "API_BUSINESS_PARTNER/A_Customer?$filter=Industry eq 'RETAIL'&$select=Customer,CreditLimitAmount"))
	if len(got) != 3 || got[0]["CreditLimitAmount"] != 10000.5 {
		t.Errorf("native: %v", got)
	}
	got = collect(t, c.Query(t.Context(), "API_BUSINESS_PARTNER/A_Customer?$top=2&$select=Customer"))
	if len(got) != 2 {
		t.Errorf("native $top: %d", len(got))
	}
}

// TestS4ClientCertificate checks mTLS: the connector presents cert_file and
// key_file (PEM text here) to a server that demands a client certificate.
func TestS4ClientCertificate(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "COMM_USER"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	var seen string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		seen = r.TLS.PeerCertificates[0].Subject.CommonName
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"d":{"EntitySets":["A_BusinessPartner"]}}`))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	cred := &credentials.Credential{ID: "cert", ProductID: sap.S4HANA, InstanceURL: srv.URL, AuthType: credentials.AuthCertificate,
		Secrets: credentials.Secrets{"cert_file": certPEM, "key_file": keyPEM, "passphrase": "unused"}}
	c, err := sap.NewS4HANA(t.Context(), cred, connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Test(t.Context()); err != nil || seen != "COMM_USER" {
		t.Errorf("Test = %v, client certificate %q", err, seen)
	}
	cred.Secrets["key_file"] = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
	if _, err := sap.NewS4HANA(t.Context(), cred); code(err) != connectors.CodeInvalidArgument || strings.Contains(err.Error(), "AAAA") {
		t.Errorf("encrypted key: %v", err)
	}
}

func errorsAs(err error, target **connectors.Error) bool { return errors.As(err, target) }

func TestS4ODataV4(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	srv.SeedPartners(12)
	c := openS4(t, srv, sap.WithV4Service("BP_V4", fakesap.V4Path), sap.WithPageSize(5))
	ctx := t.Context()
	ents, err := c.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(ents, ","), "BP_V4/A_BusinessPartner") {
		t.Errorf("entities %v", ents)
	}
	s, err := c.Schema(ctx, "BP_V4/A_BusinessPartner")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := s.Field("CreationDate"); f.Type != connectors.TypeDate || f.Label != "Created On" {
		t.Errorf("v4 schema field %+v", f)
	}
	q := connectors.Query{Entity: "BP_V4/A_BusinessPartner", Fields: []string{"BusinessPartner", "CreationDate"},
		Where: connectors.And{connectors.Eq("Industry", "RETAIL"), connectors.Ge("CreationDate", connectors.Date{Year: 2020, Month: 1, Day: 5})}}
	got := collect(t, c.Get(ctx, q))
	if len(got) != 2 || got[0]["BusinessPartner"] != "1000005" || got[0]["CreationDate"] != (connectors.Date{Year: 2020, Month: 1, Day: 5}) {
		t.Errorf("v4 records %v", got)
	}
	for _, r := range got {
		if _, ok := r["Industry"]; ok || len(r) != 2 {
			t.Errorf("record %v: the residual's extra field was not dropped", r)
		}
	}
	reqs := requests(srv, "GET /sap/opu/odata4/")
	last := reqs[len(reqs)-1]
	if !strings.Contains(last, "%24count=true") || !strings.Contains(last, "Industry%20eq%20%27RETAIL%27") || strings.Contains(last, "datetime") {
		t.Errorf("v4 request %s: want $count, the text comparison pushed and the date one kept here", last)
	}
	all := collect(t, c.Get(ctx, connectors.Query{Entity: "BP_V4/A_BusinessPartner"}))
	if len(all) != 12 {
		t.Errorf("v4 paging: %d records", len(all))
	}
	// The v4 writes are v4write_test.go's, the v4 $batch batchv4_test.go's.
}

// TestS4ConcurrentWritesShareOneToken: parallel writes that all meet
// "x-csrf-token: Required" share one fetch, one token and one session.
func TestS4ConcurrentWritesShareOneToken(t *testing.T) {
	srv := newS4(t, fakesap.Config{})
	c := openS4(t, srv)
	ctx := t.Context()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 6)
	for i := range 6 {
		go func() {
			_, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": bp,
				"record": map[string]any{"BusinessPartner": fmt.Sprint(4000000 + i), "BusinessPartnerCategory": "2"}})
			errc <- err
		}()
	}
	for range 6 {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
	if srv.CSRFFetches() != 1 || srv.Writes() != 6 {
		t.Errorf("%d fetches, %d writes; want 1 and 6", srv.CSRFFetches(), srv.Writes())
	}
}
