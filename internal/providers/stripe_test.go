package providers_test

// Stripe's webhook events, sent to the generated stripe.Server the way
// Stripe sends them (docs.stripe.com/webhooks, "Verify webhook signatures
// manually"): a POST of one Event object, pretty-printed JSON with
// Content-Type application/json; charset=utf-8 and User-Agent
// Stripe/1.0 (+https://stripe.com/docs/webhooks), signed in the
// Stripe-Signature header, t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">, keyed with the endpoint's signing secret as the
// Dashboard shows it (whsec_..., its bytes, not decoded). While a secret
// is rolled Stripe adds one v1 per secret; test-mode events carry a v0
// as well. Stripe's libraries allow 300 seconds between t and now. The
// signatures are made here with crypto/hmac, not with hookgen's verifier
// or test kit. Stripe publishes no test vector.
//
// The bodies are Event objects in the shape of Stripe's API reference
// ("The Event object", and the PaymentIntent, Charge, Subscription and
// Invoice objects), with fields specs/stripe.yaml does not declare left
// in, as a real event has them.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/stripe"
	"github.com/hookgen/hookgen/webhook"
)

const (
	stripeSecret    = "whsec_5f3c1e9a7b2d4c6e8f0a1b3c5d7e9f1a"
	stripeOldSecret = "whsec_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"
)

const stripePaymentIntentSucceeded = `{
  "id": "evt_3PkQ2aLkdIwHu7ix1JvFq0cD",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1722855312,
  "data": {
    "object": {
      "id": "pi_3PkQ2aLkdIwHu7ix1Vx4WqZr",
      "object": "payment_intent",
      "amount": 2000,
      "amount_capturable": 0,
      "amount_details": {
        "tip": {}
      },
      "amount_received": 2000,
      "application": null,
      "application_fee_amount": null,
      "automatic_payment_methods": {
        "allow_redirects": "always",
        "enabled": true
      },
      "canceled_at": null,
      "cancellation_reason": null,
      "capture_method": "automatic_async",
      "client_secret": "pi_3PkQ2aLkdIwHu7ix1Vx4WqZr_secret_Xn7dR2sQm4vL9kP1",
      "confirmation_method": "automatic",
      "created": 1722855309,
      "currency": "usd",
      "customer": "cus_QbdV8vGkU2tbxM",
      "description": null,
      "invoice": null,
      "last_payment_error": null,
      "latest_charge": "ch_3PkQ2aLkdIwHu7ix1cZ8dLke",
      "livemode": false,
      "metadata": {
        "order_id": "6735"
      },
      "next_action": null,
      "on_behalf_of": null,
      "payment_method": "pm_1PkQ2ZLkdIwHu7ixU4zXbP0e",
      "payment_method_options": {
        "card": {
          "installments": null,
          "mandate_options": null,
          "network": null,
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "processing": null,
      "receipt_email": "jenny.rosen@example.com",
      "review": null,
      "setup_future_usage": null,
      "shipping": null,
      "source": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "succeeded",
      "transfer_data": null,
      "transfer_group": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_8cY2Qd6N9pXk1r",
    "idempotency_key": "5f2c1d7e-0f61-4b9e-9d3a-1c4e6b8a2f90"
  },
  "type": "payment_intent.succeeded"
}`

const stripePaymentFailed = `{
  "id": "evt_3PkQ5kLkdIwHu7ix0aB1cD2e",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1722855520,
  "data": {
    "object": {
      "id": "pi_3PkQ5kLkdIwHu7ix0Zr7TnYq",
      "object": "payment_intent",
      "amount": 2000,
      "amount_capturable": 0,
      "amount_received": 0,
      "capture_method": "automatic",
      "created": 1722855518,
      "currency": "usd",
      "customer": null,
      "description": null,
      "last_payment_error": {
        "charge": "ch_3PkQ5kLkdIwHu7ix0m3Fh6Ws",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card has insufficient funds.",
        "payment_method": {
          "id": "pm_1PkQ5jLkdIwHu7ixq2b3YtRz",
          "object": "payment_method",
          "type": "card"
        },
        "type": "card_error"
      },
      "latest_charge": "ch_3PkQ5kLkdIwHu7ix0m3Fh6Ws",
      "livemode": false,
      "metadata": {},
      "payment_method": null,
      "payment_method_types": [
        "card"
      ],
      "receipt_email": null,
      "status": "requires_payment_method"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_Qm3vX9bT2kLw7a",
    "idempotency_key": null
  },
  "type": "payment_intent.payment_failed"
}`

