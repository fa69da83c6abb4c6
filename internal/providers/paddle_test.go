package providers_test

// Paddle Billing's notifications, sent to the generated paddle.Server the
// way Paddle sends them ("Webhooks overview", "Verify webhook
// signatures"): a POST of JSON with Content-Type application/json and
// Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "<ts>:<raw
// body>"> under the destination's secret key, made here with crypto/hmac.
// The SDKs' published vectors are checked against this signer, then sent.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/paddle"
	"github.com/hookgen/hookgen/webhook"
)

// The secret key of paddle-go-sdk's published vector
// (webhook_verifier_test.go), a destination's endpoint_secret_key.
const paddleSecret = "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr"

// paddleSignature is Paddle-Signature for body sent at ts under secret.
func paddleSignature(secret string, ts int64, body string) string {
	t := strconv.FormatInt(ts, 10)
	return "ts=" + t + ";h1=" + hexHMAC(secret, t+":"+body)
}

// paddleRequest is the notification Paddle posts to url, signed now.
func paddleRequest(url, body, secret string) *http.Request {
	return paddleRequestAt(url, body, secret, time.Now().Unix())
}

func paddleRequestAt(url, body, secret string, ts int64) *http.Request {
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Paddle")
	r.Header.Set("Paddle-Signature", paddleSignature(secret, ts, body))
	return r
}

const (
	// paddle-go-sdk's vector: its payload, and its signature at 1710929255.
	paddleVectorBody      = `{"data":{"id":"pri_01hsdn96k2hxjzsq5yerecdj9j","name":null,"status":"active","quantity":{"maximum":999999,"minimum":1},"tax_mode":"account_setting","product_id":"pro_01hsdn8qp7yydry3x1yeg6a9rv","unit_price":{"amount":"1000","currency_code":"USD"},"custom_data":null,"description":"testing","import_meta":null,"trial_period":null,"billing_cycle":{"interval":"month","frequency":1},"unit_price_overrides":[]},"event_id":"evt_01hsdn97563968dy0szkmgjwh3","event_type":"price.created","occurred_at":"2024-03-20T10:07:35.590857Z","notification_id":"ntf_01hsdn977e920kbgzt6r6c9rqc"}`
	paddleVectorSignature = `ts=1710929255;h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8`

	paddlePrice = `{"id":"pri_01gsz8x8sawmvhz1pv30nge1ke","status":"active","quantity":{"maximum":999,"minimum":10},"tax_mode":"account_setting",` +
		`"product_id":"pro_01gsz4t5hdjse780zja8vvr7jg","unit_price":{"amount":"3000","currency_code":"USD"},"description":"Monthly (per seat)",` +
		`"name":"Monthly (per seat)","trial_period":null,"billing_cycle":{"interval":"month","frequency":1},"unit_price_overrides":[],"custom_data":null}`
	paddleTransactionCompleted = `{"event_id":"evt_01h8e1jxjnw9ra6zarhnz1a7y1","event_type":"transaction.completed","occurred_at":"2023-08-22T07:15:45.366122Z",` +
		`"notification_id":"ntf_01h8e1jxna32kc43ev1vkqsq8x","data":{"id":"txn_01h8dzxgkvdwemdhbpcapj2tbj","items":[{"price":` + paddlePrice + `,"quantity":10}],` +
		`"origin":"web","status":"completed","details":{"totals":{"fee":"1650","tax":"2662","total":"32662","credit":"0","balance":"0","discount":"0",` +
		`"earnings":"28350","subtotal":"30000","grand_total":"32662","currency_code":"USD"}},"checkout":{"url":"https://aeroedit.com/pay?_ptxn=txn_01h8dzxgkvdwemdhbpcapj2tbj"},` +
		`"payments":[{"amount":"32662","status":"captured","created_at":"2023-08-22T07:15:38.694108Z","captured_at":"2023-08-22T07:15:40.582454Z"}],` +
		`"billed_at":"2023-08-22T07:15:40.785617Z","address_id":"add_01h8dzzxr1kz0h1wp7v8h2yebn","created_at":"2023-08-22T06:38:58.363473Z","invoice_id":"inv_01h8e1jtqxtpqpp3ddy3grqfxe",` +
		`"revised_at":null,"updated_at":"2023-08-22T07:15:45.140236Z","business_id":null,"custom_data":{"utm_source":"newsletter"},"customer_id":"ctm_01h8dzzxqgdnv8dcsyh1m7fzsv",` +
		`"discount_id":null,"currency_code":"USD","billing_period":{"ends_at":"2023-09-22T07:15:40.585596Z","starts_at":"2023-08-22T07:15:40.585596Z"},` +
		`"invoice_number":"325-10566","billing_details":null,"collection_mode":"automatic","subscription_id":"sub_01h8e1jtmn7xm8ex4z9xvp5mzz"}}`
	paddleSubscription = `{"id":"sub_01h8e1jtmn7xm8ex4z9xvp5mzz","items":[{"price":` + paddlePrice + `,"status":"active","quantity":10,"recurring":true,` +
		`"created_at":"2023-08-22T07:15:41.603113Z","updated_at":"2023-08-22T07:15:41.603113Z","next_billed_at":"2023-09-22T07:15:40.585596Z"}],"status":"active",` +
		`"discount":null,"paused_at":null,"address_id":"add_01h8dzzxr1kz0h1wp7v8h2yebn","created_at":"2023-08-22T07:15:41.603105Z","started_at":"2023-08-22T07:15:40.585596Z",` +
		`"updated_at":"2023-08-22T07:15:41.603105Z","business_id":null,"canceled_at":null,"custom_data":null,"customer_id":"ctm_01h8dzzxqgdnv8dcsyh1m7fzsv",` +
		`"import_meta":null,"billing_cycle":{"interval":"month","frequency":1},"currency_code":"USD","next_billed_at":"2023-09-22T07:15:40.585596Z",` +
		`"billing_details":null,"collection_mode":"automatic","first_billed_at":"2023-08-22T07:15:40.585596Z","scheduled_change":null,` +
		`"current_billing_period":{"ends_at":"2023-09-22T07:15:40.585596Z","starts_at":"2023-08-22T07:15:40.585596Z"}}`
	paddleSubscriptionCreated = `{"event_id":"evt_01h8e1jv5h0c9zvz8k6xkxm2pq","event_type":"subscription.created","occurred_at":"2023-08-22T07:15:42.213457Z",` +
		`"notification_id":"ntf_01h8e1jv8dstc1sd8kmg1jvkbv","data":` + paddleSubscription + `}`
)

