package workday_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	connectors "github.com/xlr8/connectors"
	fakewd "github.com/xlr8/connectors/internal/fake/workday"
	"github.com/xlr8/connectors/salesforce"
	"github.com/xlr8/connectors/translate"
	"github.com/xlr8/connectors/workday"
	"github.com/xlr8/connectors/workdaysim"
)

// TestVocabularyAgreesWithSchema requires every entry of translate's
// vocabulary for workday_hcm to name an entity the connector serves and a
// field of that entity's schema.
func TestVocabularyAgreesWithSchema(t *testing.T) {
	w := newWire(t, newSim(t))
	conn := w.open(t)
	ctx := context.Background()
	v := translate.Default()
	n := 0
	for _, name := range v.Entities() {
		m, err := v.Mapping(workday.ProductHCM, name)
		if err != nil {
			continue
		}
		sch, err := conn.Schema(ctx, m.Entity)
		if err != nil {
			t.Errorf("vocabulary %s -> workday_hcm entity %q: %v", name, m.Entity, err)
			continue
		}
		for canonical, f := range m.Fields {
			n++
			if _, ok := sch.Field(f.Name); !ok {
				t.Errorf("vocabulary %s.%s -> %s.%s: not a field of the connector's schema", name, canonical, m.Entity, f.Name)
			}
		}
		for _, p := range m.Params {
			if _, ok := sch.Field(p.Field); !ok {
				t.Errorf("vocabulary %s param %s -> %s.%s: not a field of the connector's schema", name, p.Name, m.Entity, p.Field)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d workday_hcm field mappings checked", n)
	}
}

// TestTranslateCanonicalToWorkdayHCM is the audit's example: Translate
// to workday_hcm writes WQL over allWorkers (the date range pushed as a
// WQL condition), and the connector's wql: path runs exactly that text
// against the independent fake, whose own WQL reader evaluates it. Get
// with the same query over REST (the range filtered client side) gives
// the same workers.
func TestTranslateCanonicalToWorkdayHCM(t *testing.T) {
	text, err := translate.Translate("SELECT employee_id, hire_date FROM worker WHERE hire_date >= DATE '2024-01-01'", "canonical", workday.ProductHCM)
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT employeeID, hireDate FROM allWorkers WHERE hireDate >= '2024-01-01'"; text != want {
		t.Fatalf("Translate = %q, want %q", text, want)
	}
	f := fakewd.New(150)
	t.Cleanup(f.Close)
	ctx := context.Background()
	conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()), workday.WithPageSize(7))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var want []connectors.Record
	for _, w := range f.Workers() {
		if w.Hired >= "2024-01-01" {
			want = append(want, connectors.Record{"employeeID": w.EmployeeID, "hireDate": w.Hired})
		}
	}
	if len(want) < 8 {
		t.Fatalf("the seed has %d workers hired since 2024; the test needs more than a page", len(want))
	}
	got, err := connectors.Collect(conn.Query(ctx, "wql:"+text))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("WQL over the fake (-want +got):\n%s", d)
	}
	sent := strings.Join(f.Log(), "\n")
	if !strings.Contains(sent, "POST /ccx/api/wql/v1/"+fakewd.Tenant+"/data") {
		t.Errorf("requests %s: want the WQL data endpoint", sent)
	}

	q, err := translate.Default().ToProduct(connectors.Query{Entity: "worker", Fields: []string{"employee_id", "hire_date"},
		Where: connectors.Ge("hire_date", connectors.DateOf(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)))}, workday.ProductHCM)
	if err != nil {
		t.Fatal(err)
	}
	w := newWire(t, newSim(t))
	rest, err := connectors.Collect(w.open(t).Get(ctx, q))
	if err != nil {
		t.Fatal(err)
	}
	wantREST := []connectors.Record{{"workerId": "EMP003", "hireDate": "2023-06-01"}, {"workerId": "EMP401", "hireDate": "2023-09-05"},
		{"workerId": "EMP402", "hireDate": "2024-01-08"}}
	if d := cmp.Diff(wantREST, rest); d != "" {
		t.Errorf("workers hired since 2023 over REST (-want +got):\n%s", d)
	}
}

// TestTranslatedWQLOverFake runs translated queries with quotes and
// injection-shaped values through the connector's wql: path: the fake
// answers exactly the rows the value names, never more.
func TestTranslatedWQLOverFake(t *testing.T) {
	f := fakewd.New(12)
	t.Cleanup(f.Close)
	ctx := context.Background()
	conn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ws := f.Workers()
	tests := []struct {
		name, where string
		want        int
	}{
		{"exact name", "display_name = '" + ws[2].Name + "'", 1},
		{"injection", "display_name = 'x'' OR employeeID != ''1'", 0},
		{"quote", "display_name = 'O''Brien'", 0},
		{"in and starts", "employee_id IN ('" + ws[0].EmployeeID + "', '" + ws[1].EmployeeID + "') AND display_name LIKE 'Worker%'", 2},
		{"as of", "email IS NOT NULL AS OF DATE '2019-12-31'", 0},
	}
	for _, w := range ws {
		if w.Hired <= "2019-12-31" {
			tests[4].want++
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := translate.Translate("SELECT employee_id, display_name FROM worker WHERE "+tt.where, "canonical", workday.ProductHCM)
			if err != nil {
				t.Fatal(err)
			}
			n, err := connectors.Count(conn.Query(ctx, "wql:"+text))
			if err != nil || n != tt.want {
				t.Errorf("%s: %d rows, %v; want %d", text, n, err, tt.want)
			}
		})
	}
}

