package oracle_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	fake "github.com/xlr8/connectors/internal/fake/oracle"
	"github.com/xlr8/connectors/oracle"
	"github.com/xlr8/connectors/translate"
)

func open(t *testing.T, srv *fake.Server, product string, opts ...connectors.Option) connectors.Connector {
	t.Helper()
	all := append([]connectors.Option{connectors.WithHTTPClient(srv.Client()), connectors.WithRetry(connectors.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}, opts...)
	c, err := oracle.NewProduct(context.Background(), product, basicCred(srv, product), all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func collect(t *testing.T, c connectors.Connector, q connectors.Query) []connectors.Record {
	t.Helper()
	recs, err := connectors.Collect(c.Get(context.Background(), q))
	if err != nil {
		t.Fatalf("Get %+v: %v", q, err)
	}
	return recs
}

// untilError ranges a Get, collecting PersonNumbers until the stream's
// error (nil at its end); after, if set, sees the count after each record.
func untilError(c connectors.Connector, q connectors.Query, after func(n int)) ([]any, error) {
	var got []any
	for r, err := range c.Get(context.Background(), q) {
		if err != nil {
			return got, err
		}
		got = append(got, r["PersonNumber"])
		if after != nil {
			after(len(got))
		}
	}
	return got, nil
}

func field(recs []connectors.Record, name string) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r[name]
	}
	return out
}

func TestFrameworkVersionOnEveryCall(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 30)
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(10))
	collect(t, c, connectors.Query{Entity: "workers", Where: connectors.Eq("CountryOfBirth", "US")})
	if _, err := c.Execute(context.Background(), "oracle.hcm.get_worker", map[string]any{"person_number": "100002", "__type__": "MACHINE"}); err != nil {
		t.Fatal(err)
	}
	vs := srv.FrameworkVersions()
	if len(vs) < 3 || slices.ContainsFunc(vs, func(v string) bool { return v != oracle.FrameworkVersion }) {
		t.Errorf("REST-Framework-Version per call: %v", vs)
	}
}

func TestPageCapAndShortPages(t *testing.T) {
	if _, err := oracle.NewProduct(context.Background(), oracle.ProductHCM, &credentials.Credential{}, oracle.WithPageSize(500)); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("page size 500: %v", err)
	}
	// The pod cuts every page to 7 rows whatever the limit, with hasMore
	// true: a short page is not the end.
	srv := fake.New(fake.Config{MaxPage: 7})
	defer srv.Close()
	srv.Seed("workers", 40)
	recs := collect(t, open(t, srv, oracle.ProductHCM), connectors.Query{Entity: "workers"})
	// Six pages, plus the one call with which Basic auth connects.
	if len(recs) != 40 || srv.Calls("collection") != 7 {
		t.Errorf("%d records in %d calls, want 40 in 6+1", len(recs), srv.Calls("collection"))
	}
	big := fake.New(fake.Config{})
	defer big.Close()
	big.Generate("workers", 1200)
	if recs := collect(t, open(t, big, oracle.ProductHCM), connectors.Query{Entity: "workers", Fields: []string{"PersonNumber"}}); len(recs) != 1200 || big.Calls("collection") != 4 {
		t.Errorf("default page size: %d records in %d calls, want 1200 in 3+1", len(recs), big.Calls("collection"))
	}
}

func TestTotalResultsChecked(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 30)
	srv.LieAboutTotal(3)
	_, err := connectors.Collect(open(t, srv, oracle.ProductHCM, oracle.WithPageSize(10)).Get(context.Background(), connectors.Query{Entity: "workers"}))
	if err == nil {
		t.Fatal("a stream shorter than totalResults ended silently")
	}
}

