package providers_test

// SendGrid's Event Webhook, sent to the generated sendgrid.Server the way
// SendGrid sends it ("Getting Started with the Event Webhook Security
// Features"): X-Twilio-Email-Event-Webhook-Signature is the base64 of the
// DER ECDSA (P-256) signature of the SHA-256 of the
// X-Twilio-Email-Event-Webhook-Timestamp header's value followed by the raw
// body; the receiver is given the verification key as SendGrid shows it,
// the base64 of its DER SubjectPublicKeyInfo. The key pair is generated
// here and the signatures made with crypto/ecdsa, not with hookgen's test
// kit. The whole batch is one HandleEventBatch call for now (see
// specs/sendgrid.yaml).

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/sendgrid"
)

// The example of SendGrid's Event Webhook Reference, one event of each
// delivery and engagement kind, written on one line and ending in CRLF:
// the signature covers the body byte for byte, whatever its layout.
const sendgridEvents = `[{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id"},` +
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"deferred","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","response":"400 try again later","attempt":"5"},` +
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","response":"250 OK"},` +
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"open","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"255.255.255.255"},` +
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"click","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)","ip":"255.255.255.255","url":"http://www.sendgrid.com/"},` +
	`{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"bounce","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","reason":"500 unknown recipient","status":"5.0.0","type":"bounce"}]` + "\r\n"

const (
	sendgridSignature = "X-Twilio-Email-Event-Webhook-Signature"
	sendgridTimestamp = "X-Twilio-Email-Event-Webhook-Timestamp"
)

func sendgridKey(t *testing.T) (*ecdsa.PrivateKey, string) {
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
func sendgridSign(t *testing.T, k *ecdsa.PrivateKey, ts, body string) string {
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

type sendgridHandler struct {
	sendgrid.UnimplementedHandler
	batches [][]sendgrid.Event
}

func (h *sendgridHandler) HandleEventBatch(_ context.Context, events []sendgrid.Event) error {
	h.batches = append(h.batches, events)
	return nil
}

func newSendGrid(t *testing.T, keys ...string) (*httptest.Server, *sendgridHandler) {
	t.Helper()
	h := new(sendgridHandler)
	srv, err := sendgrid.NewServer(h, sendgrid.WithSignedEventWebhook(keys...))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, h
}

func TestSendGridSignedEvents(t *testing.T) {
	key, verification := sendgridKey(t)
	_, retired := sendgridKey(t)
	// The key being replaced and the new one, side by side.
	ts, h := newSendGrid(t, retired, verification)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sendgridSign(t, key, now, sendgridEvents)
	if code := do(t, sendgridRequest(ts.URL+"/webhook", sendgridEvents, now, sig)).status; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if len(h.batches) != 1 || len(h.batches[0]) != 6 {
		t.Fatalf("batches %v", h.batches)
	}
	ev := h.batches[0]
	kinds := []sendgrid.EventKind{sendgrid.EventKindProcessed, sendgrid.EventKindDeferred, sendgrid.EventKindDelivered, sendgrid.EventKindOpen, sendgrid.EventKindClick, sendgrid.EventKindBounce}
	for i, e := range ev {
		if e.Event != kinds[i] || !e.Event.Known() || e.Email != "example@test.com" || e.Timestamp != 1513299569 || e.GetSgEventID() != "sg_event_id" || e.GetSMTPID() != "<14c5d75ce93.dfd.64b469@ismtpd-555>" {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	if cat, err := ev[0].GetCategory().AsString(); err != nil || cat != "cat facts" {
		t.Errorf("category %q, %v", cat, err)
	}
	if ev[1].GetAttempt() != "5" || ev[1].GetResponse() != "400 try again later" || ev[2].GetResponse() != "250 OK" {
		t.Errorf("deferred %+v, delivered %+v", ev[1], ev[2])
	}
	if ev[3].GetIP() != "255.255.255.255" || !strings.HasPrefix(ev[3].GetUseragent(), "Mozilla/4.0") || ev[4].GetURL() != "http://www.sendgrid.com/" {
		t.Errorf("open %+v, click %+v", ev[3], ev[4])
	}
	if ev[5].GetReason() != "500 unknown recipient" || ev[5].GetStatus() != "5.0.0" || ev[5].GetType() != "bounce" {
		t.Errorf("bounce %+v", ev[5])
	}

	// SendGrid retries the same request: acknowledged, not handled again.
	if code := do(t, sendgridRequest(ts.URL+"/webhook", sendgridEvents, now, sig)).status; code != http.StatusOK || len(h.batches) != 1 {
		t.Errorf("retry: status %d, %d batches", code, len(h.batches))
	}
	// No tolerance is set (SendGrid documents none and retries for a day):
	// a batch signed long ago is accepted, as signed.
	// Its events may have several categories.
	late := strings.Replace(sendgridEvents, `"event":"bounce","category":"cat facts"`, `"event":"bounce","category":["cat facts","dogs"]`, 1)
	const then = "1513299570"
	if code := do(t, sendgridRequest(ts.URL+"/webhook", late, then, sendgridSign(t, key, then, late))).status; code != http.StatusOK || len(h.batches) != 2 {
		t.Fatalf("old timestamp: status %d, %d batches", code, len(h.batches))
	}
	if cats, err := h.batches[1][5].GetCategory().AsString2(); err != nil || len(cats) != 2 || cats[1] != "dogs" {
		t.Errorf("categories %q, %v", cats, err)
	}
}

func TestSendGridRefused(t *testing.T) {
	key, verification := sendgridKey(t)
	other, _ := sendgridKey(t)
	ts, h := newSendGrid(t, verification)
	url := ts.URL + "/webhook"
	now := strconv.FormatInt(time.Now().Unix(), 10)
	good := sendgridSign(t, key, now, sendgridEvents)
	der, _ := base64.StdEncoding.DecodeString(good)
	for _, c := range []struct {
		name string
		r    *http.Request
	}{
		{"signature by another key", sendgridRequest(url, sendgridEvents, now, sendgridSign(t, other, now, sendgridEvents))},
		{"one tampered event", sendgridRequest(url, strings.Replace(sendgridEvents, `"event":"bounce"`, `"event":"delivered"`, 1), now, good)},
		{"an event added", sendgridRequest(url, strings.Replace(sendgridEvents, "[", `[{"email":"x@test.com","timestamp":1,"event":"spamreport"},`, 1), now, good)},
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
	if len(h.batches) != 0 {
		t.Errorf("handler called %d times", len(h.batches))
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
