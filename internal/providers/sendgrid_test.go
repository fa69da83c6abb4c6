package providers_test

// SendGrid's Event Webhook, sent to the generated sendgrid.Server the way
// SendGrid sends it ("Getting Started with the Event Webhook Security
// Features"): X-Twilio-Email-Event-Webhook-Signature is the base64 of the
// DER ECDSA (P-256) signature of the SHA-256 of the
// X-Twilio-Email-Event-Webhook-Timestamp header's value followed by the raw
// body; the receiver is given the verification key as SendGrid shows it,
// the base64 of its DER SubjectPublicKeyInfo. The key pair is generated
// here and the signatures made with crypto/ecdsa, not with hookgen's test
// kit. The body is a batch: each event reaches the method of its kind,
// once per sg_event_id (specs/sendgrid.yaml).

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/sendgrid"
	"github.com/hookgen/hookgen/webhook"
)

// The example of SendGrid's Event Webhook Reference, one event of each
// delivery and engagement kind, in the page's order. The page gives every
// event the placeholder id "sg_event_id"; real deliveries give each event
// its own, and so does this test (one id for all six would make five of
// them duplicates of the first). Written on one line and ending in CRLF:
// the signature covers the body byte for byte, whatever its layout.
var sendgridReference = []string{
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"sg_event_id_processed","sg_message_id":"sg_message_id"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"deferred","ip":"168.1.1.1","category":"cat facts","sg_event_id":"sg_event_id_deferred","sg_message_id":"sg_message_id","response":"400 try again later","attempt":"5"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","ip":"168.1.1.1","category":"cat facts","sg_event_id":"sg_event_id_delivered","sg_message_id":"sg_message_id","response":"250 OK"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"open","sg_machine_open":false,"category":"cat facts","sg_event_id":"sg_event_id_open","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"255.255.255.255"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"click","category":"cat facts","sg_event_id":"sg_event_id_click","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"255.255.255.255","url":"http://www.sendgrid.com/"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"bounce","category":"cat facts","sg_event_id":"sg_event_id_bounce","sg_message_id":"sg_message_id","reason":"500 unknown recipient","status":"5.0.0","type":"bounce"}`,
}

// The page's examples of the other kinds, one each, ids made distinct as
// above.
var sendgridOthers = []string{
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"dropped","category":"cat facts","sg_event_id":"sg_event_id_dropped","sg_message_id":"sg_message_id","reason":"Bounced Address","status":"5.0.0"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"spamreport","sg_event_id":"sg_event_id_spamreport","sg_message_id":"sg_message_id"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"unsubscribe","category":"cat facts","sg_event_id":"sg_event_id_unsubscribe","sg_message_id":"sg_message_id"}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"group_unsubscribe","category":"cat facts","sg_event_id":"sg_event_id_group_unsubscribe","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"255.255.255.255","url":"http://www.sendgrid.com/","asm_group_id":10}`,
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"group_resubscribe","category":"cat facts","sg_event_id":"sg_event_id_group_resubscribe","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"000.000.000.000","url":"http://www.sendgrid.com/","asm_group_id":10}`,
}

var sendgridEvents = "[" + strings.Join(sendgridReference, ",") + "]\r\n"

const (
	sendgridSignature = "X-Twilio-Email-Event-Webhook-Signature"
	sendgridTimestamp = "X-Twilio-Email-Event-Webhook-Timestamp"
)

func sendgridKey(t testing.TB) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k, base64.StdEncoding.EncodeToString(der)
}

// sendgridSign is the signature header's value as SendGrid computes it.
func sendgridSign(t testing.TB, k *ecdsa.PrivateKey, ts, body string) string {
	t.Helper()
	digest := sha256.Sum256([]byte(ts + body))
	sig, err := ecdsa.SignASN1(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func sendgridRequest(url, body, ts, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "SendGrid Event API")
	if sig != "" {
		r.Header.Set(sendgridSignature, sig)
	}
	if ts != "" {
		r.Header.Set(sendgridTimestamp, ts)
	}
	return r
}

// sendgridHandler records each call as kind:sg_event_id, keeps the last
// event of each kind, and fails the events whose id is in fail.
type sendgridHandler struct {
	mu     sync.Mutex
	calls  []string
	last   map[string]any
	fail   map[string]bool
	errors []string // what was wrong with a call's context
}

func (h *sendgridHandler) handle(ctx context.Context, message, kind, id string, event any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, kind+":"+id)
	if h.last == nil {
		h.last = map[string]any{}
	}
	h.last[kind] = event
	// Each element is a delivery of its own: its message, its id, its bytes.
	if d, ok := webhook.DeliveryFrom(ctx); !ok || d.Message != message || d.EventID != id || !strings.Contains(string(d.Body), `"sg_event_id":"`+id+`"`) || strings.HasPrefix(string(d.Body), "[") {
		h.errors = append(h.errors, fmt.Sprintf("%s: delivery %+v", id, d))
	}
	if h.fail[id] {
		return errors.New("the store is down")
	}
	return nil
}

