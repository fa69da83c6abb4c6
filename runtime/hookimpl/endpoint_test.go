package hookimpl

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// watchedBody is a request body that counts the reads made from it.
type watchedBody struct {
	r     io.Reader
	reads atomic.Int32
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return b.r.Read(p)
}

func (b *watchedBody) Close() error { return nil }

// serveWatched sends r, with body as its watched body, through an Endpoint
// with verifier v, and reports the status, whether the body was read and
// how many deliveries were dispatched.
func serveWatched(t *testing.T, v webhook.Verifier, r *http.Request, body string) (status int, read bool, dispatched int) {
	t.Helper()
	var calls atomic.Int32
	e := &Endpoint{Channel: "/hook", Verifier: v, Dispatch: func(context.Context, *webhook.Delivery) error {
		calls.Add(1)
		return nil
	}}
	wb := &watchedBody{r: strings.NewReader(body)}
	r.Body, r.ContentLength = wb, int64(len(body))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, r)
	return rec.Code, wb.reads.Load() > 0, int(calls.Load())
}

// TestHeaderCredentialsBeforeBody checks, verifier by verifier, that a
// request whose headers cannot authenticate it is answered 401 without a
// read of its body, and that one that can is read and dispatched. On the
// code before header credentials came first, every rejection read the
// body (and allocated its declared length).
func TestHeaderCredentialsBeforeBody(t *testing.T) {
	const body = `{"event_type":"X"}`
	basic := webhook.BasicAuth("r", webhook.Credential{Username: "user", Password: "pass"})
	apiKeyHeader := webhook.APIKey("header", "X-Api-Key", "key-1")
	mac, err := webhook.NewHTTPMAC(webhook.HTTPMACConfig{Keys: []webhook.MACKey{{ID: "k", Secret: []byte("mac-secret"), IssuedAt: time.Now()}}})
	if err != nil {
		t.Fatal(err)
	}
	grubhub := webhook.AnyOf(basic, mac) // Basic OR HTTP MAC
	github, err := webhook.GitHubSignature("gh-secret")
	if err != nil {
		t.Fatal(err)
	}

	req := func(headers ...string) *http.Request {
		return newReq("", append([]string{"Content-Type", "application/json"}, headers...)...)
	}
	signedMAC := func(b string) *http.Request {
		r := req()
		if err := mac.Sign(r, []byte(b), "", ""); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ghSig := func(b string) string {
		m := hmac.New(sha256.New, []byte("gh-secret"))
		m.Write([]byte(b))
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	withQuery := func(r *http.Request, q string) *http.Request { r.URL.RawQuery = q; return r }
	withCookie := func(r *http.Request, c string) *http.Request {
		r.AddCookie(&http.Cookie{Name: "k", Value: c})
		return r
	}

	tests := []struct {
		name     string
		v        webhook.Verifier
		r        *http.Request
		accepted bool // else 401 without reading the body
		// readOnReject: a signature over the body is present, so the body
		// is read before the 401.
		readOnReject bool
	}{
		{name: "basic: good", v: basic, r: req("Authorization", basicHeader("user", "pass")), accepted: true},
		{name: "basic: missing", v: basic, r: req()},
		{name: "basic: wrong password", v: basic, r: req("Authorization", basicHeader("user", "guess"))},
		{name: "basic: malformed", v: basic, r: req("Authorization", "Basic !!!")},
		{name: "basic: another scheme", v: basic, r: req("Authorization", "Bearer pass")},
		{name: "static bearer: good", v: webhook.StaticBearer("tok"), r: req("Authorization", "Bearer tok"), accepted: true},
		{name: "static bearer: missing", v: webhook.StaticBearer("tok"), r: req()},
		{name: "static bearer: wrong", v: webhook.StaticBearer("tok"), r: req("Authorization", "Bearer tik")},
		{
			name: "bearer callback: good", r: req("Authorization", "Bearer tok"), accepted: true,
			v: webhook.BearerFunc(func(_ context.Context, tok string) error { return nil }),
		},
		{
			name: "bearer callback: rejected", r: req("Authorization", "Bearer tok"),
			v: webhook.BearerFunc(func(context.Context, string) error { return webhook.ErrUnauthorized }),
		},
		{name: "api key header: good", v: apiKeyHeader, r: req("X-Api-Key", "key-1"), accepted: true},
		{name: "api key header: wrong", v: apiKeyHeader, r: req("X-Api-Key", "key-2")},
		{name: "api key header: missing", v: apiKeyHeader, r: req()},
		{name: "api key query: good", v: webhook.APIKey("query", "k", "key-1"), r: withQuery(req(), "k=key-1"), accepted: true},
		{name: "api key query: wrong", v: webhook.APIKey("query", "k", "key-1"), r: withQuery(req(), "k=key-2")},
		{name: "api key cookie: good", v: webhook.APIKey("cookie", "k", "key-1"), r: withCookie(req(), "key-1"), accepted: true},
		{name: "api key cookie: wrong", v: webhook.APIKey("cookie", "k", "key-1"), r: withCookie(req(), "key-2")},
		{name: "any of basic, bearer: neither", v: webhook.AnyOf(basic, webhook.StaticBearer("tok")), r: req("Authorization", "Bearer tik")},
		{name: "any of basic, bearer: bearer", v: webhook.AnyOf(basic, webhook.StaticBearer("tok")), r: req("Authorization", "Bearer tok"), accepted: true},
		{
			name: "all of basic, api key: both", v: webhook.AllOf(basic, apiKeyHeader), accepted: true,
			r: req("Authorization", basicHeader("user", "pass"), "X-Api-Key", "key-1"),
		},
		{
			name: "all of basic, api key: wrong key", v: webhook.AllOf(basic, apiKeyHeader),
			r: req("Authorization", basicHeader("user", "pass"), "X-Api-Key", "key-2"),
		},
		{
			name: "all of basic, signature: wrong basic", v: webhook.AllOf(basic, github),
			r: req("Authorization", basicHeader("user", "guess"), "X-Hub-Signature-256", ghSig(body)),
		},
		{
			name: "all of basic, signature: both", v: webhook.AllOf(basic, github), accepted: true,
			r: req("Authorization", basicHeader("user", "pass"), "X-Hub-Signature-256", ghSig(body)),
		},
		{name: "signature: missing", v: github, r: req()},
		{name: "signature: good", v: github, r: req("X-Hub-Signature-256", ghSig(body)), accepted: true},
		{name: "signature: wrong", v: github, r: req("X-Hub-Signature-256", ghSig("other")), readOnReject: true},
		// Grubhub: Basic OR HTTP MAC.
		{name: "basic or mac: nothing", v: grubhub, r: req()},
		{name: "basic or mac: wrong basic", v: grubhub, r: req("Authorization", basicHeader("user", "guess"))},
		{name: "basic or mac: bearer", v: grubhub, r: req("Authorization", "Bearer tok")},
		{
			name: "basic or mac: unknown key id", v: grubhub,
			r: req("Authorization", macAuth("id", "other", "nonce", "1:n", "bodyhash", "x", "mac", "x")),
		},
		{name: "basic or mac: malformed mac", v: grubhub, r: req("Authorization", "MAC id=k")},
		{name: "basic or mac: good basic", v: grubhub, r: req("Authorization", basicHeader("user", "pass")), accepted: true},
		{name: "basic or mac: good mac", v: grubhub, r: signedMAC(body), accepted: true},
		{name: "basic or mac: mac of another body", v: grubhub, r: signedMAC("{}"), readOnReject: true},
		// A verifier of the user's own cannot be judged on headers.
		{
			name: "verifier func", readOnReject: true, r: req(),
			v: webhook.VerifierFunc(func(*http.Request, []byte) error { return webhook.ErrUnauthorized }),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, read, dispatched := serveWatched(t, tc.v, tc.r, body)
			switch {
			case tc.accepted:
				if status != http.StatusOK || !read || dispatched != 1 {
					t.Errorf("status %d, body read %v, dispatched %d; want 200, read, 1", status, read, dispatched)
				}
			default:
				if status != http.StatusUnauthorized || read != tc.readOnReject || dispatched != 0 {
					t.Errorf("status %d, body read %v, dispatched %d; want 401, read %v, 0", status, read, dispatched, tc.readOnReject)
				}
			}
		})
	}
}

// macAuth is an Authorization header of the MAC scheme with the given
// name/value pairs.
func macAuth(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+`="`+pairs[i+1]+`"`)
	}
	return "MAC " + strings.Join(parts, ",")
}

