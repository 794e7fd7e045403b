package ukg

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// The RaaS wire: SOAP 1.2 with WS-Addressing actions, the BI data service
// (LogOn, GetReportList, GetReportParameters, ExecuteReport, LogOff) and the
// BI streaming service (RetrieveReport). Element names, order and namespaces
// follow the services' WSDL (xsd4) and the envelopes recorded from
// servicet.ultipro.com in petarmihaylov/node-raas test/payloads.
const (
	nsSOAP12   = "http://www.w3.org/2003/05/soap-envelope"
	nsWSA      = "http://www.w3.org/2005/08/addressing"
	nsBIData   = "http://www.ultipro.com/dataservices/bidata/2"
	nsBIStream = "http://www.ultipro.com/dataservices/bistream/2"

	actionPrefix   = nsBIData + "/IBIDataService/"
	actionRetrieve = nsBIStream + "/IBIStreamService/RetrieveReport"

	soapContentType = "application/soap+xml; charset=utf-8"

	dataServicePath   = "/services/BIDataService"
	streamServicePath = "/services/BIStreamingService"
)

// RetrieveReport header statuses.
const (
	streamWorking   = "Working"
	streamCompleted = "Completed"
	streamFailed    = "Failed"
)

// outEnvelope is a request envelope.
type outEnvelope struct {
	XMLName xml.Name  `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
	Header  outHeader `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
	Body    outBody   `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

type outHeader struct {
	Action    string `xml:"http://www.w3.org/2005/08/addressing Action"`
	ReportKey string `xml:"http://www.ultipro.com/dataservices/bistream/2 ReportKey,omitempty"`
}

type outBody struct {
	Content any
}

// dataContext is the BI data service's session (LogOnResult), passed back
// as "context" on every later call. Field order is the WSDL's.
type dataContext struct {
	ServiceID       string `xml:"ServiceId"`
	ClientAccessKey string `xml:"ClientAccessKey"`
	Token           string `xml:"Token"`
	Status          string `xml:"Status"`
	StatusMessage   string `xml:"StatusMessage,omitempty"`
	InstanceKey     string `xml:"InstanceKey"`
}

type logOnRequest struct {
	XMLName         xml.Name `xml:"http://www.ultipro.com/dataservices/bidata/2 LogOn"`
	UserName        string   `xml:"logOnRequest>UserName"`
	Password        string   `xml:"logOnRequest>Password"`
	ClientAccessKey string   `xml:"logOnRequest>ClientAccessKey"`
	UserAccessKey   string   `xml:"logOnRequest>UserAccessKey"`
}

type contextOnly struct {
	XMLName xml.Name
	Context dataContext `xml:"context"`
}

type getReportParameters struct {
	XMLName    xml.Name    `xml:"http://www.ultipro.com/dataservices/bidata/2 GetReportParameters"`
	ReportPath string      `xml:"reportPath"`
	Context    dataContext `xml:"context"`
}

type reportParameter struct {
	Name        string `xml:"Name"`
	Value       string `xml:"Value,omitempty"`
	Required    *bool  `xml:"Required,omitempty"`
	DataType    string `xml:"DataType,omitempty"`
	MultiValued *bool  `xml:"MultiValued,omitempty"`
}

type executeReport struct {
	XMLName    xml.Name          `xml:"http://www.ultipro.com/dataservices/bidata/2 ExecuteReport"`
	ReportPath string            `xml:"request>ReportPath"`
	Parameters []reportParameter `xml:"request>ReportParameters>ReportParameter,omitempty"`
	Context    dataContext       `xml:"context"`
}

// marshalEnvelope renders a request envelope.
func marshalEnvelope(action, reportKey string, content any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	env := outEnvelope{Header: outHeader{Action: action, ReportKey: reportKey}, Body: outBody{Content: content}}
	if err := xml.NewEncoder(&buf).Encode(env); err != nil {
		return nil, errs.Wrap(errs.CodeInternal, err, "ukg: building a SOAP envelope")
	}
	return buf.Bytes(), nil
}

func logOnEnvelope(user, password, customerKey, userKey string) ([]byte, error) {
	return marshalEnvelope(actionPrefix+"LogOn", "", logOnRequest{UserName: user, Password: password,
		ClientAccessKey: customerKey, UserAccessKey: userKey})
}

func contextEnvelope(op string, ctx dataContext) ([]byte, error) {
	return marshalEnvelope(actionPrefix+op, "", contextOnly{XMLName: xml.Name{Space: nsBIData, Local: op}, Context: ctx})
}

func parametersEnvelope(path string, ctx dataContext) ([]byte, error) {
	return marshalEnvelope(actionPrefix+"GetReportParameters", "", getReportParameters{ReportPath: path, Context: ctx})
}

func executeEnvelope(path string, params []reportParameter, ctx dataContext) ([]byte, error) {
	return marshalEnvelope(actionPrefix+"ExecuteReport", "", executeReport{ReportPath: path, Parameters: params, Context: ctx})
}

func retrieveEnvelope(reportKey string) ([]byte, error) {
	return marshalEnvelope(actionRetrieve, reportKey, struct{}{})
}

// inEnvelope is a BI data service response envelope.
type inEnvelope struct {
	XMLName xml.Name `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
	Body    struct {
		Fault *soapFault `xml:"http://www.w3.org/2003/05/soap-envelope Fault"`
		LogOn *struct {
			Result *dataContext `xml:"LogOnResult"`
		} `xml:"http://www.ultipro.com/dataservices/bidata/2 LogOnResponse"`
		LogOff *struct {
			Result *dataContext `xml:"LogOffResult"`
		} `xml:"http://www.ultipro.com/dataservices/bidata/2 LogOffResponse"`
		ReportList *struct {
			Result *struct {
				Reports []struct {
					Name string `xml:"ReportName"`
					Path string `xml:"ReportPath"`
				} `xml:"Reports>Report"`
				Status        string `xml:"Status"`
				StatusMessage string `xml:"StatusMessage"`
			} `xml:"GetReportListResult"`
		} `xml:"http://www.ultipro.com/dataservices/bidata/2 GetReportListResponse"`
		Parameters *struct {
			Result *struct {
				Parameters    []reportParameter `xml:"ReportParameters>ReportParameter"`
				Status        string            `xml:"Status"`
				StatusMessage string            `xml:"StatusMessage"`
			} `xml:"GetReportParametersResult"`
		} `xml:"http://www.ultipro.com/dataservices/bidata/2 GetReportParametersResponse"`
		Execute *struct {
			Result *struct {
				ReportKey     string `xml:"ReportKey"`
				RetrievalURI  string `xml:"ReportRetrievalUri"`
				Status        string `xml:"Status"`
				StatusMessage string `xml:"StatusMessage"`
			} `xml:"ExecuteReportResult"`
		} `xml:"http://www.ultipro.com/dataservices/bidata/2 ExecuteReportResponse"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

// soapFault is a SOAP 1.2 fault.
type soapFault struct {
	Code struct {
		Value   string `xml:"Value"`
		Subcode struct {
			Value string `xml:"Value"`
		} `xml:"Subcode"`
	} `xml:"Code"`
	Reason struct {
		Text []string `xml:"Text"`
	} `xml:"Reason"`
}

// parseEnvelope decodes a BI data service response strictly: it must be a
// SOAP 1.2 envelope, and a Fault in it is returned as an error.
func parseEnvelope(body []byte) (*inEnvelope, error) {
	var env inEnvelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, errs.Wrap(errs.CodeInternal, err, "ukg_pro: the BI data service sent a body that is not a SOAP 1.2 envelope")
	}
	if f := env.Body.Fault; f != nil {
		return nil, f.toError(0)
	}
	return &env, nil
}

// localName drops a QName's prefix ("s:Sender" -> "Sender").
func localName(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.LastIndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// toError classifies a fault by its code and subcode (SOAP 1.2 part 1
// section 5.4.6; WS-Addressing and WS-Security subcodes), never by its
// reason text.
func (f *soapFault) toError(status int) *errs.Error {
	code, sub := localName(f.Code.Value), localName(f.Code.Subcode.Value)
	vendor := code
	if sub != "" {
		vendor = sub
	}
	c, retry := errs.CodeInternal, false
	if m, ok := soapFaultCodes[sub]; ok {
		c, retry = m.code, m.retryable
	} else if m, ok := soapFaultCodes[code]; ok {
		c, retry = m.code, m.retryable
	}
	reason := ""
	if len(f.Reason.Text) > 0 {
		reason = strings.TrimSpace(f.Reason.Text[0])
	}
	return &errs.Error{Code: c, VendorCode: vendor, HTTPStatus: status, Retryable: retry,
		Message: "SOAP fault from UKG Pro RaaS", Details: map[string]any{"fault_code": code, "fault_subcode": sub, "reason": reason}}
}

// streamHead is what RetrieveReport says before its body: the status in
// the SOAP header, and for a completed report the base64 CSV under
// StreamReportResponse/ReportStream.
type streamHead struct {
	Status        string
	StatusMessage string
}

// reportStream reads a RetrieveReport response as a stream: the header is
// decoded with encoding/xml, then the base64 text of ReportStream is
// decoded on the fly, so memory stays bounded whatever the report's size.
type reportStream struct {
	br   *bufio.Reader
	dec  *xml.Decoder
	head streamHead
	b64  io.Reader
	done bool
}

// openReportStream reads up to the report's bytes. A fault in the body is
// returned as an error; a status other than Completed returns a stream whose
// Report is nil.
func openReportStream(r io.Reader) (*reportStream, error) {
	s := &reportStream{br: bufio.NewReaderSize(r, 64<<10)}
	// A *bufio.Reader is an io.ByteReader, so the decoder reads from it
	// without a buffer of its own: after a start tag, s.br is positioned
	// right behind its '>'.
	s.dec = xml.NewDecoder(s.br)
	var stack []xml.Name
	inHeader := false
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, malformedStream(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
			switch {
			case len(stack) == 1 && t.Name != (xml.Name{Space: nsSOAP12, Local: "Envelope"}):
				return nil, malformedStream(fmt.Errorf("root element %s", t.Name.Local))
			case len(stack) == 2 && t.Name.Space == nsSOAP12 && t.Name.Local == "Header":
				inHeader = true
			case inHeader && len(stack) == 3 && t.Name.Space == nsBIStream && (t.Name.Local == "Status" || t.Name.Local == "StatusMessage"):
				var v string
				if err := s.dec.DecodeElement(&v, &t); err != nil {
					return nil, malformedStream(err)
				}
				stack = stack[:len(stack)-1]
				if t.Name.Local == "Status" {
					s.head.Status = strings.TrimSpace(v)
				} else {
					s.head.StatusMessage = strings.TrimSpace(v)
				}
			case len(stack) == 3 && t.Name.Space == nsSOAP12 && t.Name.Local == "Fault":
				var f soapFault
				if err := s.dec.DecodeElement(&f, &t); err != nil {
					return nil, malformedStream(err)
				}
				return nil, f.toError(0)
			case len(stack) == 3 && stack[1].Local == "Body":
				if s.head.Status == "" {
					return nil, malformedStream(errors.New("no Status in the SOAP header"))
				}
				if s.head.Status != streamCompleted {
					return s, s.drain()
				}
			case len(stack) == 4 && t.Name.Space == nsBIStream && t.Name.Local == "ReportStream":
				if s.head.Status != streamCompleted {
					return s, s.drain()
				}
				s.b64 = base64.NewDecoder(base64.StdEncoding, &untilTag{br: s.br})
				return s, nil
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, malformedStream(errors.New("unbalanced end tag"))
			}
			if len(stack) == 2 && stack[1].Local == "Header" {
				inHeader = false
			}
			if len(stack) == 2 && stack[1].Local == "Body" && s.head.Status == streamCompleted {
				return nil, malformedStream(errors.New("a completed report without ReportStream"))
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// Report returns the report's raw bytes (base64-decoded), or nil when the
// status is not Completed.
func (s *reportStream) Report() io.Reader { return s.b64 }

// finish checks that the envelope closes properly after the report bytes.
func (s *reportStream) finish() error {
	if s.done {
		return nil
	}
	return s.drain()
}

func (s *reportStream) drain() error {
	s.done = true
	for {
		_, err := s.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return malformedStream(err)
		}
	}
}

func malformedStream(err error) *errs.Error {
	return errs.Wrap(errs.CodeInternal, err, "ukg_pro: RetrieveReport sent a body that is not a complete SOAP 1.2 envelope")
}

// untilTag reads base64 text up to (not including) the next '<'. Reaching
// the end of the body first means the response was cut short.
type untilTag struct {
	br  *bufio.Reader
	end bool
}

func (u *untilTag) Read(p []byte) (int, error) {
	if u.end {
		return 0, io.EOF
	}
	buf, err := u.br.Peek(1)
	if len(buf) == 0 {
		if err == io.EOF || err == nil {
			err = io.ErrUnexpectedEOF
		}
		return 0, malformedStream(err)
	}
	n := u.br.Buffered()
	if n > len(p) {
		n = len(p)
	}
	chunk, _ := u.br.Peek(n)
	if i := bytes.IndexByte(chunk, '<'); i >= 0 {
		chunk = chunk[:i]
		u.end = true
	}
	copy(p, chunk)
	_, _ = u.br.Discard(len(chunk))
	if len(chunk) == 0 {
		return 0, io.EOF
	}
	return len(chunk), nil
}
