package wdwire

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// ApprovalStepSuffix ends the id of a time off event's approval step in
// the simulator (a real tenant's step ids are WIDs the connector reads
// from the event).
const ApprovalStepSuffix = "-APPROVAL"

// Worker is a worker on the common v1 REST service (GET /workers,
// /workers/{ID}): Workday's documented fields (id, descriptor, href,
// primaryWorkEmail, businessTitle, isManager, primarySupervisoryOrganization,
// location) and the ones the connector reads beyond them (workerId, names,
// manager, hire and termination dates, active), which a tenant's
// worker view must expose.
type Worker struct {
	ID                             string `json:"id"`
	Descriptor                     string `json:"descriptor"`
	Href                           string `json:"href,omitempty"`
	WorkerID                       string `json:"workerId"`
	FirstName                      string `json:"firstName"`
	LastName                       string `json:"lastName"`
	PrimaryWorkEmail               string `json:"primaryWorkEmail"`
	BusinessTitle                  string `json:"businessTitle"`
	IsManager                      bool   `json:"isManager"`
	PrimarySupervisoryOrganization *Ref   `json:"primarySupervisoryOrganization,omitempty"`
	Location                       *Ref   `json:"location,omitempty"`
	CostCenter                     *Ref   `json:"costCenter,omitempty"`
	WorkerType                     *Ref   `json:"workerType,omitempty"`
	Manager                        *Ref   `json:"manager,omitempty"`
	Active                         bool   `json:"active"`
	HireDate                       string `json:"hireDate"`
	TerminationDate                string `json:"terminationDate,omitempty"`
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func ref(id, descriptor, href string) *Ref {
	if id == "" && descriptor == "" {
		return nil
	}
	return &Ref{ID: id, Descriptor: descriptor, Href: href}
}

// WorkerOf renders a workers entity record (the simulator's flat record)
// as a Workday worker; base is the service URL for hrefs.
func WorkerOf(rec map[string]any, isManager bool, base string) Worker {
	id := str(rec["employee_id"])
	w := Worker{ID: id, Descriptor: str(rec["display_name"]), Href: base + "/workers/" + id, WorkerID: id,
		FirstName: str(rec["first_name"]), LastName: str(rec["last_name"]), PrimaryWorkEmail: str(rec["email"]),
		BusinessTitle: str(rec["title"]), IsManager: isManager, Active: str(rec["status"]) == "ACTIVE",
		HireDate: str(rec["start_date"]), TerminationDate: str(rec["termination_date"])}
	if d := str(rec["department_id"]); d != "" || str(rec["department"]) != "" {
		w.PrimarySupervisoryOrganization = ref(d, str(rec["department"]), base+"/supervisoryOrganizations/"+d)
	}
	w.Location = ref(str(rec["location"]), str(rec["location"]), "")
	w.CostCenter = ref(str(rec["cost_center"]), str(rec["cost_center"]), "")
	w.WorkerType = ref(str(rec["employee_type"]), str(rec["employee_type"]), "")
	if m := str(rec["manager_id"]); m != "" {
		w.Manager = ref(m, str(rec["manager_name"]), base+"/workers/"+m)
	}
	return w
}

func refField(r *Ref, id bool) any {
	if r == nil {
		return ""
	}
	if id {
		return r.ID
	}
	return r.Descriptor
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Record reads a worker back as the workers entity's flat record.
func (w *Worker) Record() map[string]any {
	status := "TERMINATED"
	if w.Active {
		status = "ACTIVE"
	}
	r := map[string]any{
		"employee_id": w.WorkerID, "first_name": w.FirstName, "last_name": w.LastName, "display_name": w.Descriptor,
		"email": w.PrimaryWorkEmail, "title": w.BusinessTitle,
		"department": refField(w.PrimarySupervisoryOrganization, false), "department_id": refField(w.PrimarySupervisoryOrganization, true),
		"location": refField(w.Location, false), "cost_center": refField(w.CostCenter, false),
		"employee_type": refField(w.WorkerType, false), "manager_id": nil, "manager_name": nil,
		"status": status, "start_date": w.HireDate, "termination_date": nullable(w.TerminationDate),
	}
	if w.Manager != nil {
		r["manager_id"], r["manager_name"] = w.Manager.ID, w.Manager.Descriptor
	}
	return r
}

// Organization is a supervisory organization (GET /supervisoryOrganizations).
type Organization struct {
	ID                   string `json:"id"`
	Descriptor           string `json:"descriptor"`
	Href                 string `json:"href,omitempty"`
	Manager              *Ref   `json:"manager,omitempty"`
	SuperiorOrganization *Ref   `json:"superiorOrganization,omitempty"`
	WorkerCount          int    `json:"workerCount"`
}

// OrganizationOf renders an organizations entity record.
func OrganizationOf(rec map[string]any, base string) Organization {
	id := str(rec["organization_id"])
	o := Organization{ID: id, Descriptor: str(rec["name"]), Href: base + "/supervisoryOrganizations/" + id}
	if h := str(rec["head_id"]); h != "" {
		o.Manager = ref(h, str(rec["head_name"]), base+"/workers/"+h)
	}
	if p := str(rec["parent_id"]); p != "" {
		o.SuperiorOrganization = ref(p, "", base+"/supervisoryOrganizations/"+p)
	}
	if n, ok := rec["headcount"].(float64); ok {
		o.WorkerCount = int(n)
	}
	return o
}

// Record reads an organization back as the organizations entity's record.
func (o *Organization) Record() map[string]any {
	r := map[string]any{"organization_id": o.ID, "name": o.Descriptor, "head_id": nil, "head_name": nil,
		"parent_id": nil, "headcount": float64(o.WorkerCount)}
	if o.Manager != nil {
		r["head_id"], r["head_name"] = o.Manager.ID, o.Manager.Descriptor
	}
	if o.SuperiorOrganization != nil {
		r["parent_id"] = o.SuperiorOrganization.ID
	}
	return r
}

// TimeOffDay is one day of a requestTimeOff body (verified shape: days
// with a date, a daily quantity and the time off type reference).
type TimeOffDay struct {
	Date          string  `json:"date"`
	DailyQuantity float64 `json:"dailyQuantity"`
	TimeOffType   Ref     `json:"timeOffType"`
	Comment       string  `json:"comment,omitempty"`
}

// WriteCSV writes a report as CSV: the columns' aliases as the header,
// then one line per row (an absent column is empty).
func WriteCSV(w io.Writer, cols []string, rows func(emit func(map[string]any) bool)) {
	cw := csv.NewWriter(w)
	aliases := make([]string, len(cols))
	for i, c := range cols {
		aliases[i] = Alias(c)
	}
	if len(cols) > 0 {
		_ = cw.Write(aliases)
	}
	line := make([]string, len(cols))
	rows(func(row map[string]any) bool {
		if len(cols) == 0 {
			for k := range row {
				cols = append(cols, k)
			}
			sort.Strings(cols)
			aliases = cols
			_ = cw.Write(aliases)
			line = make([]string, len(cols))
		}
		for i, a := range aliases {
			line[i] = text(row[a])
		}
		if err := cw.Write(line); err != nil {
			return false
		}
		return true
	})
	cw.Flush()
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
