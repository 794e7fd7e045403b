package pager

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/internal/errs"
)

// server holds n records "r000".. and serves windows of them.
type server struct {
	n     int
	calls []At
}

func (s *server) window(from, size int) []connectors.Record {
	var out []connectors.Record
	for i := from; i < min(from+size, s.n); i++ {
		out = append(out, connectors.Record{"id": fmt.Sprintf("r%03d", i)})
	}
	return out
}

func keyID(r connectors.Record) string { s, _ := r["id"].(string); return s }

func collect(t *testing.T, q connectors.Query, fetch Fetch) ([]string, error) {
	t.Helper()
	return ids(t, Walk(t.Context(), Config{Product: "p", Query: q, KeyOf: keyID}, fetch))
}

func TestStrategies(t *testing.T) {
	base, _ := url.Parse("https://vendor.example/api/items?q=x")
	tests := []struct {
		name  string
		n     int
		limit int
		fetch func(s *server) Fetch
		calls int
	}{
		{"offset with total", 25, 0, func(s *server) Fetch {
			return OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				return Result{Records: s.window(at.Offset, at.Limit), Total: int64(s.n), HasTotal: true}, nil
			})
		}, 3},
		{"offset with hasMore", 25, 0, func(s *server) Fetch {
			return OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				return Result{Records: s.window(at.Offset, at.Limit), More: at.Offset+at.Limit < s.n, MoreKnown: true}, nil
			})
		}, 3},
		{"offset, short page ends", 20, 0, func(s *server) Fetch {
			return OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				return Result{Records: s.window(at.Offset, at.Limit)}, nil
			})
		}, 3}, // 10, 10, then an empty page
		{"offset under a limit asks for fewer", 25, 12, func(s *server) Fetch {
			return OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				return Result{Records: s.window(at.Offset, at.Limit)}, nil
			})
		}, 2},
		{"page number", 25, 0, func(s *server) Fetch {
			return PageNumber(1, 10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				return Result{Records: s.window((at.Number-1)*at.Limit, at.Limit)}, nil
			})
		}, 3},
		{"tokens", 25, 0, func(s *server) Fetch {
			return Tokens(10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				off := 0
				if at.Token != "" {
					off, _ = strconv.Atoi(at.Token[1:])
				}
				res := Result{Records: s.window(off, 10)}
				if off+10 < s.n {
					res.Next = "t" + strconv.Itoa(off+10)
				}
				return res, nil
			})
		}, 3},
		{"relative next link", 25, 0, func(s *server) Fetch {
			return NextLink(base, 10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				off, _ := strconv.Atoi(at.URL.Query().Get("o"))
				res := Result{Records: s.window(off, 10), More: off+10 < s.n, MoreKnown: true, Total: int64(s.n), HasTotal: true}
				if res.More {
					res.Next = "/api/items?o=" + strconv.Itoa(off+10)
				}
				return res, nil
			})
		}, 3},
		{"odata skiptoken", 25, 0, func(s *server) Fetch {
			return OData(base, 10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				if at.URL.Query().Get("q") != "x" {
					return Result{}, errors.New("lost the first URL's query")
				}
				off, _ := strconv.Atoi(at.URL.Query().Get("$skiptoken"))
				res := Result{Records: s.window(off, 10)}
				if off+10 < s.n {
					res.SkipToken = strconv.Itoa(off + 10)
				}
				return res, nil
			})
		}, 3},
		{"odata absolute next", 25, 0, func(s *server) Fetch {
			return OData(base, 10, func(_ context.Context, at At) (Result, error) {
				s.calls = append(s.calls, at)
				off, _ := strconv.Atoi(at.URL.Query().Get("$skip"))
				res := Result{Records: s.window(off, 10)}
				if off+10 < s.n {
					res.Next = "https://vendor.example:443/api/items?$skip=" + strconv.Itoa(off+10)
				}
				return res, nil
			})
		}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &server{n: tc.n}
			got, err := collect(t, connectors.Query{Entity: "e", Limit: tc.limit}, tc.fetch(s))
			if err != nil {
				t.Fatal(err)
			}
			n := tc.n
			if tc.limit > 0 {
				n = tc.limit
			}
			if diff := cmp.Diff(want(0, n), got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if len(s.calls) != tc.calls {
				t.Errorf("%d calls, want %d", len(s.calls), tc.calls)
			}
		})
	}
}

