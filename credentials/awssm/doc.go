// Package awssm is a credentials.KeyProvider over AWS Secrets Manager: the
// credentials encryption key lives in a secret, one key per version of it,
// fetched with GetSecretValue through aws-sdk-go-v2 (service/secretsmanager,
// config).
//
//	keys, err := awssm.New(ctx, "prod/xlr8/credentials-key", awssm.WithRegion("eu-west-1"))
//	mgr, err := credentials.NewManager(store, keys)
//
// # The secret
//
// Each version holds 32 random bytes: base64 text in SecretString (the form
// of XLR8_CREDENTIALS_KEY; `openssl rand -base64 32`) or raw in
// SecretBinary. The version id is the key id written into every envelope,
// so a record sealed under an older version asks for that version.
//
// # Rotation
//
// Put a new version (it becomes AWSCURRENT, the old one AWSPREVIOUS), build
// a new Provider (a Manager asks for the current key once), and run
// Manager.Rekey with its CurrentKey. Secrets Manager deletes versions left
// without a staging label, so finish the Rekey before rotating again.
//
// # Credentials and endpoints
//
// New loads the SDK's default configuration, and calls are authenticated by
// its default credential chain: the environment (AWS_ACCESS_KEY_ID ...),
// the shared config and credentials files (profiles, SSO), web identity,
// ECS task roles and EC2 instance roles, refreshed as they expire.
// WithCredentialsProvider or WithAWSConfig replace it; WithCredentials pins
// static keys (an emulator). A chain that finds nothing makes the call
// fail UNAUTHENTICATED. The region comes from WithRegion, the SDK
// (AWS_REGION, the profile) or AWS_DEFAULT_REGION. Requests go to the
// region's endpoint unless WithEndpoint says otherwise; plain http is
// refused except to loopback with WithAllowInsecureLoopback (tests against
// an emulator). Retries are the SDK's standard retryer (WithRetry sets its
// attempts and longest backoff).
//
// Errors carry the service's error code as VendorCode
// (ResourceNotFoundException: NOT_FOUND, AccessDeniedException:
// PERMISSION_DENIED, ThrottlingException: RATE_LIMITED ...). The secret
// value is never logged or quoted in an error; nor are static keys. One
// audit event per call goes to WithLogger's logger.
//
// Verified: against moto_server (started by the tests on loopback), with
// the keys found by the default chain in the environment. Assumed: the
// real service's error codes as AWS documents them for GetSecretValue.
package awssm
