package sap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/fake/fault"
	fakesap "github.com/xlr8/connectors/internal/fake/sap"
	"github.com/xlr8/connectors/sap"
)

// The OData v4 writes, against the fake's v4 service (RAP-style, under
// /sap/opu/odata4/): its PricingCondition set has a key of every v4
// literal form and demands If-Match; its A_BusinessPartner has a text key.

const (
	pc   = "BP_V4/PricingCondition"
	bpV4 = "BP_V4/A_BusinessPartner"
)

func openV4(t *testing.T, cfg fakesap.Config) (*fakesap.Server, connectors.Connector) {
	t.Helper()
	srv := newS4(t, cfg)
	srv.SeedPartners(3)
	return srv, openS4(t, srv, sap.WithV4Service("BP_V4", fakesap.V4Path))
}

// pcKey is a PricingCondition key; pcKeyPath the predicate the service
// must receive for it (OData v4 URL Conventions 4.3.1: v4 literals,
// percent-encoded).
func pcKey() map[string]any {
	return map[string]any{"ConditionRecord": "O'Neil", "ConditionSequence": 1, "ConditionCounter": json.Number("9007199254740993"),
		"ConditionScale": "1.50", "ConditionUUID": "fa163e2c-1b2a-1ee9-0000-000000000001", "ValidFrom": connectors.Date{Year: 2026, Month: 1, Day: 31},
		"ValidAt": time.Date(2026, 1, 31, 10, 0, 0, 0, time.FixedZone("", 3600)), "IsReleased": true}
}

const pcKeyPath = "PricingCondition(ConditionRecord=%27O%27%27Neil%27,ConditionSequence=1,ConditionCounter=9007199254740993,ConditionScale=1.50," +
	"ConditionUUID=fa163e2c-1b2a-1ee9-0000-000000000001,ValidFrom=2026-01-31,ValidAt=2026-01-31T10:00:00+01:00,IsReleased=true)"

func pcRecord() map[string]any {
	r := pcKey()
	r["Amount"] = json.Number("12345678901234567890.25")
	r["Currency"] = "EUR"
	r["StartTime"] = "08:30:00"
	return r
}

// pcWire is pcRecord in OData v4 JSON, as the vendor's wire has it.
const pcWire = `{"ConditionRecord":"O'Neil","ConditionSequence":1,"ConditionCounter":9007199254740993,"ConditionScale":1.50,
	"ConditionUUID":"fa163e2c-1b2a-1ee9-0000-000000000001","ValidFrom":"2026-01-31","ValidAt":"2026-01-31T10:00:00+01:00",
	"IsReleased":true,"Amount":12345678901234567890.25,"Currency":"EUR","StartTime":"08:30:00"}`

// wireJSON decodes JSON keeping numbers' text, so that 1.50 and 1.5
// differ, as they do on the wire.
func wireJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

func lastWrite(t *testing.T, srv *fakesap.Server) fakesap.V4Write {
	t.Helper()
	ws := srv.V4Writes()
	if len(ws) == 0 {
		t.Fatal("the fake received no v4 write")
	}
	return ws[len(ws)-1]
}