// TestStrategiesResume: a walk cut by an outage resumes, with each
// strategy, at the first record not yet yielded.
func TestStrategiesResume(t *testing.T) {
	outage := &errs.Error{Code: errs.CodeUnavailable, Message: "down"}
	for name, mk := range map[string]func(s *server, fail *bool) Fetch{
		"offset": func(s *server, fail *bool) Fetch {
			return OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
				if *fail && at.Offset == 10 {
					return Result{}, outage
				}
				return Result{Records: s.window(at.Offset, at.Limit), Total: int64(s.n), HasTotal: true}, nil
			})
		},
		"page number": func(s *server, fail *bool) Fetch {
			return PageNumber(0, 10, func(_ context.Context, at At) (Result, error) {
				if *fail && at.Number == 1 {
					return Result{}, outage
				}
				return Result{Records: s.window(at.Number*10, 10)}, nil
			})
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, fail := &server{n: 25}, true
			q := connectors.Query{Entity: "e"}
			first, err := collect(t, q, mk(s, &fail))
			var e *errs.Error
			if !errors.As(err, &e) || e.Resume == "" {
				t.Fatalf("error %v, want one with Resume", err)
			}
			fail = false
			q.Resume = e.Resume
			rest, err := collect(t, q, mk(s, &fail))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want(0, 25), append(first, rest...)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNextLinkStaysOnOrigin: a next link to another host, port or scheme
// ends the walk with an error naming the origins, before any request.
func TestNextLinkStaysOnOrigin(t *testing.T) {
	base, _ := url.Parse("https://vendor.example/api/items")
	for _, link := range []string{"https://evil.example/api/items?o=10", "https://vendor.example:8443/x", "http://vendor.example/x",
		"//evil.example/x", "https://user:pw@vendor.example/x"} {
		calls := 0
		fetch := NextLink(base, 10, func(_ context.Context, at At) (Result, error) {
			calls++
			return Result{Records: (&server{n: 10}).window(0, 10), Next: link}, nil
		})
		_, err := collect(t, connectors.Query{Entity: "e"}, fetch)
		if errs.CodeOf(err) != errs.CodeInternal || calls != 1 {
			t.Errorf("%s: %v after %d calls, want INTERNAL after 1", link, err, calls)
		}
		if err != nil && (strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "/x")) {
			t.Errorf("%s: the error quotes the link: %v", link, err)
		}
	}
}

// TestRepeatedRecordsStop (issue 11 item 15): a server that ignores the
// offset, or hands out a fresh cursor for the same records, used to stream
// duplicates without end; the walk now stops with ErrRepeatedRecords.
func TestRepeatedRecordsStop(t *testing.T) {
	s := &server{n: 1000}
	calls := 0
	fetch := Tokens(10, func(_ context.Context, at At) (Result, error) {
		calls++
		return Result{Records: s.window(0, 10), Next: fmt.Sprintf("fresh-%d", calls), Total: 1e8, HasTotal: true}, nil
	})
	got, err := collect(t, connectors.Query{Entity: "e"}, fetch)
	if !errors.Is(err, ErrRepeatedRecords) || errs.CodeOf(err) != errs.CodeInternal {
		t.Fatalf("error %v, want INTERNAL wrapping ErrRepeatedRecords", err)
	}
	if len(got) != 10 || calls != 2 {
		t.Errorf("%d records in %d calls before stopping, want 10 in 2", len(got), calls)
	}
	ignoring := OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
		return Result{Records: s.window(0, 10), More: true, MoreKnown: true}, nil // ignores at.Offset
	})
	if _, err := collect(t, connectors.Query{Entity: "e"}, ignoring); !errors.Is(err, ErrRepeatedRecords) {
		t.Errorf("an ignored offset: %v, want ErrRepeatedRecords", err)
	}
}

// TestFarPastTotalStops (issue 11 item 15): records keep coming, all
// distinct, far past the advertised total.
func TestFarPastTotalStops(t *testing.T) {
	s := &server{n: 1 << 30}
	fetch := OffsetLimit(10, func(_ context.Context, at At) (Result, error) {
		return Result{Records: s.window(at.Offset, 10), More: true, MoreKnown: true, Total: 100, HasTotal: true}, nil
	})
	got, err := collect(t, connectors.Query{Entity: "e"}, fetch)
	if !errors.Is(err, ErrPastTotal) {
		t.Fatalf("error %v, want ErrPastTotal", err)
	}
	if len(got) > 120 {
		t.Errorf("%d records yielded against a total of 100", len(got))
	}
}
