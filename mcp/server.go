package mcp

import (
	"context"
	"encoding/json"
	"errors"

	"log/slog"
	"net/http"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/policy"
)

// Defaults for the bounds on tool results.
const (
	DefaultMaxRecords     = 100
	DefaultMaxResultBytes = 256 << 10
)

// Server serves connectors' capabilities and entity reads as MCP tools under
// a policy. It is immutable once built and safe for concurrent use; each MCP
// session gets an SDK server of its own, built for the session's principal
// (For), holding only the tools the policy allows that principal.
type Server struct {
	impl     *sdk.Implementation
	policy   *policy.Policy
	tools    []*tool
	readOnly bool
	maxRecs  int
	maxBytes int
	log      *slog.Logger
}

// Option configures New.
type Option func(*Server)

// WithReadOnly leaves out every capability marked Write: the server can
// then change nothing, whatever the policy allows.
func WithReadOnly() Option { return func(s *Server) { s.readOnly = true } }

// WithMaxRecords bounds the records one read-tool call returns (default
// DefaultMaxRecords); the rest come with the cursor.
func WithMaxRecords(n int) Option { return func(s *Server) { s.maxRecs = n } }

// WithMaxResultBytes bounds a tool result's JSON (default
// DefaultMaxResultBytes). A read stops after the record that crosses it and
// returns a cursor; an action whose result is larger is a tool error.
func WithMaxResultBytes(n int) Option { return func(s *Server) { s.maxBytes = n } }

// WithLogger logs the server's own events (never arguments or results).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithImplementation names the server to clients (default "connectors").
func WithImplementation(name, version string) Option {
	return func(s *Server) { s.impl = &sdk.Implementation{Name: name, Version: version} }
}

// New builds a server over conns: one tool per capability (named as the
// capability: "workday.hcm.get_employee") and one read tool per entity
// ("workday_sim.workers.read"). It asks each connector for its entities, so
// it may do I/O. Two connectors offering the same capability name, a
// capability whose input schema is not a JSON object schema, or a nil
// policy are INVALID_ARGUMENT errors.
func New(ctx context.Context, p *policy.Policy, conns []connectors.Connector, opts ...Option) (*Server, error) {
	if p == nil {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "mcp: a policy is required (the server fails closed)")
	}
	s := &Server{impl: &sdk.Implementation{Name: "connectors", Version: "1"}, policy: p,
		maxRecs: DefaultMaxRecords, maxBytes: DefaultMaxResultBytes, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	if s.maxRecs <= 0 || s.maxBytes <= 0 {
		return nil, connectors.Errorf(connectors.CodeInvalidArgument, "mcp: result bounds must be positive")
	}
	seen := map[string]string{}
	for _, conn := range conns {
		enforced := policy.Enforce(conn, p)
		for _, c := range enforced.Capabilities() {
			if s.readOnly && c.Write {
				continue
			}
			t, err := actionTool(s, enforced, c)
			if err != nil {
				return nil, err
			}
			if prev, dup := seen[t.def.Name]; dup {
				return nil, connectors.Errorf(connectors.CodeInvalidArgument,
					"mcp: %s and %s both offer tool %s; serve them from separate servers", prev, conn.Product(), t.def.Name)
			}
			seen[t.def.Name] = conn.Product()
			s.tools = append(s.tools, t)
		}
		entities, err := conn.Entities(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range entities {
			t := readTool(s, enforced, conn.Product(), e)
			if prev, dup := seen[t.def.Name]; dup {
				return nil, connectors.Errorf(connectors.CodeInvalidArgument,
					"mcp: %s and %s both offer tool %s", prev, conn.Product(), t.def.Name)
			}
			seen[t.def.Name] = conn.Product()
			s.tools = append(s.tools, t)
		}
	}
	return s, nil
}

// tool is one MCP tool: its definition, the capability the policy decides
// for it, and its handler for a principal.
type tool struct {
	def    *sdk.Tool
	cap    connectors.Capability
	handle func(ctx context.Context, pr connectors.Principal, args map[string]any) *sdk.CallToolResult
}

// Tools returns the names of the tools the principal may list and call.
func (s *Server) Tools(pr connectors.Principal) []string {
	var out []string
	for _, t := range s.tools {
		if s.policy.Decide(pr, t.cap).Allowed {
			out = append(out, t.def.Name)
		}
	}
	return out
}

// For returns an MCP server for one principal: its tools are those the
// policy allows the principal, and every call runs as the principal (a
// client cannot name another: "__"-prefixed arguments are dropped). Every
// call is decided again when it runs, so a policy or binding change takes
// effect on the next call.
func (s *Server) For(pr connectors.Principal) *sdk.Server {
	srv := sdk.NewServer(s.impl, &sdk.ServerOptions{Logger: s.log})
	for _, t := range s.tools {
		if !s.policy.Decide(pr, t.cap).Allowed {
			continue
		}
		srv.AddTool(t.def, func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
			args := map[string]any{}
			if b := req.Params.Arguments; len(b) > 0 && string(b) != "null" {
				if err := json.Unmarshal(b, &args); err != nil {
					return toolError(connectors.Errorf(connectors.CodeInvalidArgument, "arguments are not a JSON object")), nil
				}
			}
			for k := range args {
				if strings.HasPrefix(k, "__") {
					delete(args, k)
				}
			}
			return t.handle(ctx, pr, args), nil
		})
	}
	return srv
}

