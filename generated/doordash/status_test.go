package doordash_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
)

// TestStatusCodes walks the status-code contract of DESIGN.md row by row over
// real HTTP: the answer, its JSON error body, and whether the handler ran.
func TestStatusCodes(t *testing.T) {
	known := event(t, "DASHER_CONFIRMED", "D-status", nil)
	failing := func(context.Context, string, *doordash.DeliveryWebhookPayload) error {
		return errors.New("database down")
	}
	panicking := func(context.Context, string, *doordash.DeliveryWebhookPayload) error {
		panic("handler bug")
	}
	blocking := func(ctx context.Context, _ string, _ *doordash.DeliveryWebhookPayload) error {
		<-ctx.Done()
		return ctx.Err()
	}
	// chunked hides the length, so the limit must hold while reading, not
	// only against a declared Content-Length.
	chunked := func(r *http.Request) {
		r.Body = io.NopCloser(r.Body)
		r.ContentLength = -1
	}
	challenge := map[string]string{"WWW-Authenticate": `Basic realm="doordash"`}

	tests := []struct {
		name       string
		opts       []doordash.Option
		behave     func(context.Context, string, *doordash.DeliveryWebhookPayload) error
		path       string // default: the spec's channel
		body       []byte // default: known
		req        []reqOption
		sendBefore int // identical deliveries sent first, each answered 200

		wantStatus  int
		wantCode    string // error code; "" for 200
		wantCalls   int    // handler calls caused by the request under test
		wantUnknown int    // unknown-hook calls caused by it
		wantHeader  map[string]string
	}{
		{name: "known event handled", wantStatus: 200, wantCalls: 1},
		{name: "duplicate of a handled event", sendBefore: 1, wantStatus: 200},
		{name: "duplicate after two deliveries", sendBefore: 2, wantStatus: 200},
		{
			name:        "event type the spec does not know",
			body:        event(t, "DASHER_PICKED_UP", "D-status", nil),
			wantStatus:  200,
			wantUnknown: 1,
		},
		{
			name:       "event with a null event_type",
			body:       event(t, "", "D-status", map[string]any{"event_type": nil}),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name:       "event without event_type",
			body:       []byte(`{"external_delivery_id":"D-status","fee":42}`),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name:       "event_type given twice, case-folded",
			body:       []byte(`{"event_type":"DASHER_CONFIRMED","EVENT_TYPE":"DELIVERY_CANCELLED"}`),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name:       "a null body",
			body:       []byte(`null`),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name: "missing credentials", req: []reqOption{withoutAuth()},
			wantStatus: 401, wantCode: "unauthorized", wantHeader: challenge,
		},
		{
			name: "wrong password", req: []reqOption{withBasic(testUser, "guess")},
			wantStatus: 401, wantCode: "unauthorized", wantHeader: challenge,
		},
		{
			name: "wrong username", req: []reqOption{withBasic("someone-else", testPass)},
			wantStatus: 401, wantCode: "unauthorized", wantHeader: challenge,
		},
		{
			name: "another auth scheme", req: []reqOption{withHeader("Authorization", "Bearer "+testPass)},
			wantStatus: 401, wantCode: "unauthorized", wantHeader: challenge,
		},
		{
			name: "unknown event with wrong credentials", body: event(t, "DASHER_PICKED_UP", "D-status", nil),
			req:        []reqOption{withBasic(testUser, "guess")},
			wantStatus: 401, wantCode: "unauthorized", wantHeader: challenge,
		},
		{name: "body not JSON", body: []byte(`event_type=DASHER_CONFIRMED`), wantStatus: 400, wantCode: "invalid_payload"},
		{name: "empty body", body: []byte{}, wantStatus: 400, wantCode: "invalid_payload"},
		{name: "JSON array", body: []byte(`[{"event_type":"DASHER_CONFIRMED"}]`), wantStatus: 400, wantCode: "invalid_payload"},
		{name: "event_type not a string", body: []byte(`{"event_type":7}`), wantStatus: 400, wantCode: "invalid_payload"},
		{
			name:       "fee is not an integer",
			body:       event(t, "DASHER_CONFIRMED", "D-status", map[string]any{"fee": "lots"}),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name:       "fee is fractional",
			body:       event(t, "DASHER_DROPPED_OFF", "D-status", map[string]any{"fee": 4.2}),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name:       "date-time is not a date",
			body:       event(t, "DELIVERY_CANCELLED", "D-status", map[string]any{"created_at": "yesterday"}),
			wantStatus: 400, wantCode: "invalid_payload",
		},
		{
			name: "body over the limit", opts: []doordash.Option{doordash.WithBodyLimit(256)},
			body:       bodyOfSize(t, 1024),
			wantStatus: 413, wantCode: "body_too_large",
		},
		{
			name: "chunked body over the limit", opts: []doordash.Option{doordash.WithBodyLimit(256)},
			body: bodyOfSize(t, 1024), req: []reqOption{chunked},
			wantStatus: 413, wantCode: "body_too_large",
		},
		{
			name: "body at the limit", opts: []doordash.Option{doordash.WithBodyLimit(1024)},
			body: bodyOfSize(t, 1024), wantStatus: 200, wantCalls: 1,
		},
		{
			name: "GET", req: []reqOption{withMethod(http.MethodGet)},
			wantStatus: 405, wantCode: "method_not_allowed", wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name: "PUT", req: []reqOption{withMethod(http.MethodPut)},
			wantStatus: 405, wantCode: "method_not_allowed", wantHeader: map[string]string{"Allow": "POST"},
		},
		{name: "text/plain", req: []reqOption{withContentType("text/plain")}, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "form", req: []reqOption{withContentType("application/x-www-form-urlencoded")}, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "JSON with charset", req: []reqOption{withContentType("application/json; charset=utf-8")}, wantStatus: 200, wantCalls: 1},
		{name: "handler returned an error", behave: failing, wantStatus: 500, wantCode: "handler_failed", wantCalls: 1},
		{name: "handler panicked", behave: panicking, wantStatus: 500, wantCode: "handler_failed", wantCalls: 1},
		{
			name: "handler timed out", behave: blocking,
			opts:       []doordash.Option{doordash.WithHandlerTimeout(50 * time.Millisecond)},
			wantStatus: 500, wantCode: "handler_failed", wantCalls: 1,
		},
		{name: "unknown path", path: "/webhooks", wantStatus: 404, wantCode: "not_found"},
		{name: "channel path with a trailing slash", path: "/webhook/", wantStatus: 404, wantCode: "not_found"},
		// The Server finds plain channel paths without its ServeMux: escaped
		// paths must still be answered as the ServeMux answers them.
		{name: "channel path escaped", path: "/web%68ook", wantStatus: 200, wantCalls: 1},
		{name: "channel path with an escaped slash", path: "/webhook%2F", wantStatus: 404, wantCode: "not_found"},
		{name: "channel path in another case", path: "/Webhook", wantStatus: 404, wantCode: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &handler{behave: tc.behave}
			hook := new(unknownHook)
			ts := serve(t, h, append([]doordash.Option{hook.option()}, tc.opts...)...)
			path, body := tc.path, tc.body
			if path == "" {
				path = doordash.ChannelWebhook
			}
			if body == nil {
				body = known
			}
			for range tc.sendBefore {
				if a := send(t, ts.Client(), ts.URL+path, body, tc.req...); a.status != 200 {
					t.Fatalf("earlier delivery: status %d: %s", a.status, a.body)
				}
			}
			calls, unknown := len(h.Calls()), len(hook.deliveries())

			a := send(t, ts.Client(), ts.URL+path, body, tc.req...)

			if a.status != tc.wantStatus {
				t.Errorf("status %d, want %d (body %q)", a.status, tc.wantStatus, a.body)
			}
			if a.status != http.StatusOK {
				checkErrorBody(t, a, tc.wantCode)
			}
			for k, v := range tc.wantHeader {
				if got := a.header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if got := len(h.Calls()) - calls; got != tc.wantCalls {
				t.Errorf("handler ran %d times for this request, want %d (calls %v)", got, tc.wantCalls, messages(h.Calls()))
			}
			if got := len(hook.deliveries()) - unknown; got != tc.wantUnknown {
				t.Errorf("unknown-event hook ran %d times, want %d", got, tc.wantUnknown)
			}
		})
	}
}

