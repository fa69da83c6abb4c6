package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
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
	EventID  string
	Received time.Time
}

type deliveryKey struct{}

// WithDelivery returns a context that carries d.
func WithDelivery(ctx context.Context, d *Delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}

// DeliveryFrom returns the delivery a handler was called for.
func DeliveryFrom(ctx context.Context) (*Delivery, bool) {
	d, ok := ctx.Value(deliveryKey{}).(*Delivery)
	return d, ok
}

// Errors of the dispatch contract. Each maps to one status code; see
// [StatusOf].
var (
	// ErrInvalidPayload: the body is not JSON or not the schema's shape (400).
	ErrInvalidPayload = errors.New("webhook: invalid payload")
	// ErrInFlight: another delivery of the same event is being handled right
	// now (409); the provider's retry will find it done, or failed and free.
	ErrInFlight = errors.New("webhook: the same event is being handled by another delivery")
	// ErrTimeout: the handler gave up at its deadline (500).
	ErrTimeout = errors.New("webhook: the handler did not finish in time")
	// ErrNotImplemented is what UnimplementedHandler returns: the spec knows
	// the event but the program does not handle it, so it is not
	// acknowledged (500) and the provider retries.
	ErrNotImplemented = errors.New("webhook: no handler for this event")
)

// HandlerError is an error a handler (or the unknown-event hook) returned.
// Whatever it wraps, its status is 500: a handler that returns, say,
// ErrInvalidPayload of its own has still not handled the event.
type HandlerError struct{ Err error }

func (e *HandlerError) Error() string { return "webhook: handler: " + e.Err.Error() }
func (e *HandlerError) Unwrap() error { return e.Err }

// InvalidPayload marks err as a payload that does not fit the schema.
func InvalidPayload(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidPayload, err)
}

// DefaultHandlerTimeout is how long a handler may run when no timeout is
// configured: providers give up on a delivery after a few seconds to a
// minute, and a slower handler should retry, not hang.
const DefaultHandlerTimeout = 30 * time.Second

// Runner holds what every generated dispatcher shares: it de-duplicates
// deliveries, gives the handler a deadline, turns panics into errors and
// calls the hook for unknown events. The zero value uses an in-memory
// de-duplication store and logs nothing.
type Runner struct {
	Deduper Deduper
	// KeyPrefix keeps one provider's event ids apart from another's in a
	// shared Deduper.
	KeyPrefix string
	Timeout   time.Duration
	Logger    *slog.Logger
	// Unknown receives events the spec does not know. Nil acknowledges
	// them without a call.
	Unknown func(ctx context.Context, d *Delivery) error
}

// Prepare fills in defaults; call it once before sharing the Runner.
func (r *Runner) Prepare() {
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Deduper == nil {
		m := NewMemoryDeduper(0, 0)
		m.Logger = r.Logger
		r.Deduper = m
	}
	if r.Timeout <= 0 {
		r.Timeout = DefaultHandlerTimeout
	}
}

// Run calls handle once per event: it claims the event id before the call,
// commits it after a success and releases it after a failure, so that
// concurrent duplicates run the handler once and a failed event is handled
// again when the provider retries. A duplicate of a handled event returns
// nil without a call.
func (r *Runner) Run(ctx context.Context, d *Delivery, handle func(context.Context) error) error {
	var key string
	if d.EventID == "" {
		// One allocation for the key and the event id it ends with.
		key = prefixedBodyKey(r.KeyPrefix, d.Body)
		d.EventID = key[len(r.KeyPrefix):]
	} else {
		key = r.KeyPrefix + d.EventID
	}
	state, err := r.Deduper.Claim(ctx, key)
	if err != nil {
		return fmt.Errorf("webhook: de-duplication store: %w", err)
	}
	switch state {
	case ClaimAcquired:
		return r.call(ctx, d, handle, key, true)
	case ClaimDone:
		r.Logger.InfoContext(ctx, "webhook: duplicate delivery of a handled event", deliveryAttrs(d)...)
		return nil
	case ClaimInFlight:
		return ErrInFlight
	}
	// A store's bug must not pass for permission to run the handler: the
	// key may be another delivery's claim.
	err = fmt.Errorf("webhook: de-duplication store: Claim returned invalid state %d", state)
	r.Logger.ErrorContext(ctx, "webhook: de-duplication store", append(deliveryAttrs(d), "error", err)...)
	return err
}

