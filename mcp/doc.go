// Package mcp serves connectors as Model Context Protocol tools, on the
// official Go SDK (github.com/modelcontextprotocol/go-sdk), filtered by who
// is asking.
//
// # Tools
//
// Every capability of every connector given to New is a tool named as the
// capability ("workday.hcm.get_employee"), with the capability's
// description, input and output JSON Schemas, and annotations: read-only for
// actions that change nothing (and idempotent), destructive for writes. Every
// entity is also a read tool, "<product>.<entity>.read", taking fields, a
// where filter in translate's universal language ("status = 'ACTIVE' AND
// hire_date >= DATE '2024-01-01'"), a limit, and a cursor: the next_cursor of
// the previous call, which is the stream's Resume token, so a client pages
// through any number of records in bounded calls. WithReadOnly leaves out
// every write.
//
// Results are bounded: a read returns at most WithMaxRecords records and
// stops after the record that crosses WithMaxResultBytes (the cursor gives
// the rest); an action result over the bound is a tool error. Errors are MCP
// tool errors (IsError) whose text and structured content carry the code,
// the vendor's code, whether to retry and, for a stream, the cursor; never a
// secret (connectors' errors are scrubbed at the source).
//
// # Principals
//
// The policy (package policy) decides per principal which tools a session
// lists and may call; each call is decided again when it runs (through
// policy.Enforce), and personal fields the principal's roles do not grant are
// masked, their paths listed in the result's _meta "masked_fields"; the
// output schemas listed are policy.Enforce's, which admit the masked value
// wherever a field may be masked, so a client validating results against
// them accepts masked results. A client
// cannot choose its principal: arguments whose names start with "__" are
// dropped and the session's principal is used.
//
// Over stdio (ServeStdio) the principal is whoever started the process: the
// host establishes it (its configuration, the environment of the process)
// and passes it in. Over streamable HTTP (Handler) every request is
// authenticated by the host's Authenticator (a bearer token checked against
// its identity provider, for example with the SDK's auth package) and served
// in the SDK's stateless mode by a server built for that principal, so a
// session id can never carry one caller's rights to another. A nil
// Authenticator refuses every request.
package mcp
