package translate

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
)

// TestTranslateWorkdayWQL: the audit's query (issue 13) translates to WQL
// over allWorkers, and what WQL cannot express is UNSUPPORTED.
func TestTranslateWorkdayWQL(t *testing.T) {
	tests := []struct {
		name, query, want string
		unsupported       bool
	}{
		{"audit", "SELECT employee_id, hire_date FROM worker WHERE hire_date >= DATE '2024-01-01'",
			"SELECT employeeID, hireDate FROM allWorkers WHERE hireDate >= '2024-01-01'", false},
		{"range and title", "SELECT employee_id, job_title FROM worker WHERE hire_date >= DATE '2024-01-01' AND hire_date < DATE '2025-01-01' AND job_title LIKE 'Eng%' ORDER BY hire_date DESC LIMIT 5",
			"SELECT employeeID, businessTitle FROM allWorkers WHERE hireDate >= '2024-01-01' AND hireDate < '2025-01-01' AND businessTitle startsWith 'Eng' ORDER BY hireDate DESC LIMIT 5", false},
		{"in and or", "SELECT employee_id FROM worker WHERE employee_id IN ('21001', '21002') OR display_name LIKE '%Smith%'",
			"SELECT employeeID FROM allWorkers WHERE employeeID in ('21001', '21002') OR fullName contains 'Smith'", false},
		{"as of", "SELECT employee_id FROM worker WHERE email IS NOT NULL AS OF DATE '2024-06-30'",
			"SELECT employeeID FROM allWorkers (effectiveAsOfDate = '2024-06-30') WHERE email_PrimaryWork is not empty", false},
		{"quote", "SELECT employee_id FROM worker WHERE display_name = 'O''Brien'",
			`SELECT employeeID FROM allWorkers WHERE fullName = "O'Brien"`, false},
		{"injection", `SELECT employee_id FROM worker WHERE display_name = 'x'' OR employeeID != ''1'`,
			`SELECT employeeID FROM allWorkers WHERE fullName = "x' OR employeeID != '1"`, false},
		{"both quotes", `SELECT employee_id FROM worker WHERE display_name = 'a''"b'`, "", true},
		{"backslash", `SELECT employee_id FROM worker WHERE display_name = 'a\b'`, "", true},
		{"not equal", "SELECT employee_id FROM worker WHERE employee_id != '1'", "", true},
		{"no alias", "SELECT employee_id, location FROM worker", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Translate(tt.query, CanonicalProduct, "workday_hcm")
			if tt.unsupported {
				if !errors.Is(err, connectors.ErrUnsupported) {
					t.Fatalf("Translate = %q, %v; want UNSUPPORTED", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Translate =\n %s\nwant\n %s", got, tt.want)
			}
			back, err := ParseWQL(got)
			if err != nil {
				t.Fatalf("ParseWQL(%q): %v", got, err)
			}
			again, err := CompileWQL(back, WithTypes(map[string]connectors.FieldType{"hireDate": connectors.TypeDate}))
			if err != nil || again.Query != got {
				t.Errorf("compile(parse(x)) = %q, %v; want x", again.Query, err)
			}
		})
	}
}

// TestCompileWQLResidual: what WQL cannot carry stays residual, its
// fields selected as Extra, and the limit is withheld.
func TestCompileWQLResidual(t *testing.T) {
	q := connectors.Query{Entity: "allWorkers", Fields: []string{"employeeID"}, Limit: 10,
		Where: connectors.And{connectors.Ge("hireDate", connectors.Date{Year: 2024, Month: 1, Day: 1}),
			connectors.Ne("fullName", "x"), connectors.Not{X: connectors.In("employeeID", "1")},
			connectors.Eq("fullName", `both ' and "`), connectors.Eq("fullName", "ctl\x01")}}
	got, err := CompileWQL(q)
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT employeeID, fullName FROM allWorkers WHERE hireDate >= '2024-01-01'"; got.Query != want {
		t.Errorf("Query = %q, want %q", got.Query, want)
	}
	if diff := cmp.Diff([]string{"fullName"}, got.Extra); diff != "" {
		t.Errorf("Extra (-want +got):\n%s", diff)
	}
	if got.Limit != 0 || got.Residual == nil {
		t.Errorf("Limit %d, Residual %v: want no limit and a residual", got.Limit, got.Residual)
	}
	if _, err := CompileWQL(connectors.Query{Entity: "allWorkers"}); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Errorf("no fields: %v, want INVALID_ARGUMENT", err)
	}
	if _, err := CompileWQL(connectors.Query{Entity: "all Workers", Fields: []string{"x"}}); !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Errorf("bad source: %v, want INVALID_ARGUMENT", err)
	}
}

