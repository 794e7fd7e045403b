package connectors

import (
	"context"
	"encoding/json"
	"time"
)

// AuditLevel says how much the audit event of an action records.
type AuditLevel string

// The audit levels.
const (
	// AuditStandard records the capability, principal, outcome and duration.
	AuditStandard AuditLevel = "STANDARD"
	// AuditVerbose also records which fields were returned (never their
	// values), for sensitive capabilities.
	AuditVerbose AuditLevel = "VERBOSE"
)

// Capability describes one action Execute runs, for a policy engine and for
// MCP tool generation.
type Capability struct {
	// Name is the capability string: "workday.hcm.get_employee".
	Name        string `json:"name"`
	Description string `json:"description"`
	// PrincipalTypes lists the kinds of caller the action is meant for.
	PrincipalTypes []PrincipalType `json:"principal_types"`
	// Sensitive marks actions that return or change PII or pay data.
	Sensitive  bool       `json:"sensitive"`
	AuditLevel AuditLevel `json:"audit_level"`
	// Write marks actions that change the vendor's data.
	Write bool `json:"write"`
	// InputSchema and OutputSchema are JSON Schemas of params and result.
	InputSchema  json.RawMessage `json:"input_schema,omitempty"`
	OutputSchema json.RawMessage `json:"output_schema,omitempty"`
}

// Allows reports whether the capability is meant for principals of type t.
// An empty t (unknown) is allowed; an empty PrincipalTypes allows all.
func (c Capability) Allows(t PrincipalType) bool {
	if t == "" || len(c.PrincipalTypes) == 0 {
		return true
	}
	for _, p := range c.PrincipalTypes {
		if p == t {
			return true
		}
	}
	return false
}

// AuditEvent records one Execute call. Connectors send it to the hook given
// by WithAudit and log it to the connector's logger.
type AuditEvent struct {
	Time       time.Time     `json:"time"`
	Product    string        `json:"product"`
	Capability string        `json:"capability"`
	Principal  Principal     `json:"principal"`
	Level      AuditLevel    `json:"level"`
	Write      bool          `json:"write"`
	Sensitive  bool          `json:"sensitive"`
	Outcome    string        `json:"outcome"` // "ok" or the error code
	VendorCode string        `json:"vendor_code,omitempty"`
	Duration   time.Duration `json:"duration"`
	// Fields lists the paths of the fields returned, on VERBOSE events. It
	// never holds a value.
	Fields []string `json:"fields,omitempty"`
}

// AuditHook receives every AuditEvent. It must be safe for concurrent use
// and must not block for long.
type AuditHook func(ctx context.Context, ev AuditEvent)
