package translate_test

import (
	"fmt"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

func ExampleParse() {
	q, err := translate.Parse("SELECT employee_id, hire_date FROM worker WHERE department = 'Engineering' AND hire_date >= DATE '2024-01-01' ORDER BY hire_date DESC LIMIT 50")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Entity, q.Fields, q.Limit)
	fmt.Println(q.Where)
	fmt.Println(translate.Format(q))
	// Output:
	// worker [employee_id hire_date] 50
	// department = 'Engineering' AND hire_date >= DATE '2024-01-01'
	// SELECT employee_id, hire_date FROM worker WHERE department = 'Engineering' AND hire_date >= DATE '2024-01-01' ORDER BY hire_date DESC LIMIT 50
}

func ExampleCompileSOQL() {
	q := connectors.Query{Entity: "Contact", Fields: []string{"Id", "Name"},
		Where: connectors.And{connectors.Eq("LastName", "O'Brien"),
			connectors.Gt("LastModifiedDate", time.Date(2024, 3, 1, 10, 0, 0, 500_000_000, time.UTC))}, Limit: 10}
	s, err := translate.CompileSOQL(q)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Query)
	fmt.Println("residual:", s.Residual, "extra:", s.Extra)
	rec := connectors.Record{"Id": "003", "Name": "Pat", "LastName": "O'Brien", "LastModifiedDate": "2024-03-01T10:00:01.000+0000"}
	fmt.Println(translate.Match(s.Residual, rec))
	// Output:
	// SELECT Id, Name, LastModifiedDate FROM Contact WHERE LastName = 'O\'Brien'
	// residual: LastModifiedDate > TIMESTAMP '2024-03-01T10:00:00.5Z' extra: [LastModifiedDate]
	// true
}

func ExampleTranslate() {
	out, err := translate.Translate("SELECT employee_id, email FROM staff WHERE status = 'ACTIVE' LIMIT 10", "canonical", "salesforce")
	fmt.Println(out, err)
	_, err = translate.Translate("SELECT Id FROM Contact", "salesforce", "sap_sf")
	fmt.Println(err)
	// Output:
	// SELECT EmployeeNumber, Email FROM User WHERE IsActive = true LIMIT 10 <nil>
	// UNSUPPORTED: sap_sf holds no contact (the canonical entity "contact" is mapped for: salesforce)
}

func ExampleCompileOData() {
	q := connectors.Query{Entity: "EmpJob", Fields: []string{"userId", "startDate"},
		Where: connectors.And{connectors.In("userId", "1001", "1002"), connectors.Ge("startDate", connectors.Date{Year: 2024, Month: 1, Day: 1})}}
	o, _ := translate.CompileOData(q, translate.SuccessFactors)
	fmt.Println(o.Filter)
	fmt.Println(o.Path())
	// Output:
	// userId in '1001','1002' and startDate ge datetime'2024-01-01T00:00:00'
	// EmpJob?$filter=userId%20in%20'1001','1002'%20and%20startDate%20ge%20datetime'2024-01-01T00:00:00'&$select=userId,startDate
}
