package workdaysim

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	connectors "github.com/xlr8/connectors"
)

// Fixtures is the data a simulator starts from (and returns to on Reset):
// organizations, employees (with their compensation), time off balances and
// time off requests. Pay statements are not stored: they are computed from
// compensation, so their numbers always add up.
//
// Fixture files hold any of the four top-level keys; a folder's files are
// merged in name order.
type Fixtures struct {
	Organizations []OrganizationRecord `json:"organizations,omitempty"`
	Employees     []EmployeeRecord     `json:"employees,omitempty"`
	Balances      []BalanceRecord      `json:"balances,omitempty"`
	Requests      []RequestRecord      `json:"requests,omitempty"`
}

// OrganizationRecord is a supervisory organization (a department).
type OrganizationRecord struct {
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	// HeadID is the employee who heads it (get_org_chart's root for it).
	HeadID   string `json:"head_id,omitempty"`
	ParentID string `json:"parent_id,omitempty"`

	src string
}

// EmployeeRecord is one employee: the get_employee_full shape plus the
// manager's id and the compensation.
type EmployeeRecord struct {
	EmployeeID         string             `json:"employee_id"`
	Name               FullName           `json:"name"`
	Email              string             `json:"email"`
	PersonalEmail      string             `json:"personal_email,omitempty"`
	Phone              Phone              `json:"phone,omitzero"`
	Job                FullJob            `json:"job"`
	ManagerID          string             `json:"manager_id,omitempty"`
	Status             string             `json:"status,omitempty"`
	StartDate          Date               `json:"start_date"`
	TerminationDate    *Date              `json:"termination_date,omitempty"`
	BirthDate          Date               `json:"birth_date,omitzero"`
	NationalIDLastFour string             `json:"national_id_last_four,omitempty"`
	Address            Address            `json:"address,omitzero"`
	EmergencyContact   EmergencyContact   `json:"emergency_contact,omitzero"`
	Compensation       CompensationRecord `json:"compensation"`

	src string
}

// CompensationRecord is an employee's compensation package.
type CompensationRecord struct {
	BaseSalary         float64 `json:"base_salary"`
	Currency           string  `json:"currency,omitempty"`
	BonusTargetPercent float64 `json:"bonus_target_percent"`
	EquityGrantValue   float64 `json:"equity_grant_value"`
	VestingSchedule    string  `json:"vesting_schedule,omitempty"`
	PayGrade           string  `json:"pay_grade"`
	EffectiveDate      Date    `json:"effective_date"`
	NextReviewDate     Date    `json:"next_review_date"`
}

// BalanceRecord is one employee's balance of one time off type.
type BalanceRecord struct {
	EmployeeID           string  `json:"employee_id"`
	Type                 string  `json:"type"`
	TypeName             string  `json:"type_name"`
	AvailableHours       float64 `json:"available_hours"`
	UsedHours            float64 `json:"used_hours"`
	PendingHours         float64 `json:"pending_hours"`
	AccrualRatePerPeriod float64 `json:"accrual_rate_per_period"`
	MaxCarryover         float64 `json:"max_carryover"`

	src string
}

// RequestRecord is one time off request.
type RequestRecord struct {
	RequestID   string     `json:"request_id"`
	EmployeeID  string     `json:"employee_id"`
	Type        string     `json:"type"`
	Status      string     `json:"status"`
	StartDate   Date       `json:"start_date"`
	EndDate     Date       `json:"end_date"`
	Hours       float64    `json:"hours"`
	Notes       string     `json:"notes,omitempty"`
	SubmittedAt time.Time  `json:"submitted_at"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	Comments    string     `json:"comments,omitempty"`
	CancelledBy string     `json:"cancelled_by,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	Reason      string     `json:"reason,omitempty"`

	src string
}

//go:embed fixtures
var embedded embed.FS

var (
	embeddedOnce sync.Once
	embeddedFix  *Fixtures
	embeddedErr  error
)

// EmbeddedFixtures returns a copy of the built-in fixtures: the spec's
// people (Alice Johnson EMP001 reporting to Bob Martinez EMP042, Carol Chen
// EMP100, Diana Ross EMP200, Charlie Brown EMP003 ...), their balances,
// requests and compensation.
func EmbeddedFixtures() (*Fixtures, error) {
	embeddedOnce.Do(func() { embeddedFix, embeddedErr = LoadFS(embedded, "fixtures") })
	if embeddedErr != nil {
		return nil, embeddedErr
	}
	return embeddedFix.Clone(), nil
}