// paddleSubscriptionCanceled is subscription.created's subscription, canceled.
var paddleSubscriptionCanceled = strings.NewReplacer(
	`"event_id":"evt_01h8e1jv5h0c9zvz8k6xkxm2pq","event_type":"subscription.created"`, `"event_id":"evt_01hkwg0kk2n4d6ynbjkcv2zcsk","event_type":"subscription.canceled"`,
	`"notification_id":"ntf_01h8e1jv8dstc1sd8kmg1jvkbv"`, `"notification_id":"ntf_01hkwg0kmhx0v0m5tj0ef5z3f9"`,
	`"status":"active","discount"`, `"status":"canceled","discount"`,
	`"canceled_at":null`, `"canceled_at":"2024-01-11T08:34:01.787929969Z"`,
	`"next_billed_at":"2023-09-22T07:15:40.585596Z","billing_details"`, `"next_billed_at":null,"billing_details"`,
	`"current_billing_period":{"ends_at":"2023-09-22T07:15:40.585596Z","starts_at":"2023-08-22T07:15:40.585596Z"}`, `"current_billing_period":null`,
).Replace(paddleSubscriptionCreated)

type paddleHandler struct {
	ledger
	transactions []*paddle.TransactionCompletedEvent
	created      []*paddle.SubscriptionCreatedEvent
	canceled     []*paddle.SubscriptionCanceledEvent
	prices       []*paddle.PriceCreatedEvent
}

func (h *paddleHandler) HandleTransactionCompleted(ctx context.Context, e *paddle.TransactionCompletedEvent) error {
	return h.record(ctx, func() { h.transactions = append(h.transactions, e) })
}

