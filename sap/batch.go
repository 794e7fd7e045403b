package sap

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"

	"github.com/xlr8/connectors/internal/errs"
)

// $batch (multipart/mixed), the framing OData v2 and OData v4.0 share
// (OData v4.0 Part 1 Protocol, section 11.7; RFC 2046 section 5.1 for
// multipart/mixed): a batch of parts, each either one read (an
// application/http part holding one request) or a change set (a nested
// multipart/mixed of writes, each with a Content-ID, atomic on the
// server). The answer (v2: 202, v4: 200) is a multipart/mixed body with
// one part per read and one nested multipart per change set; a change set
// that failed comes back as ONE application/http part with the error
// status instead of the nested multipart (OData v4.0 section 11.7.4;
// pyodata test_batch_request_failed_changeset for v2).

// BatchOp is one request of a $batch: a method, a path relative to the
// service root (A_BusinessPartner('1')), and a JSON body for writes. Key
// and ETag serve OData v4 services (WithV4Service): Key names the entity
// of a change (or of a read) by its key properties, typed by $metadata and
// written as v4 key literals, Path then being the entity set alone; ETag
// is sent as the change's If-Match. Body is written by the entity's
// $metadata on v4; on v2 it is sent as given, and Key and ETag are not
// taken (write the key into Path and If-Match into Header).
type BatchOp struct {
	Method string            `json:"method,omitempty"`
	Path   string            `json:"path"`
	Key    map[string]any    `json:"key,omitempty"`
	Body   map[string]any    `json:"body,omitempty"`
	ETag   string            `json:"etag,omitempty"`
	Header map[string]string `json:"header,omitempty"`
}

// wireOp is one embedded request as it goes on the wire: its path relative
// to the service root, headers and body already checked and written.
type wireOp struct {
	method, path string
	header       http.Header
	body         []byte
}

// batchPart is one top-level part: a read, or a change set of writes.
type batchPart struct {
	read      *wireOp
	changeSet []wireOp
}

// batchResult is the response to one request of a batch; ContentID is its
// part's Content-ID header (a change set's responses carry the request's).
type batchResult struct {
	Status    int
	Header    http.Header
	Body      []byte
	ContentID string
}

// partResult is the answer to one top-level part: the nested multipart of
// a change set (changeSet), or one application/http response (a read's,
// or a failed change set's).
type partResult struct {
	changeSet bool
	results   []batchResult
}

// encodeBatch writes the multipart body of a batch and returns it with its
// Content-Type (which carries the boundary). A change set's requests get
// Content-IDs 1, 2, ... in order.
func encodeBatch(parts []batchPart) ([]byte, string) {
	boundary := "batch_" + randomID()
	var b bytes.Buffer
	for _, p := range parts {
		fmt.Fprintf(&b, "--%s\r\n", boundary)
		if p.read != nil {
			writeHTTPPart(&b, *p.read, "")
			continue
		}
		cs := "changeset_" + randomID()
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", cs)
		for i, op := range p.changeSet {
			fmt.Fprintf(&b, "--%s\r\n", cs)
			writeHTTPPart(&b, op, strconv.Itoa(i+1))
		}
		fmt.Fprintf(&b, "--%s--\r\n\r\n", cs)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), "multipart/mixed; boundary=" + boundary
}

// writeHTTPPart writes one application/http part: its MIME headers, the
// request line, the request's headers (sorted) and its body.
func writeHTTPPart(b *bytes.Buffer, op wireOp, contentID string) {
	b.WriteString("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n")
	if contentID != "" {
		fmt.Fprintf(b, "Content-ID: %s\r\n", contentID)
	}
	b.WriteString("\r\n")
	fmt.Fprintf(b, "%s %s HTTP/1.1\r\n", op.method, relativePath(op.path))
	keys := make([]string, 0, len(op.header))
	for k := range op.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range op.header[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
	if op.body != nil {
		fmt.Fprintf(b, "Content-Length: %d\r\n\r\n", len(op.body))
		b.Write(op.body)
		b.WriteString("\r\n")
	} else {
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
}

// v2WireOp is a v2 request of a batch: its method, path and headers as
// given (checked), Accept application/json, and its body as plain JSON.
func v2WireOp(op BatchOp) (wireOp, error) {
	if err := checkBatchOp(op); err != nil {
		return wireOp{}, err
	}
	if op.Key != nil || op.ETag != "" {
		return wireOp{}, invalid("$batch: key and etag are taken on OData v4 services; on v2 write the key into path and If-Match into header")
	}
	w := wireOp{method: strings.ToUpper(op.Method), path: op.Path, header: http.Header{}}
	for k, v := range op.Header {
		w.header.Set(k, v)
	}
	w.header.Set("Accept", "application/json")
	if op.Body != nil {
		data, err := json.Marshal(op.Body)
		if err != nil {
			return wireOp{}, invalid("$batch: the body is not JSON: %s", err.Error())
		}
		w.header.Set("Content-Type", "application/json")
		w.body = data
	}
	return w, nil
}

// relativePath is a request line's path relative to the service root with
// each ":" before the query percent-encoded: RFC 3986 section 4.2 forbids
// a colon in the first segment of a relative-path reference (it would read
// as a scheme), and a key predicate of an Edm.DateTimeOffset or a v2
// datetime'...' has them.
func relativePath(p string) string {
	resource, query, hasQuery := strings.Cut(p, "?")
	resource = strings.ReplaceAll(resource, ":", "%3A")
	if hasQuery {
		return resource + "?" + query
	}
	return resource
}

// checkBatchOp refuses what would corrupt the multipart framing or smuggle
// a second request: control characters or spaces in the path, CR/LF in a
// header or the etag.
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
		if k == "" || strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
			return &errs.Error{Code: errs.CodeInvalidArgument, Message: "$batch: a header name or value has a line break"}
		}
	}
	if strings.ContainsAny(op.ETag, "\r\n") {
		return &errs.Error{Code: errs.CodeInvalidArgument, Message: "$batch: the etag has a line break"}
	}
	return nil
}

