package credentials

// Independent verifiers for the assertions the grants sign: the SAML one
// parses the document with encoding/xml and canonicalizes it itself
// (exclusive c14n over the parsed tree, not the producer's bytes), so a
// producer whose output is not canonical fails here.

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

func verifyJWT(assertion string, pub *rsa.PublicKey) error {
	if pub == nil {
		return errors.New("no verification key configured")
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("not a JWS compact serialization")
	}
	enc := base64.RawURLEncoding
	hdr, err := enc.DecodeString(parts[0])
	if err != nil {
		return err
	}
	var h struct{ Alg, Typ string }
	if err := json.Unmarshal(hdr, &h); err != nil || h.Alg != "RS256" {
		return fmt.Errorf("header %s: want alg RS256", hdr)
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return nil
}

func jwtClaimsOf(assertion string) (jwtClaims, error) {
	var c jwtClaims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return c, errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(b, &c)
}

// xnode is a parsed element with raw (prefixed) names.
type xnode struct {
	prefix, local string
	attrs         []xml.Attr // raw: Name.Space is the prefix
	kids          []any      // *xnode or string
}

func parseXML(doc []byte) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*xnode
	var root *xnode
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{prefix: t.Name.Space, local: t.Name.Local, attrs: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root != nil {
				return nil, errors.New("two root elements")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced end element")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			p := stack[len(stack)-1]
			p.kids = append(p.kids, string(t))
		case xml.ProcInst, xml.Directive, xml.Comment:
			return nil, fmt.Errorf("unexpected %T in an assertion", t)
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, errors.New("incomplete document")
	}
	return root, nil
}

// decls returns the namespace declarations an element makes.
func (n *xnode) decls() map[string]string {
	out := map[string]string{}
	for _, a := range n.attrs {
		switch {
		case a.Name.Space == "xmlns":
			out[a.Name.Local] = a.Value
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			out[""] = a.Value
		}
	}
	return out
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// excC14N writes the exclusive canonical form of n. scope holds the
// namespaces declared by n's ancestors, rendered those already rendered by
// output ancestors; skip drops a subtree (the enveloped signature).
func excC14N(b *bytes.Buffer, n *xnode, scope, rendered map[string]string, skip func(*xnode, map[string]string) bool) {
	scope = merge(scope, n.decls())
	used := map[string]bool{n.prefix: true}
	type attr struct{ uri, name, value string }
	var attrs []attr
	for _, a := range n.attrs {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		name, uri := a.Name.Local, ""
		if a.Name.Space != "" {
			used[a.Name.Space] = true
			name = a.Name.Space + ":" + a.Name.Local
			uri = scope[a.Name.Space]
		}
		attrs = append(attrs, attr{uri, name, a.Value})
	}
	var prefixes []string
	nextRendered := merge(rendered, nil)
	for p := range used {
		uri := scope[p]
		if prev, ok := rendered[p]; ok && prev == uri {
			continue
		}
		if p == "" && uri == "" {
			if _, ok := rendered[""]; !ok {
				continue
			}
		}
		prefixes = append(prefixes, p)
		nextRendered[p] = uri
	}
	sort.Strings(prefixes)
	sort.Slice(attrs, func(i, j int) bool {
		if attrs[i].uri != attrs[j].uri {
			return attrs[i].uri < attrs[j].uri
		}
		return attrs[i].name < attrs[j].name
	})
	qname := n.local
	if n.prefix != "" {
		qname = n.prefix + ":" + n.local
	}
	b.WriteString("<" + qname)
	for _, p := range prefixes {
		if p == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:` + p + `="`)
		}
		escapeAttrRef(b, scope[p])
		b.WriteString(`"`)
	}
	for _, a := range attrs {
		b.WriteString(" " + a.name + `="`)
		escapeAttrRef(b, a.value)
		b.WriteString(`"`)
	}
	b.WriteString(">")
	for _, k := range n.kids {
		switch k := k.(type) {
		case string:
			escapeTextRef(b, k)
		case *xnode:
			if skip != nil && skip(k, scope) {
				continue
			}
			excC14N(b, k, scope, nextRendered, skip)
		}
	}
	b.WriteString("</" + qname + ">")
}

// The escaping rules of c14n, written out again here on purpose (not the
// producer's functions).
func escapeTextRef(b *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	b.WriteString(r.Replace(s))
}

func escapeAttrRef(b *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")
	b.WriteString(r.Replace(s))
}

func (n *xnode) attr(name string) string {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xnode) child(scope map[string]string, uri, local string) (*xnode, map[string]string) {
	scope = merge(scope, n.decls())
	for _, k := range n.kids {
		if c, ok := k.(*xnode); ok && c.local == local && merge(scope, c.decls())[c.prefix] == uri {
			return c, scope
		}
	}
	return nil, scope
}

func (n *xnode) text() string {
	var s strings.Builder
	for _, k := range n.kids {
		if t, ok := k.(string); ok {
			s.WriteString(t)
		}
	}
	return s.String()
}

type samlFacts struct {
	issuer, nameID, recipient, audience, apiKey string
	notOnOrAfter                                time.Time
	canonical                                   []byte
}

// verifySAMLAssertion checks a base64 assertion's enveloped signature and
// returns what it asserts.
func verifySAMLAssertion(b64 string, pub *rsa.PublicKey) (*samlFacts, error) {
	if pub == nil {
		return nil, errors.New("no verification key configured")
	}
	doc, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("assertion is not base64: %w", err)
	}
	return verifySAMLDoc(doc, pub)
}