const stripeChargeRefunded = `{
  "id": "evt_3PkQ2aLkdIwHu7ix1Fw0RfNd",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1722941711,
  "data": {
    "object": {
      "id": "ch_3PkQ2aLkdIwHu7ix1cZ8dLke",
      "object": "charge",
      "amount": 2000,
      "amount_captured": 2000,
      "amount_refunded": 500,
      "balance_transaction": "txn_3PkQ2aLkdIwHu7ix1qT5nJbW",
      "billing_details": {
        "address": {
          "city": null,
          "country": "US",
          "line1": null,
          "line2": null,
          "postal_code": "94103",
          "state": null
        },
        "email": "jenny.rosen@example.com",
        "name": "Jenny Rosen",
        "phone": null
      },
      "captured": true,
      "created": 1722855310,
      "currency": "usd",
      "customer": "cus_QbdV8vGkU2tbxM",
      "description": null,
      "disputed": false,
      "failure_code": null,
      "failure_message": null,
      "livemode": false,
      "metadata": {
        "order_id": "6735"
      },
      "outcome": {
        "network_status": "approved_by_network",
        "reason": null,
        "risk_level": "normal",
        "seller_message": "Payment complete.",
        "type": "authorized"
      },
      "paid": true,
      "payment_intent": "pi_3PkQ2aLkdIwHu7ix1Vx4WqZr",
      "payment_method": "pm_1PkQ2ZLkdIwHu7ixU4zXbP0e",
      "receipt_url": "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xMDMyRDgyZVp2S1lsbzJD",
      "refunded": false,
      "refunds": {
        "object": "list",
        "data": [
          {
            "id": "re_3PkQ2aLkdIwHu7ix1r7Ka5Tn",
            "object": "refund",
            "amount": 500,
            "balance_transaction": "txn_3PkQ2aLkdIwHu7ix1d2VbXw8",
            "charge": "ch_3PkQ2aLkdIwHu7ix1cZ8dLke",
            "created": 1722941710,
            "currency": "usd",
            "metadata": {},
            "payment_intent": "pi_3PkQ2aLkdIwHu7ix1Vx4WqZr",
            "reason": "requested_by_customer",
            "receipt_number": null,
            "status": "succeeded"
          }
        ],
        "has_more": false,
        "total_count": 1,
        "url": "/v1/charges/ch_3PkQ2aLkdIwHu7ix1cZ8dLke/refunds"
      },
      "status": "succeeded"
    },
    "previous_attributes": {
      "amount_refunded": 0
    }
  },
  "livemode": false,
  "pending_webhooks": 2,
  "request": {
    "id": "req_Zk2pQ7wN4cYt1e",
    "idempotency_key": "0b1e7c52-3a9f-4d11-8e2c-6f4a9b7d3c15"
  },
  "type": "charge.refunded"
}`

const stripeSubscriptionDeleted = `{
  "id": "evt_1PkR9fLkdIwHu7ixW2nS0aVb",
  "object": "event",
  "api_version": "2025-03-31.basil",
  "created": 1722859710,
  "data": {
    "object": {
      "id": "sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm",
      "object": "subscription",
      "cancel_at": null,
      "cancel_at_period_end": false,
      "canceled_at": 1722859709,
      "cancellation_details": {
        "comment": null,
        "feedback": "too_expensive",
        "reason": "cancellation_requested"
      },
      "collection_method": "charge_automatically",
      "created": 1720181109,
      "currency": "usd",
      "customer": "cus_QbdV8vGkU2tbxM",
      "ended_at": 1722859709,
      "items": {
        "object": "list",
        "data": [
          {
            "id": "si_QbdWl5dHk2zUqY",
            "object": "subscription_item",
            "created": 1720181110,
            "current_period_end": 1725464709,
            "current_period_start": 1722786309,
            "metadata": {},
            "price": {
              "id": "price_1PkQ0sLkdIwHu7ixn8CqA3Fz",
              "object": "price",
              "active": true,
              "currency": "usd",
              "product": "prod_QbdU2xM6wYtG1h",
              "recurring": {
                "interval": "month",
                "interval_count": 1,
                "usage_type": "licensed"
              },
              "type": "recurring",
              "unit_amount": 1500
            },
            "quantity": 1,
            "subscription": "sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm"
          }
        ],
        "has_more": false,
        "total_count": 1,
        "url": "/v1/subscription_items?subscription=sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm"
      },
      "latest_invoice": "in_1PkQ1yLkdIwHu7ixs0gY4HfR",
      "livemode": false,
      "metadata": {},
      "start_date": 1720181109,
      "status": "canceled",
      "trial_end": null,
      "trial_start": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "customer.subscription.deleted"
}`

