package doordash_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
)

// TestRetryAfterFailure: DoorDash re-sends an event until it gets 200. A
// failed attempt must leave the event unhandled, so the retry runs the
// handler again and is acknowledged; a later re-send is a duplicate.
func TestRetryAfterFailure(t *testing.T) {
	tests := []struct {
		name string
		fail func(ctx context.Context) error // the first call's behaviour
		opts []doordash.Option
	}{
		{name: "error", fail: func(context.Context) error { return errors.New("database down") }},
		{name: "panic", fail: func(context.Context) error { panic("nil map") }},
		{
			name: "timeout",
			fail: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
			opts: []doordash.Option{doordash.WithHandlerTimeout(50 * time.Millisecond)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var attempt atomic.Int64
			h := &handler{behave: func(ctx context.Context, _ string, _ *doordash.DeliveryWebhookPayload) error {
				if attempt.Add(1) == 1 {
					return tc.fail(ctx)
				}
				return nil
			}}
			ts := serve(t, h, tc.opts...)
			body := event(t, "DELIVERY_RETURNED", "D-retry", nil)

			a := send(t, ts.Client(), webhookURL(ts), body)
			if a.status != http.StatusInternalServerError {
				t.Fatalf("first delivery: status %d, want 500", a.status)
			}
			checkErrorBody(t, a, "handler_failed")
			if n := len(h.Calls()); n != 1 {
				t.Fatalf("first delivery: %d calls, want 1", n)
			}

			// A timed-out handler may still be winding down: until it
			// returns, its claim holds and the retry gets 409, as a
			// provider's early retry would.
			status, tries, err := deliverUntilAcknowledged(ts.Client(), webhookURL(ts), body, 200)
			if err != nil || status != http.StatusOK {
				t.Fatalf("retry: status %d after %d tries: %v", status, tries, err)
			}
			if n := len(h.Calls()); n != 2 {
				t.Fatalf("retry: %d calls in all, want 2", n)
			}
			for i, c := range h.Calls() {
				if c.Message != "DeliveryReturned" || c.Event.(*doordash.DeliveryWebhookPayload).GetExternalDeliveryID() != "D-retry" {
					t.Errorf("call %d: %s %+v", i, c.Message, c.Event)
				}
			}

			if a := send(t, ts.Client(), webhookURL(ts), body); a.status != http.StatusOK {
				t.Fatalf("third delivery: status %d, want 200", a.status)
			}
			if n := len(h.Calls()); n != 2 {
				t.Errorf("third delivery ran the handler: %d calls, want 2", n)
			}
		})
	}
}

// TestRetryWhileFailing: every attempt of an event that keeps failing runs the
// handler and gets 500; none is mistaken for a duplicate.
func TestRetryWhileFailing(t *testing.T) {
	h := &handler{behave: func(context.Context, string, *doordash.DeliveryWebhookPayload) error {
		return errors.New("still down")
	}}
	ts := serve(t, h)
	body := event(t, "DASHER_CONFIRMED", "D-down", nil)
	for i := 1; i <= 3; i++ { // DoorDash sends an event up to 3 times
		if a := send(t, ts.Client(), webhookURL(ts), body); a.status != http.StatusInternalServerError {
			t.Fatalf("attempt %d: status %d, want 500", i, a.status)
		}
		if n := len(h.Calls()); n != i {
			t.Fatalf("attempt %d: %d calls, want %d", i, n, i)
		}
	}
}

// brokenStore is a de-duplication store that cannot be reached.
type brokenStore struct{}

func (brokenStore) Claim(context.Context, string) (webhook.ClaimState, error) {
	return 0, errors.New("redis: connection refused")
}
func (brokenStore) Commit(context.Context, string) error  { return nil }
func (brokenStore) Release(context.Context, string) error { return nil }

// TestDeduperDown: when the store cannot say whether the event was handled,
// the answer is 500 (retry later), never 200, and the handler does not run.
func TestDeduperDown(t *testing.T) {
	h := new(handler)
	ts := serve(t, h, doordash.WithDeduper(brokenStore{}))
	a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_CONFIRMED", "D-1", nil))
	if a.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", a.status)
	}
	checkErrorBody(t, a, "")
	if n := len(h.Calls()); n != 0 {
		t.Errorf("handler ran %d times without a claim", n)
	}
}
