package integrity_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	integrity "github.com/hookgen/hookgen/generator/testdata/integrity/golden"
)

// send posts body with the X-Event header event ("" for none) to a
// Server whose handlers count their calls, and returns the status.
func newSender(t *testing.T) (send func(event, body string) int, calls *atomic.Int32) {
	t.Helper()
	calls = new(atomic.Int32)
	h := integrity.EventFunc(func(context.Context, string, any) error { calls.Add(1); return nil })
	srv, err := integrity.NewServer(h, integrity.AllowUnauthenticated())
	if err != nil {
		t.Fatal(err)
	}
	return func(event, body string) int {
		req := httptest.NewRequest(http.MethodPost, integrity.ChannelOrders, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		if event != "" {
			req.Header.Set("X-Event", event)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}, calls
}

// TestHeaderMustAgreeWithBody: the body's type routes, and the X-Event
// header, which names the message too, may be absent but not another one.
func TestHeaderMustAgreeWithBody(t *testing.T) {
	send, calls := newSender(t)
	if code := send("order.shipped", `{"type":"placed","ref":1,"meta":{"seq":1}}`); code != http.StatusBadRequest {
		t.Errorf("header and body disagree: status %d, want 400", code)
	}
	if calls.Load() != 0 {
		t.Fatalf("handler ran %d times for a contradicting delivery", calls.Load())
	}
	if code := send("", `{"type":"placed","ref":1,"meta":{"seq":2}}`); code != http.StatusOK || calls.Load() != 1 {
		t.Errorf("no header: status %d, %d calls; want 200 and 1", code, calls.Load())
	}
}

// TestEventIDFromTheDecodedEvent: the id is meta.seq as the event decodes
// it, whatever the keys' case; given twice it is refused.
func TestEventIDFromTheDecodedEvent(t *testing.T) {
	send, calls := newSender(t)
	for _, body := range []string{
		`{"type":"placed","ref":1,"meta":{"seq":5}}`,
		`{"type":"placed","ref":"R-1","Meta":{"SEQ":5}}`, // the same event, retried
	} {
		if code := send("order.placed", body); code != http.StatusOK {
			t.Fatalf("%s: status %d", body, code)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("one event id handled %d times, want once", calls.Load())
	}
	for _, body := range []string{
		`{"type":"placed","ref":1,"meta":{"seq":6,"Seq":7}}`,
		`{"type":"placed","ref":1,"meta":{"seq":6},"META":{"seq":7}}`,
		`{"type":"placed","ref":{},"meta":{"seq":8}}`,
		`{"type":"placed","ref":null,"meta":{"seq":9}}`,
	} {
		if code := send("", body); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, code)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("invalid deliveries ran the handler: %d calls", calls.Load())
	}
}