func TestS4V4CreateUpdateDelete(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	ctx := t.Context()
	out, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()})
	if err != nil {
		t.Fatal(err)
	}
	w := lastWrite(t, srv)
	if w.Method != http.MethodPost || w.Path != "PricingCondition" || w.ContentType != "application/json" || w.Prefer != "" {
		t.Errorf("create sent %s %s (Content-Type %q, Prefer %q)", w.Method, w.Path, w.ContentType, w.Prefer)
	}
	if d := cmp.Diff(wireJSON(t, []byte(pcWire)), wireJSON(t, w.Body)); d != "" {
		t.Errorf("create body (-want +sent):\n%s", d)
	}
	rec, _ := out["record"].(map[string]any)
	if out["etag"] != `W/"1"` || !strings.HasSuffix(fmt.Sprint(out["location"]), "/"+pcKeyPath) {
		t.Errorf("create answered etag %v location %v", out["etag"], out["location"])
	}
	// The entity comes back as the server stored it (Execute renders
	// values as JSON decodes them).
	if rec["ValidFrom"] != "2026-01-31" || rec["ConditionScale"] != 1.5 || rec["ConditionSequence"] != 1.0 ||
		rec["ValidAt"] != "2026-01-31T09:00:00Z" || rec["StartTime"] != "08:30:00" || rec["ConditionRecord"] != "O'Neil" {
		t.Errorf("created record %v", rec)
	}
	if _, ok := rec["@odata.etag"]; ok {
		t.Errorf("control information kept in the record: %v", rec)
	}

	steps := []struct {
		name       string
		params     map[string]any
		method     string
		body       string // "" for none
		etag       string // the new ETag the answer carries
		wantStatus int
	}{
		{"PATCH", map[string]any{"record": map[string]any{"Currency": "USD", "Description": nil}, "etag": `W/"1"`},
			http.MethodPatch, `{"Currency":"USD","Description":null}`, `W/"2"`, http.StatusNoContent},
		{"PUT", map[string]any{"record": map[string]any{"Currency": "CHF", "Amount": "1.10"}, "etag": `W/"2"`, "method": "PUT"},
			http.MethodPut, `{"Currency":"CHF","Amount":1.10}`, `W/"3"`, http.StatusNoContent},
		{"DELETE", map[string]any{"delete": true, "etag": `W/"3"`}, http.MethodDelete, "", "", http.StatusNoContent},
	}
	for _, st := range steps {
		params := map[string]any{"entity": pc, "key": pcKey()}
		for k, v := range st.params {
			params[k] = v
		}
		out, err := c.Execute(ctx, sap.ActionUpdate, params)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		w := lastWrite(t, srv)
		if w.Method != st.method || w.Path != pcKeyPath || w.IfMatch != st.params["etag"] {
			t.Errorf("%s sent %s %s If-Match %q", st.name, w.Method, w.Path, w.IfMatch)
		}
		if st.body == "" && len(w.Body) != 0 {
			t.Errorf("%s sent a body %s", st.name, w.Body)
		}
		if st.body != "" {
			if d := cmp.Diff(wireJSON(t, []byte(st.body)), wireJSON(t, w.Body)); d != "" {
				t.Errorf("%s body (-want +sent):\n%s", st.name, d)
			}
		}
		if out["status"] != float64(st.wantStatus) || (st.etag != "" && out["etag"] != st.etag) {
			t.Errorf("%s answered %v", st.name, out)
		}
	}
	if got := collect(t, c.Get(ctx, connectors.Query{Entity: pc})); len(got) != 0 {
		t.Errorf("after DELETE: %v", got)
	}
	// A single text key is the bare literal.
	if _, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": bpV4, "key": map[string]any{"BusinessPartner": "1000001"},
		"record": map[string]any{"Industry": "BANK", "CreationDate": "2026-02-01"}}); err != nil {
		t.Fatal(err)
	}
	if w := lastWrite(t, srv); w.Path != "A_BusinessPartner(%271000001%27)" || string(w.Body) != `{"CreationDate":"2026-02-01","Industry":"BANK"}` {
		t.Errorf("BP PATCH sent %s %s", w.Path, w.Body)
	}
}

// TestS4V4Returns: the answers a service may choose, 204 on create
// (return=minimal) and 200 with the entity on update, are read.
func TestS4V4Returns(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{V4Return: "minimal"})
	ctx := t.Context()
	out, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()})
	if err != nil {
		t.Fatal(err)
	}
	if out["record"] != nil || out["etag"] != `W/"1"` || !strings.HasSuffix(fmt.Sprint(out["location"]), "/"+pcKeyPath) {
		t.Errorf("minimal create answered %v", out)
	}
	srv2, c2 := openV4(t, fakesap.Config{V4Return: "representation"})
	if _, err := c2.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()}); err != nil {
		t.Fatal(err)
	}
	out, err = c2.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": pc, "key": pcKey(), "etag": `W/"1"`,
		"record": map[string]any{"Amount": 99.5}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := out["record"].(map[string]any)
	if out["status"] != float64(http.StatusOK) || out["etag"] != `W/"2"` || rec["Amount"] != 99.5 || rec["Currency"] != "EUR" {
		t.Errorf("update with representation answered %v", out)
	}
	if srv.Writes() != 1 || srv2.Writes() != 2 {
		t.Errorf("writes %d and %d", srv.Writes(), srv2.Writes())
	}
}

