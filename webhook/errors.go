package webhook

import (
	"errors"
)

// ErrUnauthorized is wrapped by every verification failure, so a caller can
// answer 401 with a single errors.Is check whatever the scheme. The wrapping
// error carries a short reason meant for logs, not for the response body.
var ErrUnauthorized = errors.New("webhook: unauthorized")

// ErrNoCredentials is wrapped (together with [ErrUnauthorized]) by failures
// where the request did not present the credential a verifier looks for at
// all, as opposed to presenting a wrong one. [AnyOf] uses it to report the
// most specific failure; callers may use it to log less loudly.
var ErrNoCredentials = errors.New("webhook: no credentials presented")

// ErrBodyTooLarge is returned by [ReadBody] when the body exceeds the limit;
// the status-code contract answers 413.
var ErrBodyTooLarge = errors.New("webhook: request body too large")

// authError is the concrete failure type of every verifier in this package:
// a reason for logs, an optional cause, and whether credentials were missing.
type authError struct {
	reason  string
	missing bool
	cause   error
}

// Error reads "webhook: unauthorized: <reason>[: <cause>]".
func (e *authError) Error() string {
	msg := ErrUnauthorized.Error() + ": " + e.reason
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

// Is makes errors.Is match ErrUnauthorized always and ErrNoCredentials for
// missing credentials, without putting them in the Unwrap chain twice.
func (e *authError) Is(target error) bool {
	return target == ErrUnauthorized || (e.missing && target == ErrNoCredentials)
}

// Unwrap exposes the cause, e.g. jwt.ErrExpired.
func (e *authError) Unwrap() error { return e.cause }

// unauthorized reports a presented but unacceptable credential.
func unauthorized(reason string) error { return &authError{reason: reason} }

// unauthorizedCause is unauthorized with an underlying error kept for errors.Is/As.
func unauthorizedCause(reason string, cause error) error {
	return &authError{reason: reason, cause: cause}
}

// noCredentials reports that the credential a verifier looks for is absent.
func noCredentials(reason string) error { return &authError{reason: reason, missing: true} }

// asUnauthorized makes any error satisfy the ErrUnauthorized contract, for
// errors coming from user callbacks.
func asUnauthorized(reason string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrUnauthorized) {
		return err
	}
	return unauthorizedCause(reason, err)
}