const stripeInvoicePaid = `{
  "id": "evt_1PkQ1zLkdIwHu7ixA7bC9dEf",
  "object": "event",
  "api_version": "2025-03-31.basil",
  "created": 1720181112,
  "data": {
    "object": {
      "id": "in_1PkQ1yLkdIwHu7ixs0gY4HfR",
      "object": "invoice",
      "amount_due": 1500,
      "amount_paid": 1500,
      "amount_remaining": 0,
      "billing_reason": "subscription_create",
      "collection_method": "charge_automatically",
      "created": 1720181109,
      "currency": "usd",
      "customer": "cus_QbdV8vGkU2tbxM",
      "customer_email": "jenny.rosen@example.com",
      "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1032D82eZvKYlo2C/test_YWNjdF8xMDMy",
      "invoice_pdf": "https://pay.stripe.com/invoice/acct_1032D82eZvKYlo2C/test_YWNjdF8xMDMy/pdf",
      "lines": {
        "object": "list",
        "data": [
          {
            "id": "il_1PkQ1yLkdIwHu7ixq5XUu2Kd",
            "object": "line_item",
            "amount": 1500,
            "currency": "usd",
            "description": "1 × Pro plan (at $15.00 / month)",
            "period": {
              "end": 1722859509,
              "start": 1720181109
            },
            "quantity": 1
          }
        ],
        "has_more": false,
        "total_count": 1,
        "url": "/v1/invoices/in_1PkQ1yLkdIwHu7ixs0gY4HfR/lines"
      },
      "livemode": false,
      "metadata": {},
      "number": "7C2F3A1B-0001",
      "parent": {
        "quote_details": null,
        "subscription_details": {
          "metadata": {},
          "subscription": "sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm"
        },
        "type": "subscription_details"
      },
      "period_end": 1720181109,
      "period_start": 1720181109,
      "status": "paid"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_A7d2Kq9mV1xYp3",
    "idempotency_key": "7e0c2a4b-8f1d-4c3e-9b5a-2d6f8e1a0c47"
  },
  "type": "invoice.paid"
}`

// stripeV1 is one v1 signature, as Stripe computes it: the hex
// HMAC-SHA256 of "<t>.<raw body>", keyed with the secret's bytes.
func stripeV1(secret string, t int64, body string) string {
	return hexHMAC(secret, strconv.FormatInt(t, 10)+"."+body)
}

// stripeRequest is the POST Stripe sends, with the Stripe-Signature
// header sig.
func stripeRequest(url, body, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	r.Header.Set("Cache-Control", "no-cache")
	r.Header.Set("Accept", "*/*; q=0.5, application/xml")
	r.Header.Set("Stripe-Signature", sig)
	return r
}

// stripeSigned is stripeRequest signed at t with secret, as Stripe signs
// a test-mode event (with a v0 entry that the receiver must skip).
func stripeSigned(url, body, secret string, t int64) *http.Request {
	ts := strconv.FormatInt(t, 10)
	return stripeRequest(url, body, "t="+ts+",v1="+stripeV1(secret, t, body)+",v0="+hexHMAC("a legacy test-mode secret", ts+"."+body))
}

