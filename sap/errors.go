package sap

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// The one error table of the package: OData's error bodies (v2 JSON, v2
// XML, v4 JSON), the sap-message header, the CSRF rejection, HTML pages and
// truncated bodies all end here, and the portable code is chosen from the
// vendor code where SAP documents one and from the HTTP status otherwise.
// Messages are never inspected: SAP localises them.

// errorMap maps the error codes SAP documents to portable codes. Codes
// not listed keep the status's code; VendorCode always keeps SAP's word.
var errorMap = connkit.ErrorMap{
	// SuccessFactors OData (vendors.md 3.7; SAP KBAs name these codes).
	"COE_GENERAL_BAD_REQUEST":     {Code: errs.CodeInvalidArgument},
	"COE_PROPERTY_NOT_FILTERABLE": {Code: errs.CodeInvalidArgument},
	"COE_PROPERTY_NOT_SORTABLE":   {Code: errs.CodeInvalidArgument},
	"COE_INVALID_KEY":             {Code: errs.CodeInvalidArgument},
	"COE_GENERAL_FORBIDDEN":       {Code: errs.CodePermissionDenied},
	"COE_GENERAL_UNAUTHORIZED":    {Code: errs.CodeUnauthenticated},
	// Our own word for a 403 that carries "x-csrf-token: Required" after the
	// transport's one renewal (SAP sends no code in that body).
	vendorCSRFRequired: {Code: errs.CodePermissionDenied},
}

// vendorCSRFRequired is the VendorCode of a CSRF rejection that survived
// the one renewal.
const vendorCSRFRequired = "CSRF_TOKEN_REQUIRED"

// The error bodies of OData v2 JSON ({"error":{"code","message":{"lang",
// "value"},"innererror":{...,"errordetails":[...]}}}) and v4 JSON
// ({"error":{"code","message","details":[...]}}) are read key by key: the
// inner error's key is "innererror" at SAP Gateway and "innerError" at
// SuccessFactors (cdap successfactors-error.json), so it is matched without
// regard to case, as are its errordetails.

type errorDetail struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Target       string `json:"target"`
	PropertyRef  string `json:"propertyref"`
	Severity     string `json:"severity"`
	CoreSeverity string `json:"@Core.severity"`
}

// parsedError is what a body said.
type parsedError struct {
	code, message string
	details       []errorDetail
	transactionID string
}

// parseErrorBody reads an OData error body, JSON or XML. ok is false when
// the body is neither.
func parseErrorBody(body []byte) (p parsedError, ok bool) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return p, false
	}
	if b[0] == '{' {
		return parseJSONError(b)
	}
	if b[0] == '<' {
		return parseXMLError(b)
	}
	return p, false
}

func parseJSONError(b []byte) (p parsedError, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return p, false
	}
	raw, ok := top["error"]
	if !ok {
		return p, false
	}
	var e map[string]json.RawMessage
	if json.Unmarshal(raw, &e) != nil {
		var s string // {"error": "text"} (pyodata's failed changeset sample)
		if json.Unmarshal(raw, &s) == nil {
			return parsedError{message: s}, true
		}
		return p, false
	}
	_ = json.Unmarshal(e["code"], &p.code)
	msg := e["message"]
	var mv struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(msg, &mv) == nil && mv.Value != "" {
		p.message = mv.Value
	} else {
		_ = json.Unmarshal(msg, &p.message) // v4: a plain string
	}
	_ = json.Unmarshal(e["details"], &p.details)
	for k, v := range e {
		if !strings.EqualFold(k, "innererror") {
			continue
		}
		var inner map[string]json.RawMessage
		if json.Unmarshal(v, &inner) != nil {
			continue
		}
		for ik, iv := range inner {
			switch strings.ToLower(ik) {
			case "errordetails":
				var d []errorDetail
				if json.Unmarshal(iv, &d) == nil {
					p.details = append(p.details, d...)
				}
			case "transactionid":
				_ = json.Unmarshal(iv, &p.transactionID)
			}
		}
	}
	return p, p.code != "" || p.message != ""
}

