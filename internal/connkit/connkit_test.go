package connkit

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
)

type dateRange struct {
	Start connectors.Date `json:"start"`
	End   connectors.Date `json:"end"`
}

type job struct {
	Title string `json:"title,omitempty"`
}

type listReq struct {
	EmployeeID string          `json:"employee_id"`
	Status     []string        `json:"status_filter,omitempty"`
	Range      *dateRange      `json:"date_range,omitempty"`
	Year       int             `json:"year,omitempty"`
	Hours      float64         `json:"hours,omitempty"`
	Flag       bool            `json:"flag,omitempty"`
	At         time.Time       `json:"at,omitzero"`
	Updates    map[string]any  `json:"updates,omitempty"`
	Job        *job            `json:"job,omitempty"`
	Extra      json.RawMessage `json:"-"`
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name   string
		params map[string]any
		field  string // "" for success
		want   listReq
	}{
		{"minimal", map[string]any{"employee_id": "EMP001"}, "", listReq{EmployeeID: "EMP001"}},
		{"full", map[string]any{"employee_id": "E", "status_filter": []any{"PENDING", "APPROVED"},
			"date_range": map[string]any{"start": "2026-01-01", "end": "2026-12-31"}, "year": float64(2026), "hours": 8,
			"flag": true, "at": "2026-01-27T15:00:00Z", "updates": map[string]any{"a": 1}, "job": map[string]any{"title": "x"}}, "",
			listReq{EmployeeID: "E", Status: []string{"PENDING", "APPROVED"}, Range: &dateRange{connectors.Date{Year: 2026, Month: 1, Day: 1}, connectors.Date{Year: 2026, Month: 12, Day: 31}},
				Year: 2026, Hours: 8, Flag: true, At: time.Date(2026, 1, 27, 15, 0, 0, 0, time.UTC), Updates: map[string]any{"a": 1}, Job: &job{Title: "x"}}},
		{"typed slice", map[string]any{"employee_id": "E", "status_filter": []string{"A"}}, "", listReq{EmployeeID: "E", Status: []string{"A"}}},
		{"missing required", map[string]any{}, "employee_id", listReq{}},
		{"null required", map[string]any{"employee_id": nil}, "employee_id", listReq{}},
		{"wrong type", map[string]any{"employee_id": 42}, "employee_id", listReq{}},
		{"unknown field", map[string]any{"employee_id": "E", "employe_id": "x"}, "employe_id", listReq{}},
		{"bad date", map[string]any{"employee_id": "E", "date_range": map[string]any{"start": "2026-13-01", "end": "2026-12-31"}}, "date_range.start", listReq{}},
		{"missing nested", map[string]any{"employee_id": "E", "date_range": map[string]any{"start": "2026-01-01"}}, "date_range.end", listReq{}},
		{"unknown nested", map[string]any{"employee_id": "E", "job": map[string]any{"title": "x", "grade": 1}}, "job.grade", listReq{}},
		{"fraction for int", map[string]any{"employee_id": "E", "year": 2026.5}, "year", listReq{}},
		{"string for int", map[string]any{"employee_id": "E", "year": "2026"}, "year", listReq{}},
		{"array element", map[string]any{"employee_id": "E", "status_filter": []any{"A", 3}}, "status_filter[1]", listReq{}},
		{"object for array", map[string]any{"employee_id": "E", "status_filter": map[string]any{}}, "status_filter", listReq{}},
		{"bad time", map[string]any{"employee_id": "E", "at": "yesterday"}, "at", listReq{}},
		{"NaN", map[string]any{"employee_id": "E", "hours": nan()}, "hours", listReq{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got listReq
			err := Decode(tc.params, &got)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInvalidArgument || e.Details["field"] != tc.field {
				t.Fatalf("got %v (details %v), want INVALID_ARGUMENT naming %q", err, detailsOf(err), tc.field)
			}
			if !strings.Contains(e.Message, tc.field) {
				t.Errorf("message %q does not name %q", e.Message, tc.field)
			}
		})
	}
	if err := Decode(nil, listReq{}); errs.CodeOf(err) != errs.CodeInternal {
		t.Errorf("non-pointer destination: %v", err)
	}
}

func nan() float64 { var z float64; return z / z }

