package sap

import (
	"net/http"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

func TestRefineError(t *testing.T) {
	gatewayJSON := `{"error":{"code":"/IWBEP/CM_MGW_RT/020","message":{"lang":"en","value":"Resource not found for segment 'A_Nope'"},
	 "innererror":{"application":{"component_id":"LO-MD-BP","service_namespace":"/SAP/","service_id":"API_BUSINESS_PARTNER","service_version":"0001"},
	  "transactionid":"3B1F0A2C","timestamp":"20240102101112.1234560",
	  "Error_Resolution":{"SAP_Transaction":"...","SAP_Note":"See SAP Note 1797736"},
	  "errordetails":[{"code":"/IWBEP/CX_MGW_TECH_EXCEPTION","message":"Resource not found","propertyref":"","severity":"error","target":"","transition":false}]}}}`
	sfJSON := `{"error":{"code":"COE_PROPERTY_NOT_FILTERABLE","message":{"lang":"en-US","value":"[COE0021]Invalid filter"},
	 "innerError":{"transactionId":"C83CB3D2","errorResolution":{"sapNote":"x"},
	  "errorDetails":[{"code":"/IWBEP/CM_TEA/002","message":"not valid","propertyref":"Team/Team_Identifier","severity":"error"}]}}}`
	xmlBody := `<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
	 <code>SY/530</code><message xml:lang="en">Business partner 1 does not exist</message>
	 <innererror><transactionid>AB12</transactionid><errordetails><errordetail><code>R1/092</code><message>x</message><target>BusinessPartner</target><severity>error</severity></errordetail></errordetails></innererror></error>`
	v4 := `{"error":{"code":"400","message":"Property Foo not found","target":"Foo","details":[{"code":"SADL/001","message":"m","target":"Foo","@Core.severity":"error"}]}}`
	login := `<!DOCTYPE html><html><body><form method="post" action="/saml2/idp/sso"><input type="hidden" name="SAMLRequest" value="PHNhbWw"/></form></body></html>`
	page := `<html><head><title>Service unavailable</title></head><body>down for maintenance</body></html>`
	for _, tc := range []struct {
		name    string
		status  int
		header  http.Header
		body    string
		code    errs.Code
		vendor  string
		details map[string]any
	}{
		{"gateway json", 404, nil, gatewayJSON, errs.CodeNotFound, "/IWBEP/CM_MGW_RT/020",
			map[string]any{"error_details": []string{"/IWBEP/CX_MGW_TECH_EXCEPTION"}, "transaction_id": "3B1F0A2C"}},
		{"successfactors innerError casing", 400, nil, sfJSON, errs.CodeInvalidArgument, "COE_PROPERTY_NOT_FILTERABLE",
			map[string]any{"error_details": []string{"/IWBEP/CM_TEA/002"}, "targets": []string{"Team/Team_Identifier"}, "transaction_id": "C83CB3D2"}},
		{"vendor code beats status", 500, nil, `{"error":{"code":"COE_GENERAL_FORBIDDEN","message":{"value":"no RBP"}}}`, errs.CodePermissionDenied, "COE_GENERAL_FORBIDDEN", nil},
		{"xml body", 400, http.Header{"Content-Type": {"application/xml"}}, xmlBody, errs.CodeInvalidArgument, "SY/530",
			map[string]any{"error_details": []string{"R1/092"}, "targets": []string{"BusinessPartner"}, "transaction_id": "AB12"}},
		{"v4 body", 400, nil, v4, errs.CodeInvalidArgument, "400", map[string]any{"error_details": []string{"SADL/001"}, "targets": []string{"Foo"}}},
		{"csrf required", 403, http.Header{"X-Csrf-Token": {"Required"}}, "CSRF token validation failed", errs.CodePermissionDenied, vendorCSRFRequired, nil},
		{"login page", 401, http.Header{"Content-Type": {"text/html"}}, login, errs.CodeUnauthenticated, "", nil},
		{"login page on 403", 403, nil, `<html><form><input type="password" name="j_password"></form></html>`, errs.CodeUnauthenticated, "", nil},
		{"maintenance page", 503, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, page, errs.CodeUnavailable, "", nil},
		{"truncated json", 500, nil, `{"error":{"code":"X","message":{"value":"cut`, errs.CodeUnavailable, "", nil},
		{"plain text", 500, nil, "Parsing errors detected", errs.CodeUnavailable, "", nil},
		{"sap-message on failure", 400, http.Header{"Sap-Message": {`{"code":"BP/012","message":"locked","severity":"error","target":""}`}}, "", errs.CodeInvalidArgument, "BP/012", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &errs.Error{Code: errs.CodeForStatus(tc.status), HTTPStatus: tc.status, Message: "GET https://h/x: HTTP"}
			h := tc.header
			if h == nil {
				h = http.Header{}
			}
			got := errorMap.Apply(refineError(e, h, []byte(tc.body)))
			if got.Code != tc.code || got.VendorCode != tc.vendor {
				t.Errorf("code %s vendor %q, want %s %q (%v)", got.Code, got.VendorCode, tc.code, tc.vendor, got)
			}
			if diff := cmp.Diff(tc.details, got.Details); diff != "" {
				t.Errorf("details (-want +got):\n%s", diff)
			}
			if len(got.Message) > 400 {
				t.Errorf("message too long: %d", len(got.Message))
			}
		})
	}
}

func TestSuccessError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header http.Header
		want   string // vendor code, "" for no error
	}{
		{"none", http.Header{}, ""},
		{"warning", http.Header{"Sap-Message": {`{"code":"BP/100","message":"w","severity":"warning"}`}}, ""},
		{"error", http.Header{"Sap-Message": {`{"code":"BP/012","message":"locked","severity":"error","target":"","details":[]}`}}, "BP/012"},
		{"not json", http.Header{"Sap-Message": {`error`}}, ""},
		{"mock server array", http.Header{"Sap-Messages": {`[{"code":"M1","message":"x","numericSeverity":4}]`}}, "M1"},
		{"mock server info", http.Header{"Sap-Messages": {`[{"code":"M1","message":"x","numericSeverity":2}]`}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := successError("sap_s4", "GET x", 200, tc.header)
			switch {
			case tc.want == "" && e != nil:
				t.Errorf("got %v, want no error", e)
			case tc.want != "" && (e == nil || e.VendorCode != tc.want || e.HTTPStatus != 200):
				t.Errorf("got %v, want vendor code %s on HTTP 200", e, tc.want)
			}
		})
	}
}

func TestPageError(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		code errs.Code
	}{
		{"login", `<html><form><input type='password'></form></html>`, errs.CodeUnauthenticated},
		{"html", `<!DOCTYPE html><html>hello</html>`, errs.CodeInternal},
		{"empty", ``, errs.CodeInternal},
		{"truncated", `{"d":{"results":[`, errs.CodeInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, cause := decodePage([]byte(tc.body), nil)
			e := pageError("sap_sf", "GET x", 200, http.Header{}, []byte(tc.body), cause)
			if e.Code != tc.code || e.HTTPStatus != 200 || e.Message == "" {
				t.Errorf("got %v", e)
			}
		})
	}
}

func newStatusError(status int) *errs.Error {
	return &errs.Error{Code: errs.CodeForStatus(status), HTTPStatus: status, Message: "GET x: HTTP"}
}

func readTestFile(name string) ([]byte, error) { return os.ReadFile(name) }
