package hookimpl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// Runner holds what every generated dispatcher shares: it de-duplicates
// deliveries, gives the handler a deadline, turns panics into errors and
// calls the hook for unknown events. The zero value uses an in-memory
// de-duplication store and logs nothing.
type Runner struct {
	Deduper webhook.Deduper
	// KeyPrefix keeps one provider's event ids apart from another's in a
	// shared Deduper.
	KeyPrefix string
	Timeout   time.Duration
	Logger    *slog.Logger
	// Unknown receives events the spec does not know. Nil acknowledges
	// them without a call.
	Unknown func(ctx context.Context, d *webhook.Delivery) error
	// Secrets are the secrets of signature schemes, by scheme key, for
	// handshakes answered with an HMAC (Zoom's endpoint.url_validation).
	Secrets map[string][][]byte
	// Confirmers confirm subscriptions, by the key of the scheme whose
	// hosts and client they use, for handshakes that GET a URL of the
	// body (Amazon SNS's SubscribeURL).
	Confirmers map[string]Confirmer
	// Observed is set when an Observer is configured: the Runner then adds
	// to the delivery's observation what only it knows.
	Observed bool
	// Handoff, when set, stores each delivery Run is given instead of
	// calling its handler (hand-off mode), unless ctx is [Stored]: then a
	// consumer is handling a stored delivery.
	Handoff webhook.Handoff
}

// Confirmer confirms a subscription by a GET of url:
// *webhook.Signature of format aws-sns.
type Confirmer interface {
	ConfirmSubscription(ctx context.Context, url string) error
}

// storedKey marks the context of a delivery a consumer took from a
// hand-off store.
type storedKey struct{}

// Stored returns ctx marked as a stored delivery's: Run calls the handler
// even when the Runner hands off, so that a consumer given the receiver's
// options does not store the delivery again.
func Stored(ctx context.Context) context.Context {
	return context.WithValue(ctx, storedKey{}, true)
}

// Prepare fills in defaults; call it once before sharing the Runner.
func (r *Runner) Prepare() {
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Deduper == nil {
		m := webhook.NewMemoryDeduper(0, 0)
		m.Logger = r.Logger
		r.Deduper = m
	}
	if r.Timeout <= 0 {
		r.Timeout = webhook.DefaultHandlerTimeout
	}
}

// Run calls handle once per event: it claims the event id before the call,
// commits it after a success and releases it after a failure, so that
// concurrent duplicates run the handler once and a failed event is handled
// again when the provider retries. A duplicate of a handled event returns
// nil without a call. In hand-off mode it stores the delivery instead,
// and returns nil once it is stored.
func (r *Runner) Run(ctx context.Context, d *webhook.Delivery, handle func(context.Context) error) error {
	if r.Handoff != nil && ctx.Value(storedKey{}) == nil {
		if err := r.Handoff.Handoff(ctx, r.eventKey(d), d); err != nil {
			return fmt.Errorf("webhook: hand-off: %w", err)
		}
		if r.Observed {
			observing(ctx).mark("handed_off")
		}
		return nil
	}
	key, state, err := r.claim(ctx, d)
	if err != nil {
		return err
	}
	switch state {
	case webhook.ClaimAcquired:
		return r.call(ctx, d, handle, key, true, nil)
	case webhook.ClaimDone:
		r.Logger.InfoContext(ctx, "webhook: duplicate delivery of a handled event", deliveryAttrs(d)...)
		return nil
	}
	return webhook.ErrInFlight
}

// eventKey returns the de-duplication key of the delivery's event id,
// which it sets to the SHA-256 of the body when the message has none.
func (r *Runner) eventKey(d *webhook.Delivery) string {
	if d.EventID == "" {
		// One allocation for the key and the event id it ends with.
		key := prefixedBodyKey(r.KeyPrefix, d.Body)
		d.EventID = key[len(r.KeyPrefix):]
		return key
	}
	return r.KeyPrefix + d.EventID
}

// claim claims the delivery's event id (eventKey) and returns the key it
// claimed and the state: acquired, done or in flight, never another.
func (r *Runner) claim(ctx context.Context, d *webhook.Delivery) (string, webhook.ClaimState, error) {
	key := r.eventKey(d)
	state, err := r.Deduper.Claim(ctx, key)
	if err != nil {
		return key, 0, fmt.Errorf("webhook: de-duplication store: %w", err)
	}
	switch state {
	case webhook.ClaimAcquired, webhook.ClaimDone, webhook.ClaimInFlight:
		if state == webhook.ClaimDone && r.Observed {
			observing(ctx).mark("duplicate")
		}
		return key, state, nil
	}
	// A store's bug must not pass for permission to run the handler: the
	// key may be another delivery's claim.
	err = fmt.Errorf("webhook: de-duplication store: Claim returned invalid state %d", state)
	r.Logger.ErrorContext(ctx, "webhook: de-duplication store", append(deliveryAttrs(d), "error", err)...)
	return key, 0, err
}

