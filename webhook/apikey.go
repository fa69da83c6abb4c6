package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
)

// APIKey accepts requests that carry one of keys in the named header, query
// parameter or cookie (in is "header", "query" or "cookie"), compared in
// constant time. Empty keys are ignored, so an unset variable never means
// "no key needed".
func APIKey(in, name string, keys ...string) Verifier {
	k := &apiKey{in: in, name: name}
	for _, key := range keys {
		if key != "" {
			k.digests = append(k.digests, sha256.Sum256([]byte(key)))
		}
	}
	return k
}

type apiKey struct {
	in, name string
	digests  [][32]byte
}

// Verify is VerifyHeader: the body plays no part.
func (k *apiKey) Verify(r *http.Request, _ []byte) error { return k.VerifyHeader(r) }

// VerifyHeader accepts a request carrying one of the keys; a query
// parameter or cookie, like a header, arrives before the body.
func (k *apiKey) VerifyHeader(r *http.Request) error {
	var got string
	switch k.in {
	case "query":
		got = r.URL.Query().Get(k.name)
	case "cookie":
		if c, err := r.Cookie(k.name); err == nil {
			got = c.Value
		}
	default:
		got = r.Header.Get(k.name)
	}
	if got == "" {
		return noCredentials(fmt.Sprintf("no API key in %s %s", k.in, k.name))
	}
	d := sha256.Sum256([]byte(got))
	match := 0
	for _, want := range k.digests { // every key is compared: no early exit
		match |= subtle.ConstantTimeCompare(d[:], want[:])
	}
	if match != 1 {
		return unauthorized(fmt.Sprintf("wrong API key in %s %s", k.in, k.name))
	}
	return nil
}
