package jetstream_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	njs "github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/internal/natstest"
	"github.com/hookgen/hookgen/internal/redistest"
	"github.com/hookgen/hookgen/webhook"
	hookjs "github.com/hookgen/hookgen/webhook/jetstream"
	"github.com/hookgen/hookgen/webhook/redisdedup"
)

// worker is a consumer process: its own NATS connection and Consumer.
// kill ends it as a crash does: the connection closes under it, so
// nothing it was doing is acknowledged.
type worker struct {
	kill func()
	done chan error
}

func startWorker(t *testing.T, ns *natstest.Server, d hookjs.Dispatcher, opts ...hookjs.Option) *worker {
	t.Helper()
	nc, js := connect(t, ns)
	c, err := hookjs.NewConsumer(t.Context(), js, d, append([]hookjs.Option{quiet}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &worker{done: make(chan error, 1)}
	go func() { w.done <- c.Run(ctx) }()
	w.kill = func() { nc.Close(); cancel() }
	t.Cleanup(func() { cancel(); nc.Close(); <-w.done })
	return w
}

// A consumer killed while its handler runs leaves the delivery
// unacknowledged: once AckWait passes, the restarted consumer gets it and
// handles it (at least once into the handler).
func TestConsumerKilledMidHandler(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	opts := []hookjs.Option{hookjs.WithAckWait(300 * time.Millisecond)}
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	c := newCalls()
	entered, release := make(chan struct{}), make(chan struct{})
	var completed atomic.Int32
	c.behave = func(_ context.Context, _ string, n int) error {
		if n == 1 {
			close(entered)
			<-release // the process dies here
			return nil
		}
		completed.Add(1)
		return nil
	}
	first := startWorker(t, ns, doordash.NewDispatcher(c.handler()), opts...)
	if code, err := post(t, hs.URL, event("K-1")); code != 200 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	<-entered
	first.kill()
	startWorker(t, ns, doordash.NewDispatcher(c.handler()), opts...) // the restart
	waitFor(t, "the redelivery", func() bool { return completed.Load() == 1 })
	close(release)
	time.Sleep(400 * time.Millisecond)
	if n := c.count("K-1"); n != 2 || completed.Load() != 1 {
		t.Errorf("handler entered %d times, completed %d after the restart; want 2 and 1", n, completed.Load())
	}
}

// A consumer killed after its handler succeeded but before JetStream got
// the acknowledgement: the restarted consumer gets the delivery again. With
// each process's own memory the handler runs twice (at least once); with
// the shared Deduper on Redis it runs once (exactly once).
func TestConsumerKilledBeforeAck(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "redis"}[shared], func(t *testing.T) {
			ns := natstest.Start(t)
			_, js := connect(t, ns)
			opts := []hookjs.Option{hookjs.WithAckWait(300 * time.Millisecond)}
			pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
			if err != nil {
				t.Fatal(err)
			}
			hs := server(t, pub, newCalls())
			var store func() webhook.Deduper
			if shared {
				rs := redistest.Start(t)
				rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, DisableIdentity: true})
				t.Cleanup(func() { rdb.Close() })
				store = func() webhook.Deduper { return redisdedup.New(rdb) }
			} else {
				store = func() webhook.Deduper { return webhook.NewMemoryDeduper(0, 0) }
			}
			c := newCalls()
			var first *worker
			var once sync.Once
			c.behave = func(_ context.Context, _ string, n int) error {
				once.Do(func() { first.kill() }) // dies right after the handler, before the ack
				return nil
			}
			first = startWorker(t, ns, doordash.NewDispatcher(c.handler(), doordash.WithDeduper(store())), opts...)
			if code, err := post(t, hs.URL, event("A-1")); code != 200 || err != nil {
				t.Fatalf("%d %v", code, err)
			}
			waitFor(t, "the first call", func() bool { return c.count("A-1") == 1 })
			startWorker(t, ns, doordash.NewDispatcher(c.handler(), doordash.WithDeduper(store())), opts...)
			want := 1
			if !shared {
				want = 2
				waitFor(t, "the second call", func() bool { return c.count("A-1") == 2 })
			}
			// Long enough for the redelivery (AckWait) and its answer.
			time.Sleep(time.Second)
			if n := c.count("A-1"); n != want {
				t.Errorf("handled %d times, want %d", n, want)
			}
			waitFor(t, "the acknowledgement", func() bool { return pending(t, js) == 0 })
		})
	}
}

