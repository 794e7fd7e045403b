package sap_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

func openSF(t *testing.T, srv *fakesap.Server, opts ...connectors.Option) connectors.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(srv.Client())}, opts...)
	c, err := sap.NewSuccessFactors(t.Context(), sfCred(t, srv), all...)
	if err != nil {
		t.Fatalf("NewSuccessFactors: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func collect(t *testing.T, seq func(func(connectors.Record, error) bool)) []connectors.Record {
	t.Helper()
	var out []connectors.Record
	for r, err := range seq {
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		out = append(out, r)
	}
	return out
}

func code(err error) connectors.Code {
	var e *connectors.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return connectors.Code(255)
}

func requests(srv *fakesap.Server, prefix string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func TestSFPagingFollowsNext(t *testing.T) {
	srv := newSF(t, fakesap.Config{PageSize: 7})
	srv.SeedWorkers(20)
	c := openSF(t, srv)
	got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "User", Fields: []string{"userId"}}))
	if len(got) != 20 {
		t.Fatalf("%d records, want 20", len(got))
	}
	reqs := requests(srv, "GET /odata/v2/User?")
	if len(reqs) != 3 {
		t.Fatalf("requests %v, want 3 pages", reqs)
	}
	for _, want := range []string{"%24format=json", "customPageSize=1000", "paging=snapshot", "%24inlinecount=allpages", "%24select=userId"} {
		if !strings.Contains(reqs[0], want) {
			t.Errorf("first request %s lacks %s", reqs[0], want)
		}
	}
	if !strings.Contains(reqs[1], "%24skiptoken=") {
		t.Errorf("second request %s does not follow __next", reqs[1])
	}
}

func TestSFTypingOverTheWire(t *testing.T) {
	for _, noOffset := range []bool{false, true} {
		srv := newSF(t, fakesap.Config{NoOffset: noOffset})
		srv.SeedWorkers(1)
		c := openSF(t, srv, sap.WithEffectiveRange(connectors.Date{Year: 1900, Month: 1, Day: 1}, connectors.Date{Year: 9999, Month: 12, Day: 31}))
		got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "EmpJob", OrderBy: []connectors.Order{connectors.Asc("seqNumber")}}))
		if len(got) != 2 {
			t.Fatalf("%d job records over the full history, want 2", len(got))
		}
		r := got[0]
		if r["seqNumber"] != int64(1) || r["standardHours"] != 40.0 || r["fte"] != 1.0 || r["isFulltimeEmployee"] != true {
			t.Errorf("numbers: %v %v %v %v", r["seqNumber"], r["standardHours"], r["fte"], r["isFulltimeEmployee"])
		}
		if r["startDate"] != (connectors.Date{Year: 2020, Month: 1, Day: 1}) {
			t.Errorf("startDate = %#v", r["startDate"])
		}
		if ts, ok := r["lastModifiedDateTime"].(time.Time); !ok || !ts.Equal(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("lastModifiedDateTime = %#v (noOffset %v)", r["lastModifiedDateTime"], noOffset)
		}
		for k := range r {
			if strings.HasPrefix(k, "__") {
				t.Errorf("envelope key %s kept", k)
			}
		}
		if strings.Contains(strings.Join(srv.Requests(), " "), "paging=snapshot") {
			t.Error("paging=snapshot sent with $orderby")
		}
	}
}

func TestSFEffectiveDating(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	srv := newSF(t, fakesap.Config{Now: func() time.Time { return now }})
	srv.SeedWorkers(3)
	c := openSF(t, srv)
	ctx := t.Context()
	today := collect(t, c.Get(ctx, connectors.Query{Entity: "EmpJob"}))
	past := collect(t, c.Get(ctx, connectors.Query{Entity: "EmpJob", AsOf: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}))
	if len(today) != 3 || len(past) != 3 || today[0]["jobTitle"] != "Engineer" || past[0]["jobTitle"] != "Junior Engineer" {
		t.Fatalf("today %v / past %v", today, past)
	}
	if reqs := requests(srv, "GET /odata/v2/EmpJob?"); !strings.Contains(reqs[1], "asOfDate=2021-06-01") {
		t.Errorf("AsOf request %s has no asOfDate", reqs[1])
	}
	since := collect(t, c.Get(ctx, connectors.Query{Entity: "User", Since: time.Date(2025, 6, 1, 12, 1, 0, 0, time.UTC)}))
	if len(since) != 2 {
		t.Errorf("Since: %d users, want 2", len(since))
	}
	reqs := requests(srv, "GET /odata/v2/User?")
	if !strings.Contains(reqs[len(reqs)-1], "lastModifiedDateTime%20ge%20datetimeoffset") {
		t.Errorf("Since request %s", reqs[len(reqs)-1])
	}
}

