package policy

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/translate"
)

// Document is a policy as written: the Workday simulator spec's capability
// groups and role mappings, extended with bindings (who holds a role) and
// explicit denies. Parse reads one from YAML; Compile checks it.
//
//	capability_groups:
//	  workday_hcm_read: [workday.hcm.get_employee, ...]
//	  workday_hcm_full: ["workday.hcm.*"]
//	roles:
//	  - name: Manager
//	    principal_type: HUMAN
//	    extends: [Employee Self-Service]
//	    grants: [workday.time.approve, workday_hcm_read, "*.read"]
//	    personal: [birth_date]
//	bindings:
//	  - {role: Manager, groups: [managers], principals: [EMP042]}
//	denies:
//	  - {name: no-payroll-for-agents, capabilities: ["workday.payroll.*"], types: [AI_AGENT]}
type Document struct {
	// Groups maps a group name to capability names or patterns ("*" matches
	// any run of characters, dots included).
	Groups map[string][]string `yaml:"capability_groups" json:"capability_groups"`
	Roles  []Role              `yaml:"roles" json:"roles"`
	// Bindings give roles to principals, by id or by group.
	Bindings []Binding `yaml:"bindings,omitempty" json:"bindings,omitempty"`
	// Denies refuse capabilities whatever the roles grant.
	Denies []Deny `yaml:"denies,omitempty" json:"denies,omitempty"`
}

// Role is a set of grants.
type Role struct {
	Name    string `yaml:"name" json:"name"`
	UseCase string `yaml:"use_case,omitempty" json:"use_case,omitempty"`
	// PrincipalType (or PrincipalTypes) limits the role to principals of
	// that kind; empty means any kind.
	PrincipalType  connectors.PrincipalType   `yaml:"principal_type,omitempty" json:"principal_type,omitempty"`
	PrincipalTypes []connectors.PrincipalType `yaml:"principal_types,omitempty" json:"principal_types,omitempty"`
	// Extends names roles whose grants (and personal categories) this one
	// includes.
	Extends []string `yaml:"extends,omitempty" json:"extends,omitempty"`
	// Grants lists capability names, capability patterns ("*.read"), group
	// names and group patterns ("workday_time_*").
	Grants []string `yaml:"grants" json:"grants"`
	// Personal lists the personal-data categories (translate's
	// PersonalCategories, or "*") whose fields the role sees unmasked.
	Personal []string `yaml:"personal,omitempty" json:"personal,omitempty"`
}

// Binding gives a role to principals by id and to members of groups.
type Binding struct {
	Role       string   `yaml:"role" json:"role"`
	Groups     []string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Principals []string `yaml:"principals,omitempty" json:"principals,omitempty"`
}

// Deny refuses the capabilities it names to the principals it names. A deny
// without groups, principals or types applies to everyone.
type Deny struct {
	Name         string                     `yaml:"name,omitempty" json:"name,omitempty"`
	Capabilities []string                   `yaml:"capabilities" json:"capabilities"`
	Groups       []string                   `yaml:"groups,omitempty" json:"groups,omitempty"`
	Principals   []string                   `yaml:"principals,omitempty" json:"principals,omitempty"`
	Types        []connectors.PrincipalType `yaml:"types,omitempty" json:"types,omitempty"`
	Reason       string                     `yaml:"reason,omitempty" json:"reason,omitempty"`
}

// Parse reads a policy document strictly (unknown keys are errors) and
// compiles it. A malformed policy is an INVALID_ARGUMENT error.
func Parse(b []byte) (*Policy, error) {
	var d Document
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, invalid("policy does not decode: %s", firstLine(err.Error()))
	}
	return Compile(d)
}

