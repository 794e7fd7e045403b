package ukg

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// raas runs UKG Pro reports through the RaaS SOAP services: LogOn, then
// ExecuteReport (with US-DELIMITER "," for CSV), then RetrieveReport on the
// streaming service until its status is no longer Working, then LogOff.
// Every call is a POST that reads: marked Idempotent so the transport may
// retry it (a repeated LogOn opens a second session, a repeated
// ExecuteReport a second execution; neither changes data).
type raas struct {
	c        *transport.Client
	base     string // instance URL
	user     string
	password string
	customer string // customer API key (ClientAccessKey)
	userKey  string // user API key (UserAccessKey)
	poll     time.Duration
	maxPoll  time.Duration
	product  string
	logger   *slog.Logger
}

// ReportParameter is one RaaS report prompt.
type ReportParameter struct {
	Name        string `json:"name"`
	Value       string `json:"value,omitempty"`
	Required    bool   `json:"required"`
	DataType    string `json:"data_type,omitempty"`
	MultiValued bool   `json:"multi_valued"`
}

// ReportInfo is one entry of GetReportList.
type ReportInfo struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

func (r *raas) dataURL() string   { return strings.TrimRight(r.base, "/") + dataServicePath }
func (r *raas) streamURL() string { return strings.TrimRight(r.base, "/") + streamServicePath }

func soapHeader(csv bool) http.Header {
	h := http.Header{"Content-Type": {soapContentType}, "Accept": {"application/soap+xml"}}
	if csv {
		h.Set("US-DELIMITER", ",")
	}
	return h
}

// call posts an envelope to the BI data service and decodes the answer.
func (r *raas) call(ctx context.Context, body []byte, csv bool) (*inEnvelope, error) {
	resp, err := r.c.Do(ctx, &transport.Request{Method: http.MethodPost, URL: r.dataURL(), Header: soapHeader(csv),
		Body: body, NoAuth: true, Idempotent: true})
	if err != nil {
		return nil, err
	}
	env, err := parseEnvelope(resp.Body)
	if err != nil {
		return nil, r.own(err)
	}
	return env, nil
}

func (r *raas) own(err error) error {
	if e, ok := err.(*errs.Error); ok && e.Product == "" {
		e.Product = r.product
	}
	return err
}

// failed builds the typed error for an HTTP 200 answer with Status=Failed.
func (r *raas) failed(op, status, message string) *errs.Error {
	m := raasFailed[op]
	e := &errs.Error{Code: m.code, Retryable: m.retryable, Product: r.product, VendorCode: status,
		HTTPStatus: http.StatusOK, Message: "UKG Pro RaaS " + op + " answered Status=" + status,
		Details: map[string]any{"operation": op}}
	if message != "" {
		e.Details["status_message"] = errs.Bound(message)
	}
	return e
}

func malformedSOAP(product, op string) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Product: product,
		Message: "UKG Pro RaaS " + op + " answered an envelope without its result"}
}

func (r *raas) logOn(ctx context.Context) (dataContext, error) {
	body, err := logOnEnvelope(r.user, r.password, r.customer, r.userKey)
	if err != nil {
		return dataContext{}, err
	}
	env, err := r.call(ctx, body, false)
	if err != nil {
		return dataContext{}, err
	}
	if env.Body.LogOn == nil || env.Body.LogOn.Result == nil {
		return dataContext{}, malformedSOAP(r.product, "LogOn")
	}
	dc := *env.Body.LogOn.Result
	if dc.Status != "Ok" {
		return dataContext{}, r.failed("LogOn", dc.Status, dc.StatusMessage)
	}
	if dc.Token == "" {
		return dataContext{}, malformedSOAP(r.product, "LogOn")
	}
	dc.StatusMessage = ""
	return dc, nil
}

// logOff ends the session. It runs even when the caller's context is
// done (with a short deadline of its own), so sessions are not orphaned;
// its failure is logged, not returned over the report's outcome.
func (r *raas) logOff(ctx context.Context, dc dataContext) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	body, err := contextEnvelope("LogOff", dc)
	if err == nil {
		var env *inEnvelope
		if env, err = r.call(ctx, body, false); err == nil {
			switch {
			case env.Body.LogOff == nil || env.Body.LogOff.Result == nil:
				err = malformedSOAP(r.product, "LogOff")
			case env.Body.LogOff.Result.Status != "LoggedOff":
				err = r.failed("LogOff", env.Body.LogOff.Result.Status, env.Body.LogOff.Result.StatusMessage)
			}
		}
	}
	if err != nil {
		r.logger.LogAttrs(ctx, slog.LevelWarn, "ukg_pro: RaaS LogOff failed", slog.String("error", err.Error()))
	}
}

// session runs f inside LogOn ... LogOff.
func (r *raas) session(ctx context.Context, f func(dc dataContext) error) error {
	dc, err := r.logOn(ctx)
	if err != nil {
		return err
	}
	defer r.logOff(ctx, dc)
	return f(dc)
}

