package webhook

import (
	"errors"
	"net/http"
	"strings"
)

// Verifier checks one request's credentials over the raw body, before any
// decoding. It returns nil when the request is authenticated and otherwise an
// error wrapping [ErrUnauthorized]. Verify must be safe for concurrent use and
// must not read r.Body: the body is passed in already read, so signatures are
// checked over exactly the bytes that will be decoded.
type Verifier interface {
	Verify(r *http.Request, body []byte) error
}

// VerifierFunc adapts a function to [Verifier]. An error it returns that does
// not already wrap [ErrUnauthorized] is wrapped, so the contract holds.
type VerifierFunc func(r *http.Request, body []byte) error

// Verify calls f.
func (f VerifierFunc) Verify(r *http.Request, body []byte) error {
	return asUnauthorized("verifier rejected the request", f(r, body))
}

// Challenger is implemented by verifiers that can suggest a WWW-Authenticate
// header value for a 401 answer (HTTP requires one on 401).
type Challenger interface {
	Challenge() string
}

// ChallengeOf returns v's WWW-Authenticate value, or "" when v is not a
// [Challenger].
func ChallengeOf(v Verifier) string {
	if c, ok := v.(Challenger); ok {
		return c.Challenge()
	}
	return ""
}

// AnyOf returns a verifier satisfied when any one of vs accepts the request:
// AsyncAPI's list of security requirements, any one of which authenticates.
// Verifiers are tried in order and the first acceptance wins. When all fail,
// the error is the most specific one: the last failure of a verifier whose
// credential was present (a wrong signature says more than "no Basic
// header"), else the last failure. With no verifier it accepts nothing.
// Nil entries are ignored.
func AnyOf(vs ...Verifier) Verifier {
	return &anyOf{vs: compact(vs)}
}

// AllOf returns a verifier satisfied only when every one of vs accepts: one
// AsyncAPI security requirement naming several schemes. It stops at the first
// failure and returns it. With no verifier it accepts nothing, so that an
// empty requirement cannot silently open the receiver. Nil entries are
// ignored.
func AllOf(vs ...Verifier) Verifier {
	return &allOf{vs: compact(vs)}
}

func compact(vs []Verifier) []Verifier {
	out := make([]Verifier, 0, len(vs))
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

type anyOf struct{ vs []Verifier }

// Verify tries each alternative in order.
func (a *anyOf) Verify(r *http.Request, body []byte) error {
	if len(a.vs) == 0 {
		return unauthorized("no verifier configured")
	}
	var last, specific error
	for _, v := range a.vs {
		err := v.Verify(r, body)
		if err == nil {
			return nil
		}
		err = asUnauthorized("verifier rejected the request", err)
		last = err
		if !errors.Is(err, ErrNoCredentials) {
			specific = err
		}
	}
	if specific != nil {
		return specific
	}
	return last
}

// Challenge lists the challenges of every alternative, comma-separated as
// RFC 9110 §11.6.1 allows.
func (a *anyOf) Challenge() string { return joinChallenges(a.vs) }

type allOf struct{ vs []Verifier }

// Verify requires every verifier, stopping at the first failure.
func (a *allOf) Verify(r *http.Request, body []byte) error {
	if len(a.vs) == 0 {
		return unauthorized("no verifier configured")
	}
	for _, v := range a.vs {
		if err := v.Verify(r, body); err != nil {
			return asUnauthorized("verifier rejected the request", err)
		}
	}
	return nil
}

// Challenge lists the challenges of every required scheme.
func (a *allOf) Challenge() string { return joinChallenges(a.vs) }

func joinChallenges(vs []Verifier) string {
	var parts []string
	seen := map[string]bool{}
	for _, v := range vs {
		if c := ChallengeOf(v); c != "" && !seen[c] {
			seen[c] = true
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, ", ")
}
