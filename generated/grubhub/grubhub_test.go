package grubhub_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/grubhub"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/webhooktest"
)

const (
	testUser = "grubhub-partner"
	testPass = "p4ss-for-grubhub"
)

// Grubhub's hmacAuth is the HTTP MAC scheme (PROVIDERS.md): key ids look
// like "sv:v1:<client id>"; two keys, for rotation, each with the time it
// was issued, from which the nonce's age counts.
var (
	macKey    = webhook.MACKey{ID: "sv:v1:partner-2026", Secret: []byte("c2VjcmV0LTIwMjY="), IssuedAt: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	macKeyOld = webhook.MACKey{ID: "sv:v1:partner-2025", Secret: []byte("c2VjcmV0LTIwMjU="), IssuedAt: time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)}
)

// macHeader signs a POST of body to rawURL the way PROVIDERS.md describes
// Grubhub's scheme, written out here rather than borrowed from the runtime,
// so the verifier is checked against the description: HMAC-SHA256 over
// nonce, method, request URI, host, port, bodyhash and ext, each followed
// by a newline; bodyhash is the base64 SHA-256 of the body; the nonce is
// the draft's "<seconds since the key was issued>:<random>", fresh each
// call.
func macHeader(t *testing.T, key webhook.MACKey, rawURL string, body []byte) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	bodyHash := base64.StdEncoding.EncodeToString(sum[:])
	nonce := fmt.Sprintf("%d:%s", int64(time.Since(key.IssuedAt)/time.Second), rand.Text())
	m := hmac.New(sha256.New, key.Secret)
	for _, f := range []string{nonce, http.MethodPost, u.RequestURI(), strings.ToLower(u.Hostname()), u.Port(), bodyHash, ""} {
		m.Write([]byte(f + "\n"))
	}
	mac := base64.StdEncoding.EncodeToString(m.Sum(nil))
	return fmt.Sprintf(`MAC id="%s",nonce="%s",bodyhash="%s",mac="%s"`, key.ID, nonce, bodyHash, mac)
}

// handler records every call; it embeds UnimplementedHandler as users are
// told to, and implements every method so routing alone decides.
type handler struct {
	grubhub.UnimplementedHandler
	webhooktest.Recorder
}

func (h *handler) HandleDriverAssigned(_ context.Context, e *grubhub.DriverAssignedPayload) error {
	return h.Record("DriverAssigned", e, nil)
}

func (h *handler) HandleDeliveryStatusUpdate(_ context.Context, e *grubhub.DeliveryStatusPayload) error {
	return h.Record("DeliveryStatusUpdate", e, nil)
}

func (h *handler) HandleCourierLocationUpdate(_ context.Context, e *grubhub.CourierLocationPayload) error {
	return h.Record("CourierLocationUpdate", e, nil)
}

func (h *handler) HandleDeliveryCancelled(_ context.Context, e *grubhub.DeliveryCancelledPayload) error {
	return h.Record("DeliveryCancelled", e, nil)
}

func (h *handler) HandleDeliveryRefundUpdate(_ context.Context, e *grubhub.DeliveryRefundPayload) error {
	return h.Record("DeliveryRefundUpdate", e, nil)
}

// unknownHook keeps the deliveries the unknown-event hook receives.
type unknownHook struct {
	mu   sync.Mutex
	seen []webhook.Delivery
}

func (u *unknownHook) option() grubhub.Option {
	return grubhub.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		u.mu.Lock()
		defer u.mu.Unlock()
		u.seen = append(u.seen, *d)
		return nil
	})
}

func (u *unknownHook) deliveries() []webhook.Delivery {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]webhook.Delivery(nil), u.seen...)
}

func basicAuth() grubhub.Option {
	return grubhub.WithBasicAuth(webhook.Credential{Username: testUser, Password: testPass})
}

