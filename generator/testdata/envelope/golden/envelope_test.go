package envelope

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
	pings     int
	mentions  []*AppMentionCallback
	reactions []*ReactionCallback
}

func (h *envelopeHandler) HandlePing(context.Context, *Ping) error { h.pings++; return nil }

func (h *envelopeHandler) HandleAppMention(_ context.Context, e *AppMentionCallback) error {
	h.mentions = append(h.mentions, e)
	return nil
}

func (h *envelopeHandler) HandleReaction(_ context.Context, e *ReactionCallback) error {
	h.reactions = append(h.reactions, e)
	return nil
}

// TestRouteTwoLevels: the top-level type picks ping or the event_callback
// envelope, and in the envelope /event/type picks the message, whose
// handler gets its event typed beside the envelope's fields. An unknown
// event in the envelope reaches the unknown-event hook (200); an envelope
// without an event type, or whose event is not an object, is 400.
func TestRouteTwoLevels(t *testing.T) {
	h := new(envelopeHandler)
	var unknown int
	srv, err := NewServer(h, WithKey("k"), WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	send := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(body))
		req.Header.Set("X-Api-Key", "k")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"type":"ping"}`, 200},
		{`{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":{"type":"app_mention","text":"hello"}}`, 200},
		{`{"event":{"text":"again","type":"app_mention"},"event_id":"Ev1","type":"event_callback"}`, 200}, // a retry: no call
		{`{"type":"event_callback","event_id":"Ev2","event":{"type":"reaction_added","reaction":"tada"}}`, 200},
		{`{"type":"event_callback","event_id":"Ev3","event":{"type":"channel_created"}}`, 200},     // unknown: the hook
		{`{"type":"app_mention","event_id":"Ev4","event":{"type":"app_mention","text":"x"}}`, 200}, // no such top-level type: the hook
		{`{"type":"event_callback","event_id":"Ev5","event":{"text":"x"}}`, 400},
		{`{"type":"event_callback","event_id":"Ev5"}`, 400},
		{`{"type":"event_callback","event_id":"Ev5","event":"app_mention"}`, 400},
		{`{"type":"event_callback","event_id":"Ev5","event":{"type":"app_mention","type":"reaction_added","text":"x"}}`, 400},
		{`{"type":"event_callback","event_id":"Ev5","event":{"type":"reaction_added"}}`, 400}, // reaction is required
	} {
		if got := send(tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.body, got, tc.want)
		}
	}
	if h.pings != 1 || unknown != 2 {
		t.Errorf("%d pings, %d unknown events", h.pings, unknown)
	}
	if len(h.mentions) != 1 {
		t.Fatalf("%d app_mention calls, want 1", len(h.mentions))
	}
	if m := h.mentions[0]; m.EventID != "Ev1" || m.GetTeamID() != "T1" || m.Event.Text != "hello" || m.Event.Type != AppMentionEventType {
		t.Errorf("app_mention = %+v", m)
	}
	if len(h.reactions) != 1 || h.reactions[0].Event.Reaction != "tada" || h.reactions[0].Type != ReactionCallbackType {
		t.Errorf("reactions = %+v", h.reactions)
	}
}