// xmlError is the OData v2 XML error body (the default without
// $format=json): <error xmlns="http://schemas.microsoft.com/ado/2007/08/
// dataservices/metadata"><code/><message xml:lang="en"/><innererror>...
type xmlError struct {
	XMLName xml.Name `xml:"error"`
	Code    string   `xml:"code"`
	Message string   `xml:"message"`
	Inner   struct {
		TransactionID string `xml:"transactionid"`
		Details       []struct {
			Code     string `xml:"code"`
			Message  string `xml:"message"`
			Target   string `xml:"target"`
			Severity string `xml:"severity"`
		} `xml:"errordetails>errordetail"`
	} `xml:"innererror"`
}

func parseXMLError(b []byte) (p parsedError, ok bool) {
	var x xmlError
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = charsetReader
	if dec.Decode(&x) != nil {
		return p, false
	}
	p = parsedError{code: strings.TrimSpace(x.Code), message: strings.TrimSpace(x.Message), transactionID: x.Inner.TransactionID}
	for _, d := range x.Inner.Details {
		p.details = append(p.details, errorDetail{Code: d.Code, Message: d.Message, Target: d.Target, Severity: d.Severity})
	}
	return p, p.code != "" || p.message != ""
}

// refineError sets VendorCode, Message, Details and, where SAP's word says
// more than the status, Code and Retryable on e, the error the transport
// built from an HTTP status >= 400. e.Message already names the request.
func refineError(e *errs.Error, header http.Header, body []byte) *errs.Error {
	if e.HTTPStatus == http.StatusForbidden && strings.EqualFold(header.Get("X-CSRF-Token"), "Required") {
		e.VendorCode = vendorCSRFRequired
		e.Code = errs.CodePermissionDenied
		e.Retryable = false
		e.Message += ": the CSRF token was rejected after a fresh one was fetched"
		return e
	}
	if p, ok := parseErrorBody(body); ok {
		applyParsed(e, p)
		return e
	}
	if isHTMLBody(header, body) {
		if loginPage(body) {
			e.Code = errs.CodeUnauthenticated
			e.Retryable = false
			e.Message += ": the server answered with a login page"
		} else {
			e.Message += ": the server answered with an HTML page"
		}
		return e
	}
	if p, ok := headerMessage(header); ok {
		applyParsed(e, p)
	}
	return e
}

func applyParsed(e *errs.Error, p parsedError) {
	e.VendorCode = p.code
	if p.message != "" {
		e.Message += ": " + clipMessage(p.message)
	}
	if len(p.details) > 0 {
		codes := make([]string, 0, len(p.details))
		for _, d := range p.details {
			if d.Code != "" {
				codes = append(codes, d.Code)
			}
		}
		if len(codes) > 0 {
			e = e.WithDetail("error_details", codes)
		}
		var targets []string
		for _, d := range p.details {
			if t := firstNonEmpty(d.PropertyRef, d.Target); t != "" {
				targets = append(targets, t)
			}
		}
		if len(targets) > 0 {
			e.WithDetail("targets", targets)
		}
	}
	if p.transactionID != "" {
		e.WithDetail("transaction_id", p.transactionID)
	}
}

