package translate

import (
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	connectors "github.com/xlr8/connectors"
)

var (
	eq  = connectors.Eq
	not = func(e connectors.Expr) connectors.Expr { return connectors.Not{X: e} }
)

func TestCompileSOQL(t *testing.T) {
	types := WithTypes(map[string]connectors.FieldType{"CloseDate": connectors.TypeDate, "LastModifiedDate": connectors.TypeDateTime,
		"Amount": connectors.TypeFloat, "IsWon": connectors.TypeBool, "Name": connectors.TypeString})
	tests := []struct {
		name     string
		q        connectors.Query
		opts     []Option
		want     string
		residual string
	}{
		{"quote", connectors.Query{Entity: "Contact", Fields: []string{"Id"}, Where: eq("LastName", "O'Brien")}, nil,
			`SELECT Id FROM Contact WHERE LastName = 'O\'Brien'`, ""},
		{"injection attempt stays a value", connectors.Query{Entity: "Contact", Fields: []string{"Id"}, Where: eq("Name", "x' OR Name != '")}, nil,
			`SELECT Id FROM Contact WHERE Name = 'x\' OR Name != \''`, ""},
		{"backslash, double quote, newline, tab, unicode", connectors.Query{Entity: "A", Fields: []string{"Id"}, Where: eq("Name", "a\\b\"c\nd\te ☃ Zoë")}, nil,
			`SELECT Id FROM A WHERE Name = 'a\\b\"c\nd\te ☃ Zoë'`, ""},
		{"LIKE escapes", connectors.Query{Entity: "A", Fields: []string{"Id"}, Where: connectors.And{connectors.Contains("Name", "50%_off"), connectors.StartsWith("Name", `a\'`)}}, nil,
			`SELECT Id FROM A WHERE Name LIKE '%50\%\_off%' AND Name LIKE 'a\\\'%'`, ""},
		{"dates, datetimes, null, in, not in", connectors.Query{Entity: "Opportunity", Fields: []string{"Id"}, Where: connectors.And{
			connectors.Ge("CloseDate", "2024-01-01"), connectors.Lt("LastModifiedDate", date(2024, 2, 1)), connectors.IsNull("Amount"),
			not(connectors.IsNull("Name")), connectors.In("StageName", "Won", "Lost"), not(connectors.In("Type", "a"))}}, []Option{types},
			`SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-01 AND LastModifiedDate < 2024-02-01T00:00:00Z AND Amount = null AND Name != null AND StageName IN ('Won', 'Lost') AND Type NOT IN ('a')`, ""},
		{"type coercion from strings", connectors.Query{Entity: "Opportunity", Fields: []string{"Id"}, Where: connectors.And{eq("Amount", "1500.5"), eq("IsWon", "true")}}, []Option{types},
			`SELECT Id FROM Opportunity WHERE Amount = 1500.5 AND IsWon = true`, ""},
		{"nesting and not", connectors.Query{Entity: "A", Fields: []string{"Id"}, Where: connectors.Or{connectors.And{eq("a", int64(1)), not(eq("b", 2.5))}, not(connectors.Or{eq("c", true), eq("d", false)})}, OrderBy: []connectors.Order{connectors.Desc("a"), connectors.Asc("b")}, Limit: 10}, nil,
			`SELECT Id FROM A WHERE (a = 1 AND NOT b = 2.5) OR NOT (c = true OR d = false) ORDER BY a DESC, b ASC LIMIT 10`, ""},
		{"residual: control character, limit withheld, field added", connectors.Query{Entity: "A", Fields: []string{"Id"}, Where: connectors.And{eq("a", "x"), eq("b", "bell\a")}, Limit: 5}, nil,
			`SELECT Id, b FROM A WHERE a = 'x'`, `b = 'bell` + "\a" + `'`},
		{"residual: sub-second timestamp and LIKE on a number", connectors.Query{Entity: "Opportunity", Fields: []string{"Id"}, Where: connectors.And{connectors.Gt("LastModifiedDate", mustTime("2024-01-01T10:00:00.5Z")), connectors.Contains("Amount", "5")}}, []Option{types},
			`SELECT Id, LastModifiedDate, Amount FROM Opportunity`, `LastModifiedDate > TIMESTAMP '2024-01-01T10:00:00.5Z' AND Amount LIKE '%5%'`},
		{"residual: an Or with one inexpressible side goes whole", connectors.Query{Entity: "A", Fields: []string{"Id"}, Where: connectors.And{eq("a", "x"), connectors.Or{eq("b", "y"), eq("c", "\x00")}}}, nil,
			`SELECT Id, b, c FROM A WHERE a = 'x'`, `b = 'y' OR c = '` + "\x00" + `'`},
		{"since field", connectors.Query{Entity: "A", Fields: []string{"Id"}, Since: mustTime("2024-01-01T00:00:00Z")}, []Option{WithSinceField("SystemModstamp")},
			`SELECT Id FROM A WHERE SystemModstamp >= 2024-01-01T00:00:00Z`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompileSOQL(tt.q, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got.Query != tt.want {
				t.Errorf("SOQL\n got %s\nwant %s", got.Query, tt.want)
			}
			res := ""
			if got.Residual != nil {
				res = got.Residual.String()
			}
			if res != tt.residual {
				t.Errorf("residual %q, want %q", res, tt.residual)
			}
			if got.Residual != nil && got.Limit != 0 {
				t.Errorf("LIMIT %d sent with a residual", got.Limit)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	schema := connectors.EntitySchema{Entity: "Account", Fields: []connectors.Field{{Name: "Id"}, {Name: "Name", Type: connectors.TypeString}, {Name: "CreatedDate", Type: connectors.TypeDateTime}}}
	cases := []struct {
		name string
		run  func() error
		code connectors.Code
		says string
	}{
		{"unknown field with schema", func() error {
			_, err := CompileSOQL(connectors.Query{Entity: "Account", Fields: []string{"Nmae"}}, WithSchema(schema))
			return err
		}, connectors.CodeInvalidArgument, `did you mean "Name"`},
		{"bad date value", func() error {
			_, err := CompileOData(connectors.Query{Entity: "A", Where: eq("CreatedDate", "yesterday")}, S4HANA, WithSchema(connectors.EntitySchema{Entity: "A", Fields: []connectors.Field{{Name: "CreatedDate", Type: connectors.TypeDateTime}}}))
			return err
		}, connectors.CodeInvalidArgument, "datetime"},
		{"field name that cannot be written", func() error {
			_, err := CompileSOQL(connectors.Query{Entity: "A", Fields: []string{"Id, (SELECT Id FROM B)"}})
			return err
		}, connectors.CodeInvalidArgument, "cannot be written"},
		{"since without field", func() error {
			_, err := CompileOracle(connectors.Query{Entity: "workers", Since: time.Now()})
			return err
		}, connectors.CodeUnsupported, "WithSinceField"},
		{"as of on salesforce", func() error {
			_, err := CompileSOQL(connectors.Query{Entity: "A", AsOf: time.Now()})
			return err
		}, connectors.CodeUnsupported, "effective-dated"},
		{"order by child on oracle", func() error {
			_, err := CompileOracle(connectors.Query{Entity: "workers", OrderBy: []connectors.Order{connectors.Asc("names.LastName")}})
			return err
		}, connectors.CodeUnsupported, "child attribute"},
	}
	for _, c := range cases {
		err := c.run()
		if errCode(err) != c.code || err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want %v saying %q", c.name, err, c.code, c.says)
		}
	}
}

func TestCompileOData(t *testing.T) {
	schema := connectors.EntitySchema{Entity: "EmpJob", Fields: []connectors.Field{
		{Name: "userId", Type: connectors.TypeString, Filterable: true}, {Name: "seqNumber", Type: connectors.TypeInt, VendorType: "Edm.Int64", Filterable: true},
		{Name: "startDate", Type: connectors.TypeDate, VendorType: "Edm.DateTime", Filterable: true},
		{Name: "lastModifiedDateTime", Type: connectors.TypeDateTime, VendorType: "Edm.DateTimeOffset", Filterable: true},
		{Name: "amount", Type: connectors.TypeFloat, VendorType: "Edm.Decimal", Filterable: true},
		{Name: "custom01", Type: connectors.TypeString}, {Name: "managerUserNav/userId", Type: connectors.TypeString, Filterable: true},
	}}
	tests := []struct {
		name                string
		flavor              ODataFlavor
		q                   connectors.Query
		filter, sel, expand string
		top                 int
		residual            string
		extra               []string
	}{
		{"quotes doubled, typed literals", SuccessFactors, connectors.Query{Entity: "EmpJob", Fields: []string{"userId"}, Where: connectors.And{
			eq("userId", "O'Brien"), eq("seqNumber", "2"), connectors.Ge("startDate", "2024-01-01"), connectors.Gt("lastModifiedDateTime", "2024-01-01T10:00:00Z"), connectors.Le("amount", int64(5))}, Limit: 20},
			"userId eq 'O''Brien' and seqNumber eq 2L and startDate ge datetime'2024-01-01T00:00:00' and lastModifiedDateTime gt datetimeoffset'2024-01-01T10:00:00Z' and amount le 5M",
			"userId", "", 20, "", nil},
		{"in on SuccessFactors, or-chain on S/4, functions, null", SuccessFactors, connectors.Query{Entity: "EmpJob", Where: connectors.And{
			connectors.In("userId", "a", "b"), connectors.Contains("managerUserNav/userId", "x'y"), connectors.StartsWith("userId", "Z"), connectors.IsNull("amount"), not(connectors.IsNull("userId"))}},
			"userId in 'a','b' and substringof('x''y',managerUserNav/userId) and startswith(userId,'Z') and amount eq null and userId ne null", "", "", 0, "", nil},
		{"S/4 expands in", S4HANA, connectors.Query{Entity: "EmpJob", Where: connectors.And{connectors.In("userId", "a", "b"), not(connectors.Or{eq("userId", "c"), connectors.Contains("userId", "d")})}},
			"(userId eq 'a' or userId eq 'b') and not (userId eq 'c' or substringof('d',userId))", "", "", 0, "", nil},
		{"residual: not filterable, navigation select expands", SuccessFactors, connectors.Query{Entity: "EmpJob", Fields: []string{"userId", "managerUserNav/userId"}, Where: connectors.And{eq("userId", "u1"), eq("custom01", "x")}, Limit: 3},
			"userId eq 'u1'", "userId,managerUserNav/userId,custom01", "managerUserNav", 0, "custom01 = 'x'", []string{"custom01"}},
		{"unicode and newline", S4HANA, connectors.Query{Entity: "EmpJob", Where: eq("userId", "Zoë\n☃ & x=1")},
			"userId eq 'Zoë\n☃ & x=1'", "", "", 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompileOData(tt.q, tt.flavor, WithSchema(schema))
			if err != nil {
				t.Fatal(err)
			}
			if got.Filter != tt.filter || got.Select != tt.sel || got.Expand != tt.expand || got.Top != tt.top {
				t.Errorf("got filter=%q select=%q expand=%q top=%d\nwant filter=%q select=%q expand=%q top=%d",
					got.Filter, got.Select, got.Expand, got.Top, tt.filter, tt.sel, tt.expand, tt.top)
			}
			res := ""
			if got.Residual != nil {
				res = got.Residual.String()
			}
			if res != tt.residual {
				t.Errorf("residual %q, want %q", res, tt.residual)
			}
			if d := cmp.Diff(tt.extra, got.Extra); d != "" {
				t.Errorf("extra (-want +got):\n%s", d)
			}
			// The path carries the same options, escaped for a URL.
			back, err := ParseOData(got.Path())
			if err != nil {
				t.Fatalf("ParseOData(%s): %v", got.Path(), err)
			}
			diffExpr(t, "path filter", back.Where, mustODataFilter(t, got.Filter))
		})
	}
}

func mustODataFilter(t *testing.T, s string) connectors.Expr {
	t.Helper()
	if s == "" {
		return nil
	}
	e, err := ParseODataFilter(s)
	if err != nil {
		t.Fatalf("ParseODataFilter(%q): %v", s, err)
	}
	return e
}

func TestParseODataFilterForms(t *testing.T) {
	tests := []struct {
		src  string
		want connectors.Expr
	}{
		{"Name eq 'x' and Age gt 30", connectors.And{eq("Name", "x"), connectors.Gt("Age", int64(30))}},
		{"substringof('ab',Name) eq true", connectors.Contains("Name", "ab")},
		{"startswith(Name,'ab') eq false", not(connectors.StartsWith("Name", "ab"))},
		{"not (A eq 1 or B ne 2)", not(connectors.Or{eq("A", int64(1)), connectors.Ne("B", int64(2))})},
		{"Id eq 12L and Amt ge 1.5M and D eq 2.0d", connectors.And{eq("Id", int64(12)), connectors.Ge("Amt", 1.5), eq("D", 2.0)}},
		{"d eq datetime'2024-01-31T00:00:00' and t lt datetimeoffset'2024-01-31T10:00:00+01:00'", connectors.And{eq("d", date(2024, 1, 31)), connectors.Lt("t", mustTime("2024-01-31T09:00:00Z"))}},
		{"Nav/Id eq guid'0f8fad5b-d9cb-469f-a165-70867728950e'", eq("Nav/Id", "0f8fad5b-d9cb-469f-a165-70867728950e")},
		{"X EQ null OR Y Ne NULL", connectors.Or{connectors.IsNull("X"), not(connectors.IsNull("Y"))}},
	}
	for _, tt := range tests {
		got, err := ParseODataFilter(tt.src)
		if err != nil {
			t.Errorf("ParseODataFilter(%q): %v", tt.src, err)
			continue
		}
		diffExpr(t, tt.src, got, tt.want)
	}
	for _, bad := range []string{"Name eq", "endswith(Name,'x')", "Name eq 'x' and", "(Name eq 'x'", "Name like 'x'"} {
		if _, err := ParseODataFilter(bad); err == nil {
			t.Errorf("ParseODataFilter(%q) succeeded", bad)
		}
	}
}

func TestCompileOracle(t *testing.T) {
	types := WithTypes(map[string]connectors.FieldType{"HireDate": connectors.TypeDate, "LastUpdateDate": connectors.TypeDateTime})
	tests := []struct {
		name              string
		q                 connectors.Query
		qp, fields, order string
		limit             int
		residual          string
	}{
		{"quotes, dates, in, null, not forms", connectors.Query{Entity: "workers", Fields: []string{"PersonNumber", "names.FirstName", "names.LastName"},
			Where: connectors.And{eq("LastName", "O'Brien"), connectors.Ge("HireDate", "2020-01-01"), connectors.In("Dept", "A", "B"), not(connectors.In("Code", int64(1))),
				connectors.IsNull("X"), not(connectors.IsNull("Y")), not(eq("Z", true)), connectors.Gt("LastUpdateDate", date(2024, 1, 1))},
			OrderBy: []connectors.Order{connectors.Desc("LastUpdateDate")}, Limit: 25},
			"LastName = 'O''Brien' and HireDate >= '2020-01-01' and Dept IN ('A', 'B') and Code NOT IN (1) and X IS NULL and Y IS NOT NULL and Z <> true and LastUpdateDate > '2024-01-01T00:00:00Z'",
			"PersonNumber;names:FirstName,LastName", "LastUpdateDate:desc", 25, ""},
		{"like, and or nesting", connectors.Query{Entity: "workers", Where: connectors.Or{connectors.StartsWith("DisplayName", "Sm"), connectors.And{connectors.Contains("Email", "acme"), eq("A", 1.5)}}},
			"DisplayName LIKE 'Sm%' or (Email LIKE '%acme%' and A = 1.5)", "", "", 0, ""},
		{"residual: child attribute, wildcard in value, newline, general not", connectors.Query{Entity: "workers", Fields: []string{"PersonNumber"}, Limit: 10,
			Where: connectors.And{eq("PersonNumber", "1"), eq("names.LastName", "Lee"), connectors.StartsWith("A", "50%"), eq("B", "a\nb"), not(connectors.Lt("C", int64(3)))}},
			"PersonNumber = '1'", "PersonNumber,A,B,C;names:LastName", "", 0, "names.LastName = 'Lee' AND A LIKE '50\\%%' AND B = 'a\nb' AND NOT C < 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompileOracle(tt.q, types)
			if err != nil {
				t.Fatal(err)
			}
			if got.Q != tt.qp || got.Fields != tt.fields || got.OrderBy != tt.order || got.Limit != tt.limit {
				t.Errorf("got q=%q fields=%q orderBy=%q limit=%d\nwant q=%q fields=%q orderBy=%q limit=%d",
					got.Q, got.Fields, got.OrderBy, got.Limit, tt.qp, tt.fields, tt.order, tt.limit)
			}
			res := ""
			if got.Residual != nil {
				res = got.Residual.String()
			}
			if res != tt.residual {
				t.Errorf("residual %q, want %q", res, tt.residual)
			}
			back, err := ParseOracle(got.Path())
			if err != nil {
				t.Fatalf("ParseOracle(%s): %v", got.Path(), err)
			}
			if got.Q != "" {
				want, err := ParseOracleQ(got.Q)
				if err != nil {
					t.Fatal(err)
				}
				diffExpr(t, "q", back.Where, want)
			}
			if d := cmp.Diff(got.FieldList, back.Fields, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
				t.Errorf("fields= does not carry the field list (-want +got):\n%s", d)
			}
		})
	}
}

func TestCompileParams(t *testing.T) {
	f := false
	params := []Param{
		{Field: "employee.qualifier", Op: connectors.OpIn, Name: "qualifiers", Sep: ","},
		{Field: "applyDate", Op: connectors.OpGe, Name: "start_date", Layout: "2006-01-02"},
		{Field: "applyDate", Op: connectors.OpLe, Name: "end_date", Layout: "2006-01-02"},
		{Field: "descriptor", Op: connectors.OpStartsWith, Name: "search", Exact: &f, MinLen: 3},
	}
	types := WithTypes(map[string]connectors.FieldType{"applyDate": connectors.TypeDate})
	tests := []struct {
		name     string
		where    connectors.Expr
		values   url.Values
		residual string
	}{
		{"exact parameters", connectors.And{connectors.In("employee.qualifier", "10015", "10016"), connectors.Ge("applyDate", "2024-01-01"), connectors.Le("applyDate", date(2024, 1, 14))},
			url.Values{"qualifiers": {"10015,10016"}, "start_date": {"2024-01-01"}, "end_date": {"2024-01-14"}}, ""},
		{"loose search stays residual too; short text not sent", connectors.And{connectors.StartsWith("descriptor", "Log"), eq("employee.qualifier", "7")},
			url.Values{"search": {"Log"}, "qualifiers": {"7"}}, "descriptor LIKE 'Log%'"},
		{"unsendable: or, not, unknown op, value with separator, too short", connectors.And{connectors.Or{eq("a", 1), eq("b", 2)}, not(eq("employee.qualifier", "x")), connectors.Gt("applyDate", date(2024, 1, 1)), connectors.In("employee.qualifier", "a,b"), connectors.StartsWith("descriptor", "Lo")},
			url.Values{}, "(a = 1 OR b = 2) AND NOT employee.qualifier = 'x' AND applyDate > DATE '2024-01-01' AND employee.qualifier IN ('a,b') AND descriptor LIKE 'Lo%'"},
		{"values with & = and quotes are just values", eq("employee.qualifier", "a&b=c' OR 1=1"), url.Values{"qualifiers": {"a&b=c' OR 1=1"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompileParams(connectors.Query{Entity: "timecard", Where: tt.where}, params, types)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.values, got.Values); d != "" {
				t.Errorf("values (-want +got):\n%s", d)
			}
			res := ""
			if got.Residual != nil {
				res = got.Residual.String()
			}
			if res != tt.residual {
				t.Errorf("residual %q, want %q", res, tt.residual)
			}
			back, _ := url.ParseQuery(got.Values.Encode())
			if d := cmp.Diff(got.Values, back); d != "" {
				t.Errorf("encoding changes values: %s", d)
			}
		})
	}
	p := Prompts(map[string]string{"Worker_Type": "Worker_Type!WID", "Company": "Company"})
	if len(p) != 2 || p[0].Field != "Company" || p[1].Name != "Worker_Type!WID" || p[1].Op != connectors.OpEq {
		t.Errorf("Prompts = %+v", p)
	}
}

// pushedQueries are queries every part of which SOQL and SuccessFactors
// OData push down.
func pushedQueries() []connectors.Query {
	out := []connectors.Query{}
	for _, q := range roundTripQueries() {
		if !q.AsOf.IsZero() || !q.Since.IsZero() {
			continue
		}
		q.Entity = "Obj"
		if len(q.Fields) == 0 {
			q.Fields = []string{"Id"}
		}
		out = append(out, q)
	}
	return out
}

func TestSOQLRoundTrip(t *testing.T) {
	for _, q := range pushedQueries() {
		q.Fields = fieldsSOQL(q.Fields)
		s, err := CompileSOQL(q)
		if err != nil {
			t.Fatal(err)
		}
		if s.Residual != nil {
			// A sub-second timestamp is not a SOQL literal: a residual is expected only there.
			if !strings.Contains(s.Residual.String(), "TIMESTAMP") {
				t.Errorf("unexpected residual %s", s.Residual)
			}
			continue
		}
		back, err := ParseSOQL(s.Query)
		if err != nil {
			t.Fatalf("ParseSOQL(%s): %v", s.Query, err)
		}
		diffExpr(t, s.Query, back, q)
	}
}

func fieldsSOQL(fs []string) []string {
	out := []string{}
	for _, f := range fs {
		if identOK(f, '.') {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{"Id"}
	}
	return out
}

func TestODataRoundTrip(t *testing.T) {
	for _, flavor := range []ODataFlavor{SuccessFactors, S4HANA} {
		for _, q := range pushedQueries() {
			q.Fields = fieldsSOQL(q.Fields)
			for i := range q.Fields {
				q.Fields[i] = strings.ReplaceAll(q.Fields[i], ".", "/")
			}
			q.Where, _ = rewrite(q.Where, func(c connectors.Cmp) (connectors.Expr, error) {
				c.Field = strings.ReplaceAll(c.Field, ".", "/")
				return c, nil
			})
			for i := range q.OrderBy {
				q.OrderBy[i].Field = strings.ReplaceAll(q.OrderBy[i].Field, ".", "/")
			}
			o, err := CompileOData(q, flavor)
			if err != nil {
				t.Fatal(err)
			}
			if o.Residual != nil {
				t.Errorf("%s: unexpected residual %s", flavor.Name, o.Residual)
				continue
			}
			back, err := ParseOData(o.Path())
			if err != nil {
				t.Fatalf("ParseOData(%s): %v", o.Path(), err)
			}
			want := q
			if !flavor.In {
				want.Where = expandIn(q.Where)
			}
			diffExpr(t, flavor.Name+" "+o.Path(), back, want)
		}
	}
}

// expandIn writes IN as the or-chain S/4 receives.
func expandIn(e connectors.Expr) connectors.Expr {
	out, _ := rewrite(e, func(c connectors.Cmp) (connectors.Expr, error) {
		list, ok := c.Value.([]any)
		if c.Op != connectors.OpIn || !ok || len(list) < 2 {
			if ok && len(list) == 1 {
				return eq(c.Field, list[0]), nil
			}
			return c, nil
		}
		or := connectors.Or{}
		for _, v := range list {
			or = append(or, eq(c.Field, v))
		}
		return or, nil
	})
	return out
}

func FuzzParseSOQL(f *testing.F) {
	for _, q := range pushedQueries() {
		q.Fields = fieldsSOQL(q.Fields)
		if s, err := CompileSOQL(q); err == nil {
			f.Add(s.Query)
		}
	}
	f.Add(`SELECT Id, Account.Name FROM Contact WHERE Name LIKE 'a\%%' AND CreatedDate > 2024-01-01T00:00:00Z ORDER BY Name NULLS LAST LIMIT 5`)
	f.Fuzz(func(t *testing.T, src string) {
		q, err := ParseSOQL(src)
		if err != nil {
			return
		}
		s, err := CompileSOQL(q)
		if err != nil {
			t.Fatalf("parsed %q but cannot compile %s: %v", src, Format(q), err)
		}
		if s.Residual != nil {
			return // e.g. a parsed datetime with sub-seconds
		}
		back, err := ParseSOQL(s.Query)
		if err != nil {
			t.Fatalf("re-emitted %q does not parse: %v", s.Query, err)
		}
		diffExpr(t, s.Query, back, q)
	})
}

func FuzzParseODataFilter(f *testing.F) {
	f.Add("userId in 'a','b' and substringof('x''y',Name) and startswith(Name,'Z') and A eq null")
	f.Add("(a eq 1L or b ge 2.5M) and not (d eq datetime'2024-01-01T00:00:00') and t lt datetimeoffset'2024-01-01T10:00:00Z'")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseODataFilter(src)
		if err != nil {
			return
		}
		if connectors.ValidateExpr(e) != nil {
			t.Fatalf("ParseODataFilter(%q) gave an invalid expression %v", src, e)
		}
		o, err := CompileOData(connectors.Query{Entity: "E", Where: e}, SuccessFactors)
		if err != nil {
			t.Fatalf("cannot compile parsed %q: %v", src, err)
		}
		if o.Residual != nil {
			return
		}
		back, err := ParseODataFilter(o.Filter)
		if err != nil {
			t.Fatalf("re-emitted %q does not parse: %v", o.Filter, err)
		}
		diffExpr(t, o.Filter, back, e)
	})
}

