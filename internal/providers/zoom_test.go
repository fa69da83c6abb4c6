package providers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/zoom"
	"github.com/hookgen/hookgen/webhook"
)

// zoomSecret is a secret token such as an app's Feature page shows.
const zoomSecret = "H2MVRiB8S9qA3xtJhJ-Lmg"

type zoomHandler struct {
	zoom.UnimplementedHandler
	calls
}

func (h *zoomHandler) HandleMeetingStarted(_ context.Context, e *zoom.MeetingStarted) error {
	h.add(e)
	return nil
}

// zoomHeaders signs body as Zoom does: x-zm-signature is "v0=" and the hex
// HMAC-SHA256 of "v0:{timestamp}:{body}" under the secret token.
func zoomHeaders(secret, body string, at time.Time) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{
		"Content-Type":           "application/json; charset=utf-8",
		"x-zm-request-timestamp": ts,
		"x-zm-signature":         "v0=" + hexHMAC(secret, "v0:"+ts+":"+body),
		"x-zm-trackingid":        "v=2.0;clid=aw1;rid=WEB_879c2ba3f0a03ee5bd5b0cf9a5a98e0e",
	}
}

func zoomServer(t *testing.T) (string, *zoomHandler) {
	t.Helper()
	h := new(zoomHandler)
	srv, err := zoom.NewServer(h, zoom.WithZoomSignature(zoomSecret))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/zoom/events", h
}

// TestZoomURLValidation: Zoom validates the endpoint with a plainToken and
// expects it back with its hex HMAC-SHA256 under the secret token as
// encryptedToken; the request is signed, answered without a handler, and
// answered again when Zoom revalidates.
func TestZoomURLValidation(t *testing.T) {
	url, h := zoomServer(t)
	const body = `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`
	for i := range 2 {
		a := post(t, url, body, zoomHeaders(zoomSecret, body, time.Now()))
		if a.status != http.StatusOK || a.contentType != "application/json" {
			t.Fatalf("validation %d: %d %s %s", i+1, a.status, a.contentType, a.body)
		}
		var got struct{ PlainToken, EncryptedToken string }
		if err := json.Unmarshal([]byte(a.body), &got); err != nil {
			t.Fatal(err)
		}
		if got.PlainToken != "qgg8vlvZRS6UYooatFL8Aw" || got.EncryptedToken != hexHMAC(zoomSecret, "qgg8vlvZRS6UYooatFL8Aw") {
			t.Fatalf("validation %d: answer %s", i+1, a.body)
		}
	}
	if a := post(t, url, body, zoomHeaders("not-the-secret", body, time.Now())); a.status != http.StatusUnauthorized {
		t.Errorf("signed with another secret: %d %s, want 401", a.status, a.body)
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("the handler ran %d times for a handshake", n)
	}
}

// TestZoomMeetingStarted: meeting.started as Zoom's event reference shows
// it reaches HandleMeetingStarted once with its typed values; the same
// delivery again is acknowledged without a call.
func TestZoomMeetingStarted(t *testing.T) {
	url, h := zoomServer(t)
	const body = `{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB","object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"My Meeting","type":8,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles","duration":60}}}`
	for i := range 2 {
		if a := post(t, url, body, zoomHeaders(zoomSecret, body, time.Now())); a.status != http.StatusOK || a.body != "" {
			t.Fatalf("delivery %d: %d %q", i+1, a.status, a.body)
		}
	}
	got := h.all()
	if len(got) != 1 {
		t.Fatalf("HandleMeetingStarted ran %d times, want 1", len(got))
	}
	m := got[0].(*zoom.MeetingStarted)
	o := m.Payload.Object
	if m.GetEventTs() != 1626230691572 || m.Payload.AccountID != "AAAAAABBBB" || string(o.ID) != `"1234567890"` || o.UUID != "4444AAAiAAAAAiAiAiiAii==" ||
		o.GetTopic() != "My Meeting" || o.GetType() != 8 || !o.GetStartTime().Equal(time.Date(2021, 7, 13, 21, 44, 51, 0, time.UTC)) || o.GetDuration() != 60 {
		t.Errorf("meeting.started = %+v, object %+v", m, o)
	}
}

// TestZoomNeedsTheSecret: without the secret token, which the URL
// validation's answer is an HMAC under, NewServer fails (Zoom could never
// validate the endpoint), even with another verifier configured; only
// AllowUnauthenticated starts it, answering the validation 500.
func TestZoomNeedsTheSecret(t *testing.T) {
	basic := webhook.BasicAuth("zoom", webhook.Credential{Username: "u", Password: "p"})
	if _, err := zoom.NewServer(new(zoomHandler), zoom.WithVerifier(basic)); err == nil || !strings.Contains(err.Error(), "configure WithZoomSignature") {
		t.Fatalf("NewServer with WithVerifier only: %v, want a refusal naming WithZoomSignature", err)
	}
	srv, err := zoom.NewServer(new(zoomHandler), zoom.AllowUnauthenticated())
	if err != nil {
		t.Fatal(err)
	}
	const body = `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`
	if a := post(t, serve(t, srv)+"/zoom/events", body, map[string]string{"Content-Type": "application/json"}); a.status != http.StatusInternalServerError {
		t.Errorf("validation without the secret: %d %s, want 500", a.status, a.body)
	}
}
