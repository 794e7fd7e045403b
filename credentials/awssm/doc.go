// Package awssm is a credentials.KeyProvider over AWS Secrets Manager: the
// credentials encryption key lives in a secret, one key per version of it,
// fetched with GetSecretValue (signed with AWS Signature Version 4 by the
// standard library) through the connectors HTTP stack.
//
//	keys, err := awssm.New("prod/xlr8/credentials-key", awssm.WithRegion("eu-west-1"))
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
// Static access keys only: WithCredentials or AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; the region from WithRegion,
// AWS_REGION or AWS_DEFAULT_REGION. Requests go to
// https://secretsmanager.<region>.amazonaws.com unless WithEndpoint says
// otherwise; plain http is refused except to loopback with
// WithAllowInsecureLoopback (tests against an emulator). The secret value
// is never logged or quoted in an error; nor are the secret access key and
// the session token.
package awssm