// TestForeignVendorOptionRefused: another vendor's option given to the
// Workday connector is INVALID_ARGUMENT at construction (the kit's typed
// options), not silently ignored.
func TestForeignVendorOptionRefused(t *testing.T) {
	w := newWire(t, newSim(t))
	_, err := workday.New(context.Background(), w.handler.Credential(w.srv.URL), connectors.WithHTTPClient(w.srv.Client()), salesforce.WithBatchSize(5))
	if !errors.Is(err, connectors.ErrInvalidArgument) {
		t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
	}
	if _, err := workday.New(context.Background(), w.handler.Credential(w.srv.URL), connectors.WithHTTPClient(w.srv.Client()), workday.WithPageSize(10)); err != nil {
		t.Fatal(err)
	}
}

// TestTranslatedWQLOverSimulatorAndFake runs what Translate writes for
// workday_hcm through the connector's wql: path against both backends a
// host may put in a tenant's place: the independent fake (its own WQL
// reader) and workdaysim's Handler (translate.ParseWQL over allWorkers'
// aliases). Each must answer exactly the workers a plain predicate over its
// own data picks, page after page.
func TestTranslatedWQLOverSimulatorAndFake(t *testing.T) {
	type person struct{ id, name, title, hired string }
	f := fakewd.New(40)
	t.Cleanup(f.Close)
	var fakePeople []person
	for _, w := range f.Workers() {
		fakePeople = append(fakePeople, person{w.EmployeeID, w.Name, w.Title, w.Hired})
	}
	sim := newSim(t)
	fix, err := workdaysim.EmbeddedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	var simPeople []person
	for _, e := range fix.Employees {
		simPeople = append(simPeople, person{e.EmployeeID, e.Name.Display, e.Job.Title, e.StartDate.String()})
	}
	ctx := context.Background()
	fakeConn, err := workday.New(ctx, f.Credential(), connectors.WithHTTPClient(f.Server.Client()), workday.WithPageSize(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fakeConn.Close() })
	backends := []struct {
		name   string
		conn   connectors.Connector
		people []person
	}{
		{"fake", fakeConn, fakePeople},
		{"workdaysim.Handler", newWire(t, sim).open(t, workday.WithPageSize(3)), simPeople},
	}
	tests := []struct {
		where string
		pick  func(person) bool
	}{
		{"hire_date >= DATE '2023-01-01'", func(p person) bool { return p.hired >= "2023-01-01" }},
		{"display_name LIKE 'A%'", func(p person) bool { return strings.HasPrefix(p.name, "A") }},
		{"job_title LIKE '%Engineer%' OR hire_date < DATE '2018-01-01'", func(p person) bool {
			return strings.Contains(p.title, "Engineer") || p.hired < "2018-01-01"
		}},
		{"email IS NOT NULL AS OF DATE '2019-12-31'", func(p person) bool { return p.hired <= "2019-12-31" }},
		{"display_name = 'x'' OR employeeID != ''1'", func(person) bool { return false }},
	}
	for _, b := range backends {
		for _, tt := range tests {
			t.Run(b.name+"/"+tt.where, func(t *testing.T) {
				text, err := translate.Translate("SELECT employee_id, display_name FROM worker WHERE "+tt.where, "canonical", workday.ProductHCM)
				if err != nil {
					t.Fatal(err)
				}
				want := []connectors.Record{}
				for _, p := range b.people {
					if tt.pick(p) {
						want = append(want, connectors.Record{"employeeID": p.id, "fullName": p.name})
					}
				}
				got, err := connectors.Collect(b.conn.Query(ctx, "wql:"+text))
				if err != nil {
					t.Fatalf("%s: %v", text, err)
				}
				byID := func(a, b connectors.Record) bool { return a["employeeID"].(string) < b["employeeID"].(string) }
				if d := cmp.Diff(want, got, cmpopts.SortSlices(byID), cmpopts.EquateEmpty()); d != "" {
					t.Errorf("%s (-want +got):\n%s", text, d)
				}
			})
		}
	}
	// The handler speaks Workday's names, not the simulator's: a field or
	// data source WQL does not have, or a filter on the worker reference,
	// is Workday's 400, INVALID_ARGUMENT.
	conn := backends[1].conn
	for _, bad := range []string{
		"SELECT employee_id FROM allWorkers",
		"SELECT employeeID FROM workers",
		"SELECT employeeID FROM allWorkers WHERE department = 'Engineering'",
		"SELECT employeeID FROM allWorkers WHERE worker = 'x'",
		"SELECT employeeID FROM allWorkers ORDER BY worker",
		"SELECT employeeID FROM allWorkers WHERE",
	} {
		if _, err := connectors.Collect(conn.Query(ctx, "wql:"+bad)); !errors.Is(err, connectors.ErrInvalidArgument) {
			t.Errorf("%s over the simulator: %v, want INVALID_ARGUMENT", bad, err)
		}
	}
}
