package ukg

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// vendorCode is one row of a product's error table.
type vendorCode struct {
	code      errs.Code
	retryable bool
}

// soapFaultCodes classifies UKG Pro RaaS SOAP 1.2 faults by their code or
// subcode local name: the SOAP 1.2 fault codes (W3C SOAP 1.2 part 1,
// 5.4.6), WS-Addressing's and WS-Security's subcodes as WCF sends them.
var soapFaultCodes = map[string]vendorCode{
	"VersionMismatch":                 {errs.CodeInternal, false},
	"MustUnderstand":                  {errs.CodeInternal, false},
	"DataEncodingUnknown":             {errs.CodeInternal, false},
	"Sender":                          {errs.CodeInvalidArgument, false},
	"Receiver":                        {errs.CodeUnavailable, true},
	"InvalidSecurity":                 {errs.CodeUnauthenticated, false},
	"FailedAuthentication":            {errs.CodeUnauthenticated, false},
	"InvalidSecurityToken":            {errs.CodeUnauthenticated, false},
	"SecurityTokenExpired":            {errs.CodeUnauthenticated, false},
	"AccessDenied":                    {errs.CodePermissionDenied, false},
	"ActionNotSupported":              {errs.CodeUnsupported, false},
	"DestinationUnreachable":          {errs.CodeNotFound, false},
	"EndpointUnavailable":             {errs.CodeUnavailable, true},
	"InvalidAddressingHeader":         {errs.CodeInternal, false},
	"MessageAddressingHeaderRequired": {errs.CodeInternal, false},
}

// raasFailed classifies a RaaS operation answered with HTTP 200 and
// Status=Failed (LogOn, GetReportList, GetReportParameters, ExecuteReport,
// RetrieveReport): the operation decides the code, the StatusMessage is kept
// in Details and never inspected.
var raasFailed = map[string]vendorCode{
	"LogOn":               {errs.CodeUnauthenticated, false},
	"GetReportList":       {errs.CodePermissionDenied, false},
	"GetReportParameters": {errs.CodeInvalidArgument, false},
	"ExecuteReport":       {errs.CodeInvalidArgument, false},
	"RetrieveReport":      {errs.CodeInternal, false},
	"LogOff":              {errs.CodeInternal, false},
}

// wfmCodes is UKG Pro WFM's table: errorCode values seen from live tenants
// (keboola/component-ex-ukg-wfm; TEAMSchools/teamster) and UKG's
// service-limit documentation. A code not listed keeps the class the HTTP
// status gives it.
var wfmCodes = map[string]vendorCode{
	"WFP-90011":  {errs.CodeInvalidArgument, false},  // Unrecognized property: wrong body shape
	"WFP-90009":  {errs.CodeInvalidArgument, false},  // criterion of the wrong type
	"WFP-90100":  {errs.CodeInvalidArgument, false},  // invalid date string
	"WCO-106194": {errs.CodeInvalidArgument, false},  // service limit: too many employees (413)
	"WCO-112003": {errs.CodeInvalidArgument, false},  // hyperfind over its threshold
	"WTK-124919": {errs.CodeInvalidArgument, false},  // punches span over 60 minutes
	"WTK-124921": {errs.CodeInvalidArgument, false},  // punches count out of 1..25
	"WFA-000030": {errs.CodePermissionDenied, false}, // API not licensed for the tenant
	"WFP-114011": {errs.CodeInternal, false},         // report execution failed
}

// readyCodes is UKG Ready's table for errors[0].code: 100 is the rate
// limit (Tools4everBV HelloID-Conn-Prov-Source-UKG-Ready backs off on it).
var readyCodes = map[int]vendorCode{
	100: {errs.CodeRateLimited, true},
}

// wfmErrorBody is WFM's error JSON.
type wfmErrorBody struct {
	ErrorCode string          `json:"errorCode"`
	Message   string          `json:"message"`
	Details   json.RawMessage `json:"details"`
}

// readyErrorBody is UKG Ready's error JSON.
type readyErrorBody struct {
	Errors []struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
	} `json:"errors"`
	UserMessages []struct {
		Severity string `json:"severity"`
		Text     string `json:"text"`
	} `json:"user_messages"`
}

// decodeWFMError refines a WFM error from its errorCode.
func decodeWFMError(e *errs.Error, status int, body []byte) *errs.Error {
	var b wfmErrorBody
	if json.Unmarshal(body, &b) != nil || b.ErrorCode == "" {
		return e
	}
	e.VendorCode = b.ErrorCode
	if b.Message != "" {
		e.Message = "UKG Pro WFM: " + b.Message
	}
	if m, ok := wfmCodes[b.ErrorCode]; ok {
		e.Code, e.Retryable = m.code, m.retryable
	}
	if status == http.StatusRequestEntityTooLarge {
		setDetail(e, "service_limit", true)
	}
	return e
}

// readyErrorCode returns errors[0].code of a Ready error body.
func readyErrorCode(body []byte) (int, bool) {
	var b readyErrorBody
	if json.Unmarshal(body, &b) != nil || len(b.Errors) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(b.Errors[0].Code.String()))
	return n, err == nil
}

// decodeReadyError refines a Ready error from errors[0].code.
func decodeReadyError(e *errs.Error, body []byte) *errs.Error {
	var b readyErrorBody
	if json.Unmarshal(body, &b) != nil || len(b.Errors) == 0 {
		return e
	}
	e.VendorCode = b.Errors[0].Code.String()
	if b.Errors[0].Message != "" {
		e.Message = "UKG Ready: " + b.Errors[0].Message
	}
	if n, ok := readyErrorCode(body); ok {
		if m, ok := readyCodes[n]; ok {
			e.Code, e.Retryable = m.code, m.retryable
		}
	}
	return e
}

func setDetail(e *errs.Error, k string, v any) {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[k] = v
}
