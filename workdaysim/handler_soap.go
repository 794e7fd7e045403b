package workdaysim

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// This file serves the Workday Web Services (SOAP) operations the REST
// services do not offer: Cancel_Business_Process and
// Rescind_Business_Process (service Integrations) for a time off request,
// Terminate_Employee (service Staffing).

const wdNS = "urn:com.workday/bsvc"

type soapID struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type soapRef struct {
	IDs []soapID `xml:"ID"`
}

func (r soapRef) id(typ string) string {
	for _, x := range r.IDs {
		if x.Type == typ {
			return strings.TrimSpace(x.Value)
		}
	}
	return ""
}

type soapRequest struct {
	XMLName xml.Name
	// Cancel_Business_Process_Request, Rescind_Business_Process_Request
	Event   soapRef `xml:"Event_Reference"`
	Comment string  `xml:"Business_Process_Comment_Data>Comment"`
	// Terminate_Employee_Request
	BPComment string  `xml:"Business_Process_Parameters>Comment_Data>Comment"`
	Employee  soapRef `xml:"Terminate_Employee_Data>Employee_Reference"`
	Date      string  `xml:"Terminate_Employee_Data>Termination_Date"`
	Reason    soapRef `xml:"Terminate_Employee_Data>Terminate_Event_Data>Primary_Reason_Reference"`
}

func (h *HTTPHandler) serveSOAP(w http.ResponseWriter, r *http.Request, rest string) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if r.Method != http.MethodPost || len(segs) != 3 || segs[0] != h.cfg.Tenant {
		soapFault(w, "Client.validationError", "POST a SOAP envelope to /ccx/service/{tenant}/{Service}/{version}")
		return
	}
	var env struct {
		Body struct {
			Req soapRequest `xml:",any"`
		} `xml:"Body"`
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil || xml.Unmarshal(b, &env) != nil || env.Body.Req.XMLName.Space != wdNS {
		soapFault(w, "Client.validationError", "the body is not a Workday Web Services SOAP request")
		return
	}
	req := env.Body.Req
	switch segs[1] + " " + req.XMLName.Local {
	case "Integrations Cancel_Business_Process_Request", "Integrations Rescind_Business_Process_Request":
		if !h.simulate(w, r, CapCancelTimeOff, true) {
			return
		}
		h.cancelEvent(w, req)
	case "Staffing Terminate_Employee_Request":
		if !h.simulate(w, r, CapTerminateEmployee, true) {
			return
		}
		h.terminate(w, req)
	default:
		soapFault(w, "Client.validationError", fmt.Sprintf("service %s offers no operation %s", segs[1], req.XMLName.Local))
	}
}

// cancelEvent cancels (in progress) or rescinds (completed) a time off
// request's event. The simulator attributes it to the event's worker.
func (h *HTTPHandler) cancelEvent(w http.ResponseWriter, req soapRequest) {
	id := req.Event.id("WID")
	_, rq, _, ok := h.eventOf(id)
	if !ok || rq == nil {
		soapFault(w, "Client.validationError", fmt.Sprintf("Invalid ID value. '%s' is not a valid ID for Event", id))
		return
	}
	rescind := req.XMLName.Local == "Rescind_Business_Process_Request"
	if rescind != (rq.Status == RequestApproved) {
		soapFault(w, "Client.validationError", "The business process can't be "+map[bool]string{true: "rescinded", false: "canceled"}[rescind]+" in its current status.")
		return
	}
	comment := req.Comment
	if _, err := call(h, connectors.Principal{ID: rq.EmployeeID}, CancelTimeOffRequest{RequestID: id, Reason: comment}, (*store).cancelTimeOff); err != nil {
		soapSimFault(w, err)
		return
	}
	soapEvent(w, strings.TrimSuffix(req.XMLName.Local, "_Request")+"_Response", id)
}

func (h *HTTPHandler) terminate(w http.ResponseWriter, req soapRequest) {
	emp := req.Employee.id("Employee_ID")
	if wid := req.Employee.id("WID"); emp == "" && wid != "" {
		emp, _ = h.resolve("worker", wid)
	}
	d, err := connectors.ParseDate(strings.TrimSpace(req.Date))
	if emp == "" || err != nil {
		soapFault(w, "Client.validationError", "Employee_Reference and Termination_Date are required")
		return
	}
	out, err := call(h, connectors.Principal{}, TerminateEmployeeRequest{EmployeeID: emp, TerminationDate: d,
		ReasonCode: req.Reason.id("General_Event_Subcategory_ID"), Notes: req.BPComment}, (*store).terminateEmployee)
	if err != nil {
		soapSimFault(w, err)
		return
	}
	soapEvent(w, "Terminate_Employee_Event_Response", out.TransactionID)
}

func soapEvent(w http.ResponseWriter, element, id string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>`+
		`<wd:%s xmlns:wd="%s" wd:version="v44.2"><wd:Event_Reference><wd:ID wd:type="WID">%s</wd:ID></wd:Event_Reference></wd:%s>`+
		`</env:Body></env:Envelope>`, element, wdNS, html.EscapeString(id), element)
}

// soapFault writes a SOAP fault as Workday does: HTTP 500, faultcode
// SOAP-ENV:Client.validationError (or Server...), the message in
// faultstring and the Validation_Fault detail.
func soapFault(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	m := html.EscapeString(msg)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>`+
		`<SOAP-ENV:Fault xmlns:wd="%s"><faultcode>SOAP-ENV:%s</faultcode><faultstring>%s</faultstring>`+
		`<detail><wd:Validation_Fault><wd:Validation_Error><wd:Message>%s</wd:Message></wd:Validation_Error></wd:Validation_Fault></detail>`+
		`</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`, wdNS, code, m, m)
}

// soapSimFault renders a simulator error: its transient failures as HTTP
// statuses (429, 503, 504), the rest as a validation fault.
func soapSimFault(w http.ResponseWriter, err error) {
	switch connectors.CodeOf(err) {
	case connectors.CodeRateLimited, connectors.CodeUnavailable, connectors.CodeTimeout:
		writeSimError(w, err)
		return
	}
	msg := err.Error()
	var e *connectors.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	soapFault(w, "Client.validationError", msg)
}
