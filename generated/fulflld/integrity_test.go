package fulflld_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hookgen/hookgen/generated/fulflld"
	"github.com/hookgen/hookgen/webhook"
)

// TestAbsentEventIsRefused: a body without its event property, or with it
// null, is malformed (400): nothing runs, the unknown-event hook included.
// Only a present value the spec does not know is an unknown event (200).
func TestAbsentEventIsRefused(t *testing.T) {
	var handled, unknown atomic.Int32
	h := fulflld.EventFunc(func(context.Context, string, any) error { handled.Add(1); return nil })
	srv, err := fulflld.NewServer(h, fulflld.WithBasicAuth(webhook.Credential{Username: "u", Password: "p"}),
		fulflld.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error { unknown.Add(1); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	send := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, fulflld.ChannelWebhook, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("u", "p")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	for _, body := range []string{`{"payload":{}}`, `{"event":null,"payload":{}}`, `{}`} {
		if code := send(body); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, code)
		}
	}
	if handled.Load() != 0 || unknown.Load() != 0 {
		t.Errorf("handler ran %d times, hook %d times; want 0", handled.Load(), unknown.Load())
	}
	if code := send(`{"event":"ORDER_TELEPORTED","payload":{}}`); code != http.StatusOK || unknown.Load() != 1 {
		t.Errorf("unknown event: status %d, hook ran %d times; want 200 and 1", code, unknown.Load())
	}
}
