package sap_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/fake/fault"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

// The OData v4 $batch (OData v4.0 Part 1 Protocol, section 11.7) against
// the fake's v4 service, whose own multipart parser runs each read, and
// the change set atomically.

const v4Svc = "BP_V4"

var v4BatchPath = "POST /sap/opu/odata4/" + fakesap.V4Path + "/$batch"

func batch(t *testing.T, c connectors.Connector, reads, changes []any) (map[string]any, error) {
	t.Helper()
	params := map[string]any{"service": v4Svc}
	if reads != nil {
		params["reads"] = reads
	}
	if changes != nil {
		params["changes"] = changes
	}
	return c.Execute(t.Context(), sap.ActionBatch, params)
}

func results(out map[string]any, kind string) []map[string]any {
	list, _ := out[kind].([]any)
	res := make([]map[string]any, len(list))
	for i, r := range list {
		res[i], _ = r.(map[string]any)
	}
	return res
}

// lastBatch is the one $batch the fake ran since before (count of
// Batches() then).
func lastBatch(t *testing.T, srv *fakesap.Server, before int) fakesap.BatchRequest {
	t.Helper()
	bs := srv.Batches()
	if len(bs) != before+1 {
		t.Fatalf("the fake ran %d batches, want 1", len(bs)-before)
	}
	return bs[len(bs)-1]
}

