package providers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/generated/square"
	"github.com/hookgen/hookgen/webhook"
)

// The notification URL and signature key of the Square SDKs' published
// vectors (square-nodejs-sdk, tests/integration/webhooks.test.ts): the
// receiver's public URL is the notification URL up to the channel's path.
const (
	squarePublicURL = "https://webhook.site"
	squareKey       = "signature-key"
)

// squareSignature is x-square-hmacsha256-signature: the base64
// HMAC-SHA256 of the notification URL followed by the raw body, under the
// subscription's signature key ("Verify and validate an event
// notification").
func squareSignature(key, notificationURL, body string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(notificationURL + body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// squareRequest is a notification as Square posts it to url (the
// loopback server), signed for the notification URL Square was given.
func squareRequest(url, notificationURL, body, key string) *http.Request {
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Square Connect v2")
	r.Header.Set("square-environment", "Production")
	r.Header.Set("square-version", "2024-07-17")
	r.Header.Set("x-square-hmacsha256-signature", squareSignature(key, notificationURL, body))
	return r
}

const (
	squarePaymentCreated = `{"merchant_id":"6SSW7HV8K2ST5","type":"payment.created","event_id":"13b867cf-db3d-4b1c-90b6-2f32a9d78124","created_at":"2024-08-06T21:27:30.792Z",` +
		`"data":{"type":"payment","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY","object":{"payment":{"id":"KkAkhdMsgzn59SM8A89WgKwekxLZY",` +
		`"created_at":"2024-08-06T21:27:30.309Z","updated_at":"2024-08-06T21:27:30.792Z","amount_money":{"amount":100,"currency":"USD"},` +
		`"total_money":{"amount":100,"currency":"USD"},"approved_money":{"amount":100,"currency":"USD"},"status":"APPROVED","source_type":"CARD",` +
		`"card_details":{"status":"AUTHORIZED","entry_method":"KEYED","card":{"card_brand":"VISA","last_4":"1111","exp_month":11,"exp_year":2026}},` +
		`"location_id":"NAQ1FHV6ZJ8YV","order_id":"03O3USaPaAaFnI6kkwB1JxGgBsUZY","receipt_number":"KkAk","version":1}}}}`
	squarePaymentUpdated = `{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","created_at":"2024-08-06T21:27:34.308Z",` +
		`"data":{"type":"payment","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY","object":{"payment":{"id":"KkAkhdMsgzn59SM8A89WgKwekxLZY",` +
		`"created_at":"2024-08-06T21:27:30.309Z","updated_at":"2024-08-06T21:27:34.308Z","amount_money":{"amount":100,"currency":"USD"},` +
		`"total_money":{"amount":100,"currency":"USD"},"status":"COMPLETED","source_type":"CARD","location_id":"NAQ1FHV6ZJ8YV","version":2}}}}`
	squareRefundCreated = `{"merchant_id":"6SSW7HV8K2ST5","type":"refund.created","event_id":"9a1c9b2e-6d3f-4c1a-8e7b-5f0d2c4a6b8e","created_at":"2024-08-07T10:02:11.125Z",` +
		`"data":{"type":"refund","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNDUu1FRqRkT0nDkj0MBnvhhuCp1hkjqC8wKYEbM","object":{"refund":{` +
		`"id":"KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNDUu1FRqRkT0nDkj0MBnvhhuCp1hkjqC8wKYEbM","status":"PENDING","amount_money":{"amount":100,"currency":"USD"},` +
		`"payment_id":"KkAkhdMsgzn59SM8A89WgKwekxLZY","order_id":"2mf3eYL6HWWTHRLpXZfS1lgI2eJZY","location_id":"NAQ1FHV6ZJ8YV","reason":"Returned item",` +
		`"created_at":"2024-08-07T10:02:10.500Z","updated_at":"2024-08-07T10:02:11.125Z","version":1}}}}`
)

type squareHandler struct {
	ledger
	created []*square.PaymentCreatedEvent
	updated []*square.PaymentUpdatedEvent
	refunds []*square.RefundCreatedEvent
	changed []*square.RefundUpdatedEvent
	headers []*square.NotificationHeaders
}

func (h *squareHandler) record(ctx context.Context, hd *square.NotificationHeaders, add func()) error {
	return h.ledger.record(ctx, func() { add(); h.headers = append(h.headers, hd) })
}

func (h *squareHandler) HandlePaymentCreated(ctx context.Context, e *square.PaymentCreatedEvent, hd *square.NotificationHeaders) error {
	return h.record(ctx, hd, func() { h.created = append(h.created, e) })
}

func (h *squareHandler) HandlePaymentUpdated(ctx context.Context, e *square.PaymentUpdatedEvent, hd *square.NotificationHeaders) error {
	return h.record(ctx, hd, func() { h.updated = append(h.updated, e) })
}

func (h *squareHandler) HandleRefundCreated(ctx context.Context, e *square.RefundCreatedEvent, hd *square.NotificationHeaders) error {
	return h.record(ctx, hd, func() { h.refunds = append(h.refunds, e) })
}

func (h *squareHandler) HandleRefundUpdated(ctx context.Context, e *square.RefundUpdatedEvent, hd *square.NotificationHeaders) error {
	return h.record(ctx, hd, func() { h.changed = append(h.changed, e) })
}

// newSquare serves the package as the notification URL
// https://webhook.site/webhooks, behind whatever forwards it to the
// loopback listener.
func newSquare(t *testing.T, opts ...square.Option) (string, *squareHandler) {
	t.Helper()
	h := new(squareHandler)
	srv, err := square.NewServer(h, append([]square.Option{square.WithSquare(squareKey), square.WithPublicURL(squarePublicURL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/webhooks", h
}

// TestSquareSDKVectors: the signatures the Square SDKs' tests publish.
// The first is of https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9,
// a path no channel has, so it checks this test's signer; the others are
// of https://webhook.site/webhooks, sent as they are: authenticated, and
// then refused as no event (their bodies have no type), 400 and not 401.
func TestSquareSDKVectors(t *testing.T) {
	const testNotification = `{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}`
	if got := squareSignature("Ibxx_5AKakO-3qeNVR61Dw", "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", testNotification); got != "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=" {
		t.Fatalf("signature %s, want the SDK's", got)
	}
	var unknown []string
	url, h := newSquare(t, square.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		unknown = append(unknown, d.EventID)
		return nil
	}))
	for _, v := range []struct{ body, signature string }{
		{`{"data":{"type":"webhooks","id":"fake_id"}}`, "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="},
		{`{"data":{"type":"webhooks","id":">id<"}}`, "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="},
	} {
		if got := squareSignature(squareKey, squarePublicURL+"/webhooks", v.body); got != v.signature {
			t.Errorf("%s: signature %s, want the SDK's %s", v.body, got, v.signature)
		}
		r := squareRequest(url, "", v.body, squareKey)
		r.Header.Set("x-square-hmacsha256-signature", v.signature)
		if a := do(t, r); a.status != http.StatusBadRequest {
			t.Errorf("%s with the SDK's signature: %d %s, want 400 (authenticated, no type)", v.body, a.status, a.body)
		}
		r = squareRequest(url, "", v.body, squareKey)
		r.Header.Set("x-square-hmacsha256-signature", "1z2n3DEJJiUPKcPzQo1ftvbxGdw=")
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s with the SDK's invalid signature: %d %s, want 401", v.body, a.status, a.body)
		}
	}
	// The test notification, delivered to this receiver's URL: an event
	// type the spec does not describe.
	if a := do(t, squareRequest(url, squarePublicURL+"/webhooks", testNotification, squareKey)); a.status != http.StatusOK {
		t.Errorf("webhooks.test_notification: %d %s, want 200", a.status, a.body)
	}
	if len(unknown) != 1 || h.calls() != 0 {
		t.Errorf("%d unknown events, %d handler calls", len(unknown), h.calls())
	}
}

// TestSquarePayments: payment.created and payment.updated reach their
// handlers with the Payment typed; a retry (square-retry-number set, the
// same event_id) is acknowledged without a second call.
func TestSquarePayments(t *testing.T) {
	url, h := newSquare(t)
	for _, body := range []string{squarePaymentCreated, squarePaymentUpdated} {
		if a := do(t, squareRequest(url, squarePublicURL+"/webhooks", body, squareKey)); a.status != http.StatusOK {
			t.Fatalf("%d %s", a.status, a.body)
		}
	}
	if len(h.created) != 1 || len(h.updated) != 1 || h.calls() != 2 {
		t.Fatalf("%d created, %d updated", len(h.created), len(h.updated))
	}
	if h.ids[0] != "13b867cf-db3d-4b1c-90b6-2f32a9d78124" {
		t.Errorf("event id %q, want event_id", h.ids[0])
	}
	e := h.created[0]
	p := e.Data.Object.Payment
	if e.MerchantID != "6SSW7HV8K2ST5" || e.Type != square.PaymentCreatedEventType || e.Data.Type != square.PaymentDataType ||
		e.Data.ID != p.ID || e.CreatedAt.UnixMilli() != 1722979650792 {
		t.Errorf("event %+v", e)
	}
	if p.AmountMoney.Amount != 100 || p.AmountMoney.Currency != "USD" || p.Status != square.PaymentStatusApproved || !p.Status.Known() ||
		p.GetSourceType() != "CARD" || p.GetLocationID() != "NAQ1FHV6ZJ8YV" || p.GetVersion() != 1 || p.GetApprovedMoney().Amount != 100 {
		t.Errorf("payment %+v", p)
	}
	if c := p.GetCardDetails().GetCard(); c.GetCardBrand() != "VISA" || c.GetLast4() != "1111" || c.GetExpYear() != 2026 {
		t.Errorf("card %+v", c)
	}
	if hd := h.headers[0]; hd.GetSquareEnvironment() != "Production" || hd.GetSquareVersion() != "2024-07-17" || hd.SquareRetryNumber != nil {
		t.Errorf("headers %+v", hd)
	}
	if u := h.updated[0].Data.Object.Payment; u.Status != square.PaymentStatusCompleted || u.GetVersion() != 2 {
		t.Errorf("updated payment %+v", u)
	}

	retry := squareRequest(url, squarePublicURL+"/webhooks", squarePaymentCreated, squareKey)
	retry.Header.Set("square-retry-number", "1")
	retry.Header.Set("square-retry-reason", "http_timeout")
	retry.Header.Set("square-initial-delivery-timestamp", "2024-08-06T21:27:31.002Z")
	if a := do(t, retry); a.status != http.StatusOK || h.calls() != 2 {
		t.Errorf("retry: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestSquareRefunds: refund.created and refund.updated reach their
// handlers with the PaymentRefund typed.
func TestSquareRefunds(t *testing.T) {
	url, h := newSquare(t)
	completed := strings.NewReplacer(`"type":"refund.created"`, `"type":"refund.updated"`, `"event_id":"9a1c9b2e-6d3f-4c1a-8e7b-5f0d2c4a6b8e"`, `"event_id":"1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"`,
		`"status":"PENDING"`, `"status":"COMPLETED"`, `"version":1`, `"version":2`).Replace(squareRefundCreated)
	for _, body := range []string{squareRefundCreated, completed} {
		if a := do(t, squareRequest(url, squarePublicURL+"/webhooks", body, squareKey)); a.status != http.StatusOK {
			t.Fatalf("%d %s", a.status, a.body)
		}
	}
	if len(h.refunds) != 1 || len(h.changed) != 1 {
		t.Fatalf("%d refund.created, %d refund.updated", len(h.refunds), len(h.changed))
	}
	r := h.refunds[0].Data.Object.Refund
	if r.Status != square.RefundStatusPending || r.AmountMoney.Amount != 100 || r.PaymentID != "KkAkhdMsgzn59SM8A89WgKwekxLZY" ||
		r.GetReason() != "Returned item" || h.refunds[0].Data.Type != square.RefundDataType {
		t.Errorf("refund %+v", r)
	}
	if c := h.changed[0].Data.Object.Refund; c.Status != square.RefundStatusCompleted || c.GetVersion() != 2 {
		t.Errorf("updated refund %+v", c)
	}
}

// TestSquareRefused: the signature covers the notification URL and the
// body: a tampered body, another key, a signature over another URL (the
// loopback address the request really went to, http instead of https,
// another path or query) and the legacy SHA-1 x-square-signature alone
// are 401, with no handler call.
func TestSquareRefused(t *testing.T) {
	url, h := newSquare(t)
	legacy := squareRequest(url, squarePublicURL+"/webhooks", squarePaymentCreated, squareKey)
	legacy.Header.Set("x-square-signature", legacy.Header.Get("x-square-hmacsha256-signature"))
	legacy.Header.Del("x-square-hmacsha256-signature")
	for name, r := range map[string]*http.Request{
		"tampered body":    withBody(squareRequest(url, squarePublicURL+"/webhooks", squarePaymentCreated, squareKey), strings.Replace(squarePaymentCreated, `"amount":100`, `"amount":1`, 1)),
		"another key":      squareRequest(url, squarePublicURL+"/webhooks", squarePaymentCreated, "another-signature-key"),
		"the loopback URL": squareRequest(url, url, squarePaymentCreated, squareKey),
		"http":             squareRequest(url, "http://webhook.site/webhooks", squarePaymentCreated, squareKey),
		"another path":     squareRequest(url, squarePublicURL+"/webhooks/", squarePaymentCreated, squareKey),
		"another query":    squareRequest(url, squarePublicURL+"/webhooks?sub=1", squarePaymentCreated, squareKey),
		"no URL":           squareRequest(url, "", squarePaymentCreated, squareKey),
		"legacy SHA-1 hdr": legacy,
	} {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
	// The URL as registered with its query, sent to that query, holds.
	if a := do(t, squareRequest(url+"?sub=1", squarePublicURL+"/webhooks?sub=1", squarePaymentCreated, squareKey)); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("notification URL with a query: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestSquareOtherEvents: an event type the spec does not describe is
// acknowledged to the unknown-event hook; a notification without its type,
// or whose object is not the type's, is 400.
func TestSquareOtherEvents(t *testing.T) {
	var mu sync.Mutex
	var unknown []string
	url, h := newSquare(t, square.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, string(d.Body))
		return nil
	}))
	invoice := `{"merchant_id":"6SSW7HV8K2ST5","type":"invoice.created","event_id":"c2a1b0d9-e8f7-4a6b-9c5d-3e2f1a0b9c8d","created_at":"2024-08-07T12:00:00Z","data":{"type":"invoice","id":"inv:0-ChCHu2mZEabLeeHahQnXDjZQECY","object":{"invoice":{"id":"inv:0-ChCHu2mZEabLeeHahQnXDjZQECY"}}}}`
	if a := do(t, squareRequest(url, squarePublicURL+"/webhooks", invoice, squareKey)); a.status != http.StatusOK {
		t.Errorf("invoice.created: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 || unknown[0] != invoice {
		t.Errorf("unknown-event hook got %v", unknown)
	}
	mu.Unlock()
	for name, body := range map[string]string{
		"no type":                  strings.Replace(squarePaymentCreated, `"type":"payment.created",`, "", 1),
		"a refund as a payment":    strings.Replace(squareRefundCreated, `"type":"refund.created"`, `"type":"payment.created"`, 1),
		"an amount as a string":    strings.Replace(squarePaymentCreated, `"amount_money":{"amount":100`, `"amount_money":{"amount":"100"`, 1),
		"not JSON":                 `merchant_id=6SSW7HV8K2ST5`,
		"type given twice (case)":  strings.Replace(squarePaymentCreated, `"type":"payment.created"`, `"type":"payment.created","TYPE":"refund.created"`, 1),
		"event_id given twice too": strings.Replace(squarePaymentCreated, `"event_id":`, `"EVENT_ID":"x","event_id":`, 1),
	} {
		if a := do(t, squareRequest(url, squarePublicURL+"/webhooks", body, squareKey)); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

// TestSquareNeedsPublicURL: without the notification URL the signature
// cannot be checked, and NewServer says so rather than refuse every
// notification.
func TestSquareNeedsPublicURL(t *testing.T) {
	if _, err := square.NewServer(new(squareHandler), square.WithSquare(squareKey)); err == nil || !strings.Contains(err.Error(), "WithPublicURL") {
		t.Errorf("NewServer without WithPublicURL: %v", err)
	}
}