// stripeHandler records what the generated Server hands over.
type stripeHandler struct {
	ledger
	succeeded []*stripe.PaymentIntentSucceededEvent
	failed    []*stripe.PaymentIntentPaymentFailedEvent
	refunded  []*stripe.ChargeRefundedEvent
	deleted   []*stripe.CustomerSubscriptionDeletedEvent
	paid      []*stripe.InvoicePaidEvent
}

func (h *stripeHandler) HandlePaymentIntentSucceeded(ctx context.Context, e *stripe.PaymentIntentSucceededEvent) error {
	return h.record(ctx, func() { h.succeeded = append(h.succeeded, e) })
}

func (h *stripeHandler) HandlePaymentIntentPaymentFailed(ctx context.Context, e *stripe.PaymentIntentPaymentFailedEvent) error {
	return h.record(ctx, func() { h.failed = append(h.failed, e) })
}

func (h *stripeHandler) HandleChargeRefunded(ctx context.Context, e *stripe.ChargeRefundedEvent) error {
	return h.record(ctx, func() { h.refunded = append(h.refunded, e) })
}

func (h *stripeHandler) HandleCustomerSubscriptionDeleted(ctx context.Context, e *stripe.CustomerSubscriptionDeletedEvent) error {
	return h.record(ctx, func() { h.deleted = append(h.deleted, e) })
}

func (h *stripeHandler) HandleInvoicePaid(ctx context.Context, e *stripe.InvoicePaidEvent) error {
	return h.record(ctx, func() { h.paid = append(h.paid, e) })
}

