package jsonpage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// specs are the vendor shapes the differential tests run through both paths.
var specs = map[string]Spec{
	"salesforce": {Product: "salesforce", Envelope: SalesforceREST, Drop: []string{"attributes"}, Unwrap: "records", ShapeTimes: true,
		Fields: map[string]Type{"Id": Text, "N": Int, "A": Float, "B": Bool, "D": Date, "T": Time, "S": Text}},
	"workday": {Product: "workday", Envelope: WorkdayREST, Fields: map[string]Type{"id": Text, "hireDate": Date, "isManager": Bool}},
	"oracle":  {Product: "oracle", Envelope: Oracle, Drop: []string{"links"}, Unwrap: "items", Fields: map[string]Type{"PersonId": Int, "LastUpdateDate": Time, "StartDate": Date}},
	"odatav2": {Product: "sap", Envelope: ODataV2, Drop: []string{"__metadata", "__deferred"}, DropEmptied: true, Unwrap: "results", StringNumbers: true, SAPDates: true,
		Fields: map[string]Type{"userId": Text, "seqNumber": Int, "salary": Float, "startDate": Date, "lastModified": Time, "active": Bool}},
	"odatav4": {Product: "sap", Envelope: ODataV4, Drop: []string{"@odata.etag"}, StringNumbers: true, Fields: map[string]Type{"Amount": Float, "Created": Time}},
	"bare":    {Product: "ukg", Envelope: Bare, Fields: map[string]Type{"employeeId": Text, "hireDate": Time}},
	"keyed":   {Product: "ukg", Envelope: Keyed("employees"), Fields: map[string]Type{"id": Int}},
}

// seeds are bodies of every shape: well formed, and the inputs the one-pass
// decoder must hand to the reference (bad UTF-8, numbers out of range,
// duplicate keys, truncation, HTML, wrong kinds).
var seeds = []string{
	`{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g-2000","records":[{"attributes":{"type":"Account","url":"/x"},"Id":"001","N":5,"A":1.5,"B":true,"D":"2024-01-31","T":"2024-01-31T10:00:00.000+0000","S":"x","Owner":{"attributes":{"type":"User"},"Name":"Ann","CreatedDate":"2024-01-02T03:04:05.000+0000"},"Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{},"Id":"003","Birth":"2001-01-01T00:00:00Z","Sub":{"records":[1]}}]},"X":[{"attributes":{}},"2024-01-02T03:04:05Z"]},{"Id":"002","N":1e300,"T":"nope","D":"2024-02-30","U":"2024-01-02T03:04:05Z"}]}`,
	`{"totalSize":0,"done":true,"records":[]}`,
	`{"total":2,"data":[{"id":"a","hireDate":"2020-01-01","isManager":false,"primarySupervisoryOrganization":{"id":"o","descriptor":"HR"}},{"id":"b","hireDate":null}]}`,
	`{"items":[{"PersonId":300000047382951,"LastUpdateDate":"2024-01-02T03:04:05+00:00","StartDate":"2024-01-02","links":[{"rel":"self"}],"names":{"items":[{"LastName":"X","links":[]}],"count":1,"hasMore":false}}],"totalResults":1,"count":1,"hasMore":false,"limit":25,"offset":0,"links":[{"rel":"self","href":"x"}]}`,
	`{"d":{"results":[{"__metadata":{"uri":"u","type":"SFOData.User"},"userId":"1001","seqNumber":"1","salary":"200.20","startDate":"/Date(1577836800000)/","lastModified":"/Date(1659430517461+0060)/","active":"true","manager":{"__deferred":{"uri":"m"}},"empInfo":{"__metadata":{},"jobs":{"results":[{"title":"E"}]}}}],"__next":"https://x/odata/v2/User?$skiptoken=abc","__count":"12"}}`,
	`{"@odata.context":"c","@odata.count":3,"@odata.nextLink":"n","value":[{"@odata.etag":"W/1","Amount":"12.50","Created":"2024-01-02T03:04:05Z"}]}`,
	`[{"employeeId":"E1","hireDate":"2024-01-02T03:04:05"},{"employeeId":"E2","hireDate":"2024-01-02T03:04:05.000-05:00"}]`,
	`{"employees":[{"id":12},{"id":"12"}]}`,
	`{"totalSize":1,"done":true,"records":[{"Id":"\u0030\u00301","S":"a\"b\\c\u00e9\ud83d\ude00"}]}`,
	// Input the reference must decide.
	"{\"totalSize\":1,\"done\":true,\"records\":[{\"S\":\"\xff\xfe\"}]}",
	`{"totalSize":1,"done":true,"records":[{"N":1e400}]}`,
	`{"totalSize":1,"done":true,"records":[{"attributes":{"n":1e999}}]}`,
	`{"totalSize":1,"done":true,"records":[{"Id":"1","Id":"2"}]}`,
	`{"totalSize":1,"records":[{"Id":"1"}],"records":[{"N":2}]}`,
	`{"totalSize":1,"done":true,"records":[{"Id":"1"`,
	`{"totalSize":1,"done":true,"records":[]} x`,
	`<!DOCTYPE html><html><body>Maintenance</body></html>`,
	``,
	`   `,
	`null`,
	`[]`,
	`{"totalSize":"5","records":[]}`,
	`{"totalSize":5.0,"records":[]}`,
	`{"TotalSize":5,"Records":[{"Id":"1"}]}`,
	`{"totalSize":1,"records":[null]}`,
	`{"totalSize":1,"records":["x"]}`,
	`{"totalSize":1,"records":{}}`,
	`{"d":{"results":null,"__count":12}}`,
	`{"d":5}`,
	`{"d":{"results":[{"seqNumber":"9223372036854775807","salary":"1e400","startDate":"/Date(-1)/"}]}}`,
	`{"totalSize":1,"records":[{"S":"\ud800"}]}`,
	strings.Repeat(`[`, 600) + strings.Repeat(`]`, 600),
	`{"records":[{"Owner":{"records":[{"records":[{"attributes":{}}]}],"attributes":{}}}]}`,
	`{"records":[{"Owner":{"records":null,"attributes":{}}}]}`,
	`{"d":{"results":[{"manager":{"__deferred":{}},"manager":{"x":1}}]}}`,
}

