package salesforce

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/jsonpage"
	"github.com/xlr8/connectors/internal/transport"
)

// pageSeeds are REST query pages: well formed ones of every value kind the
// typer converts, and bodies the one-pass decoder must leave to the
// reference path (bad UTF-8, numbers out of range, duplicate keys, case
// folded envelope keys, wrong kinds, truncated and HTML bodies).
var pageSeeds = []string{
	`{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gD-2000","records":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001"},"Id":"001","N":5,"A":1.5,"B":true,"D":"2024-01-31","T":"2024-01-31T10:00:00.000+0000","S":"x","Owner":{"attributes":{"type":"User"},"Name":"Ann","LastLoginDate":"2024-01-02T03:04:05.000+0000"},"Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{},"Id":"003","Birthdate":"2001-01-01T00:00:00Z"}]},"X":[{"attributes":{}}]},{"Id":"002","N":2.5,"T":"nope","D":"2024-02-30","U":"2024-01-02T03:04:05Z","V":"abcdefghijT"}]}`,
	`{"totalSize":0,"done":true,"records":[]}`,
	`{"totalSize":1,"done":true,"records":[{"Id":"\u0030\u00301","S":"a\"b\\c\u00e9\ud83d\ude00","N":-0,"A":1e308,"T":null,"expr0":3}]}`,
	`{"done":true,"records":[{"N":9007199254740993,"T":"2024-01-02T03:04:05.123456789-07:00"}],"extra":{"n":1e999}}`,
	"{\"totalSize\":1,\"done\":true,\"records\":[{\"S\":\"\xff\"}]}",
	`{"totalSize":1,"done":true,"records":[{"N":1e400}]}`,
	`{"totalSize":1,"done":true,"records":[{"attributes":{"n":1e999}}]}`,
	`{"totalSize":1,"done":true,"records":[{"Id":"1","Id":"2"}]}`,
	`{"totalSize":1,"records":[{"Id":"1"}],"records":[{"N":2}]}`,
	`{"TOTALSIZE":7,"Records":[{"Id":"1"}],"DONE":true}`,
	`{"totalSize":"5","records":[]}`,
	`{"totalSize":5.0,"records":[]}`,
	`{"totalSize":1,"records":[null]}`,
	`{"totalSize":1,"records":[{"Id":"1"}`,
	`<!DOCTYPE html><html><body>Down for maintenance</body></html>`,
	``,
	`{"records":[{"Owner":{"records":[{"records":[{"attributes":{}}]}],"attributes":{}}}]}`,
	`{"records":[{"Owner":{"records":null,"attributes":{}}}]}`,
}

var pageTyper = newTyper(&describeResult{Name: "Account", Fields: []describeField{
	{Name: "Id", Type: "id"}, {Name: "N", Type: "int"}, {Name: "A", Type: "currency"}, {Name: "B", Type: "boolean"},
	{Name: "D", Type: "date"}, {Name: "T", Type: "datetime"}, {Name: "S", Type: "string"},
}})

// checkPage decodes body with the one-pass decoder and with the reference
// path (encoding/json into queryPage, then fromJSON on the maps): the
// one-pass decoder either gives the reference's page or defers to it, and
// DecodeResponse gives the reference's page or its error (code and message).
func checkPage(t *testing.T, ty typer, body string) {
	t.Helper()
	dec := ty.pageDecoder(0)
	resp := func() *transport.Response { return &transport.Response{StatusCode: 200, Body: []byte(body)} }
	want, werr := ty.referencePage(resp())
	if got, ok := dec.OnePass([]byte(body)); ok {
		if werr != nil {
			t.Fatalf("the one-pass decoder took %q; the reference failed: %v", body, werr)
		}
		if diff := cmp.Diff(want.Records, got.Records); diff != "" {
			t.Fatalf("%q: records (-reference +one pass):\n%s", body, diff)
		}
		if got.Total != want.Total || got.Done != want.Done || got.Next != want.Next {
			t.Fatalf("%q: paging %d %v %q, reference %d %v %q", body, got.Total, got.Done, got.Next, want.Total, want.Done, want.Next)
		}
	}
	got, err := dec.DecodeResponse(resp())
	if (err == nil) != (werr == nil) {
		t.Fatalf("%q: error %v; reference %v", body, err, werr)
	}
	if err != nil {
		var e, we *errs.Error
		if !errors.As(err, &e) || !errors.As(werr, &we) || e.Code != we.Code || e.Message != we.Message {
			t.Fatalf("%q: error %v; reference %v", body, err, werr)
		}
		return
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b jsonpage.Field) bool { return true })); diff != "" {
		t.Fatalf("%q: (-reference +DecodeResponse):\n%s", body, diff)
	}
}

func TestPageDecoderMatchesReference(t *testing.T) {
	for _, ty := range []typer{pageTyper, {}} {
		for _, body := range pageSeeds {
			checkPage(t, ty, body)
		}
	}
	for _, i := range []int{0, 1, 2, 3} {
		if _, ok := pageTyper.pageDecoder(0).OnePass([]byte(pageSeeds[i])); !ok {
			t.Errorf("the one-pass decoder refused the well-formed page %s", pageSeeds[i])
		}
	}
}

// FuzzPageDecoder compares the one-pass decoder with the reference path on
// arbitrary bodies (go test -fuzz FuzzPageDecoder ./salesforce).
func FuzzPageDecoder(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		checkPage(t, pageTyper, body)
		checkPage(t, typer{}, body)
	})
}

// TestPageDecoderOnFakePages: every page the fake serves for the fake's
// Account decodes in one pass to what the reference gives.
func TestPageDecoderOnFakePages(t *testing.T) {
	var raw map[string]any
	body := `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/x"},"Id":"0015g00000ABCDEAA1","IsDeleted":false,"Name":"Acme","AnnualRevenue":12.5,"NumberOfEmployees":40,"CreatedDate":"2024-03-01T10:22:11.000+0000","LastActivityDate":"2024-03-02","BillingAddress":{"city":"Paris","street":null}}]}`
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	ty := newTyper(&describeResult{Name: "Account", Fields: []describeField{{Name: "Id", Type: "id"}, {Name: "IsDeleted", Type: "boolean"},
		{Name: "Name", Type: "string"}, {Name: "AnnualRevenue", Type: "currency"}, {Name: "NumberOfEmployees", Type: "int"},
		{Name: "CreatedDate", Type: "datetime"}, {Name: "LastActivityDate", Type: "date"}, {Name: "BillingAddress", Type: "address"}}})
	checkPage(t, ty, body)
	p, err := ty.pageDecoder(0).Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	r := p.Records[0]
	if _, ok := r["attributes"]; ok || r["NumberOfEmployees"] != int64(40) || r["LastActivityDate"] != (connectors.Date{Year: 2024, Month: 3, Day: 2}) {
		t.Fatalf("record %v", r)
	}
	if !strings.Contains(p.Records[0]["CreatedDate"].(interface{ String() string }).String(), "2024-03-01 10:22:11 +0000 UTC") {
		t.Fatalf("CreatedDate %v", r["CreatedDate"])
	}
}