// randomID is a random UUID (version 4), the boundaries' unique part.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// parseBatch reads a $batch response: per top-level part, one result (a
// read's, or a failed change set's) or a change set's results. It reads at
// most maxParts top-level parts and as many responses per change set (the
// request's counts: more is a malformed answer), from a body the transport
// already bounded (Options.MaxBodyBytes).
func parseBatch(contentType string, body []byte, maxParts, maxChanges int) ([]partResult, error) {
	boundary, err := multipartBoundary(contentType)
	if err != nil {
		return nil, err
	}
	var results []partResult
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, batchFormatError("reading the parts", err)
		}
		if len(results) == maxParts {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response: more than the %d parts sent", maxParts)}
		}
		ct := part.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		switch mt {
		case "application/http":
			r, err := readHTTPPart(part)
			if err != nil {
				return nil, err
			}
			results = append(results, partResult{results: []batchResult{r}})
		case "multipart/mixed":
			set, err := parseChangeSet(ct, part, maxChanges)
			if err != nil {
				return nil, err
			}
			results = append(results, partResult{changeSet: true, results: set})
		default:
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response: a part of type %q", clip(ct))}
		}
	}
	return results, nil
}

// parseChangeSet reads a change set's nested multipart: at most max
// application/http responses.
func parseChangeSet(contentType string, r io.Reader, max int) ([]batchResult, error) {
	inner, err := multipartBoundary(contentType)
	if err != nil {
		return nil, err
	}
	imr := multipart.NewReader(r, inner)
	var set []batchResult
	for {
		ip, err := imr.NextPart()
		if err == io.EOF {
			return set, nil
		}
		if err != nil {
			return nil, batchFormatError("reading a change set's parts", err)
		}
		if len(set) == max {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response: a change set of more than the %d changes sent", max)}
		}
		if mt, _, _ := mime.ParseMediaType(ip.Header.Get("Content-Type")); mt != "application/http" {
			return nil, &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response: a change set part of type %q", clip(ip.Header.Get("Content-Type")))}
		}
		r, err := readHTTPPart(ip)
		if err != nil {
			return nil, err
		}
		set = append(set, r)
	}
}

func multipartBoundary(contentType string) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return "", &errs.Error{Code: errs.CodeInternal, Message: fmt.Sprintf("$batch response is %q, not multipart/mixed with a boundary", clip(contentType))}
	}
	return params["boundary"], nil
}

// readHTTPPart reads the embedded response of an application/http part,
// with the part's Content-ID.
func readHTTPPart(p *multipart.Part) (batchResult, error) {
	resp, err := http.ReadResponse(bufio.NewReader(p), nil)
	if err != nil {
		return batchResult{}, batchFormatError("reading an embedded HTTP response", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && err != io.ErrUnexpectedEOF {
		return batchResult{}, batchFormatError("reading an embedded body", err)
	}
	return batchResult{Status: resp.StatusCode, Header: resp.Header, Body: bytes.TrimRight(b, "\r\n"),
		ContentID: textproto.TrimString(p.Header.Get("Content-ID"))}, nil
}

func batchFormatError(what string, err error) *errs.Error {
	return &errs.Error{Code: errs.CodeInternal, Message: "$batch response: " + what + " failed (malformed or truncated multipart)", Err: err}
}
