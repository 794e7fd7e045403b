package policy

import (
	"fmt"
	"slices"
	"strings"

	connectors "github.com/xlr8/connectors"
)

// Policy is a compiled policy document. It is immutable and safe for
// concurrent use.
type Policy struct {
	doc   Document
	roles map[string]*role
}

type role struct {
	name     string
	types    []connectors.PrincipalType
	grants   []grant
	personal []string
}

type grant struct {
	pattern string
	// explicit is false for a pattern written in a role's grants ("*.read",
	// "workday.*"): such a grant never reaches a sensitive capability. A
	// capability name, or a capability group (whatever its entries), is an
	// explicit grant.
	explicit bool
	via      string
	reason   string // "granted by " + via, built once
}

// Decision is the outcome of Decide.
type Decision struct {
	Allowed bool `json:"allowed"`
	// Rule names the rule that decided: `role "Manager" grant
	// "workday.time.approve"`, `deny "no-payroll-for-agents"`, "principal",
	// "principal_types", "default".
	Rule string `json:"rule"`
	// Reason says why, in a sentence that names no value.
	Reason string `json:"reason"`
}

// Document returns a copy of the policy's document.
func (p *Policy) Document() Document {
	d := p.doc
	d.Roles = slices.Clone(d.Roles)
	d.Bindings = slices.Clone(d.Bindings)
	d.Denies = slices.Clone(d.Denies)
	return d
}

// Roles returns the names of the roles, in document order.
func (p *Policy) Roles() []string {
	out := make([]string, len(p.doc.Roles))
	for i, r := range p.doc.Roles {
		out[i] = r.Name
	}
	return out
}

// RolesOf returns the roles the principal holds through bindings and that
// apply to its principal type, in document order.
func (p *Policy) RolesOf(pr connectors.Principal) []string {
	var out []string
	for _, r := range p.doc.Roles {
		if p.holds(pr, r.Name) && p.roles[r.Name].appliesTo(pr.Type) {
			out = append(out, r.Name)
		}
	}
	return out
}

func (p *Policy) holds(pr connectors.Principal, roleName string) bool {
	for _, b := range p.doc.Bindings {
		if b.Role != roleName {
			continue
		}
		if pr.ID != "" && slices.Contains(b.Principals, pr.ID) {
			return true
		}
		for _, g := range b.Groups {
			if pr.InGroup(g) {
				return true
			}
		}
	}
	return false
}

func (r *role) appliesTo(t connectors.PrincipalType) bool {
	return len(r.types) == 0 || slices.Contains(r.types, t)
}

// Decide says whether the principal may run the capability. It fails
// closed: a principal without an id or a valid type, a capability without a
// name, a capability not meant for the principal's type, an explicit deny, a
// sensitive capability reached only by a wildcard grant, and anything no
// role grants are all refused. Decide does no I/O and allocates little; it
// is safe for concurrent use.
func (p *Policy) Decide(pr connectors.Principal, c connectors.Capability) Decision {
	switch {
	case pr.ID == "":
		return Decision{Rule: "principal", Reason: "no principal: the caller's identity is required"}
	case !pr.Type.Valid():
		return Decision{Rule: "principal", Reason: "the principal has no valid type (HUMAN, MACHINE or AI_AGENT)"}
	case c.Name == "":
		return Decision{Rule: "capability", Reason: "unknown capability"}
	case len(c.PrincipalTypes) > 0 && !slices.Contains(c.PrincipalTypes, pr.Type):
		return Decision{Rule: "principal_types", Reason: fmt.Sprintf("%s is not meant for %s principals", c.Name, pr.Type)}
	}
	for i, d := range p.doc.Denies {
		if d.appliesTo(pr) && matchesAny(d.Capabilities, c.Name) {
			name := d.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i)
			}
			reason := d.Reason
			if reason == "" {
				reason = c.Name + " is explicitly denied"
			}
			return Decision{Rule: fmt.Sprintf("deny %q", name), Reason: reason}
		}
	}
	wildcardOnly := ""
	for _, r := range p.doc.Roles {
		cr := p.roles[r.Name]
		if !cr.appliesTo(pr.Type) || !p.holds(pr, r.Name) {
			continue
		}
		for _, g := range cr.grants {
			if !match(g.pattern, c.Name) {
				continue
			}
			if c.Sensitive && !g.explicit {
				if wildcardOnly == "" {
					wildcardOnly = g.via
				}
				continue
			}
			return Decision{Allowed: true, Rule: g.via, Reason: g.reason}
		}
	}
	if wildcardOnly != "" {
		return Decision{Rule: "sensitive", Reason: fmt.Sprintf("%s is sensitive and needs an explicit grant; %s is a wildcard", c.Name, wildcardOnly)}
	}
	return Decision{Rule: "default", Reason: fmt.Sprintf("no role of the principal grants %s", c.Name)}
}

func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if match(p, name) {
			return true
		}
	}
	return false
}

func (d Deny) appliesTo(pr connectors.Principal) bool {
	if len(d.Groups) == 0 && len(d.Principals) == 0 && len(d.Types) == 0 {
		return true
	}
	if slices.Contains(d.Principals, pr.ID) || slices.Contains(d.Types, pr.Type) {
		return true
	}
	for _, g := range d.Groups {
		if pr.InGroup(g) {
			return true
		}
	}
	return false
}

// Personal returns the personal-data categories the principal sees
// unmasked: the union of its roles' categories ("*" for all).
func (p *Policy) Personal(pr connectors.Principal) []string {
	if pr.ID == "" || !pr.Type.Valid() {
		return nil
	}
	var out []string
	for _, name := range p.RolesOf(pr) {
		for _, c := range p.roles[name].personal {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// ReadCapability is the capability Enforce checks for Get on an entity:
// "<product>.<entity>.read", for every principal type, not sensitive
// (personal fields are masked instead). A policy grants it by name or by
// pattern ("*.read", "workday_hcm.*").
func ReadCapability(product, entity string) connectors.Capability {
	return connectors.Capability{
		Name:        product + "." + entity + ".read",
		Description: fmt.Sprintf("Read %s records from %s", entity, product),
		AuditLevel:  connectors.AuditStandard,
	}
}

// QueryCapability is the capability Enforce checks for Query (a native
// query: SOQL, an OData path, a report): "<product>.query". It is sensitive,
// since a native query can read any entity: only an explicit grant reaches it.
func QueryCapability(product string) connectors.Capability {
	return connectors.Capability{
		Name:        product + ".query",
		Description: fmt.Sprintf("Run a native query on %s", product),
		Sensitive:   true,
		AuditLevel:  connectors.AuditVerbose,
	}
}

// String renders a decision for logs: "allowed by ..." or "denied (...)".
func (d Decision) String() string {
	var b strings.Builder
	if d.Allowed {
		b.WriteString("allowed: ")
	} else {
		b.WriteString("denied: ")
	}
	b.WriteString(d.Reason)
	return b.String()
}
