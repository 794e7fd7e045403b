package translate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
)

func TestVocabularyMappingsNameCanonicalFields(t *testing.T) {
	v := Default()
	wantEntities := []string{"worker", "organization", "time_off_request", "time_off_balance", "timecard", "schedule", "accrual",
		"pay_statement", "compensation", "account", "contact", "opportunity", "journal_entry", "supplier", "invoice"}
	for _, name := range wantEntities {
		e, err := v.Entity(name)
		if err != nil {
			t.Fatalf("entity %s: %v", name, err)
		}
		if len(e.Products) == 0 {
			t.Errorf("%s is mapped for no product", name)
		}
		for pid, m := range e.Products {
			if _, err := v.Product(pid); err != nil {
				t.Errorf("%s maps unknown product %s", name, pid)
			}
			for cf, fm := range m.Fields {
				if _, err := e.Field(cf); err != nil || e.Fields[e.fieldIndex[cf]].Name != cf {
					t.Errorf("%s on %s maps %q, not a canonical field", name, pid, cf)
				}
				if fm.Name == "" {
					t.Errorf("%s.%s on %s has no product name", name, cf, pid)
				}
			}
		}
	}
	w, _ := v.Entity("worker")
	for _, f := range []string{"employee_id", "first_name", "last_name", "display_name", "email", "hire_date", "termination_date", "status",
		"job_title", "department", "department_id", "location", "manager_id", "cost_center", "employee_type"} {
		if _, err := w.Field(f); err != nil {
			t.Errorf("worker lacks %s", f)
		}
	}
	for _, pid := range []string{"ukg_pro", "ukg_wfm", "ukg_ready", "workday_hcm", "workday_fins", "sap_sf", "sap_s4", "salesforce", "oracle_hcm", "oracle_erp", "workday_sim"} {
		if _, err := v.Product(pid); err != nil {
			t.Errorf("product %s missing", pid)
		}
	}
	sim := map[string]string{"worker": "workers", "time_off_request": "time_off_requests", "time_off_balance": "time_off_balances",
		"pay_statement": "pay_statements", "organization": "organizations"}
	for c, native := range sim {
		m, err := v.Mapping("workday_sim", c)
		if err != nil || m.Entity != native {
			t.Errorf("workday_sim %s = %v, %v; want %s", c, m, err, native)
		}
	}
}