func TestSFFilterPushdown(t *testing.T) {
	srv := newSF(t, fakesap.Config{})
	srv.SeedWorkers(12)
	c := openSF(t, srv)
	ctx := t.Context()
	q := connectors.Query{Entity: "User", Fields: []string{"userId"},
		Where: connectors.And{connectors.In("department", "ENG", "FIN"), connectors.Not{X: connectors.Eq("status", "inactive")}, connectors.IsNull("custom01")}}
	got := collect(t, c.Get(ctx, q))
	if len(got) != 6 {
		t.Errorf("%d users, want 6 (ENG or FIN, active)", len(got))
	}
	last := requests(srv, "GET /odata/v2/User?")
	if s := last[len(last)-1]; !strings.Contains(s, "department%20in%20%27ENG%27%2C%27FIN%27") || strings.Contains(s, "custom01%20eq") {
		t.Errorf("request %s: want SuccessFactors' in, and custom01 (not filterable) left client side", s)
	}
	plan, err := c.(connectors.Explainer).Explain(ctx, q)
	if err != nil || plan.Residual == nil || plan.Pushed == nil {
		t.Errorf("Explain = %+v, %v", plan, err)
	}
}

func TestSFEntitiesAndSchema(t *testing.T) {
	srv := newSF(t, fakesap.Config{})
	c := openSF(t, srv)
	ents, err := c.Entities(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"EmpEmployment", "EmpJob", "FOCompany", "FODepartment", "PerPerson", "PerPersonal", "User"}, ents); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	s, err := c.Schema(t.Context(), "User")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := s.Field("userId")
	if s.Canonical != "worker" || f.Canonical != "employee_id" || f.Label != "User ID" || !cmp.Equal(s.Key, []string{"userId"}) {
		t.Errorf("schema %+v / field %+v", s, f)
	}
	if f, _ := s.Field("custom01"); f.Filterable {
		t.Error("custom01 is sap:filterable=false")
	}
	if _, err := c.Schema(t.Context(), "Nope"); code(err) != connectors.CodeNotFound {
		t.Errorf("unknown entity: %v", err)
	}
	if _, err := c.Schema(t.Context(), "User/../$metadata"); code(err) != connectors.CodeNotFound {
		t.Errorf("path in entity name: %v", err)
	}
	if len(requests(srv, "GET /odata/v2/User/$metadata")) != 1 {
		t.Errorf("the per-entity $metadata was not fetched once: %v", srv.Requests())
	}
}

