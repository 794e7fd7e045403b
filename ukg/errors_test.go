package ukg

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

// The error tables, fed the vendors' error bodies as the public material
// shows them (literal JSON, not the fake's).
func TestErrorTables(t *testing.T) {
	wfm := []struct {
		status int
		body   string
		code   errs.Code
		vendor string
	}{
		{400, `{"errorCode":"WFP-90011","message":"Unrecognized property: metrics"}`, errs.CodeInvalidArgument, "WFP-90011"},
		{403, `{"errorCode":"WFA-000030","message":"The user does not have access to Activities Integration API"}`, errs.CodePermissionDenied, "WFA-000030"},
		{413, `{"errorCode":"WCO-106194","message":"Number of employees in request (910) exceeds allowed limit (500).","details":{"limits":[{"actual":910,"maximum":500}]}}`, errs.CodeInvalidArgument, "WCO-106194"},
		{400, `{"errorCode":"WTK-124921","message":"count must be between 1 and 25"}`, errs.CodeInvalidArgument, "WTK-124921"},
		// An unlisted code keeps the status's class; a body without one too.
		{404, `{"errorCode":"WTK-112000","message":"not found"}`, errs.CodeNotFound, "WTK-112000"},
		{503, `<html>busy</html>`, errs.CodeUnavailable, ""},
	}
	for _, c := range wfm {
		e := decodeWFMError(&errs.Error{Code: errs.CodeOf(statusError(c.status)), HTTPStatus: c.status}, c.status, []byte(c.body))
		if e.Code != c.code || e.VendorCode != c.vendor {
			t.Errorf("WFM %d %s: %v (%q), want %v (%q)", c.status, c.body, e.Code, e.VendorCode, c.code, c.vendor)
		}
	}
	ready := []struct {
		body   string
		code   errs.Code
		retry  bool
		vendor string
	}{
		{`{"errors":[{"code":100,"message":"Too many requests"}],"user_messages":[{"severity":"ERROR","text":"Too many requests"}]}`, errs.CodeRateLimited, true, "100"},
		{`{"errors":[{"code":"100","message":"as a string"}]}`, errs.CodeRateLimited, true, "100"},
		{`{"errors":[{"code":3,"message":"other"}]}`, errs.CodeInvalidArgument, false, "3"},
	}
	for _, c := range ready {
		e := decodeReadyError(&errs.Error{Code: errs.CodeInvalidArgument, HTTPStatus: 400}, []byte(c.body))
		if e.Code != c.code || e.Retryable != c.retry || e.VendorCode != c.vendor {
			t.Errorf("Ready %s: %v %v %q", c.body, e.Code, e.Retryable, e.VendorCode)
		}
	}
	// Code 100 is retried whatever the status, and the body still reads
	// whole afterwards.
	body := `{"errors":[{"code":100,"message":"Too many requests"}]}`
	resp := &http.Response{StatusCode: 500, Body: io.NopCloser(bytes.NewReader([]byte(body)))}
	if retry, decided := readyShouldRetry(resp); !retry || !decided {
		t.Error("code 100 on a 500 is not retried")
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != body {
		t.Errorf("body after the peek: %q", b)
	}
	// RaaS Status=Failed by operation.
	for op, want := range map[string]errs.Code{"LogOn": errs.CodeUnauthenticated, "ExecuteReport": errs.CodeInvalidArgument, "RetrieveReport": errs.CodeInternal} {
		r := &raas{product: ProductPro}
		if e := r.failed(op, "Failed", "msg"); e.Code != want || e.VendorCode != "Failed" || e.Details["status_message"] != "msg" {
			t.Errorf("%s: %+v", op, e)
		}
	}
}

func statusError(status int) error {
	switch {
	case status == 404:
		return errs.New(errs.CodeNotFound, "")
	case status == 403:
		return errs.New(errs.CodePermissionDenied, "")
	case status >= 500:
		return errs.New(errs.CodeUnavailable, "")
	}
	return errs.New(errs.CodeInvalidArgument, "")
}
