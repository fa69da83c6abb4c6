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

	"github.com/hookgen/hookgen/generated/shopify"
	"github.com/hookgen/hookgen/webhook"
)

// shopifySecret is an app's client secret, as the Partner Dashboard or
// the Dev Dashboard shows it.
const shopifySecret = "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"

// shopifyHMAC is X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the raw
// body under the client secret ("Verify webhooks").
func shopifyHMAC(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// shopifyRequest is a delivery as Shopify posts it to an HTTPS endpoint,
// with the headers "About webhooks" lists.
func shopifyRequest(url, topic, webhookID, eventID, body, secret string) *http.Request {
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Shopify-Captain-Hook")
	r.Header.Set("X-Shopify-Topic", topic)
	r.Header.Set("X-Shopify-Hmac-Sha256", shopifyHMAC(secret, body))
	r.Header.Set("X-Shopify-Shop-Domain", "example-shop.myshopify.com")
	r.Header.Set("X-Shopify-API-Version", "2024-07")
	r.Header.Set("X-Shopify-Webhook-Id", webhookID)
	r.Header.Set("X-Shopify-Event-Id", eventID)
	r.Header.Set("X-Shopify-Triggered-At", "2024-08-05T10:15:30.123456789Z")
	return r
}

const (
	shopifyOrder = `{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","name":"#1001","order_number":1001,` +
		`"email":"jon@example.com","created_at":"2024-08-05T06:15:28-04:00","updated_at":"2024-08-05T06:15:29-04:00","cancelled_at":null,` +
		`"currency":"USD","subtotal_price":"199.00","total_tax":"0.00","total_price":"199.00","financial_status":"pending","fulfillment_status":null,"test":false,` +
		`"customer":{"id":115310627314723954,"email":"jon@example.com","first_name":"Jon","last_name":"Doe"},` +
		`"line_items":[{"id":866550311766439020,"product_id":632910392,"variant_id":808950810,"title":"IPod Nano - 8GB","quantity":1,"price":"199.00","sku":"IPOD2008PINK"}]}`
	shopifyProduct = `{"id":788032119674292922,"admin_graphql_api_id":"gid://shopify/Product/788032119674292922","title":"Example T-Shirt","body_html":"<p>A soft shirt.</p>",` +
		`"vendor":"Acme","product_type":"Shirts","handle":"example-t-shirt","status":"active","tags":"example, mens, t-shirt",` +
		`"created_at":"2024-08-01T12:00:00-04:00","updated_at":"2024-08-05T06:20:00-04:00","published_at":"2024-08-01T12:00:00-04:00",` +
		`"variants":[{"id":642667041472713922,"product_id":788032119674292922,"title":"Small","price":"19.99","sku":"TS-S","inventory_quantity":75}]}`
	shopifyShop = `{"id":548380009,"name":"Example Shop","email":"owner@example.com","domain":"shop.example.com","myshopify_domain":"example-shop.myshopify.com",` +
		`"plan_name":"basic","country_code":"US","currency":"USD","iana_timezone":"America/New_York","created_at":"2021-03-01T09:00:00-05:00"}`
)

type shopifyHandler struct {
	ledger
	created  []*shopify.Order
	paid     []*shopify.Order
	products []*shopify.Product
	shops    []*shopify.Shop
	headers  []*shopify.DeliveryHeaders
}

func (h *shopifyHandler) record(ctx context.Context, hd *shopify.DeliveryHeaders, add func()) error {
	return h.ledger.record(ctx, func() { add(); h.headers = append(h.headers, hd) })
}

func (h *shopifyHandler) HandleOrdersCreate(ctx context.Context, e *shopify.Order, hd *shopify.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.created = append(h.created, e) })
}

func (h *shopifyHandler) HandleOrdersPaid(ctx context.Context, e *shopify.Order, hd *shopify.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.paid = append(h.paid, e) })
}

func (h *shopifyHandler) HandleProductsUpdate(ctx context.Context, e *shopify.Product, hd *shopify.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.products = append(h.products, e) })
}

func (h *shopifyHandler) HandleAppUninstalled(ctx context.Context, e *shopify.Shop, hd *shopify.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.shops = append(h.shops, e) })
}