// TestUnknownEventHook checks that an event type the spec lacks (DoorDash
// documents DASHER_PICKED_UP; the seed does not) is acknowledged and given to
// the hook whole: raw body bytes and headers, so nothing is lost.
func TestUnknownEventHook(t *testing.T) {
	h := new(handler)
	hook := new(unknownHook)
	ts := serve(t, h, hook.option())
	// Hand-formatted, with a field the schema lacks: the hook must see
	// these exact bytes, not a re-encoding.
	body := []byte(`{ "event_type": "DASHER_PICKED_UP",  "external_delivery_id": "D-777", "dasher_location": {"lat": 1, "lng": 2} }`)

	a := send(t, ts.Client(), webhookURL(ts), body, withHeader("X-Request-Id", "req-42"))

	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if calls := h.Calls(); len(calls) != 0 {
		t.Errorf("handler ran for an unknown event: %v", messages(calls))
	}
	seen := hook.deliveries()
	if len(seen) != 1 {
		t.Fatalf("hook ran %d times, want 1", len(seen))
	}
	d := seen[0]
	if !bytes.Equal(d.Body, body) {
		t.Errorf("hook body %q, want the raw %q", d.Body, body)
	}
	if got := d.Header.Get("X-Request-Id"); got != "req-42" {
		t.Errorf("hook header X-Request-Id %q, want req-42", got)
	}
	if got := d.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("hook header Content-Type %q", got)
	}
	if d.Channel != doordash.ChannelWebhook || d.Message != "" {
		t.Errorf("hook delivery channel %q message %q, want %q and none", d.Channel, d.Message, doordash.ChannelWebhook)
	}
	if d.Received.IsZero() {
		t.Error("hook delivery has no receive time")
	}

	// A provider re-sending the unknown event is still acknowledged.
	if a := send(t, ts.Client(), webhookURL(ts), body); a.status != http.StatusOK {
		t.Errorf("re-sent unknown event: status %d", a.status)
	}
}

