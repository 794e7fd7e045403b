// Package policy decides who may run which capability, enforces it around
// any connector, and masks personal data the caller may not see.
//
// The Workday simulator spec makes policy enforcement the primary test
// target; this package is that policy engine, for every product's
// capabilities and for Get reads of every entity.
//
// # Documents
//
// A policy document (YAML, Parse; or a Document, Compile) has the spec's
// capability_groups and roles, plus bindings (who holds a role: principals
// by id, members of groups) and denies (explicit refusals that beat every
// grant). Patterns use "*" for any run of characters: "workday.hcm.*",
// "*.read", group patterns like "workday_time_*". Default is the spec's own
// document (groups, the six recommended roles), with no bindings.
//
// A malformed document (unknown keys, a role that extends an unknown role or
// itself, a grant that names no group and no capability, an unknown principal
// type or personal category, a binding to no role) is an INVALID_ARGUMENT
// error: there is no partially loaded policy.
//
// # Decisions
//
// Decide(principal, capability) fails closed, in this order: no principal
// id or no valid principal type; a capability without a name; a capability
// not meant for the principal's type (Capability.PrincipalTypes); an
// explicit deny; otherwise the first grant of a role the principal holds
// (bound, and meant for its type) that matches. A sensitive capability needs
// an explicit grant: its name, or a capability group; a wildcard written in a
// role ("*.read", "workday.*") never reaches it. The Decision says allowed or
// not, the rule that decided and why, naming no value.
//
// Get on an entity is the capability ReadCapability(product, entity)
// ("salesforce.Account.read"); a native Query is QueryCapability(product)
// ("salesforce.query"), sensitive, since it reads anything.
//
// # Enforce
//
// Enforce(conn, p) wraps any Connector: Execute takes the principal from its
// params (the __principal__, __groups__, __type__ keys) or from the context
// (WithPrincipal); Get and Query from the context. A refusal is
// PERMISSION_DENIED with VendorCode POLICY_DENIED, so a caller tells it from
// the vendor's own. Every decision is audited (WithAudit, WithLogger):
// capability, principal, outcome, rule, masked field paths, never a
// parameter or a value. The wrapper has no Unwrap and forwards no optional
// interface, so the connector underneath cannot be reached around it.
//
// # Personal data
//
// Fields the vocabulary marks personal (translate.Field.Personal: national
// id, birth date, personal contact, address, pay) are replaced by Masked in
// Get records and Execute results unless one of the principal's roles lists
// the category under personal (or "*"). A field is recognised by its
// canonical name or synonyms wherever it stands, and by the product's own
// name for it at its path. Execute results that had fields masked carry
// their paths under MaskedKey. Masking copies what it changes: the
// connector's own values are never modified. A masked value is the string
// Masked whatever the field's type; the capabilities the wrapper lists
// declare output schemas that admit it there (each maskable field's schema
// becomes anyOf its own and the constant Masked, and MaskedKey's paths are
// a property), so a caller or an MCP client that validates results against
// them accepts masked results too.
package policy
