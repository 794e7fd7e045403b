package awssm

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/xlr8/connectors/credentials"
	"github.com/xlr8/connectors/internal/errs"
	"github.com/xlr8/connectors/internal/redact"
	"github.com/xlr8/connectors/internal/transport"
)

const (
	product = "aws_secrets_manager"
	// StageCurrent is the staging label of a secret's current version.
	StageCurrent = "AWSCURRENT"
)

// Credentials are static AWS access keys, for an emulator or a host that
// must pin keys (WithCredentials); the default is the SDK's credential
// chain. They never print their secret parts.
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

type config struct {
	region        string
	endpoint      string
	creds         aws.CredentialsProvider
	static        *Credentials
	awsConfig     *aws.Config
	httpClient    *http.Client
	logger        *slog.Logger
	allowLoopback bool
	retry         *transport.RetryPolicy
}

// Option configures a Provider.
type Option func(*config)

// WithRegion sets the AWS region (default: the SDK's: AWS_REGION, the
// shared config's profile; then AWS_DEFAULT_REGION).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithEndpoint sends requests to u instead of the region's Secrets Manager
// endpoint (a VPC endpoint, a local emulator). It must be HTTPS, or plain
// http to a loopback host with WithAllowInsecureLoopback.
func WithEndpoint(u string) Option { return func(c *config) { c.endpoint = u } }

// WithCredentials pins static access keys instead of the default chain (an
// emulator; a host that must). Prefer the default chain, which finds the
// environment's keys, the shared config and SSO, and the roles of ECS tasks
// and EC2 instances, and refreshes what expires.
func WithCredentials(creds Credentials) Option { return func(c *config) { c.static = &creds } }

// WithCredentialsProvider sets any aws.CredentialsProvider instead of the
// default chain (an assumed role, a web identity).
func WithCredentialsProvider(p aws.CredentialsProvider) Option {
	return func(c *config) { c.creds = p }
}

// WithAWSConfig uses an aws.Config the host loaded (config.LoadDefaultConfig
// with its own options) instead of loading the default one.
func WithAWSConfig(cfg aws.Config) Option { return func(c *config) { c.awsConfig = &cfg } }

// WithHTTPClient sets the HTTP client (transport, TLS roots, timeouts).
func WithHTTPClient(h *http.Client) Option { return func(c *config) { c.httpClient = h } }

// WithLogger sends one audit event per call to l (never the secret value).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRetry sets the attempts and the longest backoff of the SDK's
// standard retryer (default: the SDK's, three attempts).
func WithRetry(p transport.RetryPolicy) Option { return func(c *config) { c.retry = &p } }

// WithAllowInsecureLoopback lets plain http reach a loopback endpoint
// (tests against a local emulator only); every other endpoint stays HTTPS.
func WithAllowInsecureLoopback() Option { return func(c *config) { c.allowLoopback = true } }

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
// It calls GetSecretValue through aws-sdk-go-v2 (service/secretsmanager),
// authenticated by the SDK's default credential chain unless told
// otherwise.
type Provider struct {
	secretID string
	sm       *secretsmanager.Client
	logger   *slog.Logger
	secrets  *redact.Set
}

var _ credentials.KeyProvider = (*Provider)(nil)

