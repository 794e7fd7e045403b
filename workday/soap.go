package workday

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/xlr8/connectors/internal/transport"
)

// Workday Web Services (SOAP) carry the business process operations the
// REST services do not publish: Cancel_Business_Process and
// Rescind_Business_Process (service Integrations), Terminate_Employee
// (service Staffing). Namespace urn:com.workday/bsvc.
const (
	wwsNS      = "urn:com.workday/bsvc"
	wwsVersion = "v44.2"
)

// wwsID is a typed Workday reference id: <ID type="WID">...</ID>.
type wwsID struct {
	Type  string `xml:"bsvc:type,attr"`
	Value string `xml:",chardata"`
}

type wwsRef struct {
	ID wwsID `xml:"bsvc:ID"`
}

// soapCall posts one request element in an envelope to
// /ccx/service/{tenant}/{service}/{version} and returns the Event_Reference
// WID of the response. A fault comes back as an error (decodeError).
func (c *driver) soapCall(ctx context.Context, service string, request any) (string, error) {
	body, err := xml.Marshal(request)
	if err != nil {
		return "", c.malformed("an encodable SOAP request")
	}
	env := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:bsvc="` +
		wwsNS + `"><soapenv:Body>` + string(body) + `</soapenv:Body></soapenv:Envelope>`
	u := c.host.String() + soapPrefix + c.tenant + "/" + service + "/" + wwsVersion
	resp, err := c.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: u, Body: []byte(env),
		Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "SOAPAction": {`""`}}})
	if err != nil {
		return "", err
	}
	var out struct {
		Body struct {
			Resp struct {
				XMLName xml.Name
				Event   struct {
					IDs []struct {
						Type  string `xml:"type,attr"`
						Value string `xml:",chardata"`
					} `xml:"ID"`
				} `xml:"Event_Reference"`
			} `xml:",any"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(resp.Body, &out); err != nil || out.Body.Resp.XMLName.Space != wwsNS {
		return "", c.malformed("a Workday Web Services response")
	}
	for _, id := range out.Body.Resp.Event.IDs {
		if id.Type == "WID" && strings.TrimSpace(id.Value) != "" {
			return strings.TrimSpace(id.Value), nil
		}
	}
	return "", c.malformed("the response's Event_Reference")
}

// cancelRequest is Cancel_Business_Process_Request or
// Rescind_Business_Process_Request.
type cancelRequest struct {
	XMLName xml.Name
	Version string `xml:"bsvc:version,attr"`
	Event   wwsRef `xml:"bsvc:Event_Reference"`
	Comment string `xml:"bsvc:Business_Process_Comment_Data>bsvc:Comment,omitempty"`
}

type terminateRequest struct {
	XMLName  xml.Name `xml:"bsvc:Terminate_Employee_Request"`
	Version  string   `xml:"bsvc:version,attr"`
	Comment  string   `xml:"bsvc:Business_Process_Parameters>bsvc:Comment_Data>bsvc:Comment,omitempty"`
	Employee wwsRef   `xml:"bsvc:Terminate_Employee_Data>bsvc:Employee_Reference"`
	Date     string   `xml:"bsvc:Terminate_Employee_Data>bsvc:Termination_Date"`
	Reason   wwsRef   `xml:"bsvc:Terminate_Employee_Data>bsvc:Terminate_Event_Data>bsvc:Primary_Reason_Reference"`
}

func xmlName(op string) xml.Name { return xml.Name{Local: "bsvc:" + op} }
