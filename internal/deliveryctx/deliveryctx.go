// Package deliveryctx holds the context key of a webhook.Delivery, shared by
// webhook.DeliveryFrom, which reads it, and the handler context of
// runtime/hookimpl, which answers it without a context.WithValue per
// delivery.
package deliveryctx

// Key is the context key whose value is the *webhook.Delivery a handler
// was called for.
type Key struct{}
