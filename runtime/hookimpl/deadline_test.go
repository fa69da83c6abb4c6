package hookimpl

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/internal/deliveryctx"
	"github.com/hookgen/hookgen/webhook"
)

// waitDone fails the test unless ctx is done within a generous bound.
func waitDone(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not close")
	}
}

func mustClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	default:
		t.Fatal("Done is not closed")
	}
}

func mustErr(t *testing.T, ctx context.Context, want, wantCause error) {
	t.Helper()
	if err := ctx.Err(); err != want {
		t.Fatalf("Err = %v, want %v", err, want)
	}
	if cause := context.Cause(ctx); cause != wantCause {
		t.Fatalf("Cause = %v, want %v", cause, wantCause)
	}
}

// sleepPast sleeps until ctx's deadline has passed, and no longer.
func sleepPast(ctx context.Context) {
	dl, _ := ctx.Deadline()
	time.Sleep(time.Until(dl) + time.Millisecond)
}

func TestCancelCtxKeyFound(t *testing.T) {
	if cancelCtxKey == nil {
		t.Fatal("the probe did not find the context package's cancelCtx key")
	}
}

func TestHandlerCtxDoneAtDeadline(t *testing.T) {
	start := time.Now()
	c := newHandlerCtx(context.Background(), nil, 20*time.Millisecond)
	defer c.cancel()
	if err := c.Err(); err != nil {
		t.Fatalf("Err before the deadline: %v", err)
	}
	waitDone(t, c)
	if time.Since(start) < 20*time.Millisecond {
		t.Fatalf("Done closed after %v, before the deadline", time.Since(start))
	}
	mustErr(t, c, context.DeadlineExceeded, context.DeadlineExceeded)
}

// Most handlers never call Done: Err still reports the deadline, and a
// Done asked for afterwards is already closed.
func TestHandlerCtxErrWithoutDone(t *testing.T) {
	c := newHandlerCtx(context.Background(), nil, 2*time.Millisecond)
	defer c.cancel()
	sleepPast(c)
	if c.inner != nil {
		t.Fatal("inner context made before anything needed it")
	}
	mustErr(t, c, context.DeadlineExceeded, context.DeadlineExceeded)
	mustClosed(t, c.Done())
	c.cancel()
	mustErr(t, c, context.DeadlineExceeded, context.DeadlineExceeded)
}

func TestHandlerCtxParentCanceled(t *testing.T) {
	why := errors.New("client went away")
	for _, doneFirst := range []bool{false, true} {
		parent, cancelParent := context.WithCancelCause(context.Background())
		c := newHandlerCtx(parent, nil, time.Hour)
		var done <-chan struct{}
		if doneFirst {
			done = c.Done()
		}
		cancelParent(why)
		if doneFirst {
			waitDone(t, c)
		} else {
			if c.inner != nil {
				t.Fatal("inner context made before anything needed it")
			}
			done = c.Done()
		}
		mustClosed(t, done)
		// The parent's cause carries over, as to a context.WithTimeout.
		mustErr(t, c, context.Canceled, why)
		c.cancel()
		mustErr(t, c, context.Canceled, why)
	}
}

func TestHandlerCtxCancel(t *testing.T) {
	// With Done asked for first: cancel closes it.
	c := newHandlerCtx(context.Background(), nil, time.Hour)
	done := c.Done()
	c.cancel()
	mustClosed(t, done)
	mustErr(t, c, context.Canceled, context.Canceled)

	// Without: cancel makes nothing, and a later Done is closed.
	c = newHandlerCtx(context.Background(), nil, 2*time.Millisecond)
	c.cancel()
	mustErr(t, c, context.Canceled, context.Canceled)
	mustClosed(t, c.Done())
	if c.inner != nil {
		t.Fatal("cancel or a Done after it made an inner context")
	}
	// The deadline passing later does not change why it ended.
	sleepPast(c)
	mustErr(t, c, context.Canceled, context.Canceled)

	// Nor does a cancel change why a context that was over ended, though
	// nothing asked before.
	c = newHandlerCtx(context.Background(), nil, 2*time.Millisecond)
	sleepPast(c)
	c.cancel()
	mustErr(t, c, context.DeadlineExceeded, context.DeadlineExceeded)
	why := errors.New("why")
	parent, cancelParent := context.WithCancelCause(context.Background())
	c = newHandlerCtx(parent, nil, time.Hour)
	cancelParent(why)
	c.cancel()
	mustErr(t, c, context.Canceled, why)
}

