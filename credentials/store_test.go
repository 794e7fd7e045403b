package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

// Both stores pass the same tests.
func forEachStore(t *testing.T, f func(t *testing.T, s Store)) {
	t.Run("memory", func(t *testing.T) { f(t, NewMemoryStore()) })
	t.Run("file", func(t *testing.T) { f(t, mustFileStore(t, t.TempDir())) })
}

func TestStoreContract(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := testCtx(t)
		_, err := s.Get(ctx, "missing")
		wantErr(t, err, errs.CodeNotFound, nil)
		wantErr(t, s.Delete(ctx, "missing"), errs.CodeNotFound, nil)

		put := func(id, project string) *Record {
			r, err := s.Update(ctx, id, func(cur *Record) (*Record, error) {
				if cur == nil {
					cur = &Record{ProjectID: project, Status: StatusActive, Sealed: []byte("opaque")}
				}
				cur.InstanceURL = "https://x.example.com/" + fmt.Sprint(cur.Revision)
				return cur, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r1 := put("b", "p1")
		if r1.Revision != 1 || r1.ID != "b" {
			t.Fatalf("first write: revision %d id %q", r1.Revision, r1.ID)
		}
		r2 := put("b", "p1")
		if r2.Revision != 2 {
			t.Fatalf("second write: revision %d", r2.Revision)
		}
		put("a", "p1")
		put("c", "p2")

		got, err := s.Get(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r2, got); diff != "" {
			t.Fatalf("Get after Update (-want +got):\n%s", diff)
		}

		// fn returning nil writes nothing; an error aborts and writes nothing.
		same, err := s.Update(ctx, "b", func(*Record) (*Record, error) { return nil, nil })
		if err != nil || same.Revision != 2 {
			t.Fatalf("no-op update: %v, revision %d", err, same.Revision)
		}
		boom := errs.New(errs.CodeConflict, "boom")
		if _, err := s.Update(ctx, "b", func(*Record) (*Record, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("aborted update returned %v", err)
		}
		// fn gets a copy: changing it without returning it changes nothing.
		_, _ = s.Update(ctx, "b", func(cur *Record) (*Record, error) { cur.ProjectID = "hijacked"; return nil, nil })
		if got, _ := s.Get(ctx, "b"); got.ProjectID != "p1" || got.Revision != 2 {
			t.Fatalf("record changed by an update that wrote nothing: %v", got)
		}

		list, err := s.List(ctx, "p1")
		if err != nil {
			t.Fatal(err)
		}
		if ids := recIDs(list); !cmp.Equal(ids, []string{"a", "b"}) {
			t.Fatalf("List(p1) = %v", ids)
		}
		all, _ := s.List(ctx, "")
		if ids := recIDs(all); !cmp.Equal(ids, []string{"a", "b", "c"}) {
			t.Fatalf("List() = %v", ids)
		}
		if err := s.Delete(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		_, err = s.Get(ctx, "a")
		wantErr(t, err, errs.CodeNotFound, nil)
	})
}

func TestStoreConcurrentUpdatesLoseNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := testCtx(t)
		const workers, each = 8, 10
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					if _, err := s.Update(ctx, "counter", incrementCounter); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		r, err := s.Get(ctx, "counter")
		if err != nil {
			t.Fatal(err)
		}
		if n := counterOf(t, r); n != workers*each || r.Revision != workers*each {
			t.Fatalf("counter %d, revision %d; want %d", n, r.Revision, workers*each)
		}
	})
}

// incrementCounter keeps a counter in an Extra field, the way a newer
// library version's field would be kept.
func incrementCounter(cur *Record) (*Record, error) {
	if cur == nil {
		cur = &Record{ProjectID: "p", Status: StatusActive}
	}
	var n int
	if raw, ok := cur.Extra["counter"]; ok {
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, err
		}
	}
	if cur.Extra == nil {
		cur.Extra = map[string]json.RawMessage{}
	}
	cur.Extra["counter"] = json.RawMessage(fmt.Sprint(n + 1))
	return cur, nil
}

func counterOf(t testing.TB, r *Record) int {
	t.Helper()
	var n int
	if err := json.Unmarshal(r.Extra["counter"], &n); err != nil {
		t.Fatalf("counter field: %v", err)
	}
	return n
}

func recIDs(rs []*Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestRecordJSONKeepsUnknownFields(t *testing.T) {
	in := `{"auth_type":"basic","created_at":"2026-01-02T03:04:05.123456789Z","future_field":{"nested":[1,2,3]},` +
		`"id":"c1","project_id":"p","revision":7,"sealed":"WEMBAmsx","status":"active","zz_later":"x"}`
	var r Record
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if r.ID != "c1" || r.Revision != 7 || r.CreatedAt.Nanosecond() != 123456789 || len(r.Extra) != 2 {
		t.Fatalf("decoded %+v extra %v", r, r.Extra)
	}
	before := r.binding()
	out, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("round trip changed the record:\n got %s\nwant %s", out, in)
	}
	var again Record
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	if string(again.binding()) != string(before) {
		t.Fatal("binding changed across a JSON round trip")
	}
	for _, bad := range []string{`{"id":5}`, `{"created_at":"yesterday"}`, `{"sealed":"%%%"}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}
