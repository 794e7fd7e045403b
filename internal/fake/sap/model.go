package sap

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The fake's own description of its entity sets: the Edm type of every
// column (which decides how a value is written on the wire), the key, the
// navigation properties, and whether the set is effective dated. $metadata
// is written from it as SAP writes it; records are stored as Go values
// (string, int64, float64, bool, time.Time) and written in OData v2 JSON.

type column struct {
	Name, Type string
	// DateOnly marks an Edm.DateTime with sap:display-format="Date".
	DateOnly   bool
	Label      string
	Filterable bool
	// NotNull marks a property declared Nullable="false" (v4 service).
	NotNull bool
}

type navigation struct {
	Name   string
	Target string // entity set name
	ToMany bool
	// From and To are the joining columns: Target rows whose To equals this
	// row's From.
	From, To string
}

type set struct {
	Name      string
	Type      string // entity type name
	Label     string
	Key       []string
	Columns   []column
	Navs      []navigation
	Effective bool // startDate/endDate effective dating (asOfDate, fromDate/toDate)
	// Concurrency: the v4 set is annotated Core.OptimisticConcurrency, so a
	// change without If-Match is 428 Precondition Required.
	Concurrency bool
}

func (s *set) column(name string) (column, bool) {
	for _, c := range s.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return column{}, false
}

func col(name, typ, label string) column {
	return column{Name: name, Type: typ, Label: label, Filterable: true}
}

func date(name, label string) column {
	return column{Name: name, Type: "Edm.DateTime", DateOnly: true, Label: label, Filterable: true}
}

func unfilterable(c column) column { c.Filterable = false; return c }

