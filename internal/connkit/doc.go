// Package connkit turns a vendor's narrow Driver into a connectors.Connector,
// so that what every connector must do is written once (as gocloud's
// portable blob.Bucket wraps a driver.Bucket). DRIVERS.md in this directory
// is the guide for vendor authors.
//
// # What a driver supplies
//
// A Driver gives what only the vendor knows:
//
//   - Connect: authenticate (a token, a login), called once, lazily;
//   - Ping: one cheap authenticated call for Test, with the API version;
//   - Entities and Schema: the entity table (a static Table, or the
//     vendor's describe calls);
//   - Plan: a validated Query compiled (through translate) into the part the
//     server evaluates, the residual, and a page fetch built with one of
//     internal/pager's strategies (OffsetLimit, PageNumber, Tokens, NextLink,
//     OData), so that no vendor writes a paging loop;
//   - its actions, declared once as typed Specs (Declare, DeclareWith) and
//     bound to typed handlers (Bind, Typed), with JSON Schemas inferred;
//   - its error map (ClientConfig.DecodeError reads the vendor's error body,
//     ErrorMap turns vendor codes into codes and retryability) and its
//     defaults (ClientConfig.DefaultRate and DefaultBurst, page sizes, API
//     versions) in its own typed options.
//
// # What the adapter owns
//
// New and Conn own, once for every vendor: the lifecycle (idempotent Close,
// use-after-Close errors wrapping connectors.ErrClosed, Connect once,
// lazily, shared by concurrent callers); Query.Validate and the check that
// a query's fields, filter fields and order fields are in the entity's
// schema; the pager wiring (residual filter through translate.Match,
// projection, Limit, Resume, advertised totals, progress, repeated cursors
// and repeated records); error wrapping, once, with Product set and no
// repeated "product:" prefix; Execute's dispatch (UNSUPPORTED for unknown
// actions, principal stripping, the principal-type gate that refuses
// sensitive and write capabilities to a caller of unknown type unless the
// host opted out with connectors.WithAllowMissingPrincipalType, strict
// params decoding, one audit event per call); As; and the refusal, at
// construction, of another vendor's options (CheckVendorOptions).
//
// NewClient builds the vendor's transport from the host's options with a
// rate limiter shared per credential (Limiter: never retuned by a later
// Open), TokenAuth its token cache.
//
// # Optional interfaces and their fallbacks
//
// Found on the driver by type assertion:
//
//   - NativeDriver (Query compiles the native text to a Plan); else
//     NativeParser (the native text becomes a Query run by Get); with
//     neither, Query is UNSUPPORTED.
//   - BulkDriver: the connector (Port, or a vendor type embedding Exports)
//     implements connectors.BulkExporter; without it, it does not, and
//     callers use Get.
//   - Config.Explain (a setting, since every driver has Plans): the
//     connector implements connectors.Explainer from the Plan's Requests,
//     Native, Calls and Notes; without it, it does not.
//   - ErrorMapper: every error passes through it once (the simulator gives
//     each error its own vendor code); without it errors pass as they are.
//   - Closer: Close releases the driver; without it Close only marks the
//     connector closed.
//   - Aser: As reaches the driver's vendor values after **Conn; without it
//     As knows only **Conn.
//   - OptionOwner: vendor options declared outside the driver's package
//     are accepted too; without it only the driver's own package's.
//
// # Other pieces
//
// Lifecycle, Actions and Auditor are the parts the adapter is built from,
// usable alone by a connector that does not fit a driver. Decode and Encode
// convert between Execute's params and results and typed requests and
// responses (Encode compiles one encoder per type).
package connkit
