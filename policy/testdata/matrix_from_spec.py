#!/usr/bin/env python3
"""Writes matrix.golden from the Workday simulator spec's tables alone
(seeds/004: "Capability Mapping" and "Recommended Role Mappings"), as an
oracle independent of the Go evaluator. Roles carry the principal type the
default policy gives them (the spec's "Use Case" column)."""

H, M, A = "HUMAN", "MACHINE", "AI_AGENT"
caps = [  # name, principal types, sensitive
    ("workday.hcm.get_employee", [H, M, A], False),
    ("workday.hcm.get_employee_full", [H, M], True),
    ("workday.hcm.list_direct_reports", [H, M, A], False),
    ("workday.hcm.get_org_chart", [H, M, A], False),
    ("workday.hcm.get_manager_chain", [H, M, A], False),
    ("workday.hcm.update_employee", [H], True),
    ("workday.hcm.terminate_employee", [H], True),
    ("workday.time.get_balance", [H, M, A], False),
    ("workday.time.list_requests", [H, M, A], False),
    ("workday.time.get_request", [H, M, A], False),
    ("workday.time.request", [H, A], False),
    ("workday.time.approve", [H], False),
    ("workday.time.cancel", [H, A], False),
    ("workday.payroll.get_compensation", [H], True),
    ("workday.payroll.get_pay_statement", [H], True),
    ("workday.payroll.list_pay_statements", [H], True),
]
names = [c[0] for c in caps]
groups = {
    "workday_hcm_read": ["workday.hcm.get_employee", "workday.hcm.list_direct_reports",
                         "workday.hcm.get_org_chart", "workday.hcm.get_manager_chain"],
    "workday_hcm_full": [n for n in names if n.startswith("workday.hcm.")],
    "workday_time_read": ["workday.time.get_balance", "workday.time.list_requests", "workday.time.get_request"],
    "workday_time_write": ["workday.time.request", "workday.time.approve", "workday.time.cancel"],
    "workday_payroll_read": ["workday.payroll.get_compensation", "workday.payroll.get_pay_statement",
                             "workday.payroll.list_pay_statements"],
}
ess = set(groups["workday_hcm_read"] + groups["workday_time_read"] + ["workday.time.request", "workday.time.cancel"])
hr = set(groups["workday_hcm_full"] + groups["workday_time_read"] + groups["workday_time_write"])
roles = [  # name, principal type, capabilities
    ("Employee Self-Service", H, ess),
    ("Manager", H, ess | {"workday.time.approve", "workday.hcm.list_direct_reports"}),
    ("HR Admin", H, hr),
    ("HR Admin + Payroll", H, hr | set(groups["workday_payroll_read"])),
    ("AI Assistant", A, set(groups["workday_hcm_read"] + groups["workday_time_read"])),
    ("Onboarding Workflow", H, {"workday.hcm.get_employee", "workday.hcm.update_employee"}),
]
types = [H, M, A]
abbrev = {H: "H", M: "M", A: "A"}
out = ["# capability x role x principal type (H HUMAN, M MACHINE, A AI_AGENT): Y allowed, . denied",
       "# written by matrix_from_spec.py from the spec's tables; compared with policy.Decide by TestStressMatrix"]
out.append("capability | " + " | ".join(r[0] for r in roles))
out.append("- | " + " | ".join("HMA" for _ in roles))
for name, ctypes, _sens in caps:
    cells = []
    for rname, rtype, rcaps in roles:
        cells.append("".join("Y" if (t == rtype and t in ctypes and name in rcaps) else "." for t in types))
    out.append(name + " | " + " | ".join(cells))
open("matrix.golden", "w").write("\n".join(out) + "\n")
