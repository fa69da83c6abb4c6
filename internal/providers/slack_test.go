package providers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/slack"
)

// slackSecret is a signing secret such as an app's Basic Information page
// shows.
const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

type slackHandler struct {
	slack.UnimplementedHandler
	calls
}

func (h *slackHandler) HandleAppMention(_ context.Context, e *slack.AppMentionCallback) error {
	h.add(e)
	return nil
}

func (h *slackHandler) HandleMessage(_ context.Context, e *slack.MessageCallback) error {
	h.add(e)
	return nil
}

// slackHeaders signs body as Slack does: X-Slack-Signature is "v0=" and the
// hex HMAC-SHA256 of "v0:{timestamp}:{body}" under the signing secret.
func slackHeaders(secret, body string, at time.Time) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{
		"Content-Type":              "application/json",
		"X-Slack-Request-Timestamp": ts,
		"X-Slack-Signature":         "v0=" + hexHMAC(secret, "v0:"+ts+":"+body),
	}
}

func slackServer(t *testing.T) (string, *slackHandler) {
	t.Helper()
	h := new(slackHandler)
	srv, err := slack.NewServer(h, slack.WithSlackSignature(slackSecret))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/slack/events", h
}

// TestSlackURLVerification: Slack enables a Request URL only when the
// answer to url_verification echoes its challenge; the check is signed,
// answered without a handler (UnimplementedHandler would answer 500), and
// each one afresh.
func TestSlackURLVerification(t *testing.T) {
	url, h := slackServer(t)
	// The request of Slack's url_verification page, as it is shown there.
	const body = `{
    "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    "type": "url_verification"
}`
	for i := range 2 {
		a := post(t, url, body, slackHeaders(slackSecret, body, time.Now()))
		if a.status != http.StatusOK || a.contentType != "application/json" {
			t.Fatalf("check %d: %d %s %s", i+1, a.status, a.contentType, a.body)
		}
		var got struct{ Challenge string }
		if err := json.Unmarshal([]byte(a.body), &got); err != nil || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Fatalf("check %d: answer %s does not echo the challenge (%v)", i+1, a.body, err)
		}
	}
	if a := post(t, url, body, slackHeaders("another-apps-secret", body, time.Now())); a.status != http.StatusUnauthorized {
		t.Errorf("signed with another secret: %d %s, want 401", a.status, a.body)
	}
	if a := post(t, url, body, slackHeaders(slackSecret, body, time.Now().Add(-10*time.Minute))); a.status != http.StatusUnauthorized {
		t.Errorf("ten minutes old: %d %s, want 401", a.status, a.body)
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("the handler ran %d times for a handshake", n)
	}
}

