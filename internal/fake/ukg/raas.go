package ukg

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// The RaaS services speak SOAP 1.2 with WS-Addressing; the fake reads the
// request envelopes itself and writes the responses as WCF does (see the
// envelopes node-raas recorded from servicet.ultipro.com).
const (
	soapNS     = "http://www.w3.org/2003/05/soap-envelope"
	wsaNS      = "http://www.w3.org/2005/08/addressing"
	bidataNS   = "http://www.ultipro.com/dataservices/bidata/2"
	bistreamNS = "http://www.ultipro.com/dataservices/bistream/2"
)

// Report is a RaaS report the fake serves.
type Report struct {
	Name   string
	Path   string
	Header []string
	Rows   [][]string
	// Parameters are the report's prompts (GetReportParameters).
	Parameters []ReportParam
	// Fail makes ExecuteReport answer Status=Failed (HTTP 200).
	Fail bool
	// FailRetrieve makes RetrieveReport answer Status=Failed.
	FailRetrieve bool
}

// ReportParam is one report prompt.
type ReportParam struct {
	Name     string
	Required bool
	DataType string
}

type raasState struct {
	reports  map[string]*Report
	sessions map[string]bool
	keys     map[string]*execution
	logoffs  int
	executed []string
}

type execution struct {
	report *Report
	polls  int
	params map[string]string
	csv    bool
}

func (r *raasState) init() {
	r.reports = map[string]*Report{}
	r.sessions = map[string]bool{}
	r.keys = map[string]*execution{}
}

// SetReport adds or replaces a report.
func (s *Server) SetReport(rep Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := rep
	s.raas.reports[rep.Path] = &cp
}

// LogOffs counts LogOff calls.
func (s *Server) LogOffs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raas.logoffs
}

// OpenSessions counts RaaS sessions logged on and not logged off.
func (s *Server) OpenSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.raas.sessions)
}

// Executed lists the report parameters of every ExecuteReport, as
// "path?name=value&..." in call order.
func (s *Server) Executed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.raas.executed...)
}

func (s *Server) routeRaaS() {
	s.HandleFunc("POST /services/BIDataService", s.biData)
	s.HandleFunc("POST /services/BIStreamingService", s.biStream)
}

// inbound request envelope, read loosely by local name as WCF does, with
// the namespaces checked where they matter.
type reqEnvelope struct {
	XMLName xml.Name
	Header  struct {
		ActionVal string `xml:"Action"`
		ReportKey string `xml:"ReportKey"`
	} `xml:"Header"`
	Body struct {
		Inner []byte `xml:",innerxml"`
	} `xml:"Body"`
}

type reqContext struct {
	ServiceID       string `xml:"ServiceId"`
	ClientAccessKey string `xml:"ClientAccessKey"`
	Token           string `xml:"Token"`
	Status          string `xml:"Status"`
	InstanceKey     string `xml:"InstanceKey"`
}

func (s *Server) readEnvelope(w http.ResponseWriter, r *http.Request) (*reqEnvelope, bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/soap+xml") {
		// WCF answers a SOAP 1.1 or plain request with 415.
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		soapFault(w, "s:Sender", "", "The request body could not be read.")
		return nil, false
	}
	var env reqEnvelope
	if err := xml.Unmarshal(body, &env); err != nil || env.XMLName.Space != soapNS || env.XMLName.Local != "Envelope" {
		soapFault(w, "s:Sender", "", "The message is not a SOAP 1.2 envelope.")
		return nil, false
	}
	return &env, true
}