func TestParseWQLErrors(t *testing.T) {
	for _, src := range []string{"", "SELECT", "SELECT a FROM", "SELECT a FROM b WHERE", "SELECT a FROM b WHERE c = 'x",
		"SELECT a FROM b (dataSourceFilter = x)", "SELECT a FROM b WHERE c like '%x'", "SELECT a FROM b LIMIT -1",
		"SELECT a FROM b WHERE c = 1 extra", "SELECT a FROM b WHERE " + strings.Repeat("(", 300) + "c = 1" + strings.Repeat(")", 300)} {
		if q, err := ParseWQL(src); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("ParseWQL(%q) = %+v, %v; want INVALID_ARGUMENT", src, q, err)
		}
	}
}

// FuzzWQLInjection writes arbitrary values into WQL and checks, by
// parsing the text back, that the structure is exactly the pushed
// expression: no value can add, remove or change a condition.
func FuzzWQLInjection(f *testing.F) {
	for _, s := range []string{"O'Brien", `x" OR a = "`, "x' OR employeeID != '", `a\' OR 1=1 --`, "\\", "50%_off", "Zoë ☃", "line\nbreak", "\xff", `') OR (1=1`} {
		f.Add(s, int64(-42), 3.25, true)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, fl float64, b bool) {
		if math.IsNaN(fl) || math.IsInf(fl, 0) {
			fl = 0
		}
		where := connectors.And{connectors.Eq("fullName", s), connectors.Or{connectors.Contains("businessTitle", s), connectors.Ge("n", n)},
			connectors.In("kind", s, "x"), connectors.StartsWith("fullName", s), connectors.Lt("amount", fl), connectors.Eq("flag", b)}
		q := connectors.Query{Entity: "allWorkers", Fields: []string{"employeeID"}, Where: where}
		out, err := CompileWQL(q)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseWQL(out.Query)
		if err != nil {
			t.Fatalf("%q does not parse: %v", out.Query, err)
		}
		diffExpr(t, out.Query, back.Where, out.Pushed)
		if back.Entity != "allWorkers" || len(back.Fields) != len(out.FieldList) {
			t.Fatalf("%q changed the source or the fields", out.Query)
		}
	})
}

// TestTranslateFromWQL reads Workday WQL back into canonical names and on
// to another product.
func TestTranslateFromWQL(t *testing.T) {
	src := "SELECT employeeID, hireDate FROM allWorkers WHERE hireDate >= '2024-01-01' AND fullName contains 'Lee'"
	got, err := Translate(src, "workday_hcm", CanonicalProduct)
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT employee_id, hire_date FROM worker WHERE hire_date >= DATE '2024-01-01' AND display_name LIKE '%Lee%'"; got != want {
		t.Errorf("to canonical = %q, want %q", got, want)
	}
	back, err := Translate(src, "workday_hcm", "workday_hcm")
	if err != nil || back != src {
		t.Errorf("workday_hcm to itself = %q, %v; want %q", back, err, src)
	}
	if _, err := Translate("SELECT costCenter FROM allWorkers", "workday_hcm", CanonicalProduct); !errors.Is(err, connectors.ErrUnsupported) {
		t.Errorf("unmapped WQL field: %v, want UNSUPPORTED", err)
	}
	if _, err := Translate("SELECT workerId FROM workers", "workday_hcm", CanonicalProduct); err != nil {
		t.Errorf("the universal language in REST names still reads: %v", err)
	}
}
