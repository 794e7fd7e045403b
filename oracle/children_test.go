package oracle_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	fake "github.com/xlr8/connectors/internal/fake/oracle"
	"github.com/xlr8/connectors/oracle"
)

// manyAssignments seeds five workers, the third with one work relationship
// holding six assignments: with a child page of two, its expanded page
// says hasMore and the rest spans two more child pages.
func manyAssignments(srv *fake.Server) {
	rows := srv.Seed("workers", 4)
	srv.Seed("workers", 2)
	asg := make([]any, 6)
	for i := range asg {
		asg[i] = map[string]any{"AssignmentId": float64(500 + i), "AssignmentNumber": fmt.Sprintf("E9%02d", i),
			"EffectiveStartDate": "2020-01-01", "EffectiveEndDate": "4712-12-31", "BusinessTitle": "Engineer", "DepartmentId": float64(40 + i)}
	}
	srv.Insert("workers", map[string]any{"PersonId": 1.0, "PersonNumber": "900001", "CountryOfBirth": "US",
		"LastUpdateDate": "2024-06-01T10:25:44.457+00:00",
		"workRelationships": []any{map[string]any{"PeriodOfServiceId": 7.0, "LegalEmployerName": "Acme US", "StartDate": "2020-01-01",
			"assignments": asg}}})
	srv.Insert("workers", rows[2])
	srv.Insert("workers", rows[3])
}

func assignmentNumbers(r connectors.Record) []any {
	var out []any
	for _, wr := range r["workRelationships"].([]any) {
		for _, a := range wr.(map[string]any)["assignments"].([]any) {
			out = append(out, a.(map[string]any)["AssignmentNumber"])
		}
	}
	return out
}

func TestChildCollectionReadToItsEnd(t *testing.T) {
	expand := oracle.WithExpand("workers", "workRelationships.assignments")
	// The reference: a pod whose expanded pages hold every child row.
	whole := fake.New(fake.Config{ChildPageSize: 100})
	defer whole.Close()
	manyAssignments(whole)
	want := collect(t, open(t, whole, oracle.ProductHCM, oracle.WithPageSize(2), expand), connectors.Query{Entity: "workers"})

	srv := fake.New(fake.Config{ChildPageSize: 2})
	defer srv.Close()
	manyAssignments(srv)
	got := collect(t, open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2), expand), connectors.Query{Entity: "workers"})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records differ from the pod's data (-whole +paged):\n%s", diff)
	}
	if len(got) != 5 || got[2]["PersonNumber"] != "900001" {
		t.Fatalf("%d records: %v", len(got), field(got, "PersonNumber"))
	}
	if n := assignmentNumbers(got[2]); !slices.Equal(n, []any{"E900", "E901", "E902", "E903", "E904", "E905"}) {
		t.Errorf("assignments %v", n)
	}
	if a := got[2]["workRelationships"].([]any)[0].(map[string]any)["assignments"].([]any)[5].(map[string]any); a["AssignmentId"] != int64(505) {
		t.Errorf("a followed child row is not typed by the schema: %#v", a["AssignmentId"])
	}
	// Three parent pages; the expanded page and two child pages.
	if srv.Calls("child") != 2 || srv.Calls("collection") != 3+1 {
		t.Errorf("%d child pages, %d collection pages", srv.Calls("child"), srv.Calls("collection"))
	}
	for _, raw := range srv.URLs() {
		u, _ := url.Parse(raw)
		if !strings.Contains(u.Path, "/child/") {
			continue
		}
		q := u.Query()
		if !strings.HasSuffix(u.Path, "/child/workRelationships/"+"00020000000EACED0005770800"+fmt.Sprintf("%x", "7")+"/child/assignments") ||
			q.Get("links") != "self" || q.Has("onlyData") || q.Get("limit") != "2" || (q.Get("offset") != "2" && q.Get("offset") != "4") {
			t.Errorf("child page request %s", raw)
		}
	}
}

func TestChildLinkToAnotherHostRefused(t *testing.T) {
	srv := fake.New(fake.Config{ChildPageSize: 2})
	defer srv.Close()
	manyAssignments(srv)
	srv.LinkChildrenTo("elsewhere.example:8443")
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2), oracle.WithExpand("workers", "workRelationships.assignments"))
	_, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: "workers"}))
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Code != connectors.CodeInternal || !strings.Contains(ce.Message, "another origin") ||
		ce.Details["link_origin"] != "https://elsewhere.example:8443" {
		t.Fatalf("a child link to another host: %v (%#v)", err, ce)
	}
	if srv.Calls("child") != 0 {
		t.Errorf("%d child requests sent", srv.Calls("child"))
	}
}

