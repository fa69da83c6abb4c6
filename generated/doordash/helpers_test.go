package doordash_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/webhooktest"
)

// The credentials every test server accepts. They differ from the generated
// tests' on purpose: nothing here relies on package internals.
const (
	testUser = "doordash-partner"
	testPass = "c0rrect-h0rse-battery"
)

// handler is a doordash.Handler that records every call (in the order they
// arrive) and then runs behave, if set, to fail, panic or block. It embeds
// UnimplementedHandler the way users are told to, and still implements every
// method so that routing, not a missing method, decides where an event lands.
type handler struct {
	doordash.UnimplementedHandler
	webhooktest.Recorder
	quiet  bool // record nothing
	behave func(ctx context.Context, message string, event *doordash.DeliveryWebhookPayload) error
}

func (h *handler) handle(ctx context.Context, message string, event *doordash.DeliveryWebhookPayload) error {
	if !h.quiet {
		_ = h.Record(message, event, nil)
	}
	if h.behave != nil {
		return h.behave(ctx, message, event)
	}
	return nil
}

func (h *handler) HandleDasherConfirmed(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DasherConfirmed", e)
}

func (h *handler) HandleDasherConfirmedPickupArrival(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DasherConfirmedPickupArrival", e)
}

func (h *handler) HandleDasherConfirmedDropoffArrival(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DasherConfirmedDropoffArrival", e)
}

func (h *handler) HandleDasherDroppedOff(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DasherDroppedOff", e)
}

func (h *handler) HandleDeliveryReturnInitialized(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DeliveryReturnInitialized", e)
}

func (h *handler) HandleDasherConfirmedReturnArrival(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DasherConfirmedReturnArrival", e)
}

func (h *handler) HandleDeliveryReturned(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DeliveryReturned", e)
}

func (h *handler) HandleDeliveryCancelled(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DeliveryCancelled", e)
}

func (h *handler) HandleDeliveryBatched(ctx context.Context, e *doordash.DeliveryWebhookPayload) error {
	return h.handle(ctx, "DeliveryBatched", e)
}

// unknownHook records what doordash.WithUnknownEventHandler passes on.
type unknownHook struct {
	mu   sync.Mutex
	seen []webhook.Delivery
}

func (u *unknownHook) option() doordash.Option {
	return doordash.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
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

// basicAuth returns the option that makes a server accept the test
// credentials.
func basicAuth() doordash.Option {
	return doordash.WithBasicAuth(webhook.Credential{Username: testUser, Password: testPass})
}

// serve starts a generated Server with the test credentials (plus opts) on a
// loopback listener.
func serve(t testing.TB, h doordash.Handler, opts ...doordash.Option) *httptest.Server {
	t.Helper()
	srv, err := doordash.NewServer(h, append([]doordash.Option{basicAuth()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// answer is what a test keeps of a response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// reqOption changes the default request: POST, JSON, valid credentials.
type reqOption func(*http.Request)

func withMethod(m string) reqOption { return func(r *http.Request) { r.Method = m } }

func withContentType(ct string) reqOption {
	return func(r *http.Request) { r.Header.Set("Content-Type", ct) }
}

func withBasic(user, pass string) reqOption {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

func withoutAuth() reqOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

func withHeader(k, v string) reqOption { return func(r *http.Request) { r.Header.Set(k, v) } }

// send delivers body to url the way a provider would and reads the answer.
func send(t testing.TB, client *http.Client, url string, body []byte, opts ...reqOption) answer {
	t.Helper()
	a, err := post(client, url, body, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// post is send for goroutines, which must not call t.Fatal.
func post(client *http.Client, url string, body []byte, opts ...reqOption) (answer, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	for _, o := range opts {
		o(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// checkErrorBody asserts the contract's error answer: Content-Type JSON and
// {"error":{"code":..,"message":..}} with both set; wantCode, if not empty,
// is the code expected.
func checkErrorBody(t testing.TB, a answer, wantCode string) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json (body %q)", ct, a.body)
	}
	var got struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || got.Error == nil {
		t.Fatalf("error body %q is not {\"error\":{\"code\",\"message\"}}: %v", a.body, err)
	}
	if got.Error.Code == "" || got.Error.Message == "" {
		t.Errorf("error body %q lacks a code or a message", a.body)
	}
	if wantCode != "" && got.Error.Code != wantCode {
		t.Errorf("error code %q, want %q", got.Error.Code, wantCode)
	}
}

// event returns a DoorDash delivery event: the spec's first example with
// event_type and external_delivery_id replaced and, in edits, further
// properties set (a nil value deletes the property).
func event(t testing.TB, eventType, deliveryID string, edits map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doordash.Examples()[0].Payload, &m); err != nil {
		t.Fatal(err)
	}
	m["event_type"] = eventType
	m["external_delivery_id"] = deliveryID
	for k, v := range edits {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// messages lists the message names of calls, in order.
func messages(calls []webhooktest.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Message
	}
	return out
}

// webhookURL is the spec's channel on a test server.
func webhookURL(ts *httptest.Server) string {
	return ts.URL + doordash.ChannelWebhook
}

// bodyOfSize returns a JSON event of exactly n bytes (n well above the
// size of the base event), padded in a property the schema does not know.
func bodyOfSize(t testing.TB, n int) []byte {
	t.Helper()
	base := event(t, "DASHER_CONFIRMED", "D-big", map[string]any{"padding": ""})
	pad := n - len(base)
	if pad < 0 {
		t.Fatalf("cannot make a %d-byte body: the base is %d bytes", n, len(base))
	}
	out := bytes.Replace(base, []byte(`"padding":""`), []byte(`"padding":"`+strings.Repeat("x", pad)+`"`), 1)
	if len(out) != n {
		t.Fatalf("padded body is %d bytes, want %d", len(out), n)
	}
	return out
}
