package workday

import (
	connectors "github.com/xlr8/connectors"
)

// settings are the connector's own options.
type settings struct {
	owner    string
	pageSize int
	chunk    int
	reports  map[string]string // entity -> report name
}

type (
	ownerOpt    string
	pageSizeOpt int
	chunkOpt    int
	reportOpt   [2]string
)

// WithReportOwner names the account owning the custom reports (the
// {owner} of customreport2 URLs), instead of the credential's
// report_owner secret (or, with Basic auth, its username).
func WithReportOwner(owner string) connectors.Option { return connectors.VendorOption(ownerOpt(owner)) }

// WithPageSize sets the limit of REST collection pages (1 to 100; default 100).
func WithPageSize(n int) connectors.Option { return connectors.VendorOption(pageSizeOpt(n)) }

// WithReportChunk sets how many RaaS rows make one page of a stream
// (default 500); memory holds one chunk.
func WithReportChunk(n int) connectors.Option { return connectors.VendorOption(chunkOpt(n)) }

// WithReport names the custom report serving a RaaS-backed entity
// (time_off_requests, pay_statements, journal_entries, suppliers).
func WithReport(entity, report string) connectors.Option {
	return connectors.VendorOption(reportOpt{entity, report})
}

func resolveSettings(o connectors.Options) settings {
	s := settings{pageSize: 100, chunk: 500, reports: map[string]string{}}
	for k, v := range defaultReports {
		s.reports[k] = v
	}
	for _, v := range o.Vendor {
		switch x := v.(type) {
		case ownerOpt:
			s.owner = string(x)
		case pageSizeOpt:
			s.pageSize = int(x)
		case chunkOpt:
			s.chunk = int(x)
		case reportOpt:
			s.reports[x[0]] = x[1]
		}
	}
	return s
}

func (s settings) validate() error {
	switch {
	case s.pageSize < 1 || s.pageSize > 100:
		return connectors.Errorf(connectors.CodeInvalidArgument, "workday: page size %d must be 1 to 100 (Workday's limit)", s.pageSize)
	case s.chunk < 1:
		return connectors.Errorf(connectors.CodeInvalidArgument, "workday: report chunk %d must be positive", s.chunk)
	}
	for e, r := range s.reports {
		if !validReport(r) {
			return connectors.Errorf(connectors.CodeInvalidArgument, "workday: report name %q for %s is not a report name", r, e)
		}
	}
	return nil
}

func validReport(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
