package workday_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/salesforce"
	"github.com/xlr8/connectors/translate"
	"github.com/xlr8/connectors/workday"
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

// TestTranslateCanonicalToWorkdayHCM is the audit's example. The
// vocabulary now names hire_date for workday_hcm (hireDate), so the query
// is mapped; Workday's REST collections take no hire-date filter (the
// params dialect), so Translate reports the range as the part Get filters
// client side, and Get with that query answers over the wire.
func TestTranslateCanonicalToWorkdayHCM(t *testing.T) {
	_, err := translate.Translate("SELECT employee_id, hire_date FROM worker WHERE hire_date >= DATE '2024-01-01'", "canonical", workday.ProductHCM)
	var e *connectors.Error
	if !errors.As(err, &e) || e.Code != connectors.CodeUnsupported || e.Details["residual"] != "hireDate >= DATE '2024-01-01'" {
		t.Fatalf("Translate: %v (details %v), want the hireDate range as the client-side residual", err, e.Details)
	}
	q, err := translate.Default().ToProduct(connectors.Query{Entity: "worker", Fields: []string{"employee_id", "hire_date"},
		Where: connectors.Ge("hire_date", connectors.DateOf(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)))}, workday.ProductHCM)
	if err != nil {
		t.Fatal(err)
	}
	w := newWire(t, newSim(t))
	got, err := connectors.Collect(w.open(t).Get(context.Background(), q))
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{{"workerId": "EMP003", "hireDate": "2023-06-01"}, {"workerId": "EMP401", "hireDate": "2023-09-05"},
		{"workerId": "EMP402", "hireDate": "2024-01-08"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("workers hired since 2023 (-want +got):\n%s", d)
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