// TestUnknownEventWithoutHook: with no hook configured, an unknown event is
// still acknowledged (the contract's 200) and no Handle method runs.
func TestUnknownEventWithoutHook(t *testing.T) {
	h := new(handler)
	ts := serve(t, h)
	a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_PICKED_UP", "D-1", nil))
	if a.status != http.StatusOK {
		t.Errorf("status %d, want 200", a.status)
	}
	if calls := h.Calls(); len(calls) != 0 {
		t.Errorf("handler ran: %v", messages(calls))
	}
}

// TestUnknownEventHookFailure: a hook that fails did not take the event, so
// the provider must get 500 and retry.
func TestUnknownEventHookFailure(t *testing.T) {
	ts := serve(t, new(handler), doordash.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		return errors.New("queue full")
	}))
	a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_PICKED_UP", "D-1", nil))
	if a.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", a.status)
	}
	checkErrorBody(t, a, "handler_failed")
}

// countingDeduper counts the calls that reach the store.
type countingDeduper struct {
	webhook.Deduper
	claims, commits, releases atomic.Int64
}

func (c *countingDeduper) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	c.claims.Add(1)
	return c.Deduper.Claim(ctx, key)
}

func (c *countingDeduper) Commit(ctx context.Context, key string) error {
	c.commits.Add(1)
	return c.Deduper.Commit(ctx, key)
}

func (c *countingDeduper) Release(ctx context.Context, key string) error {
	c.releases.Add(1)
	return c.Deduper.Release(ctx, key)
}

