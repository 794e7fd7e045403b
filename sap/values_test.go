package sap

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

func sfService(t *testing.T) *service {
	t.Helper()
	svc, err := parseMetadata(readFile(t, "testdata/sf_metadata.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   time.Time
		offset int // seconds east of UTC
		ok     bool
	}{
		{"/Date(1577836800000)/", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0, true},
		{"/Date(1618796144000+0000)/", time.Date(2021, 4, 19, 1, 35, 44, 0, time.UTC), 0, true},
		// Edm.DateTimeOffset without its offset (pyodata#231): UTC.
		{"/Date(1659430517461)/", time.UnixMilli(1659430517461).UTC(), 0, true},
		// The offset is in minutes; the milliseconds stay UTC.
		{"/Date(1577836800000+0060)/", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 3600, true},
		{"/Date(1577836800000-0330)/", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), -330 * 60, true},
		{"/Date(-86400000)/", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), 0, true},
		{"/Date(253402300800000)/", time.Time{}, 0, false}, // year 10000
		{"/Date()/", time.Time{}, 0, false},
		{"/Date(12a)/", time.Time{}, 0, false},
		{"/Date(+12)/", time.Time{}, 0, false},
		{"/Date(12+)/", time.Time{}, 0, false},
		{"Date(12)", time.Time{}, 0, false},
		{"/Date(1577836800000+9999)/", time.Time{}, 0, false},
	} {
		got, ok := parseDate(tc.in)
		if ok != tc.ok || (ok && !got.Equal(tc.want)) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			continue
		}
		if ok {
			if _, off := got.Zone(); off != tc.offset {
				t.Errorf("parseDate(%q) zone offset %d, want %d", tc.in, off, tc.offset)
			}
		}
	}
}

func TestDecodePageTyping(t *testing.T) {
	svc := sfService(t)
	body := `{"d":{"results":[
	 {"__metadata":{"uri":"https://api4.successfactors.com/odata/v2/EmpJob(seqNumber=1L,startDate=datetime'2020-01-01T00:00:00',userId='1001')","type":"SFOData.EmpJob"},
	  "userId":"1001","seqNumber":"1","startDate":"/Date(1577836800000)/","jobTitle":"Engineer","department":null,
	  "standardHours":"40.50","fte":"1","isFulltimeEmployee":true,
	  "lastModifiedDateTime":"/Date(1618796144000+0000)/","createdOn":"/Date(1577836800000)/",
	  "userNav":{"__deferred":{"uri":"https://api4.successfactors.com/odata/v2/EmpJob(...)/userNav"}},
	  "customString1":"/Date(1577836800000)/","customString2":"plain"}],
	 "__next":"https://api4.successfactors.com/odata/v2/EmpJob?$skiptoken=eyJzdGFydFJvdyI6MTAwMCwiZW5kUm93IjoyMDAwfQ==",
	 "__count":"1234"}}`
	page, err := decodePage([]byte(body), svc.sets["EmpJob"].shape)
	if err != nil {
		t.Fatalf("decodePage: %v", err)
	}
	want := connectors.Record{
		"userId": "1001", "seqNumber": int64(1), "startDate": connectors.Date{Year: 2020, Month: 1, Day: 1},
		"jobTitle": "Engineer", "department": nil, "standardHours": 40.5, "fte": 1.0, "isFulltimeEmployee": true,
		"lastModifiedDateTime": time.Date(2021, 4, 19, 1, 35, 44, 0, time.UTC),
		"createdOn":            time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		"customString1":        time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "customString2": "plain",
	}
	if len(page.Records) != 1 {
		t.Fatalf("%d records", len(page.Records))
	}
	if diff := cmp.Diff(want, page.Records[0]); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if page.Next == "" || !page.HasCount || page.Count != 1234 {
		t.Errorf("next %q count %d/%v", page.Next, page.Count, page.HasCount)
	}
}

