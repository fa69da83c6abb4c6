package webhook

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook/internal/httpauth"
)

// The fuzz targets feed hostile header values to every parser. The
// properties: no panic, every failure wraps ErrUnauthorized, and the
// signature-part cap holds.

func FuzzHMACSignatureHeader(f *testing.F) {
	seeds := []string{
		"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
		"t=1614265330,v1=abc,v1=def",
		"t=1614265330, v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=x",
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,bm9wZQ==",
		"v1a,xyz v1,",
		"t=,v1=",
		"t=1,t=2,v1=00",
		",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
		strings.Repeat("v1=00,", 40),
		strings.Repeat(" ", 100),
		"sha256=",
		"\x00\xff=,",
	}
	for _, s := range seeds {
		f.Add(s, "1614265330", "msg_1")
	}
	now := fixedNow(time.Unix(1614265330, 0))
	var verifiers []*HMAC
	for _, mk := range []func() (*HMAC, error){
		func() (*HMAC, error) { return GitHubSignature("secret") },
		func() (*HMAC, error) { return StripeSignature("secret") },
		func() (*HMAC, error) { return StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") },
		func() (*HMAC, error) { return SvixSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") },
		func() (*HMAC, error) {
			return NewHMAC(HMACConfig{Header: "X-Sig", Separator: " ", Encoding: "base64url", Secrets: [][]byte{[]byte("k")}})
		},
		func() (*HMAC, error) {
			return NewHMAC(HMACConfig{Header: "X-Sig", Encoding: "base64", Algorithm: "sha1", Secrets: [][]byte{[]byte("k")}})
		},
	} {
		h, err := mk()
		if err != nil {
			f.Fatal(err)
		}
		verifiers = append(verifiers, withNow(h, now))
	}
	body := []byte(`{"test": 2432232314}`)
	f.Fuzz(func(t *testing.T, value, ts, id string) {
		for _, h := range verifiers {
			sigs, _, err := h.parseHeader(value)
			if err != nil {
				mustUnauthorized(t, err)
			}
			if len(sigs) > MaxSignatureParts {
				t.Fatalf("%d signatures examined, cap %d", len(sigs), MaxSignatureParts)
			}
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			set := h.sets[h.signSet]
			r.Header[http.CanonicalHeaderKey(set.sig)] = []string{value}
			if set.ts != "" {
				r.Header.Set(set.ts, ts)
			}
			if set.id != "" {
				r.Header.Set(set.id, id)
			}
			if err := h.Verify(r, body); err != nil {
				mustUnauthorized(t, err)
			}
		}
	})
}

func FuzzParseBasicAuth(f *testing.F) {
	for _, s := range []string{
		basicHeader("user", "pass"), "Basic ", "basic Og==", "Basic dXNlcg", "Basic !!", "Bearer x",
		"Basic " + strings.Repeat("A", 1000), "Basic\tdXNlcjpwYXNz", "BASIC   dXNlcjpwYXNz  ",
	} {
		f.Add(s)
	}
	v := BasicAuth("r", Credential{"user", "pass"})
	f.Fuzz(func(t *testing.T, header string) {
		u, _, ok := httpauth.ParseBasic(header)
		if ok && strings.Contains(u, ":") {
			t.Fatalf("user name %q contains a colon", u)
		}
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header["Authorization"] = []string{header}
		if err := v.Verify(r, nil); err != nil {
			mustUnauthorized(t, err)
		} else if header != basicHeader("user", "pass") {
			// Other encodings of the same credential may pass; check that.
			if u, p, _ := httpauth.ParseBasic(header); u != "user" || p != "pass" {
				t.Fatalf("accepted %q", header)
			}
		}
	})
}

func FuzzParseBearer(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer   abc  ", "Bearer", "Bearer a b", "Bearer \x00", "Basic abc", ""} {
		f.Add(s)
	}
	v := StaticBearer("abc")
	f.Fuzz(func(t *testing.T, header string) {
		tok, ok := parseBearer(header)
		if ok && (tok == "" || strings.ContainsAny(tok, " \t\r\n")) {
			t.Fatalf("token %q", tok)
		}
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header["Authorization"] = []string{header}
		if err := v.Verify(r, nil); err != nil {
			mustUnauthorized(t, err)
		} else if tok != "abc" {
			t.Fatalf("accepted %q", header)
		}
	})
}

// FuzzSignature feeds hostile signature headers, timestamps and bodies to
// the public-key verifiers, and hostile SNS messages to the aws-sns one
// (whose certificate hosts no URL can match, so nothing is fetched): no
// panic, every failure wraps ErrUnauthorized, and nothing forged passes.
func FuzzSignature(f *testing.F) {
	for _, s := range []string{
		strings.Repeat("ab", 64), "MEUCIQ==", "", " ", strings.Repeat("0", 5000), "zz", "MEQCIH8=",
	} {
		f.Add(s, "1700000000", `{"type":1}`)
	}
	f.Add("", "", `{"Type":"Notification","MessageId":"1","TopicArn":"a","Message":"m","Timestamp":"2012-05-02T00:54:06.655Z","SignatureVersion":"1","Signature":"AAAA","SigningCertURL":"https://sns.us-east-1.amazonaws.com/c.pem"}`)
	f.Add("", "", `{"Type":"SubscriptionConfirmation","Type":"Notification"}`)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk := testRSAKeys()[0]
	now := fixedNow(time.Unix(1700000000, 0))
	var verifiers []*Signature
	for _, cfg := range []SignatureConfig{
		{Algorithm: Ed25519, Header: "X-Sig", TimestampHeader: "X-Ts", Content: "{timestamp}{body}", Tolerance: time.Minute, PublicKeys: []crypto.PublicKey{edPub}, Now: now},
		{Algorithm: ECDSAP256SHA256, Encoding: "base64", Header: "X-Sig", PublicKeys: []crypto.PublicKey{&ec.PublicKey}, Now: now},
		{Algorithm: RSAPSSSHA256, Encoding: "base64url", Header: "X-Sig", PublicKeys: []crypto.PublicKey{&rk.PublicKey}, Now: now},
		{Format: "aws-sns", CertHosts: []string{"cert.invalid:1"}, Tolerance: time.Hour, Now: now},
	} {
		s, err := NewSignature(cfg)
		if err != nil {
			f.Fatal(err)
		}
		verifiers = append(verifiers, s)
	}
	f.Fuzz(func(t *testing.T, sig, ts, body string) {
		for _, s := range verifiers {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.Header["X-Sig"] = []string{sig}
			r.Header["X-Ts"] = []string{ts}
			err := s.Verify(r, []byte(body))
			if err == nil {
				t.Fatalf("accepted signature %q over %q", sig, body)
			}
			mustUnauthorized(t, err)
		}
	})
}
