package sap

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// OData v2 $batch (multipart/mixed): a batch of parts, each either one
// read (an application/http part) or a change set (a nested multipart/mixed
// of writes, atomic on the server). Success is 202 Accepted with a
// multipart/mixed body holding one part per read and one nested multipart
// per change set; a change set that failed comes back as ONE
// application/http part with the error status (pyodata
// test_batch_request_failed_changeset), not as one part per request.

// BatchOp is one request of a $batch: a method, a path relative to the
// service root (A_BusinessPartner('1')), and a JSON body for writes.
type BatchOp struct {
	Method string            `json:"method,omitempty"`
	Path   string            `json:"path"`
	Body   map[string]any    `json:"body,omitempty"`
	Header map[string]string `json:"header,omitempty"`
}

// batchPart is one top-level part: a read, or a change set of writes.
type batchPart struct {
	read      *BatchOp
	changeSet []BatchOp
}

// batchResult is the response to one request of a batch.
type batchResult struct {
	Status int
	Header http.Header
	Body   []byte
}

// encodeBatch writes the multipart body of a batch and returns it with its
// Content-Type (which carries the boundary).
func encodeBatch(parts []batchPart, body func(map[string]any) ([]byte, error)) ([]byte, string, error) {
	boundary := "batch_" + randomID()
	var b bytes.Buffer
	for _, p := range parts {
		fmt.Fprintf(&b, "--%s\r\n", boundary)
		if p.read != nil {
			if err := writeHTTPPart(&b, *p.read, "", body); err != nil {
				return nil, "", err
			}
			continue
		}
		cs := "changeset_" + randomID()
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", cs)
		for i, op := range p.changeSet {
			fmt.Fprintf(&b, "--%s\r\n", cs)
			if err := writeHTTPPart(&b, op, strconv.Itoa(i+1), body); err != nil {
				return nil, "", err
			}
		}
		fmt.Fprintf(&b, "--%s--\r\n\r\n", cs)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), "multipart/mixed; boundary=" + boundary, nil
}

func writeHTTPPart(b *bytes.Buffer, op BatchOp, contentID string, body func(map[string]any) ([]byte, error)) error {
	if err := checkBatchOp(op); err != nil {
		return err
	}
	b.WriteString("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n")
	if contentID != "" {
		fmt.Fprintf(b, "Content-ID: %s\r\n", contentID)
	}
	b.WriteString("\r\n")
	fmt.Fprintf(b, "%s %s HTTP/1.1\r\n", strings.ToUpper(op.Method), op.Path)
	for k, v := range op.Header {
		fmt.Fprintf(b, "%s: %s\r\n", textproto.CanonicalMIMEHeaderKey(k), v)
	}
	b.WriteString("Accept: application/json\r\n")
	if op.Body != nil {
		data, err := body(op.Body)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(data))
		b.Write(data)
		b.WriteString("\r\n")
	} else {
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return nil
}

// checkBatchOp refuses what would corrupt the multipart framing or smuggle
// a second request: control characters or spaces in the path, CR/LF in a
// header.
func checkBatchOp(op BatchOp) error {
	switch strings.ToUpper(op.Method) {
	case "GET", "POST", "PUT", "PATCH", "MERGE", "DELETE":
	default:
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("$batch: method %q is not an OData method", op.Method)}
	}
	if op.Path == "" || strings.HasPrefix(op.Path, "/") || strings.Contains(op.Path, "://") {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: fmt.Sprintf("$batch: path %q must be relative to the service root", clip(op.Path))}
	}
	for _, r := range op.Path {
		if r <= ' ' || r == 0x7f {
			return &errs.Error{Code: errs.CodeInvalidArgument, Message: "$batch: the path has a space or control character (percent-encode it)"}
		}
	}
	for k, v := range op.Header {
		if strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
			return &errs.Error{Code: errs.CodeInvalidArgument, Message: "$batch: a header name or value has a line break"}
		}
	}
	return nil
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// parseBatch reads a $batch response: one result per read, and per change
// set either one result per write or, for a failed change set, the single
// error result (failed reports which change sets failed, by part index).
func parseBatch(contentType string, body []byte) (results [][]batchResult, err error) {
	boundary, err := multipartBoundary(contentType)
	if err != nil {
		return nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, batchFormatError("reading the parts", err)
		}
		ct := part.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		switch mt {
		case "application/http":
			r, err := readHTTPPart(part)
			if err != nil {
				return nil, err
			}
			results = append(results, []batchResult{r})
		case "multipart/mixed":
			inner, err := multipartBoundary(ct)
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, batchFormatError("reading a change set", err)
			}
			imr := multipart.NewReader(bytes.NewReader(data), inner)
			var set []batchResult
			for {
				ip, err := imr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, batchFormatError("reading a change set's parts", err)
				}
				r, err := readHTTPPart(ip)
				if err != nil {
					return nil, err
				}
				set = append(set, r)
			}
			results = append(results, set)
		default:
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response: a part of type %q", clip(ct))}
		}
	}
	return results, nil
}

func multipartBoundary(contentType string) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return "", &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response is %q, not multipart/mixed with a boundary", clip(contentType))}
	}
	return params["boundary"], nil
}

func readHTTPPart(r io.Reader) (batchResult, error) {
	resp, err := http.ReadResponse(bufio.NewReader(r), nil)
	if err != nil {
		return batchResult{}, batchFormatError("reading an embedded HTTP response", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && err != io.ErrUnexpectedEOF {
		return batchResult{}, batchFormatError("reading an embedded body", err)
	}
	return batchResult{Status: resp.StatusCode, Header: resp.Header, Body: bytes.TrimRight(b, "\r\n")}, nil
}

func batchFormatError(what string, err error) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Message: "$batch response: " + what + " failed (malformed or truncated multipart)", Err: err}
}