// serve starts a generated Server with opts on a loopback listener.
func serve(t *testing.T, h grubhub.Handler, opts ...grubhub.Option) *httptest.Server {
	t.Helper()
	srv, err := grubhub.NewServer(h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// send POSTs a JSON body with the given Authorization value ("" for none).
func send(t *testing.T, url string, body []byte, authorization string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// basic is the Authorization value of the test credentials.
func basic(user, pass string) string {
	r, _ := http.NewRequest(http.MethodPost, "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// withEventType returns body with event_type set to v.
func withEventType(t *testing.T, body []byte, v string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["event_type"], _ = json.Marshal(v)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func messages(calls []webhooktest.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Message
	}
	return out
}

// example returns the seed's example of message.
func example(t *testing.T, message string) webhook.Example {
	t.Helper()
	for _, ex := range grubhub.Examples() {
		if ex.Message == message {
			return ex
		}
	}
	t.Fatalf("no example of %s", message)
	return webhook.Example{}
}

// TestLiteralExamplesAreUnknownEvents: every seed example says
// event_type STANDARD, which no schema's const allows (specs/overlays
// corrects them in the package's Examples). Sent as the seed has them, on
// its own channel, with valid credentials, each is an event the spec does
// not know: acknowledged, given whole to the unknown-event hook, and no
// Handle method runs.
func TestLiteralExamplesAreUnknownEvents(t *testing.T) {
	examples := grubhub.Examples()
	if len(examples) != 5 {
		t.Fatalf("%d examples, want 5 (one per message)", len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			var body map[string]any
			if err := json.Unmarshal(ex.Payload, &body); err != nil {
				t.Fatal(err)
			}
			body["event_type"] = "STANDARD"
			literal, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			h, hook := new(handler), new(unknownHook)
			ts := serve(t, h, basicAuth(), hook.option())

			a := send(t, ts.URL+ex.Channel, literal, basic(testUser, testPass))

			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if calls := h.Calls(); len(calls) != 0 {
				t.Errorf("Handle methods ran: %v", messages(calls))
			}
			seen := hook.deliveries()
			if len(seen) != 1 {
				t.Fatalf("unknown-event hook ran %d times, want 1", len(seen))
			}
			if d := seen[0]; !bytes.Equal(d.Body, literal) || d.Channel != ex.Channel || d.Message != "" {
				t.Errorf("hook got channel %q message %q body %q; want %q, none, the raw body sent", d.Channel, d.Message, d.Body, ex.Channel)
			}
			if got := seen[0].Header.Get("Authorization"); got == "" {
				t.Error("hook did not get the request headers")
			}
		})
	}
}

// TestSchemaValidEventsReachTheirMethod: with event_type set to its schema's
// const, each example reaches its own method with typed values; sent on the
// other channel it is unknown there.
func TestSchemaValidEventsReachTheirMethod(t *testing.T) {
	at := time.Date(2026, 6, 2, 18, 30, 0, 0, time.UTC)
	tests := []struct {
		message   string
		eventType string
		wrongChan string // a channel that does not carry the message
		check     func(t *testing.T, event any)
	}{
		{
			message: "DriverAssigned", eventType: grubhub.DriverAssignedPayloadEventType, wrongChan: grubhub.ChannelWebhookDeliveryRefund,
			check: func(t *testing.T, event any) {
				e := event.(*grubhub.DriverAssignedPayload)
				if e.GetDriver().GetDeliveryMethod() != grubhub.DriverAssignedPayloadDriverDeliveryMethodCar || !e.GetDriver().GetDeliveryMethod().Known() {
					t.Errorf("delivery_method %q", e.GetDriver().GetDeliveryMethod())
				}
				if e.GetEventType() != grubhub.DriverAssignedPayloadEventType || e.GetOrderUUID() != "3fa85f64-5717-4562-b3fc-2c963f66afa6" {
					t.Errorf("event_type %q order_uuid %q", e.GetEventType(), e.GetOrderUUID())
				}
				if !e.GetPickupETA().Equal(at) || !e.GetTimestamp().Equal(at) {
					t.Errorf("pickup_eta %v timestamp %v, want %v", e.GetPickupETA(), e.GetTimestamp(), at)
				}
			},
		},
		{
			message: "DeliveryStatusUpdate", eventType: grubhub.DeliveryStatusPayloadEventType, wrongChan: grubhub.ChannelWebhookDeliveryRefund,
			check: func(t *testing.T, event any) {
				e := event.(*grubhub.DeliveryStatusPayload)
				if e.GetStatus() != grubhub.DeliveryStatusPayloadStatusDriverEnRouteToPickup {
					t.Errorf("status %q", e.GetStatus())
				}
				if e.GetDeliveryID() != "id-1234567890" || !e.GetDropoffETA().Equal(at) {
					t.Errorf("delivery_id %q dropoff_eta %v", e.GetDeliveryID(), e.GetDropoffETA())
				}
			},
		},
		{
			message: "CourierLocationUpdate", eventType: grubhub.CourierLocationPayloadEventType, wrongChan: grubhub.ChannelWebhookDeliveryRefund,
			check: func(t *testing.T, event any) {
				e := event.(*grubhub.CourierLocationPayload)
				if e.GetLatitude() != 41.8781 || e.GetLongitude() != -87.6298 {
					t.Errorf("latitude %v longitude %v", e.GetLatitude(), e.GetLongitude())
				}
			},
		},
		{
			message: "DeliveryCancelled", eventType: grubhub.DeliveryCancelledPayloadEventType, wrongChan: grubhub.ChannelWebhookDeliveryRefund,
			check: func(t *testing.T, event any) {
				e := event.(*grubhub.DeliveryCancelledPayload)
				if e.GetReason() != "Out of an item." || !e.GetCancelledAt().Equal(at) {
					t.Errorf("reason %q cancelled_at %v", e.GetReason(), e.GetCancelledAt())
				}
			},
		},
		{
			message: "DeliveryRefundUpdate", eventType: grubhub.DeliveryRefundPayloadEventType, wrongChan: grubhub.ChannelWebhookDeliveryStatus,
			check: func(t *testing.T, event any) {
				e := event.(*grubhub.DeliveryRefundPayload)
				if e.GetRefundStatus() != grubhub.DeliveryRefundPayloadRefundStatusAccepted {
					t.Errorf("refund_status %q", e.GetRefundStatus())
				}
				// The example's refund_amount is 0.0: present, and told
				// apart from an absent amount.
				if e.RefundAmount == nil || e.GetRefundAmount() != 0 {
					t.Errorf("refund_amount %v, want present 0", e.RefundAmount)
				}
				if !e.GetDecidedAt().Equal(at) {
					t.Errorf("decided_at %v", e.GetDecidedAt())
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.message, func(t *testing.T) {
			ex := example(t, tc.message)
			body := withEventType(t, ex.Payload, tc.eventType)
			h, hook := new(handler), new(unknownHook)
			ts := serve(t, h, basicAuth(), hook.option())

			a := send(t, ts.URL+ex.Channel, body, basic(testUser, testPass))

			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			calls := h.Calls()
			if got := messages(calls); !slices.Equal(got, []string{tc.message}) {
				t.Fatalf("calls %v, want [%s]", got, tc.message)
			}
			tc.check(t, calls[0].Event)
			if n := len(hook.deliveries()); n != 0 {
				t.Errorf("unknown-event hook ran %d times for a known event", n)
			}

			// The same event on the other channel is not this message.
			if a := send(t, ts.URL+tc.wrongChan, body, basic(testUser, testPass)); a.status != http.StatusOK {
				t.Fatalf("other channel: status %d: %s", a.status, a.body)
			}
			if n := len(h.Calls()); n != 1 {
				t.Errorf("other channel ran a Handle method: %v", messages(h.Calls()))
			}
			if n := len(hook.deliveries()); n != 1 {
				t.Errorf("other channel: unknown-event hook ran %d times, want 1", n)
			}
		})
	}
}

// TestHMACAuthIsAnAlternative: the spec lists basicAuth and hmacAuth as
// separate security requirements, so either one authenticates. hmacAuth is
// the HTTP MAC scheme: the MAC covers the key, the path and the body, and
// keys rotate by id.
func TestHMACAuthIsAnAlternative(t *testing.T) {
	body := withEventType(t, example(t, "DeliveryCancelled").Payload, grubhub.DeliveryCancelledPayloadEventType)
	path := grubhub.ChannelWebhookDeliveryStatus
	both := []grubhub.Option{basicAuth(), grubhub.WithHMACAuth(macKey)}
	macOnly := []grubhub.Option{grubhub.WithHMACAuth(macKey, macKeyOld)}
	signed := func(key webhook.MACKey) func(*testing.T, string) string {
		return func(t *testing.T, base string) string { return macHeader(t, key, base+path, body) }
	}
	static := func(v string) func(*testing.T, string) string {
		return func(*testing.T, string) string { return v }
	}
	tests := []struct {
		name   string
		opts   []grubhub.Option
		auth   func(t *testing.T, baseURL string) string
		want   int
		called bool
	}{
		{"both configured, basic", both, static(basic(testUser, testPass)), 200, true},
		{"both configured, MAC", both, signed(macKey), 200, true},
		{"both configured, wrong password", both, static(basic(testUser, "guess")), 401, false},
		{"both configured, nothing", both, static(""), 401, false},
		{"both configured, MAC of an unknown key", both, signed(webhook.MACKey{ID: "sv:v1:someone", Secret: macKey.Secret, IssuedAt: macKey.IssuedAt}), 401, false},
		{"both configured, MAC with a wrong secret", both, signed(webhook.MACKey{ID: macKey.ID, Secret: []byte("guess"), IssuedAt: macKey.IssuedAt}), 401, false},
		{"MAC only, MAC", macOnly, signed(macKey), 200, true},
		{"MAC only, old key during rotation", macOnly, signed(macKeyOld), 200, true},
		{"MAC only, basic credentials", macOnly, static(basic(testUser, testPass)), 401, false},
		{"MAC only, signed for another path", macOnly, func(t *testing.T, base string) string {
			return macHeader(t, macKey, base+grubhub.ChannelWebhookDeliveryRefund, body)
		}, 401, false},
		{"MAC only, signed for another body", macOnly, func(t *testing.T, base string) string {
			return macHeader(t, macKey, base+path, []byte(`{"event_type":"DELIVERY_CANCELLED"}`))
		}, 401, false},
		{"basic only, MAC", []grubhub.Option{basicAuth()}, signed(macKey), 401, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := new(handler)
			ts := serve(t, h, tc.opts...)
			a := send(t, ts.URL+path, body, tc.auth(t, ts.URL))
			if a.status != tc.want {
				t.Fatalf("status %d, want %d: %s", a.status, tc.want, a.body)
			}
			if a.status != http.StatusOK {
				if ct := a.header.Get("Content-Type"); ct != "application/json" || !bytes.Contains(a.body, []byte(`"code":"unauthorized"`)) {
					t.Errorf("401 answer: Content-Type %q body %q", ct, a.body)
				}
				if a.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}
			if called := len(h.Calls()) == 1; called != tc.called {
				t.Errorf("handler called %v, want %v", called, tc.called)
			}
		})
	}
}

// TestHMACReplay: a request signed as Grubhub signs it is handled once;
// the same request again, as an eavesdropper would replay it, is 401 and
// not handled. The test kit signs each request with a fresh nonce, so two
// requests it builds for one event both pass (and de-duplication by the
// event id answers the second without a call).
func TestHMACReplay(t *testing.T) {
	body := withEventType(t, example(t, "DeliveryCancelled").Payload, grubhub.DeliveryCancelledPayloadEventType)
	path := grubhub.ChannelWebhookDeliveryStatus
	h := new(handler)
	ts := serve(t, h, grubhub.WithHMACAuth(macKey))
	authz := macHeader(t, macKey, ts.URL+path, body)
	if a := send(t, ts.URL+path, body, authz); a.status != http.StatusOK || len(h.Calls()) != 1 {
		t.Fatalf("signed request: %d %s, handler called %d times", a.status, a.body, len(h.Calls()))
	}
	a := send(t, ts.URL+path, body, authz)
	if a.status != http.StatusUnauthorized || len(h.Calls()) != 1 {
		t.Fatalf("replay: %d %s, handler called %d times, want 401 and 1", a.status, a.body, len(h.Calls()))
	}
	if a.header.Get("WWW-Authenticate") != "MAC" {
		t.Errorf("replay answered without the MAC challenge: %q", a.header.Get("WWW-Authenticate"))
	}

	creds := grubhub.Credentials{HMACAuth: &macKey}
	for i := range 2 {
		req, err := grubhub.NewDeliveryCancelledRequest(ts.URL+path, nil, creds)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("test kit request %d: %d", i, resp.StatusCode)
		}
	}
}

// TestHMACAuthMisconfigured: a MAC key without an id, a secret or the time
// it was issued is a mistake NewServer reports, not a scheme that accepts
// nothing (or anyone, or replays).
func TestHMACAuthMisconfigured(t *testing.T) {
	noIssued := webhook.MACKey{ID: macKey.ID, Secret: macKey.Secret}
	for _, keys := range [][]webhook.MACKey{nil, {{ID: macKey.ID, IssuedAt: macKey.IssuedAt}}, {{Secret: macKey.Secret, IssuedAt: macKey.IssuedAt}}, {macKey, macKey}, {noIssued}} {
		if _, err := grubhub.NewServer(new(handler), grubhub.WithHMACAuth(keys...)); err == nil {
			t.Errorf("NewServer accepted MAC keys %+v", keys)
		}
		// Even with basic auth beside it: the operator meant MAC to work.
		if _, err := grubhub.NewServer(new(handler), basicAuth(), grubhub.WithHMACAuth(keys...)); err == nil {
			t.Errorf("NewServer with basic auth accepted MAC keys %+v", keys)
		}
	}
}

// TestNewServerFailsClosed: neither scheme configured, no server; either one
// is enough.
func TestNewServerFailsClosed(t *testing.T) {
	if _, err := grubhub.NewServer(new(handler)); err == nil {
		t.Error("NewServer started without any credentials")
	}
	for _, opt := range []grubhub.Option{basicAuth(), grubhub.WithHMACAuth(macKey), grubhub.AllowUnauthenticated()} {
		if _, err := grubhub.NewServer(new(handler), opt); err != nil {
			t.Error(err)
		}
	}
}

// TestDuplicateOnEitherChannel: a re-sent event is acknowledged without a
// second call, per channel.
func TestDuplicateOnEitherChannel(t *testing.T) {
	h := new(handler)
	ts := serve(t, h, basicAuth())
	status := withEventType(t, example(t, "DeliveryStatusUpdate").Payload, grubhub.DeliveryStatusPayloadEventType)
	refund := withEventType(t, example(t, "DeliveryRefundUpdate").Payload, grubhub.DeliveryRefundPayloadEventType)
	for range 3 {
		for _, d := range []struct {
			channel string
			body    []byte
		}{{grubhub.ChannelWebhookDeliveryStatus, status}, {grubhub.ChannelWebhookDeliveryRefund, refund}} {
			if a := send(t, ts.URL+d.channel, d.body, basic(testUser, testPass)); a.status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", d.channel, a.status, a.body)
			}
		}
	}
	if got := messages(h.Calls()); !slices.Equal(got, []string{"DeliveryStatusUpdate", "DeliveryRefundUpdate"}) {
		t.Errorf("calls %v, want each event once", got)
	}
}