// consumerInfo is the durable consumer's state.
func consumerInfo(t *testing.T, js njs.JetStream) *njs.ConsumerInfo {
	t.Helper()
	c, err := js.Consumer(t.Context(), hookjs.DefaultStream, "hookgen-doordash")
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// pending is how many stored deliveries the durable consumer has yet to
// get acknowledged, delivered or not.
func pending(t *testing.T, js njs.JetStream) int {
	info := consumerInfo(t, js)
	return info.NumAckPending + int(info.NumPending)
}

// delivered is how many deliveries the durable consumer made, redeliveries
// included.
func delivered(t *testing.T, js njs.JetStream) uint64 {
	return consumerInfo(t, js).Delivered.Consumer
}

// abortAfter publishes with h, then drops the connection without an answer
// the first time: a Server that stopped between JetStream's
// acknowledgement and its own.
type abortAfter struct {
	h       webhook.Handoff
	aborted atomic.Bool
}

func (a *abortAfter) Handoff(ctx context.Context, id string, d *webhook.Delivery) error {
	if err := a.h.Handoff(ctx, id, d); err != nil {
		return err
	}
	if a.aborted.CompareAndSwap(false, true) {
		panic(http.ErrAbortHandler)
	}
	return nil
}

// A Server stopped after JetStream stored a delivery and before it
// answered: the provider sees no answer and retries, on another replica;
// that retry is acknowledged (JetStream's duplicate) and the event is
// stored and handled once.
func TestServerStoppedBeforeAnswer(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	dying := server(t, &abortAfter{h: pub}, newCalls())
	other := server(t, pub, newCalls())
	if code, err := post(t, dying.URL, event("X-1")); err == nil {
		t.Fatalf("the dying Server answered %d", code)
	}
	if code, err := post(t, other.URL, event("X-1")); code != 200 || err != nil {
		t.Fatalf("the retry on another replica: %d %v, want 200", code, err)
	}
	if n := streamMsgs(t, js, hookjs.DefaultSubject+".doordash"); n != 1 {
		t.Errorf("%d messages stored for the event, want 1", n)
	}
	c := newCalls()
	run(t, js, doordash.NewDispatcher(c.handler()))
	waitFor(t, "the call", func() bool { return c.count("X-1") == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := c.count("X-1"); n != 1 {
		t.Errorf("handled %d times, want once", n)
	}
}

// A delivery whose event another worker has in hand (its claim in the
// shared Deduper) is redelivered, not dead-lettered, however many times
// that takes; once the claim is released it is handled once.
func TestInFlightElsewhereIsNoFailure(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	rs := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, DisableIdentity: true})
	t.Cleanup(func() { rdb.Close() })
	opts := []hookjs.Option{hookjs.WithMaxDeliver(2), hookjs.WithBackoff(func(int) time.Duration { return 20 * time.Millisecond })}
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	// The other worker: it claimed the event's id and is still at it.
	body := event("E-1")
	other := redisdedup.New(rdb)
	key := "doordash:" + sha256hex(body)
	if s, err := other.Claim(t.Context(), key); s != webhook.ClaimAcquired || err != nil {
		t.Fatalf("Claim = %v, %v", s, err)
	}
	c := newCalls()
	run(t, js, doordash.NewDispatcher(c.handler(), doordash.WithDeduper(redisdedup.New(rdb))), opts...)
	if code, err := post(t, hs.URL, body); code != 200 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	time.Sleep(500 * time.Millisecond) // many times MaxDeliver's worth of redeliveries
	if n := streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash"); n != 0 || c.count("E-1") != 0 {
		t.Fatalf("while in flight elsewhere: %d dead letters, %d calls; want none", n, c.count("E-1"))
	}
	if err := other.Release(t.Context(), key); err != nil { // the other worker's handler failed
		t.Fatal(err)
	}
	waitFor(t, "the call", func() bool { return c.count("E-1") == 1 })
	waitFor(t, "the acknowledgement", func() bool { return pending(t, js) == 0 })
	if n := c.count("E-1"); n != 1 {
		t.Errorf("handled %d times, want once", n)
	}
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// With the consumers' Deduper (Redis) down, no handler runs and the
// deliveries are redelivered, however many times that takes: a store's
// outage is no failure of the event, so nothing goes to the dead letters,
// and it is logged once by the store, not an error line per delivery.
// Once Redis is back each event is handled once.
func TestConsumerStoreOutage(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	rs := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, DisableIdentity: true, MaxRetries: 1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	logs, log := captureLog()
	opts := []hookjs.Option{hookjs.WithLogger(log), hookjs.WithMaxDeliver(2), hookjs.WithBackoff(func(int) time.Duration { return 20 * time.Millisecond })}
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	c := newCalls()
	rs.Stop()
	run(t, js, doordash.NewDispatcher(c.handler(), doordash.WithDeduper(redisdedup.New(rdb, redisdedup.WithLogger(log)))), opts...)
	ids := []string{"S-1", "S-2", "S-3"}
	for _, id := range ids {
		if code, err := post(t, hs.URL, event(id)); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", id, code, err)
		}
	}
	// Many times MaxDeliver's worth of redeliveries of each, or a dead
	// letter.
	waitFor(t, "the redeliveries", func() bool {
		return delivered(t, js) >= uint64(4*len(ids)) || streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash") > 0
	})
	if n := streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash"); n != 0 {
		t.Errorf("%d dead letters with the Deduper down, want none", n)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "Redis failed") {
		t.Errorf("%d error lines for one outage, want 1 (the store's):\n%s", n, logs.String())
	}
	rs.Restart()
	for _, id := range ids {
		waitFor(t, "the call of "+id, func() bool { return c.count(id) == 1 })
	}
	waitFor(t, "the acknowledgements", func() bool { return pending(t, js) == 0 })
	for _, id := range ids {
		if n := c.count(id); n != 1 {
			t.Errorf("%s handled %d times, want once", id, n)
		}
	}
}