// settle commits the claimed key after a success and releases it after a
// failure. sctx is the request's context without its cancellation: the
// claim outlives the request's context, and a timed-out handler settles it
// when it finally returns. reply, when not nil, is the handler's reply,
// kept with the key by a store that can.
func (r *Runner) settle(sctx context.Context, d *webhook.Delivery, key string, err error, reply *[]byte) {
	var serr error
	switch rd, ok := r.Deduper.(webhook.ReplyDeduper); {
	case err != nil:
		serr = r.Deduper.Release(sctx, key)
	case reply != nil && ok:
		serr = rd.CommitReply(sctx, key, *reply)
	default:
		serr = r.Deduper.Commit(sctx, key)
	}
	switch {
	case serr == nil:
	case storeOutage(serr):
		r.Logger.DebugContext(sctx, "webhook: de-duplication store down", append(deliveryAttrs(d), "error", serr)...)
	default:
		r.Logger.ErrorContext(sctx, "webhook: de-duplication store", append(deliveryAttrs(d), "error", serr)...)
	}
}

// storeOutage reports whether err comes from a de-duplication store that
// logs its outages itself (webhook/redisdedup, once when one starts and
// once when it ends): its errors implement Outage() bool. Deliveries that
// fail with one are logged at debug level, not one error line each.
func storeOutage(err error) bool {
	o, ok := errors.AsType[interface {
		error
		Outage() bool
	}](err)
	return ok && o.Outage()
}

// RunUnknown passes an event the spec does not know to the Unknown hook.
func (r *Runner) RunUnknown(ctx context.Context, d *webhook.Delivery) error {
	r.Logger.WarnContext(ctx, "webhook: event the spec does not know", deliveryAttrs(d)...)
	if r.Observed {
		observing(ctx).mark("unknown")
	}
	if r.Unknown == nil {
		return nil
	}
	return r.call(ctx, d, func(ctx context.Context) error { return r.Unknown(ctx, d) }, "", false, nil)
}

// call runs handle with the delivery in its context and a deadline, on
// the request's own goroutine: the deadline is the handler's context, as
// for any Go handler, and a handler that honours it returns in time with
// ctx.Err(), which answers 500. (Running it on a goroutine of its own so
// the answer could leave before a handler that ignores its context returns
// cost a third of a delivery's time; see docs/receiving.md.)
// A claimed key is settled when handle returns, panics or ends its
// goroutine with runtime.Goexit (as t.FailNow does): only a handler that
// returned nil handled the event. reply is passed on to settle.
func (r *Runner) call(ctx context.Context, d *webhook.Delivery, handle func(context.Context) error, key string, claimed bool, reply *[]byte) (err error) {
	// One allocation for the delivery, the deadline and the detached
	// context settle uses; see handlerCtx.
	hctx := newHandlerCtx(ctx, d, r.Timeout)
	defer hctx.cancel()
	returned := false
	defer func() {
		if p := recover(); p != nil {
			err = &webhook.HandlerError{Err: fmt.Errorf("webhook: handler panicked: %v", p)}
			r.Logger.ErrorContext(ctx, "webhook: handler panicked", append(deliveryAttrs(d), "panic", p, "stack", string(debug.Stack()))...)
		} else if !returned {
			err = errGoexit
			r.Logger.ErrorContext(ctx, "webhook: handler exited its goroutine", append(deliveryAttrs(d), "stack", string(debug.Stack()))...)
		}
		if claimed {
			r.settle(hctx.detached(), d, key, err, reply)
		}
	}()
	var start time.Time
	if r.Observed {
		start = time.Now()
	}
	err = handle(hctx)
	returned = true
	if r.Observed {
		if o := observing(ctx); o != nil {
			o.handler = time.Since(start)
		}
	}
	if err != nil {
		if hctx.Err() != nil && errors.Is(err, hctx.Err()) {
			err = fmt.Errorf("%w: %w", webhook.ErrTimeout, err)
		}
		err = &webhook.HandlerError{Err: err}
	}
	return err
}

// errGoexit is the outcome of a handler that neither returned nor
// panicked, for settle and the log: no caller sees it, since its goroutine
// is gone.
var errGoexit = &webhook.HandlerError{Err: errors.New("webhook: handler exited its goroutine")}

func deliveryAttrs(d *webhook.Delivery) []any {
	return []any{"channel", d.Channel, "message", d.Message, "event_id", d.EventID}
}

// InvalidPayload marks err as a payload that does not fit the schema: it
// wraps [webhook.ErrInvalidPayload], answered 400.
func InvalidPayload(err error) error {
	return fmt.Errorf("%w: %w", webhook.ErrInvalidPayload, err)
}

// prefixedBodyKey returns prefix and the hex SHA-256 of body, the event id
// of a message without a correlationId, in one allocation.
func prefixedBodyKey(prefix string, body []byte) string {
	sum := sha256.Sum256(body)
	var buf [64 + 2*sha256.Size]byte
	b := append(buf[:0], prefix...)
	b = hex.AppendEncode(b, sum[:])
	return string(b)
}
