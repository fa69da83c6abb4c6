package hookimpl

import (
	"context"
	"sync"
	"time"

	"github.com/hookgen/hookgen/internal/deliveryctx"
	"github.com/hookgen/hookgen/webhook"
)

// handlerCtx is the context a handler runs with: its delivery (for
// [webhook.DeliveryFrom]) and its deadline, in one allocation.
//
// context.WithTimeout(WithDelivery(ctx, d), timeout) costs a value
// context, a timer context, a timer and a channel per delivery, though most
// handlers never wait on ctx.Done(). handlerCtx answers Deadline, Value and
// Err from its fields and the clock, and builds the real thing,
// context.WithDeadline(parent, deadline), only when something needs a
// channel: the first Done (which child contexts call too), or an Err that
// finds the context already over. From then on that inner context answers
// Done, Err and context.Cause, with the context package's own timer,
// propagation from the parent and registration of children, so none of
// that is reimplemented here.
type handlerCtx struct {
	parent   context.Context
	d        *webhook.Delivery
	deadline time.Time // the earlier of the parent's and now+timeout

	mu       sync.Mutex
	inner    context.Context    // made on demand; see above
	stop     context.CancelFunc // inner's
	canceled bool               // cancel ran; with no inner, Err is Canceled
}

func newHandlerCtx(parent context.Context, d *webhook.Delivery, timeout time.Duration) *handlerCtx {
	deadline := time.Now().Add(timeout)
	if pd, ok := parent.Deadline(); ok && pd.Before(deadline) {
		deadline = pd
	}
	return &handlerCtx{parent: parent, d: d, deadline: deadline}
}

// get returns the inner context, making it first if force is set or if c
// is already over (so Err, and Cause after it, agree with it from then on),
// and whether cancel ran. The context is nil if c is not over and nothing
// forced it, or if cancel ran before anything needed it.
func (c *handlerCtx) get(force bool) (context.Context, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.makeInner(force)
	return c.inner, c.canceled
}

// makeInner makes the inner context if there is none, cancel has not run,
// and force is set or c is over; mu held. Past the deadline or with the
// parent done, the context package returns it already done with the right
// error and cause.
func (c *handlerCtx) makeInner(force bool) {
	// time.Until reads only the monotonic clock when the deadline has a
	// monotonic reading (time.Now().Before would read the wall clock too).
	if c.inner == nil && !c.canceled && (force || c.parent.Err() != nil || time.Until(c.deadline) <= 0) {
		c.inner, c.stop = context.WithDeadline(c.parent, c.deadline)
	}
}

// cancel ends c: it stops the inner context's timer and unregisters it
// from the parent, if there is one; otherwise it only marks c canceled,
// which allocates nothing. A c already over by its deadline or its parent
// keeps that error and cause, as a context.WithTimeout would.
func (c *handlerCtx) cancel() {
	c.mu.Lock()
	c.makeInner(false)
	c.canceled = true
	stop := c.stop
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (c *handlerCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *handlerCtx) Done() <-chan struct{} {
	if inner, _ := c.get(true); inner != nil {
		return inner.Done()
	}
	return closedChan // canceled before anyone asked
}

func (c *handlerCtx) Err() error {
	inner, canceled := c.get(false)
	switch {
	case inner != nil:
		return inner.Err()
	case canceled:
		return context.Canceled
	}
	return nil
}

func (c *handlerCtx) Value(key any) any {
	switch key {
	case deliveryctx.Key{}:
		return c.d
	case cancelCtxKey:
		// context.Cause asks this after a non-nil Err, which made the inner
		// context unless cancel came first; then nil makes Cause fall back
		// to Err. A child context.WithCancel asks it after Done: finding
		// the inner context registers the child with it, where any other
		// answer would cost the child a goroutine watching Done.
		c.mu.Lock()
		inner := c.inner
		c.mu.Unlock()
		if inner == nil {
			return nil
		}
		return inner.Value(key)
	}
	return c.parent.Value(key)
}

// cancelCtxKey is the key the context package looks up, in context.Cause
// and when it derives a child, to find the *cancelCtx behind a context. It
// is unexported, so it is read off a probe that Cause calls Value on. If a
// later Go stopped calling Value there, it stays nil, no key equals it, and
// only Cause's result and the children's goroutine-free registration
// degrade.
var cancelCtxKey = func() (key any) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	context.Cause(keyProbe{done, &key})
	return key
}()

type keyProbe struct {
	context.Context
	key *any
}

func (p keyProbe) Value(key any) any { *p.key = key; return nil }

// closedChan is Done of a context canceled before its Done was asked for.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// detachedCtx is the handler context's parent without its cancellation
// or deadline, as context.WithoutCancel(parent) would be, for settling a
// claim after the handler returned. It is a pointer, so it converts to a
// context.Context without allocating.
type detachedCtx handlerCtx

func (c *handlerCtx) detached() context.Context { return (*detachedCtx)(c) }

func (*detachedCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*detachedCtx) Done() <-chan struct{}       { return nil }
func (*detachedCtx) Err() error                  { return nil }

func (c *detachedCtx) Value(key any) any {
	if key == cancelCtxKey {
		return nil // as WithoutCancel: Cause is nil, children do not link up
	}
	return c.parent.Value(key)
}