// TestAuthFailureNeverReachesDeduper: an attacker without credentials must
// not be able to mark an event id as seen (and so suppress the real event),
// nor fill the store.
func TestAuthFailureNeverReachesDeduper(t *testing.T) {
	store := &countingDeduper{Deduper: webhook.NewMemoryDeduper(0, 0)}
	h := new(handler)
	ts := serve(t, h, doordash.WithDeduper(store))
	body := event(t, "DASHER_CONFIRMED", "D-forged", nil)

	for _, opt := range []reqOption{withoutAuth(), withBasic(testUser, "guess"), withBasic("x", testPass), withHeader("Authorization", "Basic !!!")} {
		if a := send(t, ts.Client(), webhookURL(ts), body, opt); a.status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", a.status)
		}
	}
	if n := store.claims.Load() + store.commits.Load() + store.releases.Load(); n != 0 {
		t.Fatalf("rejected deliveries reached the de-duplication store %d times", n)
	}

	// The same body with valid credentials is then handled: the forgeries
	// left no trace.
	if a := send(t, ts.Client(), webhookURL(ts), body); a.status != http.StatusOK {
		t.Fatalf("genuine delivery: status %d: %s", a.status, a.body)
	}
	if len(h.Calls()) != 1 || store.claims.Load() != 1 || store.commits.Load() != 1 {
		t.Errorf("genuine delivery: %d calls, %d claims, %d commits; want 1 each", len(h.Calls()), store.claims.Load(), store.commits.Load())
	}
}

// TestDeliveryFromContext: a handler can reach the raw delivery (to store or
// re-verify it) from its context.
func TestDeliveryFromContext(t *testing.T) {
	var got atomic.Pointer[webhook.Delivery]
	h := &handler{behave: func(ctx context.Context, _ string, _ *doordash.DeliveryWebhookPayload) error {
		d, ok := webhook.DeliveryFrom(ctx)
		if !ok {
			return errors.New("no delivery in the context")
		}
		cp := *d
		got.Store(&cp)
		return nil
	}}
	ts := serve(t, h)
	body := event(t, "DASHER_DROPPED_OFF", "D-ctx", nil)

	before := time.Now()
	a := send(t, ts.Client(), webhookURL(ts), body, withHeader("X-Request-Id", "req-7"))
	after := time.Now()

	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	d := got.Load()
	if d == nil {
		t.Fatal("handler did not run")
	}
	if !bytes.Equal(d.Body, body) {
		t.Errorf("Body %q, want %q", d.Body, body)
	}
	if d.Header.Get("X-Request-Id") != "req-7" {
		t.Errorf("Header lacks X-Request-Id: %v", d.Header)
	}
	// DoorDash names no correlationId: the event id is the body's SHA-256.
	if sum := sha256.Sum256(body); d.EventID != hex.EncodeToString(sum[:]) {
		t.Errorf("EventID %q, want the body's SHA-256 %x", d.EventID, sum)
	}
	if d.Received.Before(before) || d.Received.After(after) {
		t.Errorf("Received %v, not within the request (%v .. %v)", d.Received, before, after)
	}
	if d.Channel != doordash.ChannelWebhook || d.Message != "DasherDroppedOff" {
		t.Errorf("Channel %q Message %q", d.Channel, d.Message)
	}
}

// TestNewServerFailsClosed: no credentials means no server, unless the caller
// says so explicitly; an empty password is no credential.
func TestNewServerFailsClosed(t *testing.T) {
	if _, err := doordash.NewServer(new(handler)); err == nil {
		t.Error("NewServer started without any credentials")
	}

	srv, err := doordash.NewServer(new(handler), doordash.AllowUnauthenticated())
	if err != nil {
		t.Fatalf("AllowUnauthenticated: %v", err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_CONFIRMED", "D-open", nil), withoutAuth()); a.status != http.StatusOK {
		t.Errorf("unauthenticated server: status %d: %s", a.status, a.body)
	}

	// A credential with an empty password (an unset variable) must not
	// open the door to everyone.
	h := new(handler)
	srv, err = doordash.NewServer(h, doordash.WithBasicAuth(webhook.Credential{Username: testUser}))
	if err == nil {
		ts := httptest.NewServer(srv)
		defer ts.Close()
		for _, opt := range []reqOption{withoutAuth(), withBasic(testUser, "")} {
			if a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_CONFIRMED", "D-empty", nil), opt); a.status != http.StatusUnauthorized {
				t.Errorf("empty-password credential: status %d, want 401", a.status)
			}
		}
		if len(h.Calls()) != 0 {
			t.Error("handler ran behind an empty password")
		}
	}
}

