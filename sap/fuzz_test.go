package sap

import (
	"net/http"
	"testing"
)

// The decoders take bodies from a server: none may panic, whatever arrives
// (go test -fuzz FuzzDecodePage ./sap to search further).

func FuzzDecodePage(f *testing.F) {
	for _, s := range []string{`{"d":{"results":[{"a":"/Date(1)/","n":"1"}],"__next":"x","__count":"2"}}`,
		`{"d":[{"x":{"results":[{"__deferred":{}}]}}]}`, `{"value":[{"@odata.etag":"W/1"}],"@odata.count":1}`, `{"d":{"results":`} {
		f.Add([]byte(s))
	}
	svc, _ := parseMetadata(mustRead(f, "testdata/sf_metadata.xml"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = decodePage(body, svc.sets["EmpJob"].shape)
		_, _ = decodePage(body, nil)
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(mustRead(f, "testdata/sf_metadata.xml"))
	f.Add(mustRead(f, "testdata/mockserver/API_BUSINESS_PARTNER/metadata.xml"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if svc, err := parseMetadata(body); err == nil {
			for _, n := range svc.entitySets() {
				_ = svc.sets[n].schema()
			}
		}
	})
}

func FuzzErrorBodies(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"X","message":{"value":"m"},"innerError":{"errorDetails":[{"code":"Y"}]}}}`), "")
	f.Add([]byte(`<error><code>A</code><message>b</message></error>`), `{"code":"C","severity":"error"}`)
	f.Fuzz(func(t *testing.T, body []byte, sapMessage string) {
		h := http.Header{"Sap-Message": {sapMessage}}
		_ = refineError(newStatusError(400), h, body)
		_ = successError("sap_s4", "GET x", 200, h)
		_, _ = parseBatch("multipart/mixed; boundary=b", body)
		_, _ = decodeRFC("BAPI_X", body)
	})
}

func mustRead(f *testing.F, name string) []byte {
	b, err := readTestFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
