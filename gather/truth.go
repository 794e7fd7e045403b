package gather

import (
	"time"

	connectors "github.com/xlr8/connectors"
)

// Kind says what a truth is about.
type Kind string

// The kinds of truth.
const (
	// Reality is live data: what is happening in a connected product.
	Reality Kind = "reality"
	// Configuration is how a product is set up: organizations, codes,
	// plans, picklists. It changes rarely and is cached (WithConfigTTL).
	Configuration Kind = "configuration"
)

// Analysis is what the engine already knows about a question.
type Analysis struct {
	// Entities are canonical entities (translate's vocabulary: "worker",
	// "time_off_balance") the engine wants, in addition to those the
	// question's words name.
	Entities []string
	// Fields are canonical fields to return, per canonical entity ("worker":
	// {"employee_id", "display_name"}); none means every field.
	Fields map[string][]string
	// Where filters, per canonical entity, in canonical field names.
	Where map[string]connectors.Expr
	// AsOf is the effective date (zero: today). Since asks for changes after
	// an instant.
	AsOf, Since time.Time
	// Products, when set, restricts the sources to these products.
	Products []string
	// Budget is the number of records each truth keeps (default 1,000; the
	// rest are counted, and the truth is flagged Truncated).
	Budget int
}

// Row is one record of a truth: the vendor's record and the same record in
// canonical names (fields the vocabulary does not map are left out of it).
type Row struct {
	Vendor    connectors.Record `json:"vendor"`
	Canonical connectors.Record `json:"canonical"`
}

// Truth is what one source said about one entity.
type Truth struct {
	Kind Kind `json:"kind"`
	// Product and CredentialID name the source; never a secret.
	Product      string `json:"product"`
	CredentialID string `json:"credential_id"`
	// Entity is the canonical entity; NativeEntity the product's.
	Entity       string `json:"entity"`
	NativeEntity string `json:"native_entity"`
	// Why says why this source was chosen: the words of the question or the
	// analysis that named the entity, and the credential that serves it.
	Why string `json:"why"`
	// Query is the product query in the universal language; Native the
	// native query the connector sent, when it can tell (Explainer); Pushed
	// and Residual what the server filtered and what was filtered here.
	Query    string `json:"query"`
	Native   string `json:"native,omitempty"`
	Pushed   string `json:"pushed,omitempty"`
	Residual string `json:"residual,omitempty"`
	// AsOf is the effective date asked for (zero: today); FetchedAt when the
	// data was read.
	AsOf      time.Time `json:"as_of,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
	// Rows are the records kept (at most the budget); Count the records the
	// source returned; Truncated reports Count > len(Rows).
	Rows      []Row `json:"rows,omitempty"`
	Count     int64 `json:"count"`
	Truncated bool  `json:"truncated,omitempty"`
	// Complete reports that the source's stream ended normally: every record
	// the vendor had (and advertised) arrived. A failed or incomplete source
	// has Complete false and Err set; Resume continues it later.
	Complete bool   `json:"complete"`
	Err      error  `json:"-"`
	Error    string `json:"error,omitempty"`
	Resume   string `json:"resume,omitempty"`
	// Cached reports a configuration truth served from the cache.
	Cached bool `json:"cached,omitempty"`
}

// Selection is which sources a question and its analysis lead to, and why.
type Selection struct {
	// Detected lists the entities chosen and the words that named them.
	Detected []Detected `json:"detected"`
	// Sources are the (credential, entity) pairs to query.
	Sources []Source `json:"sources"`
	// Reason explains an empty Sources: no entity named, or no active
	// credential of the project serves the entities named.
	Reason string `json:"reason,omitempty"`
}

// Source is one (credential, entity) pair a gather queries.
type Source struct {
	Kind         Kind   `json:"kind"`
	Product      string `json:"product"`
	CredentialID string `json:"credential_id"`
	Entity       string `json:"entity"`
	NativeEntity string `json:"native_entity"`
	Why          string `json:"why"`
}

// Detected is one entity chosen for a question.
type Detected struct {
	Entity string `json:"entity"`
	// From is "question" or "analysis"; Term the words that named it.
	From string `json:"from"`
	Term string `json:"term,omitempty"`
}
