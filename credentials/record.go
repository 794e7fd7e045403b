package credentials

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Record is a credential as a Store keeps it: the metadata in the clear and
// the secret fields sealed in an envelope (see the package documentation,
// "Sealing format"). Stores treat it as opaque apart from ID, ProjectID and
// Revision.
//
// Records returned by a Store's Get and List are shared: callers must not
// modify them (Update hands its function a copy).
type Record struct {
	ID          string
	ProjectID   string
	ProductID   string
	InstanceURL string
	AuthType    AuthType
	Status      Status
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   time.Time
	LastUsed    time.Time
	// Sealed is the envelope holding the secret fields and the cached OAuth
	// token. It is nil once the credential is revoked.
	Sealed []byte
	// Revision counts the record's writes. The Store sets it to the current
	// revision plus one (1 for a new record), which is also the revision the
	// Manager binds into the sealed secrets before handing the record to
	// Update: a store that numbers otherwise makes the record fail to open.
	Revision uint64
	// Extra holds the fields of a stored record that this version of the
	// library does not know (written by a newer one), verbatim, so that a
	// read-modify-write keeps them.
	Extra map[string]json.RawMessage
}

// recordFields are the JSON names this version knows.
var recordFields = map[string]bool{
	"id": true, "project_id": true, "product_id": true, "instance_url": true, "auth_type": true,
	"status": true, "created_at": true, "updated_at": true, "expires_at": true, "last_used": true,
	"sealed": true, "revision": true,
}

// Clone returns a deep copy.
func (r *Record) Clone() *Record {
	if r == nil {
		return nil
	}
	out := *r
	if r.Sealed != nil {
		out.Sealed = bytes.Clone(r.Sealed)
	}
	if r.Extra != nil {
		out.Extra = make(map[string]json.RawMessage, len(r.Extra))
		for k, v := range r.Extra {
			out.Extra[k] = bytes.Clone(v)
		}
	}
	return &out
}

// String renders the metadata; the sealed bytes are summarized by length.
func (r *Record) String() string {
	if r == nil {
		return "<nil record>"
	}
	return fmt.Sprintf("Record{ID:%q ProjectID:%q ProductID:%q AuthType:%q Status:%q Revision:%d Sealed:%d bytes}",
		r.ID, r.ProjectID, r.ProductID, r.AuthType, r.Status, r.Revision, len(r.Sealed))
}

// Format prints String for every verb (the sealed bytes are ciphertext, but
// there is no reason to print them).
func (r *Record) Format(f fmt.State, verb rune) { formatRedacted(f, verb, r.String()) }

// binding is the metadata authenticated with the sealed secrets (envelope
// version 2): every field the Manager manages and the Revision the write
// will have, each length-prefixed. Extra (not known to this version) is
// not bound.
func (r *Record) binding() []byte { return r.bindingFor(envelopeV2) }

// bindingFor returns the binding of an envelope version: version 1 bound no
// revision.
func (r *Record) bindingFor(version byte) []byte {
	b := make([]byte, 0, 180+len(r.ID)+len(r.ProjectID)+len(r.ProductID)+len(r.InstanceURL))
	if version == envelopeV1 {
		b = appendField(b, "xlr8-credential-binding/1")
	} else {
		b = appendField(b, "xlr8-credential-binding/2")
	}
	for _, s := range []string{r.ID, r.ProjectID, r.ProductID, r.InstanceURL, string(r.AuthType), string(r.Status)} {
		b = appendField(b, s)
	}
	for _, t := range []time.Time{r.CreatedAt, r.UpdatedAt, r.ExpiresAt, r.LastUsed} {
		b = appendField(b, bindTime(t))
	}
	if version != envelopeV1 {
		b = appendField(b, strconv.FormatUint(r.Revision, 10))
	}
	return b
}

func bindTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.Unix(), 10) + "." + strconv.Itoa(t.Nanosecond())
}

// MarshalJSON encodes the known fields (zero values omitted) and the Extra
// fields, with keys sorted.
func (r *Record) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 12+len(r.Extra))
	for k, v := range r.Extra {
		if !recordFields[k] {
			m[k] = v
		}
	}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put("id", r.ID)
	put("project_id", r.ProjectID)
	put("product_id", r.ProductID)
	put("instance_url", r.InstanceURL)
	put("auth_type", string(r.AuthType))
	put("status", string(r.Status))
	for k, t := range map[string]time.Time{"created_at": r.CreatedAt, "updated_at": r.UpdatedAt, "expires_at": r.ExpiresAt, "last_used": r.LastUsed} {
		if !t.IsZero() {
			m[k] = t.UTC().Format(time.RFC3339Nano)
		}
	}
	if r.Sealed != nil {
		m["sealed"] = r.Sealed // base64
	}
	if r.Revision != 0 {
		m["revision"] = r.Revision
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes the known fields and keeps every other one in Extra.
func (r *Record) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*r = Record{}
	str := func(k string, dst *string) error {
		if v, ok := m[k]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("field %s: %w", k, err)
			}
		}
		return nil
	}
	tm := func(k string, dst *time.Time) error {
		var s string
		if err := str(k, &s); err != nil || s == "" {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("field %s: not an RFC 3339 time", k)
		}
		*dst = t
		return nil
	}
	var auth, status string
	for _, f := range []error{
		str("id", &r.ID), str("project_id", &r.ProjectID), str("product_id", &r.ProductID),
		str("instance_url", &r.InstanceURL), str("auth_type", &auth), str("status", &status),
		tm("created_at", &r.CreatedAt), tm("updated_at", &r.UpdatedAt), tm("expires_at", &r.ExpiresAt),
		tm("last_used", &r.LastUsed),
	} {
		if f != nil {
			return f
		}
	}
	r.AuthType, r.Status = AuthType(auth), Status(status)
	if v, ok := m["sealed"]; ok {
		if err := json.Unmarshal(v, &r.Sealed); err != nil {
			return fmt.Errorf("field sealed: %w", err)
		}
	}
	if v, ok := m["revision"]; ok {
		if err := json.Unmarshal(v, &r.Revision); err != nil {
			return fmt.Errorf("field revision: %w", err)
		}
	}
	for k, v := range m {
		if !recordFields[k] {
			if r.Extra == nil {
				r.Extra = map[string]json.RawMessage{}
			}
			r.Extra[k] = v
		}
	}
	return nil
}
