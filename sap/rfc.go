package sap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// SOAP RFC (/sap/bc/soap/rfc, the generic SOAP handler of the ABAP ICF):
// a remote-enabled function module called with a SOAP 1.1 envelope whose
// body element is the function's name in urn:sap-com:document:sap:rfc:
// functions, its importing parameters as child elements (structures as
// nested elements, tables as <item> rows). The answer is
// <FUNCTION.Response> with the exporting and table parameters. Business
// errors come back on HTTP 200 as rows of the RETURN table (BAPIRET2) with
// TYPE E or A; ABAP exceptions are SOAP faults whose detail names the
// exception.

const nsRFC = "urn:sap-com:document:sap:rfc:functions"

// rfcName is an RFC function or parameter name: upper-case letters,
// digits, underscores and the "/" of a namespace (/SAPAPO/...).
var rfcName = regexp.MustCompile(`^/?[A-Z0-9_]+(/[A-Z0-9_]+)*$`)

// rfcElement is the element name for an RFC name: SOAP RFC writes the
// namespace slash as "_-" (/SAPAPO/X as _-SAPAPO_-X).
func rfcElement(name string) string { return strings.ReplaceAll(name, "/", "_-") }

// encodeRFC writes the request envelope for function name with params.
// Table parameters the caller lists with an empty list, and RETURN when it
// is not given, are sent as empty elements: the handler only returns the
// tables the request names (an assumption recorded in doc.go).
func encodeRFC(name string, params map[string]any) ([]byte, error) {
	if !rfcName.MatchString(name) {
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI name %q is not an RFC function name (A-Z, 0-9, _ and namespace /)", clip(name))}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="` + nsRFC + `">`)
	b.WriteString(`<soapenv:Header/><soapenv:Body>`)
	el := rfcElement(name)
	b.WriteString("<urn:" + el + ">")
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := writeRFCValue(&b, k, params[k], 0); err != nil {
			return nil, err
		}
	}
	if _, ok := params["RETURN"]; !ok {
		b.WriteString("<RETURN/>")
	}
	b.WriteString("</urn:" + el + "></soapenv:Body></soapenv:Envelope>")
	return b.Bytes(), nil
}

