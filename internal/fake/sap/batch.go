package sap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/xlr8/connectors/internal/fake/kit"
)

// $batch, the multipart/mixed format OData v2 and OData v4.0 (Part 1
// Protocol, section 11.7) share, parsed by this package alone: each
// top-level part is one application/http request (a read) or a nested
// multipart/mixed change set of writes, run in order and atomically (a
// failing write rolls the set back, and the set is answered by that one
// error response instead of its multipart). A change set's responses echo
// their requests' Content-ID. v2 answers 202, v4 200 (section 11.7.4).

// BatchItem is one embedded request a $batch brought: its change set (0
// for a read, else 1), the MIME part's Content-ID, the request line's
// method and URI, the headers a request's meaning depends on, and the
// body.
type BatchItem struct {
	ChangeSet    int
	ContentID    string
	Method, URI  string
	ODataVersion string
	ContentType  string
	IfMatch      string
	Body         string
}

// BatchRequest is one $batch received past the CSRF check: the outer
// request's OData-Version and media type (without its boundary), and its
// embedded requests in order.
type BatchRequest struct {
	ODataVersion string
	MediaType    string
	Items        []BatchItem
}

// Batches lists the $batch requests received, in order.
func (s *Server) Batches() []BatchRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BatchRequest(nil), s.batches...)
}

// batchService is where a $batch's requests run: the tables a change set
// may touch, the service's root below Base, its handler (with the
// PathValue "rest" it reads), its error body, and its success status.
type batchService struct {
	sets   []*set
	root   string
	rest   func(path string) string
	serve  http.HandlerFunc
	fail   func(w http.ResponseWriter, status int, msg string)
	status int
	v4     bool
}

func (s *Server) v2Batch(svc string) batchService {
	return batchService{sets: s.services[svc], root: "/sap/opu/odata/sap/" + svc + "/",
		rest:  func(p string) string { return svc + "/" + p },
		serve: s.serveS4, status: http.StatusAccepted,
		fail: func(w http.ResponseWriter, status int, msg string) {
			s.odataError(w, status, "/IWBEP/CM_MGW_RT/050", msg)
		}}
}

func (s *Server) v4Batch() batchService {
	return batchService{sets: s.v4sets, root: "/sap/opu/odata4/" + V4Path + "/",
		rest:  func(p string) string { return V4Path + "/" + p },
		serve: s.serveV4Inner, status: http.StatusOK, v4: true,
		fail: func(w http.ResponseWriter, status int, msg string) {
			s.odataV4Error(w, status, "/IWBEP/CM_V4_RUNTIME/060", msg, "")
		}}
}

// serveV4Inner runs one request of a v4 batch: one that declares another
// OData version (v2's DataServiceVersion, or an OData-Version other than
// 4.0) is a v4 400.
func (s *Server) serveV4Inner(w http.ResponseWriter, r *http.Request) {
	if v := r.Header.Get("OData-Version"); (v != "" && v != "4.0") || r.Header.Get("DataServiceVersion") != "" {
		s.odataV4Error(w, http.StatusBadRequest, "/IWBEP/CM_V4_RUNTIME/061", "The request is not an OData 4.0 request", "")
		return
	}
	s.serveV4(w, r)
}

// serveBatch runs a multipart/mixed $batch against svc and answers with
// the multipart of its responses.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, svc batchService) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		svc.fail(w, http.StatusBadRequest, "$batch needs multipart/mixed with a boundary")
		return
	}
	got := BatchRequest{ODataVersion: r.Header.Get("OData-Version"), MediaType: mt}
	defer func() {
		s.mu.Lock()
		s.batches = append(s.batches, got)
		s.mu.Unlock()
	}()
	mr := multipart.NewReader(io.LimitReader(r.Body, 4<<20), params["boundary"])
	var out bytes.Buffer
	boundary := fmt.Sprintf("ejjeeffe%d", s.next())
	sets := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			svc.fail(w, http.StatusBadRequest, "Malformed $batch body")
			return
		}
		pt, pp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		fmt.Fprintf(&out, "--%s\r\n", boundary)
		switch pt {
		case "application/http":
			rec, item, err := s.runEmbedded(r, svc, part, false)
			if err != nil {
				svc.fail(w, http.StatusBadRequest, err.Error())
				return
			}
			got.Items = append(got.Items, item)
			writeEmbedded(&out, rec, "")
		case "multipart/mixed":
			sets++
			snapshot := s.snapshot(svc.sets)
			inner := multipart.NewReader(part, pp["boundary"])
			var recs []*httptest.ResponseRecorder
			var ids []string
			var failed *httptest.ResponseRecorder
			for failed == nil {
				ip, err := inner.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					s.restore(svc.sets, snapshot)
					svc.fail(w, http.StatusBadRequest, "Malformed change set")
					return
				}
				rec, item, err := s.runEmbedded(r, svc, ip, true)
				if err != nil {
					s.restore(svc.sets, snapshot)
					svc.fail(w, http.StatusBadRequest, err.Error())
					return
				}
				item.ChangeSet = sets
				got.Items = append(got.Items, item)
				if rec.Code >= 400 {
					failed = rec
					continue
				}
				recs = append(recs, rec)
				ids = append(ids, item.ContentID)
			}
			if failed != nil {
				s.restore(svc.sets, snapshot)
				writeEmbedded(&out, failed, "")
				continue
			}
			cs := fmt.Sprintf("changeset_%d", s.next())
			fmt.Fprintf(&out, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", cs)
			for i, rec := range recs {
				fmt.Fprintf(&out, "--%s\r\n", cs)
				writeEmbedded(&out, rec, ids[i])
			}
			fmt.Fprintf(&out, "--%s--\r\n\r\n", cs)
		default:
			svc.fail(w, http.StatusBadRequest, "Unexpected part type "+pt)
			return
		}
	}
	fmt.Fprintf(&out, "--%s--\r\n", boundary)
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+boundary)
	if svc.v4 {
		w.Header().Set("OData-Version", "4.0")
	}
	w.WriteHeader(svc.status)
	_, _ = w.Write(out.Bytes())
}

