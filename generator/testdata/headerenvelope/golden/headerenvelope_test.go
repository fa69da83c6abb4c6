package headerenvelope

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

type envelopeHandler struct {
	UnimplementedHandler
	revocations []*Revocation
	follows     []*Follow
	onlines     []*Online
	ids         []string
}

func (h *envelopeHandler) HandleRevocation(_ context.Context, e *Revocation, _ *RevocationHeaders) error {
	h.revocations = append(h.revocations, e)
	return nil
}

func (h *envelopeHandler) HandleFollow(_ context.Context, e *Follow, hd *NotificationHeaders) error {
	h.follows = append(h.follows, e)
	h.ids = append(h.ids, hd.XID)
	return nil
}

func (h *envelopeHandler) HandleOnline(_ context.Context, e *Online, _ *NotificationHeaders) error {
	h.onlines = append(h.onlines, e)
	return nil
}

// TestRouteHeaderThenBody: the X-Kind header picks revocation or the
// notification envelope, and in the envelope /subscription/type picks the
// message. An unknown type in the envelope, or an unknown X-Kind, reaches
// the unknown-event hook (200); a notification without a subscription
// type, or without X-Kind, is 400.
func TestRouteHeaderThenBody(t *testing.T) {
	h := new(envelopeHandler)
	var unknown int
	srv, err := NewServer(h, WithKey("k"), WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	send := func(kind, id, body string) int {
		req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(body))
		req.Header.Set("X-Api-Key", "k")
		if kind != "" {
			req.Header.Set("X-Kind", kind)
		}
		req.Header.Set("X-Id", id)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	for _, tc := range []struct {
		kind, id, body string
		want           int
	}{
		{"notification", "m1", `{"subscription":{"type":"follow","status":"enabled"},"event":{"user":"ada"}}`, 200},
		{"notification", "m1", `{"subscription":{"type":"follow"},"event":{"user":"ada"}}`, 200}, // a resend: no call
		{"notification", "m2", `{"subscription":{"type":"online"},"event":{"started_at":"2020-10-11T10:11:12.123Z"}}`, 200},
		{"revocation", "m3", `{"subscription":{"type":"follow","status":"authorization_revoked"}}`, 200},
		{"notification", "m4", `{"subscription":{"type":"raid"},"event":{}}`, 200}, // unknown in the envelope: the hook
		{"verification", "m5", `{"subscription":{"type":"follow"}}`, 200},          // unknown kind: the hook
		{"notification", "m6", `{"subscription":{"status":"enabled"},"event":{"user":"x"}}`, 400},
		{"notification", "m6", `{"event":{"user":"x"}}`, 400},
		{"notification", "m6", `{"subscription":"follow"}`, 400},
		{"notification", "m6", `{"subscription":{"type":"follow"}}`, 400}, // event is required
		{"", "m6", `{"subscription":{"type":"follow"},"event":{"user":"x"}}`, 400},
	} {
		if got := send(tc.kind, tc.id, tc.body); got != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.kind, tc.body, got, tc.want)
		}
	}
	if unknown != 2 || len(h.revocations) != 1 || len(h.onlines) != 1 {
		t.Errorf("%d unknown, %d revocations, %d onlines", unknown, len(h.revocations), len(h.onlines))
	}
	if len(h.follows) != 1 || h.follows[0].Event.User != "ada" || h.follows[0].Subscription.Type != FollowSubscriptionType || h.ids[0] != "m1" {
		t.Errorf("follows %+v, ids %v", h.follows, h.ids)
	}
	if len(h.onlines) == 1 && h.onlines[0].Event.StartedAt.Year() != 2020 {
		t.Errorf("online %+v", h.onlines[0].Event)
	}
}
