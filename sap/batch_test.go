package sap

import (
	"errors"
	"strings"
	"testing"

	"github.com/xlr8/connectors/internal/errs"
)

func TestEncodeBatch(t *testing.T) {
	var ops []wireOp
	for _, op := range []BatchOp{
		{Method: "GET", Path: "A_BusinessPartner('1000001')"},
		{Method: "POST", Path: "A_BusinessPartner", Body: map[string]any{"BusinessPartnerCategory": "2"}},
		{Method: "MERGE", Path: "A_BusinessPartner('1000002')", Body: map[string]any{"Industry": "BANK"}, Header: map[string]string{"if-match": `W/"x"`}},
	} {
		w, err := v2WireOp(op)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, w)
	}
	parts := []batchPart{{read: &ops[0]}, {changeSet: ops[1:]}}
	body, ct := encodeBatch(parts)
	if !strings.HasPrefix(ct, "multipart/mixed; boundary=batch_") {
		t.Fatalf("content type %q", ct)
	}
	s := string(body)
	for _, want := range []string{
		"Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET A_BusinessPartner('1000001') HTTP/1.1\r\n",
		"Content-Type: multipart/mixed; boundary=changeset_",
		"Content-ID: 1\r\n\r\nPOST A_BusinessPartner HTTP/1.1\r\n",
		"Content-Type: application/json\r\nContent-Length: 31\r\n\r\n{\"BusinessPartnerCategory\":\"2\"}",
		"If-Match: W/\"x\"\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("body lacks %q:\n%s", want, s)
		}
	}
	if !strings.HasSuffix(s, "--"+strings.TrimPrefix(ct, "multipart/mixed; boundary=")+"--\r\n") {
		t.Errorf("body does not end with the closing boundary")
	}
	// The encoding parses back as a multipart of the same shape.
	if _, err := parseBatch(ct, body, 2, 2); err == nil {
		// requests are not responses: http.ReadResponse must refuse them
		t.Error("a request body parsed as a response")
	}
}

func TestEncodeBatchRefusesSmuggling(t *testing.T) {
	for name, op := range map[string]BatchOp{
		"space in path":  {Method: "GET", Path: "A_BusinessPartner HTTP/1.1\r\n\r\nDELETE A_X"},
		"absolute path":  {Method: "GET", Path: "https://evil/x"},
		"rooted path":    {Method: "GET", Path: "/sap/opu/odata/sap/X/A"},
		"header CRLF":    {Method: "GET", Path: "A", Header: map[string]string{"X": "a\r\nB: c"}},
		"unknown method": {Method: "CONNECT", Path: "A"},
		"empty path":     {Method: "GET"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v2WireOp(op)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInvalidArgument {
				t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}

func TestParseBatch(t *testing.T) {
	// CRLF framing as SAP Gateway writes it: a read, then a change set.
	ok := "--batch_r1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 31\r\n\r\n{\"d\":{\"BusinessPartner\":\"1\"}}\r\n\r\n" +
		"--batch_r1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n" +
		"--changeset_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
		"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nLocation: A_BusinessPartner('9')\r\n\r\n{\"d\":{\"BusinessPartner\":\"9\"}}\r\n" +
		"--changeset_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
		"HTTP/1.1 204 No Content\r\n\r\n\r\n" +
		"--changeset_1--\r\n\r\n--batch_r1--\r\n"
	res, err := parseBatch("multipart/mixed; boundary=batch_r1", []byte(ok), 2, 2)
	if err != nil {
		t.Fatalf("parseBatch: %v", err)
	}
	if len(res) != 2 || len(res[0].results) != 1 || res[0].changeSet || len(res[1].results) != 2 || !res[1].changeSet {
		t.Fatalf("shape %v", res)
	}
	if r := res[0].results[0]; r.Status != 200 || string(r.Body) != `{"d":{"BusinessPartner":"1"}}` {
		t.Errorf("read = %d %q", r.Status, r.Body)
	}
	if cs := res[1].results; cs[0].Status != 201 || cs[0].Header.Get("Location") != "A_BusinessPartner('9')" || cs[1].Status != 204 {
		t.Errorf("change set = %+v", cs)
	}
	// A failed change set is one application/http part (LF framing, as in
	// pyodata's test_batch_request_failed_changeset).
	failed := "--batch_r1\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\n" +
		"HTTP/1.1 400 Bad Request\nContent-Type: application/json;charset=utf-8\n\n" +
		`{"error":{"code":"BP/001","message":{"lang":"en","value":"bad"}}}` + "\n--batch_r1--"
	res, err = parseBatch("multipart/mixed; boundary=batch_r1", []byte(failed), 2, 2)
	if err != nil {
		t.Fatalf("parseBatch: %v", err)
	}
	if len(res) != 1 || len(res[0].results) != 1 || res[0].changeSet || res[0].results[0].Status != 400 {
		t.Fatalf("failed change set = %+v", res)
	}
	for name, tc := range map[string][2]string{
		"not multipart": {"application/json", `{}`},
		"no boundary":   {"multipart/mixed", ok},
		"truncated":     {"multipart/mixed; boundary=batch_r1", ok[:120]},
		"garbage part":  {"multipart/mixed; boundary=batch_r1", "--batch_r1\r\nContent-Type: application/http\r\n\r\nnot http\r\n--batch_r1--"},
		"odd part type": {"multipart/mixed; boundary=batch_r1", "--batch_r1\r\nContent-Type: text/plain\r\n\r\nx\r\n--batch_r1--"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseBatch(tc[0], []byte(tc[1]), 2, 2)
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.CodeInternal {
				t.Fatalf("err = %v, want INTERNAL", err)
			}
		})
	}
}