// New returns a provider over the secret (a name or an ARN). It loads the
// SDK's default configuration (environment, shared config files) unless
// WithAWSConfig gives one; no credential is fetched and no call is made
// yet. A missing region, a malformed endpoint or a plain http endpoint
// without the loopback opt-in is an INVALID_ARGUMENT error.
func New(ctx context.Context, secretID string, opts ...Option) (*Provider, error) {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if strings.TrimSpace(secretID) == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: empty secret id")
	}
	set := redact.NewSet()
	if c.static != nil {
		if c.static.AccessKeyID == "" || c.static.SecretAccessKey == "" {
			return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: static credentials need an access key id and a secret access key")
		}
		set.Add(c.static.SecretAccessKey, c.static.SessionToken)
		c.creds = awscreds.NewStaticCredentialsProvider(c.static.AccessKeyID, c.static.SecretAccessKey, c.static.SessionToken)
	}
	var cfg aws.Config
	if c.awsConfig != nil {
		cfg = c.awsConfig.Copy()
	} else {
		var load []func(*awsconfig.LoadOptions) error
		if c.region != "" {
			load = append(load, awsconfig.WithRegion(c.region))
		}
		var err error
		if cfg, err = awsconfig.LoadDefaultConfig(ctx, load...); err != nil {
			return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Err: err,
				Message: "aws secrets manager: loading the AWS configuration (environment, shared config files) failed"}
		}
	}
	if c.region != "" {
		cfg.Region = c.region
	}
	if cfg.Region == "" {
		cfg.Region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if cfg.Region == "" {
		return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: no region (WithRegion, AWS_REGION or the shared config)")
	}
	if c.creds != nil {
		cfg.Credentials = aws.NewCredentialsCache(c.creds)
	}
	if cfg.Credentials != nil {
		cfg.Credentials = chainProvider{cfg.Credentials}
	}
	if c.httpClient != nil {
		cfg.HTTPClient = c.httpClient
	}
	if c.retry != nil {
		p := *c.retry
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if p.MaxAttempts > 0 {
					o.MaxAttempts = p.MaxAttempts
				}
				if p.MaxBackoff > 0 {
					o.MaxBackoff = p.MaxBackoff
				}
			})
		}
	}
	var smOpts []func(*secretsmanager.Options)
	if c.endpoint != "" {
		u, err := url.Parse(c.endpoint)
		if err != nil || u.Host == "" {
			return nil, errs.New(errs.CodeInvalidArgument, "aws secrets manager: the endpoint is not an absolute URL")
		}
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && c.allowLoopback && isLoopback(u.Hostname()):
		default:
			return nil, errs.New(errs.CodeInvalidArgument,
				"aws secrets manager: the endpoint must be https (plain http only to a loopback host, with WithAllowInsecureLoopback)")
		}
		ep := c.endpoint
		smOpts = append(smOpts, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(ep) })
	}
	logger := redact.Discard
	if c.logger != nil {
		logger = slog.New(redact.Handler(c.logger.Handler(), set))
	}
	return &Provider{secretID: secretID, sm: secretsmanager.NewFromConfig(cfg, smOpts...), logger: logger, secrets: set}, nil
}

// chainProvider marks a failure of the credential chain with a type of its
// own, so that it is told from a failed call without reading the SDK's
// message text.
type chainProvider struct{ aws.CredentialsProvider }

func (c chainProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	v, err := c.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return v, &noCredentials{err: err}
	}
	return v, nil
}

type noCredentials struct{ err error }

func (e *noCredentials) Error() string { return "no AWS credentials: " + e.err.Error() }
func (e *noCredentials) Unwrap() error { return e.err }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CurrentKey returns the key in the secret's AWSCURRENT version.
func (p *Provider) CurrentKey(ctx context.Context) (*credentials.Key, error) {
	return p.fetch(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(p.secretID), VersionStage: aws.String(StageCurrent)})
}

// LookupKey returns the key in the secret's version with the id. A version
// the secret does not have is an error wrapping credentials.ErrWrongKey.
func (p *Provider) LookupKey(ctx context.Context, id string) (*credentials.Key, error) {
	k, err := p.fetch(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(p.secretID), VersionId: aws.String(id)})
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

