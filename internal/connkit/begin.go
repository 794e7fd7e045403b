package connkit

import (
	"fmt"
	"net/url"
	"slices"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// Setup is what Begin checked and resolved for a vendor's New.
type Setup struct {
	Options connectors.Options
	// Instance is the credential's instance URL, parsed: HTTPS, or plain
	// http to loopback when the host opted in (tests).
	Instance *url.URL
}

// Begin is the prologue every vendor's New shares, without I/O: a
// credential is given, of one of the auth types the vendor supports (none
// listed: any), valid for its auth type; options resolved, with other
// vendors' options refused (ResolveOptions against owner); the instance URL
// parsed. Every failure is INVALID_ARGUMENT naming what is wrong (never a
// secret).
func Begin(product string, cred *credentials.Credential, owner any, opts []connectors.Option, auth ...credentials.AuthType) (Setup, error) {
	if cred == nil {
		return Setup{}, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Message: "a credential is required"}
	}
	if len(auth) > 0 && !slices.Contains(auth, cred.AuthType) {
		return Setup{}, &errs.Error{Code: errs.CodeInvalidArgument, Product: product,
			Message: fmt.Sprintf("auth type %q is not supported (want %v)", Bound(string(cred.AuthType), 64), auth)}
	}
	if err := cred.Validate(); err != nil {
		return Setup{}, err
	}
	o, err := ResolveOptions(product, owner, opts...)
	if err != nil {
		return Setup{}, err
	}
	u, err := transport.ParseBaseURL(cred.InstanceURL, o.AllowInsecureLoopback, product, "instance URL")
	if err != nil {
		return Setup{}, err
	}
	return Setup{Options: o, Instance: u}, nil
}