func TestLoadRejectsBadVocabularies(t *testing.T) {
	base := "products:\n  - {id: p, name: P, dialect: soql}\nentities:\n  - name: e\n    fields:\n      - {name: a, type: string, values: [X]}\n"
	for name, extra := range map[string]string{
		"unknown canonical field": "    products:\n      p: {entity: E, fields: {b: B}}\n",
		"unknown product":         "    products:\n      q: {entity: E, fields: {a: A}}\n",
		"undeclared value":        "    products:\n      p: {entity: E, fields: {a: {name: A, values: {Y: y}}}}\n",
		"param on unmapped field": "    products:\n      p: {entity: E, fields: {a: A}, params: [{field: Z, op: eq, name: z}]}\n",
		"unknown key":             "    bogus: 1\n",
	} {
		if _, err := Load(strings.NewReader(base + extra)); errCode(err) != connectors.CodeInvalidArgument {
			t.Errorf("%s: Load = %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if _, err := Load(strings.NewReader(base + "    products:\n      p: {entity: E, fields: {a: A}}\n")); err != nil {
		t.Errorf("good vocabulary: %v", err)
	}
}

func TestSynonymsAndDetect(t *testing.T) {
	v := Default()
	for word, want := range map[string]string{"employees": "worker", "staff": "worker", "Headcount": "worker", "PTO": "time_off_balance", "pto request": "time_off_request",
		"leave": "time_off_request", "deals": "opportunity", "vendors": "supplier", "time off": "time_off_request"} {
		if got, ok := v.Resolve(word); !ok || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %s", word, got, ok, want)
		}
	}
	got := v.Detect("How many staff took leave last month, what PTO is left, and which deals closed?")
	if strings.Join(got, ",") != "worker,time_off_request,time_off_balance,opportunity" {
		t.Errorf("Detect = %v", got)
	}
}

func TestProductRoundTrip(t *testing.T) {
	v := Default()
	for _, e := range v.entities {
		for pid, m := range e.Products {
			q := connectors.Query{Entity: e.Name, Fields: m.CanonicalFields()}
			pq, err := v.ToProduct(q, pid)
			if err != nil {
				t.Fatalf("%s %s: %v", pid, e.Name, err)
			}
			back, err := v.ToCanonical(pq, pid)
			if err != nil {
				t.Fatalf("%s %s back: %v", pid, e.Name, err)
			}
			diffExpr(t, pid+" "+e.Name, back, q)
			if _, err := v.Schema(pid, e.Name); err != nil {
				t.Errorf("Schema(%s, %s): %v", pid, e.Name, err)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	rec := connectors.Record{
		"name": "Zoë O'Brien", "age": 41, "score": json.Number("7.5"), "big": "9007199254740993", "active": true, "flag": "TRUE",
		"hired": "2024-03-01", "hired_t": time.Date(2024, 3, 1, 23, 0, 0, 0, time.UTC), "sf": "2024-03-01T10:22:11.000+0000",
		"odata": "/Date(1709287331000)/", "none": nil,
		"job":   map[string]any{"title": "Engineer", "tags": []any{"go", "sql"}},
		"names": map[string]any{"items": []any{map[string]any{"LastName": "Lee"}, map[string]any{"LastName": "Kim"}}},
	}
	d := date(2024, 3, 1)
	tests := []struct {
		e    connectors.Expr
		want bool
	}{
		{eq("name", "Zoë O'Brien"), true},
		{eq("name", "zoë o'brien"), false},
		{eq("age", 41.0), true},
		{connectors.Gt("age", int64(40)), true},
		{eq("age", "41"), true},
		{connectors.Ge("score", 7.5), true},
		{eq("big", int64(9007199254740993)), true},
		{eq("big", int64(9007199254740992)), false},
		{eq("active", true), true},
		{eq("flag", true), true},
		{eq("hired", d), true},
		{eq("hired_t", d), true},
		{connectors.Lt("hired", date(2024, 3, 2)), true},
		{connectors.Gt("sf", mustTime("2024-03-01T10:00:00Z")), true},
		{eq("sf", d), true},
		{eq("odata", mustTime("2024-03-01T10:02:11Z")), true},
		{connectors.IsNull("none"), true},
		{connectors.IsNull("missing"), true},
		{connectors.Ne("missing", "x"), true},
		{eq("missing", "x"), false},
		{connectors.Lt("none", int64(3)), false},
		{eq("job.title", "Engineer"), true},
		{eq("job.tags", "sql"), true},
		{eq("names.LastName", "Kim"), true},
		{connectors.In("names.LastName", "Park", "Lee"), true},
		{connectors.Contains("name", "O'B"), true},
		{connectors.StartsWith("name", "Zo"), true},
		{connectors.Contains("age", "4"), false},
		{connectors.And{eq("age", int64(41)), connectors.Not{X: eq("active", false)}}, true},
		{connectors.Or{eq("age", "x"), eq("hired", "not a date")}, false},
		{eq("job", "Engineer"), false},
	}
	for _, tt := range tests {
		if got := Match(tt.e, rec); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.e, got, tt.want)
		}
	}
	m, err := NewMatcher(connectors.And{eq("name", "ZOË O'BRIEN"), connectors.Contains("job.title", "ENG")}, FoldCase())
	if err != nil || !m.Match(rec) {
		t.Errorf("FoldCase matcher: %v %v", m, err)
	}
	if _, err := NewMatcher(connectors.Cmp{Field: "a", Op: "bogus"}); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Errorf("NewMatcher of a bad op: %v", err)
	}
	if Match(connectors.And{}, rec) {
		t.Error("an invalid expression matched")
	}
}

func TestMatchNeverPanics(t *testing.T) {
	weird := connectors.Record{"a": []any{nil, map[string]any{}, []any{}}, "b": map[string]any{"c": func() {}}, "d": (*time.Time)(nil),
		"e": struct{ X int }{1}, "f": []byte("x"), "g": uint64(1 << 63), "h": float32(1.5)}
	for _, f := range []string{"a", "a.x", "b.c", "b.c.d", "d", "e", "f", "g", "h", "zz.y"} {
		for _, v := range []any{"x", int64(1), 1.5, true, date(2024, 1, 1), mustTime("2024-01-01T00:00:00Z")} {
			for _, op := range []connectors.Op{connectors.OpEq, connectors.OpNe, connectors.OpLt, connectors.OpGe} {
				Match(connectors.Cmp{Field: f, Op: op, Value: v}, weird)
			}
			Match(connectors.In(f, v), weird)
		}
		Match(connectors.Contains(f, "x"), weird)
		Match(connectors.IsNull(f), weird)
	}
	if !Match(connectors.IsNull("d"), weird) || !Match(connectors.Gt("g", int64(1)), weird) {
		t.Error("nil pointer should be null and a uint64 above MaxInt64 a number")
	}
}

func TestTranslate(t *testing.T) {
	tests := []struct{ query, from, to, want string }{
		{"SELECT employee_id, email FROM staff WHERE status = 'ACTIVE' AND department = 'Engineering' ORDER BY employee_id LIMIT 50", "canonical", "salesforce",
			"SELECT EmployeeNumber, Email FROM User WHERE IsActive = true AND Department = 'Engineering' ORDER BY EmployeeNumber ASC LIMIT 50"},
		{"SELECT employee_id, hire_date FROM worker WHERE department = 'Engineering' AND hire_date >= '2024-01-01' ORDER BY hire_date DESC LIMIT 50", "canonical", "sap_sf",
			"User?$filter=department%20eq%20'Engineering'%20and%20hireDate%20ge%20datetime'2024-01-01T00:00:00'&$select=userId,hireDate&$orderby=hireDate%20desc&$top=50"},
		{"SELECT Id, Name, Amount FROM Opportunity WHERE Amount > 1000 AND CloseDate >= 2024-01-01", "salesforce", "canonical",
			"SELECT opportunity_id, name, amount FROM opportunity WHERE amount > 1000 AND close_date >= DATE '2024-01-01'"},
		{"A_Supplier?$filter=SupplierName eq 'O''Brien'&$select=Supplier", "sap_s4", "oracle_erp",
			"suppliers?q=Supplier%20%3D%20'O''Brien'&fields=SupplierId"},
		{"SELECT employee_id FROM worker WHERE status = 'ACTIVE'", "canonical", "workday_sim",
			"SELECT employee_id FROM workers WHERE status = 'ACTIVE'"},
		{"SELECT userId FROM User WHERE status = 'active'", "sap_sf", "workday_sim",
			"SELECT employee_id FROM workers WHERE status = 'ACTIVE'"},
		// WFM reads timecards through multi_read bodies, not query
		// parameters; Ready's time entries take start_date and end_date.
		{"SELECT work_date FROM timecard WHERE work_date >= '2024-01-01' AND work_date <= '2024-01-14'", "canonical", "ukg_ready",
			"time_entries?end_date=2024-01-14&start_date=2024-01-01"},
	}
	for _, tt := range tests {
		got, err := Translate(tt.query, tt.from, tt.to)
		if err != nil || got != tt.want {
			t.Errorf("Translate(%q, %s, %s)\n got %q, %v\nwant %q", tt.query, tt.from, tt.to, got, err, tt.want)
		}
	}
	errs := []struct {
		query, from, to string
		code            connectors.Code
		says            string
	}{
		{"SELECT Id, Email FROM Contact WHERE LastName = 'Lee'", "salesforce", "sap_sf", connectors.CodeUnsupported, "sap_sf holds no contact"},
		{"SELECT employee_id FROM worker", "canonical", "salesfroce", connectors.CodeInvalidArgument, `did you mean "salesforce"`},
		{"SELECT employe_id FROM worker", "canonical", "salesforce", connectors.CodeInvalidArgument, `did you mean "employee_id"`},
		{"SELECT id FROM wrkers", "canonical", "salesforce", connectors.CodeInvalidArgument, `did you mean "worker"`},
		{"SELECT employee_id FROM worker WHERE hire_date > '2024-01-01'", "canonical", "salesforce", connectors.CodeUnsupported, "no field for worker.hire_date"},
		{"SELECT employee_id FROM worker WHERE status = 'TERMINATED'", "canonical", "salesforce", connectors.CodeUnsupported, "no value for worker.status"},
		{"SELECT employee_id FROM worker WHERE first_name = 'Al'", "canonical", "oracle_hcm", connectors.CodeUnsupported, "cannot express"},
		{"SELECT Id FROM Acount", "salesforce", "canonical", connectors.CodeInvalidArgument, `did you mean "Account"`},
		{"SELECT Id FROM Account WHERE", "salesforce", "canonical", connectors.CodeInvalidArgument, "offset"},
	}
	for _, tt := range errs {
		_, err := Translate(tt.query, tt.from, tt.to)
		if errCode(err) != tt.code || err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Translate(%q, %s, %s) = %v; want %v saying %q", tt.query, tt.from, tt.to, err, tt.code, tt.says)
		}
	}
}

