package webhook

import (
	"context"
	"errors"
	"testing"
)

func TestParseBearer(t *testing.T) {
	cases := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer abc.def-ghi_~+/=", "abc.def-ghi_~+/=", true},
		{"bearer abc", "abc", true},
		{"BEARER   abc  ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Bearer a b", "", false},
		{"Bearer a\tb", "", false},
		{"Basic abc", "", false},
		{"Bearerabc", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := parseBearer(c.header)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %q %v, want %q %v", c.header, got, ok, c.want, c.ok)
		}
	}
}

func TestStaticBearer(t *testing.T) {
	v := StaticBearer("old-token", "", "new-token")
	for _, tok := range []string{"old-token", "new-token"} {
		if err := v.Verify(newReq("", "Authorization", "Bearer "+tok), nil); err != nil {
			t.Errorf("%s: %v", tok, err)
		}
	}
	mustContain(t, v.Verify(newReq("", "Authorization", "Bearer old-toke"), nil), "unknown token")
	mustContain(t, v.Verify(newReq("", "Authorization", "Bearer "), nil), "malformed")
	err := v.Verify(newReq("", "Authorization", "Basic Zm9vOmJhcg=="), nil)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("other scheme: %v", err)
	}
	err = v.Verify(newReq(""), nil)
	if !errors.Is(err, ErrNoCredentials) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("missing: %v", err)
	}
	mustContain(t, StaticBearer("").Verify(newReq("", "Authorization", "Bearer x"), nil), "no token configured")
	if challengeOf(v) != "Bearer" {
		t.Fatal("challenge")
	}
}

type ctxKey struct{}

func TestBearerFunc(t *testing.T) {
	lookupErr := errors.New("token revoked")
	v := BearerFunc(func(ctx context.Context, token string) error {
		if ctx.Value(ctxKey{}) != "request-scoped" {
			return errors.New("request context not passed")
		}
		switch token {
		case "good":
			return nil
		case "already":
			return unauthorized("custom reason")
		}
		return lookupErr
	})
	r := newReq("", "Authorization", "Bearer good")
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "request-scoped"))
	if err := v.Verify(r, nil); err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer bad")
	err := v.Verify(r, nil)
	mustUnauthorized(t, err)
	if !errors.Is(err, lookupErr) {
		t.Fatalf("cause lost: %v", err)
	}
	r.Header.Set("Authorization", "Bearer already")
	mustContain(t, v.Verify(r, nil), "custom reason")
	mustContain(t, BearerFunc(nil).Verify(r, nil), "no callback")
}
