package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	njs "github.com/nats-io/nats.go/jetstream"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/internal/natstest"
	"github.com/hookgen/hookgen/webhook"
	hookjs "github.com/hookgen/hookgen/webhook/jetstream"
)

const user, pass = "dd", "dd-secret"

// connect opens a NATS connection that keeps reconnecting, as a receiver's
// would, and closes it when t ends.
func connect(t *testing.T, srv *natstest.Server) (*nats.Conn, njs.JetStream) {
	t.Helper()
	nc, err := nats.Connect(srv.URL, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := njs.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

var quiet = hookjs.WithLogger(slog.New(slog.DiscardHandler))

// calls records handler calls by external_delivery_id, with the delivery
// each was called with.
type calls struct {
	mu     sync.Mutex
	n      map[string]int
	last   map[string]webhook.Delivery
	behave func(ctx context.Context, id string, n int) error
}

func newCalls() *calls { return &calls{n: map[string]int{}, last: map[string]webhook.Delivery{}} }

func (c *calls) handler() doordash.Handler {
	return doordash.EventFunc(func(ctx context.Context, _ string, event any) error {
		id := event.(*doordash.DeliveryWebhookPayload).GetExternalDeliveryID()
		c.mu.Lock()
		c.n[id]++
		n := c.n[id]
		if d, ok := webhook.DeliveryFrom(ctx); ok {
			c.last[id] = *d
		}
		behave := c.behave
		c.mu.Unlock()
		if behave != nil {
			return behave(ctx, id, n)
		}
		return nil
	})
}

func (c *calls) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// server serves the DoorDash Server in hand-off mode to pub.
func server(t *testing.T, h webhook.Handoff, c *calls) *httptest.Server {
	t.Helper()
	srv, err := doordash.NewServer(c.handler(), doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass}),
		doordash.WithHandoff(h))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs
}

func event(id string) string {
	return `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"` + id + `","fee":42}`
}

func post(t *testing.T, url, body string) (int, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+doordash.ChannelWebhook, strings.NewReader(body))
	req.SetBasicAuth(user, pass)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Trace", "t-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// run runs a Consumer of d until t ends.