func detailsOf(err error) map[string]any {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	v := listReq{EmployeeID: "E", Status: []string{"A"}, Range: &dateRange{connectors.Date{Year: 2026, Month: 2, Day: 3}, connectors.Date{Year: 2026, Month: 2, Day: 4}},
		Year: 2026, Hours: 7.5, At: time.Date(2026, 1, 27, 15, 0, 0, 0, time.UTC), Job: &job{}}
	b, _ := json.Marshal(v)
	var viaJSON map[string]any
	_ = json.Unmarshal(b, &viaJSON)
	if diff := cmp.Diff(viaJSON, EncodeMap(v)); diff != "" {
		t.Errorf("Encode differs from a JSON round trip (-json +encode):\n%s", diff)
	}
	type withNil struct {
		List []string `json:"list"`
		Ptr  *job     `json:"ptr"`
	}
	for _, v := range []withNil{{List: []string{}}, {}} {
		b, _ = json.Marshal(v)
		var viaJSON2 map[string]any
		_ = json.Unmarshal(b, &viaJSON2)
		if diff := cmp.Diff(viaJSON2, EncodeMap(v)); diff != "" {
			t.Errorf("%+v (-json +encode):\n%s", v, diff)
		}
	}
}

func TestActions(t *testing.T) {
	var events []connectors.AuditEvent
	var mu sync.Mutex
	au := &Auditor{Product: "p", Hook: func(_ context.Context, ev connectors.AuditEvent) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}}
	var gotParams map[string]any
	var gotPrincipal connectors.Principal
	acts := NewActions("p",
		Action{Capability: connectors.Capability{Name: "p.read", PrincipalTypes: connectors.PrincipalTypes()},
			Handle: func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
				gotParams, gotPrincipal = params, p
				return map[string]any{"name": map[string]any{"first": "A"}, "list": []any{map[string]any{"x": 1.0}}}, nil
			}},
		Action{Capability: connectors.Capability{Name: "p.fire", PrincipalTypes: []connectors.PrincipalType{connectors.PrincipalHuman}, Sensitive: true, AuditLevel: connectors.AuditVerbose, Write: true},
			Handle: func(ctx context.Context, p connectors.Principal, params map[string]any) (map[string]any, error) {
				return nil, &errs.Error{Code: errs.CodeConflict, VendorCode: "ALREADY_PROCESSED"}
			}},
	)
	params := connectors.WithPrincipal(map[string]any{"id": "1"}, connectors.Principal{ID: "u1", Groups: []string{"g"}, Type: connectors.PrincipalAIAgent})
	if _, err := acts.Execute(context.Background(), au, "p.read", params); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"id": "1"}, gotParams); diff != "" {
		t.Errorf("principal keys not stripped:\n%s", diff)
	}
	if gotPrincipal.ID != "u1" || gotPrincipal.Type != connectors.PrincipalAIAgent || len(params) != 4 {
		t.Errorf("principal %+v; params modified: %v", gotPrincipal, params)
	}
	_, err := acts.Execute(context.Background(), au, "p.fire", params)
	if e := errs.As(err, ""); e.Code != errs.CodePermissionDenied || e.VendorCode != "NOT_PERMITTED" {
		t.Errorf("AI agent firing: %v", err)
	}
	human := connectors.WithPrincipal(nil, connectors.Principal{ID: "h", Type: connectors.PrincipalHuman})
	_, err = acts.Execute(context.Background(), au, "p.fire", human)
	if e := errs.As(err, ""); e.Code != errs.CodeConflict || e.Product != "p" {
		t.Errorf("handler error: %v", err)
	}
	_, err = acts.Execute(context.Background(), au, "p.nope", nil)
	if e := errs.As(err, ""); e.Code != errs.CodeUnsupported || !strings.Contains(e.Message, "p.fire, p.read") {
		t.Errorf("unknown action: %v", err)
	}
	_, err = acts.Execute(context.Background(), au, "p.read", map[string]any{connectors.ParamType: "ROBOT"})
	if errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("bad principal type: %v", err)
	}
	outcomes := []string{}
	for _, ev := range events {
		outcomes = append(outcomes, ev.Capability+":"+ev.Outcome)
	}
	if diff := cmp.Diff([]string{"p.read:ok", "p.fire:PERMISSION_DENIED", "p.fire:CONFLICT", "p.nope:UNSUPPORTED", "p.read:INVALID_ARGUMENT"}, outcomes); diff != "" {
		t.Errorf("audit outcomes (-want +got):\n%s", diff)
	}
	if events[0].Fields != nil || events[2].VendorCode != "ALREADY_PROCESSED" {
		t.Errorf("events %+v", events)
	}
	if got := FieldPaths(map[string]any{"name": map[string]any{"first": "A", "last": "B"}, "list": []any{map[string]any{"x": 1}}, "e": []any{}}); !cmp.Equal(got, []string{"e[]", "list[].x", "name.first", "name.last"}) {
		t.Errorf("FieldPaths = %v", got)
	}
}

