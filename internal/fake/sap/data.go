package sap

import (
	"fmt"
	"time"

	"github.com/xlr8/connectors/internal/fake/kit"
)

var (
	departments = []string{"ENG", "SALES", "FIN", "HR"}
	industries  = []string{"RETAIL", "MANUF", "BANK", "TRANS"}
)

// SeedWorkers fills User, EmpEmployment, EmpJob (two job records per user:
// a past one and the current one), PerPerson and PerPersonal with n
// workers, FOCompany and FODepartment with their organizations, and
// returns the User rows as stored.
func (s *Server) SeedWorkers(n int) []kit.Record {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	mod := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	today := s.Today()
	users := make([]kit.Record, n)
	var emps, jobs, people, personal []kit.Record
	for i := range n {
		id := fmt.Sprintf("u%05d", i+1)
		hire := base.AddDate(0, 0, i)
		dept := departments[i%len(departments)]
		status := "active"
		if i%10 == 9 {
			status = "inactive"
		}
		u := kit.Record{"userId": id, "username": "user" + id, "firstName": fmt.Sprintf("First%d", i+1), "lastName": fmt.Sprintf("Last%d", i+1),
			"defaultFullName": fmt.Sprintf("First%d Last%d", i+1, i+1), "email": id + "@acme.example", "hireDate": hire,
			"status": status, "title": "Engineer", "department": dept, "division": "CORP", "location": "Walldorf",
			"lastModifiedDateTime": mod.Add(time.Duration(i) * time.Minute)}
		if i > 0 {
			u["managerId"] = "u00001"
		}
		users[i] = u
		person := "p" + id[1:]
		emps = append(emps, kit.Record{"personIdExternal": person, "userId": id, "startDate": hire, "originalStartDate": hire,
			"lastModifiedDateTime": u["lastModifiedDateTime"]})
		people = append(people, kit.Record{"personIdExternal": person, "personId": int64(100000 + i), "dateOfBirth": base.AddDate(-30, 0, i),
			"countryOfBirth": "DEU", "lastModifiedDateTime": u["lastModifiedDateTime"]})
		personal = append(personal, kit.Record{"personIdExternal": person, "startDate": hire, "endDate": far,
			"firstName": u["firstName"], "lastName": u["lastName"], "gender": "U", "lastModifiedDateTime": u["lastModifiedDateTime"]})
		change := today.AddDate(0, -1, 0)
		jobs = append(jobs,
			kit.Record{"seqNumber": int64(1), "startDate": hire, "endDate": change.AddDate(0, 0, -1), "userId": id, "jobTitle": "Junior Engineer",
				"jobCode": "ENG1", "department": dept, "division": "CORP", "location": "Walldorf", "company": "ACME_DE", "costCenter": "CC-" + dept,
				"managerId": "u00001", "emplStatus": "A", "employeeClass": "FT", "standardHours": 40.0, "fte": 1.0, "isFulltimeEmployee": true,
				"lastModifiedDateTime": mod},
			kit.Record{"seqNumber": int64(2), "startDate": change, "endDate": far, "userId": id, "jobTitle": "Engineer",
				"jobCode": "ENG2", "department": dept, "division": "CORP", "location": "Walldorf", "company": "ACME_DE", "costCenter": "CC-" + dept,
				"managerId": "u00001", "emplStatus": "A", "employeeClass": "FT", "standardHours": 37.5, "fte": 0.9375, "isFulltimeEmployee": true,
				"lastModifiedDateTime": mod.Add(time.Duration(i) * time.Minute)})
	}
	s.Store.Table("User").Seed(users)
	s.Store.Table("EmpEmployment").Seed(emps)
	s.Store.Table("EmpJob").Seed(jobs)
	s.Store.Table("PerPerson").Seed(people)
	s.Store.Table("PerPersonal").Seed(personal)
	s.Store.Table("FOCompany").Seed([]kit.Record{{"externalCode": "ACME_DE", "startDate": base.AddDate(-10, 0, 0), "endDate": far,
		"name": "ACME Germany", "country": "DEU", "currency": "EUR", "status": "A", "lastModifiedDateTime": mod}})
	var depts []kit.Record
	for _, d := range departments {
		depts = append(depts, kit.Record{"externalCode": d, "startDate": base.AddDate(-10, 0, 0), "endDate": far, "name": d + " Department",
			"parent": "ROOT", "headOfUnit": "u00001", "costCenter": "CC-" + d, "status": "A", "lastModifiedDateTime": mod})
	}
	s.Store.Table("FODepartment").Seed(depts)
	return users
}

// SeedPartners fills A_BusinessPartner with n partners (and an address
// each), A_Customer and A_Supplier, and returns the partners as stored.
func (s *Server) SeedPartners(n int) []kit.Record {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	bps := make([]kit.Record, n)
	var addrs, customers, suppliers []kit.Record
	for i := range n {
		id := fmt.Sprintf("%d", 1000000+i+1)
		person := i%3 == 0
		name := fmt.Sprintf("Company %02d GmbH", i+1)
		if person {
			name = fmt.Sprintf("Person %02d", i+1)
		}
		bps[i] = kit.Record{"BusinessPartner": id, "Customer": id, "Supplier": "", "BusinessPartnerCategory": map[bool]string{true: "1", false: "2"}[person],
			"BusinessPartnerFullName": name, "BusinessPartnerGrouping": "BP02", "FirstName": "", "LastName": "", "OrganizationBPName1": name,
			"Industry": industries[i%len(industries)], "BusinessPartnerIsBlocked": i%7 == 6,
			"BusinessPartnerUUID": fmt.Sprintf("fa163e2c-1b2a-1ee9-%04x-%012x", i, i+1),
			"CreationDate":        base.AddDate(0, 0, i), "LastChangeDateTime": base.AddDate(4, 0, i).Add(90 * time.Minute)}
		addrs = append(addrs, kit.Record{"BusinessPartner": id, "AddressID": fmt.Sprint(20000 + i), "CityName": "Walldorf", "Country": "DE",
			"PostalCode": "69190", "StreetName": fmt.Sprintf("Dietmar-Hopp-Allee %d", i+1)})
		customers = append(customers, kit.Record{"Customer": id, "CustomerName": name, "Industry": bps[i]["Industry"],
			"CreationDate": base.AddDate(0, 0, i), "CreditLimitAmount": float64(10000+i*250) + 0.5})
		if i%5 == 4 {
			bps[i]["Supplier"] = id
			suppliers = append(suppliers, kit.Record{"Supplier": id, "SupplierName": name, "TaxNumber1": fmt.Sprintf("DE%09d", i), "Country": "DE",
				"CreationDate": base.AddDate(0, 0, i)})
		}
	}
	s.Store.Table("A_BusinessPartner").Seed(bps)
	s.Store.Table("A_BusinessPartnerAddress").Seed(addrs)
	s.Store.Table("A_Customer").Seed(customers)
	s.Store.Table("A_Supplier").Seed(suppliers)
	return bps
}
