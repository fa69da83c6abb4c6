package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"unsafe"

	"github.com/hookgen/hookgen/webhook/internal/httpauth"
)

// Credential is one accepted user name and password pair for HTTP Basic
// authentication.
type Credential struct {
	Username, Password string
}

// Basic verifies HTTP Basic authentication (RFC 7617) against a fixed set of
// credentials. Create it with [BasicAuth].
type Basic struct {
	realm string
	// creds keeps only the SHA-256 of each credential's user-pass
	// ("user:password", as the header carries it): comparing fixed-size
	// digests in constant time hides the length of the secrets too, and
	// one digest of the pair costs half as much as one of each part.
	creds [][sha256.Size]byte
	// headers keeps the SHA-256 of the header each credential makes as
	// clients write it ("Basic " and padded base64): the usual request
	// is one hash away from a match, with no decoding.
	headers [][sha256.Size]byte
}

// BasicAuth returns a verifier accepting any of creds; several credentials
// allow rotation (configure old and new, then drop the old one). Credentials
// with an empty Password are ignored, so an unset environment variable cannot
// turn into an open door; so are user names with a colon, which RFC 7617
// forbids and no header can carry. With no usable credential the verifier
// accepts nothing. realm is echoed in the WWW-Authenticate challenge.
func BasicAuth(realm string, creds ...Credential) *Basic {
	b := &Basic{realm: realm}
	for _, c := range creds {
		if c.Password == "" || strings.Contains(c.Username, ":") {
			continue
		}
		userPass := c.Username + ":" + c.Password
		b.creds = append(b.creds, sha256.Sum256([]byte(userPass)))
		b.headers = append(b.headers, sha256.Sum256([]byte("Basic "+base64.StdEncoding.EncodeToString([]byte(userPass)))))
	}
	return b
}

// oneOf reports whether sum is one of digests, comparing all of them in
// constant time.
func oneOf(digests [][sha256.Size]byte, sum [sha256.Size]byte) bool {
	match := 0
	for i := range digests {
		match |= subtle.ConstantTimeCompare(sum[:], digests[i][:])
	}
	return match == 1
}

// Verify is [Basic.VerifyHeader]: the body plays no part.
func (b *Basic) Verify(r *http.Request, _ []byte) error { return b.VerifyHeader(r) }

// VerifyHeader checks the request's Authorization: Basic header. Every
// configured credential is compared, without an early exit, so timing does
// not reveal which one matched or how many there are before it.
func (b *Basic) VerifyHeader(r *http.Request) error {
	if len(b.creds) == 0 {
		return unauthorized("basic: no credential configured")
	}
	h := headerValue(r.Header, "Authorization")
	if h == "" {
		return noCredentials("basic: missing Authorization header")
	}
	// Hashing only reads the header. A header that matches no canonical
	// form is decoded below, whatever the reason, so timing tells nothing
	// but the match.
	if oneOf(b.headers, sha256.Sum256(unsafe.Slice(unsafe.StringData(h), len(h)))) {
		return nil
	}
	var buf [128]byte
	userPass, _, ok := httpauth.DecodeBasic(buf[:0], h)
	if !ok {
		if scheme, _, _ := strings.Cut(h, " "); !strings.EqualFold(scheme, "Basic") {
			return noCredentials("basic: Authorization header uses another scheme")
		}
		return unauthorized("basic: malformed Authorization header")
	}
	// No user name has a colon, the header's (cut at the first) or a
	// configured one, so equal user-pass means equal user and password.
	if !oneOf(b.creds, sha256.Sum256(userPass)) {
		return unauthorized("basic: wrong user name or password")
	}
	return nil
}

// Challenge returns `Basic realm="<realm>"`.
func (b *Basic) Challenge() string {
	return `Basic realm=` + httpauth.QuoteParam(b.realm)
}

// headerValue is h.Get(key) for a key already in canonical form: Get
// canonicalizes its key on every call, which costs as much as the lookup.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