func TestBadChildPagesAreTypedErrorsAndResume(t *testing.T) {
	for _, tc := range []struct {
		fault fake.ChildFault
		says  string
	}{
		{fake.ChildNoHasMore, "has no hasMore"},
		{fake.ChildNotJSON, ""},
		{fake.ChildRepeat, "repeats a row"},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			srv := fake.New(fake.Config{ChildPageSize: 2})
			defer srv.Close()
			manyAssignments(srv)
			srv.FailChildPages(tc.fault)
			c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2), oracle.WithExpand("workers", "workRelationships.assignments"))
			q := connectors.Query{Entity: "workers"}
			got, endErr := untilError(c, q, nil)
			var ce *connectors.Error
			if !errors.As(endErr, &ce) || ce.Code != connectors.CodeInternal || !strings.Contains(ce.Message, tc.says) || ce.Resume == "" {
				t.Fatalf("after %v: %v", got, endErr)
			}
			if len(got) != 2 {
				t.Errorf("yielded before the bad record: %v", got)
			}
			srv.FailChildPages(fake.ChildOK)
			q.Resume = ce.Resume
			rest := collect(t, c, q)
			got = append(got, field(rest, "PersonNumber")...)
			if !slices.Equal(got, []any{"100001", "100002", "900001", "100003", "100004"}) {
				t.Errorf("resumed: %v", got)
			}
			if n := assignmentNumbers(rest[0]); len(n) != 6 {
				t.Errorf("resumed record's assignments %v", n)
			}
		})
	}
}

func TestWithoutExpandOnlyDataAsBefore(t *testing.T) {
	srv := fake.New(fake.Config{})
	defer srv.Close()
	srv.Seed("workers", 3)
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2))
	before := len(srv.URLs())
	recs := collect(t, c, connectors.Query{Entity: "workers", Where: connectors.Eq("CountryOfBirth", "US")})
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	var urls []string // the page requests (not Connect's ping, not describe)
	for _, raw := range srv.URLs()[before:] {
		if strings.Contains(raw, "offset=") {
			urls = append(urls, raw)
		}
	}
	if len(urls) != 1 {
		t.Fatalf("requests %v", urls)
	}
	u, _ := url.Parse(urls[0])
	want := url.Values{"onlyData": {"true"}, "q": {"CountryOfBirth = 'US'"}, "limit": {"2"}, "offset": {"0"}, "totalResults": {"true"}}
	if diff := cmp.Diff(want, u.Query()); u.Path != "/fusion/hcmRestApi/resources/11.13.18.05/workers" || diff != "" {
		t.Errorf("request %s (-want +got):\n%s", urls[0], diff)
	}
	// With expand, the links that onlyData strips are asked for instead.
	e := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2), oracle.WithExpand("workers", "names"))
	plan, err := e.(connectors.Explainer).Explain(context.Background(), connectors.Query{Entity: "workers"})
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(plan.Requests[0].URL)
	if q := pu.Query(); q.Has("onlyData") || q.Get("links") != "self" || q.Get("expand") != "names" {
		t.Errorf("expanding plan %s", plan.Requests[0].URL)
	}
}

func TestChildRowBound(t *testing.T) {
	srv := fake.New(fake.Config{ChildPageSize: 2})
	defer srv.Close()
	manyAssignments(srv)
	if _, err := oracle.New(context.Background(), basicCred(srv, oracle.ProductHCM), oracle.WithMaxChildRows(0)); connectors.CodeOf(err) != connectors.CodeInvalidArgument {
		t.Errorf("WithMaxChildRows(0): %v", err)
	}
	c := open(t, srv, oracle.ProductHCM, oracle.WithPageSize(2), oracle.WithMaxChildRows(3), oracle.WithExpand("workers", "workRelationships.assignments"))
	_, err := connectors.Collect(c.Get(context.Background(), connectors.Query{Entity: "workers"}))
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Code != connectors.CodeInternal || !strings.Contains(ce.Message, "exceed 3") {
		t.Fatalf("past the child row bound: %v", err)
	}
}

// A child collection read at its link brings its own expanded children,
// which are completed in turn: three work relationships of three
// assignments each, in child pages of two.
func TestNestedChildCollections(t *testing.T) {
	rels := make([]any, 3)
	for i := range rels {
		asg := make([]any, 3)
		for j := range asg {
			asg[j] = map[string]any{"AssignmentId": float64(600 + 10*i + j), "AssignmentNumber": fmt.Sprintf("E%d%d", i, j)}
		}
		rels[i] = map[string]any{"PeriodOfServiceId": float64(70 + i), "LegalEmployerName": "Acme", "assignments": asg}
	}
	worker := map[string]any{"PersonId": 2.0, "PersonNumber": "900002", "workRelationships": rels}
	expand := oracle.WithExpand("workers", "workRelationships", "workRelationships.assignments")
	read := func(size int) ([]connectors.Record, *fake.Server) {
		srv := fake.New(fake.Config{ChildPageSize: size})
		t.Cleanup(srv.Close)
		srv.Insert("workers", worker)
		return collect(t, open(t, srv, oracle.ProductHCM, expand), connectors.Query{Entity: "workers"}), srv
	}
	want, _ := read(100)
	got, srv := read(2)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-whole +paged):\n%s", diff)
	}
	if n := assignmentNumbers(got[0]); !slices.Equal(n, []any{"E00", "E01", "E02", "E10", "E11", "E12", "E20", "E21", "E22"}) {
		t.Errorf("assignments %v", n)
	}
	// workRelationships once; assignments of the first two (expanded in
	// the parent) and of the third (expanded in the followed page).
	if srv.Calls("child") != 4 {
		t.Errorf("%d child pages, want 4: %v", srv.Calls("child"), srv.URLs())
	}
	for _, raw := range srv.URLs() {
		if u, _ := url.Parse(raw); strings.HasSuffix(u.Path, "/child/workRelationships") && u.Query().Get("expand") != "assignments" {
			t.Errorf("work relationships read without their assignments: %s", raw)
		}
	}
}