// TestSlackEvents: an app_mention and a message, each in its event_callback
// envelope as Slack's event pages show them, are routed by the envelope's
// type and then its event.type, each to its own method once, with its
// event typed and the envelope's fields beside it; Slack's retry of one
// (same event_id, X-Slack-Retry-Num) is acknowledged without a second
// call. An event the spec does not describe is acknowledged without a
// call, and an envelope whose event has no type is refused.
func TestSlackEvents(t *testing.T) {
	url, h := slackServer(t)
	const mention = `{
        "token": "XXYYZZ",
        "team_id": "T123ABC456",
        "api_app_id": "A123ABC456",
        "event": {
                "type": "app_mention",
                "user": "U123ABC456",
                "text": "<@U0LAN0Z89> is it everything a river should be?",
                "ts": "1515449522.000016",
                "channel": "C123ABC456",
                "event_ts": "1515449522000016"
        },
        "type": "event_callback",
        "event_id": "Ev123ABC456",
        "event_time": 1515449522,
        "authorizations": [
                {
                        "enterprise_id": "E123ABC456",
                        "team_id": "T123ABC456",
                        "user_id": "U123ABC456",
                        "is_bot": false,
                        "is_enterprise_install": false
                }
        ],
        "is_ext_shared_channel": false,
        "event_context": "EC123ABC456"
}`
	const message = `{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"message","channel":"C024BE91L","user":"U2147483697","text":"Live long and prospect.","ts":"1355517523.000005","event_ts":"1355517523.000005","channel_type":"channel"},"type":"event_callback","event_id":"Ev0PV52K21","event_time":1355517523}`
	for _, body := range []string{mention, message} {
		if a := post(t, url, body, slackHeaders(slackSecret, body, time.Now())); a.status != http.StatusOK || a.body != "" {
			t.Fatalf("event: %d %q", a.status, a.body)
		}
	}
	retry := slackHeaders(slackSecret, mention, time.Now())
	retry["X-Slack-Retry-Num"], retry["X-Slack-Retry-Reason"] = "1", "http_timeout"
	if a := post(t, url, mention, retry); a.status != http.StatusOK {
		t.Fatalf("retry: %d %s", a.status, a.body)
	}
	got := h.all()
	if len(got) != 2 {
		t.Fatalf("the handler ran %d times, want 2", len(got))
	}
	m, ok := got[0].(*slack.AppMentionCallback)
	if !ok {
		t.Fatalf("app_mention reached the handler as %T", got[0])
	}
	if m.Event.Type != slack.AppMentionType || m.Event.Text != "<@U0LAN0Z89> is it everything a river should be?" || m.Event.User != "U123ABC456" ||
		m.Event.Channel != "C123ABC456" || m.Event.GetEventTs() != "1515449522000016" {
		t.Errorf("app_mention event = %+v", m.Event)
	}
	if m.Type != slack.AppMentionCallbackType || m.EventID != "Ev123ABC456" || m.GetTeamID() != "T123ABC456" || m.GetEventTime() != 1515449522 ||
		m.GetEventContext() != "EC123ABC456" || len(m.Authorizations) != 1 || m.Authorizations[0].GetUserID() != "U123ABC456" {
		t.Errorf("app_mention envelope = %+v", m)
	}
	msg, ok := got[1].(*slack.MessageCallback)
	if !ok {
		t.Fatalf("message reached the handler as %T", got[1])
	}
	if msg.Event.Type != slack.MessageType || msg.Event.Channel != "C024BE91L" || msg.Event.GetText() != "Live long and prospect." ||
		msg.Event.GetUser() != "U2147483697" || msg.Event.GetChannelType() != "channel" || msg.Event.Ts != "1355517523.000005" {
		t.Errorf("message event = %+v", msg.Event)
	}
	if msg.EventID != "Ev0PV52K21" || msg.GetAPIAppID() != "A123ABC456" || msg.GetEventTime() != 1355517523 {
		t.Errorf("message envelope = %+v", msg)
	}
	if a := post(t, url, message, slackHeaders("another-apps-secret", message, time.Now())); a.status != http.StatusUnauthorized || len(h.all()) != 2 {
		t.Errorf("badly signed event: %d, %d calls", a.status, len(h.all()))
	}
	// reaction_added, as Slack's event page shows it: no message of the
	// spec describes it, so it is acknowledged without a call.
	const reaction = `{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"reaction_added","user":"U123ABC456","reaction":"thumbsup","item_user":"U222222222","item":{"type":"message","channel":"C123ABC456","ts":"1360782400.498405"},"event_ts":"1360782804.083113"},"type":"event_callback","event_id":"Ev0RA1234","event_time":1360782804}`
	if a := post(t, url, reaction, slackHeaders(slackSecret, reaction, time.Now())); a.status != http.StatusOK || len(h.all()) != 2 {
		t.Errorf("reaction_added: %d %s, %d calls; want 200 and no call", a.status, a.body, len(h.all()))
	}
	const untyped = `{"token":"XXYYZZ","team_id":"T123ABC456","event":{"user":"U123ABC456","text":"hi"},"type":"event_callback","event_id":"Ev0NT1234","event_time":1360782804}`
	if a := post(t, url, untyped, slackHeaders(slackSecret, untyped, time.Now())); a.status != http.StatusBadRequest || len(h.all()) != 2 {
		t.Errorf("an event without a type: %d %s, %d calls; want 400 and no call", a.status, a.body, len(h.all()))
	}
}
