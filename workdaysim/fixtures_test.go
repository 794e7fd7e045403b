package workdaysim_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

func writeFixtures(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const twoEmployeesYAML = `
employees:
  - employee_id: E1
    name: {first: Ann, last: Top}
    email: ann@example.com
    job: {title: CEO, department: Exec, department_id: D1, location: Remote, cost_center: C1, employee_type: FULL_TIME}
    start_date: 2020-01-01
    compensation: {base_salary: 260000, bonus_target_percent: 10, equity_grant_value: 0, pay_grade: E1, effective_date: 2025-01-01, next_review_date: 2026-01-01}
  - employee_id: E2
    name: {first: Ben, last: Low}
    email: ben@example.com
    job: {title: Engineer, department: Exec, department_id: D1, location: Remote, cost_center: C1, employee_type: FULL_TIME}
    manager_id: E1
    start_date: 2021-06-01
    compensation: {base_salary: 130000, bonus_target_percent: 10, equity_grant_value: 0, pay_grade: L3, effective_date: 2025-01-01, next_review_date: 2026-01-01}
`

func TestLoadFixtureFolder(t *testing.T) {
	dir := writeFixtures(t, map[string]string{
		"a_orgs.json":    `{"organizations": [{"organization_id": "D1", "name": "Exec", "head_id": "E1"}]}`,
		"b_people.yaml":  twoEmployeesYAML,
		"c_time_off.yml": "balances:\n  - {employee_id: E2, type: PTO, type_name: Paid Time Off, available_hours: 8, used_hours: 0, pending_hours: 8, accrual_rate_per_period: 1, max_carryover: 0}\nrequests:\n  - {request_id: TOR-041, employee_id: E2, type: PTO, status: PENDING, start_date: 2026-02-02, end_date: 2026-02-02, hours: 8, submitted_at: 2026-01-20T10:00:00Z}\n",
		"README.md":      "ignored",
	})
	cfg := workdaysim.DefaultConfig()
	cfg.FixturePath = dir
	sim, err := workdaysim.New(workdaysim.WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	chain, err := sim.GetManagerChain(as("E2"), workdaysim.GetManagerChainRequest{EmployeeID: "E2"})
	if err != nil || len(chain.Chain) != 1 || chain.Chain[0].DisplayName != "Ann Top" {
		t.Fatalf("chain %+v %v", chain, err)
	}
	sub, err := sim.RequestTimeOff(as("E2"), workdaysim.RequestTimeOffRequest{EmployeeID: "E2", Type: "PTO",
		StartDate: workdaysim.Date{Year: 2026, Month: 3, Day: 2}, EndDate: workdaysim.Date{Year: 2026, Month: 3, Day: 2}, Hours: hours(8)})
	if err != nil || sub.RequestID != "TOR-042" || sub.EstimatedBalanceAfter != 0 {
		t.Errorf("next request after TOR-041: %+v %v", sub, err)
	}
}

// TestFixtureValidation: every kind of bad fixture is refused with an error
// naming the file and the record.
func TestFixtureValidation(t *testing.T) {
	emp := func(id, manager string) string {
		m := ""
		if manager != "" {
			m = `, "manager_id": "` + manager + `"`
		}
		return `{"employee_id": "` + id + `", "name": {"first": "A", "last": "B"}, "email": "x@example.com", "job": {"title": "T", "department": "D", "department_id": "", "location": "L", "cost_center": "C", "employee_type": "FULL_TIME"}, "start_date": "2020-01-01", "compensation": {"base_salary": 1, "bonus_target_percent": 0, "equity_grant_value": 0, "pay_grade": "G", "effective_date": "2025-01-01", "next_review_date": "2026-01-01"}` + m + `}`
	}
	people := func(list ...string) string { return `{"employees": [` + strings.Join(list, ",") + `]}` }
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"duplicate id", map[string]string{"p.json": people(emp("E1", ""), emp("E1", ""))}, []string{"p.json: employees[1]", "E1", "duplicate"}},
		{"unknown manager", map[string]string{"p.json": people(emp("E1", "E9"))}, []string{"p.json: employees[0]", "E9", "not an employee"}},
		{"manager cycle", map[string]string{"p.json": people(emp("E1", "E3"), emp("E2", "E1"), emp("E3", "E2"))}, []string{"p.json: employees[", "cycle", "E1 -> "}},
		{"negative balance", map[string]string{"p.json": people(emp("E1", "")),
			"t.yaml": "balances:\n  - {employee_id: E1, type: PTO, type_name: P, available_hours: -8, used_hours: 0, pending_hours: 0, accrual_rate_per_period: 0, max_carryover: 0}\n"},
			[]string{"t.yaml: balances[0]", "E1/PTO", "available_hours", "negative"}},
		{"pending hours disagree", map[string]string{"p.json": people(emp("E1", "")),
			"t.yaml": "balances:\n  - {employee_id: E1, type: PTO, type_name: P, available_hours: 8, used_hours: 0, pending_hours: 4, accrual_rate_per_period: 0, max_carryover: 0}\n"},
			[]string{"t.yaml: balances[0]", "pending_hours"}},
		{"unknown key", map[string]string{"p.yaml": "employees:\n  - employee_id: E1\n    salary: 5\n"}, []string{"p.yaml", "unknown field"}},
		{"bad date", map[string]string{"p.json": strings.Replace(people(emp("E1", "")), "2020-01-01", "2020-13-01", 1)}, []string{"p.json", "date"}},
		{"bad yaml", map[string]string{"p.yaml": "employees: [\n"}, []string{"p.yaml", "YAML"}},
		{"request for unknown employee", map[string]string{"p.json": people(emp("E1", "")),
			"r.yaml": "requests:\n  - {request_id: R1, employee_id: E7, type: PTO, status: PENDING, start_date: 2026-01-01, end_date: 2026-01-01, hours: 8, submitted_at: 2026-01-01T00:00:00Z}\n"},
			[]string{"r.yaml: requests[0]", "R1", "E7"}},
		{"empty folder", map[string]string{"notes.txt": "x"}, []string{"holds no"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workdaysim.LoadFixtures(writeFixtures(t, tc.files))
			e := asError(t, err)
			if e.Code != connectors.CodeInvalidArgument || e.VendorCode != workdaysim.ErrCodeValidation {
				t.Fatalf("got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q lacks %q", e.Message, w)
				}
			}
		})
	}
	if _, err := workdaysim.LoadFixtures(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing folder loaded")
	}
	cfg := workdaysim.DefaultConfig()
	cfg.FixturePath = writeFixtures(t, map[string]string{"p.json": people(emp("E1", "E1"))})
	if _, err := workdaysim.New(workdaysim.WithConfig(cfg)); err == nil {
		t.Error("New accepted a self-managed employee")
	}
}

