package connectors

import (
	"fmt"
	"strings"
)

// The keys of Execute's params that carry the caller's identity. Connectors
// strip them before using params and record them in the audit log.
const (
	ParamPrincipal = "__principal__"
	ParamGroups    = "__groups__"
	ParamType      = "__type__"
)

// PrincipalType is the kind of caller.
type PrincipalType string

// The principal types.
const (
	PrincipalHuman   PrincipalType = "HUMAN"
	PrincipalMachine PrincipalType = "MACHINE"
	PrincipalAIAgent PrincipalType = "AI_AGENT"
)

// PrincipalTypes lists every principal type.
func PrincipalTypes() []PrincipalType {
	return []PrincipalType{PrincipalHuman, PrincipalMachine, PrincipalAIAgent}
}

// Valid reports whether t is one of the principal types.
func (t PrincipalType) Valid() bool {
	switch t {
	case PrincipalHuman, PrincipalMachine, PrincipalAIAgent:
		return true
	}
	return false
}

// Principal is the caller on whose behalf an action runs. Trust is
// passthrough: the host's policy engine authenticated and authorized the
// caller; connectors record the principal and use it where a business rule
// needs it (only the owner may cancel ...).
type Principal struct {
	ID     string
	Groups []string
	Type   PrincipalType
}

// IsZero reports whether no principal was given.
func (p Principal) IsZero() bool { return p.ID == "" && len(p.Groups) == 0 && p.Type == "" }

// InGroup reports whether the principal belongs to group.
func (p Principal) InGroup(group string) bool {
	for _, g := range p.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// Validate checks the type (empty is allowed: unknown) and the id.
func (p Principal) Validate() error {
	if p.Type != "" && !p.Type.Valid() {
		return Errorf(CodeInvalidArgument, "principal type %q is not one of HUMAN, MACHINE, AI_AGENT", p.Type).
			WithDetail("field", ParamType)
	}
	if p.ID != strings.TrimSpace(p.ID) {
		return Errorf(CodeInvalidArgument, "principal id has surrounding space").WithDetail("field", ParamPrincipal)
	}
	return nil
}

// WithPrincipal returns a copy of params carrying p under the principal
// keys (params itself is not modified). Empty parts of p are left out.
func WithPrincipal(params map[string]any, p Principal) map[string]any {
	out := make(map[string]any, len(params)+3)
	for k, v := range params {
		out[k] = v
	}
	if p.ID != "" {
		out[ParamPrincipal] = p.ID
	}
	if len(p.Groups) > 0 {
		out[ParamGroups] = append([]string(nil), p.Groups...)
	}
	if p.Type != "" {
		out[ParamType] = string(p.Type)
	}
	return out
}

// SplitPrincipal takes the principal out of params: it returns the
// principal and a copy of params without the principal keys. __groups__ may
// be a []string or a []any of strings. A malformed key or an unknown type
// is an INVALID_ARGUMENT error naming the key. params is not modified.
func SplitPrincipal(params map[string]any) (Principal, map[string]any, error) {
	var p Principal
	rest := make(map[string]any, len(params))
	for k, v := range params {
		switch k {
		case ParamPrincipal:
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return Principal{}, nil, Errorf(CodeInvalidArgument, "%s must be a string, got %T", ParamPrincipal, v).
					WithDetail("field", ParamPrincipal)
			}
			p.ID = s
		case ParamGroups:
			groups, err := stringList(v)
			if err != nil {
				return Principal{}, nil, Errorf(CodeInvalidArgument, "%s: %v", ParamGroups, err).WithDetail("field", ParamGroups)
			}
			p.Groups = groups
		case ParamType:
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return Principal{}, nil, Errorf(CodeInvalidArgument, "%s must be a string, got %T", ParamType, v).
					WithDetail("field", ParamType)
			}
			p.Type = PrincipalType(strings.ToUpper(strings.TrimSpace(s)))
		default:
			rest[k] = v
		}
	}
	if err := p.Validate(); err != nil {
		return Principal{}, nil, err
	}
	return p, rest, nil
}

func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []string:
		return append([]string(nil), x...), nil
	case string:
		if x == "" {
			return nil, nil
		}
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("element %d must be a string, got %T", i, e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be a list of strings, got %T", v)
}
