// Package jetstream is hand-off mode on NATS JetStream, through
// github.com/nats-io/nats.go's jetstream package: the receiver answers a
// delivery as soon as JetStream has stored it, and a Consumer runs the
// generated Handler later, with redelivery, backoff and a dead-letter
// subject. The provider waits for a publish, never for the handler.
//
//	nc, _ := nats.Connect(url)
//	js, _ := jetstream.New(nc) // nats.go's package
//
//	// Every replica of the receiver:
//	pub, err := hookjs.NewPublisher(ctx, js)
//	srv, err := doordash.NewServer(h, doordash.WithBasicAuth(cred), doordash.WithHandoff(pub))
//
//	// Every worker, with the same Handler:
//	c, err := hookjs.NewConsumer(ctx, js, doordash.NewDispatcher(h, doordash.WithDeduper(dd)))
//	err = c.Run(ctx)
//
// The Server publishes each delivery that was authenticated, routed and
// decoded (raw body, headers but credentials, channel, message, event id,
// parameters, receive time) to <subject>.<provider> with Nats-Msg-Id set
// to the event id, and answers 200 once JetStream acknowledged it; a
// duplicate acknowledgement (a retry within the stream's duplicate
// window) is 200 too. A publish that fails is 500: the provider retries.
//
// The Consumer pulls from the durable consumer hookgen-<provider> and
// dispatches each stored delivery: it acknowledges a handled one, naks a
// failed one with backoff, and after MaxDeliver deliveries publishes it to
// the dead-letter subject and terminates it. It reports progress to
// JetStream while a handler runs, so a long handler is not redelivered.
//
// Guarantees: at least once into the handler (a consumer that dies
// mid-handler leaves the delivery to be redelivered); exactly once with a
// shared Deduper on the Dispatcher (webhook/redisdedup), which also covers
// retries later than the stream's duplicate window. docs/scaling.md has
// the whole story.
package jetstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	njs "github.com/nats-io/nats.go/jetstream"

	"github.com/hookgen/hookgen/internal/outage"
	"github.com/hookgen/hookgen/webhook"
)

// Defaults of the options.
const (
	DefaultStream            = "HOOKGEN"
	DefaultSubject           = "hookgen.deliveries"
	DefaultDeadLetterSubject = "hookgen.dead"
	// DefaultDuplicateWindow is how long JetStream drops a second
	// publish of an event id: a provider's quick retries. Pair the
	// Consumer with a Deduper for later ones.
	DefaultDuplicateWindow = 10 * time.Minute
	DefaultMaxAge          = 7 * 24 * time.Hour
	DefaultPublishTimeout  = 5 * time.Second
	// DefaultAckWait is above the default handler timeout
	// (webhook.DefaultHandlerTimeout, 30 s): a delivery the Consumer has
	// fetched waits for a free worker for at most one handler's time.
	DefaultAckWait     = time.Minute
	DefaultMaxDeliver  = 10
	DefaultConcurrency = 4
)

// The headers a stored delivery carries besides the HTTP ones.
const (
	HeaderChannel  = "Hookgen-Channel"
	HeaderMessage  = "Hookgen-Message"
	HeaderEventID  = "Hookgen-Event-Id"
	HeaderParams   = "Hookgen-Params"   // URL-encoded, names as in the spec
	HeaderReceived = "Hookgen-Received" // RFC 3339 with nanoseconds
	// HeaderError and HeaderDeliveries are set on a dead letter: the
	// last failure and how many deliveries it had.
	HeaderError      = "Hookgen-Error"
	HeaderDeliveries = "Hookgen-Deliveries"
)

// config is what the options set, for the Publisher and the Consumer.
type config struct {
	stream, subject, deadLetter string
	duplicates, maxAge          time.Duration
	publishTimeout, ackWait     time.Duration
	maxDeliver, concurrency     int
	backoff                     func(deliveries int) time.Duration
	logger                      *slog.Logger
}

// Option configures [NewPublisher] and [NewConsumer]; give both the same.
type Option func(*config)

// WithStream names the stream ([DefaultStream]).
func WithStream(name string) Option { return func(c *config) { c.stream = name } }