// LoadFixtures reads every .json, .yaml and .yml file of the folder dir
// and validates the result. Errors are INVALID_ARGUMENT (VALIDATION_ERROR)
// naming the file and the record.
func LoadFixtures(dir string) (*Fixtures, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fixtureError(dir, "", "", "is not a readable folder")
	}
	return LoadFS(os.DirFS(dir), ".")
}

// LoadFS is LoadFixtures over a file system.
func LoadFS(fsys fs.FS, dir string) (*Fixtures, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fixtureError(dir, "", "", "cannot be listed")
	}
	var all Fixtures
	files := 0
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if e.IsDir() || (ext != ".json" && ext != ".yaml" && ext != ".yml") {
			continue
		}
		files++
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fixtureError(e.Name(), "", "", "cannot be read")
		}
		f, err := decodeFixtureFile(e.Name(), b, ext != ".json")
		if err != nil {
			return nil, err
		}
		all.Organizations = append(all.Organizations, f.Organizations...)
		all.Employees = append(all.Employees, f.Employees...)
		all.Balances = append(all.Balances, f.Balances...)
		all.Requests = append(all.Requests, f.Requests...)
	}
	if files == 0 {
		return nil, fixtureError(dir, "", "", "holds no .json, .yaml or .yml file")
	}
	if err := all.Validate(); err != nil {
		return nil, err
	}
	return &all, nil
}