// TestS4V4KeyLiterals: each v4 literal form in a key (URL Conventions
// 4.3.1, ABNF primitiveLiteral) reaches the service so that it finds the
// entity the same value created.
func TestS4V4KeyLiterals(t *testing.T) {
	base := map[string]string{"ConditionRecord": "%27O%27%27Neil%27", "ConditionSequence": "1", "ConditionCounter": "9007199254740993",
		"ConditionScale": "1.50", "ConditionUUID": "fa163e2c-1b2a-1ee9-0000-000000000001", "ValidFrom": "2026-01-31",
		"ValidAt": "2026-01-31T10:00:00+01:00", "IsReleased": "true"}
	order := []string{"ConditionRecord", "ConditionSequence", "ConditionCounter", "ConditionScale", "ConditionUUID", "ValidFrom", "ValidAt", "IsReleased"}
	for _, tc := range []struct {
		name, prop string
		value      any
		literal    string
	}{
		{"String with a quote, a slash and a comma", "ConditionRecord", "O'Neil/x,y", "%27O%27%27Neil%2Fx%2Cy%27"},
		{"String with a space and a percent sign", "ConditionRecord", "a b%", "%27a%20b%25%27"},
		{"Int32", "ConditionSequence", 7, "7"},
		{"Int32 negative", "ConditionSequence", int64(-3), "-3"},
		{"Int64 beyond 2^53, no L", "ConditionCounter", json.Number("9007199254740993"), "9007199254740993"},
		{"Int64 as int64", "ConditionCounter", int64(42), "42"},
		{"Decimal text kept exact, no M", "ConditionScale", "1.50", "1.50"},
		{"Decimal from a float", "ConditionScale", 2.25, "2.25"},
		{"Decimal as json.Number", "ConditionScale", json.Number("-0.001"), "-0.001"},
		{"Guid bare", "ConditionUUID", "FA163E2C-1B2A-1EE9-0000-00000000000F", "FA163E2C-1B2A-1EE9-0000-00000000000F"},
		{"Date bare", "ValidFrom", connectors.Date{Year: 2024, Month: 2, Day: 29}, "2024-02-29"},
		{"Date as text", "ValidFrom", "2026-12-31", "2026-12-31"},
		{"DateTimeOffset with its offset", "ValidAt", time.Date(2026, 1, 31, 10, 0, 0, 0, time.FixedZone("", -5*3600)), "2026-01-31T10:00:00-05:00"},
		{"DateTimeOffset UTC with fraction", "ValidAt", time.Date(2026, 1, 31, 10, 0, 0, 500000000, time.UTC), "2026-01-31T10:00:00.5Z"},
		{"DateTimeOffset as text", "ValidAt", "2026-01-31T10:00:00+05:30", "2026-01-31T10:00:00+05:30"},
		{"Boolean false", "IsReleased", false, "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := openV4(t, fakesap.Config{})
			ctx := t.Context()
			key := pcKey()
			key[tc.prop] = tc.value
			rec := pcRecord()
			rec[tc.prop] = tc.value
			if _, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": rec}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": pc, "key": key, "delete": true, "etag": `W/"1"`}); err != nil {
				t.Fatalf("delete by the key the create used: %v", err)
			}
			lits := map[string]string{}
			for k, v := range base {
				lits[k] = v
			}
			lits[tc.prop] = tc.literal
			parts := make([]string, len(order))
			for i, k := range order {
				parts[i] = k + "=" + lits[k]
			}
			if want, got := "PricingCondition("+strings.Join(parts, ",")+")", lastWrite(t, srv).Path; got != want {
				t.Errorf("path\n got %s\nwant %s", got, want)
			}
			if srv.Writes() != 2 {
				t.Errorf("writes = %d", srv.Writes())
			}
		})
	}
}

