package pointerroute

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// pointerHandler records what reaches each method.
type pointerHandler struct {
	UnimplementedHandler
	mu        sync.Mutex
	delivered []*Delivered
	failed    []*Failed
}

func (h *pointerHandler) HandleDelivered(_ context.Context, e *Delivered) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delivered = append(h.delivered, e)
	return nil
}

func (h *pointerHandler) HandleFailed(_ context.Context, e *Failed) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = append(h.failed, e)
	return nil
}

// TestRouteByPointer: the value at /event-data/event picks the method,
// with the generated decoders' reading of the body: a nested value that
// is absent, null or given twice, or an event-data that is no object, is
// 400; an unknown value reaches the unknown-event hook; the event id at
// /event-data/id de-duplicates.
func TestRouteByPointer(t *testing.T) {
	h := new(pointerHandler)
	var unknown []string
	srv, err := NewServer(h, WithKey("k"), WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		unknown = append(unknown, string(d.Body))
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	send := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", "k")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"signature":{"token":"t"},"event-data":{"id":"m1","event":"delivered","recipient":"alice@example.com"}}`, 200},
		{`{"event-data":{"id":"m1","event":"delivered"}}`, 200}, // the same id: no second call
		{`{"event-data":{"event":"failed","id":"m2","severity":"temporary"}}`, 200},
		{`{"EVENT-DATA":{"Event":"failed","id":"m3","severity":"permanent"}}`, 200}, // keys fold, as encoding/json's do
		{`{"event-data":{"event":"clicked","id":"m4"}}`, 200},                       // unknown: the hook
		{`{"event-data":{"id":"m5"}}`, 400},
		{`{"event-data":{"event":null,"id":"m5"}}`, 400},
		{`{"event-data":null}`, 400},
		{`{"event":"delivered"}`, 400}, // a top-level event is not /event-data/event
		{`{"event-data":"delivered"}`, 400},
		{`{"event-data":{"event":"delivered","id":"m6","event":"failed"}}`, 400},
		{`{"event-data":{"event":"delivered","id":"m7"},"Event-Data":{"event":"failed","id":"m7"}}`, 400},
		{`{"event-data":{"event":"failed","id":"m8"}}`, 400}, // severity is required
	} {
		if got := send(tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.body, got, tc.want)
		}
	}
	if len(h.delivered) != 1 || h.delivered[0].EventData.ID != "m1" || h.delivered[0].EventData.GetRecipient() != "alice@example.com" || h.delivered[0].Signature.GetToken() != "t" {
		t.Errorf("delivered = %+v", h.delivered)
	}
	if len(h.failed) != 2 || h.failed[0].EventData.Severity != FailedEventDataSeverityTemporary || h.failed[1].EventData.ID != "m3" {
		t.Errorf("failed = %+v", h.failed)
	}
	if len(unknown) != 1 || !strings.Contains(unknown[0], "clicked") {
		t.Errorf("unknown-event hook got %q", unknown)
	}
}