func FuzzParseOracleQ(f *testing.F) {
	f.Add("LastName = 'O''Brien' and HireDate >= '2020-01-01' and Dept IN ('A', 'B') and X IS NOT NULL")
	f.Add("DisplayName like 'SA*' or (Loc != 'BOSTON' and N NOT IN (1, 2.5))")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseOracleQ(src)
		if err != nil {
			return
		}
		o, err := CompileOracle(connectors.Query{Entity: "r", Where: e})
		if err != nil {
			t.Fatalf("cannot compile parsed %q: %v", src, err)
		}
		if o.Q == "" {
			return
		}
		back, err := ParseOracleQ(o.Q)
		if err != nil {
			t.Fatalf("re-emitted %q does not parse: %v", o.Q, err)
		}
		diffExpr(t, o.Q, back, oracleShape(o.Pushed))
	})
}

// oracleShape is what Oracle's syntax reads back for an emitted
// expression: NOT = is written <>.
func oracleShape(e connectors.Expr) connectors.Expr {
	switch x := e.(type) {
	case connectors.Not:
		if c, ok := x.X.(connectors.Cmp); ok && c.Op == connectors.OpEq {
			return connectors.Ne(c.Field, c.Value)
		}
	case connectors.And:
		out := connectors.And{}
		for _, c := range x {
			out = append(out, oracleShape(c))
		}
		return out
	case connectors.Or:
		out := connectors.Or{}
		for _, c := range x {
			out = append(out, oracleShape(c))
		}
		return out
	}
	return e
}