func TestHandlerCtxDeadline(t *testing.T) {
	near, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	pd, _ := near.Deadline()
	if dl, ok := newHandlerCtx(near, nil, time.Hour).Deadline(); !ok || !dl.Equal(pd) {
		t.Fatalf("Deadline = %v, %v; want the parent's %v", dl, ok, pd)
	}
	far, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	before := time.Now()
	dl, ok := newHandlerCtx(far, nil, 10*time.Millisecond).Deadline()
	if !ok || dl.Before(before.Add(10*time.Millisecond)) || dl.After(time.Now().Add(10*time.Millisecond)) {
		t.Fatalf("Deadline = %v, %v; want now+10ms", dl, ok)
	}
	// The parent's nearer deadline ends the handler's context.
	c := newHandlerCtx(near, nil, time.Hour)
	defer c.cancel()
	waitDone(t, c)
	mustErr(t, c, context.DeadlineExceeded, context.DeadlineExceeded)
}

func TestHandlerCtxValue(t *testing.T) {
	type key struct{}
	d := &webhook.Delivery{EventID: "v"}
	parent := context.WithValue(context.Background(), key{}, "parent's")
	c := newHandlerCtx(parent, d, time.Hour)
	defer c.cancel()
	for _, ctx := range []context.Context{c, c.detached()} {
		if got := ctx.Value(key{}); got != "parent's" {
			t.Fatalf("%T: Value(parent's key) = %v", ctx, got)
		}
		if got := ctx.Value("other"); got != nil {
			t.Fatalf("%T: Value(unknown key) = %v", ctx, got)
		}
	}
	if got, ok := webhook.DeliveryFrom(c); !ok || got != d {
		t.Fatalf("DeliveryFrom = %v, %v", got, ok)
	}
	// A nearer delivery shadows the parent's, as a context value would.
	inner := newHandlerCtx(context.WithValue(context.Background(), deliveryctx.Key{}, &webhook.Delivery{}), d, time.Hour)
	if got, _ := webhook.DeliveryFrom(inner); got != d {
		t.Fatal("the parent's delivery shadows the handler's")
	}
}

// A context derived from the handler's ends at its deadline, and is
// registered with it the way the context package registers its own
// children: no goroutine per child.
func TestHandlerCtxChild(t *testing.T) {
	d := &webhook.Delivery{}
	c := newHandlerCtx(context.Background(), d, 20*time.Millisecond)
	defer c.cancel()
	before := runtime.NumGoroutine()
	var children []context.Context
	for range 50 {
		child, cancel := context.WithCancel(c)
		defer cancel()
		children = append(children, child)
	}
	if n := runtime.NumGoroutine() - before; n >= 50 {
		t.Fatalf("%d goroutines for 50 child contexts", n)
	}
	for _, child := range children {
		waitDone(t, child)
		mustErr(t, child, context.DeadlineExceeded, context.DeadlineExceeded)
		if got, _ := webhook.DeliveryFrom(child); got != d {
			t.Fatal("child lost the delivery")
		}
	}
	// Children of a canceled context are canceled as they are made.
	c.cancel()
	child, cancel := context.WithTimeout(c, time.Hour)
	defer cancel()
	mustClosed(t, child.Done())
}