func decodeFixtureFile(name string, b []byte, isYAML bool) (*Fixtures, error) {
	if isYAML {
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fixtureError(name, "", "", "is not valid YAML: "+firstLine(err.Error()))
		}
		jsonable, err := yamlToJSON(&doc)
		if err != nil {
			return nil, fixtureError(name, "", "", err.Error())
		}
		if b, err = json.Marshal(jsonable); err != nil {
			return nil, fixtureError(name, "", "", "cannot be converted to JSON")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f Fixtures
	if err := dec.Decode(&f); err != nil {
		return nil, fixtureError(name, "", "", "does not decode: "+firstLine(err.Error()))
	}
	for i := range f.Organizations {
		f.Organizations[i].src = fmt.Sprintf("%s: organizations[%d]", name, i)
	}
	for i := range f.Employees {
		f.Employees[i].src = fmt.Sprintf("%s: employees[%d]", name, i)
	}
	for i := range f.Balances {
		f.Balances[i].src = fmt.Sprintf("%s: balances[%d]", name, i)
	}
	for i := range f.Requests {
		f.Requests[i].src = fmt.Sprintf("%s: requests[%d]", name, i)
	}
	return &f, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// yamlToJSON turns a YAML node into values encoding/json accepts:
// string-keyed maps, and timestamps as the text the file holds (so a date
// stays "2022-03-15" and an instant keeps its time).
func yamlToJSON(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlToJSON(n.Content[0])
	case yaml.AliasNode:
		return yamlToJSON(n.Alias)
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("has a non-scalar key at line %d", k.Line)
			}
			v, err := yamlToJSON(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlToJSON(c)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp", "!!binary":
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("has an unsupported node at line %d", n.Line)
}

// fixtureError is a VALIDATION_ERROR naming the file or record.
func fixtureError(where, id, field, msg string) *connectors.Error {
	var b strings.Builder
	b.WriteString("fixtures: ")
	b.WriteString(where)
	if id != "" {
		fmt.Fprintf(&b, " (%s)", id)
	}
	if field != "" {
		fmt.Fprintf(&b, ": %s", field)
	}
	b.WriteString(" ")
	b.WriteString(msg)
	e := newError(ErrCodeValidation, b.String(), map[string]any{"record": where})
	if file, _, ok := strings.Cut(where, ": "); ok {
		e.Details["file"] = file
	}
	if id != "" {
		e.Details["id"] = id
	}
	if field != "" {
		e.Details["field"] = field
	}
	return e
}

func where(src, kind string, i int) string {
	if src != "" {
		return src
	}
	return fmt.Sprintf("%s[%d]", kind, i)
}

// Known reason codes of terminate_employee.
var terminationReasons = map[string]bool{
	"VOLUNTARY_RESIGNATION": true, "INVOLUNTARY": true, "RETIREMENT": true, "END_OF_CONTRACT": true, "OTHER": true,
}

// Validate checks the fixtures: ids present and unique, every manager,
// organization head and parent an existing record, no cycle in a manager
// chain, statuses known, dates in order, balances non-negative, and each
// balance's pending hours equal to its pending requests' hours (and its
// used hours at least its approved requests' hours). The error names the
// record (and its file, for loaded fixtures).
func (f *Fixtures) Validate() error {
	orgs := map[string]int{}
	for i, o := range f.Organizations {
		w := where(o.src, "organizations", i)
		if o.OrganizationID == "" {
			return fixtureError(w, "", "organization_id", "is missing")
		}
		if _, dup := orgs[o.OrganizationID]; dup {
			return fixtureError(w, o.OrganizationID, "organization_id", "is a duplicate")
		}
		orgs[o.OrganizationID] = i
	}
	emps := make(map[string]int, len(f.Employees))
	for i, e := range f.Employees {
		w := where(e.src, "employees", i)
		switch {
		case e.EmployeeID == "":
			return fixtureError(w, "", "employee_id", "is missing")
		case e.Name.First == "" || e.Name.Last == "":
			return fixtureError(w, e.EmployeeID, "name", "needs first and last")
		case e.StartDate.IsZero():
			return fixtureError(w, e.EmployeeID, "start_date", "is missing")
		case e.Status != "" && e.Status != StatusActive && e.Status != StatusTerminated:
			return fixtureError(w, e.EmployeeID, "status", fmt.Sprintf("%q is not ACTIVE or TERMINATED", e.Status))
		case e.Status == StatusTerminated && e.TerminationDate == nil:
			return fixtureError(w, e.EmployeeID, "termination_date", "is missing for a TERMINATED employee")
		case e.TerminationDate != nil && e.TerminationDate.Before(e.StartDate):
			return fixtureError(w, e.EmployeeID, "termination_date", "is before start_date")
		case e.Compensation.BaseSalary < 0 || e.Compensation.BonusTargetPercent < 0 || e.Compensation.EquityGrantValue < 0:
			return fixtureError(w, e.EmployeeID, "compensation", "has a negative amount")
		}
		if _, dup := emps[e.EmployeeID]; dup {
			return fixtureError(w, e.EmployeeID, "employee_id", "is a duplicate")
		}
		if len(orgs) > 0 && e.Job.DepartmentID != "" {
			if _, ok := orgs[e.Job.DepartmentID]; !ok {
				return fixtureError(w, e.EmployeeID, "job.department_id", fmt.Sprintf("%q is not an organization", e.Job.DepartmentID))
			}
		}
		emps[e.EmployeeID] = i
	}
	for i, e := range f.Employees {
		if e.ManagerID != "" {
			if _, ok := emps[e.ManagerID]; !ok {
				return fixtureError(where(e.src, "employees", i), e.EmployeeID, "manager_id", fmt.Sprintf("%q is not an employee", e.ManagerID))
			}
		}
	}
	if err := f.checkCycles(emps); err != nil {
		return err
	}
	for i, o := range f.Organizations {
		w := where(o.src, "organizations", i)
		if _, ok := emps[o.HeadID]; o.HeadID != "" && !ok {
			return fixtureError(w, o.OrganizationID, "head_id", fmt.Sprintf("%q is not an employee", o.HeadID))
		}
		if _, ok := orgs[o.ParentID]; o.ParentID != "" && !ok {
			return fixtureError(w, o.OrganizationID, "parent_id", fmt.Sprintf("%q is not an organization", o.ParentID))
		}
	}
	type key struct{ emp, typ string }
	balances := map[key]int{}
	for i, b := range f.Balances {
		w := where(b.src, "balances", i)
		id := b.EmployeeID + "/" + b.Type
		if _, ok := emps[b.EmployeeID]; !ok {
			return fixtureError(w, id, "employee_id", fmt.Sprintf("%q is not an employee", b.EmployeeID))
		}
		if b.Type == "" {
			return fixtureError(w, id, "type", "is missing")
		}
		for _, h := range []struct {
			name string
			v    float64
		}{{"available_hours", b.AvailableHours}, {"used_hours", b.UsedHours}, {"pending_hours", b.PendingHours},
			{"accrual_rate_per_period", b.AccrualRatePerPeriod}, {"max_carryover", b.MaxCarryover}} {
			if h.v < 0 || math.IsNaN(h.v) || math.IsInf(h.v, 0) {
				return fixtureError(w, id, h.name, fmt.Sprintf("is negative (%v)", h.v))
			}
		}
		if _, dup := balances[key{b.EmployeeID, b.Type}]; dup {
			return fixtureError(w, id, "type", "is a duplicate balance")
		}
		balances[key{b.EmployeeID, b.Type}] = i
	}
	reqs := map[string]bool{}
	pending := map[key]float64{}
	approved := map[key]float64{}
	for i, r := range f.Requests {
		w := where(r.src, "requests", i)
		switch {
		case r.RequestID == "":
			return fixtureError(w, "", "request_id", "is missing")
		case reqs[r.RequestID]:
			return fixtureError(w, r.RequestID, "request_id", "is a duplicate")
		case r.EndDate.Before(r.StartDate):
			return fixtureError(w, r.RequestID, "end_date", "is before start_date")
		case r.Hours <= 0 || math.IsNaN(r.Hours) || math.IsInf(r.Hours, 0):
			return fixtureError(w, r.RequestID, "hours", "must be positive")
		case r.SubmittedAt.IsZero():
			return fixtureError(w, r.RequestID, "submitted_at", "is missing")
		}
		reqs[r.RequestID] = true
		if _, ok := emps[r.EmployeeID]; !ok {
			return fixtureError(w, r.RequestID, "employee_id", fmt.Sprintf("%q is not an employee", r.EmployeeID))
		}
		k := key{r.EmployeeID, r.Type}
		if _, ok := balances[k]; !ok {
			return fixtureError(w, r.RequestID, "type", fmt.Sprintf("employee %s has no %q balance", r.EmployeeID, r.Type))
		}
		switch r.Status {
		case RequestPending:
			pending[k] += r.Hours
		case RequestApproved:
			if r.ApprovedBy == "" || r.ApprovedAt == nil {
				return fixtureError(w, r.RequestID, "approved_by", "and approved_at are needed for an APPROVED request")
			}
			approved[k] += r.Hours
		case RequestCancelled:
			if r.CancelledBy == "" || r.CancelledAt == nil {
				return fixtureError(w, r.RequestID, "cancelled_by", "and cancelled_at are needed for a CANCELLED request")
			}
		default:
			return fixtureError(w, r.RequestID, "status", fmt.Sprintf("%q is not PENDING, APPROVED or CANCELLED", r.Status))
		}
		if _, ok := emps[r.ApprovedBy]; r.ApprovedBy != "" && !ok {
			return fixtureError(w, r.RequestID, "approved_by", fmt.Sprintf("%q is not an employee", r.ApprovedBy))
		}
	}
	for k, i := range balances {
		b := f.Balances[i]
		w := where(b.src, "balances", i)
		if math.Abs(b.PendingHours-pending[k]) > 1e-9 {
			return fixtureError(w, k.emp+"/"+k.typ, "pending_hours",
				fmt.Sprintf("is %v but the employee's pending %s requests add up to %v", b.PendingHours, k.typ, pending[k]))
		}
		if b.UsedHours+1e-9 < approved[k] {
			return fixtureError(w, k.emp+"/"+k.typ, "used_hours",
				fmt.Sprintf("is %v, less than the %v hours of approved %s requests", b.UsedHours, approved[k], k.typ))
		}
	}
	return nil
}

func (f *Fixtures) checkCycles(emps map[string]int) error {
	const (
		unseen = iota
		walking
		done
	)
	state := make([]uint8, len(f.Employees))
	var path []int
	for start := range f.Employees {
		path = path[:0]
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = walking
			path = append(path, i)
			m := f.Employees[i].ManagerID
			if m == "" {
				i = -1
				break
			}
			i = emps[m]
		}
		if i >= 0 && state[i] == walking {
			e := f.Employees[i]
			ids := []string{}
			for _, j := range path {
				ids = append(ids, f.Employees[j].EmployeeID)
			}
			return fixtureError(where(e.src, "employees", i), e.EmployeeID, "manager_id",
				"closes a cycle in the manager chain ("+strings.Join(ids, " -> ")+" -> "+e.EmployeeID+")")
		}
		for _, j := range path {
			state[j] = done
		}
	}
	return nil
}

// Clone returns a deep copy.
func (f *Fixtures) Clone() *Fixtures {
	if f == nil {
		return nil
	}
	c := &Fixtures{
		Organizations: append([]OrganizationRecord(nil), f.Organizations...),
		Employees:     append([]EmployeeRecord(nil), f.Employees...),
		Balances:      append([]BalanceRecord(nil), f.Balances...),
		Requests:      append([]RequestRecord(nil), f.Requests...),
	}
	for i := range c.Employees {
		if d := c.Employees[i].TerminationDate; d != nil {
			dd := *d
			c.Employees[i].TerminationDate = &dd
		}
	}
	for i := range c.Requests {
		r := &c.Requests[i]
		r.ApprovedAt = cloneTime(r.ApprovedAt)
		r.CancelledAt = cloneTime(r.CancelledAt)
	}
	return c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// EmployeeIDs returns the employees' ids, sorted.
func (f *Fixtures) EmployeeIDs() []string {
	out := make([]string, len(f.Employees))
	for i, e := range f.Employees {
		out[i] = e.EmployeeID
	}
	sort.Strings(out)
	return out
}
