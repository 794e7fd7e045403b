package credentials

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/xlr8/connectors/internal/errs"
)

// The SAML 2.0 bearer assertion is written directly in exclusive canonical
// form (W3C xml-exc-c14n, without comments): no XML declaration, namespace
// declarations only where a prefix is first used, attributes sorted, empty
// elements as start and end tags, c14n escaping, no whitespace between
// elements. The document is then its own canonical form, so the digest of
// the assertion (after the enveloped-signature transform removes the
// Signature element) and the signature over SignedInfo (canonicalized on
// its own, so it carries the ds namespace declaration) are computed over
// the same bytes any exc-c14n verifier computes.

const (
	nsSAML = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDS   = "http://www.w3.org/2000/09/xmldsig#"

	algExcC14N     = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algEnveloped   = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algSHA256      = "http://www.w3.org/2001/04/xmlenc#sha256"
	nameIDUnspec   = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	cmBearer       = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	acPasswordProt = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
	samlTimeFormat = "2006-01-02T15:04:05Z"
)

type samlParams struct {
	issuer, nameID, recipient, audience, apiKey string
	now                                         time.Time
	lifetime                                    time.Duration
}

// check refuses values XML cannot carry (invalid UTF-8, control characters).
func (p samlParams) check() error {
	for _, f := range []struct{ name, v string }{
		{"client_id", p.issuer}, {"subject", p.nameID}, {"token_url", p.recipient}, {"audience", p.audience},
	} {
		if !xmlSafe(f.v) {
			return fmt.Errorf("%s has characters a SAML assertion cannot carry", f.name)
		}
	}
	return nil
}

func xmlSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

// xmlElem is an element of a document written in canonical form.
type xmlElem struct {
	name  string      // qualified name, "saml2:Issuer"
	ns    [][2]string // namespace declarations: prefix, URI
	attrs [][2]string // unqualified attributes: name, value
	text  string
	kids  []*xmlElem
}

func el(name string, attrs [][2]string, kids ...*xmlElem) *xmlElem {
	return &xmlElem{name: name, attrs: attrs, kids: kids}
}

func textEl(name, text string, attrs ...[2]string) *xmlElem {
	return &xmlElem{name: name, attrs: attrs, text: text}
}

// write appends the canonical form of e: namespace declarations sorted by
// prefix, then attributes sorted by name (all unqualified, so c14n orders
// them by local name), text and attribute values escaped as c14n escapes
// them.
func (e *xmlElem) write(b *bytes.Buffer) {
	b.WriteByte('<')
	b.WriteString(e.name)
	ns := append([][2]string(nil), e.ns...)
	sort.Slice(ns, func(i, j int) bool { return ns[i][0] < ns[j][0] })
	for _, n := range ns {
		b.WriteString(` xmlns:`)
		b.WriteString(n[0])
		b.WriteString(`="`)
		escapeAttr(b, n[1])
		b.WriteByte('"')
	}
	attrs := append([][2]string(nil), e.attrs...)
	sort.Slice(attrs, func(i, j int) bool { return attrs[i][0] < attrs[j][0] })
	for _, a := range attrs {
		b.WriteByte(' ')
		b.WriteString(a[0])
		b.WriteString(`="`)
		escapeAttr(b, a[1])
		b.WriteByte('"')
	}
	b.WriteByte('>')
	escapeText(b, e.text)
	for _, k := range e.kids {
		k.write(b)
	}
	b.WriteString("</")
	b.WriteString(e.name)
	b.WriteByte('>')
}

func (e *xmlElem) bytes() []byte {
	var b bytes.Buffer
	e.write(&b)
	return b.Bytes()
}

func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}

func escapeAttr(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}

func xmlID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", newErr(errs.CodeInternal, err, "SAML assertion: reading random bytes")
	}
	return "_" + hex.EncodeToString(b[:]), nil // an NCName: starts with '_'
}

// buildSAMLAssertion returns the signed assertion document.
func buildSAMLAssertion(p samlParams, key *rsa.PrivateKey) ([]byte, error) {
	id, err := xmlID()
	if err != nil {
		return nil, err
	}
	session, err := xmlID()
	if err != nil {
		return nil, err
	}
	now := p.now.UTC()
	issued := now.Format(samlTimeFormat)
	notBefore := now.Add(-p.lifetime).Format(samlTimeFormat) // tolerate the server's clock running behind
	notAfter := now.Add(p.lifetime).Format(samlTimeFormat)

	assertion := el("saml2:Assertion", [][2]string{{"ID", id}, {"IssueInstant", issued}, {"Version", "2.0"}},
		textEl("saml2:Issuer", p.issuer),
		el("saml2:Subject", nil,
			textEl("saml2:NameID", p.nameID, [2]string{"Format", nameIDUnspec}),
			el("saml2:SubjectConfirmation", [][2]string{{"Method", cmBearer}},
				el("saml2:SubjectConfirmationData", [][2]string{{"NotOnOrAfter", notAfter}, {"Recipient", p.recipient}}))),
		el("saml2:Conditions", [][2]string{{"NotBefore", notBefore}, {"NotOnOrAfter", notAfter}},
			el("saml2:AudienceRestriction", nil, textEl("saml2:Audience", p.audience))),
		el("saml2:AuthnStatement", [][2]string{{"AuthnInstant", issued}, {"SessionIndex", session}},
			el("saml2:AuthnContext", nil, textEl("saml2:AuthnContextClassRef", acPasswordProt))),
		el("saml2:AttributeStatement", nil,
			el("saml2:Attribute", [][2]string{{"Name", "api_key"}}, textEl("saml2:AttributeValue", p.apiKey))),
	)
	assertion.ns = [][2]string{{"saml2", nsSAML}}

	// Digest of the assertion as the enveloped-signature transform leaves
	// it: without the Signature element, which is not inserted yet.
	digest := sha256.Sum256(assertion.bytes())

	signedInfo := el("ds:SignedInfo", nil,
		el("ds:CanonicalizationMethod", [][2]string{{"Algorithm", algExcC14N}}),
		el("ds:SignatureMethod", [][2]string{{"Algorithm", algRSASHA256}}),
		el("ds:Reference", [][2]string{{"URI", "#" + id}},
			el("ds:Transforms", nil,
				el("ds:Transform", [][2]string{{"Algorithm", algEnveloped}}),
				el("ds:Transform", [][2]string{{"Algorithm", algExcC14N}})),
			el("ds:DigestMethod", [][2]string{{"Algorithm", algSHA256}}),
			textEl("ds:DigestValue", base64.StdEncoding.EncodeToString(digest[:]))),
	)
	// SignedInfo canonicalized on its own renders the ds namespace (no
	// output ancestor declares it); inside the document ds:Signature does.
	signedInfo.ns = [][2]string{{"ds", nsDS}}
	sum := sha256.Sum256(signedInfo.bytes())
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, newErr(errs.CodeInternal, nil, "signing the SAML assertion failed")
	}
	signedInfo.ns = nil
	signature := el("ds:Signature", nil, signedInfo, textEl("ds:SignatureValue", base64.StdEncoding.EncodeToString(sig)))
	signature.ns = [][2]string{{"ds", nsDS}}

	// The schema puts Signature right after Issuer.
	kids := make([]*xmlElem, 0, len(assertion.kids)+1)
	kids = append(kids, assertion.kids[0], signature)
	kids = append(kids, assertion.kids[1:]...)
	assertion.kids = kids
	return assertion.bytes(), nil
}
