package doordash_test

import (
	"net/http"
	"testing"
)

// TestNullBodyIsInvalidPayload: the body `null` is JSON but not the
// declared shape (the payload schema is an object), so the contract's answer
// is 400, as for `true` or `[]`, and neither a Handle method nor the
// unknown-event hook sees it.
func TestNullBodyIsInvalidPayload(t *testing.T) {
	for _, body := range []string{`null`, " null\n"} {
		h, hook := new(handler), new(unknownHook)
		ts := serve(t, h, hook.option())
		a := send(t, ts.Client(), webhookURL(ts), []byte(body))
		if a.status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400 (not an object)", body, a.status)
		} else {
			checkErrorBody(t, a, "invalid_payload")
		}
		if n := len(hook.deliveries()); n != 0 {
			t.Errorf("body %q reached the unknown-event hook as an event", body)
		}
		if n := len(h.Calls()); n != 0 {
			t.Errorf("body %q reached a Handle method", body)
		}
	}
}
