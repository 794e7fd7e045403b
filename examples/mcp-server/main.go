// Command mcp-server serves connectors as MCP tools under a policy: the
// Workday simulator always, and every active credential of a project when
// the environment names one. It speaks MCP over stdio (the default) or over
// streamable HTTP (-http ADDR).
//
//	go run ./examples/mcp-server                       # stdio, principal from MCP_PRINCIPAL ...
//	go run ./examples/mcp-server -http 127.0.0.1:8765  # streamable HTTP, principals from bearer tokens
//
// Environment:
//
//	MCP_PRINCIPAL, MCP_PRINCIPAL_TYPE, MCP_GROUPS  the stdio session's principal
//	                                               (type HUMAN, MACHINE or AI_AGENT; groups comma-separated)
//	MCP_TOKENS        HTTP bearer tokens: "token=principal:TYPE:group|group;token2=..."
//	MCP_POLICY        a policy document (YAML, package policy's shape); default: the
//	                  spec's roles, each bound to the group of its own name
//	MCP_READ_ONLY     "1" leaves out every write
//	XLR8_PROJECT, XLR8_CREDENTIALS_DIR, XLR8_CREDENTIALS_KEY
//	                  also serve the project's active credentials (file store)
package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/mcp"
	"github.com/xlr8/connectors/policy"
	_ "github.com/xlr8/connectors/salesforce"
	_ "github.com/xlr8/connectors/workday"
	_ "github.com/xlr8/connectors/workdaysim"
)

func main() {
	addr := flag.String("http", "", "serve streamable HTTP on this address instead of stdio")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Logs go to stderr: over stdio, stdout is the protocol.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := run(ctx, *addr, logger); err != nil {
		fmt.Fprintln(os.Stderr, "mcp-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, logger *slog.Logger) error {
	p, err := loadPolicy()
	if err != nil {
		return err
	}
	conns, err := openConnectors(ctx, logger)
	if err != nil {
		return err
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	opts := []mcp.Option{mcp.WithLogger(logger), mcp.WithImplementation("xlr8-connectors", "1")}
	if os.Getenv("MCP_READ_ONLY") == "1" {
		opts = append(opts, mcp.WithReadOnly())
	}
	srv, err := mcp.New(ctx, p, conns, opts...)
	if err != nil {
		return err
	}
	if addr == "" {
		pr, err := principal(os.Getenv("MCP_PRINCIPAL"), os.Getenv("MCP_PRINCIPAL_TYPE"), os.Getenv("MCP_GROUPS"), ",")
		if err != nil {
			return fmt.Errorf("stdio needs MCP_PRINCIPAL and MCP_PRINCIPAL_TYPE: %w", err)
		}
		return srv.ServeStdio(ctx, pr)
	}
	tokens, err := parseTokens(os.Getenv("MCP_TOKENS"))
	if err != nil {
		return err
	}
	hs := &http.Server{Addr: addr, Handler: srv.Handler(tokens.authenticate), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	fmt.Fprintf(os.Stderr, "mcp-server: streamable HTTP on http://%s (%d tokens)\n", addr, len(tokens))
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func loadPolicy() (*policy.Policy, error) {
	if path := os.Getenv("MCP_POLICY"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return policy.Parse(b)
	}
	d := policy.Default().Document()
	for _, r := range d.Roles {
		d.Bindings = append(d.Bindings, policy.Binding{Role: r.Name, Groups: []string{r.Name}})
	}
	return policy.Compile(d)
}

// openConnectors opens the simulator and, when XLR8_PROJECT is set, every
// active credential of that project in the file store.
func openConnectors(ctx context.Context, logger *slog.Logger) ([]connectors.Connector, error) {
	sim, err := connectors.Open(ctx, "workday_sim", nil, connectors.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	conns := []connectors.Connector{sim}
	project := os.Getenv("XLR8_PROJECT")
	if project == "" {
		return conns, nil
	}
	store, err := credentials.OpenFileStore(os.Getenv("XLR8_CREDENTIALS_DIR"))
	if err != nil {
		return nil, err
	}
	keys, err := credentials.KeyringFromEnv()
	if err != nil {
		return nil, err
	}
	mgr, err := credentials.NewManager(store, keys)
	if err != nil {
		return nil, err
	}
	list, err := mgr.List(ctx, project)
	if err != nil {
		return nil, err
	}
	for _, meta := range list {
		if meta.Status != credentials.StatusActive {
			continue
		}
		cred, err := mgr.Get(ctx, meta.ID)
		if err != nil {
			return nil, err
		}
		conn, err := connectors.Open(ctx, cred.ProductID, cred, connectors.WithLogger(logger),
			connectors.WithTokenSource(mgr.TokenSource(ctx, cred.ID)))
		if err != nil {
			return nil, fmt.Errorf("credential %s (%s): %w", cred.ID, cred.ProductID, err)
		}
		conns = append(conns, conn)
	}
	return conns, nil
}

func principal(id, typ, groups, sep string) (connectors.Principal, error) {
	p := connectors.Principal{ID: strings.TrimSpace(id), Type: connectors.PrincipalType(strings.TrimSpace(typ))}
	for _, g := range strings.Split(groups, sep) {
		if g = strings.TrimSpace(g); g != "" {
			p.Groups = append(p.Groups, g)
		}
	}
	if p.ID == "" || !p.Type.Valid() {
		return p, errors.New("a principal needs an id and a type (HUMAN, MACHINE or AI_AGENT)")
	}
	return p, nil
}

type tokenTable map[string]connectors.Principal

func parseTokens(s string) (tokenTable, error) {
	t := tokenTable{}
	for _, entry := range strings.Split(s, ";") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		token, who, ok := strings.Cut(entry, "=")
		parts := strings.SplitN(who, ":", 3)
		if !ok || len(parts) < 2 || len(token) < 16 {
			return nil, errors.New(`MCP_TOKENS entries are "token=principal:TYPE:group|group", tokens of 16 characters or more`)
		}
		groups := ""
		if len(parts) == 3 {
			groups = parts[2]
		}
		p, err := principal(parts[0], parts[1], groups, "|")
		if err != nil {
			return nil, err
		}
		t[token] = p
	}
	return t, nil
}

// authenticate finds the request's bearer token, comparing in constant time.
func (t tokenTable) authenticate(r *http.Request) (connectors.Principal, error) {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return connectors.Principal{}, errors.New("no bearer token")
	}
	for token, p := range t {
		if subtle.ConstantTimeCompare([]byte(token), []byte(got)) == 1 {
			return p, nil
		}
	}
	return connectors.Principal{}, errors.New("unknown token")
}
