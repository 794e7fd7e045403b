package translate

import (
	"errors"
	"strings"
	"testing"
	"time"

	connectors "github.com/xlr8/connectors"
)

func TestParse(t *testing.T) {
	c := connectors.Eq
	tests := []struct {
		name, src string
		want      connectors.Query
	}{
		{"issue example", "SELECT employee_id, hire_date FROM worker WHERE department = 'Engineering' AND hire_date >= '2024-01-01' ORDER BY hire_date DESC LIMIT 50",
			connectors.Query{Entity: "worker", Fields: []string{"employee_id", "hire_date"},
				Where:   connectors.And{c("department", "Engineering"), connectors.Ge("hire_date", "2024-01-01")},
				OrderBy: []connectors.Order{connectors.Desc("hire_date")}, Limit: 50}},
		{"star and lower-case keywords", "select * from worker where status <> 'X' order by a, b asc limit 3",
			connectors.Query{Entity: "worker", Where: connectors.Ne("status", "X"),
				OrderBy: []connectors.Order{connectors.Asc("a"), connectors.Asc("b")}, Limit: 3}},
		{"typed literals", "SELECT a FROM e WHERE d = DATE '2024-01-31' AND t < TIMESTAMP '2024-01-31T10:00:00Z' AND n = -4 AND f >= 1.5 AND x = 1e3 AND b = TRUE AND c2 = false",
			connectors.Query{Entity: "e", Fields: []string{"a"}, Where: connectors.And{
				c("d", date(2024, 1, 31)), connectors.Lt("t", mustTime("2024-01-31T10:00:00Z")), c("n", -4),
				connectors.Ge("f", 1.5), c("x", 1000.0), c("b", true), c("c2", false)}}},
		{"in, not in, like forms, null", "SELECT a FROM e WHERE a IN ('x', 'y') AND b NOT IN (1, 2) AND c LIKE 'ab%' AND d LIKE '%c\\%d%' AND e2 NOT LIKE '%z%' AND f LIKE 'exact' AND g IS NULL AND h IS NOT NULL",
			connectors.Query{Entity: "e", Fields: []string{"a"}, Where: connectors.And{
				connectors.In("a", "x", "y"), connectors.Not{X: connectors.In("b", 1, 2)}, connectors.StartsWith("c", "ab"),
				connectors.Contains("d", "c%d"), connectors.Not{X: connectors.Contains("e2", "z")}, c("f", "exact"),
				connectors.IsNull("g"), connectors.Not{X: connectors.IsNull("h")}}}},
		{"precedence and nesting", "SELECT a FROM e WHERE a = 1 OR b = 2 AND NOT c = 3 OR (d = 4 AND (e = 5 OR f = 6))",
			connectors.Query{Entity: "e", Fields: []string{"a"}, Where: connectors.Or{
				c("a", 1), connectors.And{c("b", 2), connectors.Not{X: c("c", 3)}},
				connectors.And{c("d", 4), connectors.Or{c("e", 5), c("f", 6)}}}}},
		{"quoted identifiers and dotted paths", `SELECT "order", name.first FROM "my entity" WHERE "select" = 'x''y' AND job.title = 'z'`,
			connectors.Query{Entity: "my entity", Fields: []string{"order", "name.first"},
				Where: connectors.And{c("select", "x'y"), c("job.title", "z")}}},
		{"as of and since", "SELECT a FROM e AS OF DATE '2024-03-01' SINCE TIMESTAMP '2024-01-01T10:00:00+02:00'",
			connectors.Query{Entity: "e", Fields: []string{"a"}, AsOf: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
				Since: mustTime("2024-01-01T08:00:00Z")}},
		{"escape clause", `SELECT a FROM e WHERE a LIKE 'x\_%' ESCAPE '\'`,
			connectors.Query{Entity: "e", Fields: []string{"a"}, Where: connectors.StartsWith("a", "x_")}},
		{"unicode and newline in strings", "SELECT a FROM e WHERE a = 'Zoë\nß ☃'",
			connectors.Query{Entity: "e", Fields: []string{"a"}, Where: c("a", "Zoë\nß ☃")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			diffExpr(t, "query", got, tt.want)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src      string
		offset   int
		expected string
	}{
		{"SELECT a FROM b WHERE x = ", 26, "a value"},
		{"SELECT a FROM b WHERE x", 23, "a comparison"},
		{"SELECT a b FROM c", 9, "',' or FROM"},
		{"SELECT FROM b", 7, "a field name"},
		{"SELECT a FROM b WHERE (x = 1", 28, "')'"},
		{"SELECT a FROM b WHERE x = 'open", 26, "a closing quote"},
		{"SELECT a FROM b WHERE x = NULL", 26, "IS NULL"},
		{"SELECT a FROM b WHERE x LIKE '%y'", 29, "ends with"},
		{"SELECT a FROM b WHERE x LIKE 'a_b'", 29, "'x%'"},
		{"SELECT a FROM b WHERE order = 1", 22, "double-quoted"},
		{"SELECT a FROM b LIMIT -1", 22, "non-negative integer"},
		{"SELECT a FROM b WHERE x = 99999999999999999999", 26, "64 bits"},
		{"SELECT a FROM b WHERE d = DATE '2024-13-01'", 31, "YYYY-MM-DD"},
		{"SELECT a FROM b WHERE x = 1 ;", 28, "a name, a value or an operator"},
		{"SELECT a FROM b WHERE x IN ()", 28, "a value"},
		{"SELECT a FROM b\nWHERE x ~ 1", 24, "a name, a value"},
		{"SELECT a FROM b WHERE " + strings.Repeat("(", 300) + "x = 1" + strings.Repeat(")", 300), 0, "less nesting"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var e *connectors.Error
		if !errors.As(err, &e) || e.Code != connectors.CodeInvalidArgument {
			t.Errorf("Parse(%q) = %v, want an INVALID_ARGUMENT *connectors.Error", tt.src, err)
			continue
		}
		if !strings.Contains(e.Message, tt.expected) {
			t.Errorf("Parse(%q) message %q does not say %q", tt.src, e.Message, tt.expected)
		}
		if tt.offset > 0 && e.Details["offset"] != tt.offset {
			t.Errorf("Parse(%q) offset %v, want %d (%s)", tt.src, e.Details["offset"], tt.offset, e.Message)
		}
	}
	if _, err := Parse("SELECT a FROM b\nWHERE x ~ 1"); err != nil {
		var e *connectors.Error
		errors.As(err, &e)
		if e.Details["line"] != 2 || e.Details["column"] != 9 {
			t.Errorf("line/column = %v/%v, want 2/9", e.Details["line"], e.Details["column"])
		}
	}
}

// roundTripQueries are queries in normal form (no single-child And/Or) that
// Format and the dialect emitters must carry exactly.
func roundTripQueries() []connectors.Query {
	c := connectors.Eq
	return []connectors.Query{
		{Entity: "worker"},
		{Entity: "worker", Fields: []string{"employee_id", "hire_date"}, Where: connectors.And{c("department", "Engineering"),
			connectors.Ge("hire_date", date(2024, 1, 1))}, OrderBy: []connectors.Order{connectors.Desc("hire_date")}, Limit: 50},
		{Entity: "e", Fields: []string{"a"}, Where: connectors.Or{connectors.And{c("a", "O'Brien"), connectors.Ne("b", int64(-3))},
			connectors.Not{X: connectors.Or{c("c", 2.5), connectors.Lt("d", mustTime("2024-01-31T10:00:00Z"))}},
			connectors.And{connectors.And{c("x", true), c("y", false)}, connectors.Or{c("z", "1"), c("w", "2")}}}},
		{Entity: "e", Fields: []string{"a", "b.c"}, Where: connectors.And{connectors.In("a", "x", "y"), connectors.Not{X: connectors.In("b", int64(1), int64(2))},
			connectors.Contains("c", `50%_off\`), connectors.StartsWith("d", "x' OR Name != '"), connectors.IsNull("e"),
			connectors.Not{X: connectors.IsNull("f")}, connectors.Not{X: connectors.Not{X: c("g", "h")}}}},
		{Entity: "e", Fields: []string{"a"}, Where: connectors.And{c("u", "Zoë ☃ \n\t\\"), connectors.Contains("v", ""), connectors.StartsWith("w", "")}},
		{Entity: "select", Fields: []string{"from", "x y"}, Where: c("not", "and"), AsOf: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
			Since: mustTime("2024-01-01T10:00:00.5+02:00"), OrderBy: []connectors.Order{connectors.Asc("from")}},
		{Entity: "e", Where: connectors.And{c("big", int64(9007199254740993)), c("f", 1e21), c("g", -0.000001)}},
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, q := range roundTripQueries() {
		text := Format(q)
		got, err := Parse(text)
		if err != nil {
			t.Errorf("Parse(Format(q)) of %s: %v", text, err)
			continue
		}
		diffExpr(t, text, got, q)
		if again := Format(got); again != text {
			t.Errorf("Format is not stable: %s then %s", text, again)
		}
	}
}

func TestParseExprReadsExprString(t *testing.T) {
	for _, q := range roundTripQueries() {
		if q.Where == nil {
			continue
		}
		got, err := ParseExpr(q.Where.String())
		if err != nil {
			t.Fatalf("ParseExpr(%s): %v", q.Where, err)
		}
		diffExpr(t, q.Where.String(), got, q.Where)
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range roundTripQueries() {
		f.Add(Format(q))
	}
	f.Add("SELECT a FROM b WHERE x NOT LIKE '%\\%%' AND y IS NOT NULL")
	f.Add("select a from b where (a = 1 or b <> 'x') and not c in (1, 2.5, true)")
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			var e *connectors.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T is not a *connectors.Error", src, err)
			}
			return
		}
		text := Format(q)
		q2, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) gave a query whose Format %q does not parse: %v", src, text, err)
		}
		diffExpr(t, "reparse of "+text, q2, q)
		if text2 := Format(q2); text2 != text {
			t.Fatalf("Format unstable: %q then %q", text, text2)
		}
	})
}
