package instabee_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/generated/instabee"
	"github.com/hookgen/hookgen/webhook"
)

type counter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *counter) record(_ context.Context, message string, _ any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[message]++
	return nil
}

func newServer(t *testing.T) (*instabee.Server, *counter) {
	t.Helper()
	c := &counter{calls: map[string]int{}}
	srv, err := instabee.NewServer(instabee.EventFunc(c.record),
		instabee.WithBasicAuth(webhook.Credential{Username: "merchant", Password: "secret"}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func deliver(t *testing.T, srv http.Handler, ex webhook.Example, headers map[string]string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, ex.Channel, bytes.NewReader(ex.Payload))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range ex.Headers {
		req.Header.Set(k, v)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.SetBasicAuth("merchant", "secret")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w.Code
}

// TestRoutesByHeader: the Budbee-Event header picks the method; a body
// whose eventType names another event is refused, never handled as the
// header's.
func TestRoutesByHeader(t *testing.T) {
	examples := instabee.Examples()
	srv, c := newServer(t)
	for _, ex := range examples {
		if code := deliver(t, srv, ex, nil); code != http.StatusOK {
			t.Fatalf("%s: status %d", ex.Message, code)
		}
	}
	for _, ex := range examples {
		if c.calls[ex.Message] != 1 {
			t.Errorf("%s handled %d times", ex.Message, c.calls[ex.Message])
		}
	}
	// The first example's body under another event's header: the two
	// disagree, so which event it is would be a guess (400).
	other := examples[1]
	srv, c = newServer(t)
	code := deliver(t, srv, examples[0], map[string]string{
		"Budbee-Event": other.Headers["Budbee-Event"], "Budbee-Event-ID": "evt_rerouted",
	})
	if code != http.StatusBadRequest || len(c.calls) != 0 {
		t.Errorf("header and body disagree: status %d, calls %v; want 400 and none", code, c.calls)
	}
	// An event type Budbee adds later is acknowledged, not handled.
	srv, c = newServer(t)
	if code := deliver(t, srv, examples[0], map[string]string{"Budbee-Event": "PARCEL_TELEPORTED"}); code != http.StatusOK || len(c.calls) != 0 {
		t.Errorf("unknown event: status %d, calls %v", code, c.calls)
	}
}

// TestDuplicateEventIDHandledOnce: Budbee-Event-ID is the idempotency
// key, so a re-sent event runs the handler once even if its body differs
// (a new timestamp, say).
func TestDuplicateEventIDHandledOnce(t *testing.T) {
	srv, c := newServer(t)
	ex := instabee.Examples()[0]
	first := deliver(t, srv, ex, nil)
	changed := ex
	changed.Payload = bytes.Replace(ex.Payload, []byte("{"), []byte(`{"resent": true, `), 1)
	second := deliver(t, srv, changed, nil)
	if first != http.StatusOK || second != http.StatusOK {
		t.Fatalf("statuses %d, %d", first, second)
	}
	if c.calls[ex.Message] != 1 {
		t.Fatalf("handled %d times, want once", c.calls[ex.Message])
	}
	// A different Budbee-Event-ID is another event.
	if code := deliver(t, srv, ex, map[string]string{"Budbee-Event-ID": "evt_other"}); code != http.StatusOK || c.calls[ex.Message] != 2 {
		t.Fatalf("new id: status %d, handled %d", code, c.calls[ex.Message])
	}
}

// TestMissingEventHeaderIsRefused: without Budbee-Event (or with it empty)
// nothing says which event the delivery is, so it is malformed (400), not
// an event the spec does not know (200).
func TestMissingEventHeaderIsRefused(t *testing.T) {
	srv, c := newServer(t)
	ex := instabee.Examples()[0]
	delete(ex.Headers, "Budbee-Event")
	for _, h := range []map[string]string{nil, {"Budbee-Event": ""}} {
		if code := deliver(t, srv, ex, h); code != http.StatusBadRequest || len(c.calls) != 0 {
			t.Errorf("headers %v: status %d, calls %v; want 400 and none", h, code, c.calls)
		}
	}
}
