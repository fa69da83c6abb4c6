package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// parseBearer extracts the token of an "Authorization: Bearer <token>"
// header value (RFC 6750 §2.1; the scheme is case-insensitive). It reports
// false when the header uses another scheme, or the token is empty or
// contains whitespace or control characters.
func parseBearer(header string) (string, bool) {
	scheme, rest, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok := strings.Trim(rest, " ")
	if tok == "" {
		return "", false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	return tok, true
}

// bearerToken is the shared first step of the bearer verifiers, with the
// missing-versus-malformed distinction AnyOf relies on.
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", noCredentials("bearer: missing Authorization header")
	}
	tok, ok := parseBearer(h)
	if !ok {
		if scheme, _, _ := strings.Cut(h, " "); !strings.EqualFold(scheme, "Bearer") {
			return "", noCredentials("bearer: Authorization header uses another scheme")
		}
		return "", unauthorized("bearer: malformed Authorization header")
	}
	return tok, nil
}

// StaticBearer returns a verifier accepting any of tokens, compared in
// constant time over their SHA-256 digests (which hides the tokens' lengths
// and which one matched). Several tokens allow rotation; empty ones are
// ignored, and with none it accepts nothing.
func StaticBearer(tokens ...string) Verifier {
	s := &staticBearer{}
	for _, t := range tokens {
		if t != "" {
			s.digests = append(s.digests, sha256.Sum256([]byte(t)))
		}
	}
	return s
}

type staticBearer struct {
	digests [][sha256.Size]byte
}

// Verify is VerifyHeader: the body plays no part.
func (s *staticBearer) Verify(r *http.Request, _ []byte) error { return s.VerifyHeader(r) }

// VerifyHeader accepts a request carrying one of the configured tokens.
func (s *staticBearer) VerifyHeader(r *http.Request) error {
	if len(s.digests) == 0 {
		return unauthorized("bearer: no token configured")
	}
	tok, err := bearerToken(r)
	if err != nil {
		return err
	}
	d := sha256.Sum256([]byte(tok))
	match := 0
	for i := range s.digests {
		match |= subtle.ConstantTimeCompare(d[:], s.digests[i][:])
	}
	if match != 1 {
		return unauthorized("bearer: unknown token")
	}
	return nil
}

// Challenge returns "Bearer".
func (s *staticBearer) Challenge() string { return "Bearer" }

// BearerFunc returns a verifier that hands the bearer token to f, with the
// request's context; f returns nil to accept. An error from f that does not
// wrap [ErrUnauthorized] is wrapped. A nil f accepts nothing. The verifier
// is a [HeaderVerifier]: the token is in the headers, so a request without
// an acceptable one is refused before its body is read.
func BearerFunc(f func(ctx context.Context, token string) error) Verifier {
	return bearerFunc{f: f}
}

type bearerFunc struct {
	f func(ctx context.Context, token string) error
}

// Verify is VerifyHeader: the body plays no part.
func (b bearerFunc) Verify(r *http.Request, _ []byte) error { return b.VerifyHeader(r) }

// VerifyHeader hands the request's bearer token to the callback.
func (b bearerFunc) VerifyHeader(r *http.Request) error {
	if b.f == nil {
		return unauthorized("bearer: no callback configured")
	}
	tok, err := bearerToken(r)
	if err != nil {
		return err
	}
	return asUnauthorized("bearer: token rejected", b.f(r.Context(), tok))
}

// Challenge returns "Bearer".
func (b bearerFunc) Challenge() string { return "Bearer" }
