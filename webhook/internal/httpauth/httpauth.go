// Package httpauth parses and writes the parts of HTTP authentication
// headers that package webhook's verifiers and package oauth share.
package httpauth

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unsafe"
)

// ParseBasic parses an Authorization header value of the Basic scheme
// (case-insensitive) into user name and password. It accepts padded and
// unpadded standard base64 and splits at the first colon, as RFC 7617
// requires (a user name cannot contain one).
func ParseBasic(header string) (username, password string, ok bool) {
	userPass, colon, ok := DecodeBasic(nil, header)
	if !ok {
		return "", "", false
	}
	s := string(userPass) // one allocation for both
	return s[:colon], s[colon+1:], true
}

// DecodeBasic decodes the user-pass of a Basic Authorization header
// into buf's storage (when it is large enough, so that Verify allocates
// nothing) and finds the colon that ends the user name.
func DecodeBasic(buf []byte, header string) (userPass []byte, colon int, ok bool) {
	scheme, rest, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return nil, 0, false
	}
	rest = strings.Trim(rest, " ")
	if rest == "" {
		return nil, 0, false
	}
	// Decoding only reads src. It also refuses any space or tab left
	// inside, as neither is base64.
	src := unsafe.Slice(unsafe.StringData(rest), len(rest))
	raw, err := base64.StdEncoding.AppendDecode(buf[:0], src)
	if err != nil {
		raw, err = base64.RawStdEncoding.AppendDecode(buf[:0], src)
		if err != nil {
			return nil, 0, false
		}
	}
	colon = bytes.IndexByte(raw, ':')
	if colon < 0 {
		return nil, 0, false
	}
	return raw, colon, true
}

// QuoteParam renders s as an RFC 9110 quoted-string.
func QuoteParam(s string) string {
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