// settle commits the claimed key after a success and releases it after a
// failure. sctx is the request's context without its cancellation: the
// claim outlives the request's context, and a timed-out handler settles it
// when it finally returns.
func (r *Runner) settle(sctx context.Context, d *Delivery, key string, err error) {
	var serr error
	if err != nil {
		serr = r.Deduper.Release(sctx, key)
	} else {
		serr = r.Deduper.Commit(sctx, key)
	}
	if serr != nil {
		r.Logger.ErrorContext(sctx, "webhook: de-duplication store", append(deliveryAttrs(d), "error", serr)...)
	}
}

// RunUnknown passes an event the spec does not know to the Unknown hook.
func (r *Runner) RunUnknown(ctx context.Context, d *Delivery) error {
	r.Logger.WarnContext(ctx, "webhook: event the spec does not know", deliveryAttrs(d)...)
	if r.Unknown == nil {
		return nil
	}
	return r.call(ctx, d, func(ctx context.Context) error { return r.Unknown(ctx, d) }, "", false)
}

// call runs handle with the delivery in its context and a deadline, on
// the request's own goroutine: the deadline is the handler's context, as
// for any Go handler, and a handler that honours it returns in time with
// ctx.Err(), which answers 500. (Running it on a goroutine of its own so
// the answer could leave before a handler that ignores its context returns
// cost a third of a delivery's time; see docs/receiving.md.)
// A claimed key is settled when handle returns, panics or ends its
// goroutine with runtime.Goexit (as t.FailNow does): only a handler that
// returned nil handled the event.
func (r *Runner) call(ctx context.Context, d *Delivery, handle func(context.Context) error, key string, claimed bool) (err error) {
	// One allocation for the delivery, the deadline and the detached
	// context settle uses; see handlerCtx.
	hctx := newHandlerCtx(ctx, d, r.Timeout)
	defer hctx.cancel()
	returned := false
	defer func() {
		if p := recover(); p != nil {
			err = &HandlerError{fmt.Errorf("webhook: handler panicked: %v", p)}
			r.Logger.ErrorContext(ctx, "webhook: handler panicked", append(deliveryAttrs(d), "panic", p, "stack", string(debug.Stack()))...)
		} else if !returned {
			err = errGoexit
			r.Logger.ErrorContext(ctx, "webhook: handler exited its goroutine", append(deliveryAttrs(d), "stack", string(debug.Stack()))...)
		}
		if claimed {
			r.settle(hctx.detached(), d, key, err)
		}
	}()
	err = handle(hctx)
	returned = true
	if err != nil {
		if hctx.Err() != nil && errors.Is(err, hctx.Err()) {
			err = fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		err = &HandlerError{err}
	}
	return err
}

// errGoexit is the outcome of a handler that neither returned nor
// panicked, for settle and the log: no caller sees it, since its goroutine
// is gone.
var errGoexit = &HandlerError{errors.New("webhook: handler exited its goroutine")}

func deliveryAttrs(d *Delivery) []any {
	return []any{"channel", d.Channel, "message", d.Message, "event_id", d.EventID}
}

// StatusOf maps a dispatch result to the status code of the contract.
func StatusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	var handlerErr *HandlerError
	switch {
	case errors.As(err, &handlerErr):
		return http.StatusInternalServerError
	case errors.Is(err, ErrInvalidPayload):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInFlight):
		return http.StatusConflict
	case errors.Is(err, ErrDedupFull):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