func TestEmbeddedFixturesMatchTheSpec(t *testing.T) {
	f, err := workdaysim.EmbeddedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"EMP001": "Alice Johnson", "EMP042": "Bob Martinez", "EMP003": "Charlie Brown", "EMP100": "Carol Chen", "EMP200": "Diana Ross"}
	for _, e := range f.Employees {
		if name, ok := want[e.EmployeeID]; ok {
			if e.Name.Display != name {
				t.Errorf("%s is %q, want %q", e.EmployeeID, e.Name.Display, name)
			}
			delete(want, e.EmployeeID)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing %v", want)
	}
	// A copy: changing it does not change the next one.
	f.Employees[0].Name.First = "Changed"
	g, _ := workdaysim.EmbeddedFixtures()
	if g.Employees[0].Name.First == "Changed" {
		t.Error("EmbeddedFixtures returns shared data")
	}
	b, _ := json.Marshal(g)
	if !strings.Contains(string(b), `"start_date":"2022-03-15"`) {
		t.Error("fixtures do not encode dates as the files hold them")
	}
}

func TestGenerate(t *testing.T) {
	f := workdaysim.Generate(10000, 42)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(f.Employees) != 10000 {
		t.Fatalf("%d employees", len(f.Employees))
	}
	g := workdaysim.Generate(10000, 42)
	a, _ := json.Marshal(f)
	b, _ := json.Marshal(g)
	if string(a) != string(b) {
		t.Error("the same seed gave another organisation")
	}
	depth := map[string]int{}
	var level func(id string) int
	byID := map[string]string{}
	for _, e := range f.Employees {
		byID[e.EmployeeID] = e.ManagerID
	}
	level = func(id string) int {
		if d, ok := depth[id]; ok {
			return d
		}
		d := 0
		if m := byID[id]; m != "" {
			d = level(m) + 1
		}
		depth[id] = d
		return d
	}
	deepest, depts := 0, map[string]int{}
	for _, e := range f.Employees {
		deepest = max(deepest, level(e.EmployeeID))
		depts[e.Job.Department]++
	}
	if deepest < 4 || deepest > 9 {
		t.Errorf("depth %d for 10,000 employees", deepest)
	}
	if len(depts) != 9 {
		t.Errorf("departments %v", depts)
	}
	sim, err := workdaysim.New(workdaysim.WithFixtures(f))
	if err != nil {
		t.Fatal(err)
	}
	three := 3
	chart, err := sim.GetOrgChart(as("x"), workdaysim.GetOrgChartRequest{RootID: f.Employees[0].EmployeeID, Depth: &three})
	if err != nil || chart.TotalCount < 100 {
		t.Errorf("org chart of the generated CEO: %d %v", chart.TotalCount, err)
	}
	if err := sim.CheckInvariants(); err != nil {
		t.Error(err)
	}
	if one := workdaysim.Generate(1, 1); len(one.Employees) != 1 || one.Validate() != nil {
		t.Errorf("Generate(1): %+v", one)
	}
}
