package sap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// serveRFC is /sap/bc/soap/rfc: SOAP 1.1 envelopes calling RFC function
// modules. BAPI_USER_GET_DETAIL answers from the fake's users (a RETURN row
// of TYPE E, message 01/124, for an unknown user, on HTTP 200);
// BAPI_TRANSACTION_COMMIT answers an empty RETURN; any other function is a
// SOAP fault naming the exception, as the handler reports a missing
// function module.
func (s *Server) serveRFC(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	fn, params, err := readEnvelope(body)
	if err != nil {
		s.soapFault(w, "soap-env:Client", "Malformed SOAP request", "", "")
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, "RFC "+fn)
	s.mu.Unlock()
	var out strings.Builder
	switch fn {
	case "BAPI_USER_GET_DETAIL":
		user := params["USERNAME"]
		u, ok := s.users[user]
		out.WriteString("<ADDRESS>")
		if ok {
			for _, k := range sortedKeys(u) {
				fmt.Fprintf(&out, "<%s>%s</%s>", k, esc(u[k]), k)
			}
		}
		out.WriteString("</ADDRESS><RETURN>")
		if !ok {
			fmt.Fprintf(&out, "<item><TYPE>E</TYPE><ID>01</ID><NUMBER>124</NUMBER><MESSAGE>User %s does not exist</MESSAGE><LOG_NO/><LOG_MSG_NO>000000</LOG_MSG_NO><MESSAGE_V1>%s</MESSAGE_V1><PARAMETER/><ROW>0</ROW><FIELD>USERNAME</FIELD><SYSTEM>FAKCLNT100</SYSTEM></item>", esc(user), esc(user))
		}
		out.WriteString("</RETURN>")
	case "BAPI_TRANSACTION_COMMIT":
		out.WriteString("<RETURN><TYPE/><ID/><NUMBER>000</NUMBER><MESSAGE/></RETURN>")
	default:
		s.soapFault(w, "soap-env:Server", "FU_NOT_FOUND", fn, "Function module "+fn+" not found")
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	fmt.Fprintf(w, `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Header/><soap-env:Body><n0:%s.Response xmlns:n0="urn:sap-com:document:sap:rfc:functions">%s</n0:%s.Response></soap-env:Body></soap-env:Envelope>`,
		fn, out.String(), fn)
}

func (s *Server) soapFault(w http.ResponseWriter, code, name, fn, text string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	detail := ""
	if fn != "" {
		detail = fmt.Sprintf(`<detail><n0:%s.Exception xmlns:n0="urn:sap-com:document:sap:rfc:functions"><Name>%s</Name><Text>%s</Text></n0:%s.Exception></detail>`, fn, name, esc(text), fn)
	}
	fmt.Fprintf(w, `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><soap-env:Fault><faultcode>%s</faultcode><faultstring>%s</faultstring>%s</soap-env:Fault></soap-env:Body></soap-env:Envelope>`, code, name, detail)
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// readEnvelope returns the function called and its scalar parameters.
func readEnvelope(body []byte) (string, map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth, fn := 0, ""
	params := map[string]string{}
	var cur string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 3 { // Envelope > Body > function
				if t.Name.Space != "urn:sap-com:document:sap:rfc:functions" {
					return "", nil, fmt.Errorf("not an RFC call")
				}
				fn = t.Name.Local
			}
			if depth == 4 {
				cur = t.Name.Local
			}
		case xml.CharData:
			if depth == 4 && cur != "" {
				params[cur] += string(t)
			}
		case xml.EndElement:
			depth--
		}
	}
	if fn == "" {
		return "", nil, fmt.Errorf("no function")
	}
	return fn, params, nil
}