// TestEndpointOrder pins the order of the checks: credentials in the
// headers, then the method, then the body and its size, then a signature
// over it, then the content type. Before, 405, 415 and 413 came before any
// credential, and 415 before a signature over the body.
func TestEndpointOrder(t *testing.T) {
	basic := webhook.BasicAuth("r", webhook.Credential{Username: "user", Password: "pass"})
	github, err := webhook.GitHubSignature("gh-secret")
	if err != nil {
		t.Fatal(err)
	}
	good := basicHeader("user", "pass")
	big := strings.Repeat("x", 2<<20) // over the default limit
	tests := []struct {
		name   string
		v      webhook.Verifier
		method string
		ct     string
		body   string
		auth   []string
		want   int
		read   bool // the body is read before the answer
	}{
		{name: "GET without credentials", v: basic, method: http.MethodGet, want: 401},
		{name: "GET with credentials", v: basic, method: http.MethodGet, auth: []string{"Authorization", good}, want: 405},
		{name: "text/plain without credentials", v: basic, ct: "text/plain", want: 401},
		{name: "text/plain with credentials", v: basic, ct: "text/plain", auth: []string{"Authorization", good}, want: 415},
		{name: "too large without credentials", v: basic, body: big, want: 401},
		{name: "too large with credentials", v: basic, body: big, auth: []string{"Authorization", good}, want: 413},
		{name: "GET without a signature", v: github, method: http.MethodGet, want: 401},
		{name: "GET with a signature", v: github, method: http.MethodGet, auth: []string{"X-Hub-Signature-256", "sha256=00"}, want: 405},
		{name: "too large with a signature", v: github, body: big, auth: []string{"X-Hub-Signature-256", "sha256=00"}, want: 413},
		{name: "text/plain with a bad signature", v: github, ct: "text/plain", auth: []string{"X-Hub-Signature-256", "sha256=00"}, want: 401, read: true},
		{name: "text/plain with a good signature", v: github, ct: "text/plain", auth: []string{"X-Hub-Signature-256", githubSig("gh-secret", "{}")}, want: 415, read: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newReq("", tc.auth...)
			if tc.method != "" {
				r.Method = tc.method
			}
			ct := tc.ct
			if ct == "" {
				ct = "application/json"
			}
			r.Header.Set("Content-Type", ct)
			body := tc.body
			if body == "" {
				body = "{}"
			}
			status, read, dispatched := serveWatched(t, tc.v, r, body)
			if status != tc.want || dispatched != 0 {
				t.Errorf("status %d, dispatched %d; want %d, 0", status, dispatched, tc.want)
			}
			if read != tc.read {
				t.Errorf("body read %v for a %d, want %v", read, tc.want, tc.read) // a 413 is the declared length's
			}
		})
	}
}

// githubSig is the X-Hub-Signature-256 of body under secret.
func githubSig(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