// took returns the calls since the last took.
func (h *sendgridHandler) took() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := strings.Join(h.calls, " ")
	h.calls = nil
	return out
}

func (h *sendgridHandler) HandleProcessed(ctx context.Context, e *sendgrid.Processed) error {
	return h.handle(ctx, "Processed", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleDropped(ctx context.Context, e *sendgrid.Dropped) error {
	return h.handle(ctx, "Dropped", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleDelivered(ctx context.Context, e *sendgrid.Delivered) error {
	return h.handle(ctx, "Delivered", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleDeferred(ctx context.Context, e *sendgrid.Deferred) error {
	return h.handle(ctx, "Deferred", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleBounce(ctx context.Context, e *sendgrid.Bounce) error {
	return h.handle(ctx, "Bounce", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleOpen(ctx context.Context, e *sendgrid.Open) error {
	return h.handle(ctx, "Open", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleClick(ctx context.Context, e *sendgrid.Click) error {
	return h.handle(ctx, "Click", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleSpamReport(ctx context.Context, e *sendgrid.SpamReport) error {
	return h.handle(ctx, "SpamReport", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleUnsubscribe(ctx context.Context, e *sendgrid.Unsubscribe) error {
	return h.handle(ctx, "Unsubscribe", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleGroupUnsubscribe(ctx context.Context, e *sendgrid.GroupUnsubscribe) error {
	return h.handle(ctx, "GroupUnsubscribe", e.Event, e.SgEventID, e)
}
func (h *sendgridHandler) HandleGroupResubscribe(ctx context.Context, e *sendgrid.GroupResubscribe) error {
	return h.handle(ctx, "GroupResubscribe", e.Event, e.SgEventID, e)
}

func newSendGrid(t *testing.T, h *sendgridHandler, opts ...sendgrid.Option) string {
	t.Helper()
	srv, err := sendgrid.NewServer(h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/webhook"
}

// sgEvent is what every event type has.
type sgEvent interface {
	GetEmail() string
	GetTimestamp() int64
	GetSMTPID() string
	GetSgMessageID() string
	GetCategory() sendgrid.EventCategory
}

func TestSendGridSignedEvents(t *testing.T) {
	key, verification := sendgridKey(t)
	_, retired := sendgridKey(t)
	h := new(sendgridHandler)
	var unknown []string
	// The key being replaced and the new one, side by side.
	url := newSendGrid(t, h, sendgrid.WithSignedEventWebhook(retired, verification),
		sendgrid.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
			unknown = append(unknown, string(d.Body))
			return nil
		}))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sendgridSign(t, key, now, sendgridEvents)
	if code := do(t, sendgridRequest(url, sendgridEvents, now, sig)).status; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if got, want := h.took(), "processed:sg_event_id_processed deferred:sg_event_id_deferred delivered:sg_event_id_delivered open:sg_event_id_open click:sg_event_id_click bounce:sg_event_id_bounce"; got != want {
		t.Fatalf("calls %s, want %s", got, want)
	}
	for kind, e := range h.last {
		c := e.(sgEvent)
		if cat, err := c.GetCategory().AsString(); err != nil || cat != "cat facts" || c.GetEmail() != "example@test.com" || c.GetTimestamp() != 1513299569 || c.GetSMTPID() != "<14c5d75ce93.dfd.64b469@ismtpd-555>" || c.GetSgMessageID() != "sg_message_id" {
			t.Errorf("%s: %+v (category %q, %v)", kind, e, cat, err)
		}
	}
	if e := h.last["processed"].(*sendgrid.Processed); e.Event != sendgrid.ProcessedEvent || e.Pool != nil {
		t.Errorf("processed %+v", e)
	}
	if e := h.last["deferred"].(*sendgrid.Deferred); e.GetAttempt() != "5" || e.GetResponse() != "400 try again later" || e.GetIP() != "168.1.1.1" {
		t.Errorf("deferred %+v", e)
	}
	if e := h.last["delivered"].(*sendgrid.Delivered); e.GetResponse() != "250 OK" || e.GetIP() != "168.1.1.1" || e.TLS != nil {
		t.Errorf("delivered %+v", e)
	}
	if e := h.last["open"].(*sendgrid.Open); e.SgMachineOpen == nil || *e.SgMachineOpen || e.GetIP() != "255.255.255.255" || !strings.HasPrefix(e.GetUseragent(), "Mozilla/4.0 (compatible; MSIE 6.1;") {
		t.Errorf("open %+v", e)
	}
	if e := h.last["click"].(*sendgrid.Click); e.GetURL() != "http://www.sendgrid.com/" || e.GetIP() != "255.255.255.255" || !strings.HasSuffix(e.GetUseragent(), ".NET CLR 2.0.50727)") {
		t.Errorf("click %+v", e)
	}
	if e := h.last["bounce"].(*sendgrid.Bounce); e.GetReason() != "500 unknown recipient" || e.GetStatus() != "5.0.0" || e.GetType() != "bounce" {
		t.Errorf("bounce %+v", e)
	}

	// SendGrid retries the same request: acknowledged, nothing run again.
	if code := do(t, sendgridRequest(url, sendgridEvents, now, sig)).status; code != http.StatusOK {
		t.Errorf("retry: status %d", code)
	}
	if got := h.took(); got != "" {
		t.Errorf("retry ran %s", got)
	}

	// The other kinds, in a batch signed long ago: no tolerance is set
	// (SendGrid documents none and retries for a day), so it is accepted
	// as signed. With them a bounce with several categories, a repeat of
	// an event already handled, and an account event, a kind this spec
	// does not describe, which is acknowledged through the unknown-event
	// hook.
	const (
		blocked = `{"email":"example@test.com","timestamp":1513299570,"event":"bounce","category":["cat facts","dogs"],"sg_event_id":"sg_event_id_blocked","reason":"550 blocked","type":"blocked"}`
		account = `{"event":"account_status_change","sg_event_id":"sg_event_id_account","timestamp":1513299570,"type":"compliance_suspend"}`
		then    = "1513299570"
	)
	late := "[" + strings.Join(append(append([]string{}, sendgridOthers...), blocked, sendgridReference[0], account), ",") + "]"
	if code := do(t, sendgridRequest(url, late, then, sendgridSign(t, key, then, late))).status; code != http.StatusOK {
		t.Fatalf("old timestamp: status %d", code)
	}
	if got, want := h.took(), "dropped:sg_event_id_dropped spamreport:sg_event_id_spamreport unsubscribe:sg_event_id_unsubscribe group_unsubscribe:sg_event_id_group_unsubscribe group_resubscribe:sg_event_id_group_resubscribe bounce:sg_event_id_blocked"; got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	if len(unknown) != 1 || unknown[0] != account {
		t.Errorf("unknown-event hook got %q", unknown)
	}
	if e := h.last["dropped"].(*sendgrid.Dropped); e.GetReason() != "Bounced Address" || e.GetStatus() != "5.0.0" || e.Event != sendgrid.DroppedEvent {
		t.Errorf("dropped %+v", e)
	}
	if e := h.last["spamreport"].(*sendgrid.SpamReport); e.Category != nil || e.GetSgMessageID() != "sg_message_id" {
		t.Errorf("spamreport %+v", e)
	}
	if e := h.last["unsubscribe"].(*sendgrid.Unsubscribe); e.GetEmail() != "example@test.com" || e.AsmGroupID != nil {
		t.Errorf("unsubscribe %+v", e)
	}
	if e := h.last["group_unsubscribe"].(*sendgrid.GroupUnsubscribe); e.GetAsmGroupID() != 10 || e.GetURL() != "http://www.sendgrid.com/" || e.GetIP() != "255.255.255.255" {
		t.Errorf("group_unsubscribe %+v", e)
	}
	if e := h.last["group_resubscribe"].(*sendgrid.GroupResubscribe); e.GetAsmGroupID() != 10 || e.GetIP() != "000.000.000.000" || !strings.HasPrefix(e.GetUseragent(), "Mozilla/4.0") {
		t.Errorf("group_resubscribe %+v", e)
	}
	b := h.last["bounce"].(*sendgrid.Bounce)
	if cats, err := b.GetCategory().AsString2(); err != nil || len(cats) != 2 || cats[1] != "dogs" || b.GetType() != "blocked" || b.SgMessageID != nil {
		t.Errorf("blocked %+v: categories %q, %v", b, cats, err)
	}
	if len(h.errors) != 0 {
		t.Errorf("calls saw the wrong delivery: %q", h.errors)
	}
}

// TestSendGridRetry: one event of the request fails, so the request is
// 500; SendGrid retries the same signed request, and only the event that
// failed runs again, until it succeeds and the request is 200.
func TestSendGridRetry(t *testing.T) {
	key, verification := sendgridKey(t)
	h := &sendgridHandler{fail: map[string]bool{"sg_event_id_open": true}}
	url := newSendGrid(t, h, sendgrid.WithSignedEventWebhook(verification))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sendgridSign(t, key, now, sendgridEvents)
	send := func() int { return do(t, sendgridRequest(url, sendgridEvents, now, sig)).status }

	if code := send(); code != http.StatusInternalServerError {
		t.Fatalf("a request with a failed event: status %d, want 500", code)
	}
	if got, want := h.took(), "processed:sg_event_id_processed deferred:sg_event_id_deferred delivered:sg_event_id_delivered open:sg_event_id_open click:sg_event_id_click bounce:sg_event_id_bounce"; got != want {
		t.Errorf("first delivery ran %s, want %s", got, want)
	}
	if code := send(); code != http.StatusInternalServerError {
		t.Fatalf("retry with the event still failing: status %d, want 500", code)
	}
	if got := h.took(); got != "open:sg_event_id_open" {
		t.Errorf("retry ran %s, want the open event alone", got)
	}
	h.mu.Lock()
	h.fail = nil
	h.mu.Unlock()
	if code := send(); code != http.StatusOK {
		t.Fatalf("retry once the event succeeds: status %d, want 200", code)
	}
	if got := h.took(); got != "open:sg_event_id_open" {
		t.Errorf("second retry ran %s, want the open event alone", got)
	}
	if code := send(); code != http.StatusOK || h.took() != "" {
		t.Errorf("a request of handled events: status %d, want 200 and no call", code)
	}
	if len(h.errors) != 0 {
		t.Errorf("calls saw the wrong delivery: %q", h.errors)
	}
}

func TestSendGridRefused(t *testing.T) {
	key, verification := sendgridKey(t)
	other, _ := sendgridKey(t)
	h := new(sendgridHandler)
	url := newSendGrid(t, h, sendgrid.WithSignedEventWebhook(verification))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	good := sendgridSign(t, key, now, sendgridEvents)
	der, _ := base64.StdEncoding.DecodeString(good)
	for _, c := range []struct {
		name string
		r    *http.Request
	}{
		{"signature by another key", sendgridRequest(url, sendgridEvents, now, sendgridSign(t, other, now, sendgridEvents))},
		{"one event of another kind", sendgridRequest(url, strings.Replace(sendgridEvents, `"event":"bounce"`, `"event":"delivered"`, 1), now, good)},
		{"one event's url changed", sendgridRequest(url, strings.Replace(sendgridEvents, `"url":"http://www.sendgrid.com/"`, `"url":"http://www.sendgrid.com/x"`, 1), now, good)},
		{"one event's id changed", sendgridRequest(url, strings.Replace(sendgridEvents, `"sg_event_id_open"`, `"sg_event_id_opem"`, 1), now, good)},
		{"an event added", sendgridRequest(url, strings.Replace(sendgridEvents, "[", "["+sendgridOthers[1]+",", 1), now, good)},
		{"an event removed", sendgridRequest(url, strings.Replace(sendgridEvents, ","+sendgridReference[5], "", 1), now, good)},
		{"CRLF dropped", sendgridRequest(url, strings.TrimSuffix(sendgridEvents, "\r\n"), now, good)},
		{"another timestamp", sendgridRequest(url, sendgridEvents, strconv.FormatInt(time.Now().Unix()+1, 10), good)},
		{"signature not base64", sendgridRequest(url, sendgridEvents, now, "!"+good[1:])},
		{"DER cut short", sendgridRequest(url, sendgridEvents, now, base64.StdEncoding.EncodeToString(der[:len(der)-3]))},
		{"signature in hex", sendgridRequest(url, sendgridEvents, now, strings.ToLower(strings.NewReplacer("+", "", "/", "", "=", "").Replace(good)))},
		{"no signature", sendgridRequest(url, sendgridEvents, now, "")},
		{"no timestamp", sendgridRequest(url, sendgridEvents, "", sendgridSign(t, key, "", sendgridEvents))},
	} {
		if code := do(t, c.r).status; code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, code)
		}
	}
	if got := h.took(); got != "" {
		t.Errorf("handler called: %s", got)
	}
	// Refused requests claim no event: the genuine request then runs all six.
	if code := do(t, sendgridRequest(url, sendgridEvents, now, good)).status; code != http.StatusOK || strings.Count(h.took(), ":") != 6 {
		t.Errorf("the genuine request after the attacks: status %d", code)
	}
}

func TestSendGridMalformedKey(t *testing.T) {
	_, verification := sendgridKey(t)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edDER, _ := x509.MarshalPKIXPublicKey(edPub)
	for name, key := range map[string]string{
		"cut short":         verification[:40],
		"not base64":        "MFkw" + strings.Repeat("*", 20),
		"an Ed25519 key":    base64.StdEncoding.EncodeToString(edDER),
		"no key at all":     " ",
		"PEM without a key": "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
	} {
		if _, err := sendgrid.NewServer(new(sendgridHandler), sendgrid.WithSignedEventWebhook(key)); err == nil || !strings.Contains(err.Error(), "security scheme signedEventWebhook") {
			t.Errorf("%s: NewServer gave %v, want an error naming the scheme", name, err)
		}
	}
}
