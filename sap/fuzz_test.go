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
		_, _ = parseBatch("multipart/mixed; boundary=b", body, 8, 8)
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

// FuzzBatchV4Response: the v4 $batch answer (multipart/mixed from the
// server) through the parser and the result assembly: two reads (an
// entity and a collection) and a change set of two.
func FuzzBatchV4Response(f *testing.F) {
	ok := "--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ConditionID\":\"1\",\"@odata.etag\":\"W/1\"}\r\n" +
		"--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{\"value\":[{\"Amount\":1.5}],\"@odata.count\":1}\r\n" +
		"--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: application/http\r\nContent-ID: 2\r\n\r\nHTTP/1.1 204 No Content\r\nETag: W/2\r\n\r\n\r\n" +
		"--c\r\nContent-Type: application/http\r\nContent-ID: 1\r\n\r\nHTTP/1.1 201 Created\r\n\r\n{\"ConditionID\":\"9\"}\r\n--c--\r\n--b--\r\n"
	f.Add(ok)
	f.Add(ok[:200])
	f.Add("--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 412 Precondition Failed\r\n\r\n{\"error\":{\"code\":\"X\",\"message\":\"m\"}}\r\n--b--")
	f.Add("--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-ID: 7\r\n\r\n--c--\r\n--b--")
	svc, err := parseMetadata(mustRead(f, "testdata/mockserver/ZPRICING_V4/metadata.xml"))
	if err != nil {
		f.Fatal(err)
	}
	var sh *shape
	for _, n := range svc.entitySets() {
		sh = svc.sets[n].shape
		break
	}
	reads := []v4Target{{shape: sh, entity: true}, {shape: sh}}
	changes := []v4Target{{shape: sh, entity: true}, {shape: sh, entity: true}}
	f.Fuzz(func(t *testing.T, body string) {
		for _, n := range []int{1, 3} {
			res, err := parseBatch("multipart/mixed; boundary=b", []byte(body), n, len(changes))
			if err != nil {
				continue
			}
			if len(res) > n {
				t.Fatalf("%d parts read, at most %d asked", len(res), n)
			}
			_, _, _ = v4Answer(res, reads[:min(n, 2)], changes[:n-min(n, 2)])
		}
	})
}