func TestS4V4BatchReads(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	out, err := batch(t, c, []any{
		map[string]any{"path": "A_BusinessPartner?$filter=Industry%20eq%20'RETAIL'&$count=true&$select=BusinessPartner,Industry"},
		map[string]any{"path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000002"}},
		map[string]any{"path": "A_BusinessPartner('1000003')?$select=BusinessPartner,CreationDate"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := lastBatch(t, srv, 0)
	want := fakesap.BatchRequest{ODataVersion: "4.0", MediaType: "multipart/mixed", Items: []fakesap.BatchItem{
		{Method: "GET", URI: "A_BusinessPartner?$filter=Industry%20eq%20'RETAIL'&$count=true&$select=BusinessPartner,Industry", ODataVersion: "4.0"},
		{Method: "GET", URI: "A_BusinessPartner(%271000002%27)", ODataVersion: "4.0"},
		{Method: "GET", URI: "A_BusinessPartner('1000003')?$select=BusinessPartner,CreationDate", ODataVersion: "4.0"},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the fake received (-want +got):\n%s", d)
	}
	rs := results(out, "reads")
	if len(rs) != 3 || len(results(out, "changes")) != 0 {
		t.Fatalf("batch answered %v", out)
	}
	for i, r := range rs {
		if r["status"] != 200.0 || r["error"] != nil {
			t.Errorf("reads[%d] = %v", i, r)
		}
	}
	coll, _ := rs[0]["body"].(map[string]any)
	value, _ := coll["value"].([]any)
	if len(value) == 0 || coll["count"] != float64(len(value)) {
		t.Fatalf("collection read = %v", rs[0])
	}
	for _, e := range value {
		if e.(map[string]any)["Industry"] != "RETAIL" || len(e.(map[string]any)) != 2 {
			t.Errorf("collection entity %v", e)
		}
	}
	one, _ := rs[1]["body"].(map[string]any)
	if one["BusinessPartner"] != "1000002" || rs[1]["etag"] != `W/"1"` || one["@odata.etag"] != nil {
		t.Errorf("entity read = %v", rs[1])
	}
	// Values are typed by $metadata, as the reads' are (Edm.Date to a date).
	if third, _ := rs[2]["body"].(map[string]any); third["BusinessPartner"] != "1000003" || third["CreationDate"] != "2020-01-03" {
		t.Errorf("entity read by a path key = %v", rs[2])
	}
	if n := len(requests(srv, v4BatchPath+"?sap-client=100")); n != 2 {
		t.Errorf("%d $batch POSTs (want the one the CSRF check refused and its replay): %v", n, srv.Requests())
	}
}

// openV4WithCondition opens the v4 service with one PricingCondition
// (pcRecord, ETag W/"1") created, and returns the fake's writes so far.
func openV4WithCondition(t *testing.T) (*fakesap.Server, connectors.Connector, int) {
	t.Helper()
	srv, c := openV4(t, fakesap.Config{})
	if _, err := c.Execute(t.Context(), sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()}); err != nil {
		t.Fatal(err)
	}
	return srv, c, srv.Writes()
}

func TestS4V4BatchChangeSet(t *testing.T) {
	srv, c, writes := openV4WithCondition(t)
	ctx := t.Context()
	out, err := batch(t, c, []any{map[string]any{"path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"}}}, []any{
		map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "2000001", "Industry": "BANK"}},
		map[string]any{"method": "PATCH", "path": "PricingCondition", "key": pcKey(), "etag": `W/"1"`, "body": map[string]any{"Currency": "USD", "Amount": "7.50"}},
		map[string]any{"method": "DELETE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000002"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := lastBatch(t, srv, 0)
	want := []fakesap.BatchItem{
		{Method: "GET", URI: "A_BusinessPartner(%271000001%27)", ODataVersion: "4.0"},
		{ChangeSet: 1, ContentID: "1", Method: "POST", URI: "A_BusinessPartner", ODataVersion: "4.0", ContentType: "application/json",
			Body: `{"BusinessPartner":"2000001","Industry":"BANK"}`},
		// RFC 3986 section 4.2: no ":" in a relative path's first segment.
		{ChangeSet: 1, ContentID: "2", Method: "PATCH", URI: strings.ReplaceAll(pcKeyPath, ":", "%3A"), ODataVersion: "4.0", ContentType: "application/json", IfMatch: `W/"1"`,
			Body: `{"Amount":7.50,"Currency":"USD"}`},
		{ChangeSet: 1, ContentID: "3", Method: "DELETE", URI: "A_BusinessPartner(%271000002%27)", ODataVersion: "4.0"},
	}
	if d := cmp.Diff(want, got.Items); d != "" {
		t.Errorf("the fake received (-want +got):\n%s", d)
	}
	cs := results(out, "changes")
	if len(cs) != 3 || len(results(out, "reads")) != 1 {
		t.Fatalf("batch answered %v", out)
	}
	if body, _ := cs[0]["body"].(map[string]any); cs[0]["status"] != 201.0 || body["BusinessPartner"] != "2000001" || cs[0]["etag"] != `W/"1"` ||
		!strings.HasSuffix(cs[0]["location"].(string), "/A_BusinessPartner(%272000001%27)") {
		t.Errorf("create = %v", cs[0])
	}
	if cs[1]["status"] != 204.0 || cs[1]["etag"] != `W/"2"` || cs[2]["status"] != 204.0 {
		t.Errorf("PATCH = %v, DELETE = %v", cs[1], cs[2])
	}
	if srv.Writes() != writes+3 {
		t.Errorf("writes %d, want %d", srv.Writes(), writes+3)
	}
	created := collect(t, c.Get(ctx, connectors.Query{Entity: bpV4, Where: connectors.Eq("BusinessPartner", "2000001")}))
	deleted := collect(t, c.Get(ctx, connectors.Query{Entity: bpV4, Where: connectors.Eq("BusinessPartner", "1000002")}))
	patched := collect(t, c.Get(ctx, connectors.Query{Entity: pc}))
	if len(created) != 1 || len(deleted) != 0 || len(patched) != 1 || patched[0]["Currency"] != "USD" {
		t.Errorf("after the change set: created %v, deleted %v, patched %v", created, deleted, patched)
	}
}

// TestS4V4BatchChangeSetFails: the second request fails (a stale ETag);
// the service rolls the first back and answers the change set with the
// one error; the error is the v4 body's, its vendor code surfaced.
func TestS4V4BatchChangeSetFails(t *testing.T) {
	srv, c, writes := openV4WithCondition(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name   string
		second map[string]any
		code   connectors.Code
		status int
		vendor string
	}{
		{"stale ETag", map[string]any{"method": "PATCH", "path": "PricingCondition", "key": pcKey(), "etag": `W/"9"`, "body": map[string]any{"Currency": "USD"}},
			connectors.CodeConflict, http.StatusPreconditionFailed, "/IWBEP/CM_V4_RUNTIME/050"},
		{"missing entity", map[string]any{"method": "DELETE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "7777777"}},
			connectors.CodeNotFound, http.StatusNotFound, "/IWBEP/CM_V4_RUNTIME/020"},
	} {
		before := len(srv.Batches())
		_, err := batch(t, c, []any{map[string]any{"path": "A_BusinessPartner?$top=1"}}, []any{
			map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "2000002"}},
			tc.second,
			map[string]any{"method": "DELETE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"}},
		})
		var e *connectors.Error
		if !asErr(err, &e) || e.Code != tc.code || e.HTTPStatus != tc.status || e.VendorCode != tc.vendor || e.Retryable {
			t.Errorf("%s: %v (%+v)", tc.name, err, e)
		}
		got := lastBatch(t, srv, before)
		if n := len(got.Items); n != 3 { // the read, and the change set up to the failure
			t.Errorf("%s: the fake ran %d requests, want 3: %+v", tc.name, n, got.Items)
		}
		if srv.Writes() != writes {
			t.Errorf("%s: writes %d, want %d: the change set was applied in part", tc.name, srv.Writes(), writes)
		}
		if left := collect(t, c.Get(ctx, connectors.Query{Entity: bpV4, Where: connectors.Eq("BusinessPartner", "2000002")})); len(left) != 0 {
			t.Errorf("%s: the rolled-back create left %v", tc.name, left)
		}
	}
}