// TestS4V4BodyValues: each Edm type's JSON form (JSON Format 7.1), compared
// with what the service received.
func TestS4V4BodyValues(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	ctx := t.Context()
	for i, tc := range []struct {
		name, prop string
		value      any
		wire       string
	}{
		{"Decimal beyond float64, exact", "Amount", json.Number("12345678901234567890.123456789"), `12345678901234567890.123456789`},
		{"Decimal text with a trailing zero", "Amount", "0.10", `0.10`},
		{"Decimal from a float", "Amount", 0.1, `0.1`},
		{"Decimal from an int", "Amount", 5, `5`},
		{"Int64 beyond 2^53 as a number", "ConditionCounter", int64(9007199254740993), `9007199254740993`},
		{"Int32", "ConditionSequence", 2147483647, `2147483647`},
		{"Int16", "Priority", 3, `3`},
		{"Double", "Quantity", 2.5, `2.5`},
		{"Double as json.Number", "Quantity", json.Number("1e3"), `1000`},
		{"TimeOfDay text", "StartTime", "23:59:59.5", `"23:59:59.5"`},
		{"TimeOfDay from a time", "StartTime", time.Date(0, 1, 1, 8, 30, 15, 0, time.UTC), `"08:30:15"`},
		{"DateTimeOffset keeps its offset", "LastChangedAt", time.Date(2026, 1, 31, 10, 0, 0, 0, time.FixedZone("", 2*3600)), `"2026-01-31T10:00:00+02:00"`},
		{"DateTimeOffset text", "LastChangedAt", "2026-01-31T08:00:00Z", `"2026-01-31T08:00:00Z"`},
		{"Date", "ValidFrom", connectors.Date{Year: 2026, Month: 3, Day: 1}, `"2026-03-01"`},
		{"Date from a time, in its zone", "ValidFrom", time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("", -3600)), `"2026-03-01"`},
		{"String null where nullable", "Description", nil, `null`},
		{"String", "Description", "Ä \"q\" <b>", `"Ä \"q\" <b>"`},
		{"Boolean", "IsReleased", false, `false`},
		{"Guid", "ConditionUUID", "00000000-0000-0000-0000-0000000000AB", `"00000000-0000-0000-0000-0000000000AB"`},
	} {
		rec := pcRecord()
		rec["ConditionRecord"] = fmt.Sprint("R", i)
		rec[tc.prop] = tc.value
		if _, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": rec}); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := wireJSON(t, []byte(pcWire)).(map[string]any)
		want["ConditionRecord"] = fmt.Sprint("R", i)
		want[tc.prop] = wireJSON(t, []byte(tc.wire))
		if d := cmp.Diff(want, wireJSON(t, lastWrite(t, srv).Body)); d != "" {
			t.Errorf("%s (-want +sent):\n%s", tc.name, d)
		}
	}
}

