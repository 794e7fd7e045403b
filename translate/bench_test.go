package translate

import (
	"fmt"
	"strconv"
	"testing"

	connectors "github.com/xlr8/connectors"
)

// sixConditions is the benchmark's query: six conditions, in the
// universal language, already in the product's names.
const sixConditions = "SELECT Id, Name, Department FROM Obj WHERE Department = 'Engineering' AND HireDate >= DATE '2024-01-01' " +
	"AND Status IN ('A', 'L') AND Name LIKE 'Al%' AND Salary > 100000 AND ManagerId IS NOT NULL ORDER BY HireDate DESC LIMIT 50"

func BenchmarkParseCompile(b *testing.B) {
	run := func(name string, compile func(q connectors.Query) (string, error)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q, err := Parse(sixConditions)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := compile(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("soql", func(q connectors.Query) (string, error) { s, err := CompileSOQL(q); return s.Query, err })
	run("odata_sf", func(q connectors.Query) (string, error) {
		o, err := CompileOData(q, SuccessFactors)
		return o.Path(), err
	})
	run("odata_s4", func(q connectors.Query) (string, error) { o, err := CompileOData(q, S4HANA); return o.Path(), err })
	run("oracle", func(q connectors.Query) (string, error) { o, err := CompileOracle(q); return o.Path(), err })
	params := []Param{{Field: "Department", Op: connectors.OpEq, Name: "dept"}, {Field: "Status", Op: connectors.OpIn, Name: "status"}}
	run("params", func(q connectors.Query) (string, error) {
		p, err := CompileParams(q, params)
		return p.Values.Encode(), err
	})
	// Baseline: the string concatenation this package replaces (no parsing,
	// no escaping, no residual): the floor for building the same SOQL.
	b.Run("baseline_sprintf_soql", func(b *testing.B) {
		b.ReportAllocs()
		dept, status1, status2 := "Engineering", "A", "L"
		for b.Loop() {
			s := fmt.Sprintf("SELECT Id, Name, Department FROM Obj WHERE Department = '%s' AND HireDate >= %s AND Status IN ('%s', '%s') AND Name LIKE '%s%%' AND Salary > %d AND ManagerId != null ORDER BY HireDate DESC LIMIT %d",
				dept, "2024-01-01", status1, status2, "Al", 100000, 50)
			if len(s) == 0 {
				b.Fatal("empty")
			}
		}
	})
}

func matchRecords(n int) []connectors.Record {
	depts := []string{"Engineering", "Sales", "Finance", "Support"}
	out := make([]connectors.Record, n)
	for i := range out {
		out[i] = connectors.Record{
			"employee_id": "E" + strconv.Itoa(i), "department": depts[i%4], "status": []string{"ACTIVE", "LEAVE", "TERMINATED"}[i%3],
			"hire_date": fmt.Sprintf("20%02d-%02d-15", 10+i%15, 1+i%12), "salary": int64(50000 + (i*7919)%150000),
			"name": fmt.Sprintf("Al%d", i%97), "manager_id": map[bool]any{true: "M1", false: nil}[i%5 != 0],
		}
	}
	return out
}

func BenchmarkMatch100k(b *testing.B) {
	recs := matchRecords(100_000)
	expr, err := ParseExpr("department = 'Engineering' AND hire_date >= DATE '2018-01-01' AND status IN ('ACTIVE', 'LEAVE') AND name LIKE 'Al1%' AND salary > 100000 AND manager_id IS NOT NULL")
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewMatcher(expr)
	if err != nil {
		b.Fatal(err)
	}
	var want int
	b.Run("matcher", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, r := range recs {
				if m.Match(r) {
					n++
				}
			}
			want = n
		}
	})
	b.Run("baseline_handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, r := range recs {
				s, _ := r["status"].(string)
				name, _ := r["name"].(string)
				hd, _ := r["hire_date"].(string) // ISO dates order as text
				if r["department"] == "Engineering" && hd >= "2018-01-01" && (s == "ACTIVE" || s == "LEAVE") &&
					len(name) >= 3 && name[:3] == "Al1" && r["salary"].(int64) > 100000 && r["manager_id"] != nil {
					n++
				}
			}
			if n != want {
				b.Fatalf("baseline counted %d, matcher %d", n, want)
			}
		}
	})
}
