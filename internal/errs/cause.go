package errs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"syscall"
)

// isStdLeaf reports whether err itself (not something it wraps) is one of the
// standard library's errors whose text is known to hold no request data: no
// URL, no header, no body beyond a byte offset. A wrapper such as *url.Error
// or fmt.Errorf's is never a leaf, since its text may quote a URL.
func isStdLeaf(err error) bool {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return true
	}
	switch err.(type) {
	case syscall.Errno, *json.SyntaxError, *json.UnmarshalTypeError, *net.OpError, *net.DNSError,
		x509.UnknownAuthorityError, x509.HostnameError, x509.CertificateInvalidError,
		*tls.CertificateVerificationError:
		return true
	}
	return false
}
