package kit

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func TestNewReplay(t *testing.T) {
	recs := []json.RawMessage{json.RawMessage(`{"id":"A1","n":1}`), json.RawMessage(`{"n":2,"id":"B22"}`)}
	r, err := NewReplay(recs, "id")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Records) != `{"id":"A1","n":1},{"n":2,"id":"B22"}` {
		t.Fatalf("records = %s", r.Records)
	}
	for i, want := range []string{"A1", "B22"} {
		if got := string(r.Records[r.IDAt[i] : r.IDAt[i]+len(want)]); got != want {
			t.Errorf("id %d at %d reads %q", i, r.IDAt[i], got)
		}
	}
	if _, err := NewReplay([]json.RawMessage{json.RawMessage(`{"n":1}`)}, "id"); err == nil {
		t.Error("a record without an id was accepted")
	}
}

func TestReplayWrite(t *testing.T) {
	r, err := NewReplay([]json.RawMessage{json.RawMessage(`{"id":"000-a"}`), json.RawMessage(`{"id":"000-b"}`)}, "id")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ tag, want string }{{"007", `{"d":[{"id":"007-a"},{"id":"007-b"}]}`}, {"", `{"d":[]}`}, {"012", `{"d":[{"id":"012-a"},{"id":"012-b"}]}`}} {
		w := httptest.NewRecorder()
		r.Write(w, []byte(`{"d":[`), tc.tag, 0)
		if got := w.Body.String(); got != tc.want || w.Header().Get("Content-Length") != itoa(len(tc.want)) {
			t.Errorf("tag %q: %s (Content-Length %s)", tc.tag, got, w.Header().Get("Content-Length"))
		}
	}
	if string(r.Records) != `{"id":"000-a"},{"id":"000-b"}` {
		t.Errorf("the template changed: %s", r.Records)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
