// Package kit is what every fake vendor server is built from, so that a
// fake is its vendor's wire shapes plus a few hundred lines. It holds no
// vendor's shapes: envelopes, error bodies and field names belong to the
// fake in internal/fake/<vendor>, which never shares a type with its
// client.
//
// # Usage
//
//	s := kit.New(kit.Config{Base: "/acme", Seed: 1}) // TLS, under /acme
//	defer s.Close()
//	o := s.EnableOAuth(kit.OAuthConfig{Path: "/oauth2/v1/token",
//		ClientID: "id", ClientSecret: "secret", ClientAuth: kit.ClientAuthBasic, TTL: time.Hour})
//	s.Store.Table("workers").Seed(records)
//	page := kit.Offset{OffsetParam: "offset", LimitParam: "limit", Default: 25, Max: 499}
//	s.HandleFunc("GET /workers", func(w http.ResponseWriter, r *http.Request) {
//		if _, ok := o.Check(r); !ok { ... the vendor's 401 ... }
//		rows := s.Store.Table("workers").Find(match)   // the vendor's filter
//		win, err := page.Window(r.URL.Query(), len(rows))
//		... write rows[win.Start:win.End] in the vendor's envelope, with
//		win.More(), s.Advertise(win.N) as the total, and
//		s.Relink(r, kit.Absolute, map[string]string{"offset": ...}) as a link ...
//	})
//	conn, _ := vendor.New(ctx, cred(s.URL, s.TokenURL()), connectors.WithHTTPClient(s.Client()))
//
// # Sections
//
// Server (server.go): an httptest TLS server whose routes are mounted under
// Config.Base (default DefaultBase; "/" for a vendor rooted at the host),
// so a client that builds URLs from the origin instead of the instance URL
// gets a 404. Handle takes ServeMux patterns relative to the base; Use adds
// vendor middleware (a URI length limit, a quota) after the fault injector;
// Link and Relink spell next links absolute or host-relative, Relink
// keeping the request's other parameters and their order.
//
// Faults: Server.Faults is the internal/fake/fault injector, in front of
// every route but the token endpoint; a fake sets Faults.Respond for the
// vendor's own throttle or 401 shape. Inject and Heal implement a
// connectortest harness's Inject and Heal ("short_total" through
// LieAboutTotal).
//
// Totals: Advertise(n) is the total a page advertises; LieAboutTotal(k)
// makes it k more (or fewer) than exist.
//
// OAuth (oauth.go): EnableOAuth mounts a token endpoint for the
// client_credentials, refresh_token (with rotation: the presented token
// dies), password, jwt-bearer and saml2-bearer grants; client
// authentication by HTTP Basic, the form, or either (ClientAuth); a fixed
// scope; access tokens that expire after TTL by the server's clock;
// Issued, Tokens, Requests and Failures as the issued-token log and
// counters; Check as the bearer check; Fail and Response for the vendor's
// error and success shapes. JWTCheck verifies RS256 assertions (sub or
// Oracle's prn); a saml2-bearer assertion is checked by the fake's own
// OAuthConfig.Assertion. CheckBasic checks HTTP Basic credentials.
//
// Store (store.go): tables of records by index, stored or generated on
// demand (a benchmark's million rows cost no memory), with soft deletes,
// Find and Index.
//
// Paging (paging.go): Offset (offset+limit, silent cap or rejection above
// the maximum), PageNumber (page and size; the client stops on a short
// page), Opaque (a stateless continuation token bound to its query, for
// next-page tokens and OData $skiptoken), each giving a Window of the
// result; next links are Relink with the new position; Cursors
// (cursors.go) holds server-side cursors that expire when idle
// (Salesforce's query locators). A bad paging parameter is a *ParamError
// the fake writes in its vendor's shape.
package kit