func TestPushdownEscapingAndResidual(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 20)
	srv.Insert("workers", map[string]any{"PersonId": 1.0, "PersonNumber": "O'Brien' or PersonNumber <> '", "CountryOfBirth": "IE",
		"LastUpdateDate": "2024-06-01T10:25:44.457+00:00", "names": []any{map[string]any{"LastName": "O'Brien", "EffectiveStartDate": "2000-01-01", "EffectiveEndDate": "4712-12-31"}}})
	c := open(t, srv, oracle.ProductHCM)
	recs := collect(t, c, connectors.Query{Entity: "workers", Where: connectors.Eq("PersonNumber", "O'Brien' or PersonNumber <> '")})
	if len(recs) != 1 || recs[0]["CountryOfBirth"] != "IE" {
		t.Fatalf("an injection-shaped value matched %d rows", len(recs))
	}
	q := connectors.Query{Entity: "workers", Where: connectors.And{connectors.Eq("CountryOfBirth", "IE"), connectors.Eq("names.LastName", "O'Brien")}}
	plan, err := c.(connectors.Explainer).Explain(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(plan.Requests[0].URL)
	if got := u.Query(); got.Get("q") != "CountryOfBirth = 'IE'" || got.Get("expand") != "names" || got.Has("onlyData") || got.Get("links") != "self" || plan.Residual == nil {
		t.Errorf("plan %s (residual %v)", plan.Requests[0].URL, plan.Residual)
	}
	recs = collect(t, c, q)
	if len(recs) != 1 {
		t.Fatalf("residual child filter: %d rows", len(recs))
	}
	names, _ := recs[0]["names"].([]any)
	if len(names) != 1 {
		t.Errorf("expanded names: %v", recs[0]["names"])
	}
}

func TestFieldsChildrenAndTypes(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 3)
	c := open(t, srv, oracle.ProductHCM)
	recs := collect(t, c, connectors.Query{Entity: "workers", Fields: []string{"PersonNumber", "PersonId", "LastUpdateDate", "names.LastName"}, Limit: 2})
	want := []connectors.Record{
		{"PersonNumber": "100001", "PersonId": int64(300000000000000), "LastUpdateDate": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			"names": []any{map[string]any{"LastName": "Lee"}}},
		{"PersonNumber": "100002", "PersonId": int64(300000000000001), "LastUpdateDate": time.Date(2024, 1, 1, 0, 1, 0, 457e6, time.UTC),
			"names": []any{map[string]any{"LastName": "Lee"}}},
	}
	if diff := cmp.Diff(want, recs, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	all := collect(t, c, connectors.Query{Entity: "workers", Limit: 1})
	if d, ok := all[0]["DateOfBirth"].(connectors.Date); !ok || d.Year == 0 {
		t.Errorf("a date attribute: %T %v", all[0]["DateOfBirth"], all[0]["DateOfBirth"])
	}
	if _, ok := all[0]["names"]; ok {
		t.Error("children were expanded without being asked for")
	}
	expanded := collect(t, open(t, srv, oracle.ProductHCM, oracle.WithExpand("workers", "workRelationships.assignments")), connectors.Query{Entity: "workers", Limit: 1})
	rel := expanded[0]["workRelationships"].([]any)[0].(map[string]any)
	if a := rel["assignments"].([]any)[0].(map[string]any); a["AssignmentStatusType"] != "ACTIVE" && a["AssignmentStatusType"] == nil {
		t.Errorf("grandchildren: %v", rel)
	}
	emails := []any{}
	for i := range 30 {
		emails = append(emails, map[string]any{"EmailAddressId": float64(i), "EmailAddress": "x@acme.example"})
	}
	srv.Insert("workers", map[string]any{"PersonId": 9.0, "PersonNumber": "9", "emails": emails})
	_, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: "workers", Fields: []string{"PersonNumber", "emails.EmailAddress"}}))
	if connectors.CodeOf(err) != connectors.CodeUnsupported {
		t.Errorf("a child collection with more rows than its first page: %v", err)
	}
	s, err := c.Schema(context.Background(), "workers")
	if err != nil {
		t.Fatal(err)
	}
	pn, _ := s.Field("PersonNumber")
	ln, _ := s.Field("names.LastName")
	lu, _ := s.Field("LastUpdateDate")
	if !pn.Filterable || ln.Name == "" || ln.Filterable || lu.Type != connectors.TypeDateTime || !slices.Equal(s.Key, []string{"PersonId"}) {
		t.Errorf("schema from describe: %+v %+v %+v %v", pn, ln, lu, s.Key)
	}
}

