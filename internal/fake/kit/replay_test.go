package kit

import (
	"encoding/json"
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