func TestLifecycle(t *testing.T) {
	var l Lifecycle
	l.Product = "p"
	var calls atomic.Int32
	fail := true
	connect := func(ctx context.Context) error {
		calls.Add(1)
		if fail {
			return errors.New("refused")
		}
		return nil
	}
	if err := l.Connect(context.Background(), connect); errs.CodeOf(err) != errs.CodeInternal {
		t.Errorf("failed connect: %v", err)
	}
	fail = false
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = l.Connect(context.Background(), connect) }()
	}
	wg.Wait()
	if calls.Load() != 2 || !l.Connected() {
		t.Errorf("%d connect calls, want 2 (one failure, one success)", calls.Load())
	}
	closes := 0
	for i := 0; i < 3; i++ {
		_ = l.Close(func() error { closes++; return nil })
	}
	if closes != 1 || !errors.Is(l.Check(), connectors.ErrClosed) || !errors.Is(l.Connect(context.Background(), connect), connectors.ErrClosed) {
		t.Errorf("close ran %d times; Check %v", closes, l.Check())
	}
}

func TestLimiterSharedPerCredential(t *testing.T) {
	cred := &credentials.Credential{ID: "c-shared"}
	o := connectors.ApplyOptions(connectors.WithRateLimit(5, 2))
	lim := func(product string, cred *credentials.Credential, o connectors.Options, r rate.Limit, b int) *rate.Limiter {
		t.Helper()
		l, err := Limiter(product, cred, o, r, b)
		if err != nil {
			t.Fatalf("Limiter: %v", err)
		}
		return l
	}
	a := lim("prod", cred, o, 0, 0)
	b := lim("prod", cred, o, 0, 0)
	c := lim("other", cred, o, 0, 0)
	if a != b || a == c || a.Limit() != 5 || a.Burst() != 2 {
		t.Errorf("limiters %p %p %p", a, b, c)
	}
	if lim("prod", cred, connectors.ApplyOptions(), 0, 0) != nil {
		t.Error("a limiter without any rate")
	}
	own := rate.NewLimiter(1, 1)
	if lim("prod", cred, connectors.ApplyOptions(connectors.WithRateLimiter(own)), 9, 9) != own {
		t.Error("the host's limiter was not used")
	}
	if d := lim("prod", &credentials.Credential{}, connectors.ApplyOptions(), 3, 0); d == nil || d.Limit() != 3 {
		t.Error("vendor default")
	}
}

// TestLimiterNotRetunedByNextOpen: a second Open for the same credential
// used to SetLimit the shared limiter, silently changing the pace of the
// connectors already open on it.
func TestLimiterNotRetunedByNextOpen(t *testing.T) {
	cred := &credentials.Credential{ID: "c-retune"}
	first, err := Limiter("prod", cred, connectors.ApplyOptions(connectors.WithRateLimit(5, 2)), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A later Open with only the vendor default shares it as it is.
	same, err := Limiter("prod", cred, connectors.ApplyOptions(), 50, 10)
	if err != nil || same != first || first.Limit() != 5 || first.Burst() != 2 {
		t.Errorf("default-rate Open: %p %v, limit %v burst %d", same, err, first.Limit(), first.Burst())
	}
	// A later Open asking for another rate is refused, and changes nothing.
	_, err = Limiter("prod", cred, connectors.ApplyOptions(connectors.WithRateLimit(100, 100)), 0, 0)
	if errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("a different explicit rate: %v, want INVALID_ARGUMENT", err)
	}
	if first.Limit() != 5 || first.Burst() != 2 {
		t.Errorf("the shared limiter was retuned to %v/%d", first.Limit(), first.Burst())
	}
	// The same rate again is fine.
	if again, err := Limiter("prod", cred, connectors.ApplyOptions(connectors.WithRateLimit(5, 2)), 0, 0); err != nil || again != first {
		t.Errorf("the same rate: %p %v", again, err)
	}
}

func TestSchemaFor(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(SchemaFor[listReq](), &s); err != nil {
		t.Fatal(err)
	}
	req, _ := s["required"].([]any)
	if len(req) != 1 || req[0] != "employee_id" {
		t.Errorf("required = %v, want [employee_id] (the fields Decode requires)", s["required"])
	}
	props := s["properties"].(map[string]any)
	dr := props["date_range"].(map[string]any)["properties"].(map[string]any)["start"].(map[string]any)
	if dr["type"] != "string" || dr["format"] != "date" {
		t.Errorf("a Date field's schema is %v", dr)
	}
}