func TestDifferential(t *testing.T) {
	for name, d := range allDecoders() {
		for _, body := range seeds {
			checkAgree(t, name, d, body)
		}
	}
}

// checkAgree runs a body through the one-pass decoder and the reference:
// when the one-pass decoder takes a body, the reference must give the same
// page; DecodeResponse must give what the reference gives.
func checkAgree(t *testing.T, name string, d *Decoder, body string) {
	t.Helper()
	resp := &transport.Response{StatusCode: 200, Body: []byte(body)}
	want, werr := d.Reference(resp)
	if fp, ok := d.fast([]byte(body)); ok {
		if werr != nil {
			t.Fatalf("%s: the one-pass decoder took %q, the reference failed: %v", name, body, werr)
		}
		if diff := cmp.Diff(want, fp); diff != "" {
			t.Fatalf("%s: %q: one pass vs reference (-reference +one pass):\n%s", name, body, diff)
		}
	}
	got, err := d.DecodeResponse(resp)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%s: %q: error %v, reference %v", name, body, err, werr)
	}
	if err != nil {
		var e, we *errs.Error
		if !errors.As(err, &e) || !errors.As(werr, &we) || e.Code != we.Code || e.Message != we.Message {
			t.Fatalf("%s: %q: error %v, reference %v", name, body, err, werr)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: %q: (-reference +DecodeResponse):\n%s", name, body, diff)
	}
}

func FuzzDifferential(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	decoders := allDecoders()
	f.Fuzz(func(t *testing.T, body string) {
		for name, d := range decoders {
			checkAgree(t, name, d, body)
		}
	})
}

// allDecoders builds a decoder for each of specs.
func allDecoders() map[string]*Decoder {
	decoders := map[string]*Decoder{}
	for name, spec := range specs {
		decoders[name] = NewDecoder(spec)
	}
	return decoders
}

func TestDecodeTypes(t *testing.T) {
	d := NewDecoder(specs["salesforce"])
	p, err := d.Decode([]byte(seeds[0]))
	if err != nil {
		t.Fatal(err)
	}
	want := Page{Total: 2, Next: "/services/data/v62.0/query/01g-2000", Present: FieldTotal | FieldDone | FieldNext, Records: []connectors.Record{
		{"Id": "001", "N": int64(5), "A": 1.5, "B": true, "D": connectors.Date{Year: 2024, Month: 1, Day: 31},
			"T": time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC), "S": "x",
			"Owner":    map[string]any{"Name": "Ann", "CreatedDate": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
			"Contacts": []any{map[string]any{"Id": "003", "Birth": time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), "Sub": []any{float64(1)}}},
			"X":        []any{map[string]any{"attributes": map[string]any{}}, "2024-01-02T03:04:05Z"}},
		{"Id": "002", "N": 1e300, "T": "nope", "D": "2024-02-30", "U": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// TestOnePassTakesWellFormedPages: the differential test would pass if
// every body went to the reference; the well-formed pages of each shape must
// not.
func TestOnePassTakesWellFormedPages(t *testing.T) {
	for i, name := range []string{"salesforce", "salesforce", "workday", "oracle", "odatav2", "odatav4", "bare", "keyed", "salesforce"} {
		if _, ok := NewDecoder(specs[name]).fast([]byte(seeds[i])); !ok {
			t.Errorf("%s: the one-pass decoder refused %s", name, seeds[i])
		}
	}
}
