package oauth

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hookgen/hookgen/webhook"
)

// unauthorized reports a presented but unacceptable token, worded as
// package webhook's verifiers word their failures.
func unauthorized(reason string) error {
	return fmt.Errorf("%w: %s", webhook.ErrUnauthorized, reason)
}

// unauthorizedCause is unauthorized with an underlying error kept for
// errors.Is and errors.As, e.g. jwt.ErrExpired.
func unauthorizedCause(reason string, cause error) error {
	return fmt.Errorf("%w: %s: %w", webhook.ErrUnauthorized, reason, cause)
}

// verifyBearer hands r's bearer token to check, through
// [webhook.BearerFunc], so that a missing or malformed header fails as it
// does for every other bearer verifier (missing credentials wrap
// webhook.ErrNoCredentials, which AnyOf relies on).
func verifyBearer(r *http.Request, check func(ctx context.Context, token string) error) error {
	return webhook.BearerFunc(check).(webhook.HeaderVerifier).VerifyHeader(r)
}
