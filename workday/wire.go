package workday

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The connector's reading of Workday's wire, written from Workday's
// published REST descriptions (see the package documentation, "Sources").
// These types are the connector's own: the simulator's handler and the
// test fakes write Workday's JSON with their own code.

// URL layout: REST services at /ccx/api/{service}/{tenant}, RaaS at
// /ccx/service/customreport2/{tenant}/{owner}/{report}, SOAP at
// /ccx/service/{tenant}/{Service}/{version}, the token endpoint at
// /ccx/oauth2/{tenant}/token.
const (
	apiPrefix   = "/ccx/api/"
	raasPrefix  = "/ccx/service/customreport2/"
	soapPrefix  = "/ccx/service/"
	tokenPrefix = "/ccx/oauth2/"

	svcCommon   = "v1"
	svcStaffing = "staffing/v6"
	svcAbsence  = "absenceManagement/v1"
	svcBP       = "businessProcess/v1"
	svcWQL      = "wql/v1"

	// actionSubmit is the Workday ID of a business process's Submit action
	// (absenceManagement v1, requestTimeOff: "You must specify the submit
	// action WID").
	actionSubmit = "d9e4223e446c11de98360015c5e6daf6"
)

// Reference ids: an instance is named by its Workday ID or by
// TYPE=value (the ID pattern of INSTANCE_MODEL_REFERENCE:
// [0-9a-f]{32} | [0-9]+$[0-9]+ | \S+=\S+).
func employeeRef(id string) string    { return "Employee_ID=" + id }
func orgRef(id string) string         { return "Organization_Reference_ID=" + id }
func timeOffTypeRef(id string) string { return "Time_Off_Type_ID=" + id }
func jobReasonRef(id string) string   { return "Change_Job_Reason_ID=" + id }

// wdRef is INSTANCE_MODEL_REFERENCE: {id, descriptor, href}.
type wdRef struct {
	ID         string `json:"id"`
	Descriptor string `json:"descriptor"`
	Href       string `json:"href"`
}

func (r *wdRef) id() string {
	if r == nil {
		return ""
	}
	return r.ID
}

func (r *wdRef) descriptor() string {
	if r == nil {
		return ""
	}
	return r.Descriptor
}

// collection is a REST collection page: {"total": n, "data": [...]}.
type collection[T any] struct {
	Total *int64 `json:"total"`
	Data  []T    `json:"data"`
}

// workerSummary is common v1's WorkerSummary (workers, directReports).
type workerSummary struct {
	ID                             string `json:"id"`
	Descriptor                     string `json:"descriptor"`
	Href                           string `json:"href"`
	PrimaryWorkEmail               string `json:"primaryWorkEmail"`
	PrimaryWorkPhone               string `json:"primaryWorkPhone"`
	BusinessTitle                  string `json:"businessTitle"`
	IsManager                      *bool  `json:"isManager"`
	PrimarySupervisoryOrganization *wdRef `json:"primarySupervisoryOrganization"`
}

// workerData is staffing v6's WorkerData (workers, workers/{ID}).
type workerData struct {
	ID         string   `json:"id"`
	Descriptor string   `json:"descriptor"`
	WorkerID   string   `json:"workerId"`
	WorkerType *wdRef   `json:"workerType"`
	PrimaryJob *jobData `json:"primaryJob"`
	Person     *struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Phone string `json:"phone"`
	} `json:"person"`
}

// jobData is staffing v6's JobDataForWorker.
type jobData struct {
	ID                      string `json:"id"`
	Descriptor              string `json:"descriptor"`
	BusinessTitle           string `json:"businessTitle"`
	SupervisoryOrganization *wdRef `json:"supervisoryOrganization"`
	Location                *wdRef `json:"location"`
	JobType                 *wdRef `json:"jobType"`
	JobProfile              *wdRef `json:"jobProfile"`
}

// serviceDates is staffing v6's serviceDatesData.
type serviceDates struct {
	ID                    string `json:"id"`
	HireDate              string `json:"hireDate"`
	ContinuousServiceDate string `json:"continuousServiceDate"`
}

// supervisoryOrg is staffing v6's SupervisoryOrganizationView.
type supervisoryOrg struct {
	ID         string  `json:"id"`
	Descriptor string  `json:"descriptor"`
	Name       string  `json:"name"`
	Code       string  `json:"code"`
	Inactive   *bool   `json:"inactive"`
	Managers   []wdRef `json:"managers"`
}

// absenceBalance is absenceManagement v1's AbsenceBalanceView.
type absenceBalance struct {
	AbsencePlan *struct {
		ID         string `json:"id"`
		Descriptor string `json:"descriptor"`
		Timeoffs   string `json:"timeoffs"`
	} `json:"absencePlan"`
	Quantity      *number `json:"quantity"`
	Unit          *wdRef  `json:"unit"`
	EffectiveDate string  `json:"effectiveDate"`
	Category      *wdRef  `json:"category"`
	Worker        *wdRef  `json:"worker"`
}

// eventDetails is businessProcess v1's EventDetails.
type eventDetails struct {
	ID                     string  `json:"id"`
	Descriptor             string  `json:"descriptor"`
	Status                 *wdRef  `json:"status"`
	For                    *wdRef  `json:"for"`
	Initiator              *wdRef  `json:"initiator"`
	CreationDate           string  `json:"creationDate"`
	EffectiveDate          string  `json:"effectiveDate"`
	CompletedDate          string  `json:"completedDate"`
	OverallBusinessProcess *wdRef  `json:"overallBusinessProcess"`
	SubBusinessProcesses   []wdRef `json:"subBusinessProcesses"`
}

// eventStep is businessProcess v1's StepsInProgressView.
type eventStep struct {
	ID              string  `json:"id"`
	Descriptor      string  `json:"descriptor"`
	Status          *wdRef  `json:"status"`
	AwaitingPersons []wdRef `json:"awaitingPersons"`
}

// paySlip is common v1's PaySlipSummary.
type paySlip struct {
	ID     string  `json:"id"`
	Date   string  `json:"date"`
	Gross  *number `json:"gross"`
	Net    *number `json:"net"`
	Status *wdRef  `json:"status"`
}

// Business process statuses (EventState.status, overallStatus: "For
// example: Successfully Completed, Denied, Terminated").
const (
	bpInProgress = "In Progress"
	bpCompleted  = "Successfully Completed"
)

// number is a JSON number that Workday may also send as a string (RaaS
// renders every value as text).
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		f, err := parseNumber(s)
		if err != nil {
			return err
		}
		*n = number(f)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = number(f)
	return nil
}

// parseNumber reads a report's number: "1250.5", "1,250.50", "-3".
func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}