// FuzzEmitInjection writes arbitrary values into every dialect and checks,
// by parsing the native text back, that the query's structure is exactly
// the pushed expression: no value can add, remove or change a condition.
func FuzzEmitInjection(f *testing.F) {
	for _, s := range []string{"O'Brien", "x' OR Name != '", `a\' OR 1=1 --`, "\\", "50%_off*", "Zoë ☃", "line\nbreak\ttab", "\x00\a", "') or (1=1", "&$filter=x eq 1", "\xff\xfe"} {
		f.Add(s, int64(-42), 3.25, true)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, fl float64, b bool) {
		if math.IsNaN(fl) || math.IsInf(fl, 0) {
			fl = 0
		}
		where := connectors.And{eq("Name", s), connectors.Or{connectors.Contains("Title", s), connectors.Ne("Code", n)},
			connectors.In("Kind", s, "x"), not(connectors.StartsWith("Name", s)), connectors.Ge("Amount", fl), eq("Flag", b), not(connectors.In("Kind", s))}
		q := connectors.Query{Entity: "Obj", Fields: []string{"Id", "Name"}, Where: where}

		so, err := CompileSOQL(q)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseSOQL(so.Query)
		if err != nil {
			t.Fatalf("SOQL %q does not parse: %v", so.Query, err)
		}
		diffExpr(t, "SOQL "+so.Query, back.Where, so.Pushed)
		if back.Entity != "Obj" || len(back.Fields) != len(so.Fields) {
			t.Fatalf("SOQL %q changed entity or fields", so.Query)
		}

		for _, flavor := range []ODataFlavor{SuccessFactors, S4HANA} {
			o, err := CompileOData(q, flavor)
			if err != nil {
				t.Fatal(err)
			}
			bq, err := ParseOData(o.Path())
			if err != nil {
				t.Fatalf("OData path %q does not parse: %v", o.Path(), err)
			}
			want := o.Pushed
			if !flavor.In {
				want = expandIn(want)
			}
			diffExpr(t, flavor.Name+" "+o.Filter, bq.Where, want)
			if bq.Entity != "Obj" || len(bq.Fields) != len(o.Fields) {
				t.Fatalf("OData %q changed entity or fields", o.Path())
			}
		}

		or, err := CompileOracle(q)
		if err != nil {
			t.Fatal(err)
		}
		oq, err := ParseOracle(or.Path())
		if err != nil {
			t.Fatalf("Oracle %q does not parse: %v", or.Path(), err)
		}
		diffExpr(t, "Oracle "+or.Q, oq.Where, oracleShape(or.Pushed))

		pr, err := CompileParams(q, []Param{{Field: "Name", Op: connectors.OpEq, Name: "name"}, {Field: "Kind", Op: connectors.OpIn, Name: "kind"}})
		if err != nil {
			t.Fatal(err)
		}
		vals, err := url.ParseQuery(pr.Values.Encode())
		if err != nil || len(vals) != len(pr.Values) || vals.Get("name") != pr.Values.Get("name") {
			t.Fatalf("parameters %v do not survive encoding: %v", pr.Values, vals)
		}
	})
}