// sfSets are SuccessFactors Employee Central entity sets with the
// properties the connector's tests and the vocabulary use (names as in
// SuccessFactors' OData dictionary).
func sfSets() []*set {
	lm := col("lastModifiedDateTime", "Edm.DateTimeOffset", "Last Modified On")
	return []*set{
		{Name: "User", Type: "User", Label: "User", Key: []string{"userId"}, Columns: []column{
			col("userId", "Edm.String", "User ID"), col("username", "Edm.String", "Username"),
			col("firstName", "Edm.String", "First Name"), col("lastName", "Edm.String", "Last Name"),
			col("defaultFullName", "Edm.String", "Full Name"), col("email", "Edm.String", "Email"),
			date("hireDate", "Hire Date"), col("status", "Edm.String", "Status"),
			col("title", "Edm.String", "Title"), col("department", "Edm.String", "Department"),
			col("division", "Edm.String", "Division"), col("location", "Edm.String", "Location"),
			unfilterable(col("custom01", "Edm.String", "Custom Field 1")), lm,
		}, Navs: []navigation{
			{Name: "empInfo", Target: "EmpEmployment", From: "userId", To: "userId"},
			{Name: "manager", Target: "User", From: "managerId", To: "userId"},
		}},
		{Name: "PerPerson", Type: "PerPerson", Label: "Person", Key: []string{"personIdExternal"}, Columns: []column{
			col("personIdExternal", "Edm.String", "Person ID External"), col("personId", "Edm.Int64", "Person ID"),
			date("dateOfBirth", "Date Of Birth"), col("countryOfBirth", "Edm.String", "Country Of Birth"), lm,
		}, Navs: []navigation{{Name: "personalInfoNav", Target: "PerPersonal", ToMany: true, From: "personIdExternal", To: "personIdExternal"}}},
		{Name: "PerPersonal", Type: "PerPersonal", Label: "Personal Information", Key: []string{"personIdExternal", "startDate"}, Effective: true, Columns: []column{
			col("personIdExternal", "Edm.String", "Person ID External"), date("startDate", "Start Date"), date("endDate", "End Date"),
			col("firstName", "Edm.String", "First Name"), col("lastName", "Edm.String", "Last Name"),
			col("gender", "Edm.String", "Gender"), lm,
		}},
		{Name: "EmpEmployment", Type: "EmpEmployment", Label: "Employment Details", Key: []string{"personIdExternal", "userId"}, Columns: []column{
			col("personIdExternal", "Edm.String", "Person ID External"), col("userId", "Edm.String", "User ID"),
			date("startDate", "Employment Start Date"), date("endDate", "Termination Date"),
			date("originalStartDate", "Original Start Date"), lm,
		}, Navs: []navigation{{Name: "jobInfoNav", Target: "EmpJob", ToMany: true, From: "userId", To: "userId"}}},
		{Name: "EmpJob", Type: "EmpJob", Label: "Job Information", Key: []string{"seqNumber", "startDate", "userId"}, Effective: true, Columns: []column{
			col("seqNumber", "Edm.Int64", "Event Sequence"), date("startDate", "Event Date"), col("userId", "Edm.String", "User ID"),
			date("endDate", "End Date"), col("jobTitle", "Edm.String", "Job Title"), col("jobCode", "Edm.String", "Job Classification"),
			col("department", "Edm.String", "Department"), col("division", "Edm.String", "Division"),
			col("location", "Edm.String", "Location"), col("company", "Edm.String", "Company"),
			col("costCenter", "Edm.String", "Cost Center"), col("managerId", "Edm.String", "Supervisor"),
			col("emplStatus", "Edm.String", "Employee Status"), col("employeeClass", "Edm.String", "Employee Class"),
			col("standardHours", "Edm.Decimal", "Standard Weekly Hours"), col("fte", "Edm.Double", "FTE"),
			col("isFulltimeEmployee", "Edm.Boolean", "Is Fulltime Employee"), lm,
		}},
		{Name: "FOCompany", Type: "FOCompany", Label: "Legal Entity", Key: []string{"externalCode", "startDate"}, Effective: true, Columns: []column{
			col("externalCode", "Edm.String", "Code"), date("startDate", "Start Date"), date("endDate", "End Date"),
			col("name", "Edm.String", "Name"), col("country", "Edm.String", "Country/Region"),
			col("currency", "Edm.String", "Currency"), col("status", "Edm.String", "Status"), lm,
		}},
		{Name: "FODepartment", Type: "FODepartment", Label: "Department", Key: []string{"externalCode", "startDate"}, Effective: true, Columns: []column{
			col("externalCode", "Edm.String", "Code"), date("startDate", "Start Date"), date("endDate", "End Date"),
			col("name", "Edm.String", "Name"), col("parent", "Edm.String", "Parent Department"),
			col("headOfUnit", "Edm.String", "Head of Unit"), col("costCenter", "Edm.String", "Cost Center"),
			col("status", "Edm.String", "Status"), lm,
		}},
	}
}

// s4Sets are entity sets of S/4HANA's API_BUSINESS_PARTNER service.
func s4Sets() []*set {
	return []*set{
		{Name: "A_BusinessPartner", Type: "A_BusinessPartnerType", Label: "Business Partner", Key: []string{"BusinessPartner"}, Columns: []column{
			col("BusinessPartner", "Edm.String", "Business Partner"), col("Customer", "Edm.String", "Customer"),
			col("Supplier", "Edm.String", "Supplier"), col("BusinessPartnerCategory", "Edm.String", "BP Category"),
			col("BusinessPartnerFullName", "Edm.String", "Business Partner Name"), col("BusinessPartnerGrouping", "Edm.String", "Grouping"),
			col("FirstName", "Edm.String", "First Name"), col("LastName", "Edm.String", "Last Name"),
			col("OrganizationBPName1", "Edm.String", "Name 1"), col("Industry", "Edm.String", "Industry"),
			col("BusinessPartnerIsBlocked", "Edm.Boolean", "Central Block"),
			col("BusinessPartnerUUID", "Edm.Guid", "BP GUID"),
			date("CreationDate", "Created On"), date("LastChangeDate", "Changed On"),
		}, Navs: []navigation{{Name: "to_BusinessPartnerAddress", Target: "A_BusinessPartnerAddress", ToMany: true, From: "BusinessPartner", To: "BusinessPartner"}}},
		{Name: "A_BusinessPartnerAddress", Type: "A_BusinessPartnerAddressType", Label: "BP Address", Key: []string{"BusinessPartner", "AddressID"}, Columns: []column{
			col("BusinessPartner", "Edm.String", "Business Partner"), col("AddressID", "Edm.String", "Address Number"),
			col("CityName", "Edm.String", "City"), col("Country", "Edm.String", "Country/Region Key"),
			col("PostalCode", "Edm.String", "Postal Code"), col("StreetName", "Edm.String", "Street"),
		}},
		{Name: "A_Customer", Type: "A_CustomerType", Label: "Customer", Key: []string{"Customer"}, Columns: []column{
			col("Customer", "Edm.String", "Customer"), col("CustomerName", "Edm.String", "Name of Customer"),
			col("Industry", "Edm.String", "Industry"), date("CreationDate", "Created On"),
			col("CreditLimitAmount", "Edm.Decimal", "Credit Limit"),
		}},
		{Name: "A_Supplier", Type: "A_SupplierType", Label: "Supplier", Key: []string{"Supplier"}, Columns: []column{
			col("Supplier", "Edm.String", "Supplier"), col("SupplierName", "Edm.String", "Name of Supplier"),
			col("TaxNumber1", "Edm.String", "Tax Number 1"), col("Country", "Edm.String", "Country/Region Key"),
			date("CreationDate", "Created On"),
		}},
	}
}