// reportList is GetReportList (the seed's list_available_reports).
func (r *raas) reportList(ctx context.Context) ([]ReportInfo, error) {
	var out []ReportInfo
	err := r.session(ctx, func(dc dataContext) error {
		body, err := contextEnvelope("GetReportList", dc)
		if err != nil {
			return err
		}
		env, err := r.call(ctx, body, false)
		if err != nil {
			return err
		}
		res := env.Body.ReportList
		if res == nil || res.Result == nil {
			return malformedSOAP(r.product, "GetReportList")
		}
		if res.Result.Status != "Success" {
			return r.failed("GetReportList", res.Result.Status, res.Result.StatusMessage)
		}
		out = make([]ReportInfo, 0, len(res.Result.Reports))
		for _, rep := range res.Result.Reports {
			out = append(out, ReportInfo{Name: rep.Name, Path: rep.Path})
		}
		return nil
	})
	return out, err
}

func (r *raas) parameters(ctx context.Context, dc dataContext, path string) ([]ReportParameter, error) {
	body, err := parametersEnvelope(path, dc)
	if err != nil {
		return nil, err
	}
	env, err := r.call(ctx, body, false)
	if err != nil {
		return nil, err
	}
	res := env.Body.Parameters
	if res == nil || res.Result == nil {
		return nil, malformedSOAP(r.product, "GetReportParameters")
	}
	if res.Result.Status != "Success" {
		return nil, r.failed("GetReportParameters", res.Result.Status, res.Result.StatusMessage)
	}
	out := make([]ReportParameter, 0, len(res.Result.Parameters))
	for _, p := range res.Result.Parameters {
		rp := ReportParameter{Name: p.Name, DataType: p.DataType}
		if p.Required != nil {
			rp.Required = *p.Required
		}
		if p.MultiValued != nil {
			rp.MultiValued = *p.MultiValued
		}
		out = append(out, rp)
	}
	return out, nil
}

// reportParameters is GetReportParameters in a session of its own.
func (r *raas) reportParameters(ctx context.Context, path string) ([]ReportParameter, error) {
	var out []ReportParameter
	err := r.session(ctx, func(dc dataContext) (err error) {
		out, err = r.parameters(ctx, dc, path)
		return err
	})
	return out, err
}

// execute is ExecuteReport: the report key and the streaming service's URL.
func (r *raas) execute(ctx context.Context, dc dataContext, path string, params map[string]string) (string, string, error) {
	var ps []reportParameter
	for _, name := range sortedNames(params) {
		ps = append(ps, reportParameter{Name: name, Value: params[name]})
	}
	body, err := executeEnvelope(path, ps, dc)
	if err != nil {
		return "", "", err
	}
	env, err := r.call(ctx, body, true)
	if err != nil {
		return "", "", err
	}
	res := env.Body.Execute
	if res == nil || res.Result == nil {
		return "", "", malformedSOAP(r.product, "ExecuteReport")
	}
	if res.Result.Status != "Success" {
		return "", "", r.failed("ExecuteReport", res.Result.Status, res.Result.StatusMessage)
	}
	if res.Result.ReportKey == "" {
		return "", "", malformedSOAP(r.product, "ExecuteReport")
	}
	uri := res.Result.RetrievalURI
	if uri == "" {
		uri = r.streamURL()
	}
	if err := sameOrigin(r.base, uri); err != nil {
		return "", "", &errs.Error{Code: errs.CodeInternal, Product: r.product, Err: err,
			Message: "ExecuteReport's ReportRetrievalUri is not on the instance's origin; the report key is not sent there"}
	}
	return res.Result.ReportKey, uri, nil
}

func sameOrigin(base, target string) error {
	b, err := url.Parse(base)
	if err != nil {
		return err
	}
	t, err := url.Parse(target)
	if err != nil {
		return err
	}
	if !strings.EqualFold(b.Scheme, t.Scheme) || !strings.EqualFold(b.Host, t.Host) {
		return errs.Newf(errs.CodeInvalidArgument, "origin %s://%s is not %s://%s", t.Scheme, t.Host, b.Scheme, b.Host)
	}
	return nil
}

// retrieve polls RetrieveReport until the report is no longer Working and
// returns the open stream of a Completed one. Working is "not yet", never
// an empty report.
func (r *raas) retrieve(ctx context.Context, key, uri string) (*reportStream, io.Closer, error) {
	body, err := retrieveEnvelope(key)
	if err != nil {
		return nil, nil, err
	}
	wait := r.poll
	for {
		sr, err := r.c.Stream(ctx, &transport.Request{Method: http.MethodPost, URL: uri, Header: soapHeader(false),
			Body: body, NoAuth: true, Idempotent: true})
		if err != nil {
			return nil, nil, err
		}
		s, err := openReportStream(sr.Body)
		if err != nil {
			_ = sr.Body.Close()
			return nil, nil, r.own(err)
		}
		switch s.head.Status {
		case streamCompleted:
			return s, sr.Body, nil
		case streamWorking:
			_ = sr.Body.Close()
		case streamFailed:
			_ = sr.Body.Close()
			return nil, nil, r.failed("RetrieveReport", s.head.Status, s.head.StatusMessage)
		default:
			_ = sr.Body.Close()
			return nil, nil, &errs.Error{Code: errs.CodeInternal, Product: r.product,
				Message: "RetrieveReport answered an unknown status", Details: map[string]any{"status": errs.Bound(s.head.Status)}}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, errs.Wrap(errs.CodeTimeout, ctx.Err(), "waiting for the RaaS report")
		case <-t.C:
		}
		if wait *= 2; wait > r.maxPoll {
			wait = r.maxPoll
		}
	}
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