// WithSubject sets the subject deliveries are published under, followed
// by .<provider> ([DefaultSubject]).
func WithSubject(s string) Option { return func(c *config) { c.subject = s } }

// WithDeadLetterSubject sets the subject of deliveries that failed
// MaxDeliver times, followed by .<provider> ([DefaultDeadLetterSubject]);
// the stream keeps them.
func WithDeadLetterSubject(s string) Option { return func(c *config) { c.deadLetter = s } }

// WithDuplicateWindow sets the stream's duplicate window
// ([DefaultDuplicateWindow]).
func WithDuplicateWindow(d time.Duration) Option { return func(c *config) { c.duplicates = d } }

// WithMaxAge sets how long the stream keeps a delivery ([DefaultMaxAge]).
func WithMaxAge(d time.Duration) Option { return func(c *config) { c.maxAge = d } }

// WithPublishTimeout bounds a publish ([DefaultPublishTimeout]): past it
// the delivery is answered 500.
func WithPublishTimeout(d time.Duration) Option { return func(c *config) { c.publishTimeout = d } }

// WithAckWait sets how long JetStream waits for the Consumer's answer
// before it redelivers ([DefaultAckWait]); a running handler extends it.
// Keep it above the handler timeout: up to one delivery per worker waits,
// fetched, for a worker to be free, and is not extended meanwhile.
func WithAckWait(d time.Duration) Option { return func(c *config) { c.ackWait = d } }

// WithMaxDeliver sets how many deliveries a failing event gets before it
// goes to the dead-letter subject ([DefaultMaxDeliver]).
func WithMaxDeliver(n int) Option { return func(c *config) { c.maxDeliver = n } }

// WithBackoff sets the delay before the next delivery of an event whose
// handler failed, by the number of deliveries so far (default: 1 s,
// doubling, at most a minute).
func WithBackoff(f func(deliveries int) time.Duration) Option {
	return func(c *config) { c.backoff = f }
}

// WithConcurrency sets how many deliveries the Consumer handles at once
// ([DefaultConcurrency]).
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithLogger receives outages, failed handlers and dead letters
// (slog.Default() by default).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

