package connectors

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/xlr8/connectors/credentials"
)

// Opener builds a connector for a credential. It validates its
// configuration without network I/O; Connect authenticates.
type Opener func(ctx context.Context, cred *credentials.Credential, opts ...Option) (Connector, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Opener{}
)

// Register makes a connector available by product id. Vendor packages call
// it from init, as database/sql drivers do; import the vendor package (for
// its side effect, if nothing else) to use it through Open. Register panics
// if open is nil or id is empty or already registered.
func Register(id string, open Opener) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if open == nil {
		panic("connectors: Register opener is nil for " + id)
	}
	if strings.TrimSpace(id) == "" {
		panic("connectors: Register with an empty product id")
	}
	if _, dup := registry[id]; dup {
		panic("connectors: Register called twice for product " + id)
	}
	registry[id] = open
}

// Products lists the registered product ids, sorted.
func Products() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for id := range registry {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Open builds the connector registered for product id. An unknown id is an
// INVALID_ARGUMENT error listing the known ids (Details["known"]). A
// credential whose ProductID is set and differs from id is refused. The
// credential is validated for its auth type before the opener runs.
func Open(ctx context.Context, id string, cred *credentials.Credential, opts ...Option) (Connector, error) {
	registryMu.RLock()
	open, ok := registry[id]
	registryMu.RUnlock()
	if !ok {
		known := Products()
		return nil, Errorf(CodeInvalidArgument, "unknown product %q (known: %s; forgotten import of the vendor package?)",
			id, strings.Join(known, ", ")).WithDetail("known", known)
	}
	if cred != nil {
		if cred.ProductID != "" && cred.ProductID != id {
			return nil, Errorf(CodeInvalidArgument, "credential %q is for product %q, not %q", cred.ID, cred.ProductID, id)
		}
		if cred.Status == credentials.StatusRevoked {
			return nil, Errorf(CodeUnauthenticated, "credential %q is revoked", cred.ID)
		}
		if err := cred.Validate(); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return open(ctx, cred, opts...)
}
