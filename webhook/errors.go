package webhook

import (
	"errors"
	"net/http"
)

// Errors of the contract. Each maps to one status code; see [StatusOf].
var (
	// ErrUnauthorized is wrapped by every verification failure, so a
	// caller can answer 401 with a single errors.Is check whatever the
	// scheme. The wrapping error carries a short reason meant for logs,
	// not for the response body.
	ErrUnauthorized = errors.New("webhook: unauthorized")
	// ErrNoCredentials is wrapped (together with ErrUnauthorized) by
	// failures where the request did not present the credential a
	// verifier looks for at all, as opposed to presenting a wrong one.
	// [AnyOf] uses it to report the most specific failure; callers may use
	// it to log less loudly.
	ErrNoCredentials = errors.New("webhook: no credentials presented")
	// ErrNeedBody is what [HeaderVerifier.VerifyHeader] returns, itself
	// and not wrapped (as io.EOF is), when the headers carry a credential
	// that only the body can check. It is no failure: it does not wrap
	// ErrUnauthorized, and an error wrapping it is a failure like any
	// other.
	ErrNeedBody = errors.New("webhook: credentials are checked over the body")
	// ErrNoVerifier: a generated NewServer found no verifier configured,
	// and unauthenticated deliveries were not allowed.
	ErrNoVerifier = errors.New("webhook: no credentials configured")
	// ErrBodyTooLarge: the body exceeds the limit (413).
	ErrBodyTooLarge = errors.New("webhook: request body too large")
	// ErrInvalidPayload: the body is not JSON or not the schema's shape
	// (400).
	ErrInvalidPayload = errors.New("webhook: invalid payload")
	// ErrInFlight: another delivery of the same event is being handled
	// right now (409); the provider's retry will find it done, or failed
	// and free.
	ErrInFlight = errors.New("webhook: the same event is being handled by another delivery")
	// ErrDedupFull is what [MemoryDeduper.Claim] returns when every id it
	// holds is an in-flight claim, so making room would let a duplicate of
	// a running event run its handler a second time. Other stores may
	// return it (or wrap it) too. The delivery is answered 503 with
	// Retry-After: the provider retries once handlers have finished.
	ErrDedupFull = errors.New("webhook: de-duplication store full of events being handled")
	// ErrTimeout: the handler gave up at its deadline (500).
	ErrTimeout = errors.New("webhook: the handler did not finish in time")
	// ErrNotImplemented is what a generated UnimplementedHandler returns:
	// the spec knows the event but the program does not handle it, so it
	// is not acknowledged (500) and the provider retries.
	ErrNotImplemented = errors.New("webhook: no handler for this event")
)

// HandlerError is an error a handler (or the unknown-event hook) returned.
// Whatever it wraps, its status is 500: a handler that returns, say,
// ErrInvalidPayload of its own has still not handled the event.
type HandlerError struct{ Err error }

func (e *HandlerError) Error() string { return "webhook: handler: " + e.Err.Error() }
func (e *HandlerError) Unwrap() error { return e.Err }

// StatusOf maps a dispatch result (what a generated Dispatcher's Dispatch
// returns) to the status code of the contract.
func StatusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	var handlerErr *HandlerError
	switch {
	case errors.As(err, &handlerErr):
		return http.StatusInternalServerError
	case errors.Is(err, ErrInvalidPayload):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInFlight):
		return http.StatusConflict
	case errors.Is(err, ErrDedupFull):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

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