// TestS4V4BadInputSendsNothing: what the schema or the protocol rules out
// fails before any request.
func TestS4V4BadInputSendsNothing(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	ctx := t.Context()
	if _, err := c.Schema(ctx, pc); err != nil { // $metadata, once
		t.Fatal(err)
	}
	with := func(k string, v any) map[string]any {
		r := pcRecord()
		r[k] = v
		return r
	}
	badKey := pcKey()
	badKey["ConditionSequence"] = "seven"
	shortKey := pcKey()
	delete(shortKey, "IsReleased")
	for _, tc := range []struct {
		name   string
		action string
		params map[string]any
		want   connectors.Code
	}{
		{"unknown property", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Nope", 1)}, connectors.CodeInvalidArgument},
		{"navigation property", sap.ActionCreate, map[string]any{"entity": pc, "record": with("_BusinessPartner", map[string]any{"BusinessPartner": "1"})}, connectors.CodeInvalidArgument},
		{"control information", sap.ActionCreate, map[string]any{"entity": pc, "record": with("@odata.type", "#X")}, connectors.CodeInvalidArgument},
		{"decimal that is not a number", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Amount", "12,5")}, connectors.CodeInvalidArgument},
		{"decimal NaN", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Amount", "NaN")}, connectors.CodeInvalidArgument},
		{"null where not nullable", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Currency", nil)}, connectors.CodeInvalidArgument},
		{"date in another format", sap.ActionCreate, map[string]any{"entity": pc, "record": with("ValidFrom", "31.01.2026")}, connectors.CodeInvalidArgument},
		{"date-time without an offset", sap.ActionCreate, map[string]any{"entity": pc, "record": with("LastChangedAt", "2026-01-31T10:00:00")}, connectors.CodeInvalidArgument},
		{"Int16 out of range", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Priority", 70000)}, connectors.CodeInvalidArgument},
		{"boolean as text", sap.ActionCreate, map[string]any{"entity": pc, "record": with("IsReleased", "yes")}, connectors.CodeInvalidArgument},
		{"time of day out of range", sap.ActionCreate, map[string]any{"entity": pc, "record": with("StartTime", "25:00:00")}, connectors.CodeInvalidArgument},
		{"guid malformed", sap.ActionCreate, map[string]any{"entity": pc, "record": with("ConditionUUID", "guid'x'")}, connectors.CodeInvalidArgument},
		{"number for text", sap.ActionCreate, map[string]any{"entity": pc, "record": with("Currency", 1)}, connectors.CodeInvalidArgument},
		{"entity set that does not exist", sap.ActionCreate, map[string]any{"entity": "BP_V4/Nope", "record": map[string]any{"X": 1}}, connectors.CodeNotFound},
		{"update of a set that does not exist", sap.ActionUpdate, map[string]any{"entity": "BP_V4/Nope", "key": map[string]any{"X": 1}, "delete": true}, connectors.CodeNotFound},
		{"etag with CR/LF", sap.ActionUpdate, map[string]any{"entity": pc, "key": pcKey(), "record": map[string]any{"Currency": "USD"}, "etag": "W/\"1\"\r\nX-Evil: 1"}, connectors.CodeInvalidArgument},
		{"key of the wrong type", sap.ActionUpdate, map[string]any{"entity": pc, "key": badKey, "record": map[string]any{"Currency": "USD"}}, connectors.CodeInvalidArgument},
		{"key incomplete", sap.ActionUpdate, map[string]any{"entity": pc, "key": shortKey, "delete": true}, connectors.CodeInvalidArgument},
		{"MERGE is v2's", sap.ActionUpdate, map[string]any{"entity": pc, "key": pcKey(), "record": map[string]any{"Currency": "USD"}, "method": "MERGE"}, connectors.CodeInvalidArgument},
		{"update with a navigation property", sap.ActionUpdate, map[string]any{"entity": pc, "key": pcKey(), "record": map[string]any{"_BusinessPartner": nil}}, connectors.CodeInvalidArgument},
	} {
		before := len(srv.Requests())
		_, err := c.Execute(ctx, tc.action, tc.params)
		if code(err) != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if after := srv.Requests(); len(after) != before {
			t.Errorf("%s sent %v", tc.name, after[before:])
		}
	}
	if len(srv.V4Writes()) != 0 || srv.CSRFFetches() != 0 {
		t.Errorf("writes %d, CSRF fetches %d: want none", len(srv.V4Writes()), srv.CSRFFetches())
	}
}

// TestS4V4Preconditions: a stale ETag is 412 (CONFLICT, as v2's), a
// missing one where the set demands it 428; neither changes anything.
func TestS4V4Preconditions(t *testing.T) {
	srv, c := openV4(t, fakesap.Config{})
	ctx := t.Context()
	if _, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		etag   string
		code   connectors.Code
		status int
	}{
		{"stale", `W/"9"`, connectors.CodeConflict, http.StatusPreconditionFailed},
		{"missing", "", connectors.CodeInvalidArgument, http.StatusPreconditionRequired},
	} {
		params := map[string]any{"entity": pc, "key": pcKey(), "record": map[string]any{"Currency": "USD"}}
		if tc.etag != "" {
			params["etag"] = tc.etag
		}
		_, err := c.Execute(ctx, sap.ActionUpdate, params)
		var e *connectors.Error
		if !asErr(err, &e) || e.Code != tc.code || e.HTTPStatus != tc.status || !strings.HasPrefix(e.VendorCode, "/IWBEP/CM_V4_RUNTIME/") || e.Retryable {
			t.Errorf("%s etag: %v", tc.name, err)
		}
	}
	if srv.Writes() != 1 {
		t.Errorf("writes = %d", srv.Writes())
	}
}

// TestS4V4CSRF: a v4 write without a token meets 403 "x-csrf-token:
// Required"; the token is fetched once from the v4 service root (HEAD, or
// GET where HEAD is refused) and the write replayed once.
func TestS4V4CSRF(t *testing.T) {
	root := "/sap/opu/odata4/" + fakesap.V4Path + "/?"
	for _, refuseHEAD := range []bool{false, true} {
		srv, c := openV4(t, fakesap.Config{RefuseHEAD: refuseHEAD})
		ctx := t.Context()
		if _, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": pc, "record": pcRecord()}); err != nil {
			t.Fatalf("create (HEAD refused %v): %v", refuseHEAD, err)
		}
		fetches := len(requests(srv, "HEAD "+root)) + len(requests(srv, "GET "+root))
		if srv.CSRFFetches() != 1 || fetches != 1+map[bool]int{false: 0, true: 1}[refuseHEAD] {
			t.Errorf("HEAD refused %v: %d fetches, requests %v", refuseHEAD, srv.CSRFFetches(), srv.Requests())
		}
		if n := len(requests(srv, "POST /sap/opu/odata4/")); n != 2 || len(srv.V4Writes()) != 1 {
			t.Errorf("%d POSTs (want the rejected one and its replay), %d accepted", n, len(srv.V4Writes()))
		}
		srv.ExpireCSRF()
		if _, err := c.Execute(ctx, sap.ActionUpdate, map[string]any{"entity": pc, "key": pcKey(), "etag": `W/"1"`, "record": map[string]any{"Currency": "USD"}}); err != nil {
			t.Fatalf("after the session expired: %v", err)
		}
		if srv.CSRFFetches() != 2 || len(requests(srv, "PATCH /sap/opu/odata4/")) != 2 || srv.Writes() != 2 {
			t.Errorf("after expiry: %d fetches, requests %v", srv.CSRFFetches(), srv.Requests())
		}
	}
}

// TestS4V4WriteNotRetried: a v4 write answered 503 is not sent again (its
// outcome is unknown); the fake sees it once.
func TestS4V4WriteNotRetried(t *testing.T) {
	for _, op := range []struct {
		name   string
		action string
		params map[string]any
	}{
		{"create", sap.ActionCreate, map[string]any{"entity": bpV4, "record": map[string]any{"BusinessPartner": "2000001"}}},
		{"PATCH", sap.ActionUpdate, map[string]any{"entity": bpV4, "key": map[string]any{"BusinessPartner": "1000001"}, "record": map[string]any{"Industry": "X"}}},
		{"PUT", sap.ActionUpdate, map[string]any{"entity": bpV4, "key": map[string]any{"BusinessPartner": "1000001"}, "record": map[string]any{"Industry": "X"}, "method": "PUT"}},
		{"DELETE", sap.ActionUpdate, map[string]any{"entity": bpV4, "key": map[string]any{"BusinessPartner": "1000001"}, "delete": true}},
	} {
		srv, c := openV4(t, fakesap.Config{})
		ctx := t.Context()
		// A first write fetches the metadata and the token.
		if _, err := c.Execute(ctx, sap.ActionCreate, map[string]any{"entity": bpV4, "record": map[string]any{"BusinessPartner": "2000009"}}); err != nil {
			t.Fatal(err)
		}
		srv.Inject("unavailable", 3)
		_, err := c.Execute(ctx, op.action, op.params)
		if code(err) != connectors.CodeUnavailable {
			t.Errorf("%s: %v", op.name, err)
		}
		if n := srv.Faults.Injected(fault.Unavailable); n != 1 || srv.Faults.Pending() != 2 || srv.Writes() != 1 {
			t.Errorf("%s: the fake answered %d requests with 503 (pending %d), writes %d: want one", op.name, n, srv.Faults.Pending(), srv.Writes())
		}
	}
}
