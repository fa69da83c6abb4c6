package webhook

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestVerifierFunc(t *testing.T) {
	plain := errors.New("nope")
	v := VerifierFunc(func(r *http.Request, body []byte) error {
		if string(body) == "ok" {
			return nil
		}
		return plain
	})
	if err := v.Verify(newReq("ok"), []byte("ok")); err != nil {
		t.Fatal(err)
	}
	err := v.Verify(newReq("x"), []byte("x"))
	mustUnauthorized(t, err)
	if !errors.Is(err, plain) {
		t.Fatalf("cause lost: %v", err)
	}
}

func TestAnyOf(t *testing.T) {
	basic := BasicAuth("r", Credential{"user", "pass"})
	bearer := StaticBearer("tok")
	v := AnyOf(basic, bearer)

	if err := v.Verify(newReq("", "Authorization", "Bearer tok"), nil); err != nil {
		t.Fatalf("bearer alternative: %v", err)
	}
	if err := v.Verify(newReq("", "Authorization", basicHeader("user", "pass")), nil); err != nil {
		t.Fatalf("basic alternative: %v", err)
	}
	// A wrong bearer token is more specific than "not Basic": that error wins.
	err := v.Verify(newReq("", "Authorization", "Bearer wrong"), nil)
	mustContain(t, err, "unknown token")
	if errors.Is(err, ErrNoCredentials) {
		t.Fatal("a presented wrong token reported as missing")
	}
	// Nothing presented at all: missing credentials, still unauthorized.
	err = v.Verify(newReq(""), nil)
	mustUnauthorized(t, err)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("want ErrNoCredentials, got %v", err)
	}
	if got := challengeOf(v); got != `Basic realm="r", Bearer` {
		t.Fatalf("challenge %q", got)
	}
	// Nil entries are ignored; an empty AnyOf fails closed.
	if err := AnyOf(nil, bearer).Verify(newReq("", "Authorization", "Bearer tok"), nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, AnyOf().Verify(newReq(""), nil), "no verifier")
	mustContain(t, AnyOf(nil).Verify(newReq(""), nil), "no verifier")
}

func TestAllOf(t *testing.T) {
	gh, err := GitHubSignature("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	basic := BasicAuth("r", Credential{"user", "pass"})
	v := AllOf(basic, gh)
	body := []byte(`{"a":1}`)
	r := newReq(string(body), "Authorization", basicHeader("user", "pass"), "X-Hub-Signature-256", "sha256="+hexHMACSHA256("s3cret", body))
	if err := v.Verify(r, body); err != nil {
		t.Fatalf("both satisfied: %v", err)
	}
	r.Header.Del("X-Hub-Signature-256")
	mustContain(t, v.Verify(r, body), "missing X-Hub-Signature-256")
	r = newReq(string(body), "X-Hub-Signature-256", "sha256="+hexHMACSHA256("s3cret", body))
	mustUnauthorized(t, v.Verify(r, body))
	mustContain(t, AllOf().Verify(r, body), "no verifier")
	mustContain(t, AllOf(nil, nil).Verify(r, body), "no verifier")
	if got := challengeOf(v); got != `Basic realm="r"` {
		t.Fatalf("challenge %q", got)
	}
	// A callback error that does not wrap ErrUnauthorized is wrapped.
	failing := VerifierFunc(func(*http.Request, []byte) error { return errors.New("x") })
	mustUnauthorized(t, AllOf(failing).Verify(r, body))
	mustUnauthorized(t, AnyOf(failing).Verify(r, body))
}

func TestErrorText(t *testing.T) {
	err := unauthorizedCause("jwt: claims rejected", errors.New("expired"))
	if got := err.Error(); !strings.HasPrefix(got, "webhook: unauthorized: jwt: claims rejected: expired") {
		t.Fatalf("%q", got)
	}
	if errors.Is(unauthorized("x"), ErrNoCredentials) {
		t.Fatal("a wrong credential must not match ErrNoCredentials")
	}
}

// TestNeedBodyWrappedIsAFailure: a Verify that returns ErrNeedBody, which
// only VerifyHeader may, is refused like any other error, alone or in a
// combination, and the error still wraps ErrUnauthorized.
func TestNeedBodyWrappedIsAFailure(t *testing.T) {
	odd := VerifierFunc(func(*http.Request, []byte) error { return ErrNeedBody })
	for _, v := range []Verifier{odd, AnyOf(odd), AnyOf(BasicAuth("r", Credential{"u", "p"}), odd), AllOf(odd)} {
		mustUnauthorized(t, v.Verify(newReq(""), nil))
	}
}
