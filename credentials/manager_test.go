package credentials

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xlr8/connectors/internal/errs"
)

func TestManagerStoreAndGet(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := testCtx(t)
		clk := newClock()
		m := mustManager(t, s, mustKeyring(t, mustKey(t)), WithClock(clk.Now))
		in := basicCred("p1")
		in.Status = StatusRevoked // ignored: Store sets the status
		id, err := m.Store(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(id, "cred_") || in.ID != "" || in.Status != StatusRevoked {
			t.Fatalf("id %q; the caller's credential changed: %v", id, in)
		}
		got, err := m.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := basicCred("p1")
		want.ID, want.Status, want.CreatedAt = id, StatusActive, clk.Now()
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b Secrets) bool { return cmp.Equal(map[string]string(a), map[string]string(b)) })); diff != "" {
			t.Fatalf("Get (-want +got):\n%s", diff)
		}

		// Replacing keeps created_at and takes the new secrets.
		clk.Advance(time.Hour)
		upd := basicCred("p1")
		upd.ID = id
		upd.Secrets[KeyPassword] = "SECRET-new-password"
		if _, err := m.Store(ctx, upd); err != nil {
			t.Fatal(err)
		}
		got, _ = m.Get(ctx, id)
		if !got.CreatedAt.Equal(want.CreatedAt) || got.Get(KeyPassword) != "SECRET-new-password" {
			t.Fatalf("after replace: created %v password changed=%v", got.CreatedAt, got.Get(KeyPassword) == "SECRET-new-password")
		}
		// The returned credential is a copy.
		got.Secrets[KeyPassword] = "mutated"
		if again, _ := m.Get(ctx, id); again.Get(KeyPassword) != "SECRET-new-password" {
			t.Fatal("mutating a returned credential changed the stored one")
		}

		// Moving to another product or project is a conflict.
		moved := basicCred("p1")
		moved.ID, moved.ProductID = id, "other_crm"
		_, err = m.Store(ctx, moved)
		wantErr(t, err, errs.CodeConflict, nil)

		_, err = m.Get(ctx, "cred_missing")
		wantErr(t, err, errs.CodeNotFound, nil)
	})
}

func TestManagerStoreValidates(t *testing.T) {
	ctx := testCtx(t)
	clk := newClock()
	m := mustManager(t, NewMemoryStore(), mustKeyring(t, mustKey(t)), WithClock(clk.Now))
	cases := map[string]struct {
		edit    func(c *Credential)
		missing []string
	}{
		"missing secrets": {func(c *Credential) { c.AuthType = AuthOAuth2; c.Secrets = Secrets{KeyClientID: "x"} },
			[]string{KeyClientSecret, KeyTokenURL, KeyRefreshToken}},
		"unknown auth":  {func(c *Credential) { c.AuthType = "kerberos" }, nil},
		"unknown grant": {func(c *Credential) { c.AuthType = AuthOAuth2; c.Secrets[KeyGrantType] = "password" }, nil},
		"no project":    {func(c *Credential) { c.ProjectID = "" }, nil},
		"no product":    {func(c *Credential) { c.ProductID = "" }, nil},
		"bad id":        {func(c *Credential) { c.ID = "../../etc/passwd" }, nil},
		"bad url":       {func(c *Credential) { c.InstanceURL = "not a url" }, nil},
		"expired":       {func(c *Credential) { c.ExpiresAt = clk.Now().Add(-time.Second) }, nil},
		"empty key":     {func(c *Credential) { c.Secrets[""] = "x" }, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := basicCred("p")
			tc.edit(c)
			_, err := m.Store(ctx, c)
			wantErr(t, err, errs.CodeInvalidArgument, nil)
			if tc.missing != nil {
				var e *errs.Error
				errors.As(err, &e)
				if diff := cmp.Diff(tc.missing, e.Details["missing"]); diff != "" {
					t.Fatalf("missing (-want +got):\n%s", diff)
				}
			}
		})
	}
	_, err := m.Store(ctx, nil)
	wantErr(t, err, errs.CodeInvalidArgument, nil)
	if list, _ := m.store.List(ctx, ""); len(list) != 0 {
		t.Fatalf("invalid credentials were stored: %v", list)
	}
}

