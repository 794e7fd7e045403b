package workdaysim_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/connkit"
	"github.com/xlr8/connectors/workdaysim"
)

func getEmployee(t testing.TB, sim *workdaysim.Simulator, id string) map[string]any {
	t.Helper()
	out, err := sim.Execute(context.Background(), workdaysim.CapGetEmployee, map[string]any{"employee_id": id,
		connectors.ParamPrincipal: "EMP300", connectors.ParamType: "HUMAN"})
	if err != nil {
		t.Fatalf("get_employee %s: %v", id, err)
	}
	return out
}

func renameFirst(ctx context.Context, sim *workdaysim.Simulator, id, first string) error {
	_, err := sim.Execute(ctx, workdaysim.CapUpdateEmployee, map[string]any{"employee_id": id,
		"updates": map[string]any{"name": map[string]any{"first": first}}, "reason": "test",
		connectors.ParamPrincipal: "EMP300", connectors.ParamGroups: []any{workdaysim.AdminGroup}, connectors.ParamType: "HUMAN"})
	return err
}

// TestDirectoryViewMatchesTyped requires Execute(get_employee), served
// from each employee's cached view, to give what rendering the typed
// method's result gives, for every active employee, before and after a
// manager's name changes (the cache of the manager is dropped; the
// reports show the new name), and the same errors.
func TestDirectoryViewMatchesTyped(t *testing.T) {
	fix := workdaysim.Generate(60, 5)
	sim, err := workdaysim.New(workdaysim.WithFixtures(fix))
	if err != nil {
		t.Fatal(err)
	}
	ctx := as("EMP300")
	compare := func(stage string) {
		t.Helper()
		for _, e := range fix.Employees {
			want, terr := sim.GetEmployee(ctx, workdaysim.GetEmployeeRequest{EmployeeID: e.EmployeeID})
			got, err := sim.Execute(context.Background(), workdaysim.CapGetEmployee, map[string]any{"employee_id": e.EmployeeID,
				connectors.ParamPrincipal: "EMP300", connectors.ParamType: "HUMAN"})
			if terr != nil || err != nil {
				if connectors.CodeOf(terr) != connectors.CodeOf(err) || fmt.Sprint(terr) != fmt.Sprint(err) {
					t.Errorf("%s %s: typed error %v, Execute error %v", stage, e.EmployeeID, terr, err)
				}
				continue
			}
			if d := cmp.Diff(connkit.EncodeMap(want), got); d != "" {
				t.Errorf("%s %s: Execute differs from the typed result (-typed +execute):\n%s", stage, e.EmployeeID, d)
			}
		}
	}
	compare("fixtures")
	compare("cached")
	var manager, report string
	for _, e := range fix.Employees {
		if e.ManagerID != "" && e.Status != workdaysim.StatusTerminated {
			manager, report = e.ManagerID, e.EmployeeID
			break
		}
	}
	if err := renameFirst(context.Background(), sim, manager, "Renamed"); err != nil {
		t.Fatal(err)
	}
	compare("after update")
	got := getEmployee(t, sim, report)["manager"].(map[string]any)["display_name"].(string)
	if !strings.HasPrefix(got, "Renamed ") {
		t.Errorf("%s's manager after the rename: %q", report, got)
	}
	if _, err := sim.Execute(context.Background(), workdaysim.CapGetEmployee, map[string]any{"employee_id": "NOPE"}); connectors.CodeOf(err) != connectors.CodeNotFound {
		t.Errorf("unknown employee: %v", err)
	}
}

// TestExecuteResultIsTheCallers changes every level of a get_employee
// result and requires the next call to be unaffected.
func TestExecuteResultIsTheCallers(t *testing.T) {
	sim := newSim(t)
	first := getEmployee(t, sim, "EMP001")
	typed, err := sim.GetEmployee(as("EMP300"), workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"})
	if err != nil {
		t.Fatal(err)
	}
	want := connkit.EncodeMap(typed) // shares nothing with Execute's results
	if _, ok := first["manager"].(map[string]any); !ok {
		t.Fatalf("EMP001 has no manager map: %v", first)
	}
	first["email"] = "changed"
	first["extra"] = true
	delete(first, "status")
	for _, k := range []string{"name", "job", "manager"} {
		m := first[k].(map[string]any)
		for f := range m {
			m[f] = "changed"
		}
		m["extra"] = 1.0
	}
	if d := cmp.Diff(want, getEmployee(t, sim, "EMP001")); d != "" {
		t.Errorf("a caller's change reached the next result (-want +got):\n%s", d)
	}
	// The manager's own result shares nothing with the report's.
	mgr := getEmployee(t, sim, "EMP042")
	if mgr["name"].(map[string]any)["display"] != want["manager"].(map[string]any)["display_name"] {
		t.Errorf("EMP042 %v, EMP001's manager %v", mgr["name"], want["manager"])
	}
}

// TestDirectoryViewConcurrentWrites renames a manager over and over while
// other goroutines read the manager and a report through Execute (and
// change the results they get): run with -race. Every result must be one
// state or the other, never a mix.
func TestDirectoryViewConcurrentWrites(t *testing.T) {
	sim := newSim(t)
	ctx := context.Background()
	names := []string{"Bob", "Roberto"}
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			if err := renameFirst(ctx, sim, "EMP042", names[(i+1)%2]); err != nil {
				errc <- err
				return
			}
		}
	}()
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				for _, id := range []string{"EMP042", "EMP001", "EMP003"} {
					out, err := sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": id})
					if err != nil {
						errc <- err
						return
					}
					var display string
					if id == "EMP042" {
						n := out["name"].(map[string]any)
						display = n["display"].(string)
						if display != n["first"].(string)+" "+n["last"].(string) {
							errc <- fmt.Errorf("EMP042 name mixes two states: %v", n)
							return
						}
						n["first"] = "mine"
					} else {
						m := out["manager"].(map[string]any)
						display = m["display_name"].(string)
						m["display_name"] = "mine"
					}
					if display != "Bob Martinez" && display != "Roberto Martinez" {
						errc <- fmt.Errorf("%s: manager shown as %q", id, display)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if got := getEmployee(t, sim, "EMP001")["manager"].(map[string]any)["display_name"]; got != "Bob Martinez" {
		t.Errorf("after the last rename EMP001's manager is %v, want Bob Martinez", got)
	}
}
