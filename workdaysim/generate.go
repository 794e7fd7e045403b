package workdaysim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// GenerateOptions shapes a generated organisation.
type GenerateOptions struct {
	// MinSpan and MaxSpan bound a manager's direct reports (default 3 and
	// 8): the depth follows from them and the size.
	MinSpan, MaxSpan int
	// Today anchors hire dates, request dates and pay statements (default
	// DefaultStart's date).
	Today Date
}

var (
	genDepartments = []struct{ id, name, head string }{
		{"DEPT-ENG", "Engineering", "VP of Engineering"}, {"DEPT-SALES", "Sales", "VP of Sales"},
		{"DEPT-MKT", "Marketing", "VP of Marketing"}, {"DEPT-FIN", "Finance", "Chief Financial Officer"},
		{"DEPT-HR", "People", "VP of People"}, {"DEPT-OPS", "Operations", "VP of Operations"},
		{"DEPT-SUP", "Customer Support", "VP of Support"}, {"DEPT-PRD", "Product", "VP of Product"},
	}
	genTitles = map[string][]string{
		"DEPT-ENG":   {"Software Engineer", "Senior Engineer", "Staff Engineer", "QA Engineer", "Site Reliability Engineer"},
		"DEPT-SALES": {"Account Executive", "Sales Development Rep", "Solutions Engineer", "Account Manager"},
		"DEPT-MKT":   {"Marketing Manager", "Content Strategist", "Growth Analyst", "Designer"},
		"DEPT-FIN":   {"Accountant", "Financial Analyst", "Payroll Specialist", "Controller"},
		"DEPT-HR":    {"HR Business Partner", "Recruiter", "People Operations Specialist"},
		"DEPT-OPS":   {"Operations Analyst", "Facilities Coordinator", "IT Specialist"},
		"DEPT-SUP":   {"Support Engineer", "Customer Success Manager", "Support Specialist"},
		"DEPT-PRD":   {"Product Manager", "Senior Product Manager", "Product Designer", "UX Researcher"},
	}
	genFirst = []string{"Ava", "Ben", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hugo", "Isla", "Jack", "Kira", "Leo",
		"Maya", "Nate", "Olivia", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Xena", "Yusuf", "Zoe"}
	genLast = []string{"Anderson", "Baker", "Carter", "Diaz", "Evans", "Foster", "Gupta", "Hughes", "Ito", "Jensen", "Khan",
		"Lopez", "Murphy", "Nguyen", "Okafor", "Park", "Quispe", "Reyes", "Singh", "Tanaka", "Usman", "Varga", "Wong", "Young"}
	genLocations = []struct{ city, state, postal string }{
		{"San Francisco", "CA", "94105"}, {"New York", "NY", "10001"}, {"Austin", "TX", "78701"},
		{"Chicago", "IL", "60601"}, {"Seattle", "WA", "98101"}, {"Remote", "CO", "80202"},
	}
)

// Generate builds a realistic synthetic organisation of n employees (n >=
// 1) from a seed (the same seed, the same organisation): a CEO, a VP per
// department below, then managers and individual contributors with spans
// of control between MinSpan and MaxSpan, breadth first (with a chief of
// staff and an executive assistant beside the VPs), so the depth grows
// with log(n). Everyone has compensation by level, PTO and sick balances,
// and some have approved or pending time off requests whose hours agree
// with the balances. Ids are EMP00001 ... (at least five digits).
func Generate(n int, seed uint64, opts ...GenerateOptions) *Fixtures {
	var o GenerateOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MinSpan <= 0 {
		o.MinSpan = 3
	}
	if o.MaxSpan < o.MinSpan {
		o.MaxSpan = max(8, o.MinSpan)
	}
	if o.Today.IsZero() {
		o.Today = Date{Year: DefaultStart.Year(), Month: DefaultStart.Month(), Day: DefaultStart.Day()}
	}
	if n < 1 {
		n = 1
	}
	rng := rand.New(rand.NewPCG(seed, seed*0x2545f4914f6cdd1d+1))
	width := max(5, len(fmt.Sprint(n)))
	id := func(i int) string { return fmt.Sprintf("EMP%0*d", width, i+1) }
	f := &Fixtures{Organizations: []OrganizationRecord{{OrganizationID: "DEPT-EXEC", Name: "Executive", HeadID: id(0)}}}

	type slot struct {
		idx, level int
		dept       int // index in genDepartments, -1 for the CEO
	}
	f.Employees = make([]EmployeeRecord, 0, n)
	add := func(level, dept int, manager string, title string) slot {
		i := len(f.Employees)
		first, last := genFirst[rng.IntN(len(genFirst))], genLast[rng.IntN(len(genLast))]
		loc := genLocations[rng.IntN(len(genLocations))]
		deptID, deptName := "DEPT-EXEC", "Executive"
		if dept >= 0 {
			deptID, deptName = genDepartments[dept].id, genDepartments[dept].name
		}
		start := o.Today.AddDays(-30 - rng.IntN(3650))
		salary := math.Round((60000+rng.Float64()*60000)*math.Pow(1.35, float64(max(0, 4-level)))/1000) * 1000
		e := EmployeeRecord{
			EmployeeID: id(i),
			Name:       FullName{First: first, Last: last, Display: first + " " + last, LegalFirst: first, LegalLast: last},
			Email:      fmt.Sprintf("%s.%s.%d@example.com", lower(first), lower(last), i+1),
			Phone:      Phone{Work: fmt.Sprintf("+1-555-%04d", i%10000), Mobile: fmt.Sprintf("+1-556-%04d", i%10000)},
			Job: FullJob{Title: title, Department: deptName, DepartmentID: deptID, Location: loc.city,
				CostCenter: fmt.Sprintf("CC-%d", 1000+max(dept, 0)*100), EmployeeType: "FULL_TIME"},
			ManagerID: manager, Status: StatusActive, StartDate: start,
			BirthDate:          o.Today.AddDays(-(22*365 + rng.IntN(40*365))),
			NationalIDLastFour: fmt.Sprintf("%04d", rng.IntN(10000)),
			Address:            Address{Street: fmt.Sprintf("%d Main St", 1+rng.IntN(999)), City: loc.city, State: loc.state, PostalCode: loc.postal, Country: "USA"},
			EmergencyContact:   EmergencyContact{Name: genFirst[rng.IntN(len(genFirst))] + " " + last, Relationship: "Spouse", Phone: fmt.Sprintf("+1-557-%04d", i%10000)},
			Compensation: CompensationRecord{BaseSalary: salary, Currency: "USD", BonusTargetPercent: float64(5 * (1 + rng.IntN(4))),
				EquityGrantValue: math.Round(salary*rng.Float64()*0.5/1000) * 1000, VestingSchedule: "4 years with 1 year cliff",
				PayGrade: fmt.Sprintf("L%d", max(1, 7-level)), EffectiveDate: Date{Year: o.Today.Year - 1, Month: time.January, Day: 1},
				NextReviewDate: Date{Year: o.Today.Year, Month: time.January, Day: 1}},
		}
		if rng.IntN(10) == 0 {
			e.Job.EmployeeType = "PART_TIME"
		}
		f.Employees = append(f.Employees, e)
		return slot{idx: i, level: level, dept: dept}
	}
	queue := []slot{add(0, -1, "", "CEO")}
	for d := 0; d < len(genDepartments) && len(f.Employees) < n; d++ {
		vp := add(1, d, id(0), genDepartments[d].head)
		f.Organizations = append(f.Organizations, OrganizationRecord{OrganizationID: genDepartments[d].id, Name: genDepartments[d].name,
			HeadID: id(vp.idx), ParentID: "DEPT-EXEC"})
		queue = append(queue, vp)
	}
	// The CEO's own staff, in the Executive organization.
	for _, title := range []string{"Chief of Staff", "Executive Assistant"} {
		if len(f.Employees) < n {
			add(2, -1, id(0), title)
		}
	}
	queue = queue[1:]
	for len(f.Employees) < n && len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		span := o.MinSpan + rng.IntN(o.MaxSpan-o.MinSpan+1)
		for k := 0; k < span && len(f.Employees) < n; k++ {
			titles := genTitles[genDepartments[m.dept].id]
			title := titles[rng.IntN(len(titles))]
			if m.level+1 <= 3 {
				title = genDepartments[m.dept].name + " Manager"
			}
			queue = append(queue, add(m.level+1, m.dept, id(m.idx), title))
		}
	}
	// Balances and requests that agree with them.
	next := 1
	for i := range f.Employees {
		e := &f.Employees[i]
		pto := BalanceRecord{EmployeeID: e.EmployeeID, Type: "PTO", TypeName: "Paid Time Off",
			AvailableHours: float64(8 * (5 + rng.IntN(16))), UsedHours: float64(8 * rng.IntN(6)), AccrualRatePerPeriod: 6.67, MaxCarryover: 40}
		sick := BalanceRecord{EmployeeID: e.EmployeeID, Type: "SICK", TypeName: "Sick Leave",
			AvailableHours: float64(8 * (2 + rng.IntN(6))), UsedHours: float64(8 * rng.IntN(3)), AccrualRatePerPeriod: 4, MaxCarryover: 80}
		switch x := rng.IntN(10); {
		case x < 3 && e.ManagerID != "": // an approved request
			start := o.Today.AddDays(7 + rng.IntN(120))
			days := 1 + rng.IntN(5)
			hours := float64(8 * days)
			submitted := o.Today.AddDays(-rng.IntN(20)).Time().Add(9 * time.Hour)
			approved := submitted.Add(26 * time.Hour)
			f.Requests = append(f.Requests, RequestRecord{RequestID: fmt.Sprintf("TOR-%06d", next), EmployeeID: e.EmployeeID, Type: "PTO",
				Status: RequestApproved, StartDate: start, EndDate: start.AddDays(days - 1), Hours: hours, SubmittedAt: submitted,
				ApprovedBy: e.ManagerID, ApprovedAt: &approved})
			pto.UsedHours += hours
			next++
		case x < 5 && e.ManagerID != "": // a pending request
			start := o.Today.AddDays(14 + rng.IntN(150))
			days := 1 + rng.IntN(3)
			hours := float64(8 * days)
			f.Requests = append(f.Requests, RequestRecord{RequestID: fmt.Sprintf("TOR-%06d", next), EmployeeID: e.EmployeeID, Type: "PTO",
				Status: RequestPending, StartDate: start, EndDate: start.AddDays(days - 1), Hours: hours,
				SubmittedAt: o.Today.AddDays(-rng.IntN(10)).Time().Add(14 * time.Hour)})
			pto.PendingHours += hours
			next++
		}
		f.Balances = append(f.Balances, pto, sick)
	}
	return f
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