func TestTranslateFilters(t *testing.T) {
	got, err := TranslateFilters(map[string]any{"worker.status": []string{"ACTIVE", "terminated"}, "worker.department_id": "ENG"}, "ukg_pro")
	if err != nil || len(got) != 2 || got["orgLevel1Code"] != "ENG" {
		t.Fatalf("TranslateFilters = %v, %v", got, err)
	}
	// ukg_pro maps organizations too (org-levels): an unqualified status
	// or department_id fits both.
	if _, err := TranslateFilters(map[string]any{"status": "ACTIVE"}, "ukg_pro"); err == nil || !strings.Contains(err.Error(), "qualify") {
		t.Errorf("ambiguous ukg_pro status: %v", err)
	}
	diffExpr(t, "status", got["employeeStatusCode"], []any{"A", "T"})
	got, err = TranslateFilters(map[string]any{"worker.status": "ACTIVE"}, "salesforce")
	if err != nil || got["IsActive"] != true {
		t.Errorf("qualified: %v, %v", got, err)
	}
	if _, err := TranslateFilters(map[string]any{"status": "ACTIVE"}, "sap_sf"); err == nil || !strings.Contains(err.Error(), "qualify") {
		t.Errorf("ambiguous status: %v", err)
	}
	if _, err := TranslateFilters(map[string]any{"worker.status": "GONE"}, "sap_sf"); errCode(err) != connectors.CodeUnsupported {
		t.Errorf("unknown value: %v", err)
	}
	if _, err := TranslateFilters(map[string]any{"a": 1}, "nope"); errCode(err) != connectors.CodeInvalidArgument {
		t.Errorf("unknown product: %v", err)
	}
}