// metadataSF writes SuccessFactors' layout: the container in schema
// SFODataSet and the types in SFOData, sap: and sf: bound to
// SuccessFactors' namespaces, Documentation inside EntitySet (and, for the
// first property of each type, inside Property), labels as attributes.
func metadataSF(sets []*set) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8" standalone="yes"?>` + "\n")
	b.WriteString(`<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" xmlns:atom="http://www.w3.org/2005/Atom">`)
	b.WriteString(`<edmx:DataServices m:DataServiceVersion="2.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">`)
	ns := ` xmlns="http://schemas.microsoft.com/ado/2008/09/edm" xmlns:sf="http://www.successfactors.com/edm/sf" xmlns:sap="http://www.successfactors.com/edm/sap"`
	b.WriteString(`<Schema Namespace="SFODataSet"` + ns + `><EntityContainer Name="EntityContainer" m:IsDefaultEntityContainer="true">`)
	for _, s := range sets {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="SFOData.%s" sap:label="%s" sap:creatable="false" sap:updatable="false" sap:upsertable="true" sap:deletable="false">`, s.Name, s.Type, s.Label)
		fmt.Fprintf(&b, `<Documentation><Summary>%s</Summary><LongDescription>%s entity.</LongDescription><sap:tagcollection><sap:tag>Employee Central (EC)</sap:tag></sap:tagcollection></Documentation></EntitySet>`, s.Label, s.Label)
	}
	b.WriteString(`</EntityContainer></Schema>`)
	b.WriteString(`<Schema Namespace="SFOData"` + ns + `>`)
	for _, s := range sets {
		writeType(&b, s, "SFOData", true)
	}
	writeAssociations(&b, sets, "SFOData")
	b.WriteString(`</Schema></edmx:DataServices></edmx:Edmx>`)
	return b.String()
}

// metadataGateway writes SAP Gateway's layout: one schema named after the
// service, sap: in http://www.sap.com/Protocols/SAPData, and function
// imports in the container.
func metadataGateway(service string, sets []*set, funcs []funcImport) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	b.WriteString(`<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns:sap="http://www.sap.com/Protocols/SAPData">`)
	fmt.Fprintf(&b, `<edmx:DataServices m:DataServiceVersion="2.0"><Schema Namespace="%s" xml:lang="en" sap:schema-version="1" xmlns="http://schemas.microsoft.com/ado/2008/09/edm">`, service)
	for _, s := range sets {
		writeType(&b, s, service, false)
	}
	for _, f := range funcs {
		if f.Complex != "" {
			fmt.Fprintf(&b, `<ComplexType Name="%s">`, f.Complex)
			for _, p := range f.Fields {
				fmt.Fprintf(&b, `<Property Name="%s" Type="Edm.String"/>`, p)
			}
			b.WriteString(`</ComplexType>`)
		}
	}
	writeAssociations(&b, sets, service)
	fmt.Fprintf(&b, `<EntityContainer Name="%s_Entities" m:IsDefaultEntityContainer="true" sap:supported-formats="atom json xlsx">`, service)
	for _, s := range sets {
		fmt.Fprintf(&b, `<EntitySet Name="%s" EntityType="%s.%s" sap:content-version="1"/>`, s.Name, service, s.Type)
	}
	for _, f := range funcs {
		fmt.Fprintf(&b, `<FunctionImport Name="%s" ReturnType="%s.%s" m:HttpMethod="%s">`, f.Name, service, f.Complex, f.Method)
		for _, p := range f.Params {
			fmt.Fprintf(&b, `<Parameter Name="%s" Type="%s" Mode="In"/>`, p.Name, p.Type)
		}
		b.WriteString(`</FunctionImport>`)
	}
	b.WriteString(`</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`)
	return b.String()
}

func writeType(b *strings.Builder, s *set, ns string, sf bool) {
	fmt.Fprintf(b, `<EntityType Name="%s" sap:label="%s"><Key>`, s.Type, s.Label)
	for _, k := range s.Key {
		fmt.Fprintf(b, `<PropertyRef Name="%s"/>`, k)
	}
	b.WriteString(`</Key>`)
	for i, c := range s.Columns {
		nullable := "true"
		for _, k := range s.Key {
			if k == c.Name {
				nullable = "false"
			}
		}
		attrs := fmt.Sprintf(`Name="%s" Type="%s" Nullable="%s" sap:filterable="%t" sap:sortable="true"`, c.Name, c.Type, nullable, c.Filterable)
		if c.DateOnly {
			attrs += ` sap:display-format="Date"`
		}
		if sf && i == 0 {
			// SuccessFactors tenants put documentation and annotations
			// inside properties (pyodata#155).
			fmt.Fprintf(b, `<Property %s><Documentation><Summary>%s</Summary></Documentation><Annotation Term="sap:label" String="%s"/></Property>`, attrs, c.Label, c.Label)
			continue
		}
		fmt.Fprintf(b, `<Property %s sap:label="%s"/>`, attrs, c.Label)
	}
	for _, n := range s.Navs {
		fmt.Fprintf(b, `<NavigationProperty Name="%s" Relationship="%s.%s" FromRole="%s" ToRole="%s" sap:label="%s"/>`,
			n.Name, ns, assocName(s, n), s.Name, n.Name, n.Name)
	}
	b.WriteString(`</EntityType>`)
}

func assocName(s *set, n navigation) string { return s.Name + "_rel_" + n.Name }

func writeAssociations(b *strings.Builder, sets []*set, ns string) {
	types := map[string]string{}
	for _, s := range sets {
		types[s.Name] = s.Type
	}
	for _, s := range sets {
		for _, n := range s.Navs {
			mult := "0..1"
			if n.ToMany {
				mult = "*"
			}
			fmt.Fprintf(b, `<Association Name="%s"><End Type="%s.%s" Multiplicity="1" Role="%s"/><End Type="%s.%s" Multiplicity="%s" Role="%s"/></Association>`,
				assocName(s, n), ns, s.Type, s.Name, ns, types[n.Target], mult, n.Name)
		}
	}
}

// wireValue writes a stored value as OData v2 JSON does for its Edm type.
func wireValue(c column, v any, noOffset bool) any {
	if v == nil {
		return nil
	}
	switch c.Type {
	case "Edm.Int64", "Edm.Decimal":
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	case "Edm.Double":
		if x, ok := v.(float64); ok {
			// SuccessFactors writes Edm.Double as a string too.
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	case "Edm.DateTime":
		if t, ok := v.(time.Time); ok {
			return fmt.Sprintf("/Date(%d)/", t.UnixMilli())
		}
	case "Edm.DateTimeOffset":
		if t, ok := v.(time.Time); ok {
			if noOffset {
				return fmt.Sprintf("/Date(%d)/", t.UnixMilli())
			}
			return fmt.Sprintf("/Date(%d+0000)/", t.UnixMilli())
		}
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
