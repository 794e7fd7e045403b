package awssm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

const (
	service = "secretsmanager"
	product = "aws_secrets_manager"
	// StageCurrent is the staging label of a secret's current version.
	StageCurrent = "AWSCURRENT"
)

// Credentials are AWS access keys. They never print their secret parts.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// String shows the access key id only.
func (c Credentials) String() string {
	return "awssm.Credentials{AccessKeyID:" + c.AccessKeyID + " SecretAccessKey:" + redact.Mask + "}"
}

// GoString keeps %#v redacted.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue logs the access key id only.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// CredentialsFromEnv reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN (optional).
func CredentialsFromEnv() (Credentials, error) {
	c := Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return Credentials{}, errs.New(errs.CodeInvalidArgument,
			"AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (or use WithCredentials)")
	}
	return c, nil
}

type config struct {
	region        string
	endpoint      string
	creds         *Credentials
	httpClient    *http.Client
	logger        *slog.Logger
	allowLoopback bool
	retry         transport.RetryPolicy
	now           func() time.Time
}

// Option configures a Provider.
type Option func(*config)

// WithRegion sets the AWS region (default: AWS_REGION, then
// AWS_DEFAULT_REGION).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithEndpoint sends requests to u instead of
// https://secretsmanager.<region>.amazonaws.com (a VPC endpoint, a FIPS
// endpoint, a local emulator).
func WithEndpoint(u string) Option { return func(c *config) { c.endpoint = u } }

// WithCredentials sets the access keys (default: CredentialsFromEnv).
func WithCredentials(creds Credentials) Option { return func(c *config) { c.creds = &creds } }

// WithHTTPClient sets the base HTTP client (transport, TLS roots, timeouts).
func WithHTTPClient(h *http.Client) Option { return func(c *config) { c.httpClient = h } }

// WithLogger sends one audit event per call to l (never the secret value).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRetry sets the retry policy.
func WithRetry(p transport.RetryPolicy) Option { return func(c *config) { c.retry = p } }

// WithAllowInsecureLoopback lets plain http reach a loopback endpoint
// (tests against a local emulator only); every other host stays HTTPS only.
func WithAllowInsecureLoopback() Option { return func(c *config) { c.allowLoopback = true } }

// WithClock replaces time.Now for request signing (tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Provider is a credentials.KeyProvider over one AWS Secrets Manager
// secret whose value is the key: 32 bytes, as base64 text (SecretString,
// the form of XLR8_CREDENTIALS_KEY) or raw (SecretBinary). Each version of
// the secret is one key, and the key's id is the version id, so that
// records sealed under an earlier version find it again.
//
// Rotating the secret (a new version becomes AWSCURRENT) and then calling
// Manager.Rekey with the new current key moves every credential over.
// Secrets Manager deletes versions that have lost every staging label, so
// finish the Rekey while the previous version is still AWSPREVIOUS.
//
// It calls GetSecretValue, signed with AWS Signature Version 4 by the
// standard library only, through the connectors HTTP stack (HTTPS only,
// retries, audit, redaction). It reads static access keys only (options or
// environment): no instance metadata, profiles or SSO.
type Provider struct {
	secretID string
	region   string
	endpoint *url.URL
	creds    Credentials
	client   *transport.Client
	now      func() time.Time
}

var _ credentials.KeyProvider = (*Provider)(nil)

// New returns a provider over the secret (a name or an ARN). Missing
// configuration is an INVALID_ARGUMENT error; nothing is fetched yet.
func New(secretID string, opts ...Option) (*Provider, error) {
	cfg := &config{now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if strings.TrimSpace(secretID) == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: empty secret id")
	}
	if cfg.region == "" {
		cfg.region = os.Getenv("AWS_REGION")
	}
	if cfg.region == "" {
		cfg.region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if cfg.region == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: no region (WithRegion or AWS_REGION)")
	}
	if cfg.creds == nil {
		c, err := CredentialsFromEnv()
		if err != nil {
			return nil, err
		}
		cfg.creds = &c
	}
	if cfg.creds.AccessKeyID == "" || cfg.creds.SecretAccessKey == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: the access key id and secret access key are required")
	}
	if cfg.endpoint == "" {
		cfg.endpoint = "https://secretsmanager." + cfg.region + ".amazonaws.com/"
	}
	u, err := url.Parse(cfg.endpoint)
	if err != nil || u.Host == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: the endpoint is not an absolute URL")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	set := redact.NewSet(cfg.creds.SecretAccessKey, cfg.creds.SessionToken)
	client, err := transport.New(transport.Config{Product: product, HTTPClient: cfg.httpClient, Logger: cfg.logger,
		Retry: cfg.retry, AllowInsecureLoopback: cfg.allowLoopback, Secrets: set, DecodeError: decodeError})
	if err != nil {
		return nil, err
	}
	return &Provider{secretID: secretID, region: cfg.region, endpoint: u, creds: *cfg.creds, client: client, now: cfg.now}, nil
}

