// Package redact removes secrets from whatever the library might print: HTTP
// headers, URLs, response excerpts and log records.
//
// It works three ways, from most to least certain: by value (a Set holds the
// exact secret strings a connector knows: client secrets, tokens, passwords),
// by key (header names, query parameters and JSON fields that name a secret),
// and by pattern (bearer tokens, JWTs, "password=..." pairs).
package redact