func TestAsOfAndSince(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Insert("jobs", map[string]any{"JobId": 1.0, "JobCode": "ENG", "Name": "Engineer", "EffectiveStartDate": "2020-01-01", "EffectiveEndDate": "2023-12-31", "LastUpdateDate": "2023-01-01T00:00:00+00:00"})
	srv.Insert("jobs", map[string]any{"JobId": 1.0, "JobCode": "ENG", "Name": "Senior Engineer", "EffectiveStartDate": "2024-01-01", "EffectiveEndDate": "4712-12-31", "LastUpdateDate": "2024-01-01T00:00:00.5+00:00"})
	c := open(t, srv, oracle.ProductHCM)
	for asOf, want := range map[time.Time]string{time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC): "Engineer", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC): "Senior Engineer"} {
		recs := collect(t, c, connectors.Query{Entity: "jobs", AsOf: asOf})
		if len(recs) != 1 || recs[0]["Name"] != want {
			t.Errorf("as of %s: %v", asOf.Format(time.DateOnly), field(recs, "Name"))
		}
	}
	srv.Seed("workers", 50)
	since := time.Date(2024, 1, 1, 0, 40, 0, 0, time.UTC)
	recs := collect(t, c, connectors.Query{Entity: "workers", Since: since, Fields: []string{"PersonNumber"}})
	if len(recs) != 10 {
		t.Errorf("since %s: %d rows, want 10", since, len(recs))
	}
	if _, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: "workers", AsOf: since})); connectors.CodeOf(err) != connectors.CodeUnsupported {
		t.Errorf("AsOf on a resource that is not date-effective: %v", err)
	}
}

func TestTruncatedDeepExpandResumes(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 25)
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(10), oracle.WithExpand("workers", "workRelationships.assignments"))
	got, endErr := untilError(c, connectors.Query{Entity: "workers"}, func(n int) {
		if n == 10 {
			srv.FailDeepExpand(true)
		}
	})
	var ce *connectors.Error
	if !errors.As(endErr, &ce) || ce.Code != connectors.CodeInternal || ce.Resume == "" || len(got) != 10 {
		t.Fatalf("after %d rows: %v", len(got), endErr)
	}
	srv.FailDeepExpand(false)
	rest := collect(t, c, connectors.Query{Entity: "workers", Resume: ce.Resume})
	got = append(got, field(rest, "PersonNumber")...)
	if len(got) != 25 || got[10] != "100011" || got[24] != "100025" {
		t.Errorf("resumed: %v", got)
	}
}

func TestFinderPagesInsideTheFinder(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("recruitingCEJobRequisitions", 45)
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(20))
	recs := collect(t, c, connectors.Query{Entity: "recruitingCEJobRequisitions"})
	if len(recs) != 45 || recs[44]["RequisitionNumber"] != "RequisitionNumber 45" {
		t.Fatalf("%d requisitions", len(recs))
	}
	recs = collect(t, c, connectors.Query{Entity: "recruitingCEJobRequisitions", Where: connectors.Eq("PrimaryLocation", "London")})
	if len(recs) != 15 {
		t.Errorf("client-side filter on a finder resource: %d", len(recs))
	}
}

