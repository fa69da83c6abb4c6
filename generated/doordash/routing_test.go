package doordash_test

import (
	"context"
	"net/http"
	"net/http/httptest"
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

// TestServerSetsPattern: the Server finds a channel without its ServeMux,
// and still tells middleware the route, as the ServeMux does.
func TestServerSetsPattern(t *testing.T) {
	srv, err := doordash.NewServer(new(handler), basicAuth())
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/webhook": "/webhook", "/web%68ook": "/webhook", "/nowhere": "/"} {
		var got string
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.ServeHTTP(w, r)
			got = r.Pattern
		}))
		send(t, ts.Client(), ts.URL+path, event(t, "DASHER_CONFIRMED", "D-pattern", nil))
		ts.Close()
		if got != want {
			t.Errorf("%s: pattern %q, want %q", path, got, want)
		}
	}
}
