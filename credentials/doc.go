// Package credentials holds what a connector needs to reach a customer's
// product instance: the Credential type, its validation by auth type, and
// (see the Manager) encrypted storage, OAuth token sources and rotation.
//
// # Redaction
//
// A Credential and its Secrets never print a secret value: String, every fmt
// verb (%v, %+v, %#v, %s, %q), encoding/json and log/slog all show the
// secret keys with masked values.
//
// # Auth types and the secret fields they need
//
//	oauth2       refresh_token grant (default): client_id, client_secret, token_url, refresh_token
//	             client_credentials grant:      client_id, client_secret, token_url
//	             jwt_bearer grant:              client_id, token_url, private_key, subject
//	             saml2_bearer grant:            client_id, token_url, private_key, subject, company_id
//	             (the grant is chosen by the grant_type secret)
//	api_key      api_key, api_secret
//	basic        username, password
//	certificate  cert_file, key_file, passphrase
//	raas         api_key, username, password, customer_api_key
//
// Vendors read further fields (tenant, company_id ...); each vendor package's
// documentation lists them.
package credentials