func pemKey(t *testing.T) (*rsa.PrivateKey, string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

func TestIdentityDomainGrants(t *testing.T) {
	key, keyPEM := pemKey(t)
	srv := fake.New(fake.Config{JWTKey: &key.PublicKey})
	defer srv.Close()
	srv.Seed("workers", 2)
	cfg := srv.Config()
	jwt := oauthCred(srv, oracle.ProductHCM)
	jwt.Secrets[credentials.KeyGrantType] = credentials.GrantJWTBearer
	jwt.Secrets[credentials.KeyPrivateKey] = keyPEM
	jwt.Secrets[credentials.KeySubject] = cfg.Username
	grants := []struct {
		name string
		cred *credentials.Credential
	}{{"client_credentials", oauthCred(srv, oracle.ProductHCM)}, {"jwt_bearer", jwt}}
	for _, g := range grants {
		name, cred := g.name, g.cred
		c, err := oracle.NewProduct(context.Background(), oracle.ProductHCM, cred, connectors.WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if st, err := c.Test(context.Background()); err != nil || !st.Authenticated {
			t.Errorf("%s: %v %+v", name, err, st)
		}
		_ = c.Close()
	}
	toks := srv.OAuth.Tokens()
	if len(toks) != 2 || toks[0].Grant != "client_credentials" || toks[1].Subject != cfg.Username || toks[1].Scope != cfg.Scope {
		t.Errorf("tokens %+v", toks)
	}
	bad := oauthCred(srv, oracle.ProductHCM)
	bad.Secrets[credentials.KeyClientSecret] = "wrong"
	c, _ := oracle.NewProduct(context.Background(), oracle.ProductHCM, bad, connectors.WithHTTPClient(srv.Client()))
	if err := c.Connect(context.Background()); connectors.CodeOf(err) != connectors.CodeUnauthenticated || strings.Contains(err.Error(), "wrong") {
		t.Errorf("a wrong client secret: %v", err)
	}
	noScope := oauthCred(srv, oracle.ProductHCM)
	delete(noScope.Secrets, credentials.KeyScope)
	if _, err := oracle.NewProduct(context.Background(), oracle.ProductHCM, noScope); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("no scope: %v", err)
	}
}

func TestESSExport(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("invoices", 7)
	c := open(t, srv, oracle.ProductERP, oracle.WithExportJob("invoices", fake.DefaultExportJob, "#NULL"),
		oracle.WithExportJob("suppliers", "/oracle/apps/nope,Missing", "#NULL"))
	bx := c.(connectors.BulkExporter)
	ctx := context.Background()
	if _, err := bx.StartExport(ctx, connectors.Query{Entity: "suppliers"}); connectors.CodeOf(err) != connectors.CodeInvalidArgument || !strings.Contains(err.Error(), "ReqstId -1") {
		t.Errorf("a rejected submission: %v", err)
	}
	if _, err := bx.StartExport(ctx, connectors.Query{Entity: "invoices", Where: connectors.Eq("PaidStatus", "Paid")}); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("a filtered export: %v", err)
	}
	job, err := bx.StartExport(ctx, connectors.Query{Entity: "invoices"})
	if err != nil || job.ID == "" {
		t.Fatal(err)
	}
	var states []string
	for {
		st, err := bx.ExportStatus(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, string(st.State)+"/"+st.VendorState)
		if st.State.Done() {
			break
		}
	}
	if want := "queued/WAIT queued/READY running/RUNNING running/PAUSED running/RUNNING complete/SUCCEEDED"; strings.Join(states, " ") != want {
		t.Errorf("states %v", states)
	}
	recs, err := connectors.Collect(bx.ExportResults(ctx, job.ID))
	if err != nil || len(recs) != 7 || recs[0]["InvoiceNumber"] != "InvoiceNumber 1" || recs[6]["InvoiceId"] != "300000000000006" {
		t.Fatalf("results: %v %v", err, recs)
	}
	srv.FailNextJob("ERROR")
	job, _ = bx.StartExport(ctx, connectors.Query{Entity: "invoices"})
	if _, err := connectors.Collect(bx.ExportResults(ctx, job.ID)); err == nil || !strings.Contains(err.Error(), "ERROR") {
		t.Errorf("a failed job's results: %v", err)
	}
	if _, err := bx.ExportStatus(ctx, "1;x"); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("a bad request id: %v", err)
	}
	if _, ok := open(t, srv, oracle.ProductHCM).(connectors.BulkExporter); ok {
		t.Error("oracle_hcm claims a BulkExporter")
	}
}

