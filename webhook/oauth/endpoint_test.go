package oauth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/runtime/hookimpl"
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

// TestHeaderCredentialsBeforeBody checks that a generated server's
// endpoint answers a request whose bearer token neither verifier accepts
// 401 without reading its body, and reads and dispatches one whose token
// is good.
func TestHeaderCredentialsBeforeBody(t *testing.T) {
	const body = `{"event_type":"X"}`
	jwksKey := genEC(t, "ec-1")
	jwks, err := NewJWKSBearer(JWKSConfig{URL: newJWKSServer(t, jwksKey.public()).URL, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	goodJWT := jwksKey.sign(t, claimsAt(time.Now()))
	te := testEndpoint(t, nil)
	issued, err := te.issue(testClientID, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	strangerJWT := genEC(t, "ec-1").sign(t, claimsAt(time.Now()))
	req := func(headers ...string) *http.Request {
		return newReq("", append([]string{"Content-Type", "application/json"}, headers...)...)
	}
	tests := []struct {
		name     string
		v        webhook.Verifier
		r        *http.Request
		accepted bool // else 401 without reading the body
	}{
		{name: "hosted token endpoint: good", v: te.Verifier(), r: req("Authorization", "Bearer "+issued), accepted: true},
		{name: "hosted token endpoint: missing", v: te.Verifier(), r: req()},
		{name: "hosted token endpoint: forged", v: te.Verifier(), r: req("Authorization", "Bearer "+goodJWT)},
		{name: "jwks: good", v: jwks, r: req("Authorization", "Bearer "+goodJWT), accepted: true},
		{name: "jwks: signed by another key", v: jwks, r: req("Authorization", "Bearer "+strangerJWT)},
		{name: "jwks: not a JWT", v: jwks, r: req("Authorization", "Bearer x.y.z")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dispatched atomic.Int32
			e := &hookimpl.Endpoint{Channel: "/hook", Verifier: tc.v, Dispatch: func(context.Context, *webhook.Delivery) error {
				dispatched.Add(1)
				return nil
			}}
			wb := &watchedBody{r: strings.NewReader(body)}
			tc.r.Body, tc.r.ContentLength = wb, int64(len(body))
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, tc.r)
			read := wb.reads.Load() > 0
			switch {
			case tc.accepted:
				if rec.Code != http.StatusOK || !read || dispatched.Load() != 1 {
					t.Errorf("status %d, body read %v, dispatched %d; want 200, read, 1", rec.Code, read, dispatched.Load())
				}
			default:
				if rec.Code != http.StatusUnauthorized || read || dispatched.Load() != 0 {
					t.Errorf("status %d, body read %v, dispatched %d; want 401, unread, 0", rec.Code, read, dispatched.Load())
				}
			}
		})
	}
}
