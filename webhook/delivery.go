package webhook

import (
	"context"
	"net/http"
	"time"

	"github.com/hookgen/hookgen/internal/deliveryctx"
)

// Delivery is one webhook delivery on its way to a handler. Handlers reach
// it from their context with [DeliveryFrom]: the raw body (to verify or
// store it), the headers, the event id and when it arrived.
type Delivery struct {
	// Channel is the spec's channel, e.g. "/webhook".
	Channel string
	// Message is the key of the message the delivery was routed to, e.g.
	// "DasherConfirmed"; empty for an event the spec does not know.
	Message string
	Header  http.Header
	// Params are the channel parameters, e.g. orderId of "/orders/{orderId}".
	Params map[string]string
	// Body is the request body as it arrived. Do not modify it: the
	// strings of the decoded event share its memory.
	Body []byte
	// EventID is the de-duplication key: the message's correlationId, or
	// the SHA-256 of the body when the spec names none.
	EventID string
	// Envelope is, for an event of a batch nested in the body
	// (x-hookgen-batch: {elements: ...}), the JSON objects that enclose
	// it, outermost first: for Meta's /entry/*/changes/*, the
	// notification (its "object") and then the change's entry (its "id"
	// and "time"). Nil otherwise. A delivery taken from a hand-off store
	// has the envelope of its element alone (the other changes left out).
	Envelope [][]byte
	Received time.Time
}

// DeliveryFrom returns the delivery a handler was called for.
func DeliveryFrom(ctx context.Context) (*Delivery, bool) {
	d, ok := ctx.Value(deliveryctx.Key{}).(*Delivery)
	return d, ok
}

// WithDelivery returns a copy of ctx that carries d, as a handler's
// context does: to unit-test a handler that reads DeliveryFrom.
func WithDelivery(ctx context.Context, d *Delivery) context.Context {
	return context.WithValue(ctx, deliveryctx.Key{}, d)
}

// Handoff stores an accepted delivery for a consumer to handle later:
// hand-off mode (webhook/jetstream's Publisher is one). A generated Server
// given one (its WithHandoff option) passes it each delivery that was
// authenticated, routed and decoded, and answers 200 once Handoff returned
// nil, without calling the handler; any error is 500, and the provider
// retries. id is the provider's event id with the provider in front
// (doordash:...), the same for every delivery of one event, so a store
// can drop the copies.
type Handoff interface {
	Handoff(ctx context.Context, id string, d *Delivery) error
}