func newStripe(t *testing.T, opts ...stripe.Option) (string, *stripeHandler) {
	t.Helper()
	h := new(stripeHandler)
	srv, err := stripe.NewServer(h, append([]stripe.Option{stripe.WithStripe(stripeSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/webhook", h
}

func TestStripePaymentIntentSucceededDuringRotation(t *testing.T) {
	url, h := newStripe(t)
	now := time.Now().Unix()
	body := stripePaymentIntentSucceeded
	// While the endpoint's secret is rolled, Stripe signs with the
	// expiring secret and the new one; this receiver has only the new.
	sig := "t=" + strconv.FormatInt(now, 10) + ",v1=" + stripeV1(stripeOldSecret, now, body) + ",v1=" + stripeV1(stripeSecret, now, body)
	if a := do(t, stripeRequest(url, body, sig)); a.status != http.StatusOK {
		t.Fatalf("status %d %s", a.status, a.body)
	}
	if len(h.succeeded) != 1 || h.calls() != 1 {
		t.Fatalf("calls: %d succeeded, %d in all", len(h.succeeded), h.calls())
	}
	e := h.succeeded[0]
	if h.ids[0] != "evt_3PkQ2aLkdIwHu7ix1JvFq0cD" {
		t.Errorf("event id %q, want the event's id", h.ids[0])
	}
	if e.ID != "evt_3PkQ2aLkdIwHu7ix1JvFq0cD" || e.Object != "event" || e.Type != stripe.PaymentIntentSucceededEventType ||
		e.Created != 1722855312 || e.Livemode || e.PendingWebhooks != 1 {
		t.Errorf("envelope %+v", e)
	}
	if e.APIVersion == nil || *e.APIVersion != "2024-06-20" {
		t.Errorf("api_version %v", e.APIVersion)
	}
	if id, _ := e.GetRequest().ID.Get(); id != "req_8cY2Qd6N9pXk1r" {
		t.Errorf("request %+v", e.Request)
	}
	pi := e.Data.Object
	if pi.ID != "pi_3PkQ2aLkdIwHu7ix1Vx4WqZr" || pi.Amount != 2000 || pi.GetAmountReceived() != 2000 || pi.Currency != "usd" ||
		pi.Status != stripe.PaymentIntentStatusSucceeded || pi.GetCaptureMethod() != stripe.PaymentIntentCaptureMethodAutomaticAsync ||
		pi.Metadata["order_id"] != "6735" || len(pi.PaymentMethodTypes) != 1 || pi.PaymentMethodTypes[0] != "card" ||
		!pi.LastPaymentError.IsNull() || !pi.Description.IsNull() {
		t.Errorf("payment intent %+v", pi)
	}
	if c, _ := pi.Customer.Get(); c != "cus_QbdV8vGkU2tbxM" {
		t.Errorf("customer %q", c)
	}

	// Stripe retries an event with a new timestamp and signature, and the
	// same id: acknowledged, not handled again.
	later := now + 60
	if a := do(t, stripeSigned(url, body, stripeSecret, later)); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("retry: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

func TestStripeEventsRouted(t *testing.T) {
	url, h := newStripe(t)
	now := time.Now().Unix()
	for _, body := range []string{stripePaymentFailed, stripeChargeRefunded, stripeSubscriptionDeleted, stripeInvoicePaid} {
		if a := do(t, stripeSigned(url, body, stripeSecret, now)); a.status != http.StatusOK {
			t.Fatalf("%.80s: %d %s", body, a.status, a.body)
		}
	}
	if len(h.failed) != 1 || len(h.refunded) != 1 || len(h.deleted) != 1 || len(h.paid) != 1 || h.calls() != 4 {
		t.Fatalf("calls: %d failed, %d refunded, %d deleted, %d paid, %d in all", len(h.failed), len(h.refunded), len(h.deleted), len(h.paid), h.calls())
	}

	pi := h.failed[0].Data.Object
	perr, ok := pi.LastPaymentError.Get()
	if !ok || perr.Type != stripe.PaymentErrorTypeCardError || perr.GetCode() != "card_declined" ||
		perr.GetDeclineCode() != "insufficient_funds" || perr.GetCharge() != "ch_3PkQ5kLkdIwHu7ix0m3Fh6Ws" ||
		pi.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || !pi.Customer.IsNull() || !pi.PaymentMethod.IsNull() {
		t.Errorf("payment_failed: %+v, last_payment_error %+v", pi, perr)
	}
	if key := h.failed[0].GetRequest().IdempotencyKey; !key.IsNull() {
		t.Errorf("idempotency_key %+v", key)
	}

	ev := h.refunded[0]
	ch := ev.Data.Object
	if ch.ID != "ch_3PkQ2aLkdIwHu7ix1cZ8dLke" || ch.Amount != 2000 || ch.AmountRefunded != 500 || ch.GetRefunded() ||
		ch.Status != stripe.ChargeStatusSucceeded || ch.GetRefunds().GetHasMore() || len(ch.GetRefunds().Data) != 1 {
		t.Errorf("charge %+v", ch)
	}
	if re := ch.GetRefunds().Data[0]; re.ID != "re_3PkQ2aLkdIwHu7ix1r7Ka5Tn" || re.Amount != 500 || re.GetReason() != stripe.RefundReasonRequestedByCustomer {
		t.Errorf("refund %+v", re)
	}
	if prev := string(ev.Data.PreviousAttributes["amount_refunded"]); prev != "0" || ev.PendingWebhooks != 2 {
		t.Errorf("previous_attributes %v, pending_webhooks %d", ev.Data.PreviousAttributes, ev.PendingWebhooks)
	}

	sub := h.deleted[0].Data.Object
	if sub.ID != "sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm" || sub.Customer != "cus_QbdV8vGkU2tbxM" || sub.Status != stripe.SubscriptionStatusCanceled ||
		sub.GetCancellationDetails().GetReason() != stripe.SubscriptionCancellationDetailsReasonCancellationRequested ||
		sub.GetCollectionMethod() != stripe.CollectionMethodChargeAutomatically || !sub.CancelAt.IsNull() || sub.CanceledAt.Value != 1722859709 ||
		sub.CurrentPeriodEnd != nil || !h.deleted[0].GetRequest().ID.IsNull() {
		t.Errorf("subscription %+v", sub)
	}
	if len(sub.Items.Data) != 1 {
		t.Fatalf("items %+v", sub.Items)
	}
	item := sub.Items.Data[0]
	if item.GetCurrentPeriodEnd() != 1725464709 || item.Price.ID != "price_1PkQ0sLkdIwHu7ixn8CqA3Fz" || item.Price.GetProduct() != "prod_QbdU2xM6wYtG1h" ||
		item.Price.GetRecurring().GetInterval() != stripe.PriceRecurringIntervalMonth || item.Price.UnitAmount.Value != 1500 || item.GetQuantity() != 1 {
		t.Errorf("item %+v, price %+v", item, item.Price)
	}

	in := h.paid[0].Data.Object
	if in.ID != "in_1PkQ1yLkdIwHu7ixs0gY4HfR" || in.AmountPaid != 1500 || in.GetAmountRemaining() != 0 ||
		in.Status.Value != stripe.InvoiceStatusPaid || in.BillingReason.Value != stripe.InvoiceBillingReasonSubscriptionCreate ||
		in.GetParent().GetSubscriptionDetails().GetSubscription() != "sub_1PkQ1xLkdIwHu7ixJc0Tb6Lm" || in.Subscription.Set {
		t.Errorf("invoice %+v", in)
	}
	if len(in.Lines.Data) != 1 || in.Lines.Data[0].GetPeriod().GetEnd() != 1722859509 || in.Lines.Data[0].Description.Value != "1 × Pro plan (at $15.00 / month)" {
		t.Errorf("lines %+v", in.Lines)
	}
}

// TestStripeRefused: every delivery whose Stripe-Signature does not hold
// for this endpoint's secret, the raw body and a timestamp within 300
// seconds is 401, and no handler runs.
func TestStripeRefused(t *testing.T) {
	url, h := newStripe(t)
	now := time.Now().Unix()
	body := stripePaymentIntentSucceeded
	ts := strconv.FormatInt(now, 10)
	cases := map[string]*http.Request{
		"tampered body":     withBody(stripeSigned(url, body, stripeSecret, now), strings.Replace(body, `"amount": 2000`, `"amount": 200000`, 1)),
		"another secret":    stripeSigned(url, body, stripeOldSecret, now),
		"secret decoded":    stripeSigned(url, body, strings.TrimPrefix(stripeSecret, "whsec_"), now),
		"stale timestamp":   stripeSigned(url, body, stripeSecret, now-6*60),
		"future timestamp":  stripeSigned(url, body, stripeSecret, now+6*60),
		"timestamp swapped": stripeRequest(url, body, "t="+strconv.FormatInt(now+1, 10)+",v1="+stripeV1(stripeSecret, now, body)),
		"body alone signed": stripeRequest(url, body, "t="+ts+",v1="+hexHMAC(stripeSecret, body)),
		"v0 only":           stripeRequest(url, body, "t="+ts+",v0="+stripeV1(stripeSecret, now, body)),
		"no timestamp":      stripeRequest(url, body, "v1="+stripeV1(stripeSecret, now, body)),
	}
	for name, r := range cases {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
	// Four minutes old is within Stripe's tolerance.
	if a := do(t, stripeSigned(url, body, stripeSecret, now-4*60)); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("four minutes old: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

// TestStripeOtherEvents: an event type the spec does not describe is
// acknowledged (to the unknown-event hook), since Stripe retries for days
// whatever is not; an event without a type is malformed.
func TestStripeOtherEvents(t *testing.T) {
	var mu sync.Mutex
	var unknown []*webhook.Delivery
	url, h := newStripe(t, stripe.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d)
		return nil
	}))
	now := time.Now().Unix()
	const created = `{"id":"evt_1PkQ0aLkdIwHu7ixc5Lr2m7Y","object":"event","api_version":"2024-06-20","created":1720181020,"data":{"object":{"id":"cus_QbdV8vGkU2tbxM","object":"customer","email":"jenny.rosen@example.com"}},"livemode":false,"pending_webhooks":1,"request":{"id":"req_Pq1x","idempotency_key":null},"type":"customer.created"}`
	if a := do(t, stripeSigned(url, created, stripeSecret, now)); a.status != http.StatusOK {
		t.Errorf("customer.created: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 || string(unknown[0].Body) != created {
		t.Errorf("unknown-event hook got %+v", unknown)
	}
	mu.Unlock()
	untyped := strings.Replace(stripeInvoicePaid, `"type": "invoice.paid"`, `"kind": "invoice.paid"`, 1)
	if a := do(t, stripeSigned(url, untyped, stripeSecret, now)); a.status != http.StatusBadRequest {
		t.Errorf("no type: %d %s, want 400", a.status, a.body)
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}
