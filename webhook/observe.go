package webhook

import (
	"context"
	"time"
)

// An Observer is told of every delivery a generated Server receives:
// Begin as the request arrives, and the returned func, once, with how it
// ended. The context Begin returns is the one the handler gets, so a span
// started there is the handler's parent. webhook/otelhook reports to
// OpenTelemetry; without an Observer nothing is measured. It must be safe
// for concurrent use.
type Observer interface {
	Begin(ctx context.Context, provider, channel string) (context.Context, func(Outcome))
}

// Outcome is how one delivery ended.
type Outcome struct {
	// Status is the HTTP status the delivery was answered with.
	Status int
	// Result names the outcome: "handled", "duplicate" (answered 200
	// without a handler call), "unknown" (no message matched), "handshake"
	// (answered by the receiver itself), "handed_off" (stored for a
	// consumer, webhook/jetstream), and for the
	// other statuses "unauthorized", "rejected" (405, 413, 415, an
	// unreadable body), "invalid" (400), "in_flight" (409), "unavailable"
	// (503) or "failed" (500).
	Result string
	// Message and EventID are the message key and event id, once known.
	Message, EventID string
	// Schemes names, for an unauthorized delivery, the security schemes
	// the receiver checks ("basicAuth", "hmacAuth+apiKey" for several).
	Schemes string
	// Handler is how long the handler ran; zero when it did not.
	Handler time.Duration
	// Err is the error behind a status other than 200.
	Err error
}
