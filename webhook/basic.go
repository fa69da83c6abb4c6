package webhook

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"unsafe"
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
	creds []digestPair
}

// digestPair keeps only SHA-256 digests: comparing fixed-size digests in
// constant time hides the length of the configured secrets too.
type digestPair struct {
	user, pass [sha256.Size]byte
}

// BasicAuth returns a verifier accepting any of creds; several credentials
// allow rotation (configure old and new, then drop the old one). Credentials
// with an empty Password are ignored, so an unset environment variable cannot
// turn into an open door; with no usable credential the verifier accepts
// nothing. realm is echoed in the WWW-Authenticate challenge.
func BasicAuth(realm string, creds ...Credential) *Basic {
	b := &Basic{realm: realm}
	for _, c := range creds {
		if c.Password == "" {
			continue
		}
		b.creds = append(b.creds, digestPair{
			user: sha256.Sum256([]byte(c.Username)),
			pass: sha256.Sum256([]byte(c.Password)),
		})
	}
	return b
}

// Verify checks the request's Authorization: Basic header. Every configured
// credential is compared, without an early exit, so timing does not reveal
// which one matched or how many there are before it.
func (b *Basic) Verify(r *http.Request, _ []byte) error {
	if len(b.creds) == 0 {
		return unauthorized("basic: no credential configured")
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return noCredentials("basic: missing Authorization header")
	}
	var buf [128]byte
	user, pass, ok := parseBasicAuth(buf[:0], h)
	if !ok {
		if scheme, _, _ := strings.Cut(h, " "); !strings.EqualFold(scheme, "Basic") {
			return noCredentials("basic: Authorization header uses another scheme")
		}
		return unauthorized("basic: malformed Authorization header")
	}
	u := sha256.Sum256(user)
	p := sha256.Sum256(pass)
	match := 0
	for i := range b.creds {
		c := &b.creds[i]
		match |= subtle.ConstantTimeCompare(u[:], c.user[:]) & subtle.ConstantTimeCompare(p[:], c.pass[:])
	}
	if match != 1 {
		return unauthorized("basic: wrong user name or password")
	}
	return nil
}

// Challenge returns `Basic realm="<realm>"`.
func (b *Basic) Challenge() string {
	return `Basic realm=` + quoteParam(b.realm)
}

// ParseBasicAuth parses an Authorization header value of the Basic scheme
// (case-insensitive) into user name and password. It accepts padded and
// unpadded standard base64 and splits at the first colon, as RFC 7617
// requires (a user name cannot contain one).
func ParseBasicAuth(header string) (username, password string, ok bool) {
	user, pass, ok := parseBasicAuth(nil, header)
	if !ok {
		return "", "", false
	}
	// One allocation for both: pass follows user and its colon.
	s := string(user[:len(user)+1+len(pass)])
	return s[:len(user)], s[len(user)+1:], true
}

// parseBasicAuth is ParseBasicAuth decoding into buf's storage (when it is
// large enough), so that Verify allocates nothing; pass follows user and a
// colon in the same array.
func parseBasicAuth(buf []byte, header string) (username, password []byte, ok bool) {
	scheme, rest, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return nil, nil, false
	}
	rest = strings.TrimLeft(rest, " ")
	rest = strings.TrimRight(rest, " ")
	if rest == "" || strings.ContainsAny(rest, " \t") {
		return nil, nil, false
	}
	// Decoding only reads src.
	src := unsafe.Slice(unsafe.StringData(rest), len(rest))
	raw, err := base64.StdEncoding.AppendDecode(buf[:0], src)
	if err != nil {
		raw, err = base64.RawStdEncoding.AppendDecode(buf[:0], src)
		if err != nil {
			return nil, nil, false
		}
	}
	i := bytes.IndexByte(raw, ':')
	if i < 0 {
		return nil, nil, false
	}
	return raw[:i], raw[i+1:], true
}

// quoteParam renders s as an RFC 9110 quoted-string.
func quoteParam(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 0x20 || c == 0x7f: // control characters cannot be carried in a header
			continue
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
