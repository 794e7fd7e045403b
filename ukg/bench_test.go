package ukg_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/time/rate"

	connectors "github.com/xlr8/connectors"
	fakeukg "github.com/xlr8/connectors/internal/fake/ukg"
	"github.com/xlr8/connectors/ukg"
)

const (
	benchRESTRecords = 2000
	benchRESTPage    = 200
	benchReportRows  = 5000
	benchReportPath  = "/content/report[@name='Bench']"
)

func benchFake(b *testing.B, page int) *fakeukg.Server {
	b.Helper()
	srv := fakeukg.New(fakeukg.Config{PageSize: page})
	b.Cleanup(srv.Close)
	return srv
}

func benchOpen(b *testing.B, srv *fakeukg.Server) connectors.Connector {
	b.Helper()
	c, err := ukg.NewPro(b.Context(), proCred(srv), connectors.WithHTTPClient(srv.Client()), ukg.WithPageSize(srv.Config().PageSize),
		connectors.WithRateLimiter(rate.NewLimiter(rate.Inf, 0)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// BenchmarkProRESTStream reads person-details (2000 records, pages of 200)
// through the connector and through the loop a user would write by hand.
func BenchmarkProRESTStream(b *testing.B) {
	srv := benchFake(b, benchRESTPage)
	srv.SeedPro("person-details", benchRESTRecords)
	cfg := srv.Config()
	b.Run("connector", func(b *testing.B) {
		c := benchOpen(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			n, err := connectors.Count(c.Get(b.Context(), connectors.Query{Entity: "person-details"}))
			if err != nil || n != benchRESTRecords {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("handloop", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for page := 1; ; page++ {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet,
					srv.URL+"/personnel/v1/person-details?page="+strconv.Itoa(page)+"&per_Page="+strconv.Itoa(benchRESTPage), nil)
				req.SetBasicAuth(cfg.ProUser, cfg.ProPassword)
				req.Header.Set("US-Customer-Api-Key", cfg.CustomerAPIKey)
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var recs []map[string]any
				err = json.NewDecoder(resp.Body).Decode(&recs)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				n += len(recs)
				if len(recs) < benchRESTPage {
					break
				}
			}
			if n != benchRESTRecords {
				b.Fatal(n)
			}
		}
	})
}

// BenchmarkRaaSReport runs a 5000-row RaaS report through the connector
// (streamed, spooled, paged) and through a hand-written SOAP loop that
// buffers the envelope, decodes the base64 and reads the CSV at once.
func BenchmarkRaaSReport(b *testing.B) {
	srv := benchFake(b, 500)
	rep := fakeukg.Report{Name: "Bench", Path: benchReportPath, Header: []string{"Employee Name", "Employee Number", "Location", "Job"}}
	for i := range benchReportRows {
		rep.Rows = append(rep.Rows, []string{fmt.Sprintf("Müller, José %d", i), fmt.Sprintf("%09d", i), "GA - Atlanta", "Accountant"})
	}
	srv.SetReport(rep)
	b.Run("connector", func(b *testing.B) {
		c := benchOpen(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			n, err := connectors.Count(c.Query(b.Context(), benchReportPath))
			if err != nil || n != benchReportRows {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("handloop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n := handRaaS(b, srv); n != benchReportRows {
				b.Fatal(n)
			}
		}
	})
}

// handRaaS is the RaaS client a user would write with string templates.
func handRaaS(b *testing.B, srv *fakeukg.Server) int {
	cfg := srv.Config()
	post := func(url, body string, csvOut bool) []byte {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/soap+xml; charset=utf-8")
		if csvOut {
			req.Header.Set("US-DELIMITER", ",")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	env := func(action, header, body string) string {
		return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>` +
			action + `</a:Action>` + header + `</s:Header><s:Body>` + body + `</s:Body></s:Envelope>`
	}
	const ns = "http://www.ultipro.com/dataservices/bidata/2"
	logon := post(srv.URL+"/services/BIDataService", env(ns+"/IBIDataService/LogOn", "", `<LogOn xmlns="`+ns+`"><logOnRequest><UserName>`+cfg.ProUser+
		`</UserName><Password>`+cfg.ProPassword+`</Password><ClientAccessKey>`+cfg.CustomerAPIKey+`</ClientAccessKey><UserAccessKey>`+cfg.UserAPIKey+
		`</UserAccessKey></logOnRequest></LogOn>`), false)
	var lr struct {
		Raw struct {
			Inner string `xml:",innerxml"`
		} `xml:"Body>LogOnResponse>LogOnResult"`
	}
	if err := xml.Unmarshal(logon, &lr); err != nil {
		b.Fatal(err)
	}
	ctxXML := "<context>" + lr.Raw.Inner + "</context>"
	exec := post(srv.URL+"/services/BIDataService", env(ns+"/IBIDataService/ExecuteReport", "", `<ExecuteReport xmlns="`+ns+`"><request><ReportPath>`+
		benchReportPath+`</ReportPath></request>`+ctxXML+`</ExecuteReport>`), true)
	var er struct {
		Key string `xml:"Body>ExecuteReportResponse>ExecuteReportResult>ReportKey"`
		URI string `xml:"Body>ExecuteReportResponse>ExecuteReportResult>ReportRetrievalUri"`
	}
	if err := xml.Unmarshal(exec, &er); err != nil {
		b.Fatal(err)
	}
	const sns = "http://www.ultipro.com/dataservices/bistream/2"
	ret := post(er.URI, env(sns+"/IBIStreamService/RetrieveReport", `<h:ReportKey xmlns:h="`+sns+`">`+er.Key+`</h:ReportKey>`, ""), false)
	var rr struct {
		Status string `xml:"Header>Status"`
		Data   string `xml:"Body>StreamReportResponse>ReportStream"`
	}
	if err := xml.Unmarshal(ret, &rr); err != nil || rr.Status != "Completed" {
		b.Fatal(rr.Status, err)
	}
	raw, err := base64.StdEncoding.DecodeString(rr.Data)
	if err != nil {
		b.Fatal(err)
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, row := range rows[1:] {
		rec := make(map[string]any, len(row))
		for i, v := range row {
			rec[rows[0][i]] = v
		}
		n++
	}
	post(srv.URL+"/services/BIDataService", env(ns+"/IBIDataService/LogOff", "", `<LogOff xmlns="`+ns+`">`+ctxXML+`</LogOff>`), false)
	return n
}
