package jsonpage

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// workdayPage is a Workday REST workers page ({"total","data"}) of n
// workers, shaped as Workday documents them: reference objects
// {id, descriptor, href}, dates, booleans.
func workdayPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"total":100000,"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"3aa5550b7fe348b98d7b5741afc6%04d","descriptor":"Logan McNeil %d","href":"https://wd2-impl-services1.workday.com/ccx/api/v1/acme/workers/3aa5550b7fe348b98d7b5741afc6%04d",`+
			`"primaryWorkEmail":"lmcneil%d@example.com","businessTitle":"VP, HR","isManager":%v,"hireDate":"2019-%02d-15","workerType":{"id":"9c1f","descriptor":"Employee"},`+
			`"primarySupervisoryOrganization":{"id":"a1b2c3","descriptor":"Human Resources","href":"https://wd2-impl-services1.workday.com/ccx/api/v1/acme/supervisoryOrganizations/a1b2c3"},`+
			`"primaryWorkPhone":"+1 925 555 %04d","lastModified":"2024-03-01T10:22:11.000-08:00","fte":1.0,"scheduledWeeklyHours":40}`,
			i, i, i, i, i%2 == 0, i%12+1, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

var workdaySpec = Spec{Product: "workday", Envelope: WorkdayREST, ShapeTimes: true, Fields: map[string]Type{
	"id": Text, "descriptor": Text, "href": Text, "primaryWorkEmail": Text, "businessTitle": Text, "isManager": Bool,
	"hireDate": Date, "primaryWorkPhone": Text, "lastModified": Time, "fte": Float, "scheduledWeeklyHours": Int,
}}

// BenchmarkWorkdayPage decodes one Workday REST page of 100 workers (the
// API's maximum page size): encoding/json into maps, as a hand-written
// client does (values left untyped), and the one-pass decoder building
// typed records.
func BenchmarkWorkdayPage(b *testing.B) {
	body := workdayPage(100)
	b.Run("encoding-json-maps", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var page struct {
				Total int              `json:"total"`
				Data  []map[string]any `json:"data"`
			}
			if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != 100 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("jsonpage", func(b *testing.B) {
		d := NewDecoder(workdaySpec)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			p, ok := d.OnePass(body)
			if !ok || len(p.Records) != 100 || p.Total != 100000 {
				b.Fatal("refused")
			}
		}
		b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkWorkdayPagePaired runs both decoders of BenchmarkWorkdayPage in
// every iteration (in turn first) and reports both rates and their ratio,
// so that a machine whose load drifts weighs on both alike.
func BenchmarkWorkdayPagePaired(b *testing.B) {
	body := workdayPage(100)
	d := NewDecoder(workdaySpec)
	var maps, one time.Duration
	viaMaps := func() {
		start := time.Now()
		var page struct {
			Total int              `json:"total"`
			Data  []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != 100 {
			b.Fatal(err)
		}
		maps += time.Since(start)
	}
	onePass := func() {
		start := time.Now()
		if p, ok := d.OnePass(body); !ok || len(p.Records) != 100 {
			b.Fatal("refused")
		}
		one += time.Since(start)
	}
	i := 0
	for b.Loop() {
		// Each goes first every other time, so that neither pays more
		// of the collections the other's garbage causes.
		if i++; i%2 == 0 {
			viaMaps()
			onePass()
		} else {
			onePass()
			viaMaps()
		}
	}
	b.ReportMetric(float64(100*b.N)/maps.Seconds(), "encoding-json-records/s")
	b.ReportMetric(float64(100*b.N)/one.Seconds(), "jsonpage-records/s")
	b.ReportMetric(maps.Seconds()/one.Seconds(), "x-encoding-json")
}
