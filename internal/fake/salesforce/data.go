package salesforce

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// Field describes one sObject field as the describe call reports it.
type Field struct {
	Name       string `json:"name"`
	Type       string `json:"type"` // id, string, textarea, picklist, reference, url, phone, email, boolean, int, double, currency, percent, date, datetime
	Label      string `json:"label"`
	Nillable   bool   `json:"nillable"`
	Filterable bool   `json:"filterable"`
	Sortable   bool   `json:"sortable"`
	Length     int    `json:"length"`
	SoapType   string `json:"soapType"`
}

// record holds typed values: string, float64, bool, time.Time (datetime),
// soqlDate (date), nil.
type record = kit.Record

type object struct {
	name      string
	label     string
	keyPrefix string
	fields    []Field
	byLower   map[string]string // lower-case name -> name
	types     map[string]string // name -> type
	data      *kit.Table        // soft-deleted rows (IsDeleted) are seen by queryAll only
	nextID    int
}

func newObject(store *kit.Store, name, label, prefix string, fields []Field) *object {
	o := &object{name: name, label: label, keyPrefix: prefix, fields: fields, byLower: map[string]string{},
		types: map[string]string{}, data: store.Table(name)}
	for i := range fields {
		f := &fields[i]
		if f.Label == "" {
			f.Label = f.Name
		}
		if f.SoapType == "" {
			f.SoapType = soapType(f.Type)
		}
		o.byLower[strings.ToLower(f.Name)] = f.Name
		o.types[f.Name] = f.Type
	}
	return o
}

func soapType(t string) string {
	switch t {
	case "id", "reference":
		return "tns:ID"
	case "boolean":
		return "xsd:boolean"
	case "int":
		return "xsd:int"
	case "double", "currency", "percent":
		return "xsd:double"
	case "date":
		return "xsd:date"
	case "datetime":
		return "xsd:dateTime"
	}
	return "xsd:string"
}

// id builds an 18-character record id whose order follows i.
func (o *object) id(i int) string { return fmt.Sprintf("%s%012dAAA", o.keyPrefix, i) }

func (o *object) resolve(field string) (string, bool) {
	n, ok := o.byLower[strings.ToLower(field)]
	return n, ok
}

func f(name, typ string, nillable bool) Field {
	length := 0
	switch typ {
	case "id", "reference":
		length = 18
	case "string", "picklist", "phone", "url", "email":
		length = 255
	case "textarea":
		length = 32000
	}
	filterable := typ != "textarea"
	return Field{Name: name, Type: typ, Nillable: nillable, Filterable: filterable, Sortable: filterable, Length: length}
}

var industries = []string{"Energy", "Banking", "Retail", "Technology", "Healthcare"}

// standardObjects returns the fake org's objects: Account (20 fields, as the
// benchmarks ask), Contact, Opportunity and User.
func standardObjects(store *kit.Store) map[string]*object {
	objs := map[string]*object{}
	add := func(o *object) { objs[o.name] = o }
	add(newObject(store, "Account", "Account", "001", []Field{
		f("Id", "id", false), f("IsDeleted", "boolean", false), f("Name", "string", false), f("Type", "picklist", true),
		f("Industry", "picklist", true), f("AnnualRevenue", "currency", true), f("NumberOfEmployees", "int", true),
		f("Rating", "picklist", true), f("Phone", "phone", true), f("Website", "url", true), f("BillingStreet", "textarea", true),
		f("BillingCity", "string", true), f("BillingState", "string", true), f("BillingPostalCode", "string", true),
		f("BillingCountry", "string", true), f("OwnerId", "reference", false), f("Description", "textarea", true),
		f("CreatedDate", "datetime", false), f("LastModifiedDate", "datetime", false), f("SystemModstamp", "datetime", false),
	}))
	add(newObject(store, "Contact", "Contact", "003", []Field{
		f("Id", "id", false), f("IsDeleted", "boolean", false), f("AccountId", "reference", true), f("FirstName", "string", true),
		f("LastName", "string", false), f("Email", "email", true), f("Title", "string", true), f("Department", "string", true),
		f("Birthdate", "date", true), f("CreatedDate", "datetime", false), f("SystemModstamp", "datetime", false),
	}))
	add(newObject(store, "Opportunity", "Opportunity", "006", []Field{
		f("Id", "id", false), f("IsDeleted", "boolean", false), f("AccountId", "reference", true), f("Name", "string", false),
		f("StageName", "picklist", false), f("Amount", "currency", true), f("Probability", "percent", true),
		f("CloseDate", "date", false), f("IsClosed", "boolean", false), f("IsWon", "boolean", false),
		f("CreatedDate", "datetime", false), f("SystemModstamp", "datetime", false),
	}))
	add(newObject(store, "User", "User", "005", []Field{
		f("Id", "id", false), f("Username", "string", false), f("FirstName", "string", true), f("LastName", "string", false),
		f("Email", "email", false), f("IsActive", "boolean", false), f("Title", "string", true), f("Department", "string", true),
		f("ManagerId", "reference", true), f("SystemModstamp", "datetime", false),
	}))
	return objs
}

var baseTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// AccountRecord returns the i-th generated Account, deterministically.
func (s *Server) accountRecord(o *object, i int) record {
	ts := baseTime.Add(time.Duration(i) * time.Minute)
	r := record{
		"Id": o.id(i), "IsDeleted": false, "Name": "Account " + strconv.Itoa(i), "Type": "Customer - Direct",
		"Industry": industries[i%len(industries)], "AnnualRevenue": float64(1000 * (i%997 + 1)), "NumberOfEmployees": float64(i%500 + 1),
		"Rating": "Warm", "Phone": "+1-555-" + fmt.Sprintf("%04d", i%10000), "Website": "https://acct" + strconv.Itoa(i) + ".example.com",
		"BillingStreet": strconv.Itoa(i) + " Main St\nSuite " + strconv.Itoa(i%50), "BillingCity": "San Francisco", "BillingState": "CA",
		"BillingPostalCode": "94102", "BillingCountry": "USA", "OwnerId": "005000000000001AAA",
		"Description": `An "important" account, with commas`, "CreatedDate": ts, "LastModifiedDate": ts, "SystemModstamp": ts,
	}
	if i%7 == 0 {
		r["Website"] = nil
	}
	return r
}