func writeRFCValue(b *bytes.Buffer, name string, v any, depth int) error {
	if depth > 8 {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: "BAPI params nest deeper than 8 levels"}
	}
	if name != "item" && !rfcName.MatchString(name) {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI parameter %q is not an RFC name (A-Z, 0-9, _)", clip(name))}
	}
	el := rfcElement(name)
	switch x := v.(type) {
	case nil:
		b.WriteString("<" + el + "/>")
	case map[string]any:
		b.WriteString("<" + el + ">")
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := writeRFCValue(b, k, x[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</" + el + ">")
	case []any:
		b.WriteString("<" + el + ">")
		for _, row := range x {
			if err := writeRFCValue(b, "item", row, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</" + el + ">")
	case []map[string]any:
		rows := make([]any, len(x))
		for i := range x {
			rows[i] = x[i]
		}
		return writeRFCValue(b, name, rows, depth)
	default:
		s, err := rfcScalar(name, v)
		if err != nil {
			return err
		}
		b.WriteString("<" + el + ">")
		if err := xml.EscapeText(b, []byte(s)); err != nil {
			return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI parameter %s: not valid text", name)}
		}
		b.WriteString("</" + el + ">")
	}
	return nil
}

func rfcScalar(name string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		for _, r := range x {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				return "", &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI parameter %s has a control character", name)}
			}
		}
		return x, nil
	case bool:
		if x {
			return "X", nil // ABAP's boolean flag
		}
		return "", nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI parameter %s: a %T cannot be sent", name, v)}
}

// rfcMessage is one row of a BAPIRET2 (or BAPIRETURN) RETURN table.
type rfcMessage struct {
	Type    string `json:"type"`
	ID      string `json:"id,omitempty"`
	Number  string `json:"number,omitempty"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// decodeRFC reads a SOAP RFC response: the exporting and table parameters
// of <NAME.Response> as a map (structures as maps, tables as lists of
// maps, fields as strings), and a SOAP fault as an error whose VendorCode
// is the ABAP exception's name.
func decodeRFC(name string, body []byte) (map[string]any, error) {
	root, err := parseXMLTree(body)
	if err != nil {
		return nil, err
	}
	if root.local != "Envelope" {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "SOAP RFC response is not a SOAP envelope"}
	}
	bodyEl := root.child("Body")
	if bodyEl == nil || len(bodyEl.kids) == 0 {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "SOAP RFC response has an empty Body"}
	}
	if f := bodyEl.child("Fault"); f != nil {
		e := &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("BAPI %s raised a SOAP fault", name)}
		code := ""
		if d := f.child("detail"); d != nil && len(d.kids) > 0 {
			if n := d.kids[0].child("Name"); n != nil {
				code = strings.TrimSpace(n.text)
			}
		}
		if code == "" {
			if fs := f.child("faultstring"); fs != nil {
				code = strings.TrimSpace(fs.text)
			}
		}
		if fc := f.child("faultcode"); fc != nil && strings.HasSuffix(strings.TrimSpace(fc.text), "Server") && code == "" {
			e.Code = errs.CodeUnavailable
		}
		e.VendorCode = clip(code)
		return nil, e
	}
	resp := bodyEl.kids[0]
	el := rfcElement(name)
	if resp.local != el+".Response" && resp.local != el+"Response" {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("SOAP RFC response element is %q, not %s.Response", clip(resp.local), el)}
	}
	out, _ := resp.value().(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}

// returnMessages reads the RETURN parameter (a table or one structure).
func returnMessages(out map[string]any) []rfcMessage {
	var rows []any
	switch x := out["RETURN"].(type) {
	case []any:
		rows = x
	case map[string]any:
		rows = []any{x}
	}
	var msgs []rfcMessage
	for _, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		s := func(k string) string { v, _ := m[k].(string); return strings.TrimSpace(v) }
		msg := rfcMessage{Type: s("TYPE"), ID: s("ID"), Number: s("NUMBER"), Message: s("MESSAGE"), Field: s("FIELD")}
		if msg.Type == "" && msg.Message == "" {
			continue // an empty structure: no message
		}
		if msg.ID == "" && s("CODE") != "" { // BAPIRETURN: CODE is class+number
			msg.ID = s("CODE")
		}
		msgs = append(msgs, msg)
	}
	return msgs
}

// returnError is the error of a RETURN table holding an E (error) or A
// (abort) row: VendorCode is the message class and number ("01/124"),
// Details the other rows' codes. nil when no row is an error.
func returnError(name string, msgs []rfcMessage) *errs.Error {
	var first *rfcMessage
	var codes []string
	for i := range msgs {
		m := &msgs[i]
		if m.Type != "E" && m.Type != "A" {
			continue
		}
		if first == nil {
			first = m
		}
		codes = append(codes, messageCode(*m))
	}
	if first == nil {
		return nil
	}
	e := &errs.Error{Code: errs.CodeInvalidArgument, VendorCode: messageCode(*first),
		Message: fmt.Sprintf("BAPI %s returned %s: %s", name, first.Type, clipMessage(first.Message))}
	if first.Field != "" {
		e.WithDetail("field", first.Field)
	}
	if len(codes) > 1 {
		e.WithDetail("messages", codes)
	}
	return e
}

func messageCode(m rfcMessage) string {
	switch {
	case m.ID != "" && m.Number != "":
		return m.ID + "/" + m.Number
	case m.ID != "":
		return m.ID
	}
	return m.Type
}

// xmlNode is a parsed element: its local name, text and children.
type xmlNode struct {
	local string
	text  string
	kids  []*xmlNode
}

func (n *xmlNode) child(local string) *xmlNode {
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// value renders a node as Go values: text for a leaf, a list for a node
// whose children are all <item>, else a map (a repeated child name becomes
// a list).
func (n *xmlNode) value() any {
	if len(n.kids) == 0 {
		return n.text
	}
	allItems := true
	for _, k := range n.kids {
		if k.local != "item" {
			allItems = false
			break
		}
	}
	if allItems {
		list := make([]any, len(n.kids))
		for i, k := range n.kids {
			list[i] = k.value()
		}
		return list
	}
	m := make(map[string]any, len(n.kids))
	for _, k := range n.kids {
		key := strings.ReplaceAll(k.local, "_-", "/")
		if prev, ok := m[key]; ok {
			if l, ok := prev.([]any); ok {
				m[key] = append(l, k.value())
			} else {
				m[key] = []any{prev, k.value()}
			}
			continue
		}
		m[key] = k.value()
	}
	return m
}

// parseXMLTree reads a whole document into nodes, bounded in depth.
func parseXMLTree(body []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: "SOAP RFC response: malformed or truncated XML"}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > 64 {
				return nil, &errs.Error{Code: errs.CodeInternal, Message: "SOAP RFC response nests too deep"}
			}
			n := &xmlNode{local: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, &errs.Error{Code: errs.CodeInternal, Message: "SOAP RFC response: truncated XML"}
	}
	return root, nil
}