func run(t *testing.T, js njs.JetStream, d hookjs.Dispatcher, opts ...hookjs.Option) {
	t.Helper()
	c, err := hookjs.NewConsumer(t.Context(), js, d, append([]hookjs.Option{quiet}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func streamMsgs(t *testing.T, js njs.JetStream, subject string) uint64 {
	t.Helper()
	s, err := js.Stream(t.Context(), hookjs.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(t.Context(), njs.WithSubjectFilter(subject))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects[subject]
}

// The Server answers 200 once JetStream stored the delivery, without
// calling the handler; the Consumer calls the same Handler with the
// delivery as received (headers less credentials, event id, receive
// time). A copy within the duplicate window is 200 and stored once.
func TestHandoff(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	atServer, atConsumer := newCalls(), newCalls()
	hs := server(t, pub, atServer)
	before := time.Now()
	for range 2 {
		if code, err := post(t, hs.URL, event("H-1")); code != 200 || err != nil {
			t.Fatalf("hand-off: %d %v", code, err)
		}
	}
	if n := atServer.count("H-1"); n != 0 {
		t.Fatalf("the Server called the handler %d times in hand-off mode", n)
	}
	if n := streamMsgs(t, js, hookjs.DefaultSubject+".doordash"); n != 1 {
		t.Fatalf("%d messages stored for one event sent twice, want 1", n)
	}
	run(t, js, doordash.NewDispatcher(atConsumer.handler()))
	waitFor(t, "the consumer's call", func() bool { return atConsumer.count("H-1") == 1 })
	atConsumer.mu.Lock()
	d := atConsumer.last["H-1"]
	atConsumer.mu.Unlock()
	if d.Channel != doordash.ChannelWebhook || d.Message != "DasherConfirmed" || len(d.EventID) != 64 {
		t.Errorf("stored delivery: channel %q message %q event id %q", d.Channel, d.Message, d.EventID)
	}
	if d.Received.Before(before) || time.Since(d.Received) > 5*time.Second {
		t.Errorf("received %v, want the Server's receive time", d.Received)
	}
	if d.Header.Get("X-Trace") != "t-1" || d.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v lack the delivery's", d.Header)
	}
	if d.Header.Get("Authorization") != "" {
		t.Errorf("the stored delivery keeps the credentials: %v", d.Header)
	}
	time.Sleep(200 * time.Millisecond)
	if n := atConsumer.count("H-1"); n != 1 {
		t.Errorf("handled %d times, want once", n)
	}
}

// A failing handler is redelivered with backoff; one that keeps failing
// goes to the dead-letter subject after MaxDeliver deliveries; one that
// recovers is acknowledged.
func TestRedeliveryAndDeadLetter(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	opts := []hookjs.Option{quiet, hookjs.WithMaxDeliver(3), hookjs.WithBackoff(func(int) time.Duration { return 20 * time.Millisecond })}
	pub, err := hookjs.NewPublisher(t.Context(), js, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	c := newCalls()
	c.behave = func(_ context.Context, id string, n int) error {
		if id == "always" || n == 1 {
			return errors.New("downstream unavailable")
		}
		return nil
	}
	run(t, js, doordash.NewDispatcher(c.handler()), opts...)
	for _, id := range []string{"always", "once"} {
		if code, err := post(t, hs.URL, event(id)); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", id, code, err)
		}
	}
	waitFor(t, "the dead letter", func() bool { return streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash") == 1 })
	waitFor(t, "the recovered event", func() bool { return c.count("once") == 2 })
	time.Sleep(200 * time.Millisecond)
	if n := c.count("always"); n != 3 {
		t.Errorf("the failing event was delivered %d times, want MaxDeliver (3)", n)
	}
	if n := c.count("once"); n != 2 {
		t.Errorf("the recovered event was delivered %d times, want 2", n)
	}
	s, _ := js.Stream(t.Context(), hookjs.DefaultStream)
	m, err := s.GetLastMsgForSubject(t.Context(), hookjs.DefaultDeadLetterSubject+".doordash")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Header.Get(hookjs.HeaderError), "downstream unavailable") || m.Header.Get(hookjs.HeaderDeliveries) != "3" {
		t.Errorf("dead letter headers %v", m.Header)
	}
	if string(m.Data) != event("always") {
		t.Errorf("dead letter body %q", m.Data)
	}
	// Named after the stored message, so a retried publish stores one.
	if id := m.Header.Get("Nats-Msg-Id"); !strings.HasPrefix(id, "dead:") {
		t.Errorf("dead letter Nats-Msg-Id %q, want dead:<stream sequence>", id)
	}
}

// A publish cut short because the request ended (the provider hung up)
// fails that delivery but is no outage of JetStream.
func TestHandoffRequestEnded(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	logs, log := captureLog()
	pub, err := hookjs.NewPublisher(t.Context(), js, hookjs.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	d := &webhook.Delivery{Channel: "/webhook", EventID: "doordash:ended", Body: []byte(event("ended")), Received: time.Now()}
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	if err := pub.Handoff(ended, d.EventID, d); err == nil || !strings.Contains(err.Error(), "request ended") {
		t.Fatalf("Handoff with the request ended: %v", err)
	}
	if err := pub.Handoff(t.Context(), d.EventID, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "JetStream failed") || strings.Contains(logs.String(), "answers again") {
		t.Errorf("a request that ended was logged as an outage:\n%s", logs.String())
	}
}

// A handler longer than AckWait is not redelivered meanwhile: the
// Consumer reports progress.
func TestLongHandler(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	opts := []hookjs.Option{quiet, hookjs.WithAckWait(150 * time.Millisecond)}
	pub, err := hookjs.NewPublisher(t.Context(), js, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	c := newCalls()
	c.behave = func(context.Context, string, int) error { time.Sleep(800 * time.Millisecond); return nil }
	run(t, js, doordash.NewDispatcher(c.handler()), opts...)
	if code, err := post(t, hs.URL, event("slow")); code != 200 || err != nil {
		t.Fatalf("%d %v", code, err)
	}
	waitFor(t, "the call", func() bool { return c.count("slow") == 1 })
	time.Sleep(1500 * time.Millisecond)
	if n := c.count("slow"); n != 1 {
		t.Errorf("a long handler was called %d times, want once", n)
	}
}

// With NATS down the Server answers 500, calls no handler, and logs the
// outage once; once NATS is back the retry is stored and handled once.
func TestNATSOutage(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	logs, log := captureLog()
	pub, err := hookjs.NewPublisher(t.Context(), js, hookjs.WithLogger(log), hookjs.WithPublishTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	atServer := newCalls()
	srv, err := doordash.NewServer(atServer.handler(), doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass}),
		doordash.WithHandoff(pub), doordash.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ns.Stop()
	for range 3 {
		if code, err := post(t, hs.URL, event("N-1")); code != http.StatusInternalServerError || err != nil {
			t.Fatalf("NATS down: %d %v, want 500", code, err)
		}
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "JetStream failed") {
		t.Errorf("%d error lines for one outage, want 1:\n%s", n, logs.String())
	}
	ns.Restart()
	waitFor(t, "the retry to be stored", func() bool {
		code, _ := post(t, hs.URL, event("N-1"))
		return code == 200
	})
	c := newCalls()
	run(t, js, doordash.NewDispatcher(c.handler()))
	waitFor(t, "the call", func() bool { return c.count("N-1") == 1 })
	time.Sleep(200 * time.Millisecond)
	if n := c.count("N-1") + atServer.count("N-1"); n != 1 {
		t.Errorf("handled %d times, want once", n)
	}
	if !strings.Contains(logs.String(), "JetStream answers again") {
		t.Errorf("no recovery line:\n%s", logs.String())
	}
}

// logLines is a log a test reads back, written from any goroutine.
type logLines struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// captureLog returns a logger and the lines it wrote.
func captureLog() (*logLines, *slog.Logger) {
	l := new(logLines)
	return l, slog.New(slog.NewTextHandler(l, nil))
}

// deliver posts body until it is acknowledged, as a provider retries.
func deliver(t *testing.T, url, body string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		code, err := post(t, url, body)
		if err == nil && code == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d %v", body, code, err)
		}
	}
}

// Many events through two Servers, each sent twice, are each handled once
// by two Consumers sharing the durable consumer.
func TestManyEvents(t *testing.T) {
	const events = 500
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	pub, err := hookjs.NewPublisher(t.Context(), js, quiet)
	if err != nil {
		t.Fatal(err)
	}
	a, b := server(t, pub, newCalls()), server(t, pub, newCalls())
	c := newCalls()
	run(t, js, doordash.NewDispatcher(c.handler()))
	run(t, js, doordash.NewDispatcher(c.handler()))
	var wg sync.WaitGroup
	var next atomic.Int32
	for range 8 {
		wg.Go(func() {
			for i := int(next.Add(1)); i <= events; i = int(next.Add(1)) {
				deliver(t, a.URL, event(fmt.Sprint("M-", i)))
				deliver(t, b.URL, event(fmt.Sprint("M-", i))) // the retry, on another replica
			}
		})
	}
	wg.Wait()
	waitFor(t, "every event", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.n) == events
	})
	time.Sleep(200 * time.Millisecond)
	for i := 1; i <= events; i++ {
		if n := c.count(fmt.Sprint("M-", i)); n != 1 {
			t.Errorf("M-%d handled %d times, want once", i, n)
		}
	}
}

// Run returns an error, not nil, when it stops before its context is
// done: its NATS connection closed, or its durable consumer deleted. A
// worker that restarts its Consumer on an error would otherwise take the
// stop for a shutdown.
func TestRunStopsWithError(t *testing.T) {
	for _, how := range []string{"connection closed", "consumer deleted"} {
		t.Run(how, func(t *testing.T) {
			ns := natstest.Start(t)
			nc, js := connect(t, ns)
			c, err := hookjs.NewConsumer(t.Context(), js, doordash.NewDispatcher(newCalls().handler()), quiet)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.Run(context.Background()) }()
			time.Sleep(100 * time.Millisecond) // Run is pulling
			if how == "connection closed" {
				nc.Close()
			} else if err := js.DeleteConsumer(t.Context(), hookjs.DefaultStream, "hookgen-doordash"); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err == nil {
					t.Errorf("Run = nil after the %s with its context not done, want an error", how)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Run did not return after the %s", how)
			}
		})
	}
}

// A delivery within the body limit but too large for the NATS server's
// max_payload (1 MB by default) is 500, logged as that delivery's failure
// and not as an outage of JetStream, which answers the next delivery.
func TestPayloadTooLarge(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	logs, log := captureLog()
	pub, err := hookjs.NewPublisher(t.Context(), js, hookjs.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := doordash.NewServer(newCalls().handler(), doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass}),
		doordash.WithHandoff(pub), doordash.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	big := `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"big","dropoff_instructions":"` +
		strings.Repeat("x", webhook.DefaultBodyLimit-200) + `"}`
	for range 2 {
		if code, err := post(t, hs.URL, big); code != http.StatusInternalServerError || err != nil {
			t.Fatalf("a body over max_payload: %d %v, want 500", code, err)
		}
	}
	if code, err := post(t, hs.URL, event("small")); code != 200 || err != nil {
		t.Fatalf("the next delivery: %d %v", code, err)
	}
	if strings.Contains(logs.String(), "JetStream failed") || strings.Contains(logs.String(), "answers again") {
		t.Errorf("a delivery too large for NATS logged as an outage:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 2 || !strings.Contains(logs.String(), "maximum payload exceeded") {
		t.Errorf("%d error lines, want one per delivery too large, naming the cause:\n%.2000s", n, logs.String())
	}
}

// A consumer whose store is full of events in flight (503) waits for
// room: the event is delivered again, not dead-lettered, and handled once
// there is room.
func TestConsumerStoreFull(t *testing.T) {
	ns := natstest.Start(t)
	_, js := connect(t, ns)
	opts := []hookjs.Option{quiet, hookjs.WithMaxDeliver(2), hookjs.WithBackoff(func(int) time.Duration { return 20 * time.Millisecond })}
	pub, err := hookjs.NewPublisher(t.Context(), js, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := server(t, pub, newCalls())
	release := make(chan struct{})
	c := newCalls()
	c.behave = func(_ context.Context, id string, _ int) error {
		if id == "slow" {
			<-release
		}
		return nil
	}
	// Room for one event: while "slow" is in flight, "next" is 503.
	store := webhook.NewMemoryDeduper(1, time.Hour)
	run(t, js, doordash.NewDispatcher(c.handler(), doordash.WithDeduper(store)), opts...)
	unblock := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unblock) // before the consumer's: a failed test must not hang on the handler
	for _, id := range []string{"slow", "next"} {
		if code, err := post(t, hs.URL, event(id)); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", id, code, err)
		}
		if id == "slow" {
			waitFor(t, "the slow handler", func() bool { return c.count("slow") == 1 })
		}
	}
	time.Sleep(300 * time.Millisecond) // several deliveries of "next", past MaxDeliver
	if n := streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash"); n != 0 {
		t.Fatalf("%d dead letters while the store was full", n)
	}
	unblock()
	waitFor(t, "the waiting event", func() bool { return c.count("next") == 1 })
	time.Sleep(100 * time.Millisecond)
	if n := c.count("next"); n != 1 {
		t.Errorf("the waiting event was handled %d times", n)
	}
	if n := streamMsgs(t, js, hookjs.DefaultDeadLetterSubject+".doordash"); n != 0 {
		t.Errorf("%d dead letters", n)
	}
}
