package workday

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/transport"
)

// general decodes a workers page the general way: the kit's one-pass
// decoder (or its reference fallback), then pathValue per field.
func general(body string) ([]connectors.Record, int64, error) {
	c := &driver{product: ProductHCM}
	page, err := c.decodeREST(&transport.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)})
	if err != nil {
		return nil, 0, err
	}
	out := make([]connectors.Record, len(page.Records))
	for i, item := range page.Records {
		out[i] = workerRecord(item)
	}
	return out, page.Total, nil
}

// checkWorkerDecoder: whenever the workers decoder takes a body, it gives
// exactly the general path's records and total (and the general path
// takes the body too).
func checkWorkerDecoder(t *testing.T, body string) (taken bool) {
	t.Helper()
	recs, total, ok := decodeWorkers(&transport.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)})
	if !ok {
		return false
	}
	want, wantTotal, err := general(body)
	if err != nil {
		t.Fatalf("the workers decoder took %q, which the general path refuses: %v", body, err)
	}
	if total != wantTotal {
		t.Errorf("%q: total %d, general %d", body, total, wantTotal)
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("%q: records differ from the general path (-general +fast):\n%s", body, d)
	}
	return true
}

var workerBodies = []struct {
	body  string
	taken bool
}{
	{`{"total":2,"data":[{"id":"a1","descriptor":"Ann Lee","workerId":"21001","workerType":{"id":"t","descriptor":"Employee"},
	  "primaryJob":{"id":"j1","businessTitle":"Analyst","supervisoryOrganization":{"id":"o1","descriptor":"Finance"},"location":{"descriptor":"Paris"}},
	  "person":{"id":"p","email":"a@example.com","phone":"+33"}},{"id":"a2","workerId":"21002"}]}`, true},
	{`{"data":[],"total":0}`, true},
	{`{"total":1,"data":[{"id":"x","descriptor":"","workerId":null,"primaryJob":[{"businessTitle":"First"},{"businessTitle":"Second"}],"person":null}]}`, true},
	{`{"total":1,"data":[{"primaryJob":[],"person":[7,{"email":"no"}],"workerType":"flat"}]}`, true},
	{`{"total":1,"data":[{"id":1.5,"descriptor":true,"workerId":false,"person":{"phone":-0}}]}`, true},
	{`{"total":1,"data":[{"w\u006frkerId":"esc","descriptor":"a\"b\\c\u00e9","href":"h","extra":{"deep":[[[{"x":1e2}]]]}}]}`, true},
	{`{"total":1,"href":"x","more":[1,2,{"a":null}],"data":[{"id":"y"}]}`, true},
	{`{"total":1,"data":[{"id":"dup","id":"again"}]}`, false},
	{`{"total":1,"data":[{"id":"a","big":1e999}]}`, false},
	{`{"total":1,"data":[{"workerId":{"nested":"object"}}]}`, false},
	{`{"total":1,"data":[{"person":{"email":["list"]}}]}`, false},
	{`{"total":"1","data":[]}`, false},
	{`{"data":[]}`, false},
	{`{"total":1,"data":[{"id":"a"}]`, false},
	{`{"total":1,"data":[{"id":"\xff"}]}`, false},
	{`{"total":1,"data":{"id":"a"}}`, false},
	{`{"total":1,"data":[{"id":"a"}],"data":[]}`, false},
	{`{"total":1,"data":[{"id":"a"}]} trailing`, false},
	{`<html><body>Service Unavailable</body></html>`, false},
	{`{"total":2.5,"data":[]}`, false},
	{`{"total":1,"data":[{"id":"a"},7]}`, false},
	{"{ \"total\" : 3 ,\n\"data\" : [ { \"id\" : \"a\" , \"person\" : { } } , {} , { \"x\" : [ ] , \"y\" : { } , \"z\" : [ 1 , -2.5e3 , \"s\" , null , true ] } ] }\n", true},
	{`{"total":1,"data":[{"id":"a","id":"b"}]}`, false},
	{`{"total":1,"data":[{"primaryJob":{"id":"j"},"primaryJob":{"id":"k"}}]}`, false},
	{`{"total":1,"data":[{"id":"a","href":1,"href":2}]}`, true},
	{`{"total":1,"data":[{"id":01}]}`, false},
	{`{"total":1,"data":[{"x":-}]}`, false},
	{`{"total":1,"data":[{"x":1.}]}`, false},
	{`{"total":1,"data":[{"x":tru}]}`, false},
	{`{"total":1,"data":[{"x":"a` + "\n" + `b"}]}`, false},
	{`{"total":1,"data":[{"id":"a",}]}`, false},
	{`{"total":1,"data":[{"id":"a"},]}`, false},
	{`{"total":1,"data":[{"id":"a"}],}`, false},
	{`{"total":1,"data":[{"person":{"email":"e"},"person":{"phone":"p"}}]}`, false},
}

// TestWorkerDecoderDifferential: the workers decoder against the general
// path, body by body; the bodies it must refuse go to the general path.
func TestWorkerDecoderDifferential(t *testing.T) {
	for _, tt := range workerBodies {
		if got := checkWorkerDecoder(t, tt.body); got != tt.taken {
			t.Errorf("%q: taken %v, want %v", tt.body, got, tt.taken)
		}
	}
	if !checkWorkerDecoder(t, `{"total":1,"data":[{"descriptor":"`+strings.Repeat("é", 5000)+`"}]}`) {
		t.Error("a long value was refused")
	}
}

// FuzzWorkerDecoder: on any body, the workers decoder either refuses it
// or agrees with the general path.
func FuzzWorkerDecoder(f *testing.F) {
	for _, tt := range workerBodies {
		f.Add(tt.body)
	}
	for _, b := range []string{`{"total":1,"data":[{"descriptor":"\ud800","workerId":"\u00e9\n\"q\""}]}`,
		`{"total":1,"data":[{"descriptor":"\x"}]}`, `{"total":1,"data":[{"person":{"em\u0061il":"e","email":"f"}}]}`} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) { checkWorkerDecoder(t, body) })
}