func newConfig(opts []Option) config {
	c := config{
		stream: DefaultStream, subject: DefaultSubject, deadLetter: DefaultDeadLetterSubject,
		duplicates: DefaultDuplicateWindow, maxAge: DefaultMaxAge,
		publishTimeout: DefaultPublishTimeout, ackWait: DefaultAckWait,
		maxDeliver: DefaultMaxDeliver, concurrency: DefaultConcurrency,
		backoff: defaultBackoff, logger: slog.Default(),
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.concurrency < 1 {
		c.concurrency = 1
	}
	if c.maxDeliver < 1 {
		c.maxDeliver = 1
	}
	return c
}

func defaultBackoff(deliveries int) time.Duration {
	return min(time.Second<<min(max(deliveries-1, 0), 6), time.Minute)
}

// ensureStream creates the stream, or updates it to the options: it holds
// both the deliveries and the dead letters.
func ensureStream(ctx context.Context, js njs.JetStream, c config) error {
	_, err := js.CreateOrUpdateStream(ctx, njs.StreamConfig{
		Name:       c.stream,
		Subjects:   []string{c.subject + ".>", c.deadLetter + ".>"},
		Storage:    njs.FileStorage,
		Retention:  njs.LimitsPolicy,
		MaxAge:     c.maxAge,
		Duplicates: c.duplicates,
	})
	if err != nil {
		return fmt.Errorf("jetstream: stream %s: %w", c.stream, err)
	}
	return nil
}

// Publisher stores deliveries in JetStream: the [webhook.Handoff] of
// hand-off mode, for a generated Server's WithHandoff. Safe for
// concurrent use.
type Publisher struct {
	js     njs.JetStream
	cfg    config
	health outage.Tracker
}

var _ webhook.Handoff = (*Publisher)(nil)

// NewPublisher returns a Publisher on js, creating or updating the stream.
func NewPublisher(ctx context.Context, js njs.JetStream, opts ...Option) (*Publisher, error) {
	c := newConfig(opts)
	if err := ensureStream(ctx, js, c); err != nil {
		return nil, err
	}
	return &Publisher{js: js, cfg: c, health: outage.Tracker{
		Name: "JetStream", Effect: "deliveries are answered 500 until it answers again", Logger: c.logger,
	}}, nil
}

// Handoff implements [webhook.Handoff]: it publishes d under id and
// returns once JetStream stored it, or found it a duplicate of a stored
// one.
func (p *Publisher) Handoff(ctx context.Context, id string, d *webhook.Delivery) error {
	provider, _, ok := strings.Cut(id, ":")
	if !ok {
		return fmt.Errorf("jetstream: event id %q names no provider", id)
	}
	msg := &nats.Msg{Subject: p.cfg.subject + "." + provider, Data: d.Body, Header: encodeHeader(d)}
	pctx, cancel := context.WithTimeout(ctx, p.cfg.publishTimeout)
	defer cancel()
	if _, err := p.js.PublishMsg(pctx, msg, njs.WithMsgID(id), njs.WithExpectStream(p.cfg.stream)); err != nil {
		if ctx.Err() != nil {
			// The provider hung up (or the server is stopping): no
			// outage of JetStream. Its retry publishes again, and the
			// message id drops the copy if this one was stored.
			return fmt.Errorf("jetstream: publish: the request ended: %w", err)
		}
		if errors.Is(err, nats.ErrMaxPayload) {
			// This delivery's fault, not an outage: its body and headers
			// exceed the server's max_payload (1 MB by default, below the
			// body limit plus headers). An error line for it, with its id.
			return fmt.Errorf("jetstream: publish %d bytes of body: %w", len(d.Body), err)
		}
		return p.health.Failed("jetstream", "publish", err)
	}
	p.health.Up("jetstream")
	return nil
}

// dropped are the HTTP headers a stored delivery leaves out: credentials,
// which must not rest in a stream, and those of the connection.
var dropped = map[string]bool{
	"Authorization": true, "Proxy-Authorization": true, "Cookie": true,
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Content-Length": true,
}

// encodeHeader is d's headers as stored: the HTTP ones (less dropped, and
// any that would pass for NATS's or ours), then ours.
func encodeHeader(d *webhook.Delivery) nats.Header {
	h := make(nats.Header, len(d.Header)+5)
	for k, v := range d.Header {
		if dropped[k] || strings.HasPrefix(k, "Nats-") || strings.HasPrefix(k, "Hookgen-") {
			continue
		}
		h[k] = v
	}
	h.Set(HeaderChannel, d.Channel)
	if d.Message != "" {
		h.Set(HeaderMessage, d.Message)
	}
	h.Set(HeaderEventID, d.EventID)
	h.Set(HeaderReceived, d.Received.UTC().Format(time.RFC3339Nano))
	if len(d.Params) > 0 {
		q := url.Values{}
		for k, v := range d.Params {
			q.Set(k, v)
		}
		h.Set(HeaderParams, q.Encode())
	}
	return h
}

// decodeDelivery is the delivery a stored message holds.
func decodeDelivery(msg njs.Msg) (*webhook.Delivery, error) {
	h := msg.Headers()
	d := &webhook.Delivery{
		Channel: h.Get(HeaderChannel),
		Message: h.Get(HeaderMessage),
		EventID: h.Get(HeaderEventID),
		Body:    msg.Data(),
		Header:  http.Header{},
	}
	if d.Channel == "" {
		return nil, errors.New("jetstream: the message is no stored delivery: no " + HeaderChannel + " header")
	}
	if r := h.Get(HeaderReceived); r != "" {
		t, err := time.Parse(time.RFC3339Nano, r)
		if err != nil {
			return nil, fmt.Errorf("jetstream: %s: %w", HeaderReceived, err)
		}
		d.Received = t
	}
	if p := h.Get(HeaderParams); p != "" {
		q, err := url.ParseQuery(p)
		if err != nil {
			return nil, fmt.Errorf("jetstream: %s: %w", HeaderParams, err)
		}
		d.Params = make(map[string]string, len(q))
		for k := range q {
			d.Params[k] = q.Get(k)
		}
	}
	for k, v := range h {
		if !strings.HasPrefix(k, "Nats-") && !strings.HasPrefix(k, "Hookgen-") {
			d.Header[k] = v
		}
	}
	return d, nil
}

// Dispatcher is what a Consumer runs: a generated package's Dispatcher
// (doordash.NewDispatcher(h, opts...)), which routes a stored delivery to
// the same Handler the Server would have called.
type Dispatcher interface {
	Provider() string
	DispatchDelivery(ctx context.Context, d *webhook.Delivery) error
}

// Consumer handles the deliveries a Publisher stored for one provider.
type Consumer struct {
	js   njs.JetStream
	cons njs.Consumer
	d    Dispatcher
	cfg  config
	name string
}

// NewConsumer returns a Consumer of d's provider's deliveries, creating or
// updating the stream and the durable consumer hookgen-<provider>, which
// every worker of the provider shares.
func NewConsumer(ctx context.Context, js njs.JetStream, d Dispatcher, opts ...Option) (*Consumer, error) {
	c := newConfig(opts)
	if err := ensureStream(ctx, js, c); err != nil {
		return nil, err
	}
	provider := d.Provider()
	name := "hookgen-" + provider
	cons, err := js.CreateOrUpdateConsumer(ctx, c.stream, njs.ConsumerConfig{
		Durable:       name,
		FilterSubject: c.subject + "." + provider,
		AckPolicy:     njs.AckExplicitPolicy,
		AckWait:       c.ackWait,
		// The Consumer counts deliveries itself, to dead-letter the last.
		MaxDeliver:    -1,
		MaxAckPending: max(1000, 4*c.concurrency),
	})
	if err != nil {
		return nil, fmt.Errorf("jetstream: consumer %s: %w", name, err)
	}
	return &Consumer{js: js, cons: cons, d: d, cfg: c, name: name}, nil
}

// Run handles deliveries until ctx is done, then waits for the handlers
// running to finish (each within its handler timeout) and returns nil. It
// returns an error early when the NATS connection is closed or the
// durable consumer stops (deleted, say).
func (c *Consumer) Run(ctx context.Context) error {
	// Fetch no more than the workers can start next: a fetched delivery's
	// AckWait runs while it waits for one.
	it, err := c.cons.Messages(njs.PullMaxMessages(c.cfg.concurrency))
	if err != nil {
		return fmt.Errorf("jetstream: consumer %s: %w", c.name, err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	errs := make(chan error, c.cfg.concurrency)
	for range c.cfg.concurrency {
		go func() {
			for {
				msg, err := it.Next()
				switch {
				// First: nats.go reports a closed connection as
				// ErrMsgIteratorClosed wrapping ErrConnectionClosed.
				case errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, njs.ErrConnectionClosed):
					it.Stop()
					errs <- fmt.Errorf("jetstream: consumer %s: %w", c.name, err)
					return
				case errors.Is(err, njs.ErrMsgIteratorClosed):
					// Stopped by ctx (Run returns nil), or by nats.go after
					// a terminal error, such as the consumer deleted (Run
					// returns it).
					errs <- fmt.Errorf("jetstream: consumer %s: %w", c.name, err)
					return
				case err != nil:
					// A missed heartbeat while NATS reconnects, say; Next
					// goes on once it is back.
					c.cfg.logger.Warn("jetstream: consumer", "consumer", c.name, "error", err)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				c.handle(context.WithoutCancel(ctx), msg)
			}
		}()
	}
	var first error
	for range c.cfg.concurrency {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return first
}

// handle dispatches one stored delivery and answers JetStream.
func (c *Consumer) handle(ctx context.Context, msg njs.Msg) {
	log := c.cfg.logger
	d, err := decodeDelivery(msg)
	if err != nil {
		log.Error("jetstream: dropped a message that is no delivery", "consumer", c.name, "subject", msg.Subject(), "error", err)
		_ = msg.TermWithReason(err.Error())
		return
	}
	deliveries := 1
	if meta, err := msg.Metadata(); err == nil {
		deliveries = int(meta.NumDelivered)
	}
	// Tell JetStream the handler is still at it, so that it does not
	// redeliver the message to another worker meanwhile.
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(max(c.cfg.ackWait/3, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	err = c.d.DispatchDelivery(ctx, d)
	close(done)
	status := webhook.StatusOf(err)
	// The Dispatcher's de-duplication store is down (webhook/redisdedup
	// marks its errors so, and logs the outage once itself): the handler
	// did not run, so this is no failure of the event.
	down := storeOutage(err)
	// 503: the store is full of events in flight. Like a 409, the event
	// did not fail; it waits for room.
	busy := status == http.StatusConflict || status == http.StatusServiceUnavailable
	attrs := []any{"consumer", c.name, "channel", d.Channel, "message", d.Message, "event_id", d.EventID, "deliveries", deliveries}
	switch {
	case status == http.StatusOK:
		actx, cancel := context.WithTimeout(ctx, c.cfg.publishTimeout)
		err := msg.DoubleAck(actx)
		cancel()
		if err != nil {
			// Redelivered later; the Deduper answers it as handled.
			log.Warn("jetstream: acknowledging a handled delivery failed", append(attrs, "error", err)...)
		}
	case status == http.StatusBadRequest || deliveries >= c.cfg.maxDeliver && !busy && !down:
		// A payload the spec no longer accepts will never pass; an event
		// that failed every delivery goes to the dead letters. One that
		// another worker has in hand (409: its claim in the Deduper, until
		// that worker settles it or its in-flight limit passes), or whose
		// Deduper is down, did not fail, and waits however long that takes.
		c.deadLetter(ctx, msg, d, deliveries, err, attrs)
	default:
		switch {
		case down:
			log.Debug("jetstream: de-duplication store down; redelivering later", append(attrs, "error", err)...)
		case !busy: // 409: another worker has it in hand; 503: no room yet
			log.Error("jetstream: handler failed; redelivering later", append(attrs, "error", err)...)
		}
		_ = msg.NakWithDelay(c.cfg.backoff(deliveries))
	}
}

// storeOutage reports whether err comes from a store that logs its
// outages itself, once when one starts and once when it ends: its errors
// implement Outage() bool (see runtime/hookimpl's storeOutage).
func storeOutage(err error) bool {
	o, ok := errors.AsType[interface {
		error
		Outage() bool
	}](err)
	return ok && o.Outage()
}

// deadLetter stores msg under the dead-letter subject with the failure,
// then terminates it; if that publish fails it is redelivered instead.
func (c *Consumer) deadLetter(ctx context.Context, msg njs.Msg, d *webhook.Delivery, deliveries int, failure error, attrs []any) {
	h := make(nats.Header, len(msg.Headers())+2)
	for k, v := range msg.Headers() {
		if !strings.HasPrefix(k, "Nats-") {
			h[k] = v
		}
	}
	h.Set(HeaderError, failure.Error())
	h.Set(HeaderDeliveries, strconv.Itoa(deliveries))
	subject := c.cfg.deadLetter + "." + c.d.Provider()
	pctx, cancel := context.WithTimeout(ctx, c.cfg.publishTimeout)
	defer cancel()
	// One dead letter per stored message, even when the publish is
	// retried after a lost acknowledgement.
	opts := []njs.PublishOpt{njs.WithExpectStream(c.cfg.stream)}
	if meta, err := msg.Metadata(); err == nil {
		opts = append(opts, njs.WithMsgID("dead:"+strconv.FormatUint(meta.Sequence.Stream, 10)))
	}
	if _, err := c.js.PublishMsg(pctx, &nats.Msg{Subject: subject, Data: d.Body, Header: h}, opts...); err != nil {
		c.cfg.logger.Error("jetstream: storing a dead letter failed; redelivering later", append(attrs, "error", err)...)
		_ = msg.NakWithDelay(c.cfg.backoff(deliveries))
		return
	}
	c.cfg.logger.Error("jetstream: dead letter: the delivery failed for good", append(attrs, "subject", subject, "error", failure)...)
	_ = msg.TermWithReason("dead letter")
}