func verifySAMLDoc(doc []byte, pub *rsa.PublicKey) (*samlFacts, error) {
	root, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	top := root.decls()
	if root.local != "Assertion" || top[root.prefix] != nsSAML {
		return nil, errors.New("root is not a SAML 2.0 Assertion")
	}
	sigEl, sigScope := root.child(nil, nsDS, "Signature")
	if sigEl == nil {
		return nil, errors.New("no ds:Signature")
	}
	si, siScope := sigEl.child(sigScope, nsDS, "SignedInfo")
	if si == nil {
		return nil, errors.New("no ds:SignedInfo")
	}
	cm, _ := si.child(siScope, nsDS, "CanonicalizationMethod")
	sm, _ := si.child(siScope, nsDS, "SignatureMethod")
	ref, refScope := si.child(siScope, nsDS, "Reference")
	if cm == nil || sm == nil || ref == nil || cm.attr("Algorithm") != algExcC14N || sm.attr("Algorithm") != algRSASHA256 {
		return nil, errors.New("unexpected SignedInfo algorithms")
	}
	if ref.attr("URI") != "#"+root.attr("ID") {
		return nil, fmt.Errorf("reference %q does not point at the assertion %q", ref.attr("URI"), root.attr("ID"))
	}
	dv, _ := ref.child(refScope, nsDS, "DigestValue")
	sv, _ := sigEl.child(sigScope, nsDS, "SignatureValue")
	if dv == nil || sv == nil {
		return nil, errors.New("no DigestValue or SignatureValue")
	}
	// Digest: the assertion without the enveloped Signature, canonicalized.
	var canon bytes.Buffer
	excC14N(&canon, root, nil, map[string]string{}, func(n *xnode, scope map[string]string) bool {
		return n == sigEl
	})
	sum := sha256.Sum256(canon.Bytes())
	want, err := base64.StdEncoding.DecodeString(dv.text())
	if err != nil || !bytes.Equal(want, sum[:]) {
		return nil, errors.New("digest of the assertion does not match DigestValue")
	}
	// Signature: SignedInfo canonicalized as its own apex.
	var siCanon bytes.Buffer
	excC14N(&siCanon, si, siScope, map[string]string{}, nil)
	sig, err := base64.StdEncoding.DecodeString(sv.text())
	if err != nil {
		return nil, errors.New("SignatureValue is not base64")
	}
	siSum := sha256.Sum256(siCanon.Bytes())
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, siSum[:], sig); err != nil {
		return nil, fmt.Errorf("signature over SignedInfo does not verify: %w", err)
	}
	f := &samlFacts{canonical: canon.Bytes()}
	if n, _ := root.child(nil, nsSAML, "Issuer"); n != nil {
		f.issuer = n.text()
	}
	if subj, sc := root.child(nil, nsSAML, "Subject"); subj != nil {
		if n, _ := subj.child(sc, nsSAML, "NameID"); n != nil {
			f.nameID = n.text()
		}
		if conf, cs := subj.child(sc, nsSAML, "SubjectConfirmation"); conf != nil {
			if d, _ := conf.child(cs, nsSAML, "SubjectConfirmationData"); d != nil {
				f.recipient = d.attr("Recipient")
				f.notOnOrAfter, _ = time.Parse(samlTimeFormat, d.attr("NotOnOrAfter"))
			}
		}
	}
	if cond, cs := root.child(nil, nsSAML, "Conditions"); cond != nil {
		if ar, as := cond.child(cs, nsSAML, "AudienceRestriction"); ar != nil {
			if a, _ := ar.child(as, nsSAML, "Audience"); a != nil {
				f.audience = a.text()
			}
		}
	}
	if st, ss := root.child(nil, nsSAML, "AttributeStatement"); st != nil {
		if at, as := st.child(ss, nsSAML, "Attribute"); at != nil && at.attr("Name") == "api_key" {
			if v, _ := at.child(as, nsSAML, "AttributeValue"); v != nil {
				f.apiKey = v.text()
			}
		}
	}
	return f, nil
}
