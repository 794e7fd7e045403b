package awssm

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

const exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

// The signer matches the vectors AWS publishes: the IAM ListUsers example
// of the SigV4 documentation and get-vanilla of the SigV4 test suite.
func TestSigV4Vectors(t *testing.T) {
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	creds := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: exampleSecret}
	for name, tc := range map[string]struct {
		url, service string
		header       http.Header
		want         string
	}{
		"iam list users": {"https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", "iam",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
				"Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
		"get vanilla": {"https://example.amazonaws.com/", "service", http.Header{},
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
				"Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
	} {
		u, _ := url.Parse(tc.url)
		got := signV4(http.MethodGet, u, tc.header, nil, creds, "us-east-1", tc.service, at)
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, tc.want)
		}
		if tc.header.Get("X-Amz-Date") != "20150830T123600Z" {
			t.Errorf("%s: X-Amz-Date %q", name, tc.header.Get("X-Amz-Date"))
		}
	}
	h := http.Header{}
	signV4(http.MethodPost, &url.URL{Scheme: "https", Host: "x", Path: "/"}, h, nil,
		Credentials{AccessKeyID: "a", SecretAccessKey: "b", SessionToken: "tok"}, "r", "s", at)
	if h.Get("X-Amz-Security-Token") != "tok" {
		t.Fatal("session token not sent")
	}
}

func TestNewNeedsConfiguration(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	creds := WithCredentials(Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET-aws-key"})
	for name, opts := range map[string][]Option{
		"no region":      {creds},
		"no credentials": {WithRegion("us-east-1")},
		"bad endpoint":   {creds, WithRegion("us-east-1"), WithEndpoint("::nope")},
	} {
		_, err := New("s", opts...)
		if errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := New(" ", creds, WithRegion("r")); errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("empty secret id: %v", err)
	}
	c := Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET-aws-key", SessionToken: "SECRET-session"}
	if s := fmt.Sprintf("%v %+v %#v %s", c, c, c, c); strings.Contains(s, "SECRET") || !strings.Contains(s, "AKID") {
		t.Fatalf("credentials print as %s", s)
	}
}

// moto runs moto_server on a free loopback port for the test.
func moto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server is not on PATH: install moto (pip install 'moto[server]') to run the AWS Secrets Manager tests")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the process this test started, by its pid
		_ = cmd.Wait()
	})
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port) + "/"
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer within 30s: %v\n%s", err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var motoCreds = Credentials{AccessKeyID: "AKIDTESTING", SecretAccessKey: "SECRET-moto-access-key"}

func motoProvider(t *testing.T, endpoint, secret string) *Provider {
	t.Helper()
	p, err := New(secret, WithEndpoint(endpoint), WithRegion("us-east-1"), WithCredentials(motoCreds),
		WithAllowInsecureLoopback(), WithRetry(transport.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rawKey(fill byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32))
}

func TestProviderAgainstMoto(t *testing.T) {
	endpoint := moto(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := motoProvider(t, endpoint, "xlr8/credentials-key")
	var created struct{ VersionId string }
	if err := admin.call(ctx, "CreateSecret", map[string]string{"Name": "xlr8/credentials-key", "SecretString": rawKey(1)}, &created); err != nil {
		t.Fatal(err)
	}

	p := motoProvider(t, endpoint, "xlr8/credentials-key")
	k1, err := p.CurrentKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k1.ID() != created.VersionId {
		t.Fatalf("key id %q, want the version id %q", k1.ID(), created.VersionId)
	}
	store := credentials.NewMemoryStore()
	m1, err := credentials.NewManager(store, p)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 3; i++ {
		id, err := m1.Store(ctx, &credentials.Credential{ProjectID: "p", ProductID: "example_crm", AuthType: credentials.AuthBasic,
			Secrets: credentials.Secrets{credentials.KeyUsername: "u", credentials.KeyPassword: "pw-" + strconv.Itoa(i)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	// Rotate the secret: a new version becomes AWSCURRENT.
	var put struct{ VersionId string }
	if err := admin.call(ctx, "PutSecretValue", map[string]string{"SecretId": "xlr8/credentials-key", "SecretString": rawKey(2)}, &put); err != nil {
		t.Fatal(err)
	}
	p2 := motoProvider(t, endpoint, "xlr8/credentials-key")
	m2, err := credentials.NewManager(store, p2)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := p2.CurrentKey(ctx)
	if k2.ID() != put.VersionId || k2.ID() == k1.ID() {
		t.Fatalf("current key after rotation %q, want %q", k2.ID(), put.VersionId)
	}
	// Records sealed under the first version are found by version id.
	for _, id := range ids {
		if _, err := m2.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := m2.Rekey(ctx, k2)
	if err != nil || res.Rekeyed != 3 {
		t.Fatalf("rekey: %+v, %v", res, err)
	}

	// A version the secret does not have is the wrong key.
	_, err = p2.LookupKey(ctx, "00000000-0000-0000-0000-000000000000")
	if !errors.Is(err, credentials.ErrWrongKey) || errs.CodeOf(err) != errs.CodeUnauthenticated {
		t.Fatalf("unknown version: %v", err)
	}
	// A missing secret fails NewManager with NOT_FOUND.
	_, err = credentials.NewManager(store, motoProvider(t, endpoint, "no-such-secret"))
	if errs.CodeOf(err) != errs.CodeNotFound {
		t.Fatalf("missing secret: %v", err)
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.VendorCode != "ResourceNotFoundException" {
		t.Fatalf("vendor code of %v", err)
	}
	// A secret that is not a key is a clear error that does not quote it.
	if err := admin.call(ctx, "CreateSecret", map[string]string{"Name": "not-a-key", "SecretString": "SECRET-hunter2"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = motoProvider(t, endpoint, "not-a-key").CurrentKey(ctx)
	if !errors.Is(err, credentials.ErrBadKey) || strings.Contains(fmt.Sprintf("%v %+v", err, err), "SECRET") {
		t.Fatalf("bad secret value: %v", err)
	}
	if err := admin.call(ctx, "CreateSecret", map[string]string{"Name": "short-key", "SecretString": base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = motoProvider(t, endpoint, "short-key").CurrentKey(ctx)
	if !errors.Is(err, credentials.ErrBadKey) || !strings.Contains(err.Error(), "16 bytes") {
		t.Fatalf("short key: %v", err)
	}

	// Without the loopback opt-in, plain http is refused before any call.
	strict, err := New("xlr8/credentials-key", WithEndpoint(endpoint), WithRegion("us-east-1"), WithCredentials(motoCreds))
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.CurrentKey(ctx)
	if errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Fatalf("plain http without the opt-in: %v", err)
	}
}