// runEmbedded runs one embedded request ("GET A_BusinessPartner HTTP/1.1")
// against the service, with the outer request's credentials and session.
func (s *Server) runEmbedded(outer *http.Request, svc batchService, part *multipart.Part, write bool) (*httptest.ResponseRecorder, BatchItem, error) {
	// The request line's URI is relative to the service ("GET
	// A_BusinessPartner HTTP/1.1"), which http.ReadRequest refuses: read it
	// by hand.
	item := BatchItem{ContentID: part.Header.Get("Content-ID")}
	if write && svc.v4 && item.ContentID == "" {
		return nil, item, fmt.Errorf("a request in a change set needs a Content-ID")
	}
	br := bufio.NewReader(part)
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, item, fmt.Errorf("malformed embedded request")
	}
	f := strings.Fields(line)
	if len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/1.") {
		return nil, item, fmt.Errorf("malformed embedded request line")
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return nil, item, fmt.Errorf("malformed embedded headers")
	}
	req := &http.Request{Method: f[0], RequestURI: f[1], Header: http.Header(hdr), Body: io.NopCloser(br)}
	item.Method, item.URI = req.Method, req.RequestURI
	item.ODataVersion, item.ContentType, item.IfMatch = req.Header.Get("OData-Version"), req.Header.Get("Content-Type"), req.Header.Get("If-Match")
	if write == (req.Method == http.MethodGet) {
		return nil, item, fmt.Errorf("a %s cannot be in this part of a $batch", req.Method)
	}
	u, err := url.Parse(req.RequestURI)
	if err != nil || u.IsAbs() || strings.HasPrefix(u.Path, "/") {
		return nil, item, fmt.Errorf("embedded request URI must be relative to the service")
	}
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	body = bytes.TrimSuffix(bytes.TrimSuffix(body, []byte("\n")), []byte("\r"))
	item.Body = string(body)
	inner := httptest.NewRequest(req.Method, s.Base+svc.root+u.EscapedPath()+"?"+u.RawQuery, bytes.NewReader(body))
	inner.SetPathValue("rest", svc.rest(u.Path))
	for k, v := range req.Header {
		inner.Header[k] = v
	}
	inner.Header.Set("Accept", "application/json")
	for _, c := range outer.Cookies() {
		inner.AddCookie(c)
	}
	inner.Header.Set("X-CSRF-Token", outer.Header.Get("X-CSRF-Token"))
	rec := httptest.NewRecorder()
	svc.serve(rec, inner)
	return rec, item, nil
}

// writeEmbedded writes one application/http response part, with the
// request's Content-ID when it had one.
func writeEmbedded(out *bytes.Buffer, rec *httptest.ResponseRecorder, contentID string) {
	out.WriteString("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n")
	if contentID != "" {
		fmt.Fprintf(out, "Content-ID: %s\r\n", contentID)
	}
	out.WriteString("\r\n")
	fmt.Fprintf(out, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	for _, k := range sortedKeys(rec.Header()) {
		if k == "Set-Cookie" {
			continue
		}
		fmt.Fprintf(out, "%s: %s\r\n", k, rec.Header().Get(k))
	}
	fmt.Fprintf(out, "Content-Length: %d\r\n\r\n", rec.Body.Len())
	out.Write(rec.Body.Bytes())
	out.WriteString("\r\n")
}

// snapshot copies the tables of sets (and the write count), for a change
// set's rollback.
func (s *Server) snapshot(sets []*set) map[string][]kit.Record {
	snap := map[string][]kit.Record{}
	for _, st := range sets {
		t := s.Store.Table(st.Name)
		var rows []kit.Record
		for _, i := range t.Find(func(kit.Record) bool { return true }) {
			cp := kit.Record{}
			for k, v := range t.At(i) {
				cp[k] = v
			}
			rows = append(rows, cp)
		}
		snap[st.Name] = rows
	}
	s.mu.Lock()
	snap["\x00writes"] = make([]kit.Record, s.writes)
	s.mu.Unlock()
	return snap
}

func (s *Server) restore(sets []*set, snap map[string][]kit.Record) {
	for _, st := range sets {
		s.Store.Table(st.Name).Seed(snap[st.Name])
	}
	s.mu.Lock()
	s.writes = len(snap["\x00writes"])
	s.mu.Unlock()
}
