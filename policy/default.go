package policy

import (
	_ "embed"
	"slices"
	"sync"
)

//go:embed default.yaml
var defaultYAML []byte

var defaultPolicy = sync.OnceValues(func() (*Policy, error) { return Parse(defaultYAML) })

// Default returns the default policy: the simulator spec's capability groups
// and role mappings, without bindings (nobody holds a role until the host
// binds one: add Bindings to Default().Document() and Compile it).
func Default() *Policy {
	p, err := defaultPolicy()
	if err != nil {
		// The document is embedded and checked by the package's tests.
		panic("policy: embedded default policy: " + err.Error())
	}
	return p
}

// DefaultYAML returns the default policy document.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }
