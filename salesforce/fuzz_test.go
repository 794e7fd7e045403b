package salesforce

import (
	"encoding/json"
	"strings"
	"testing"
)

var fuzzDescribe = &describeResult{Name: "Account", Fields: []describeField{
	{Name: "Id", Type: "id"}, {Name: "N", Type: "int"}, {Name: "A", Type: "currency"}, {Name: "B", Type: "boolean"},
	{Name: "D", Type: "date"}, {Name: "T", Type: "datetime"}, {Name: "S", Type: "string"},
}}

// FuzzDecodeCSV feeds arbitrary bulk results to the CSV decoder: it returns
// records or a typed error, never panics.
func FuzzDecodeCSV(f *testing.F) {
	f.Add("Id,N,A,B,D,T,S\n001,5,1.5,true,2024-01-31,2024-01-31T10:00:00.000Z,\"a,\"\"b\"\"\nc\"\n")
	f.Add("Id,N\n001\n")
	f.Add("Id,N\n\"unterminated\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		recs, err := decodeCSV(strings.NewReader(body), newTyper(fuzzDescribe), -1)
		if err != nil && recs != nil {
			t.Fatalf("records and an error: %d, %v", len(recs), err)
		}
	})
}

// FuzzTypeRecord feeds arbitrary JSON objects to the REST record typer.
func FuzzTypeRecord(f *testing.F) {
	f.Add(`{"attributes":{"type":"Account"},"Id":"001","N":5,"T":"2024-03-01T10:22:11.000+0000","D":"2024-03-01","Owner":{"attributes":{},"Name":"x"},"Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{},"Id":"003"}]}}`)
	f.Add(`{"N":1e300,"T":"2024-13-45T99:99:99.000+9999","D":"nope","X":[1,{"a":null}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var m map[string]any
		if json.Unmarshal([]byte(body), &m) != nil || m == nil {
			return
		}
		newTyper(fuzzDescribe).fromJSON(m)
		typer{}.fromJSON(m)
	})
}