func TestSFCredentials(t *testing.T) {
	srv := newSF(t, fakesap.Config{Users: map[string]string{"admin@ACME": "pw"}})
	srv.SeedWorkers(2)
	ctx := t.Context()
	basic := func(user string) *credentials.Credential {
		return &credentials.Credential{ID: "b", ProductID: sap.SuccessFactors, InstanceURL: srv.URL, AuthType: credentials.AuthBasic,
			Secrets: credentials.Secrets{"username": user, "password": "pw"}}
	}
	c, err := sap.NewSuccessFactors(ctx, basic("admin@ACME"), connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if got := collect(t, c.Get(ctx, connectors.Query{Entity: "User"})); len(got) != 2 {
		t.Errorf("basic: %d users", len(got))
	}
	if _, err := sap.NewSuccessFactors(ctx, basic("admin"), connectors.WithHTTPClient(srv.Client())); code(err) != connectors.CodeInvalidArgument {
		t.Errorf("user without @companyId: %v", err)
	}
	wrong, _ := sap.NewSuccessFactors(ctx, basic("other@ACME"), connectors.WithHTTPClient(srv.Client()))
	if err := wrong.Connect(ctx); code(err) != connectors.CodeUnauthenticated {
		t.Errorf("wrong user: %v", err)
	}
	cred := sfCred(t, srv)
	cred.Secrets["company_id"] = "OTHER"
	bad, _ := sap.NewSuccessFactors(ctx, cred, connectors.WithHTTPClient(srv.Client()))
	if err := bad.Connect(ctx); code(err) != connectors.CodeUnauthenticated || strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Errorf("wrong company: %v", err)
	}
	idp := sfCred(t, srv)
	idp.Secrets["token_url"] = srv.URL + "/oauth/idp"
	if _, err := sap.NewSuccessFactors(ctx, idp, connectors.WithHTTPClient(srv.Client())); code(err) != connectors.CodeInvalidArgument {
		t.Errorf("/oauth/idp: %v", err)
	}
	if n := srv.OAuth.Requests(""); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

func TestSFLoginPageOn200(t *testing.T) {
	srv := newSF(t, fakesap.Config{})
	srv.SeedWorkers(3)
	c := openSF(t, srv)
	if err := c.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/odata/v2/User") && !strings.HasSuffix(r.URL.Path, "$metadata") {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte(`<!DOCTYPE html><html><body><form method="post" action="https://idp.example/saml2/sso"><input type="hidden" name="SAMLRequest" value="PHNhbWxwOkF1dGhu"/></form></body></html>`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	var err error
	for _, e := range c.Get(t.Context(), connectors.Query{Entity: "User"}) {
		err = e
	}
	if code(err) != connectors.CodeUnauthenticated {
		t.Errorf("login page: %v", err)
	}
}

func TestSFNativeQuery(t *testing.T) {
	srv := newSF(t, fakesap.Config{PageSize: 2})
	srv.SeedWorkers(5)
	c := openSF(t, srv)
	got := collect(t, c.Query(t.Context(), "EmpJob?$filter=userId eq 'u00002'&fromDate=1900-01-01&toDate=9999-12-31&$select=userId,seqNumber"))
	if len(got) != 2 || got[1]["seqNumber"] != int64(2) {
		t.Errorf("native: %v", got)
	}
	for _, bad := range []string{"EmpJob?$evil=1", "EmpJob?$format=atom", "../x", "EmpJob?$top=-1", "EmpJob?$top=1&$top=2"} {
		var err error
		for _, e := range c.Query(t.Context(), bad) {
			err = e
		}
		if code(err) != connectors.CodeInvalidArgument && code(err) != connectors.CodeNotFound {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

var _ = context.Background

func TestSFExpandOnRequest(t *testing.T) {
	srv := newSF(t, fakesap.Config{})
	srv.SeedWorkers(2)
	c := openSF(t, srv)
	got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "User", Fields: []string{"userId", "empInfo"}}))
	if len(got) != 2 {
		t.Fatalf("%d users", len(got))
	}
	emp, ok := got[1]["empInfo"].(map[string]any)
	if !ok || emp["userId"] != "u00002" || emp["startDate"] != (connectors.Date{Year: 2020, Month: 1, Day: 2}) {
		t.Errorf("empInfo = %#v", got[1]["empInfo"])
	}
	reqs := requests(srv, "GET /odata/v2/User?")
	if !strings.Contains(reqs[len(reqs)-1], "%24expand=empInfo") {
		t.Errorf("request %s has no $expand", reqs[len(reqs)-1])
	}
}

func TestSFInstanceURLWithRoot(t *testing.T) {
	srv := newSF(t, fakesap.Config{})
	srv.SeedWorkers(1)
	cred := sfCred(t, srv)
	cred.InstanceURL = srv.URL + "/odata/v2/"
	c, err := sap.NewSuccessFactors(t.Context(), cred, connectors.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "User"})); len(got) != 1 {
		t.Errorf("%d users", len(got))
	}
	if _, err := c.Schema(t.Context(), "Nope"); code(err) != connectors.CodeNotFound || len(requests(srv, "GET /odata/v2/Nope")) != 0 {
		t.Errorf("unknown entity: %v, requests %v", err, srv.Requests())
	}
}

func TestSFClientPagingWithoutNext(t *testing.T) {
	srv := newSF(t, fakesap.Config{PageSize: 7, NoServerPaging: true})
	srv.SeedWorkers(20)
	c := openSF(t, srv, sap.WithPageSize(7))
	got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "User"}))
	if len(got) != 20 {
		t.Fatalf("%d users, want 20", len(got))
	}
	reqs := requests(srv, "GET /odata/v2/User?")
	if len(reqs) != 3 || !strings.Contains(reqs[1], "%24skip=7") || !strings.Contains(reqs[2], "%24skip=14") || !strings.Contains(reqs[2], "%24top=7") {
		t.Errorf("requests %v, want $skip/$top pages after a full page without __next", reqs)
	}
}

// TestSFFullLastPage: the last page of a __next walk is full and has no
// __next; it ends the walk (no $skip fallback there).
func TestSFFullLastPage(t *testing.T) {
	srv := newSF(t, fakesap.Config{PageSize: 5})
	srv.SeedWorkers(10)
	c := openSF(t, srv, sap.WithPageSize(5))
	got := collect(t, c.Get(t.Context(), connectors.Query{Entity: "User"}))
	if len(got) != 10 || len(requests(srv, "GET /odata/v2/User?")) != 2 {
		t.Errorf("%d users in %v", len(got), requests(srv, "GET /odata/v2/User?"))
	}
}
