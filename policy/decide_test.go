package policy

import (
	"testing"

	connectors "github.com/xlr8/connectors"
)

const testDoc = `
capability_groups:
  hcm_read: [hr.get_employee, hr.list_reports]
  hcm_all: ["hr.*"]
roles:
  - name: Reader
    grants: [hcm_read, "*.read"]
  - name: Lead
    principal_type: HUMAN
    extends: [Reader]
    grants: [hr.approve]
  - name: Admin
    principal_types: [HUMAN, MACHINE]
    grants: [hcm_all]
    personal: [birth_date]
  - name: Wild
    grants: ["hr.*"]
bindings:
  - {role: Reader, groups: [staff]}
  - {role: Lead, principals: [LEAD1]}
  - {role: Admin, groups: [admins]}
  - {role: Wild, groups: [wild]}
denies:
  - {name: no-agents-terminate, capabilities: ["hr.terminate"], types: [AI_AGENT]}
  - {name: blocked-user, capabilities: ["*"], principals: [BAD1]}
`

func TestDecide(t *testing.T) {
	p, err := Parse([]byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	all := []connectors.PrincipalType{connectors.PrincipalHuman, connectors.PrincipalMachine, connectors.PrincipalAIAgent}
	get := connectors.Capability{Name: "hr.get_employee", PrincipalTypes: all}
	approve := connectors.Capability{Name: "hr.approve", PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}}
	terminate := connectors.Capability{Name: "hr.terminate", PrincipalTypes: all, Sensitive: true, Write: true}
	full := connectors.Capability{Name: "hr.get_full", PrincipalTypes: all, Sensitive: true}
	human := func(id string, groups ...string) connectors.Principal {
		return connectors.Principal{ID: id, Type: connectors.PrincipalHuman, Groups: groups}
	}
	agent := func(id string, groups ...string) connectors.Principal {
		return connectors.Principal{ID: id, Type: connectors.PrincipalAIAgent, Groups: groups}
	}
	tests := []struct {
		name  string
		p     connectors.Principal
		c     connectors.Capability
		allow bool
		rule  string
	}{
		{"no principal", connectors.Principal{}, get, false, "principal"},
		{"no type", connectors.Principal{ID: "U1", Groups: []string{"staff"}}, get, false, "principal"},
		{"bad type", connectors.Principal{ID: "U1", Type: "ROBOT", Groups: []string{"staff"}}, get, false, "principal"},
		{"unknown capability", human("U1", "staff"), connectors.Capability{}, false, "capability"},
		{"group grant", human("U1", "staff"), get, true, `role "Reader" grant "hcm_read" (group hcm_read)`},
		{"no binding", human("U2"), get, false, "default"},
		{"pattern read", agent("A1", "staff"), ReadCapability("salesforce", "Account"), true, `role "Reader" grant "*.read"`},
		{"pattern does not reach native query", human("U1", "staff"), QueryCapability("salesforce"), false, "default"},
		{"extends by principal id", human("LEAD1"), get, true, `role "Lead" grant "hcm_read" (group hcm_read)`},
		{"own grant", human("LEAD1"), approve, true, `role "Lead" grant "hr.approve"`},
		{"role type gate", agent("LEAD1"), get, false, "default"},
		{"capability type gate", agent("A1", "admins"), approve, false, "principal_types"},
		{"sensitive through group", human("H1", "admins"), terminate, true, `role "Admin" grant "hcm_all" (group hcm_all)`},
		{"sensitive needs explicit", human("W1", "wild"), full, false, "sensitive"},
		{"wildcard reaches non-sensitive", human("W1", "wild"), approve, true, `role "Wild" grant "hr.*"`},
		{"deny by type", connectors.Principal{ID: "A1", Type: connectors.PrincipalAIAgent, Groups: []string{"admins"}}, terminate, false, `deny "no-agents-terminate"`},
		{"deny by principal wins over grant", human("BAD1", "staff"), get, false, `deny "blocked-user"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := p.Decide(tt.p, tt.c)
			if d.Allowed != tt.allow || d.Rule != tt.rule {
				t.Errorf("Decide = %+v; want allowed=%v rule=%s", d, tt.allow, tt.rule)
			}
			if d.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestPersonal(t *testing.T) {
	p, err := Parse([]byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Personal(connectors.Principal{ID: "H", Type: connectors.PrincipalHuman, Groups: []string{"admins"}}); len(got) != 1 || got[0] != "birth_date" {
		t.Errorf("admin personal = %v", got)
	}
	if got := p.Personal(connectors.Principal{ID: "H", Type: connectors.PrincipalAIAgent, Groups: []string{"admins"}}); got != nil {
		t.Errorf("Admin does not apply to AI agents; personal = %v", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"unknown key":         "capability_groups: {}\nroles: []\nfoo: 1\n",
		"not yaml":            "roles: [",
		"cycle":               "roles:\n  - {name: A, extends: [B], grants: [x.y]}\n  - {name: B, extends: [A], grants: [x.y]}\n",
		"unknown extends":     "roles:\n  - {name: A, extends: [Nope], grants: [x.y]}\n",
		"bad type":            "roles:\n  - {name: A, principal_type: ROBOT, grants: [x.y]}\n",
		"bad personal":        "roles:\n  - {name: A, grants: [x.y], personal: [shoe_size]}\n",
		"empty role":          "roles:\n  - {name: A}\n",
		"duplicate role":      "roles:\n  - {name: A, grants: [x.y]}\n  - {name: A, grants: [x.y]}\n",
		"grant names nothing": "roles:\n  - {name: A, grants: [nogroup]}\n",
		"bad grant":           "roles:\n  - {name: A, grants: [\"x;y\"]}\n",
		"binding no role":     "roles:\n  - {name: A, grants: [x.y]}\nbindings:\n  - {role: B, groups: [g]}\n",
		"binding no subject":  "roles:\n  - {name: A, grants: [x.y]}\nbindings:\n  - {role: A}\n",
		"deny nothing":        "roles:\n  - {name: A, grants: [x.y]}\ndenies:\n  - {principals: [P]}\n",
		"empty group":         "capability_groups: {g: []}\nroles:\n  - {name: A, grants: [g]}\n",
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(doc))
			if connectors.CodeOf(err) != connectors.CodeInvalidArgument {
				t.Fatalf("Parse = %v; want INVALID_ARGUMENT", err)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"a.b", "a.b", true}, {"a.b", "a.bc", false}, {"*", "anything.at.all", true},
		{"*.read", "salesforce.Account.read", true}, {"*.read", "salesforce.read.x", false},
		{"workday.hcm.*", "workday.hcm.get_employee", true}, {"workday.hcm.*", "workday.time.get_balance", false},
		{"a*b*c", "abc", true}, {"a*b*c", "ac", false}, {"a*a", "a", false}, {"w*_time_*", "workday_time_read", true},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("match(%q, %q) = %v", tt.pattern, tt.name, got)
		}
	}
}

func TestDefaultPolicyParses(t *testing.T) {
	p := Default()
	if len(p.Roles()) != 6 {
		t.Errorf("roles = %v", p.Roles())
	}
}

func BenchmarkDecide(b *testing.B) {
	p, err := Parse([]byte(testDoc))
	if err != nil {
		b.Fatal(err)
	}
	pr := connectors.Principal{ID: "LEAD1", Type: connectors.PrincipalHuman, Groups: []string{"g1", "g2", "staff"}}
	c := connectors.Capability{Name: "hr.approve", PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}}
	b.ReportAllocs()
	for b.Loop() {
		if !p.Decide(pr, c).Allowed {
			b.Fatal("denied")
		}
	}
}
