// Package credentials holds what a connector needs to reach a customer's
// product instance, and keeps it safe: the Credential type and its
// validation by auth type, the Manager that stores credentials sealed
// under AES-256-GCM, lists them, refreshes and rotates their OAuth tokens,
// revokes them and re-encrypts them under a new key, and the stores behind
// it (a FileStore, the embedded default, and a MemoryStore).
//
// A host stores a credential once and opens connectors with it:
//
//	keys, err := credentials.KeyringFromEnv()          // XLR8_CREDENTIALS_KEY
//	store, err := credentials.OpenFileStore("/var/lib/xlr8/credentials")
//	mgr, err := credentials.NewManager(store, keys, credentials.WithLogger(logger))
//	id, err := mgr.Store(ctx, cred)
//	...
//	cred, err := mgr.Get(ctx, id)
//	conn, err := connectors.Open(ctx, cred.ProductID, cred,
//		connectors.WithTokenSource(mgr.TokenSource(ctx, id))) // OAuth credentials
//
// # Redaction
//
// A Credential and its Secrets never print a secret value: String, every fmt
// verb (%v, %+v, %#v, %s, %q), encoding/json and log/slog all show the
// secret keys with masked values. A Key prints its id only, a Record its
// metadata only. Errors name credentials by id and files by path, never a
// secret: token endpoint errors are scrubbed of every secret the transport
// knows, including ones the endpoint echoes back; key and private key
// parsing errors never quote their input. The Manager's log lines carry
// ids, products, grants and counts, and pass through the redacting handler
// of internal/redact as a last line of defence. The set of secrets a token
// client scrubs stays bounded over a long run: it holds each credential's
// secrets and its last few tokens, and forgets tokens issued more than
// eight refreshes ago (rotated away or expired), also when one client
// serves every credential (WithTokenClient).
//
// # Auth types and the secret fields they need
//
//	oauth2       refresh_token grant (default): client_id, client_secret, token_url, refresh_token
//	             client_credentials grant:      client_id, client_secret, token_url
//	             jwt_bearer grant:              client_id, token_url, private_key, subject
//	             saml2_bearer grant:            client_id, token_url, private_key, subject, company_id
//	             password grant:                client_id, client_secret, token_url, username, password
//	             (the grant is chosen by the grant_type secret)
//	api_key      api_key, api_secret
//	basic        username, password
//	certificate  cert_file, key_file, passphrase
//	raas         api_key, username, password, customer_api_key
//
// # Per-product validation
//
// The list above is the rule for a product nobody declared. A product's
// declaration (RegisterProduct: its auth types, the grant of each OAuth
// one, the keys required and read, defaults, the token path) replaces it,
// so that validation names exactly what that product misses and accepts
// what it needs and nothing more. This package declares the products of
// the design's table itself, so that validation is per product even in a
// host that does not link the vendor package; a vendor package may
// declare its product again in its init (the dependency order stays
// credentials < connectors < vendors):
//
//	salesforce                 oauth2: refresh_token, client_credentials or jwt_bearer, as above
//	workday_hcm, workday_fins  oauth2 refresh_token: client_id, client_secret, token_url, refresh_token;
//	                           basic: username, password (tenant, report_owner read when set)
//	oracle_hcm, oracle_erp     basic; oauth2 client_credentials (scope) or jwt_bearer
//	sap_sf                     basic (username user@companyId); oauth2 saml2_bearer: client_id, company_id,
//	                           user_id (or subject), private_key, token_url
//	sap_s4                     basic, oauth2 client_credentials or certificate (sap_client read when set)
//	ukg_pro                    raas: username, password, customer_api_key, api_key
//	ukg_wfm                    oauth2 password (the default grant): username, password, client_id,
//	                           client_secret; token_url or the instance URL (token path
//	                           /api/authentication/access_token); appkey sent when set; auth_chain
//	                           defaults to OAuthLdapService
//	ukg_ready                  api_key: api_key, username, password, company (no api_secret)
//
// # OAuth grants
//
// NewTokenFunc builds a transport.TokenFunc for a credential's grant,
// calling the token endpoint through a *transport.Client (retries, HTTPS
// only, audit event, redaction); vendor packages call it, or the grant
// functions directly, when the host gives no token source. Each checks its
// fields and parses any private key when built, so a bad credential fails
// before any network call.
//
//	refresh_token       RefreshTokenGrant: grant_type=refresh_token with refresh_token, client_id,
//	                    client_secret (and scope, if the credential has one). A rotated refresh
//	                    token is used from then on.
//	client_credentials  ClientCredentialsGrant: client_id, client_secret (and scope).
//	password            PasswordGrant (UKG WFM): grant_type=password with username, password,
//	                    client_id, client_secret, auth_chain, and the appkey header when set; a
//	                    returned refresh token is used first (grant_type=refresh_token), and a
//	                    rejected one (WFM's expire after seven days) means logging in again.
//	jwt_bearer          JWTBearerGrant (RFC 7523, Salesforce): a JWT signed RS256 with private_key
//	                    (PEM PKCS#1 or PKCS#8, RSA >= 2048 bits); iss=client_id, sub=subject,
//	                    aud = the audience field, else token_url's scheme://host; exp 3 minutes
//	                    ahead. Salesforce wants aud https://login.salesforce.com (or test., or a
//	                    community URL): set audience when token_url is a My Domain host.
//	saml2_bearer        SAML2BearerGrant (RFC 7522, SAP SuccessFactors): a SAML 2.0 assertion,
//	                    issuer and api_key attribute = client_id, NameID = subject (the SF user
//	                    id), Recipient = token_url, audience = the audience field or
//	                    www.successfactors.com, valid 10 minutes; signed (enveloped XML-DSig,
//	                    RSA-SHA256, SHA-256 digest) in exclusive canonical XML, posted base64 with
//	                    company_id and client_id. private_key may also be the base64
//	                    "key###certificate" text SuccessFactors offers for download.
//
// A rejection by the token endpoint is UNAUTHENTICATED, with the OAuth error
// word (invalid_grant, invalid_client ...) as VendorCode.
//
// Manager.TokenSource returns a *TokenSource for a stored credential. It
// hands out the stored access token while it is valid (a restart costs no
// refresh), refreshes through the grant when the token is missing,
// expiring or rejected, and persists the result (access token, expiry, a
// rotated refresh token) to the store before handing it out (if the store
// fails, it keeps the token in memory, logs an error and retries on the next
// use). It also
// offers TokenContext and Invalidate, which the connectors' transport uses
// after a 401 (connectors.WithTokenSource): one refresh per rejected token,
// however many connectors and goroutines report it. Manager.Refresh
// refreshes now.
//
// # Sealing format
//
// A stored record keeps its metadata (id, project, product, instance URL,
// auth type, status, timestamps) in the clear, so that List needs no key,
// and its secrets (with the last OAuth token) in a sealed envelope:
//
//	"XC" | version 0x02 | key id length | key id | 8-byte key check | 12-byte nonce | AES-256-GCM ciphertext and tag
//
// The nonce is fresh from crypto/rand for every seal. The additional data
// authenticated with the ciphertext is the envelope header followed by the
// record's metadata, each field length-prefixed: the id, project, product,
// instance URL, auth type, status, created, updated, expires and last-used
// times, and the record's revision. A ciphertext moved onto another
// credential or another revision of the same one, or a record whose bound
// metadata was edited (say, an instance URL pointed elsewhere or an expiry
// pushed back), fails to open with ErrTampered. The key check (the first
// bytes of AES of a zero block under the key) tells a different key that
// reuses the id from tampering: ErrWrongKey. The payload is a compact
// length-prefixed encoding (see payload.go), so opening costs one
// decryption and no JSON. Version 1 envelopes (no key check, no revision,
// a JSON payload) are still read and are rewritten as version 2 by the next
// write. Listed metadata is not checked (nothing is opened for a listing);
// Get checks it.
//
// # Keys
//
// A key is 32 bytes (AES-256) with an id written into every envelope. Keys
// come from a KeyProvider: KeyringFromEnv reads XLR8_CREDENTIALS_KEY (base64;
// `openssl rand -base64 32`) and, during a rotation,
// XLR8_CREDENTIALS_PREVIOUS_KEYS (comma separated); a host can plug AWS
// Secrets Manager (package credentials/awssm does), Vault or a KMS in
// through the interface. An env key's id
// is a one-way fingerprint of it ("k1-" and 16 hex digits). There is no
// default key: no key is ErrNoKey, a malformed one ErrBadKey (both
// INVALID_ARGUMENT, at NewManager or KeyringFromEnv), a record sealed under
// a key the provider does not have ErrWrongKey (UNAUTHENTICATED).
//
// # Stores
//
// A Store keeps sealed records and offers an atomic read-modify-write
// (Update). MemoryStore serves tests. FileStore, the embedded default, is a
// folder (mode 0700) with one file per credential (<id>.json, mode 0600),
// so that a write touches one small file whatever the number of
// credentials. A write takes the folder's flock(2) lock, writes a temporary
// file, fsyncs it, renames it over the record and fsyncs the folder: a
// crash leaves the old record or the new one. Each file carries a SHA-256
// checksum of the record; a torn or garbled file is reported (ErrCorrupt,
// INTERNAL, naming the file), never overwritten, and can be removed with
// Manager.Delete. Fields a newer library version added to a record are
// kept verbatim through every read-modify-write. On systems without flock
// OpenFileStore returns UNSUPPORTED rather than risk lost writes. Get
// costs one stat while a record's file is unchanged.
//
// No rollback: a store that can tell refuses a record older than one it
// has written or served (ErrRollback, INTERNAL), so that restoring an old
// record file brings back neither a retired refresh token nor a revoked
// credential. FileStore keeps each record's revision in a file beside it
// and the highest revision served in memory; credentials/pgstore keeps it
// in a table of its own.
//
// A store shared by several processes or machines can also serialise OAuth
// refreshes (RefreshLocker): FileStore with a per-credential flock,
// MemoryStore with a lock, credentials/pgstore with a PostgreSQL advisory
// lock. ApplyUpdate is the revision rule every Store's Update follows.
//
// Credential ids are 1 to 128 of A-Z a-z 0-9 . _ - (not starting with a
// dot or a dash); Store generates "cred_" and 24 hex digits when the id is
// empty.
//
// # Lifecycle and errors
//
// Store validates the fields for the product and auth type (refusing an
// instance URL with user info, a query or a fragment) and sets created_at and
// status (active). Get opens a credential; a revoked one is ErrRevoked, one
// past its expires_at ErrExpired (both UNAUTHENTICATED, and Get returns no
// credential). List shows metadata only, with the status as of now. Revoke
// removes the sealed secrets from the record (not just a flag) and drops
// the Manager's cached token; the record remains as metadata, and its id
// cannot be reused. MarkUsed records last_used to a resolution (one minute
// by default, WithUsageResolution), so a busy credential does not cost a
// synced write per use; the TokenSource calls it on every token it hands
// out. Every error is a *connectors.Error (internal/errs) with a code; the
// causes ErrRevoked, ErrExpired, ErrNoKey, ErrBadKey, ErrWrongKey,
// ErrTampered, ErrCorrupt and ErrRollback tell them apart with errors.Is.
//
// # Rotation
//
// Manager.Rekey(ctx, newKey) re-encrypts every credential under newKey,
// which the Manager also uses for every write from then on. Each credential
// is rewritten by its own atomic Update, so an interruption (a cancelled
// context, a crash) leaves every credential sealed under the old key or the
// new one, and running Rekey again skips those done and finishes. Until a
// run returns without error, every process sharing the store needs both
// keys (the new one current, the old one previous); then the old key can be
// retired. A credential that cannot be re-encrypted is listed in the error
// and does not stop the others.
//
// # Concurrency
//
// A Manager is safe for concurrent use, and several Managers (in one
// process or several) may share one FileStore: every change is an Update
// under the folder's lock, re-reading the record first, so concurrent
// writers lose nothing. Readers take no lock. Within a Manager, all
// TokenSources of one credential share one token cache, so concurrent
// callers share one refresh. Across processes, over a store that is a
// RefreshLocker, the read-refresh-write runs under the credential's refresh
// lock: of two processes whose token is rejected at once, one refreshes
// and the other uses its token (none gets invalid_grant even when the
// vendor rotates the refresh token on every use). Over another store, a
// refresh that the vendor rejects because another process has just rotated
// the refresh token picks up that process's stored token instead of
// failing. Tokens already
// handed to a connector stay usable at the vendor until they expire, even
// after Revoke: revoke the grant at the vendor too.
package credentials