func (p *Provider) fetch(ctx context.Context, in *secretsmanager.GetSecretValueInput) (*credentials.Key, error) {
	start := time.Now()
	out, err := p.sm.GetSecretValue(ctx, in)
	p.audit(ctx, "GetSecretValue", in, start, err)
	if err != nil {
		return nil, p.mapErr(err, "GetSecretValue")
	}
	defer clear(out.SecretBinary)
	version := aws.ToString(out.VersionId)
	if version == "" {
		return nil, errs.Newf(errs.CodeInternal, "aws secrets manager: GetSecretValue of %q returned no VersionId", p.secretID)
	}
	var k *credentials.Key
	switch {
	case len(out.SecretBinary) > 0:
		k, err = credentials.NewKey(version, out.SecretBinary)
	case aws.ToString(out.SecretString) != "":
		var raw []byte
		raw, err = decodeBase64(aws.ToString(out.SecretString))
		if err == nil {
			k, err = credentials.NewKey(version, raw)
			clear(raw)
		}
	default:
		err = errs.New(errs.CodeInvalidArgument, "the secret version is empty")
	}
	if err != nil {
		e := errs.As(err, product)
		return nil, &errs.Error{Code: errs.CodeInvalidArgument, Product: product, Err: credentials.ErrBadKey,
			Message: fmt.Sprintf("secret %q version %q does not hold a 32-byte key (base64 SecretString or SecretBinary): %s",
				p.secretID, version, e.Message)}
	}
	return k, nil
}

// audit logs one event per call: the action, the secret and version asked
// for, the outcome and the duration; never a value.
func (p *Provider) audit(ctx context.Context, action string, in *secretsmanager.GetSecretValueInput, start time.Time, err error) {
	attrs := []slog.Attr{slog.String("product", product), slog.String("action", action),
		slog.String("secret_id", p.secretID), slog.Duration("duration", time.Since(start))}
	if v := aws.ToString(in.VersionId); v != "" {
		attrs = append(attrs, slog.String("version_id", v))
	}
	if v := aws.ToString(in.VersionStage); v != "" {
		attrs = append(attrs, slog.String("version_stage", v))
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error_code", errs.CodeOf(p.mapErr(err, action)).String()))
	}
	p.logger.LogAttrs(ctx, level, "aws secrets manager call", attrs...)
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

// mapErr maps an SDK error to a typed error: the service's error code
// (ResourceNotFoundException ...) as VendorCode and by code, else the HTTP
// status, a credential chain that found nothing as UNAUTHENTICATED, the
// caller's context as TIMEOUT or CANCELLED. The service's message is
// quoted scrubbed and bounded; the SDK's own error text is not quoted.
func (p *Provider) mapErr(err error, action string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.FromContext(err, product, "aws secrets manager: "+action)
	}
	e := &errs.Error{Code: errs.CodeUnavailable, Product: product, Retryable: true, Err: err,
		Message: fmt.Sprintf("aws secrets manager: %s of %q failed", action, p.secretID)}
	var se *v4.SigningError
	var nc *noCredentials
	if errors.As(err, &nc) || errors.As(err, &se) {
		e.Code, e.Retryable = errs.CodeUnauthenticated, false
		e.Message += ": no usable AWS credentials (the default chain looks at the environment, the shared config and SSO, and ECS task and EC2 instance roles)"
		return e
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.Code = errs.CodeForStatus(re.HTTPStatusCode())
		e.Retryable = errs.RetryableStatus(re.HTTPStatusCode())
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		word := ae.ErrorCode()
		e.VendorCode = word
		switch word {
		case "ResourceNotFoundException":
			e.Code, e.Retryable = errs.CodeNotFound, false
		case "AccessDeniedException":
			e.Code, e.Retryable = errs.CodePermissionDenied, false
		case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature", "ExpiredTokenException",
			"MissingAuthenticationTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch":
			e.Code, e.Retryable = errs.CodeUnauthenticated, false
		case "ThrottlingException", "TooManyRequestsException":
			e.Code, e.Retryable = errs.CodeRateLimited, true
		case "InvalidParameterException", "InvalidRequestException", "ValidationException":
			e.Code, e.Retryable = errs.CodeInvalidArgument, false
		case "InternalServiceError", "InternalFailure", "ServiceUnavailable":
			e.Code, e.Retryable = errs.CodeUnavailable, true
		case "DecryptionFailure":
			e.Code, e.Retryable = errs.CodeInternal, false
		}
		if msg := ae.ErrorMessage(); msg != "" {
			e.Message += ": " + redact.Excerpt([]byte(msg), p.secrets)
		}
	}
	return e
}