// soapFault writes a SOAP 1.2 fault with HTTP 500, as WCF does.
func soapFault(w http.ResponseWriter, code, subcode, reason string) {
	sub := ""
	if subcode != "" {
		sub = `<s:Subcode><s:Value>` + subcode + `</s:Value></s:Subcode>`
	}
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<s:Envelope xmlns:s="%s" xmlns:a="%s"><s:Header><a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action></s:Header><s:Body><s:Fault><s:Code><s:Value>%s</s:Value>%s</s:Code><s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`,
		soapNS, wsaNS, code, sub, html.EscapeString(reason))
}

func writeSOAP(w http.ResponseWriter, action, header, body string) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	fmt.Fprintf(w, `<s:Envelope xmlns:s="%s" xmlns:a="%s"><s:Header>    <a:Action s:mustUnderstand="1">%s</a:Action>%s</s:Header><s:Body>%s</s:Body></s:Envelope>`,
		soapNS, wsaNS, action, header, body)
}

func esc(s string) string { return html.EscapeString(s) }

func contextXML(c reqContext, status, msg string) string {
	m := `<StatusMessage i:nil="true"/>`
	if msg != "" {
		m = "<StatusMessage>" + esc(msg) + "</StatusMessage>"
	}
	return "<ServiceId>" + esc(c.ServiceID) + "</ServiceId><ClientAccessKey>" + esc(c.ClientAccessKey) + "</ClientAccessKey><Token>" +
		esc(c.Token) + "</Token><Status>" + status + "</Status>" + m + "<InstanceKey>" + esc(c.InstanceKey) + "</InstanceKey>"
}

func (s *Server) biData(w http.ResponseWriter, r *http.Request) {
	env, ok := s.readEnvelope(w, r)
	if !ok {
		return
	}
	const prefix = bidataNS + "/IBIDataService/"
	op, ok := strings.CutPrefix(strings.TrimSpace(env.Header.ActionVal), prefix)
	if !ok {
		soapFault(w, "s:Sender", "a:ActionNotSupported", "The message with Action '"+env.Header.ActionVal+"' cannot be processed at the receiver.")
		return
	}
	// The body element must be the operation the action names.
	var op1 struct {
		XMLName xml.Name
		Inner   []byte `xml:",innerxml"`
	}
	if err := xml.Unmarshal(env.Body.Inner, &op1); err != nil || op1.XMLName.Local != op || op1.XMLName.Space != bidataNS {
		soapFault(w, "s:Sender", "a:ActionMismatch", "The body does not match the action.")
		return
	}
	respond := func(inner string) {
		writeSOAP(w, prefix+op+"Response", "", "<"+op+`Response xmlns="`+bidataNS+`">`+inner+"</"+op+"Response>")
	}
	result := func(inner string) string {
		return "<" + op + `Result xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` + inner + "</" + op + "Result>"
	}
	var req struct {
		LogOn struct {
			UserName, Password, ClientAccessKey, UserAccessKey string
		} `xml:"logOnRequest"`
		Context    reqContext `xml:"context"`
		ReportPath string     `xml:"reportPath"`
		Request    struct {
			ReportPath string `xml:"ReportPath"`
			Params     []struct {
				Name, Value string
			} `xml:"ReportParameters>ReportParameter"`
		} `xml:"request"`
	}
	if err := xml.Unmarshal([]byte("<x>"+string(op1.Inner)+"</x>"), &req); err != nil {
		soapFault(w, "s:Sender", "", "The request could not be deserialized.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "LogOn" {
		l := req.LogOn
		if l.UserName != s.cfg.ProUser || l.Password != s.cfg.ProPassword || l.ClientAccessKey != s.cfg.CustomerAPIKey || l.UserAccessKey != s.cfg.UserAPIKey {
			respond(result(contextXML(reqContext{ClientAccessKey: l.ClientAccessKey}, "Failed", "Invalid login.")))
			return
		}
		c := reqContext{ServiceID: newToken("svc-"), ClientAccessKey: l.ClientAccessKey, Token: newToken("tok-"), InstanceKey: newToken("inst-")}
		s.raas.sessions[c.Token] = true
		respond(result(contextXML(c, "Ok", "")))
		return
	}
	if !s.raas.sessions[req.Context.Token] {
		switch op {
		case "LogOff":
			respond(result(contextXML(req.Context, "Failed", "An error has occured. Please try again. If the problem continues, please contact your support representative")))
		case "ExecuteReport":
			respond(result("<ReportKey i:nil=\"true\"/><ReportRetrievalUri i:nil=\"true\"/><Status>Failed</Status><StatusMessage>Invalid context.</StatusMessage>"))
		default:
			respond(result("<Status>Failed</Status><StatusMessage>Invalid context.</StatusMessage>"))
		}
		return
	}
	switch op {
	case "LogOff":
		delete(s.raas.sessions, req.Context.Token)
		s.raas.logoffs++
		respond(result(contextXML(req.Context, "LoggedOff", "")))
	case "GetReportList":
		var b strings.Builder
		b.WriteString("<Reports>")
		for _, p := range sortedReportPaths(s.raas.reports) {
			rep := s.raas.reports[p]
			b.WriteString("<Report><ReportName>" + esc(rep.Name) + "</ReportName><ReportPath>" + esc(rep.Path) + "</ReportPath></Report>")
		}
		b.WriteString("</Reports><Status>Success</Status><StatusMessage i:nil=\"true\"/>")
		respond(result(b.String()))
	case "GetReportParameters":
		rep := s.raas.reports[req.ReportPath]
		if rep == nil {
			respond(result("<ReportParameters/><Status>Failed</Status><StatusMessage>The report could not be found.</StatusMessage>"))
			return
		}
		var b strings.Builder
		b.WriteString("<ReportParameters>")
		for _, p := range rep.Parameters {
			fmt.Fprintf(&b, "<ReportParameter><Name>%s</Name><Value i:nil=\"true\"/><Required>%t</Required><DataType>%s</DataType><MultiValued>false</MultiValued></ReportParameter>",
				esc(p.Name), p.Required, esc(p.DataType))
		}
		b.WriteString("</ReportParameters><Status>Success</Status><StatusMessage/>")
		respond(result(b.String()))
	case "ExecuteReport":
		rep := s.raas.reports[req.Request.ReportPath]
		if rep == nil || rep.Fail {
			respond(result("<ReportKey i:nil=\"true\"/><ReportRetrievalUri i:nil=\"true\"/><Status>Failed</Status><StatusMessage>The report could not be executed.</StatusMessage>"))
			return
		}
		params := map[string]string{}
		var trace []string
		for _, p := range req.Request.Params {
			params[p.Name] = p.Value
			trace = append(trace, p.Name+"="+p.Value)
		}
		for _, p := range rep.Parameters {
			if p.Required && params[p.Name] == "" {
				respond(result("<ReportKey i:nil=\"true\"/><ReportRetrievalUri i:nil=\"true\"/><Status>Failed</Status><StatusMessage>A required parameter is missing.</StatusMessage>"))
				return
			}
		}
		s.raas.executed = append(s.raas.executed, rep.Path+"?"+strings.Join(trace, "&"))
		key := newToken("")
		s.raas.keys[key] = &execution{report: rep, params: params, csv: r.Header.Get("US-DELIMITER") == ","}
		uri := "https://" + r.Host + s.Base + "/services/BIStreamingService"
		respond(result("<ReportKey>" + key + "</ReportKey><ReportRetrievalUri>" + uri + "</ReportRetrievalUri><Status>Success</Status><StatusMessage i:nil=\"true\"/>"))
	default:
		soapFault(w, "s:Sender", "a:ActionNotSupported", "Unknown operation.")
	}
}

func (s *Server) biStream(w http.ResponseWriter, r *http.Request) {
	env, ok := s.readEnvelope(w, r)
	if !ok {
		return
	}
	if strings.TrimSpace(env.Header.ActionVal) != bistreamNS+"/IBIStreamService/RetrieveReport" {
		soapFault(w, "s:Sender", "a:ActionNotSupported", "The message with Action '"+env.Header.ActionVal+"' cannot be processed at the receiver.")
		return
	}
	s.mu.Lock()
	ex := s.raas.keys[strings.TrimSpace(env.Header.ReportKey)]
	var status, msg string
	switch {
	case ex == nil:
		status, msg = "Failed", "The report key is not valid."
	case ex.polls < s.cfg.WorkingPolls:
		ex.polls++
		status = "Working"
	case ex.report.FailRetrieve:
		status, msg = "Failed", "The report failed."
	default:
		status = "Completed"
	}
	var rep *Report
	var asCSV bool
	if ex != nil {
		rep, asCSV = ex.report, ex.csv
	}
	s.mu.Unlock()
	m := `<h:StatusMessage i:nil="true" xmlns:h="` + bistreamNS + `" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/>`
	if msg != "" {
		m = `<h:StatusMessage xmlns:h="` + bistreamNS + `">` + esc(msg) + `</h:StatusMessage>`
	}
	header := `    <h:Status xmlns:h="` + bistreamNS + `">` + status + `</h:Status>    ` + m
	stream := "<ReportStream/>"
	if status == "Completed" {
		b, err := reportBytes(rep, asCSV)
		if err != nil {
			soapFault(w, "s:Receiver", "", "The report could not be encoded.")
			return
		}
		stream = "<ReportStream>" + base64.StdEncoding.EncodeToString(b) + "</ReportStream>"
	}
	writeSOAP(w, bistreamNS+"/IBIStreamService/RetrieveReportResponse", header,
		`    <StreamReportResponse xmlns="`+bistreamNS+`">        `+stream+`    </StreamReportResponse>`)
}

// reportBytes renders a report as RaaS does with US-DELIMITER ",": CSV with
// CRLF line ends, Windows-1252, no BOM. Without the header the output is
// XML, which this fake does not produce: it fails the request instead.
func reportBytes(rep *Report, asCSV bool) ([]byte, error) {
	if !asCSV {
		return nil, fmt.Errorf("report requested without US-DELIMITER")
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.Write(rep.Header); err != nil {
		return nil, err
	}
	if err := cw.WriteAll(rep.Rows); err != nil {
		return nil, err
	}
	return charmap.Windows1252.NewEncoder().Bytes(buf.Bytes())
}

func sortedReportPaths(m map[string]*Report) []string {
	keys := make(map[string]string, len(m))
	for k := range m {
		keys[k] = k
	}
	return sortedKeys(keys)
}