func TestManagerListIsMetadataOnly(t *testing.T) {
	ctx := testCtx(t)
	clk := newClock()
	dir := t.TempDir()
	m := mustManager(t, mustFileStore(t, dir), mustKeyring(t, mustKey(t)), WithClock(clk.Now))
	a, _ := m.Store(ctx, basicCred("p1"))
	exp := basicCred("p1")
	exp.ExpiresAt = clk.Now().Add(time.Hour)
	b, _ := m.Store(ctx, exp)
	c, _ := m.Store(ctx, basicCred("p2"))
	if err := m.Revoke(ctx, c); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)

	// A Manager with a key that opens nothing still lists: nothing is
	// decrypted for a listing.
	other := mustManager(t, mustFileStore(t, dir), mustKeyring(t, mustKey(t)), WithClock(clk.Now))
	list, err := other.List(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Status{}
	for _, cr := range list {
		if cr.Secrets != nil {
			t.Fatalf("List returned secrets for %s", cr.ID)
		}
		got[cr.ID] = cr.Status
	}
	if diff := cmp.Diff(map[string]Status{a: StatusActive, b: StatusExpired}, got); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	p2, _ := m.List(ctx, "p2")
	if len(p2) != 1 || p2[0].Status != StatusRevoked {
		t.Fatalf("List(p2) = %v", p2)
	}
	_, err = m.List(ctx, "")
	wantErr(t, err, errs.CodeInvalidArgument, nil)
}

func TestManagerRevokeDestroysSecrets(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := testCtx(t)
		m := mustManager(t, s, mustKeyring(t, mustKey(t)))
		id, _ := m.Store(ctx, basicCred("p"))
		if err := m.Revoke(ctx, id); err != nil {
			t.Fatal(err)
		}
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Sealed != nil || rec.Status != StatusRevoked {
			t.Fatalf("revoked record still holds %d sealed bytes (status %s)", len(rec.Sealed), rec.Status)
		}
		if fs, ok := s.(*FileStore); ok {
			raw, _ := os.ReadFile(fs.path(id))
			if strings.Contains(string(raw), `"sealed"`) {
				t.Fatal("the revoked record's file still has a sealed field")
			}
		}
		_, err = m.Get(ctx, id)
		wantErr(t, err, errs.CodeUnauthenticated, ErrRevoked)
		if !errors.Is(err, errs.ErrUnauthenticated) {
			t.Fatal("revoked error does not match the UNAUTHENTICATED sentinel")
		}
		wantErr(t, m.MarkUsed(ctx, id), errs.CodeUnauthenticated, ErrRevoked)
		if err := m.Revoke(ctx, id); err != nil {
			t.Fatalf("second revoke: %v", err)
		}
		// Its id cannot be reused to bring secrets back.
		c := basicCred("p")
		c.ID = id
		_, err = m.Store(ctx, c)
		wantErr(t, err, errs.CodeConflict, ErrRevoked)
		wantErr(t, m.Revoke(ctx, "cred_missing"), errs.CodeNotFound, nil)
	})
}

func TestManagerExpiry(t *testing.T) {
	ctx := testCtx(t)
	clk := newClock()
	m := mustManager(t, NewMemoryStore(), mustKeyring(t, mustKey(t)), WithClock(clk.Now))
	c := basicCred("p")
	c.ExpiresAt = clk.Now().Add(time.Hour)
	id, err := m.Store(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour) // expires_at is not after now: expired
	_, err = m.Get(ctx, id)
	wantErr(t, err, errs.CodeUnauthenticated, ErrExpired)
	var e *errs.Error
	errors.As(err, &e)
	if e.Details["id"] != id {
		t.Fatalf("details %v", e.Details)
	}
	wantErr(t, m.MarkUsed(ctx, id), errs.CodeUnauthenticated, ErrExpired)
	_, err = m.TokenSource(ctx, id).Token()
	wantErr(t, err, errs.CodeUnauthenticated, ErrExpired)
	// Storing it again with a later expiry renews it.
	c.ID, c.ExpiresAt = id, clk.Now().Add(time.Hour)
	if _, err := m.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Get(ctx, id); err != nil || got.Status != StatusActive {
		t.Fatalf("after renewal: %v, %v", got, err)
	}
}