// TestS4V4BatchReadFails: a read's failure is its own; the others succeed.
func TestS4V4BatchReadFails(t *testing.T) {
	_, c := openV4(t, fakesap.Config{})
	out, err := batch(t, c, []any{
		map[string]any{"path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"}},
		map[string]any{"path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "9999999"}},
		map[string]any{"path": "A_BusinessPartner?$top=2"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := results(out, "reads")
	got := make([][2]any, len(rs))
	for i, r := range rs {
		got[i] = [2]any{r["status"], r["error"]}
	}
	want := [][2]any{{200.0, nil}, {404.0, "/IWBEP/CM_V4_RUNTIME/020"}, {200.0, nil}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("reads' status and error (-want +got):\n%s", d)
	}
	if value, _ := rs[2]["body"].(map[string]any)["value"].([]any); len(value) != 2 {
		t.Errorf("collection read = %v", rs[2])
	}
}

// TestS4V4BatchBadInputSendsNothing: what the schema or the framing rules
// out fails before any request.
func TestS4V4BatchBadInputSendsNothing(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	if _, err := c.Schema(t.Context(), pc); err != nil { // $metadata, once
		t.Fatal(err)
	}
	read := func(op map[string]any) []any { return []any{op} }
	patch := func(body map[string]any) map[string]any {
		return map[string]any{"method": "PATCH", "path": "PricingCondition", "key": pcKey(), "etag": `W/"1"`, "body": body}
	}
	badKey := pcKey()
	badKey["ConditionSequence"] = "seven"
	for _, tc := range []struct {
		name           string
		reads, changes []any
	}{
		{"read outside the service", read(map[string]any{"path": "../api_other/A_X"}), nil},
		{"read of another service's root", read(map[string]any{"path": "/sap/opu/odata4/x/A"}), nil},
		{"read of an absolute URL", read(map[string]any{"path": "https://evil.example/A_BusinessPartner"}), nil},
		{"read of a set the service lacks", read(map[string]any{"path": "Nope?$top=1"}), nil},
		{"read below an entity", read(map[string]any{"path": "A_BusinessPartner('1')/../../x"}), nil},
		{"read with CR/LF in the path", read(map[string]any{"path": "A_BusinessPartner\r\nDELETE A_BusinessPartner('1') HTTP/1.1"}), nil},
		{"read that is a POST", read(map[string]any{"method": "POST", "path": "A_BusinessPartner"}), nil},
		{"read with a body", read(map[string]any{"path": "A_BusinessPartner", "body": map[string]any{"x": 1}}), nil},
		{"change on a set the service lacks", nil, []any{map[string]any{"method": "POST", "path": "A_Nope", "body": map[string]any{"X": "1"}}}},
		{"change with a key in its path", nil, []any{map[string]any{"method": "DELETE", "path": "A_BusinessPartner('1000001')"}}},
		{"change with a navigation property", nil, []any{patch(map[string]any{"_BusinessPartner": map[string]any{"BusinessPartner": "1"}})}},
		{"change with a wrong value type", nil, []any{patch(map[string]any{"Amount": "12,5"})}},
		{"change with a v2 date", nil, []any{patch(map[string]any{"ValidFrom": "/Date(1769817600000)/"})}},
		{"change with an unknown property", nil, []any{patch(map[string]any{"Nope": 1})}},
		{"change with CR/LF in its etag", nil, []any{map[string]any{"method": "PATCH", "path": "PricingCondition", "key": pcKey(),
			"etag": "W/\"1\"\r\nX-Evil: 1", "body": map[string]any{"Currency": "USD"}}}},
		{"change with a key of the wrong type", nil, []any{map[string]any{"method": "DELETE", "path": "PricingCondition", "key": badKey}}},
		{"change without its key", nil, []any{map[string]any{"method": "DELETE", "path": "PricingCondition"}}},
		{"create with a key", nil, []any{map[string]any{"method": "POST", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1"}, "body": map[string]any{"Industry": "X"}}}},
		{"MERGE is v2's", nil, []any{map[string]any{"method": "MERGE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"}, "body": map[string]any{"Industry": "X"}}}},
		{"DELETE with a body", nil, []any{map[string]any{"method": "DELETE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"}, "body": map[string]any{"Industry": "X"}}}},
		{"header the connector writes", nil, []any{map[string]any{"method": "DELETE", "path": "A_BusinessPartner", "key": map[string]any{"BusinessPartner": "1000001"},
			"header": map[string]any{"Content-ID": "7"}}}},
		{"a good read and a bad change", read(map[string]any{"path": "A_BusinessPartner"}), []any{patch(map[string]any{"Priority": 70000})}},
	} {
		before := len(srv.Requests())
		if _, err := batch(t, c, tc.reads, tc.changes); code(err) != connectors.CodeInvalidArgument {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", tc.name, err)
		}
		if after := srv.Requests(); len(after) != before {
			t.Errorf("%s sent %v", tc.name, after[before:])
		}
	}
	if len(srv.Batches()) != 0 || srv.CSRFFetches() != 0 {
		t.Errorf("batches %d, CSRF fetches %d: want none", len(srv.Batches()), srv.CSRFFetches())
	}
}

// TestS4V4BatchNotRetried: a $batch answered 503 is not sent again, reads
// only or with a change set (its outcome is unknown); the fake sees it
// once.
func TestS4V4BatchNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name           string
		reads, changes []any
	}{
		{"reads", []any{map[string]any{"path": "A_BusinessPartner?$top=1"}}, nil},
		{"change set", nil, []any{map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "2000003"}}}},
	} {
		srv, c := openV4(t, fakesap.Config{})
		// A first batch fetches the token, the metadata and the CSRF token.
		if _, err := batch(t, c, []any{map[string]any{"path": "A_BusinessPartner?$top=1"}}, nil); err != nil {
			t.Fatal(err)
		}
		srv.Inject("unavailable", 3)
		if _, err := batch(t, c, tc.reads, tc.changes); code(err) != connectors.CodeUnavailable {
			t.Errorf("%s: %v", tc.name, err)
		}
		if n := srv.Faults.Injected(fault.Unavailable); n != 1 || srv.Faults.Pending() != 2 {
			t.Errorf("%s: the fake answered %d requests with 503 (pending %d): want one", tc.name, n, srv.Faults.Pending())
		}
	}
}