func newShopify(t *testing.T, opts ...shopify.Option) (string, *shopifyHandler) {
	t.Helper()
	h := new(shopifyHandler)
	srv, err := shopify.NewServer(h, append([]shopify.Option{shopify.WithShopify(shopifySecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/shopify/webhooks", h
}

// TestShopifyLibraryVector: the request of shopify-api-js's own
// webhooks/validate tests (lib/webhooks/__tests__/validate.test.ts): body
// {"foo": "bar"} under the secret test_secret_key, whose
// X-Shopify-Hmac-Sha256 the test expects to be
// B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=, with its headers() (topic
// products/create, shop shop1.myshopify.io, API version 2023-01, webhook
// id 123456789). The topic is not one this spec describes: authenticated,
// it goes to the unknown-event hook; with the HMAC changed it is 401.
func TestShopifyLibraryVector(t *testing.T) {
	const body, secret, vector = `{"foo": "bar"}`, "test_secret_key", "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="
	if got := shopifyHMAC(secret, body); got != vector {
		t.Fatalf("HMAC %s, want the library's %s", got, vector)
	}
	var unknown int
	h := new(shopifyHandler)
	srv, err := shopify.NewServer(h, shopify.WithShopify(secret), shopify.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	url := serve(t, srv) + "/shopify/webhooks"
	send := func(hmac string) answer {
		r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("X-Shopify-API-Version", "2023-01")
		r.Header.Set("X-Shopify-Shop-Domain", "shop1.myshopify.io")
		r.Header.Set("X-Shopify-Hmac-Sha256", hmac)
		r.Header.Set("X-Shopify-Topic", "products/create")
		r.Header.Set("X-Shopify-Webhook-Id", "123456789")
		return do(t, r)
	}
	if a := send(vector); a.status != http.StatusOK || unknown != 1 {
		t.Errorf("the library's request: %d %s, %d unknown events; want 200 and the hook", a.status, a.body, unknown)
	}
	if a := send("C23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="); a.status != http.StatusUnauthorized {
		t.Errorf("a changed HMAC: %d %s, want 401", a.status, a.body)
	}
	// The same MAC bytes with a nonzero bit after the last byte: another
	// spelling of the signature, which no signer writes.
	if a := send("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7h="); a.status != http.StatusUnauthorized {
		t.Errorf("a non-canonical base64 signature: %d %s, want 401", a.status, a.body)
	}
	if h.calls() != 0 || unknown != 1 {
		t.Errorf("handler called %d times, hook %d", h.calls(), unknown)
	}
}

// TestShopifyTopics: each topic reaches its handler with the typed
// resource and headers; ids beyond 2^53 come through exactly.
func TestShopifyTopics(t *testing.T) {
	url, h := newShopify(t)
	for _, d := range []struct{ topic, webhookID, body string }{
		{"orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", shopifyOrder},
		{"orders/paid", "c65668f5-cee0-4c48-9b6f-c08e81cde154", strings.Replace(shopifyOrder, `"financial_status":"pending"`, `"financial_status":"paid"`, 1)},
		{"products/update", "2f1d93c1-3b5a-4d0c-9f6e-7a8b9c0d1e2f", shopifyProduct},
		{"app/uninstalled", "7c1a0b9e-8d7f-4e6a-b5c4-d3e2f1a0b9c8", shopifyShop},
	} {
		if a := do(t, shopifyRequest(url, d.topic, d.webhookID, "98880550-7158-44d4-b7cd-2c97c8a091b5", d.body, shopifySecret)); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", d.topic, a.status, a.body)
		}
	}
	if len(h.created) != 1 || len(h.paid) != 1 || len(h.products) != 1 || len(h.shops) != 1 || h.calls() != 4 {
		t.Fatalf("calls: %d created, %d paid, %d products, %d shops", len(h.created), len(h.paid), len(h.products), len(h.shops))
	}
	if h.ids[0] != "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" {
		t.Errorf("event id %q, want the X-Shopify-Webhook-Id", h.ids[0])
	}
	hd := h.headers[0]
	if hd.XShopifyTopic != "orders/create" || hd.XShopifyShopDomain != "example-shop.myshopify.com" || hd.GetXShopifyAPIVersion() != "2024-07" ||
		hd.GetXShopifyEventID() != "98880550-7158-44d4-b7cd-2c97c8a091b5" || hd.GetXShopifyTriggeredAt().Nanosecond() != 123456789 {
		t.Errorf("headers %+v", hd)
	}
	o := h.created[0]
	if o.ID != 820982911946154508 || o.GetName() != "#1001" || o.GetOrderNumber() != 1001 || o.GetEmail() != "jon@example.com" ||
		o.Currency != "USD" || o.TotalPrice != "199.00" || o.GetFinancialStatus() != shopify.FinancialStatusPending ||
		!o.FulfillmentStatus.IsNull() || !o.CancelledAt.IsNull() || o.GetTest() {
		t.Errorf("order %+v", o)
	}
	if _, off := o.CreatedAt.Zone(); off != -4*3600 || o.CreatedAt.UTC().Hour() != 10 {
		t.Errorf("created_at %v", o.CreatedAt)
	}
	if c := o.GetCustomer(); c == nil || c.ID != 115310627314723954 || c.FirstName.Value != "Jon" {
		t.Errorf("customer %+v", o.Customer)
	}
	if len(o.LineItems) != 1 || o.LineItems[0].ID != 866550311766439020 || o.LineItems[0].Quantity != 1 || o.LineItems[0].Price != "199.00" ||
		o.LineItems[0].SKU.Value != "IPOD2008PINK" {
		t.Errorf("line items %+v", o.LineItems)
	}
	if h.paid[0].GetFinancialStatus() != shopify.FinancialStatusPaid {
		t.Errorf("orders/paid status %v", h.paid[0].FinancialStatus)
	}
	p := h.products[0]
	if p.ID != 788032119674292922 || p.Title != "Example T-Shirt" || p.GetStatus() != shopify.ProductStatusActive ||
		len(p.Variants) != 1 || p.Variants[0].Price != "19.99" || p.Variants[0].GetInventoryQuantity() != 75 {
		t.Errorf("product %+v", p)
	}
	if s := h.shops[0]; s.ID != 548380009 || s.MyshopifyDomain != "example-shop.myshopify.com" || s.GetPlanName() != "basic" {
		t.Errorf("shop %+v", s)
	}
}

// TestShopifyRetry: Shopify retries a delivery not answered 2xx within
// five seconds with the same X-Shopify-Webhook-Id: handled once. Another
// delivery (another subscription to the topic) is handled too.
func TestShopifyRetry(t *testing.T) {
	url, h := newShopify(t)
	const id = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
	for i := range 3 {
		if a := do(t, shopifyRequest(url, "orders/create", id, "ev-1", shopifyOrder, shopifySecret)); a.status != http.StatusOK {
			t.Fatalf("attempt %d: %d %s", i, a.status, a.body)
		}
	}
	if h.calls() != 1 {
		t.Fatalf("%d calls for one delivery retried", h.calls())
	}
	if a := do(t, shopifyRequest(url, "orders/create", "d7677906-dff1-4d59-8c70-d19f92def265", "ev-1", shopifyOrder, shopifySecret)); a.status != http.StatusOK || h.calls() != 2 {
		t.Errorf("second subscription's delivery: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestShopifyRefused: a delivery whose HMAC does not match its body under
// the secret is 401, with no handler call: a tampered body, another
// secret, a hex digest, no header at all.
func TestShopifyRefused(t *testing.T) {
	url, h := newShopify(t)
	tampered := withBody(shopifyRequest(url, "orders/paid", "w1", "e1", shopifyOrder, shopifySecret), strings.Replace(shopifyOrder, `"199.00"`, `"1.00"`, 1))
	hexDigest := shopifyRequest(url, "orders/paid", "w2", "e2", shopifyOrder, shopifySecret)
	hexDigest.Header.Set("X-Shopify-Hmac-Sha256", hexHMAC(shopifySecret, shopifyOrder))
	unsigned := shopifyRequest(url, "orders/paid", "w3", "e3", shopifyOrder, shopifySecret)
	unsigned.Header.Del("X-Shopify-Hmac-Sha256")
	for name, r := range map[string]*http.Request{
		"tampered body":  tampered,
		"another secret": shopifyRequest(url, "orders/paid", "w4", "e4", shopifyOrder, "shpss_another"),
		"hex digest":     hexDigest,
		"no HMAC":        unsigned,
	} {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

// TestShopifyOtherDeliveries: a topic the spec does not describe is
// acknowledged to the unknown-event hook; a delivery without its topic
// or its webhook id, or whose body is not the topic's resource, is 400.
func TestShopifyOtherDeliveries(t *testing.T) {
	var mu sync.Mutex
	var unknown []string
	url, h := newShopify(t, shopify.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d.Header.Get("X-Shopify-Topic"))
		return nil
	}))
	const redact = `{"shop_id":548380009,"shop_domain":"example-shop.myshopify.com"}`
	if a := do(t, shopifyRequest(url, "shop/redact", "a1", "e1", redact, shopifySecret)); a.status != http.StatusOK {
		t.Errorf("shop/redact: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 || unknown[0] != "shop/redact" {
		t.Errorf("unknown-event hook got %v", unknown)
	}
	mu.Unlock()

	noTopic := shopifyRequest(url, "orders/create", "a2", "e2", shopifyOrder, shopifySecret)
	noTopic.Header.Del("X-Shopify-Topic")
	noID := shopifyRequest(url, "orders/create", "a3", "e3", shopifyOrder, shopifySecret)
	noID.Header.Del("X-Shopify-Webhook-Id")
	for name, r := range map[string]*http.Request{
		"no X-Shopify-Topic":      noTopic,
		"no X-Shopify-Webhook-Id": noID,
		"a shop as orders/create": shopifyRequest(url, "orders/create", "a4", "e4", shopifyShop, shopifySecret),
		"an id as a string":       shopifyRequest(url, "app/uninstalled", "a5", "e5", strings.Replace(shopifyShop, `548380009`, `"548380009"`, 1), shopifySecret),
	} {
		if a := do(t, r); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}
