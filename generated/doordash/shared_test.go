package doordash_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/hookgen/hookgen/generated/doordash"
)

// TestDispatchKeepsItsBody: decoded strings share the body they came from,
// so Dispatch, which a transport may call with a buffer it reuses, decodes
// from a copy: an event kept past the call reads the same afterwards.
func TestDispatchKeepsItsBody(t *testing.T) {
	var kept *doordash.DeliveryWebhookPayload
	h := &handler{behave: func(_ context.Context, _ string, e *doordash.DeliveryWebhookPayload) error {
		kept = e
		return nil
	}}
	d := doordash.NewDispatcher(h)
	buf := event(t, "DASHER_CONFIRMED", "D-kept-1", map[string]any{"dasher_name": "Ada Lovelace"})
	if err := d.Dispatch(context.Background(), doordash.ChannelWebhook, http.Header{}, buf); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x' // the transport's next message
	}
	if kept == nil || kept.GetExternalDeliveryID() != "D-kept-1" || kept.GetDasherName() != "Ada Lovelace" {
		t.Fatalf("event kept past Dispatch changed with the caller's buffer: %+v", kept)
	}
}
