package awssm

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/transport"
)

// noAmbientAWS keeps the SDK's default chain away from the machine's own
// AWS configuration and from the instance metadata service (which is not
// on loopback).
func noAmbientAWS(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_CONFIG_FILE":                        "/nonexistent/xlr8-aws-config",
		"AWS_SHARED_CREDENTIALS_FILE":            "/nonexistent/xlr8-aws-credentials",
		"AWS_PROFILE":                            "",
		"AWS_ACCESS_KEY_ID":                      "",
		"AWS_SECRET_ACCESS_KEY":                  "",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_REGION":                             "",
		"AWS_DEFAULT_REGION":                     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
	} {
		t.Setenv(k, v)
	}
}

func TestNewNeedsConfiguration(t *testing.T) {
	noAmbientAWS(t)
	ctx := context.Background()
	for name, opts := range map[string][]Option{
		"no region":        {},
		"bad endpoint":     {WithRegion("us-east-1"), WithEndpoint("::nope")},
		"plain http":       {WithRegion("us-east-1"), WithEndpoint("http://127.0.0.1:1/")},
		"http not local":   {WithRegion("us-east-1"), WithEndpoint("http://example.com/"), WithAllowInsecureLoopback()},
		"half static keys": {WithRegion("us-east-1"), WithCredentials(Credentials{AccessKeyID: "AKID"})},
	} {
		_, err := New(ctx, "s", opts...)
		if errs.CodeOf(err) != errs.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := New(ctx, " ", WithRegion("r")); errs.CodeOf(err) != errs.CodeInvalidArgument {
		t.Errorf("empty secret id: %v", err)
	}
	// AWS_DEFAULT_REGION is the last resort.
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1")
	if _, err := New(ctx, "s"); err != nil {
		t.Errorf("AWS_DEFAULT_REGION: %v", err)
	}
	c := Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET-aws-key", SessionToken: "SECRET-session"}
	if s := fmt.Sprintf("%v %+v %#v %s", c, c, c, c); strings.Contains(s, "SECRET") || !strings.Contains(s, "AKID") {
		t.Fatalf("credentials print as %s", s)
	}
}

// With nothing in the default chain, a call fails UNAUTHENTICATED, saying
// where the chain looked, without any network call beyond loopback.
func TestNoCredentialsInChain(t *testing.T) {
	noAmbientAWS(t)
	p, err := New(context.Background(), "s", WithRegion("us-east-1"), WithEndpoint("http://127.0.0.1:1/"), WithAllowInsecureLoopback(),
		WithRetry(transport.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = p.CurrentKey(ctx)
	if errs.CodeOf(err) != errs.CodeUnauthenticated || !strings.Contains(err.Error(), "default chain") {
		t.Fatalf("no credentials: %v", err)
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

// motoEnv puts moto's test keys where the SDK's default chain finds
// them: the environment.
func motoEnv(t *testing.T) {
	noAmbientAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTESTING")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "SECRET-moto-access-key")
	t.Setenv("AWS_REGION", "us-east-1")
}

func motoProvider(t *testing.T, endpoint, secret string, opts ...Option) *Provider {
	t.Helper()
	p, err := New(context.Background(), secret, append([]Option{WithEndpoint(endpoint), WithAllowInsecureLoopback(),
		WithRetry(transport.RetryPolicy{MaxAttempts: 2, MaxBackoff: 10 * time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// create makes a secret through the SDK (the test's admin side).
func create(t *testing.T, p *Provider, name string, value string) string {
	t.Helper()
	out, err := p.sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.VersionId)
}

func rawKey(fill byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32))
}

func TestProviderAgainstMoto(t *testing.T) {
	endpoint := moto(t)
	motoEnv(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := motoProvider(t, endpoint, "xlr8/credentials-key")
	created := create(t, admin, "xlr8/credentials-key", rawKey(1))

	p := motoProvider(t, endpoint, "xlr8/credentials-key", WithLogger(logger))
	k1, err := p.CurrentKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k1.ID() != created {
		t.Fatalf("key id %q, want the version id %q", k1.ID(), created)
	}
	if !strings.Contains(logs.String(), `"action":"GetSecretValue"`) || strings.Contains(logs.String(), rawKey(1)) {
		t.Errorf("audit log: %s", logs.String())
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
	put, err := admin.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("xlr8/credentials-key"),
		SecretString: aws.String(rawKey(2))})
	if err != nil {
		t.Fatal(err)
	}
	p2 := motoProvider(t, endpoint, "xlr8/credentials-key")
	m2, err := credentials.NewManager(store, p2)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := p2.CurrentKey(ctx)
	if k2.ID() != aws.ToString(put.VersionId) || k2.ID() == k1.ID() {
		t.Fatalf("current key after rotation %q, want %q", k2.ID(), aws.ToString(put.VersionId))
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
	create(t, admin, "not-a-key", "SECRET-hunter2")
	_, err = motoProvider(t, endpoint, "not-a-key").CurrentKey(ctx)
	if !errors.Is(err, credentials.ErrBadKey) || strings.Contains(fmt.Sprintf("%v %+v", err, err), "SECRET") {
		t.Fatalf("bad secret value: %v", err)
	}
	create(t, admin, "short-key", base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!")))
	_, err = motoProvider(t, endpoint, "short-key").CurrentKey(ctx)
	if !errors.Is(err, credentials.ErrBadKey) || !strings.Contains(err.Error(), "16 bytes") {
		t.Fatalf("short key: %v", err)
	}

	// Static keys (WithCredentials) replace the chain and reach the wire.
	static := motoProvider(t, endpoint, "xlr8/credentials-key", WithCredentials(Credentials{AccessKeyID: "AKIDSTATIC", SecretAccessKey: "SECRET-static"}))
	if _, err := static.CurrentKey(ctx); err != nil {
		t.Fatalf("static keys: %v", err)
	}
}
