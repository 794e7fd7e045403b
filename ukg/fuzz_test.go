package ukg

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReportStream: no RetrieveReport body, however broken, panics the
// streaming decoder or the CSV reader.
func FuzzReportStream(f *testing.F) {
	f.Add([]byte(completedEnvelope([]byte("a,b\r\n1,2\r\n"))))
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><h:Status xmlns:h="http://www.ultipro.com/dataservices/bistream/2">Working</h:Status></s:Header><s:Body/></s:Envelope>`))
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code></s:Fault></s:Body></s:Envelope>`))
	f.Add([]byte("<html>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := openReportStream(bytes.NewReader(body))
		if err != nil || s.Report() == nil {
			return
		}
		cr, err := newCSVReader("ukg_pro", s.Report(), charsetWindows1252, HeadersNormalized)
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			if _, err := cr.Next(); err == io.EOF || err != nil {
				break
			}
		}
		_ = s.finish()
	})
}

// FuzzEnvelope: nor does a BI data service answer.
func FuzzEnvelope(f *testing.F) {
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><LogOnResponse xmlns="http://www.ultipro.com/dataservices/bidata/2"><LogOnResult><Token>t</Token><Status>Ok</Status></LogOnResult></LogOnResponse></s:Body></s:Envelope>`))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = parseEnvelope(body)
	})
}
