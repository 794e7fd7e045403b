package sap

import (
	"fmt"
	"regexp"
	"strings"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// Defaults.
const (
	// DefaultSFPageSize is SuccessFactors' page size (its cap, 1000
	// entities per response), asked for with customPageSize.
	DefaultSFPageSize = 1000
	// DefaultS4PageSize is the $top of each S/4HANA page.
	DefaultS4PageSize = 500
	// DefaultService is the S/4HANA service Entities lists unless
	// WithServices says otherwise.
	DefaultService = "API_BUSINESS_PARTNER"
)

// settings are the connector's own options.
type settings struct {
	pageSize    int
	services    []string
	snapshot    bool
	historyFrom connectors.Date
	historyTo   connectors.Date
	rfc         bool
	v4          map[string]string // name -> path under /sap/opu/odata4/
	v4names     []string
}

// option is the type of this package's vendor options.
type option func(*settings)

func defaultSettings(product string) settings {
	if product == SuccessFactors {
		return settings{pageSize: DefaultSFPageSize, snapshot: true}
	}
	return settings{pageSize: DefaultS4PageSize, services: []string{DefaultService}, rfc: true}
}

// WithPageSize sets the page size: SuccessFactors' customPageSize (1 to
// 1000, default 1000) or S/4HANA's $top per page (default 500).
func WithPageSize(n int) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.pageSize = n }))
}

// WithServices names the S/4HANA OData v2 services (under
// /sap/opu/odata/sap/) whose entity sets Entities lists, as
// SERVICE/EntitySet (default API_BUSINESS_PARTNER). Get and Query reach any
// service by name whether listed or not.
func WithServices(names ...string) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.services = append([]string(nil), names...) }))
}

// WithSnapshotPaging turns SuccessFactors' snapshot-based server paging
// (paging=snapshot, a stable key list on the server) on or off for Get
// (default on; queries with an order use cursor-free paging either way,
// since SuccessFactors' server paging does not support $orderby on every
// entity). On an entity that does not support it SuccessFactors falls back
// to its default paging.
func WithSnapshotPaging(on bool) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.snapshot = on }))
}

// WithEffectiveRange makes Get read every record of an effective-dated
// SuccessFactors entity (one with startDate and endDate) that overlaps
// [from, to] (fromDate/toDate) instead of the records valid on Query.AsOf
// (asOfDate, default today): WithEffectiveRange(connectors.Date{Year:
// 1900, Month: 1, Day: 1}, connectors.Date{Year: 9999, Month: 12, Day: 31})
// is the full history.
func WithEffectiveRange(from, to connectors.Date) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.historyFrom, s.historyTo = from, to }))
}

// WithSOAPRFC allows (the default) or forbids the SOAP RFC route
// (/sap/bc/soap/rfc) for sap.s4.bapi; hardened systems disable the
// service, and a host may want BAPIs only through OData function imports.
func WithSOAPRFC(on bool) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) { s.rfc = on }))
}

// WithV4Service adds an S/4HANA OData v4 service (RAP services under
// /sap/opu/odata4/): name is how its entities are named (name/EntitySet),
// path its location under /sap/opu/odata4/, for example
// WithV4Service("BP_V4", "sap/api_business_partner/srvd_a2x/sap/businesspartner/0001").
// Reads page by $top/$skip with $count=true; only comparisons on text and
// boolean properties go to the server (v4 writes other literals without
// v2's datetime'...' and L/M suffixes), the rest is filtered here.
// sap.s4.create and sap.s4.update write to it in OData v4, and
// sap.s4.batch sends it OData v4 multipart batches.
func WithV4Service(name, path string) connectors.Option {
	return connectors.VendorOption(option(func(s *settings) {
		if s.v4 == nil {
			s.v4 = map[string]string{}
		}
		if _, dup := s.v4[name]; !dup {
			s.v4names = append(s.v4names, name)
		}
		s.v4[name] = strings.Trim(path, "/")
	}))
}

var (
	serviceRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	v4PathRE  = regexp.MustCompile(`^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*$`)
)

func (s settings) validate(product string) error {
	bad := func(format string, args ...any) error {
		return &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: fmt.Sprintf(format, args...)}
	}
	if product == SuccessFactors && (s.pageSize < 1 || s.pageSize > 1000) {
		return bad("page size %d is outside SuccessFactors' 1 to 1000", s.pageSize)
	}
	if product == S4HANA && (s.pageSize < 1 || s.pageSize > 5000) {
		return bad("page size %d is outside 1 to 5000", s.pageSize)
	}
	for _, svc := range s.services {
		if !serviceRE.MatchString(svc) {
			return bad("service name %q is not an OData service name", svc)
		}
	}
	for _, name := range s.v4names {
		if product == SuccessFactors {
			return bad("OData v4 services are S/4HANA's")
		}
		if !serviceRE.MatchString(name) || !v4PathRE.MatchString(s.v4[name]) {
			return bad("v4 service %q at %q: the name must be A-Z, 0-9 and _, the path segments too", name, s.v4[name])
		}
		for _, v2 := range s.services {
			if v2 == name {
				return bad("v4 service name %q is also a v2 service", name)
			}
		}
	}
	if s.historyFrom.IsZero() != s.historyTo.IsZero() || s.historyTo.Before(s.historyFrom) {
		return bad("the effective range needs a from date on or before its to date")
	}
	if product == S4HANA && !s.historyFrom.IsZero() {
		return bad("effective ranges are SuccessFactors' (fromDate/toDate); S/4HANA has none")
	}
	return nil
}
