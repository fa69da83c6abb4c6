package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// A receiver route: read the body within the limit, verify over the raw
// bytes, de-duplicate, then decode and handle.
func Example() {
	sig, err := webhook.StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	// Either a signed delivery or a Basic credential authenticates.
	verifier := webhook.AnyOf(sig, webhook.BasicAuth("hooks", webhook.Credential{Username: "partner", Password: "s3cret"}))
	dedup := webhook.NewMemoryDeduper(10_000, 24*time.Hour)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.ReadBody(w, r, webhook.DefaultBodyLimit)
		if errors.Is(err, webhook.ErrBodyTooLarge) {
			webhook.WriteError(w, http.StatusRequestEntityTooLarge, "body_too_large", "body too large")
			return
		} else if err != nil {
			webhook.WriteError(w, http.StatusBadRequest, "bad_body", "cannot read body")
			return
		}
		if err := verifier.Verify(r, body); err != nil {
			webhook.WriteUnauthorized(w, verifier, "unauthorized")
			return
		}
		key := r.Header.Get("webhook-id") // the spec's correlationId
		if key == "" {
			key = webhook.BodyKey(body)
		}
		switch state, err := dedup.Claim(r.Context(), key); {
		case err != nil:
			webhook.WriteError(w, http.StatusInternalServerError, "dedup", "try again")
			return
		case state == webhook.ClaimDone:
			w.WriteHeader(http.StatusOK)
			return
		case state == webhook.ClaimInFlight:
			webhook.WriteError(w, http.StatusConflict, "in_flight", "being handled")
			return
		}
		// ... decode and call the handler; on error Release and answer 500.
		_ = dedup.Commit(context.WithoutCancel(r.Context()), key)
		w.WriteHeader(http.StatusOK)
	})

	body := `{"event":"delivered"}`
	send := func() int {
		r := httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body))
		if err := sig.Sign(r.Header, []byte(body), "msg_1", time.Now()); err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		return rec.Code
	}
	fmt.Println(send(), send())

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body)))
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 200 200
	// 401 Basic realm="hooks"
}

// Hosting the token endpoint of a sender that fetches client-credentials
// tokens, and protecting the webhook route with its tokens.
func ExampleNewTokenEndpoint() {
	te, err := webhook.NewTokenEndpoint(webhook.TokenEndpointConfig{
		// The client secret is 32+ random bytes, e.g. from openssl rand -base64 32.
		Clients:  []webhook.OAuthClient{{ID: "partner", Secret: "pV0G3m9Qx2cTqYzA7wLr1sKd4hNu8eBf", Scopes: []string{"callbacks"}}},
		Keys:     []webhook.SigningKey{{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}},
		Issuer:   "https://receiver.example",
		Audience: "https://receiver.example/hooks",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/token", te)
	verifier := te.Verifier()
	_ = verifier // used by the webhook route
	fmt.Println(webhook.ChallengeOf(verifier))
	// Output: Bearer
}