// Compile checks a document and returns the policy it describes. Every
// name must resolve: roles extend roles that exist, without cycles; grants
// name a group or are capability names or patterns; bindings name roles;
// principal types and personal categories are known.
func Compile(d Document) (*Policy, error) {
	p := &Policy{doc: d, roles: map[string]*role{}}
	for g, entries := range d.Groups {
		if !validName(g) {
			return nil, invalid("capability group %q: the name may hold letters, digits, '_', '-', '.' and '*'", g)
		}
		if len(entries) == 0 {
			return nil, invalid("capability group %q is empty", g)
		}
		for _, e := range entries {
			if !validName(e) {
				return nil, invalid("capability group %q: entry %q is not a capability name or pattern", g, e)
			}
		}
	}
	for i := range d.Roles {
		r := &d.Roles[i]
		if strings.TrimSpace(r.Name) == "" {
			return nil, invalid("role %d has no name", i)
		}
		if _, dup := p.roles[r.Name]; dup {
			return nil, invalid("role %q is declared twice", r.Name)
		}
		types := slices.Clone(r.PrincipalTypes)
		if r.PrincipalType != "" {
			types = append(types, r.PrincipalType)
		}
		for _, t := range types {
			if !t.Valid() {
				return nil, invalid("role %q: principal type %q is not HUMAN, MACHINE or AI_AGENT", r.Name, t)
			}
		}
		for _, c := range r.Personal {
			if c != "*" && !slices.Contains(translate.PersonalCategories(), c) {
				return nil, invalid("role %q: personal category %q is not one of %v or *", r.Name, c, translate.PersonalCategories())
			}
		}
		if len(r.Grants) == 0 && len(r.Extends) == 0 {
			return nil, invalid("role %q grants nothing", r.Name)
		}
		p.roles[r.Name] = &role{name: r.Name, types: types}
	}
	for _, r := range d.Roles {
		if err := p.expand(r.Name, p.roles[r.Name], map[string]bool{}); err != nil {
			return nil, err
		}
	}
	for i, b := range d.Bindings {
		if _, ok := p.roles[b.Role]; !ok {
			return nil, invalid("binding %d names no role %q", i, b.Role)
		}
		if len(b.Groups) == 0 && len(b.Principals) == 0 {
			return nil, invalid("binding %d of role %q names no group or principal", i, b.Role)
		}
	}
	for i, dn := range d.Denies {
		if len(dn.Capabilities) == 0 {
			return nil, invalid("deny %d names no capability", i)
		}
		for _, c := range dn.Capabilities {
			if !validName(c) {
				return nil, invalid("deny %d: %q is not a capability name or pattern", i, c)
			}
		}
		for _, t := range dn.Types {
			if !t.Valid() {
				return nil, invalid("deny %d: principal type %q is not HUMAN, MACHINE or AI_AGENT", i, t)
			}
		}
	}
	return p, nil
}

// expand resolves the grants of the role named name, and of the roles it
// extends, into into.
func (p *Policy) expand(name string, into *role, visiting map[string]bool) error {
	var r *Role
	for i := range p.doc.Roles {
		if p.doc.Roles[i].Name == name {
			r = &p.doc.Roles[i]
		}
	}
	if r == nil {
		return invalid("role %q extends %q, which is not a role", into.name, name)
	}
	if visiting[name] {
		return invalid("role %q extends itself", name)
	}
	visiting[name] = true
	defer delete(visiting, name)
	for _, ext := range r.Extends {
		if err := p.expand(ext, into, visiting); err != nil {
			return err
		}
	}
	for _, c := range r.Personal {
		if !slices.Contains(into.personal, c) {
			into.personal = append(into.personal, c)
		}
	}
	for _, g := range r.Grants {
		if !validName(g) {
			return invalid("role %q: grant %q is not a capability, group or pattern", name, g)
		}
		groups := p.groupsMatching(g)
		if len(groups) > 0 {
			for _, group := range groups {
				for _, e := range p.doc.Groups[group] {
					via := fmt.Sprintf("role %q grant %q (group %s)", into.name, g, group)
					into.grants = append(into.grants, grant{pattern: e, explicit: true, via: via, reason: "granted by " + via})
				}
			}
			continue
		}
		if !strings.Contains(g, ".") && !strings.Contains(g, "*") {
			return invalid("role %q: grant %q names no capability group, and capability names hold a dot", name, g)
		}
		via := fmt.Sprintf("role %q grant %q", into.name, g)
		into.grants = append(into.grants, grant{pattern: g, explicit: !strings.Contains(g, "*"), via: via, reason: "granted by " + via})
	}
	return nil
}

func (p *Policy) groupsMatching(pattern string) []string {
	var out []string
	for g := range p.doc.Groups {
		if match(pattern, g) {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return out
}

// validName accepts capability names, group names and patterns.
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '_', r == '-', r == '.', r == '*', r == '/', r == ' ':
		default:
			return false
		}
	}
	return true
}

// match reports whether name matches pattern, where "*" stands for any run
// of characters (dots included) and everything else for itself. It does not
// allocate.
func match(pattern, name string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == name
	}
	if !strings.HasPrefix(name, pattern[:star]) {
		return false
	}
	name, pattern = name[star:], pattern[star+1:]
	for {
		star = strings.IndexByte(pattern, '*')
		if star < 0 {
			// The last part must end the name.
			return strings.HasSuffix(name, pattern)
		}
		part := pattern[:star]
		k := strings.Index(name, part)
		if k < 0 {
			return false
		}
		name, pattern = name[k+len(part):], pattern[star+1:]
	}
}

func invalid(format string, args ...any) *connectors.Error {
	return connectors.Errorf(connectors.CodeInvalidArgument, "policy: "+format, args...)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