func clipMessage(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// headerMessage reads SAP Gateway's sap-message header (one JSON message:
// {"code","message","severity","target","details":[...]}) and the
// "sap-messages" array SAP's Fiori mock server and v4 services send
// ({"code","message","numericSeverity","target"}). ok is true for an
// error-severity message only: warnings and infos ride on successes.
func headerMessage(h http.Header) (parsedError, bool) {
	if v := h.Get("sap-message"); v != "" {
		var m struct {
			Code     string        `json:"code"`
			Message  string        `json:"message"`
			Severity string        `json:"severity"`
			Details  []errorDetail `json:"details"`
		}
		if json.Unmarshal([]byte(v), &m) == nil && isErrorSeverity(m.Severity) {
			return parsedError{code: m.Code, message: m.Message, details: m.Details}, true
		}
	}
	if v := h.Get("sap-messages"); v != "" {
		var list []struct {
			Code            string `json:"code"`
			Message         string `json:"message"`
			NumericSeverity int    `json:"numericSeverity"`
			Severity        string `json:"severity"`
		}
		if json.Unmarshal([]byte(v), &list) == nil {
			for _, m := range list {
				if m.NumericSeverity >= 4 || isErrorSeverity(m.Severity) {
					return parsedError{code: m.Code, message: m.Message}, true
				}
			}
		}
	}
	return parsedError{}, false
}

func isErrorSeverity(s string) bool {
	s = strings.ToLower(s)
	return s == "error" || s == "abort" || s == "e" || s == "a"
}

// successError is the error a 2xx response carries in its sap-message
// header (an ABAP message of severity error), or nil.
func successError(product, what string, status int, h http.Header) *errs.Error {
	p, ok := headerMessage(h)
	if !ok {
		return nil
	}
	e := &errs.Error{Code: errs.CodeInvalidArgument, Product: product, HTTPStatus: status,
		Message: what + ": the server reported an error in its sap-message header"}
	applyParsed(e, p)
	return errorMap.Apply(e)
}

// decodeError is the transport's DecodeError hook.
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	return refineError(e, resp.Header, resp.Body)
}

// isHTMLBody reports whether a body is an HTML page.
func isHTMLBody(h http.Header, body []byte) bool {
	if ct := strings.ToLower(h.Get("Content-Type")); strings.HasPrefix(ct, "text/html") {
		return true
	}
	b := bytes.TrimSpace(body)
	if len(b) > 256 {
		b = b[:256]
	}
	lb := bytes.ToLower(b)
	return bytes.HasPrefix(lb, []byte("<!doctype html")) || bytes.HasPrefix(lb, []byte("<html"))
}

// loginPage recognises a sign-in page by its markup, not its words: a
// password input, or a SAML request being posted to an identity provider
// (what an expired session behind SAP IAS or a SuccessFactors SSO gets).
func loginPage(body []byte) bool {
	lb := bytes.ToLower(body)
	return bytes.Contains(lb, []byte(`type="password"`)) || bytes.Contains(lb, []byte(`type='password'`)) ||
		bytes.Contains(lb, []byte(`name="samlrequest"`)) || bytes.Contains(lb, []byte(`name="j_password"`)) ||
		bytes.Contains(lb, []byte(`name="sap-password"`))
}

// pageError types a 2xx body the connector cannot use: an HTML page (a
// login page is UNAUTHENTICATED), an empty body, or JSON that is truncated
// or malformed (transport.MalformedJSON, with a short redacted excerpt).
func pageError(product, what string, status int, h http.Header, body []byte, cause error) *errs.Error {
	var typed *errs.Error
	switch {
	case errors.As(cause, &typed):
		e := typed.Clone()
		e.Product, e.HTTPStatus = product, status
		e.Message = what + ": " + e.Message
		return e
	case isHTMLBody(h, body) && loginPage(body):
		return &errs.Error{Code: errs.CodeUnauthenticated, Product: product, HTTPStatus: status,
			Message: what + ": the server answered with a login page instead of OData JSON (session expired or SSO redirect)"}
	case isHTMLBody(h, body):
		return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: status,
			Message: what + ": the server answered with an HTML page instead of OData JSON"}
	case len(bytes.TrimSpace(body)) == 0:
		return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: status, Message: what + ": empty body, expected OData JSON"}
	case cause == nil:
		return &errs.Error{Code: errs.CodeInternal, Product: product, HTTPStatus: status, Message: what + ": not the OData JSON expected"}
	}
	return transport.MalformedJSON(product, what, status, cause, body, nil)
}