// cancel releases what Done set up: the timer and the parent's hold on the
// inner context. A parent of a type the context package does not know
// costs a goroutine to watch; it must end with cancel.
func TestHandlerCtxCancelReleases(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	before := runtime.NumGoroutine()
	c := newHandlerCtx(foreignCtx{parent}, nil, time.Hour)
	done := c.Done()
	if runtime.NumGoroutine() <= before {
		t.Fatal("no goroutine watches a foreign parent: the test proves nothing")
	}
	c.cancel()
	mustClosed(t, done)
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left after cancel", runtime.NumGoroutine()-before)
		}
	}
	mustErr(t, c, context.Canceled, context.Canceled)
	mustClosed(t, c.Done())
}

// foreignCtx hides the *cancelCtx in it from the context package.
type foreignCtx struct{ context.Context }

func (foreignCtx) Value(any) any { return nil }

func TestDetachedCtx(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	c := newHandlerCtx(parent, nil, time.Millisecond)
	c.Done()
	cancel()
	c.cancel()
	s := c.detached()
	if s.Done() != nil || s.Err() != nil || context.Cause(s) != nil {
		t.Fatal("the detached context is canceled")
	}
	if _, ok := s.Deadline(); ok {
		t.Fatal("the detached context has a deadline")
	}
	if _, ok := webhook.DeliveryFrom(s); ok {
		t.Fatal("the detached context carries the delivery")
	}
}

// The Runner reports a handler that returns its context's error as timed
// out, whether it waited on Done or only checked Err.
func TestRunnerTimeoutWithoutDone(t *testing.T) {
	r := &Runner{Timeout: 2 * time.Millisecond}
	r.Prepare()
	err := r.Run(context.Background(), &webhook.Delivery{EventID: "t"}, func(ctx context.Context) error {
		sleepPast(ctx)
		return ctx.Err()
	})
	if !errors.Is(err, webhook.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout: %v", err)
	}
}

func TestHandlerCtxConcurrent(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	for range 100 {
		c := newHandlerCtx(parent, nil, time.Millisecond)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				switch i {
				case 0:
					<-c.Done()
				case 1:
					for c.Err() == nil {
						runtime.Gosched()
					}
				case 2:
					child, cancel := context.WithCancel(c)
					<-child.Done()
					cancel()
				case 3:
					_ = context.Cause(c)
					c.cancel()
				}
			})
		}
		wg.Wait()
		if c.Err() == nil {
			t.Fatal("Err is nil after Done closed")
		}
	}
}

type acquireDeduper struct{}

func (acquireDeduper) Claim(context.Context, string) (webhook.ClaimState, error) {
	return webhook.ClaimAcquired, nil
}
func (acquireDeduper) Commit(context.Context, string) error  { return nil }
func (acquireDeduper) Release(context.Context, string) error { return nil }

func okHandler(context.Context) error { return nil }

func waitHandler(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}

// BenchmarkHandlerContext compares the handler's context as
// context.WithTimeout(context.WithValue(...)) plus WithoutCancel for settle
// (ctx=std) with handlerCtx, with and without a Done call, and measures the
// whole Runner.Run path with a Deduper that always acquires.
func BenchmarkHandlerContext(b *testing.B) {
	d := &webhook.Delivery{EventID: "e"}
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("ctx=std", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hctx, cancel := context.WithTimeout(context.WithValue(parent, deliveryctx.Key{}, d), time.Minute)
			if hctx.Err() != nil || context.WithoutCancel(parent).Err() != nil {
				b.Fatal()
			}
			cancel()
		}
	})
	b.Run("ctx=handlerCtx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := newHandlerCtx(parent, d, time.Minute)
			if c.Err() != nil || c.detached().Err() != nil {
				b.Fatal()
			}
			c.cancel()
		}
	})
	b.Run("ctx=handlerCtx+Done", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := newHandlerCtx(parent, d, time.Minute)
			if waitHandler(c) != nil {
				b.Fatal()
			}
			c.cancel()
		}
	})
	for _, h := range []struct {
		name   string
		handle func(context.Context) error
	}{{"path=Runner.Run", okHandler}, {"path=Runner.Run+Done", waitHandler}} {
		b.Run(h.name, func(b *testing.B) {
			r := &Runner{Deduper: acquireDeduper{}, Timeout: time.Minute}
			r.Prepare()
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Run(parent, d, h.handle); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