func TestExecute(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 3)
	srv.Seed("invoices", 3)
	srv.Insert("flowPatterns", map[string]any{"FlowId": 300100.0, "FlowName": "Worker Extract", "FlowType": "EXTRACT"})
	ctx := context.Background()
	hcm, erp := open(t, srv, oracle.ProductHCM), open(t, srv, oracle.ProductERP)
	m := func(kv ...any) map[string]any {
		out := map[string]any{"__principal__": "svc", "__type__": "MACHINE"}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	out, err := hcm.Execute(ctx, "oracle.hcm.get_worker", m("person_number", "100002"))
	rec, _ := out["record"].(map[string]any)
	if err != nil || rec["PersonNumber"] != "100002" || rec["names"] == nil || rec["workRelationships"] == nil {
		t.Errorf("get_worker: %v %v", err, out)
	}
	if _, err := hcm.Execute(ctx, "oracle.hcm.get_worker", m("person_number", "999")); connectors.CodeOf(err) != connectors.CodeNotFound {
		t.Errorf("missing worker: %v", err)
	}
	out, err = hcm.Execute(ctx, "oracle.hcm.execute_hcm_extract", m("extract_name", "Worker Extract", "instance_name", "EXT_1"))
	if err != nil || out["flow_id"] != 300100.0 || out["instance_name"] != "EXT_1" || srv.Calls("submitFlow") != 1 {
		t.Errorf("execute_hcm_extract: %v %v", err, out)
	}
	if _, err := hcm.Execute(ctx, "oracle.hcm.execute_hcm_extract", m("extract_name", "Worker Extract", "instance_name", "EXT_1")); connectors.CodeOf(err) != connectors.CodeInvalidArgument || srv.Calls("submitFlow") != 2 {
		t.Errorf("a duplicate instance: %v (submitFlow %d times: a write is never resent)", err, srv.Calls("submitFlow"))
	}
	if _, err := hcm.Execute(ctx, "oracle.hcm.execute_hcm_extract", m("extract_name", "Nope")); connectors.CodeOf(err) != connectors.CodeNotFound {
		t.Errorf("unknown extract: %v", err)
	}
	out, err = erp.Execute(ctx, "oracle.erp.get_invoice", m("invoice_id", 300000000000001))
	if rec, _ := out["record"].(map[string]any); err != nil || rec["InvoiceNumber"] != "InvoiceNumber 2" {
		t.Errorf("get_invoice: %v %v", err, out)
	}
	out, err = erp.Execute(ctx, "oracle.erp.describe", m("resource", "suppliers"))
	if err != nil || out["schema"] == nil {
		t.Errorf("describe: %v %v", err, out)
	}
	if _, err := erp.Execute(ctx, "oracle.hcm.get_worker", m("person_number", "1")); connectors.CodeOf(err) != connectors.CodeUnsupported {
		t.Errorf("an HCM action on ERP: %v", err)
	}
}

func TestNativeQuery(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 30)
	recs, err := connectors.Collect(open(t, srv, oracle.ProductHCM).Query(context.Background(),
		"workers?q="+url.PathEscape("CountryOfBirth = 'GB'")+"&fields=PersonNumber,CountryOfBirth&orderBy=PersonNumber:desc&limit=3"))
	if err != nil || !cmp.Equal(field(recs, "PersonNumber"), []any{"100027", "100022", "100017"}) {
		t.Errorf("native: %v %v", err, recs)
	}
}

// TestVocabularyAgainstSchema checks every Oracle field the vocabulary
// names against the connector's schema (read from the fake's describe).
func TestVocabularyAgainstSchema(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	v := translate.Default()
	n := 0
	for _, product := range []string{oracle.ProductHCM, oracle.ProductERP} {
		c := open(t, srv, product)
		for _, ent := range v.Entities() {
			m, err := v.Mapping(product, ent)
			if err != nil {
				continue
			}
			s, err := c.Schema(context.Background(), m.Entity)
			if err != nil {
				t.Errorf("%s %s -> %s: %v", product, ent, m.Entity, err)
				continue
			}
			for _, f := range m.NativeFields() {
				n++
				if _, ok := s.Field(f); !ok {
					t.Errorf("%s %s.%s: %s has no field %s", product, ent, f, m.Entity, f)
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d vocabulary fields checked", n)
	}
}