func (h *paddleHandler) HandleSubscriptionCreated(ctx context.Context, e *paddle.SubscriptionCreatedEvent) error {
	return h.record(ctx, func() { h.created = append(h.created, e) })
}

func (h *paddleHandler) HandleSubscriptionCanceled(ctx context.Context, e *paddle.SubscriptionCanceledEvent) error {
	return h.record(ctx, func() { h.canceled = append(h.canceled, e) })
}

func (h *paddleHandler) HandlePriceCreated(ctx context.Context, e *paddle.PriceCreatedEvent) error {
	return h.record(ctx, func() { h.prices = append(h.prices, e) })
}

func newPaddle(t *testing.T, opts ...paddle.Option) (string, *paddleHandler) {
	t.Helper()
	h := new(paddleHandler)
	srv, err := paddle.NewServer(h, append([]paddle.Option{paddle.WithPaddle(paddleSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + paddle.ChannelPaddleWebhooks, h
}

// TestPaddleSDKVectors: this test's signer makes the signatures the SDKs
// publish (paddle-go-sdk's, and paddle-node-sdk's with two h1 and an h2);
// the Go SDK's notification sent with its own signature is 401, since its
// ts is long past the 5 seconds, and signed now it is the price.created it
// describes.
func TestPaddleSDKVectors(t *testing.T) {
	if got := paddleSignature(paddleSecret, 1710929255, paddleVectorBody); got != paddleVectorSignature {
		t.Fatalf("signature %s, want paddle-go-sdk's %s", got, paddleVectorSignature)
	}
	for _, v := range []struct{ body, h1 string }{
		{`{"data": ["1", "2"]}`, "a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9"},
		{`{"data": "value"}`, "28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261"},
	} {
		if got := paddleSignature("VALID_SECRET", 1698796800, v.body); got != "ts=1698796800;h1="+v.h1 {
			t.Errorf("%s: signature %s, want paddle-node-sdk's h1=%s", v.body, got, v.h1)
		}
	}

	url, h := newPaddle(t)
	stale := paddleRequest(url, paddleVectorBody, paddleSecret)
	stale.Header.Set("Paddle-Signature", paddleVectorSignature)
	if a := do(t, stale); a.status != http.StatusUnauthorized || h.calls() != 0 {
		t.Fatalf("the vector as published (ts 1710929255): %d %s, %d calls; want 401", a.status, a.body, h.calls())
	}
	if a := do(t, paddleRequest(url, paddleVectorBody, paddleSecret)); a.status != http.StatusOK || len(h.prices) != 1 {
		t.Fatalf("the vector signed now: %d %s, %d prices", a.status, a.body, len(h.prices))
	}
	e := h.prices[0]
	if e.EventID != "evt_01hsdn97563968dy0szkmgjwh3" || h.ids[0] != e.EventID || e.EventType != paddle.PriceCreatedEventEventType ||
		e.NotificationID != "ntf_01hsdn977e920kbgzt6r6c9rqc" || e.OccurredAt.UnixMicro() != 1710929255590857 {
		t.Errorf("notification %+v", e)
	}
	p := e.Data
	if p.ID != "pri_01hsdn96k2hxjzsq5yerecdj9j" || p.Name.Valid || p.Status != paddle.PriceStatusActive || p.UnitPrice.Amount != "1000" ||
		p.UnitPrice.CurrencyCode != "USD" || p.BillingCycle.Value.Interval != paddle.BillingCycleIntervalMonth || p.BillingCycle.Value.Frequency != 1 ||
		p.TrialPeriod.Valid || !p.TrialPeriod.Set || p.GetQuantity().GetMaximum() != 999999 || p.GetDescription() != "testing" {
		t.Errorf("price %+v", p)
	}

	// Several signatures, as during a rotation, and another scheme's h2: the
	// request passes on the h1 of the configured secret.
	body := strings.Replace(paddleVectorBody, "evt_01hsdn97563968dy0szkmgjwh3", "evt_01hsdn97563968dy0szkmgjwh4", 1)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	r := paddleRequest(url, body, paddleSecret)
	r.Header.Set("Paddle-Signature", "ts="+ts+";h1="+hexHMAC("the retired secret", ts+":"+body)+";h1="+hexHMAC(paddleSecret, ts+":"+body)+";h2=RANDOM_HASH")
	if a := do(t, r); a.status != http.StatusOK || len(h.prices) != 2 {
		t.Errorf("two h1 and an h2: %d %s, %d prices", a.status, a.body, len(h.prices))
	}
}

// TestPaddleEvents: transaction.completed, subscription.created and
// subscription.canceled reach their handlers typed; a retry (signed
// afresh, the same event_id) is acknowledged without a second call.
func TestPaddleEvents(t *testing.T) {
	url, h := newPaddle(t)
	for _, body := range []string{paddleTransactionCompleted, paddleSubscriptionCreated, paddleSubscriptionCanceled} {
		if a := do(t, paddleRequest(url, body, paddleSecret)); a.status != http.StatusOK {
			t.Fatalf("%d %s", a.status, a.body)
		}
	}
	if len(h.transactions) != 1 || len(h.created) != 1 || len(h.canceled) != 1 {
		t.Fatalf("%d transactions, %d created, %d canceled", len(h.transactions), len(h.created), len(h.canceled))
	}
	tx := h.transactions[0].Data
	if h.ids[0] != "evt_01h8e1jxjnw9ra6zarhnz1a7y1" || tx.ID != "txn_01h8dzxgkvdwemdhbpcapj2tbj" || tx.Status != paddle.TransactionStatusCompleted ||
		tx.CustomerID.Value != "ctm_01h8dzzxqgdnv8dcsyh1m7fzsv" || tx.SubscriptionID.Value != "sub_01h8e1jtmn7xm8ex4z9xvp5mzz" || tx.BusinessID.Valid ||
		tx.InvoiceNumber.Value != "325-10566" || tx.Origin != "web" || tx.CollectionMode != paddle.TransactionCollectionModeAutomatic ||
		tx.Details.Totals.GrandTotal != "32662" || tx.Details.Totals.CurrencyCode != "USD" || tx.Details.Totals.Fee.Value != "1650" ||
		len(tx.Items) != 1 || tx.Items[0].Quantity != 10 || tx.Items[0].Price.UnitPrice.Amount != "3000" ||
		tx.BilledAt.Value.UnixMicro() != 1692688540785617 || tx.BillingPeriod.Value.EndsAt.Month() != time.September ||
		string(tx.CustomData.Value["utm_source"]) != `"newsletter"` {
		t.Errorf("transaction %+v", tx)
	}
	s := h.created[0].Data
	if s.ID != "sub_01h8e1jtmn7xm8ex4z9xvp5mzz" || s.Status != paddle.SubscriptionStatusActive || s.CustomerID != "ctm_01h8dzzxqgdnv8dcsyh1m7fzsv" ||
		s.BillingCycle.Interval != paddle.BillingCycleIntervalMonth || !s.NextBilledAt.Valid || s.CanceledAt.Valid || len(s.Items) != 1 ||
		s.Items[0].Quantity != 10 || !s.Items[0].GetRecurring() || string(s.ScheduledChange) != "null" {
		t.Errorf("subscription %+v", s)
	}
	c := h.canceled[0].Data
	if c.ID != s.ID || c.Status != paddle.SubscriptionStatusCanceled || !c.CanceledAt.Valid || c.CanceledAt.Value.Year() != 2024 ||
		c.NextBilledAt.Valid || c.CurrentBillingPeriod.Valid {
		t.Errorf("canceled subscription %+v", c)
	}

	// Paddle's retry, a second later: a new ts and signature, the same event.
	retry := paddleRequestAt(url, paddleTransactionCompleted, paddleSecret, time.Now().Unix()+1)
	if a := do(t, retry); a.status != http.StatusOK || h.calls() != 3 {
		t.Errorf("retry: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestPaddleRefused: the signature covers ts and the body: a tampered
// body, another secret, a ts more than 5 seconds away (either way), a ts
// other than the one signed, a signature without ts or h1 (or with h2
// alone), an HMAC over the body alone, and ts and h1 split by a comma are
// 401, with no handler call; a ts 3 seconds away passes.
func TestPaddleRefused(t *testing.T) {
	url, h := newPaddle(t)
	now := time.Now().Unix()
	sig := hexHMAC(paddleSecret, strconv.FormatInt(now, 10)+":"+paddleSubscriptionCreated)
	header := func(v string) *http.Request {
		r := paddleRequest(url, paddleSubscriptionCreated, paddleSecret)
		r.Header.Set("Paddle-Signature", v)
		return r
	}
	for name, r := range map[string]*http.Request{
		"tampered body":       withBody(paddleRequest(url, paddleSubscriptionCreated, paddleSecret), strings.Replace(paddleSubscriptionCreated, `"quantity":10`, `"quantity":100`, 1)),
		"another secret":      paddleRequest(url, paddleSubscriptionCreated, "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_another"),
		"10 s old":            paddleRequestAt(url, paddleSubscriptionCreated, paddleSecret, now-10),
		"10 s ahead":          paddleRequestAt(url, paddleSubscriptionCreated, paddleSecret, now+10),
		"another ts":          header("ts=" + strconv.FormatInt(now-1, 10) + ";h1=" + sig),
		"no ts":               header("h1=" + sig),
		"no h1":               header("ts=" + strconv.FormatInt(now, 10)),
		"h2 only":             header("ts=" + strconv.FormatInt(now, 10) + ";h2=" + sig),
		"a comma":             header("ts=" + strconv.FormatInt(now, 10) + ",h1=" + sig),
		"the body alone":      header("ts=" + strconv.FormatInt(now, 10) + ";h1=" + hexHMAC(paddleSecret, paddleSubscriptionCreated)),
		"no signature at all": header(""),
	} {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
	// Within the 5 seconds, either way, it passes.
	if a := do(t, paddleRequestAt(url, paddleSubscriptionCreated, paddleSecret, now-3)); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("3 s old: %d %s, %d calls", a.status, a.body, h.calls())
	}
	if a := do(t, paddleRequestAt(url, paddleSubscriptionCanceled, paddleSecret, now+3)); a.status != http.StatusOK || h.calls() != 2 {
		t.Errorf("3 s ahead: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestPaddleOtherEvents: an event type the spec does not describe is
// acknowledged to the unknown-event hook; a notification without its
// event_type, with it twice, or whose data is not its entity's, is 400.
func TestPaddleOtherEvents(t *testing.T) {
	var mu sync.Mutex
	var unknown []string
	url, h := newPaddle(t, paddle.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d.EventID)
		return nil
	}))
	customer := `{"event_id":"evt_01h7hswbgf4yq1n8v1zzcbq3cj","event_type":"customer.created","occurred_at":"2023-08-11T07:49:33.327007Z",` +
		`"notification_id":"ntf_01h7hswbk4j2ds05jtyaye5r8v","data":{"id":"ctm_01h7hswb86rtps5ggbq7ybydcw","name":null,"email":"sam@example.com","status":"active"}}`
	if a := do(t, paddleRequest(url, customer, paddleSecret)); a.status != http.StatusOK {
		t.Errorf("customer.created: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 {
		t.Errorf("unknown-event hook got %v", unknown)
	}
	mu.Unlock()
	for name, body := range map[string]string{
		"no event_type":         strings.Replace(paddleSubscriptionCreated, `"event_type":"subscription.created",`, "", 1),
		"event_type twice":      strings.Replace(paddleSubscriptionCreated, `"event_type":"subscription.created"`, `"event_type":"subscription.created","EVENT_TYPE":"subscription.canceled"`, 1),
		"a price as a txn":      strings.Replace(paddleVectorBody, `"event_type":"price.created"`, `"event_type":"transaction.completed"`, 1),
		"an amount as a number": strings.Replace(paddleVectorBody, `"amount":"1000"`, `"amount":1000`, 1),
		"no event_id":           strings.Replace(paddleSubscriptionCreated, `"event_id":"evt_01h8e1jv5h0c9zvz8k6xkxm2pq",`, "", 1),
	} {
		if a := do(t, paddleRequest(url, body, paddleSecret)); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}