func TestDecodePageExpanded(t *testing.T) {
	svc := sfService(t)
	// Picklist options with an expanded to-many navigation (results), a
	// deferred to-one, Int64 ids as strings, Int32 as a number, Double as a
	// string (as SuccessFactors sends them).
	body := `{"d":{"results":[{"__metadata":{"uri":"x","type":"SFOData.PicklistOption"},
	 "id":"663469","externalCode":"A","maxValue":"0","sortOrder":1,
	 "parentPicklistOption":{"__deferred":{"uri":"x/parentPicklistOption"}},
	 "picklistLabels":{"results":[{"__metadata":{"uri":"y","type":"SFOData.PicklistLabel"},"optionId":"663469","locale":"en_US","label":"A",
	   "picklistOption":{"__deferred":{"uri":"y/picklistOption"}}}]}}]}}`
	page, err := decodePage([]byte(body), svc.sets["PicklistOption"].shape)
	if err != nil {
		t.Fatalf("decodePage: %v", err)
	}
	want := connectors.Record{"id": int64(663469), "externalCode": "A", "maxValue": 0.0, "sortOrder": int64(1),
		"picklistLabels": []any{map[string]any{"optionId": int64(663469), "locale": "en_US", "label": "A"}}}
	if diff := cmp.Diff(want, page.Records[0]); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if page.Next != "" || page.HasCount {
		t.Errorf("next %q count %v", page.Next, page.HasCount)
	}
}

func TestDecodePageShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		n          int
		next       string
		count      int64
	}{
		{"v2 collection", `{"d":{"results":[{"a":1},{"a":2}]}}`, 2, "", -1},
		{"v1 array", `{"d":[{"a":1}]}`, 1, "", -1},
		{"single entity", `{"d":{"a":1,"__metadata":{"uri":"u"}}}`, 1, "", -1},
		{"mock server count as number", `{"d":{"__count":25,"results":[]}}`, 0, "", 25},
		{"v4", `{"@odata.context":"$metadata#Bank","@odata.count":3,"value":[{"a":1,"@odata.etag":"W/x"}],"@odata.nextLink":"Bank?$skiptoken=1"}`, 1, "Bank?$skiptoken=1", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := decodePage([]byte(tc.body), nil)
			if err != nil {
				t.Fatalf("decodePage: %v", err)
			}
			if len(p.Records) != tc.n || p.Next != tc.next || (tc.count >= 0) != p.HasCount || (p.HasCount && p.Count != tc.count) {
				t.Errorf("got %d records, next %q, count %d/%v", len(p.Records), p.Next, p.Count, p.HasCount)
			}
			for _, r := range p.Records {
				for k := range r {
					if k == "__metadata" || k == "@odata.etag" {
						t.Errorf("control key %s kept", k)
					}
				}
			}
		})
	}
}

func TestDecodePageRejects(t *testing.T) {
	svc := sfService(t)
	sh := svc.sets["EmpJob"].shape
	for name, body := range map[string]string{
		"Int64 not a number":   `{"d":{"results":[{"seqNumber":"one"}]}}`,
		"Decimal not a number": `{"d":{"results":[{"standardHours":"forty"}]}}`,
		"date not a date":      `{"d":{"results":[{"startDate":"yesterday"}]}}`,
		"boolean a number":     `{"d":{"results":[{"isFulltimeEmployee":1}]}}`,
		"Int64 fraction":       `{"d":{"results":[{"seqNumber":1.5}]}}`,
		"results an object":    `{"d":{"results":{"a":1}}}`,
		"result not object":    `{"d":{"results":[1]}}`,
		"next not string":      `{"d":{"results":[],"__next":5}}`,
		"count negative":       `{"d":{"results":[],"__count":"-1"}}`,
		"no envelope":          `{"results":[]}`,
		"d a string":           `{"d":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodePage([]byte(body), sh)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInternal {
				t.Fatalf("err = %v, want INTERNAL", err)
			}
		})
	}
	if _, err := decodePage([]byte(`{"d":{"results":[`), sh); err == nil {
		t.Error("a truncated body decoded")
	}
}
