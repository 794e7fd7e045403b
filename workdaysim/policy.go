package workdaysim

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	connectors "github.com/xlr8/connectors"
	connpolicy "github.com/xlr8/connectors/policy"
	"github.com/xlr8/connectors/workday/wdapi"
)

// policyYAML is the spec's policy document, kept once, in package policy
// (which also enforces it).
var policyYAML = connpolicy.DefaultYAML()

// Policy is the spec's policy extension: capability groups and the
// recommended role mappings, shipped as embedded YAML (PolicyYAML).
type Policy struct {
	// Groups maps a group name to its entries: capability strings or
	// patterns ending in "*".
	Groups map[string][]string `yaml:"capability_groups" json:"capability_groups"`
	Roles  []Role              `yaml:"roles" json:"roles"`
}

// Role is a recommended role mapping.
type Role struct {
	Name    string `yaml:"name" json:"name"`
	UseCase string `yaml:"use_case" json:"use_case"`
	// PrincipalType is the kind of principal the role is meant for.
	PrincipalType connectors.PrincipalType `yaml:"principal_type" json:"principal_type"`
	// Extends names roles whose grants this one includes.
	Extends []string `yaml:"extends,omitempty" json:"extends,omitempty"`
	// Grants lists capabilities, groups and group patterns ("workday_time_*").
	Grants []string `yaml:"grants" json:"grants"`
	// Personal lists the personal-data categories the role sees unmasked
	// (package policy).
	Personal []string `yaml:"personal,omitempty" json:"personal,omitempty"`
}

var (
	policyOnce sync.Once
	policy     Policy
	policyErr  error
)

// PolicyYAML returns the embedded policy document.
func PolicyYAML() []byte { return append([]byte(nil), policyYAML...) }

// LoadPolicy returns the embedded policy (parsed once; the result is a
// copy).
func LoadPolicy() (Policy, error) {
	policyOnce.Do(func() { policy, policyErr = ParsePolicy(policyYAML) })
	if policyErr != nil {
		return Policy{}, policyErr
	}
	p := Policy{Groups: map[string][]string{}, Roles: make([]Role, len(policy.Roles))}
	for k, v := range policy.Groups {
		p.Groups[k] = append([]string(nil), v...)
	}
	for i, r := range policy.Roles {
		r.Extends = append([]string(nil), r.Extends...)
		r.Grants = append([]string(nil), r.Grants...)
		r.Personal = append([]string(nil), r.Personal...)
		p.Roles[i] = r
	}
	return p, nil
}

// ParsePolicy parses a policy document strictly (unknown keys are errors).
func ParsePolicy(b []byte) (Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Policy{}, validationError("policy", "does not decode: "+firstLine(err.Error()))
	}
	return p, nil
}

// matchPattern reports whether name matches entry: equal, or entry ends in
// "*" and name starts with what precedes it.
func matchPattern(entry, name string) bool {
	if prefix, ok := strings.CutSuffix(entry, "*"); ok {
		return strings.HasPrefix(name, prefix)
	}
	return entry == name
}

// GroupCapabilities expands a group to capability strings, sorted. An
// unknown group or an entry matching no capability is an error.
func (p Policy) GroupCapabilities(group string) ([]string, error) {
	entries, ok := p.Groups[group]
	if !ok {
		return nil, validationError("group", fmt.Sprintf("no capability group %q", group))
	}
	set := map[string]bool{}
	for _, e := range entries {
		n := 0
		for _, c := range wdapi.Capabilities() {
			if matchPattern(e, c.Name) {
				set[c.Name] = true
				n++
			}
		}
		if n == 0 {
			return nil, validationError("capability_groups."+group, fmt.Sprintf("entry %q names no capability", e))
		}
	}
	return sortedKeys(set), nil
}

// Role returns the role named name.
func (p Policy) Role(name string) (Role, bool) {
	for _, r := range p.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// RoleCapabilities expands a role to capability strings, sorted: its
// extended roles' grants, then each grant as a capability, a group, or a
// group pattern. An entry that names nothing is an error.
func (p Policy) RoleCapabilities(name string) ([]string, error) {
	set := map[string]bool{}
	if err := p.expandRole(name, set, map[string]bool{}); err != nil {
		return nil, err
	}
	return sortedKeys(set), nil
}

func (p Policy) expandRole(name string, set, visiting map[string]bool) error {
	r, ok := p.Role(name)
	if !ok {
		return validationError("role", fmt.Sprintf("no role %q", name))
	}
	if visiting[name] {
		return validationError("roles."+name, "extends itself")
	}
	visiting[name] = true
	defer delete(visiting, name)
	for _, ext := range r.Extends {
		if err := p.expandRole(ext, set, visiting); err != nil {
			return err
		}
	}
	for _, g := range r.Grants {
		n := 0
		if _, ok := wdapi.Capability(g); ok {
			set[g] = true
			n++
		}
		for group := range p.Groups {
			if !matchPattern(g, group) {
				continue
			}
			caps, err := p.GroupCapabilities(group)
			if err != nil {
				return err
			}
			for _, c := range caps {
				set[c] = true
			}
			n++
		}
		if n == 0 {
			return validationError("roles."+name, fmt.Sprintf("grant %q names no capability or group", g))
		}
	}
	return nil
}

// Check verifies the policy against the capabilities: every group and role
// names only existing capabilities, every capability is in some group, and
// no role grants a capability to a principal type the capability does not
// allow.
func (p Policy) Check() error {
	grouped := map[string]bool{}
	names := make([]string, 0, len(p.Groups))
	for g := range p.Groups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		caps, err := p.GroupCapabilities(g)
		if err != nil {
			return err
		}
		for _, c := range caps {
			grouped[c] = true
		}
	}
	for _, c := range wdapi.Capabilities() {
		if !grouped[c.Name] {
			return validationError("capability_groups", fmt.Sprintf("capability %s is in no group", c.Name))
		}
	}
	for _, r := range p.Roles {
		if !r.PrincipalType.Valid() {
			return validationError("roles."+r.Name, fmt.Sprintf("principal_type %q is not HUMAN, MACHINE or AI_AGENT", r.PrincipalType))
		}
		caps, err := p.RoleCapabilities(r.Name)
		if err != nil {
			return err
		}
		for _, c := range caps {
			if !capability(c).Allows(r.PrincipalType) {
				return validationError("roles."+r.Name, fmt.Sprintf("grants %s to %s principals, which it does not allow", c, r.PrincipalType))
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
