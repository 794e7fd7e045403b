package workdaysim_test

import (
	"context"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// The benchmarks run with latency off (the default), each beside a
// baseline measured in the same run:
//
//	go test ./workdaysim -run '^$' -bench . -benchmem -benchtime 1s

func BenchmarkGetEmployee(b *testing.B) {
	sim, _ := workdaysim.New()
	ctx := context.Background()
	params := map[string]any{"employee_id": "EMP001", connectors.ParamPrincipal: "EMP001", connectors.ParamType: "HUMAN"}
	b.Run("Execute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.Execute(ctx, workdaysim.CapGetEmployee, params); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Typed", func(b *testing.B) {
		pctx := as("EMP001")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.GetEmployee(pctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The floor of any result of this shape the caller may change: its
	// four maps (the employee, name, job, manager), copied.
	b.Run("BaselineCopyResult", func(b *testing.B) {
		out, err := sim.Execute(ctx, workdaysim.CapGetEmployee, params)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var sink map[string]any
		for b.Loop() {
			sink = maps.Clone(out)
			for _, k := range []string{"name", "job", "manager"} {
				sink[k] = maps.Clone(out[k].(map[string]any))
			}
		}
		_ = sink
	})
	// The floor of Execute on this result shape: the typed method's work
	// (checks, lookup, audit) plus copying the four maps the caller owns.
	b.Run("BaselineTypedPlusCopy", func(b *testing.B) {
		out, err := sim.Execute(ctx, workdaysim.CapGetEmployee, params)
		if err != nil {
			b.Fatal(err)
		}
		pctx := as("EMP001")
		b.ReportAllocs()
		var sink map[string]any
		for b.Loop() {
			if _, err := sim.GetEmployee(pctx, workdaysim.GetEmployeeRequest{EmployeeID: "EMP001"}); err != nil {
				b.Fatal(err)
			}
			sink = maps.Clone(out)
			for _, k := range []string{"name", "job", "manager"} {
				sink[k] = maps.Clone(out[k].(map[string]any))
			}
		}
		_ = sink
	})
	b.Run("BaselineMapLookup", func(b *testing.B) {
		fix, _ := workdaysim.EmbeddedFixtures()
		byID := map[string]*workdaysim.EmployeeRecord{}
		for i := range fix.Employees {
			byID[fix.Employees[i].EmployeeID] = &fix.Employees[i]
		}
		b.ReportAllocs()
		var sink *workdaysim.Employee
		for b.Loop() {
			e := byID["EMP001"]
			m := byID[e.ManagerID]
			sink = &workdaysim.Employee{EmployeeID: e.EmployeeID, Email: e.Email, Status: e.Status, StartDate: e.StartDate,
				Name:    workdaysim.PersonName{First: e.Name.First, Last: e.Name.Last, Display: e.Name.Display},
				Job:     workdaysim.Job{Title: e.Job.Title, Department: e.Job.Department, DepartmentID: e.Job.DepartmentID, Location: e.Job.Location},
				Manager: &workdaysim.EmployeeRef{EmployeeID: m.EmployeeID, DisplayName: m.Name.Display}}
		}
		_ = sink
	})
}

func BenchmarkOrgChartDepth3(b *testing.B) {
	fix := workdaysim.Generate(10000, 1)
	sim, err := workdaysim.New(workdaysim.WithFixtures(fix))
	if err != nil {
		b.Fatal(err)
	}
	root := fix.Employees[0].EmployeeID
	three := 3
	ctx := as("bench")
	chart, _ := sim.GetOrgChart(ctx, workdaysim.GetOrgChartRequest{RootID: root, Depth: &three})
	b.Logf("depth-3 chart of a 10,000-employee organisation: %d employees", chart.TotalCount)
	b.Run("Typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.GetOrgChart(ctx, workdaysim.GetOrgChartRequest{RootID: root, Depth: &three}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Execute", func(b *testing.B) {
		params := map[string]any{"root_id": root, "depth": 3.0}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.Execute(ctx, workdaysim.CapGetOrgChart, params); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineManagerChain", func(b *testing.B) {
		leaf := fix.Employees[len(fix.Employees)-1].EmployeeID
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.GetManagerChain(ctx, workdaysim.GetManagerChainRequest{EmployeeID: leaf}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRequestCancel(b *testing.B) {
	sim, _ := workdaysim.New()
	ctx := as("EMP003")
	one := 1.0
	req := workdaysim.RequestTimeOffRequest{EmployeeID: "EMP003", Type: "PTO",
		StartDate: workdaysim.Date{Year: 2026, Month: 6, Day: 1}, EndDate: workdaysim.Date{Year: 2026, Month: 6, Day: 1}, Hours: &one}
	b.Run("Typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sub, err := sim.RequestTimeOff(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sim.CancelTimeOff(ctx, workdaysim.CancelTimeOffRequest{RequestID: sub.RequestID}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Execute", func(b *testing.B) {
		params := map[string]any{"employee_id": "EMP003", "type": "PTO", "start_date": "2026-06-01", "end_date": "2026-06-01",
			"hours": 1.0, connectors.ParamPrincipal: "EMP003", connectors.ParamType: "HUMAN"}
		b.ReportAllocs()
		for b.Loop() {
			out, err := sim.Execute(ctx, workdaysim.CapRequestTimeOff, params)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sim.Execute(ctx, workdaysim.CapCancelTimeOff, map[string]any{"request_id": out["request_id"],
				connectors.ParamPrincipal: "EMP003", connectors.ParamType: "HUMAN"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineGetBalance", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sim.GetBalance(ctx, workdaysim.GetBalanceRequest{EmployeeID: "EMP003"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := sim.CheckInvariants(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkParallelMixed runs one write in eight calls (request+cancel
// pairs) among reads through Execute, from GOMAXPROCS goroutines; the
// baseline runs the reads alone.
func BenchmarkParallelMixed(b *testing.B) {
	fix := workdaysim.Generate(2000, 3)
	for _, mode := range []string{"Mixed", "BaselineReadsOnly"} {
		b.Run(mode, func(b *testing.B) {
			sim, _ := workdaysim.New(workdaysim.WithFixtures(fix))
			var worker atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := int(worker.Add(1))
				ctx := context.Background()
				i := 0
				for pb.Next() {
					i++
					emp := fix.Employees[(w*7919+i)%len(fix.Employees)].EmployeeID
					var err error
					switch {
					case mode == "Mixed" && i%8 == 0:
						var out map[string]any
						out, err = sim.Execute(ctx, workdaysim.CapRequestTimeOff, map[string]any{"employee_id": emp, "type": "SICK",
							"start_date": "2026-06-01", "end_date": "2026-06-01", "hours": 1.0, connectors.ParamPrincipal: emp, connectors.ParamType: "HUMAN"})
						if err == nil {
							_, err = sim.Execute(ctx, workdaysim.CapCancelTimeOff, map[string]any{"request_id": out["request_id"], connectors.ParamPrincipal: emp, connectors.ParamType: "HUMAN"})
						}
					case i%3 == 0:
						_, err = sim.Execute(ctx, workdaysim.CapGetBalance, map[string]any{"employee_id": emp})
					case i%3 == 1:
						_, err = sim.Execute(ctx, workdaysim.CapGetManagerChain, map[string]any{"employee_id": emp})
					default:
						_, err = sim.Execute(ctx, workdaysim.CapGetEmployee, map[string]any{"employee_id": emp})
					}
					if err != nil && connectors.CodeOf(err) != connectors.CodeInvalidArgument {
						b.Error(strconv.Itoa(w), err)
						return
					}
				}
			})
			if err := sim.CheckInvariants(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