// TestS4V4BatchCSRF: the $batch without a token meets 403 "x-csrf-token:
// Required"; the token is fetched once from the v4 service root and the
// batch replayed once; after the session expires, once more.
func TestS4V4BatchCSRF(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	change := []any{map[string]any{"method": "POST", "path": "A_BusinessPartner", "body": map[string]any{"BusinessPartner": "2000004"}}}
	if _, err := batch(t, c, nil, change); err != nil {
		t.Fatal(err)
	}
	root := "/sap/opu/odata4/" + fakesap.V4Path + "/?"
	type counts struct{ Fetches, RootCalls, Posts, Ran int }
	got := counts{srv.CSRFFetches(), len(requests(srv, "HEAD "+root)) + len(requests(srv, "GET "+root)), len(requests(srv, v4BatchPath)), len(srv.Batches())}
	if d := cmp.Diff(counts{1, 1, 2, 1}, got); d != "" {
		t.Errorf("first batch (-want +got):\n%s", d)
	}
	srv.ExpireCSRF()
	change[0].(map[string]any)["body"] = map[string]any{"BusinessPartner": "2000005"}
	if _, err := batch(t, c, nil, change); err != nil {
		t.Fatalf("after the session expired: %v", err)
	}
	got = counts{srv.CSRFFetches(), len(requests(srv, "HEAD "+root)) + len(requests(srv, "GET "+root)), len(requests(srv, v4BatchPath)), len(srv.Batches())}
	if d := cmp.Diff(counts{2, 2, 4, 2}, got); d != "" {
		t.Errorf("after expiry (-want +got):\n%s", d)
	}
	if srv.Writes() != 2 {
		t.Errorf("writes %d", srv.Writes())
	}
}
