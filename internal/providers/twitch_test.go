package providers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/twitch"
	"github.com/hookgen/hookgen/webhook"
)

// twitchSecret is the transport.secret given when subscribing: 10 to 100
// ASCII characters.
const twitchSecret = "s3cRe7-0f-th3-5ubscr1pt10n"

// twitchRequest is a message as Twitch's EventSub posts it to a webhook
// callback ("Handling webhook events", and the Twitch CLI's `event
// trigger`): the Twitch-Eventsub-* headers, and
// Twitch-Eventsub-Message-Signature, sha256= and the hex HMAC-SHA256 of the
// message id, the timestamp header as sent and the raw body, under the
// secret. The timestamp is RFC 3339 with nanoseconds.
func twitchRequest(url, msgType, subType, version, id, body, secret string, at time.Time) *http.Request {
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	ts := at.UTC().Format(time.RFC3339Nano)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Twitch-Eventsub-Message-Id", id)
	r.Header.Set("Twitch-Eventsub-Message-Retry", "0")
	r.Header.Set("Twitch-Eventsub-Message-Type", msgType)
	r.Header.Set("Twitch-Eventsub-Message-Timestamp", ts)
	r.Header.Set("Twitch-Eventsub-Subscription-Type", subType)
	r.Header.Set("Twitch-Eventsub-Subscription-Version", version)
	r.Header.Set("Twitch-Eventsub-Message-Signature", "sha256="+hexHMAC(secret, id+ts+body))
	return r
}

// twitchSubscription is the subscription object of Twitch's examples.
func twitchSubscription(status, typ, version, condition string) string {
	return `{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"` + status + `","type":"` + typ + `","version":"` + version +
		`","cost":0,"condition":` + condition + `,"transport":{"method":"webhook","callback":"https://example.com/twitch/eventsub"},"created_at":"2019-11-16T10:11:12.634234626Z"}`
}

var (
	twitchFollow = `{"subscription":` + twitchSubscription("enabled", "channel.follow", "2", `{"broadcaster_user_id":"1337","moderator_user_id":"1337"}`) +
		`,"event":{"user_id":"1234","user_login":"cool_user","user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user","broadcaster_user_name":"Cooler_User","followed_at":"2020-07-15T18:16:11.17106713Z"}}`
	twitchOnline = `{"subscription":` + twitchSubscription("enabled", "stream.online", "1", `{"broadcaster_user_id":"1337"}`) +
		`,"event":{"id":"9001","broadcaster_user_id":"1337","broadcaster_user_login":"cool_user","broadcaster_user_name":"Cool_User","type":"live","started_at":"2020-10-11T10:11:12.123Z"}}`
	twitchSubscribe = `{"subscription":` + twitchSubscription("enabled", "channel.subscribe", "1", `{"broadcaster_user_id":"1337"}`) +
		`,"event":{"user_id":"1234","user_login":"cool_user","user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user","broadcaster_user_name":"Cooler_User","tier":"1000","is_gift":false}}`
)

type twitchHandler struct {
	ledger
	follows     []*twitch.ChannelFollowNotification
	onlines     []*twitch.StreamOnlineNotification
	subscribes  []*twitch.ChannelSubscribeNotification
	revocations []*twitch.Revocation
	headers     []*twitch.ChannelFollowHeaders // of the follows
}

func (h *twitchHandler) HandleRevocation(ctx context.Context, e *twitch.Revocation, _ *twitch.RevocationHeaders) error {
	return h.record(ctx, func() { h.revocations = append(h.revocations, e) })
}

func (h *twitchHandler) HandleChannelFollow(ctx context.Context, e *twitch.ChannelFollowNotification, hd *twitch.ChannelFollowHeaders) error {
	return h.record(ctx, func() { h.follows = append(h.follows, e); h.headers = append(h.headers, hd) })
}

func (h *twitchHandler) HandleStreamOnline(ctx context.Context, e *twitch.StreamOnlineNotification, _ *twitch.StreamOnlineHeaders) error {
	return h.record(ctx, func() { h.onlines = append(h.onlines, e) })
}

func (h *twitchHandler) HandleChannelSubscribe(ctx context.Context, e *twitch.ChannelSubscribeNotification, _ *twitch.ChannelSubscribeHeaders) error {
	return h.record(ctx, func() { h.subscribes = append(h.subscribes, e) })
}

