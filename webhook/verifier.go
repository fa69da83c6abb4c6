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

// HeaderVerifier is implemented by verifiers that can judge a request from
// its headers, before its body is read. [Endpoint] asks them first, so a
// request without valid credentials is refused before the receiver holds
// any of its body. VerifyHeader returns nil when the headers authenticate
// the request (Verify would accept it whatever the body), [ErrNeedBody] when
// only the body can tell (a signature over it is present), and otherwise an
// error wrapping [ErrUnauthorized]. A verifier that does not implement it
// is judged on the body only.
type HeaderVerifier interface {
	Verifier
	VerifyHeader(r *http.Request) error
}

// verifyHeader is v.VerifyHeader(r), or ErrNeedBody when v cannot judge the
// headers alone.
func verifyHeader(v Verifier, r *http.Request) error {
	if hv, ok := v.(HeaderVerifier); ok {
		return hv.VerifyHeader(r)
	}
	return ErrNeedBody
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

// challengeOf returns v's WWW-Authenticate value, or "" when v is not a
// [Challenger].
func challengeOf(v Verifier) string {
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
	return a.first(func(v Verifier) error { return v.Verify(r, body) })
}

// VerifyHeader accepts when an alternative's headers authenticate the
// request, needs the body when an alternative's signature is present, and
// otherwise refuses: no alternative can then accept, whatever the body.
func (a *anyOf) VerifyHeader(r *http.Request) error {
	return a.first(func(v Verifier) error { return verifyHeader(v, r) })
}

// first returns nil at the first alternative that check accepts, else
// ErrNeedBody if one needs the body, else the most specific failure.
func (a *anyOf) first(check func(Verifier) error) error {
	if len(a.vs) == 0 {
		return unauthorized("no verifier configured")
	}
	var last, specific error
	needBody := false
	for _, v := range a.vs {
		err := check(v)
		if err == nil {
			return nil
		}
		if err == ErrNeedBody {
			needBody = true
			continue
		}
		err = asUnauthorized("verifier rejected the request", err)
		last = err
		if !errors.Is(err, ErrNoCredentials) {
			specific = err
		}
	}
	switch {
	case needBody:
		return ErrNeedBody
	case specific != nil:
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

// VerifyHeader refuses at the first part whose headers fail, and needs the
// body when any part does.
func (a *allOf) VerifyHeader(r *http.Request) error {
	if len(a.vs) == 0 {
		return unauthorized("no verifier configured")
	}
	needBody := false
	for _, v := range a.vs {
		switch err := verifyHeader(v, r); err {
		case nil:
		case ErrNeedBody:
			needBody = true
		default:
			return asUnauthorized("verifier rejected the request", err)
		}
	}
	if needBody {
		return ErrNeedBody
	}
	return nil
}

// Challenge lists the challenges of every required scheme.
func (a *allOf) Challenge() string { return joinChallenges(a.vs) }

func joinChallenges(vs []Verifier) string {
	var parts []string
	seen := map[string]bool{}
	for _, v := range vs {
		if c := challengeOf(v); c != "" && !seen[c] {
			seen[c] = true
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, ", ")
}
