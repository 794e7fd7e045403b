package jsonpage_test

import (
	"fmt"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/jsonpage"
)

func show(p jsonpage.Page, err error, fields ...string) {
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, r := range p.Records {
		for i, f := range fields {
			if i > 0 {
				fmt.Print(" ")
			}
			fmt.Printf("%s=%v (%T)", f, r[f], r[f])
		}
		fmt.Println()
	}
}

func ExampleDecoder_salesforceREST() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "salesforce", Envelope: jsonpage.SalesforceREST,
		Fields: map[string]jsonpage.Type{"Id": jsonpage.Text, "NumberOfEmployees": jsonpage.Int, "CreatedDate": jsonpage.Time},
		Drop:   []string{"attributes"}, Unwrap: "records", ShapeTimes: true})
	p, err := dec.Decode([]byte(`{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g-2000",
		"records":[{"attributes":{"type":"Account","url":"/x"},"Id":"001A","NumberOfEmployees":40,
		"CreatedDate":"2024-03-01T10:22:11.000+0000",
		"Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact"},"LastName":"Ng"}]}}]}`))
	show(p, err, "Id", "NumberOfEmployees", "CreatedDate", "Contacts")
	fmt.Println(p.Total, p.Done, p.Next)
	// Output:
	// Id=001A (string) NumberOfEmployees=40 (int64) CreatedDate=2024-03-01 10:22:11 +0000 UTC (time.Time) Contacts=[map[LastName:Ng]] ([]interface {})
	// 3 false /services/data/v62.0/query/01g-2000
}

func ExampleDecoder_workdayREST() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "workday", Envelope: jsonpage.WorkdayREST,
		Fields: map[string]jsonpage.Type{"hireDate": jsonpage.Date, "isManager": jsonpage.Bool}})
	p, err := dec.Decode([]byte(`{"total":2345,"data":[{"id":"3aa5","descriptor":"Logan McNeil","isManager":true,
		"hireDate":"2019-04-15","primarySupervisoryOrganization":{"id":"o1","descriptor":"Human Resources"}}]}`))
	show(p, err, "descriptor", "hireDate", "primarySupervisoryOrganization")
	fmt.Println(p.Total, p.Has(jsonpage.FieldNext))
	// Output:
	// descriptor=Logan McNeil (string) hireDate=2019-04-15 (connectors.Date) primarySupervisoryOrganization=map[descriptor:Human Resources id:o1] (map[string]interface {})
	// 2345 false
}

func ExampleDecoder_oracle() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "oracle", Envelope: jsonpage.Oracle, Drop: []string{"links"}, Unwrap: "items",
		Fields: map[string]jsonpage.Type{"PersonId": jsonpage.Int, "LastUpdateDate": jsonpage.Time}})
	p, err := dec.Decode([]byte(`{"items":[{"PersonId":300000047382951,"LastUpdateDate":"2024-01-02T03:04:05+00:00",
		"names":{"items":[{"LastName":"Khan","links":[]}],"count":1,"hasMore":false},"links":[{"rel":"self","href":"x"}]}],
		"count":1,"hasMore":true,"limit":25,"offset":0,"links":[{"rel":"self"}]}`))
	show(p, err, "PersonId", "LastUpdateDate", "names")
	fmt.Println(p.Count, p.More, p.Limit, p.Offset)
	// Output:
	// PersonId=300000047382951 (int64) LastUpdateDate=2024-01-02 03:04:05 +0000 UTC (time.Time) names=[map[LastName:Khan]] ([]interface {})
	// 1 true 25 0
}

