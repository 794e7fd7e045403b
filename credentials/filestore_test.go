package credentials

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

func TestFileStoreModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "creds")
	s := mustFileStore(t, dir)
	m := mustManager(t, s, mustKeyring(t, mustKey(t)))
	id, err := m.Store(testCtx(t), basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, s.path(id): 0o600, filepath.Join(dir, lockName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}
	raw, _ := os.ReadFile(s.path(id))
	if bytes.Contains(raw, []byte(testPassword)) || bytes.Contains(raw, []byte("svc-user")) {
		t.Fatal("the record file holds a secret in the clear")
	}
}

func TestFileStoreRejectsBadIDs(t *testing.T) {
	s := mustFileStore(t, t.TempDir())
	ctx := testCtx(t)
	for _, id := range []string{"", "../escape", "a/b", ".hidden", "-flag", "sp ace", strings.Repeat("x", 129), "nul\x00"} {
		_, err := s.Get(ctx, id)
		wantErr(t, err, errs.CodeInvalidArgument, nil)
		_, err = s.Update(ctx, id, func(*Record) (*Record, error) { t.Fatal("fn ran"); return nil, nil })
		wantErr(t, err, errs.CodeInvalidArgument, nil)
	}
}

// rewriteRecord changes a stored record's JSON and writes the file back with
// a valid checksum: a deliberate edit, not a torn write.
func rewriteRecord(t *testing.T, s *FileStore, id string, edit func(m map[string]any)) {
	t.Helper()
	raw, err := os.ReadFile(s.path(id))
	if err != nil {
		t.Fatal(err)
	}
	var f fileEnvelope
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(f.Record, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	body, _ := json.Marshal(m)
	sum := sha256.Sum256(body)
	out, _ := json.Marshal(map[string]any{"format": fileFormat, "sha256": hex.EncodeToString(sum[:]), "record": json.RawMessage(body)})
	if err := os.WriteFile(s.path(id), out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFileStoreTornFile(t *testing.T) {
	ctx := testCtx(t)
	s := mustFileStore(t, t.TempDir())
	m := mustManager(t, s, mustKeyring(t, mustKey(t)))
	id, err := m.Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := m.Store(ctx, basicCred("p"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(s.path(id))
	for name, bad := range map[string][]byte{
		"truncated":    raw[:len(raw)/2],
		"empty":        {},
		"flipped meta": bytes.Replace(raw, []byte(`"project_id":"p"`), []byte(`"project_id":"q"`), 1),
		"other format": bytes.Replace(raw, []byte(fileFormat), []byte("something/else"), 1),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(s.path(id), bad, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := m.Get(ctx, id)
			wantErr(t, err, errs.CodeInternal, ErrCorrupt)
			if !strings.Contains(err.Error(), s.path(id)) {
				t.Fatalf("error %q does not name the file", err)
			}
			// Update never replaces what it cannot read.
			err = m.MarkUsed(ctx, id)
			wantErr(t, err, errs.CodeInternal, ErrCorrupt)
			_, err = m.Store(ctx, &Credential{ID: id, ProjectID: "p", ProductID: "example_crm", AuthType: AuthBasic,
				Secrets: Secrets{KeyUsername: "u", KeyPassword: "pw-replacement"}})
			wantErr(t, err, errs.CodeInternal, ErrCorrupt)
			if now, _ := os.ReadFile(s.path(id)); !bytes.Equal(now, bad) {
				t.Fatal("the corrupt file was overwritten")
			}
			// Listing reports it by id rather than skipping it.
			_, err = m.List(ctx, "p")
			wantErr(t, err, errs.CodeInternal, ErrCorrupt)
			var e *errs.Error
			errors.As(err, &e)
			if ids, _ := e.Details["corrupt"].([]string); len(ids) != 1 || ids[0] != id {
				t.Fatalf("corrupt ids %v", e.Details["corrupt"])
			}
			// The other credential is unaffected.
			if _, err := m.Get(ctx, other); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A newer version's format is UNSUPPORTED, not corrupt.
	if err := os.WriteFile(s.path(id), bytes.Replace(raw, []byte(fileFormat), []byte("xlr8-credential/9"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = m.Get(ctx, id)
	wantErr(t, err, errs.CodeUnsupported, nil)
	// Delete removes a record it cannot read.
	if err := m.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := m.List(ctx, "p"); err != nil {
		t.Fatal(err)
	}
}

// Deliberate edits that keep the file checksum valid are caught by the
// envelope: a flipped ciphertext byte, changed bound metadata, a sealed
// blob copied from another credential.
func TestFileStoreTampering(t *testing.T) {
	ctx := testCtx(t)
	s := mustFileStore(t, t.TempDir())
	m := mustManager(t, s, mustKeyring(t, mustKey(t)))
	store := func() string {
		id, err := m.Store(ctx, basicCred("p"))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	donor := store()
	donorRec, _ := s.Get(ctx, donor)
	for name, edit := range map[string]func(m map[string]any){
		"flipped ciphertext byte": func(m map[string]any) {
			b, _ := base64Decode(m["sealed"].(string))
			b[len(b)-20] ^= 0x01
			m["sealed"] = base64Encode(b)
		},
		"instance_url": func(m map[string]any) { m["instance_url"] = "https://attacker.example.com" },
		"expires_at":   func(m map[string]any) { m["expires_at"] = "2999-01-01T00:00:00Z" },
		"moved blob":   func(m map[string]any) { m["sealed"] = base64Encode(donorRec.Sealed) },
	} {
		t.Run(name, func(t *testing.T) {
			id := store()
			rewriteRecord(t, s, id, edit)
			_, err := m.Get(ctx, id)
			wantErr(t, err, errs.CodeInternal, ErrTampered)
			if !strings.Contains(err.Error(), id) {
				t.Fatalf("error %q does not name the credential", err)
			}
		})
	}
	// Tampering with a revoked record's status does not bring secrets back.
	id := store()
	if err := m.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	rewriteRecord(t, s, id, func(m map[string]any) { m["status"] = "active" })
	_, err := m.Get(ctx, id)
	wantErr(t, err, errs.CodeInternal, ErrCorrupt)
}

// Fields written by a newer version survive a read-modify-write by this
// one (MarkUsed, Store over an existing id, Revoke).
func TestFileStoreKeepsUnknownFields(t *testing.T) {
	ctx := testCtx(t)
	s := mustFileStore(t, t.TempDir())
	clk := newClock()
	m := mustManager(t, s, mustKeyring(t, mustKey(t)), WithClock(clk.Now), WithUsageResolution(0))
	c := basicCred("p")
	id, err := m.Store(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	rewriteRecord(t, s, id, func(m map[string]any) {
		m["rotation_policy"] = map[string]any{"days": 90.0, "notify": []any{"ops@example.com"}}
		m["z_flag"] = true
	})
	check := func(step string) {
		t.Helper()
		r, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Extra["rotation_policy"]) != `{"days":90,"notify":["ops@example.com"]}` || string(r.Extra["z_flag"]) != "true" {
			t.Fatalf("after %s the unknown fields are %v", step, r.Extra)
		}
	}
	check("a hand edit")
	clk.Advance(time0)
	if err := m.MarkUsed(ctx, id); err != nil {
		t.Fatal(err)
	}
	check("MarkUsed")
	c.ID = id
	c.Secrets[KeyPassword] = "SECRET-password-updated"
	if _, err := m.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	check("Store")
	got, err := m.Get(ctx, id)
	if err != nil || got.Get(KeyPassword) != "SECRET-password-updated" {
		t.Fatalf("Get after update: %v", err)
	}
	if err := m.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	check("Revoke")
}

func TestFileStoreClosed(t *testing.T) {
	s, err := OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(testCtx(t), "x", incrementCounter)
	wantErr(t, err, errs.CodeInvalidArgument, nil)
	_, err = OpenFileStore("  ")
	wantErr(t, err, errs.CodeInvalidArgument, nil)
}