func TestManagerMarkUsed(t *testing.T) {
	ctx := testCtx(t)
	clk := newClock()
	s := NewMemoryStore()
	m := mustManager(t, s, mustKeyring(t, mustKey(t)), WithClock(clk.Now))
	id, _ := m.Store(ctx, basicCred("p"))
	got, _ := m.Get(ctx, id)
	if !got.LastUsed.IsZero() {
		t.Fatal("a new credential has a last use")
	}
	clk.Advance(time.Second)
	if err := m.MarkUsed(ctx, id); err != nil {
		t.Fatal(err)
	}
	first := clk.Now()
	got, _ = m.Get(ctx, id)
	if !got.LastUsed.Equal(first) {
		t.Fatalf("last used %v, want %v", got.LastUsed, first)
	}
	rev, _ := s.Get(ctx, id)
	// Within the resolution (one minute) no write happens.
	clk.Advance(30 * time.Second)
	if err := m.MarkUsed(ctx, id); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(ctx, id); r.Revision != rev.Revision {
		t.Fatal("MarkUsed wrote within the usage resolution")
	}
	clk.Advance(31 * time.Second)
	if err := m.MarkUsed(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, _ = m.Get(ctx, id)
	if !got.LastUsed.Equal(clk.Now()) {
		t.Fatalf("last used %v, want %v", got.LastUsed, clk.Now())
	}
	wantErr(t, m.MarkUsed(ctx, "cred_missing"), errs.CodeNotFound, nil)
}

func TestManagerWrongKey(t *testing.T) {
	ctx := testCtx(t)
	s := NewMemoryStore()
	id, _ := mustManager(t, s, mustKeyring(t, mustKey(t))).Store(ctx, basicCred("p"))
	m := mustManager(t, s, mustKeyring(t, mustKey(t)))
	_, err := m.Get(ctx, id)
	wantErr(t, err, errs.CodeUnauthenticated, ErrWrongKey)
	if !strings.Contains(err.Error(), id) {
		t.Fatalf("error %q does not name the credential", err)
	}
	// The key is lost: the credential can still be revoked.
	if err := m.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
}

// A KeyProvider is asked for each key once; keys are cached.
func TestManagerCachesProviderKeys(t *testing.T) {
	ctx := testCtx(t)
	old, cur := mustKey(t), mustKey(t)
	s := NewMemoryStore()
	id, _ := mustManager(t, s, mustKeyring(t, old)).Store(ctx, basicCred("p"))
	p := &countingProvider{Keyring: mustKeyring(t, cur, old)}
	m := mustManager(t, s, p)
	for i := 0; i < 5; i++ {
		if _, err := m.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if p.lookups != 1 {
		t.Fatalf("%d lookups, want 1", p.lookups)
	}
}

type countingProvider struct {
	*Keyring
	lookups int
}

func (p *countingProvider) LookupKey(ctx context.Context, id string) (*Key, error) {
	p.lookups++
	return p.Keyring.LookupKey(ctx, id)
}

// A host's Store that returns plain errors, or nothing at all, gets typed
// errors from the Manager and never makes it panic.
func TestManagerOverMisbehavingStore(t *testing.T) {
	ctx := testCtx(t)
	m := mustManager(t, sloppyStore{}, mustKeyring(t, mustKey(t)))
	_, err := m.Get(ctx, "c1")
	wantErr(t, err, errs.CodeInternal, nil)
	_, err = m.List(ctx, "p")
	wantErr(t, err, errs.CodeInternal, nil)
	_, err = m.Store(ctx, basicCred("p"))
	wantErr(t, err, errs.CodeInternal, nil)
	wantErr(t, m.Delete(ctx, "c1"), errs.CodeInternal, nil)
	_, err = m.TokenSource(ctx, "c1").Token()
	wantErr(t, err, errs.CodeInternal, nil)
	_, err = m.Rekey(ctx, mustKey(t))
	wantErr(t, err, errs.CodeInternal, nil)
	if !strings.Contains(err.Error(), "credentials store") {
		t.Fatalf("error %q does not say the store failed", err)
	}
}

type sloppyStore struct{}

func (sloppyStore) Get(context.Context, string) (*Record, error)    { return nil, nil }
func (sloppyStore) List(context.Context, string) ([]*Record, error) { return []*Record{nil}, nil }
func (sloppyStore) Delete(context.Context, string) error            { return errors.New("disk on fire") }
func (sloppyStore) Update(_ context.Context, _ string, fn func(*Record) (*Record, error)) (*Record, error) {
	return nil, errors.New("disk on fire")
}