// TestWebhookHandlerOnCustomPath: the per-channel handler works wherever the
// provider was told to send, with the same rules.
func TestWebhookHandlerOnCustomPath(t *testing.T) {
	h := new(handler)
	srv, err := doordash.NewServer(h, basicAuth())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/partners/doordash", srv.WebhookHandler())
	ts := httptest.NewServer(mux)
	defer ts.Close()
	url := ts.URL + "/partners/doordash"
	body := event(t, "DELIVERY_BATCHED", "D-mux", nil)

	if a := send(t, ts.Client(), url, body); a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if got := messages(h.Calls()); !slices.Equal(got, []string{"DeliveryBatched"}) {
		t.Errorf("calls %v, want [DeliveryBatched]", got)
	}
	if a := send(t, ts.Client(), url, body); a.status != http.StatusOK || len(h.Calls()) != 1 {
		t.Errorf("duplicate: status %d, %d calls; want 200 and still 1", a.status, len(h.Calls()))
	}
	a := send(t, ts.Client(), url, body, withBasic(testUser, "guess"))
	if a.status != http.StatusUnauthorized {
		t.Errorf("wrong password on the custom path: status %d, want 401", a.status)
	}
	checkErrorBody(t, a, "unauthorized")
}

// TestLiteralExamplesReachDasherConfirmed: the seed's examples all say
// DASHER_CONFIRMED whatever message they are listed under (specs/overlays
// corrects them in the package's Examples). Sent as the seed has them,
// routing follows the body, not the spec's listing: each reaches
// HandleDasherConfirmed.
func TestLiteralExamplesReachDasherConfirmed(t *testing.T) {
	examples := doordash.Examples()
	if len(examples) != 9 {
		t.Fatalf("%d examples, want 9 (one per message)", len(examples))
	}
	total := 0
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			h := new(handler)
			ts := serve(t, h)
			a := send(t, ts.Client(), ts.URL+ex.Channel, withEventType(ex.Payload, "DASHER_CONFIRMED"))
			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			calls := h.Calls()
			if got := messages(calls); !slices.Equal(got, []string{"DasherConfirmed"}) {
				t.Fatalf("calls %v, want [DasherConfirmed]", got)
			}
			if ev := calls[0].Event.(*doordash.DeliveryWebhookPayload); ev.GetEventType() != doordash.DeliveryWebhookPayloadEventTypeDasherConfirmed {
				t.Errorf("event_type %q", ev.GetEventType())
			}
			total++
		})
	}
	if total != 9 {
		t.Errorf("HandleDasherConfirmed reached %d times, want 9", total)
	}
}

