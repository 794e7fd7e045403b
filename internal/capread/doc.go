// Package capread caps a single value in a streamed body.
//
// A body cap (transport's MaxStreamBytes) bounds a whole stream, not what a
// decoder must hold at once: encoding/csv keeps a whole field, a JSON
// tokenizer a whole string, so one 512 MiB value behind a small body cap
// still costs gigabytes of heap. The readers here pass the bytes through
// unchanged while counting the length of the value being read, and fail the
// read with an INTERNAL *errs.Error wrapping [ErrValueTooLarge] as soon as one
// value passes the cap, before the decoder buffers it.
//
//   - [CSV] counts the bytes of one field: it follows RFC 4180 quoting (a
//     quote toggles quoted mode, so a doubled quote stays inside), and a
//     delimiter or line end outside quotes ends the field.
//   - [JSON] counts the bytes of one string (escapes included) or one bare
//     scalar (number, literal). Objects and arrays are not values for the
//     cap: their members are.
//
// Users: salesforce's Bulk CSV results and the Workday RaaS reader (CSV and
// JSON) wrap their stream bodies with these; internal/jsonpage applies the
// same cap to buffered pages.
package capread
