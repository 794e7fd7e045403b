package ukg

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// win1252 encodes s as Windows-1252, as RaaS sends report bytes.
func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// completedEnvelope is a RetrieveReport response shaped like the one
// node-raas recorded from servicet.ultipro.com.
func completedEnvelope(report []byte) string {
	return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>    <a:Action s:mustUnderstand="1">http://www.ultipro.com/dataservices/bistream/2/IBIStreamService/RetrieveReportResponse</a:Action>    <h:Status xmlns:h="http://www.ultipro.com/dataservices/bistream/2">Completed</h:Status>    <h:StatusMessage i:nil="true" xmlns:h="http://www.ultipro.com/dataservices/bistream/2" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/></s:Header><s:Body>    <StreamReportResponse xmlns="http://www.ultipro.com/dataservices/bistream/2">        <ReportStream>` +
		base64.StdEncoding.EncodeToString(report) + `</ReportStream>    </StreamReportResponse></s:Body></s:Envelope>`
}

func readAll(t *testing.T, body string, cs charset, mode HeaderMode) ([]Column, []connectors.Record, error) {
	t.Helper()
	s, err := openReportStream(strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if s.head.Status != streamCompleted {
		t.Fatalf("status %q", s.head.Status)
	}
	cr, err := newCSVReader("ukg_pro", s.Report(), cs, mode)
	if err != nil {
		return nil, nil, err
	}
	var out []connectors.Record
	for {
		r, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return cr.Columns(), out, err
		}
		out = append(out, r)
	}
	return cr.Columns(), out, s.finish()
}

func TestRetrieveReportLatin1AccentedName(t *testing.T) {
	csvText := "\"Employee Name (Last Suffix, First MI)\",Employment Status Code,Employee Number,Location\r\n" +
		"\"11, José ?\",A,000012510,GA - Atlanta\r\n" +
		"\"Müller, Zoë\",T,000012519,\r\n"
	body := completedEnvelope(win1252(t, csvText))
	cols, recs, err := readAll(t, body, charsetWindows1252, HeadersRaw)
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{
		{"Employee Name (Last Suffix, First MI)": "11, José ?", "Employment Status Code": "A", "Employee Number": "000012510", "Location": "GA - Atlanta"},
		{"Employee Name (Last Suffix, First MI)": "Müller, Zoë", "Employment Status Code": "T", "Employee Number": "000012519", "Location": nil},
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	if len(cols) != 4 || cols[0].Raw != "Employee Name (Last Suffix, First MI)" {
		t.Errorf("columns %v", cols)
	}
	// The raw byte for é in Windows-1252 is 0xE9: decoding as UTF-8 would
	// have produced U+FFFD.
	if strings.ContainsRune(recs[0]["Employee Name (Last Suffix, First MI)"].(string), '\uFFFD') {
		t.Error("the report was not decoded from Windows-1252")
	}
}

func TestRetrieveReportWorkingAndFailed(t *testing.T) {
	for _, status := range []string{"Working", "Failed"} {
		body := `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><h:Status xmlns:h="http://www.ultipro.com/dataservices/bistream/2">` + status +
			`</h:Status><h:StatusMessage xmlns:h="http://www.ultipro.com/dataservices/bistream/2">still going</h:StatusMessage></s:Header><s:Body><StreamReportResponse xmlns="http://www.ultipro.com/dataservices/bistream/2"><ReportStream/></StreamReportResponse></s:Body></s:Envelope>`
		s, err := openReportStream(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		if s.head.Status != status || s.Report() != nil {
			t.Errorf("%s: head %+v report %v", status, s.head, s.Report())
		}
		if s.head.StatusMessage != "still going" {
			t.Errorf("%s: message %q", status, s.head.StatusMessage)
		}
	}
}

func TestRetrieveReportBadBodies(t *testing.T) {
	full := completedEnvelope([]byte("a,b\r\n1,2\r\n"))
	cases := map[string]string{
		"truncated in the base64": full[:strings.Index(full, "<ReportStream>")+20],
		"truncated after":         full[:len(full)-20],
		"html":                    "<html><body>Service Unavailable</body></html>",
		"not xml":                 "{\"oops\":1}",
		"no status":               `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body/></s:Envelope>`,
		"bad base64":              strings.Replace(full, "<ReportStream>", "<ReportStream>@@@@", 1),
	}
	for name, body := range cases {
		_, _, err := readAll(t, body, charsetWindows1252, HeadersRaw)
		var e *errs.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want a typed error", name, err)
		}
	}
}

func TestSOAPFaultClassified(t *testing.T) {
	body := `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>a:InvalidSecurity</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">An error occurred when verifying security for the message.</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`
	_, err := parseEnvelope([]byte(body))
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.CodeUnauthenticated || e.VendorCode != "InvalidSecurity" {
		t.Fatalf("got %#v", err)
	}
	if _, err := openReportStream(strings.NewReader(body)); !errors.As(err, &e) || e.Code != errs.CodeUnauthenticated {
		t.Fatalf("stream: got %v", err)
	}
}

func TestEnvelopesMatchTheWSDL(t *testing.T) {
	ctx := dataContext{ServiceID: "svc", ClientAccessKey: "B5JLX", Token: "tok", Status: "Ok", InstanceKey: "inst"}
	b, err := executeEnvelope(`storeID("i225")`, []reportParameter{{Name: "StartDate", Value: "2024-01-01"}}, ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Decode with the element names and namespaces the WSDL declares.
	var env struct {
		XMLName xml.Name `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
		Header  struct {
			Action string `xml:"http://www.w3.org/2005/08/addressing Action"`
		} `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
		Body struct {
			Exec struct {
				Path   string   `xml:"http://www.ultipro.com/dataservices/bidata/2 request>ReportPath"`
				Params []string `xml:"http://www.ultipro.com/dataservices/bidata/2 request>ReportParameters>ReportParameter>Name"`
				Token  string   `xml:"http://www.ultipro.com/dataservices/bidata/2 context>Token"`
			} `xml:"http://www.ultipro.com/dataservices/bidata/2 ExecuteReport"`
		} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
	}
	if err := xml.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	if env.Header.Action != "http://www.ultipro.com/dataservices/bidata/2/IBIDataService/ExecuteReport" ||
		env.Body.Exec.Path != `storeID("i225")` || env.Body.Exec.Token != "tok" || len(env.Body.Exec.Params) != 1 {
		t.Errorf("envelope %s decoded as %+v", b, env)
	}
	r, err := retrieveEnvelope("key-1")
	if err != nil || !strings.Contains(string(r), `<ReportKey xmlns="http://www.ultipro.com/dataservices/bistream/2">key-1</ReportKey>`) {
		t.Errorf("retrieve envelope %s %v", r, err)
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Counter\u00a0Quantity":  "Counter Quantity",
		" Cost Center Full Path": "Cost Center Full Path",
		"A \u00a0 B ":            "A B",
		"Plain":                  "Plain",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}