func newTwitch(t *testing.T, opts ...twitch.Option) (string, *twitchHandler) {
	t.Helper()
	h := new(twitchHandler)
	srv, err := twitch.NewServer(h, append([]twitch.Option{twitch.WithTwitch(twitchSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/twitch/eventsub", h
}

// TestTwitchCallbackVerification: the webhook_callback_verification of a
// new subscription is answered 200 with the challenge itself as
// text/plain, as Twitch (and `twitch event verify-subscription`) checks,
// every time it comes, without a handler; signed with another secret it
// is 401, and Twitch would not enable the subscription.
func TestTwitchCallbackVerification(t *testing.T) {
	url, h := newTwitch(t)
	const challenge = "pogchamp-kappa-360noscope-vohiyo"
	body := `{"challenge":"` + challenge + `","subscription":` +
		twitchSubscription("webhook_callback_verification_pending", "channel.follow", "2", `{"broadcaster_user_id":"12826","moderator_user_id":"12826"}`) + `}`
	const id = "e76c6bd4-55c9-4987-8304-da1588d8988b"
	for i := range 2 {
		a := do(t, twitchRequest(url, "webhook_callback_verification", "channel.follow", "2", id, body, twitchSecret, time.Now()))
		if a.status != http.StatusOK || !strings.HasPrefix(a.contentType, "text/plain") || a.body != challenge {
			t.Errorf("verification %d: %d %s %q, want 200 text/plain %q", i, a.status, a.contentType, a.body, challenge)
		}
	}
	if a := do(t, twitchRequest(url, "webhook_callback_verification", "channel.follow", "2", id, body, "another-secret-entirely", time.Now())); a.status != http.StatusUnauthorized {
		t.Errorf("verification under another secret: %d %s, want 401", a.status, a.body)
	}
	// A verification without its challenge cannot be answered.
	noChallenge := `{"subscription":` + twitchSubscription("webhook_callback_verification_pending", "channel.follow", "2", `{}`) + `}`
	if a := do(t, twitchRequest(url, "webhook_callback_verification", "channel.follow", "2", id, noChallenge, twitchSecret, time.Now())); a.status != http.StatusBadRequest {
		t.Errorf("verification without challenge: %d %s, want 400", a.status, a.body)
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

// TestTwitchNotifications: a notification reaches the handler of its
// subscription type with its typed event and headers; Twitch resending it
// (the same message id, Twitch-Eventsub-Message-Retry counting up) is
// acknowledged without a second call.
func TestTwitchNotifications(t *testing.T) {
	url, h := newTwitch(t)
	const followID = "befa7b53-d79d-478f-86b9-120f112b044e"
	sent := time.Now().Add(-time.Minute)
	for _, d := range []struct{ subType, version, id, body string }{
		{"channel.follow", "2", followID, twitchFollow},
		{"stream.online", "1", "7f1a8a2e-4b0a-4a8e-9d1c-2c9b9f1e0a11", twitchOnline},
		{"channel.subscribe", "1", "0b4a0c0e-6a5f-4c53-8f53-1b2b3c4d5e6f", twitchSubscribe},
	} {
		if a := do(t, twitchRequest(url, "notification", d.subType, d.version, d.id, d.body, twitchSecret, sent)); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", d.subType, a.status, a.body)
		}
	}
	if len(h.follows) != 1 || len(h.onlines) != 1 || len(h.subscribes) != 1 || h.calls() != 3 {
		t.Fatalf("calls: %d follows, %d onlines, %d subscribes, %d in all", len(h.follows), len(h.onlines), len(h.subscribes), h.calls())
	}
	if h.ids[0] != followID {
		t.Errorf("event id %q, want the message id", h.ids[0])
	}

	f := h.follows[0]
	if f.Subscription.Type != "channel.follow" || f.Subscription.Version != "2" || f.Subscription.Status != twitch.SubscriptionStatusEnabled ||
		f.Subscription.Condition.GetModeratorUserID() != "1337" || f.Subscription.Transport.Method != "webhook" ||
		f.Subscription.CreatedAt.Nanosecond() != 634234626 {
		t.Errorf("subscription %+v", f.Subscription)
	}
	if e := f.Event; e.UserID != "1234" || e.UserLogin != "cool_user" || e.BroadcasterUserName != "Cooler_User" ||
		!e.FollowedAt.Equal(time.Date(2020, 7, 15, 18, 16, 11, 171067130, time.UTC)) {
		t.Errorf("follow %+v", e)
	}
	hd := h.headers[0]
	if hd.TwitchEventsubMessageID != followID || hd.TwitchEventsubMessageType != twitch.ChannelFollowHeadersTwitchEventsubMessageType ||
		hd.TwitchEventsubSubscriptionType != "channel.follow" || hd.TwitchEventsubSubscriptionVersion != "2" ||
		hd.GetTwitchEventsubMessageRetry() != "0" || !hd.TwitchEventsubMessageTimestamp.Equal(sent) {
		t.Errorf("headers %+v", hd)
	}
	if e := h.onlines[0].Event; e.ID != "9001" || e.Type != twitch.StreamOnlineEventTypeLive || !e.Type.Known() || e.StartedAt.UnixMilli() != 1602411072123 {
		t.Errorf("stream.online %+v", e)
	}
	if e := h.subscribes[0].Event; e.UserID != "1234" || e.Tier != twitch.ChannelSubscribeEventTier1000 || e.IsGift {
		t.Errorf("channel.subscribe %+v", e)
	}

	// Twitch resends a message it is unsure was received: same id.
	resend := twitchRequest(url, "notification", "channel.follow", "2", followID, twitchFollow, twitchSecret, time.Now())
	resend.Header.Set("Twitch-Eventsub-Message-Retry", "1")
	if a := do(t, resend); a.status != http.StatusOK || h.calls() != 3 {
		t.Errorf("resend: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestTwitchRevocation: a revocation reaches HandleRevocation with the
// reason in subscription.status; resent, it is not handled again.
func TestTwitchRevocation(t *testing.T) {
	url, h := newTwitch(t)
	body := `{"subscription":` + twitchSubscription("authorization_revoked", "channel.follow", "2", `{"broadcaster_user_id":"12826","moderator_user_id":"12826"}`) + `}`
	for range 2 {
		if a := do(t, twitchRequest(url, "revocation", "channel.follow", "2", "84c1e79a-2a4b-4c13-ba0b-4312293e9308", body, twitchSecret, time.Now())); a.status != http.StatusOK {
			t.Fatalf("revocation: %d %s", a.status, a.body)
		}
	}
	if len(h.revocations) != 1 || h.calls() != 1 {
		t.Fatalf("%d revocations, %d calls", len(h.revocations), h.calls())
	}
	if s := h.revocations[0].Subscription; s.Status != twitch.SubscriptionStatusAuthorizationRevoked || s.Type != "channel.follow" || s.Condition.GetBroadcasterUserID() != "12826" {
		t.Errorf("revoked subscription %+v", s)
	}
}

// TestTwitchRefused: a message whose signature does not hold, or whose
// timestamp is more than 10 minutes from now, is 401 before anything else:
// no handler runs, and its message id is not spent.
func TestTwitchRefused(t *testing.T) {
	url, h := newTwitch(t)
	const id = "3c7f9b1e-2d4a-4f6b-8e0c-1a2b3c4d5e6f"
	now := time.Now()
	tampered := twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now)
	tampered = withBody(tampered, strings.Replace(twitchFollow, `"user_id":"1234"`, `"user_id":"4321"`, 1))
	otherID := twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now)
	otherID.Header.Set("Twitch-Eventsub-Message-Id", "another-message")
	unix := twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now)
	ts := strconv.FormatInt(now.Unix(), 10)
	unix.Header.Set("Twitch-Eventsub-Message-Timestamp", ts)
	unix.Header.Set("Twitch-Eventsub-Message-Signature", "sha256="+hexHMAC(twitchSecret, id+ts+twitchFollow))
	unprefixed := twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now)
	unprefixed.Header.Set("Twitch-Eventsub-Message-Signature", strings.TrimPrefix(unprefixed.Header.Get("Twitch-Eventsub-Message-Signature"), "sha256="))
	unsigned := twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now)
	unsigned.Header.Del("Twitch-Eventsub-Message-Signature")
	for name, r := range map[string]*http.Request{
		"tampered body":          tampered,
		"another secret":         twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, "another-secret-entirely", now),
		"another message id":     otherID,
		"11 minutes old":         twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now.Add(-11*time.Minute)),
		"11 minutes ahead":       twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now.Add(11*time.Minute)),
		"unix timestamp":         unix,
		"signature sans sha256=": unprefixed,
		"no signature":           unsigned,
		"verification, tampered": withBody(twitchRequest(url, "webhook_callback_verification", "channel.follow", "2", id, `{"challenge":"a"}`, twitchSecret, now), `{"challenge":"b"}`),
		"revocation, 11 min old": twitchRequest(url, "revocation", "channel.follow", "2", id, `{"subscription":{}}`, twitchSecret, now.Add(-11*time.Minute)),
	} {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Fatalf("handler called %d times", h.calls())
	}
	// A signed follow whose header names another subscription type than
	// its body is no message of the spec: 400, no call.
	if a := do(t, twitchRequest(url, "notification", "stream.online", "1", id, twitchFollow, twitchSecret, now)); a.status != http.StatusBadRequest ||
		!strings.Contains(a.body, "Twitch-Eventsub-Subscription-Type") || h.calls() != 0 {
		t.Errorf("header and body disagree: %d %s, %d calls; want 400 naming the header", a.status, a.body, h.calls())
	}
	// Nine minutes old is within Twitch's ten, and the id was not spent.
	if a := do(t, twitchRequest(url, "notification", "channel.follow", "2", id, twitchFollow, twitchSecret, now.Add(-9*time.Minute))); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("9 minutes old: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestTwitchOtherMessages: a notification of a subscription type the spec
// does not describe, and a message type Twitch may add, are acknowledged
// to the unknown-event hook; a message without its type, or a notification
// without subscription.type, is malformed.
func TestTwitchOtherMessages(t *testing.T) {
	var mu sync.Mutex
	var unknown []*webhook.Delivery
	url, h := newTwitch(t, twitch.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d)
		return nil
	}))
	raid := `{"subscription":` + twitchSubscription("enabled", "channel.raid", "1", `{"to_broadcaster_user_id":"1337"}`) +
		`,"event":{"from_broadcaster_user_id":"1234","from_broadcaster_user_login":"cool_user","from_broadcaster_user_name":"Cool_User","to_broadcaster_user_id":"1337","to_broadcaster_user_login":"cooler_user","to_broadcaster_user_name":"Cooler_User","viewers":9001}}`
	if a := do(t, twitchRequest(url, "notification", "channel.raid", "1", "5d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6", raid, twitchSecret, time.Now())); a.status != http.StatusOK {
		t.Errorf("channel.raid: %d %s, want 200", a.status, a.body)
	}
	if a := do(t, twitchRequest(url, "keepalive", "channel.follow", "2", "6e2f3a4b-5c6d-7e8f-90a1-b2c3d4e5f6a7", `{}`, twitchSecret, time.Now())); a.status != http.StatusOK {
		t.Errorf("unknown message type: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 2 || string(unknown[0].Body) != raid || unknown[0].Header.Get("Twitch-Eventsub-Subscription-Type") != "channel.raid" {
		t.Errorf("unknown-event hook got %d deliveries", len(unknown))
	}
	mu.Unlock()

	noType := twitchRequest(url, "notification", "channel.follow", "2", "7f3a4b5c-6d7e-8f90-a1b2-c3d4e5f6a7b8", twitchFollow, twitchSecret, time.Now())
	noType.Header.Del("Twitch-Eventsub-Message-Type")
	noSubType := `{"subscription":{"id":"x","status":"enabled","version":"2"},"event":{}}`
	for name, r := range map[string]*http.Request{
		"no Twitch-Eventsub-Message-Type": noType,
		"no subscription.type":            twitchRequest(url, "notification", "channel.follow", "2", "8a4b5c6d-7e8f-90a1-b2c3-d4e5f6a7b8c9", noSubType, twitchSecret, time.Now()),
		"follow without its event":        twitchRequest(url, "notification", "channel.follow", "2", "9b5c6d7e-8f90-a1b2-c3d4-e5f6a7b8c9d0", `{"subscription":`+twitchSubscription("enabled", "channel.follow", "2", `{}`)+`}`, twitchSecret, time.Now()),
	} {
		if a := do(t, r); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}