// CurrentKey returns the key in the secret's AWSCURRENT version.
func (p *Provider) CurrentKey(ctx context.Context) (*credentials.Key, error) {
	return p.fetch(ctx, map[string]string{"SecretId": p.secretID, "VersionStage": StageCurrent})
}

// LookupKey returns the key in the secret's version with the id. A version
// the secret does not have is an error wrapping credentials.ErrWrongKey.
func (p *Provider) LookupKey(ctx context.Context, id string) (*credentials.Key, error) {
	k, err := p.fetch(ctx, map[string]string{"SecretId": p.secretID, "VersionId": id})
	if err != nil {
		if errors.Is(err, credentials.ErrBadKey) {
			return nil, err
		}
		if c := errs.CodeOf(err); c == errs.CodeNotFound || c == errs.CodeInvalidArgument {
			return nil, &errs.Error{Code: errs.CodeUnauthenticated, Product: product, Err: credentials.ErrWrongKey,
				Message: fmt.Sprintf("secret %q has no version %q to open the credential with", p.secretID, id)}
		}
		return nil, err
	}
	return k, nil
}

type secretValue struct {
	VersionID    string `json:"VersionId"`
	SecretString string `json:"SecretString"`
	SecretBinary []byte `json:"SecretBinary"`
}

func (p *Provider) fetch(ctx context.Context, req map[string]string) (*credentials.Key, error) {
	var v secretValue
	if err := p.call(ctx, "GetSecretValue", req, &v); err != nil {
		return nil, err
	}
	defer func() { clear(v.SecretBinary); v.SecretString = "" }()
	if v.VersionID == "" {
		return nil, errs.Newf(errs.CodeInternal, "aws secrets manager: GetSecretValue of %q returned no VersionId", p.secretID)
	}
	var (
		k   *credentials.Key
		err error
	)
	switch {
	case len(v.SecretBinary) > 0:
		k, err = credentials.NewKey(v.VersionID, v.SecretBinary)
	case v.SecretString != "":
		var raw []byte
		raw, err = decodeBase64(v.SecretString)
		if err == nil {
			k, err = credentials.NewKey(v.VersionID, raw)
			clear(raw)
		}
	default:
		err = errs.New(errs.CodeInvalidArgument, "the secret version is empty")
	}
	if err != nil {
		e := errs.As(err, product)
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Err: credentials.ErrBadKey,
			Message: fmt.Sprintf("secret %q version %q does not hold a 32-byte key (base64 SecretString or SecretBinary): %s",
				p.secretID, v.VersionID, e.Message)}
	}
	return k, nil
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errs.New(errs.CodeInvalidArgument, "SecretString is not base64")
}

// call sends one signed Secrets Manager JSON request.
func (p *Provider) call(ctx context.Context, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return errs.Wrap(errs.CodeInternal, err, "aws secrets manager: encoding "+action)
	}
	h := http.Header{
		"Content-Type": {"application/x-amz-json-1.1"},
		"X-Amz-Target": {"secretsmanager." + action},
	}
	auth := signV4(http.MethodPost, p.endpoint, h, body, p.creds, p.region, service, p.now())
	h.Set("Authorization", auth)
	resp, err := p.client.Do(ctx, &transport.Request{Method: http.MethodPost, URL: p.endpoint.String(), Header: h, Body: body})
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		// Never quote the body: it holds the secret value.
		return errs.Newf(errs.CodeInternal, "aws secrets manager: %s response is not the expected JSON (%d bytes)", action, len(resp.Body))
	}
	return nil
}

// decodeError maps Secrets Manager's JSON errors ({"__type", "message"}).
func decodeError(e *errs.Error, resp *transport.Response) *errs.Error {
	var body struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	if json.Unmarshal(resp.Body, &body) != nil || body.Type == "" {
		return e
	}
	word := body.Type
	if i := strings.LastIndexByte(word, '#'); i >= 0 {
		word = word[i+1:]
	}
	e.VendorCode = word
	switch word {
	case "ResourceNotFoundException":
		e.Code = errs.CodeNotFound
	case "AccessDeniedException":
		e.Code = errs.CodePermissionDenied
	case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature", "ExpiredTokenException",
		"MissingAuthenticationTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch":
		e.Code = errs.CodeUnauthenticated
	case "ThrottlingException", "TooManyRequestsException":
		e.Code, e.Retryable = errs.CodeRateLimited, true
	case "InvalidParameterException", "InvalidRequestException", "ValidationException":
		e.Code = errs.CodeInvalidArgument
	case "InternalServiceError", "InternalFailure", "ServiceUnavailable":
		e.Code, e.Retryable = errs.CodeUnavailable, true
	case "DecryptionFailure":
		e.Code = errs.CodeInternal
	}
	msg := body.Message
	if msg == "" {
		msg = body.Message2
	}
	if msg != "" {
		e.Message += ": " + redact.Excerpt([]byte(msg), nil)
	}
	return e
}