// TestEventTypeSelectsMethod: each message's own event_type reaches its own
// method, with typed values decoded.
func TestEventTypeSelectsMethod(t *testing.T) {
	wantTime := time.Date(2026, 6, 2, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		eventType doordash.DeliveryWebhookPayloadEventType
		message   string
	}{
		{doordash.DeliveryWebhookPayloadEventTypeDasherConfirmed, "DasherConfirmed"},
		{doordash.DeliveryWebhookPayloadEventTypeDasherConfirmedPickupArrival, "DasherConfirmedPickupArrival"},
		{doordash.DeliveryWebhookPayloadEventTypeDasherConfirmedDropoffArrival, "DasherConfirmedDropoffArrival"},
		{doordash.DeliveryWebhookPayloadEventTypeDasherDroppedOff, "DasherDroppedOff"},
		{doordash.DeliveryWebhookPayloadEventTypeDeliveryReturnInitialized, "DeliveryReturnInitialized"},
		{doordash.DeliveryWebhookPayloadEventTypeDasherConfirmedReturnArrival, "DasherConfirmedReturnArrival"},
		{doordash.DeliveryWebhookPayloadEventTypeDeliveryReturned, "DeliveryReturned"},
		{doordash.DeliveryWebhookPayloadEventTypeDeliveryCancelled, "DeliveryCancelled"},
		{doordash.DeliveryWebhookPayloadEventTypeDeliveryBatched, "DeliveryBatched"},
	}
	for _, tc := range tests {
		t.Run(tc.message, func(t *testing.T) {
			h := new(handler)
			ts := serve(t, h)
			a := send(t, ts.Client(), webhookURL(ts), event(t, string(tc.eventType), "D-"+tc.message, nil))
			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			calls := h.Calls()
			if got := messages(calls); !slices.Equal(got, []string{tc.message}) {
				t.Fatalf("calls %v, want [%s]", got, tc.message)
			}
			ev := calls[0].Event.(*doordash.DeliveryWebhookPayload)
			if ev.GetEventType() != tc.eventType || !ev.GetEventType().Known() {
				t.Errorf("event_type %q (known %v), want %q", ev.GetEventType(), ev.GetEventType().Known(), tc.eventType)
			}
			if ev.GetExternalDeliveryID() != "D-"+tc.message {
				t.Errorf("external_delivery_id %q", ev.GetExternalDeliveryID())
			}
			if ev.GetFee() != 42 || ev.GetTip() != 42 || ev.GetDasherID() != 42 {
				t.Errorf("fee %d tip %d dasher_id %d, want 42", ev.GetFee(), ev.GetTip(), ev.GetDasherID())
			}
			if !ev.GetPickupTimeEstimated().Equal(wantTime) || !ev.GetUpdatedAt().Equal(wantTime) {
				t.Errorf("pickup_time_estimated %v updated_at %v, want %v", ev.GetPickupTimeEstimated(), ev.GetUpdatedAt(), wantTime)
			}
			if ev.GetDasherLocationLat() != 37.422 || ev.GetDasherLocationLng() != -122.084 || !ev.GetContainsAlcohol() {
				t.Errorf("lat %v lng %v alcohol %v", ev.GetDasherLocationLat(), ev.GetDasherLocationLng(), ev.GetContainsAlcohol())
			}
		})
	}
}

// TestOptionalFieldsStayAbsent: an omitted field is nil, not a zero that
// looks like data (DoorDash omits empty fields).
func TestOptionalFieldsStayAbsent(t *testing.T) {
	h := new(handler)
	ts := serve(t, h)
	body := event(t, "DASHER_CONFIRMED", "D-sparse", map[string]any{"fee": 0, "tip": nil, "pickup_time_actual": nil, "contains_alcohol": false})
	if a := send(t, ts.Client(), webhookURL(ts), body); a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	ev := h.Calls()[0].Event.(*doordash.DeliveryWebhookPayload)
	if ev.Fee == nil || *ev.Fee != 0 {
		t.Errorf("fee 0 was sent: Fee %v", ev.Fee)
	}
	if ev.Tip != nil || ev.PickupTimeActual != nil {
		t.Errorf("omitted fields decoded as present: tip %v pickup_time_actual %v", ev.Tip, ev.PickupTimeActual)
	}
	if ev.ContainsAlcohol == nil || *ev.ContainsAlcohol {
		t.Errorf("contains_alcohol false was sent: %v", ev.ContainsAlcohol)
	}
}

// dasherConfirmedOnly implements one method and embeds UnimplementedHandler
// for the rest, as the Handler docs suggest.
type dasherConfirmedOnly struct {
	doordash.UnimplementedHandler
	calls atomic.Int64
}

func (d *dasherConfirmedOnly) HandleDasherConfirmed(context.Context, *doordash.DeliveryWebhookPayload) error {
	d.calls.Add(1)
	return nil
}

// TestUnimplementedMethodIsNotAcknowledged: an event the program does not
// handle is not lost behind a 200; the provider gets 500 and retries.
func TestUnimplementedMethodIsNotAcknowledged(t *testing.T) {
	h := new(dasherConfirmedOnly)
	ts := serve(t, h)
	a := send(t, ts.Client(), webhookURL(ts), event(t, "DELIVERY_CANCELLED", "D-1", nil))
	if a.status != http.StatusInternalServerError {
		t.Fatalf("unimplemented method: status %d, want 500", a.status)
	}
	checkErrorBody(t, a, "handler_failed")
	if a := send(t, ts.Client(), webhookURL(ts), event(t, "DASHER_CONFIRMED", "D-1", nil)); a.status != http.StatusOK || h.calls.Load() != 1 {
		t.Errorf("implemented method: status %d, %d calls", a.status, h.calls.Load())
	}
}