// ServeStdio serves one principal over standard input and output until ctx
// ends or the client leaves. Over stdio the principal is whoever started the
// process: the host establishes it (configuration, the environment) before
// calling ServeStdio.
func (s *Server) ServeStdio(ctx context.Context, pr connectors.Principal) error {
	return s.For(pr).Run(ctx, &sdk.StdioTransport{})
}

// Authenticator establishes the principal of an HTTP request (a bearer token
// checked against the host's identity provider, a client certificate ...).
// An error refuses the request with 401.
type Authenticator func(*http.Request) (connectors.Principal, error)

// Handler serves MCP over streamable HTTP. Every request is authenticated by
// authn and served by a server built for its principal (the SDK's stateless
// mode), so a session can never change hands: a request carries its own
// identity. A nil authn refuses everything.
func (s *Server) Handler(authn Authenticator) http.Handler {
	h := sdk.NewStreamableHTTPHandler(func(r *http.Request) *sdk.Server {
		pr, ok := r.Context().Value(principalCtx{}).(connectors.Principal)
		if !ok {
			return nil
		}
		return s.For(pr)
	}, &sdk.StreamableHTTPOptions{Stateless: true, Logger: s.log})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authn == nil {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		pr, err := authn(r)
		if err != nil || pr.ID == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalCtx{}, pr)))
	})
}

type principalCtx struct{}

// toolError renders err as an MCP tool error: the text names the code, the
// vendor's code and the message (connectors' errors carry no secret); the
// structured content carries the same fields for programs.
func toolError(err error) *sdk.CallToolResult {
	var e *connectors.Error
	if !errors.As(err, &e) {
		e = connectors.Errorf(connectors.CodeOf(err), "%s", err.Error())
	}
	msg := e.Error()
	if len(msg) > 2048 {
		msg = msg[:2048] + "..."
	}
	body := map[string]any{"code": e.Code.String(), "message": msg, "retryable": e.Retryable}
	if e.VendorCode != "" {
		body["vendor_code"] = e.VendorCode
	}
	if e.Resume != "" {
		body["cursor"] = e.Resume
	}
	return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: msg}},
		StructuredContent: map[string]any{"error": body}}
}

func result(structured map[string]any, maxBytes int) *sdk.CallToolResult {
	b, err := json.Marshal(structured)
	if err != nil {
		return toolError(connectors.Errorf(connectors.CodeInternal, "result does not encode as JSON"))
	}
	if len(b) > maxBytes {
		return toolError(connectors.Errorf(connectors.CodeInvalidArgument,
			"the result is %d bytes, over this server's limit of %d; ask for less", len(b), maxBytes))
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: string(b)}}, StructuredContent: json.RawMessage(b)}
}

func errorf(format string, args ...any) *connectors.Error {
	return connectors.Errorf(connectors.CodeInvalidArgument, format, args...)
}