func ExampleDecoder_oDataV2() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "sap", Envelope: jsonpage.ODataV2,
		Drop: []string{"__metadata", "__deferred"}, DropEmptied: true, Unwrap: "results", StringNumbers: true, SAPDates: true,
		Fields: map[string]jsonpage.Type{"seqNumber": jsonpage.Int, "startDate": jsonpage.Date, "lastModifiedDateTime": jsonpage.Time}})
	p, err := dec.Decode([]byte(`{"d":{"results":[{"__metadata":{"uri":"https://api/odata/v2/EmpJob(1)","type":"SFOData.EmpJob"},
		"userId":"1001","seqNumber":"1","startDate":"/Date(1577836800000)/","lastModifiedDateTime":"/Date(1659430517461+0060)/",
		"managerUserNav":{"__deferred":{"uri":"https://api/odata/v2/EmpJob(1)/managerUserNav"}}}],
		"__count":"12","__next":"https://api/odata/v2/EmpJob?$skiptoken=abc"}}`))
	show(p, err, "seqNumber", "startDate", "lastModifiedDateTime")
	_, deferred := p.Records[0]["managerUserNav"]
	fmt.Println(p.Total, p.Next, deferred)
	// Output:
	// seqNumber=1 (int64) startDate=2020-01-01 (connectors.Date) lastModifiedDateTime=2022-08-02 08:55:17.461 +0000 UTC (time.Time)
	// 12 https://api/odata/v2/EmpJob?$skiptoken=abc false
}

func ExampleDecoder_oDataV4() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "sap", Envelope: jsonpage.ODataV4, Drop: []string{"@odata.etag"}, StringNumbers: true,
		Fields: map[string]jsonpage.Type{"Amount": jsonpage.Float, "CreationDateTime": jsonpage.Time}})
	p, err := dec.Decode([]byte(`{"@odata.context":"$metadata#A_Invoice","@odata.count":40,"@odata.nextLink":"A_Invoice?$skiptoken=2",
		"value":[{"@odata.etag":"W/\"1\"","Invoice":"9001","Amount":"200.20","CreationDateTime":"2024-01-02T03:04:05Z"}]}`))
	show(p, err, "Invoice", "Amount", "CreationDateTime")
	fmt.Println(p.Total, p.Next)
	// Output:
	// Invoice=9001 (string) Amount=200.2 (float64) CreationDateTime=2024-01-02 03:04:05 +0000 UTC (time.Time)
	// 40 A_Invoice?$skiptoken=2
}

func ExampleDecoder_bare() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "ukg_pro", Envelope: jsonpage.Bare,
		Fields: map[string]jsonpage.Type{"originalHireDate": jsonpage.Time}})
	p, err := dec.Decode([]byte(`[{"employeeId":"E1","originalHireDate":"2019-04-15T00:00:00Z"},{"employeeId":"E2","originalHireDate":null}]`))
	show(p, err, "employeeId", "originalHireDate")
	// Output:
	// employeeId=E1 (string) originalHireDate=2019-04-15 00:00:00 +0000 UTC (time.Time)
	// employeeId=E2 (string) originalHireDate=<nil> (<nil>)
}

func ExampleKeyed() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "workday", Envelope: jsonpage.Keyed("Report_Entry")})
	p, err := dec.Decode([]byte(`{"Report_Entry":[{"Employee_ID":"21001","Worker":"Logan McNeil"}]}`))
	show(p, err, "Employee_ID", "Worker")
	// Output:
	// Employee_ID=21001 (string) Worker=Logan McNeil (string)
}

// Input the one-pass decoder does not take goes to the reference, which
// gives transport's typed error for a body that is not JSON.
func ExampleDecoder_DecodeResponse_html() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "oracle", Envelope: jsonpage.Oracle})
	_, err := dec.Decode([]byte(`<!DOCTYPE html><html><body>Service Unavailable</body></html>`))
	fmt.Println(err)
	// Output:
	// oracle: INTERNAL: response is an HTML page, not JSON ("Service Unavailable")
}

// A report too large to buffer is decoded as it is read.
func ExampleDecoder_Stream() {
	dec := jsonpage.NewDecoder(jsonpage.Spec{Product: "workday", Envelope: jsonpage.Keyed("Report_Entry"),
		Fields: map[string]jsonpage.Type{"Hire_Date": jsonpage.Date}})
	body := strings.NewReader(`{"Report_Entry":[{"Employee_ID":"21001","Hire_Date":"2019-04-15"},{"Employee_ID":"21002","Hire_Date":"2020-01-06"}]}`)
	_, err := dec.Stream(body, "report Headcount", func(r connectors.Record) bool {
		fmt.Println(r["Employee_ID"], r["Hire_Date"])
		return true
	})
	fmt.Println(err)
	// Output:
	// 21001 2019-04-15
	// 21002 2020-01-06
	// <nil>
}
