package webhook

import (
	"encoding/base64"
	"errors"
	"testing"
)

func basicHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestBasicAuth(t *testing.T) {
	v := BasicAuth(`hook "realm"`,
		Credential{"doordash-old", "old-password"},
		Credential{"doordash-new", "new:password with colon"},
	)
	ok := []struct{ name, header string }{
		{"first credential", basicHeader("doordash-old", "old-password")},
		{"rotated credential, colon in password", basicHeader("doordash-new", "new:password with colon")},
		{"lower-case scheme", "basic " + base64.StdEncoding.EncodeToString([]byte("doordash-old:old-password"))},
		{"unpadded base64", "Basic " + base64.RawStdEncoding.EncodeToString([]byte("doordash-old:old-password"))},
		{"extra spaces", "Basic   " + base64.StdEncoding.EncodeToString([]byte("doordash-old:old-password")) + " "},
	}
	for _, c := range ok {
		if err := v.Verify(newReq("", "Authorization", c.header), nil); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	bad := []struct{ name, header, reason string }{
		{"wrong password", basicHeader("doordash-old", "new:password with colon"), "wrong user name or password"},
		{"wrong user", basicHeader("doordash-new", "old-password"), "wrong user name or password"},
		{"password prefix", basicHeader("doordash-old", "old-passwor"), "wrong user name or password"},
		{"bad base64", "Basic !!!", "malformed"},
		{"no colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("doordash-old")), "malformed"},
		{"empty", "Basic ", "malformed"},
		{"other scheme", "Bearer abc", "another scheme"},
	}
	for _, c := range bad {
		err := v.Verify(newReq("", "Authorization", c.header), nil)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		mustContain(t, err, c.reason)
	}
	err := v.Verify(newReq(""), nil)
	mustUnauthorized(t, err)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("missing header: %v", err)
	}
	if got, want := v.Challenge(), `Basic realm="hook \"realm\""`; got != want {
		t.Fatalf("Challenge %q, want %q", got, want)
	}
}

func TestBasicAuthFailsClosed(t *testing.T) {
	// An unset password (e.g. a missing environment variable) must not
	// accept an empty password.
	v := BasicAuth("r", Credential{"user", ""}, Credential{"", ""})
	mustContain(t, v.Verify(newReq("", "Authorization", basicHeader("user", "")), nil), "no credential configured")
	mustContain(t, v.Verify(newReq("", "Authorization", basicHeader("", "")), nil), "no credential configured")
	mustContain(t, BasicAuth("r").Verify(newReq("", "Authorization", basicHeader("a", "b")), nil), "no credential configured")
}

// TestBasicAuthColonInUserName: user-pass "a:b:c" is user "a" with
// password "b:c" (RFC 7617 cuts at the first colon), never user "a:b"
// with password "c", which no header can carry.
func TestBasicAuthColonInUserName(t *testing.T) {
	v := BasicAuth("r", Credential{"a:b", "c"})
	mustContain(t, v.Verify(newReq("", "Authorization", basicHeader("a:b", "c")), nil), "no credential configured")
	v = BasicAuth("r", Credential{"a:b", "c"}, Credential{"a", "b:c"})
	if err := v.Verify(newReq("", "Authorization", basicHeader("a", "b:c")), nil); err != nil {
		t.Fatal(err)
	}
	v = BasicAuth("r", Credential{"a", "b:c"})
	mustContain(t, v.Verify(newReq("", "Authorization", basicHeader("a", "b:")), nil), "wrong user name or password")
}
