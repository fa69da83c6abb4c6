package webhook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// A hand-written receiver route, for a provider without a generated
// package: read the body within the limit, verify over the raw bytes,
// de-duplicate, then decode and handle.
func Example() {
	sig, err := webhook.StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	// Either a signed delivery or a Basic credential authenticates.
	verifier := webhook.AnyOf(sig, webhook.BasicAuth("hooks", webhook.Credential{Username: "partner", Password: "s3cret"}))
	dedup := webhook.NewMemoryDeduper(10_000, 24*time.Hour)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhook.DefaultBodyLimit))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if err := verifier.Verify(r, body); err != nil {
			if c, ok := verifier.(webhook.Challenger); ok {
				w.Header().Set("WWW-Authenticate", c.Challenge())
			}
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		key := r.Header.Get("webhook-id") // the spec's correlationId
		switch state, err := dedup.Claim(r.Context(), key); {
		case err != nil:
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		case state == webhook.ClaimDone:
			w.WriteHeader(http.StatusOK)
			return
		case state == webhook.ClaimInFlight:
			http.Error(w, "being handled", http.StatusConflict)
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

// A handler that reads the delivery's headers, unit-tested without a
// server: WithDelivery gives it the context a generated package would.
func ExampleWithDelivery() {
	handle := func(ctx context.Context) error {
		d, ok := webhook.DeliveryFrom(ctx)
		if !ok {
			return fmt.Errorf("not called for a delivery")
		}
		fmt.Println(d.Message, d.Header.Get("Budbee-Event-ID"))
		return nil
	}
	ctx := webhook.WithDelivery(context.Background(), &webhook.Delivery{
		Message: "ParcelCreated",
		Header:  http.Header{"Budbee-Event-Id": {"evt_1"}},
	})
	if err := handle(ctx); err != nil {
		fmt.Println(err)
	}
	// Output: ParcelCreated evt_1
}
