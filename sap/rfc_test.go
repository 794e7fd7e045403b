package sap

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

func TestEncodeRFC(t *testing.T) {
	body, err := encodeRFC("BAPI_USER_GET_DETAIL", map[string]any{"USERNAME": "J<O>E&", "CACHE_RESULTS": true,
		"ADDRESS": map[string]any{"CITY": "Walldorf"}, "PARAMETER": []any{map[string]any{"PARID": "BUK"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:sap-com:document:sap:rfc:functions">` +
		`<soapenv:Header/><soapenv:Body><urn:BAPI_USER_GET_DETAIL><ADDRESS><CITY>Walldorf</CITY></ADDRESS><CACHE_RESULTS>X</CACHE_RESULTS>` +
		`<PARAMETER><item><PARID>BUK</PARID></item></PARAMETER><USERNAME>J&lt;O&gt;E&amp;</USERNAME><RETURN/></urn:BAPI_USER_GET_DETAIL></soapenv:Body></soapenv:Envelope>`
	if diff := cmp.Diff(want, string(body)); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	ns, err := encodeRFC("/SAPAPO/BAPI_X", nil)
	if err != nil || !strings.Contains(string(ns), "<urn:_-SAPAPO_-BAPI_X>") {
		t.Errorf("namespaced name: %s %v", ns, err)
	}
	for name, tc := range map[string]struct {
		fn     string
		params map[string]any
	}{
		"lower-case name":   {"bapi_x", nil},
		"element injection": {"BAPI_X><evil", nil},
		"bad param name":    {"BAPI_X", map[string]any{"A B": "x"}},
		"control char":      {"BAPI_X", map[string]any{"A": "x\x00"}},
		"unsupported type":  {"BAPI_X", map[string]any{"A": struct{}{}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := encodeRFC(tc.fn, tc.params)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInvalidArgument {
				t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}

const rfcOK = `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Header/><soap-env:Body>` +
	`<n0:BAPI_USER_GET_DETAIL.Response xmlns:n0="urn:sap-com:document:sap:rfc:functions">` +
	`<ADDRESS><FIRSTNAME>Jane</FIRSTNAME><LASTNAME>Doe</LASTNAME></ADDRESS>` +
	`<RETURN><item><TYPE>S</TYPE><ID>01</ID><NUMBER>000</NUMBER><MESSAGE>ok</MESSAGE></item></RETURN>` +
	`</n0:BAPI_USER_GET_DETAIL.Response></soap-env:Body></soap-env:Envelope>`

func TestDecodeRFC(t *testing.T) {
	out, err := decodeRFC("BAPI_USER_GET_DETAIL", []byte(rfcOK))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"ADDRESS": map[string]any{"FIRSTNAME": "Jane", "LASTNAME": "Doe"},
		"RETURN": []any{map[string]any{"TYPE": "S", "ID": "01", "NUMBER": "000", "MESSAGE": "ok"}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if e := returnError("BAPI_USER_GET_DETAIL", returnMessages(out)); e != nil {
		t.Errorf("success row gave %v", e)
	}
}

func TestReturnTableErrors(t *testing.T) {
	body := strings.Replace(rfcOK, `<item><TYPE>S</TYPE><ID>01</ID><NUMBER>000</NUMBER><MESSAGE>ok</MESSAGE></item>`,
		`<item><TYPE>W</TYPE><ID>01</ID><NUMBER>010</NUMBER><MESSAGE>warn</MESSAGE></item>`+
			`<item><TYPE>E</TYPE><ID>01</ID><NUMBER>124</NUMBER><MESSAGE>User JOE does not exist</MESSAGE><FIELD>USERNAME</FIELD></item>`+
			`<item><TYPE>A</TYPE><ID>BAPI</ID><NUMBER>001</NUMBER><MESSAGE>abort</MESSAGE></item>`, 1)
	out, err := decodeRFC("BAPI_USER_GET_DETAIL", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	e := returnError("BAPI_USER_GET_DETAIL", returnMessages(out))
	if e == nil || e.Code != errs.CodeInvalidArgument || e.VendorCode != "01/124" || e.Details["field"] != "USERNAME" ||
		!cmp.Equal(e.Details["messages"], []string{"01/124", "BAPI/001"}) {
		t.Fatalf("returnError = %v %v", e, e.Details)
	}
	// RETURN as one structure (BAPIRETURN), not a table.
	single := map[string]any{"RETURN": map[string]any{"TYPE": "E", "CODE": "SD001", "MESSAGE": "no"}}
	if e := returnError("BAPI_X", returnMessages(single)); e == nil || e.VendorCode != "SD001" {
		t.Errorf("structure RETURN = %v", e)
	}
	empty := map[string]any{"RETURN": map[string]any{"TYPE": "", "MESSAGE": ""}}
	if msgs := returnMessages(empty); len(msgs) != 0 {
		t.Errorf("empty structure gave %v", msgs)
	}
}

func TestDecodeRFCFaults(t *testing.T) {
	fault := `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><soap-env:Fault>` +
		`<faultcode>soap-env:Client</faultcode><faultstring>USER_NOT_FOUND</faultstring><detail>` +
		`<n0:BAPI_X.Exception xmlns:n0="urn:sap-com:document:sap:rfc:functions"><Name>USER_NOT_FOUND</Name><Text>not found</Text></n0:BAPI_X.Exception>` +
		`</detail></soap-env:Fault></soap-env:Body></soap-env:Envelope>`
	_, err := decodeRFC("BAPI_X", []byte(fault))
	var e *errs.Error
	if !errors.As(err, &e) || e.VendorCode != "USER_NOT_FOUND" || e.Code != errs.CodeInvalidArgument {
		t.Fatalf("fault = %v", err)
	}
	for name, body := range map[string]string{
		"truncated":     rfcOK[:len(rfcOK)-40],
		"not soap":      `<html><body>x</body></html>`,
		"wrong element": strings.ReplaceAll(rfcOK, "BAPI_USER_GET_DETAIL.Response", "OTHER.Response"),
		"empty body":    `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`,
		"json":          `{"d":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodeRFC("BAPI_USER_GET_DETAIL", []byte(body))
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInternal {
				t.Fatalf("err = %v, want INTERNAL", err)
			}
		})
	}
}

func TestFunctionQuery(t *testing.T) {
	fn := &function{Name: "ReleaseOrder", HTTPMethod: "POST", Params: []funcParam{
		{Name: "PurchaseOrder", Type: "Edm.String"}, {Name: "Count", Type: "Edm.Int64", Nullable: true},
		{Name: "Amount", Type: "Edm.Decimal", Nullable: true}, {Name: "Flag", Type: "Edm.Boolean", Nullable: true},
		{Name: "On", Type: "Edm.DateTime", Nullable: true}, {Name: "ID", Type: "Edm.Guid", Nullable: true}}}
	q, err := functionQuery(fn, map[string]any{"PurchaseOrder": "45 O'Neil&x=1", "Count": 3, "Amount": 12.5, "Flag": true,
		"On": "2024-01-31", "ID": "005056a5-09b1-1ee1-b9a8-fec11c21d78e"})
	if err != nil {
		t.Fatal(err)
	}
	want := "Amount=12.5M&Count=3L&Flag=true&ID=guid%27005056a5-09b1-1ee1-b9a8-fec11c21d78e%27&On=datetime%272024-01-31T00%3A00%3A00%27&PurchaseOrder=%2745%20O%27%27Neil%26x%3D1%27"
	if q != want {
		t.Errorf("query\n got %s\nwant %s", q, want)
	}
	for name, params := range map[string]map[string]any{
		"missing":    {},
		"undeclared": {"PurchaseOrder": "1", "Evil": "x"},
		"wrong type": {"PurchaseOrder": 1},
		"bad guid":   {"PurchaseOrder": "1", "ID": "x"},
		"fraction":   {"PurchaseOrder": "1", "Count": 1.5},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := functionQuery(fn, params)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInvalidArgument {
				t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}
