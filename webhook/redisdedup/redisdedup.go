// Package redisdedup is a [webhook.Deduper] on Redis (7.0 or later) or
// Valkey, through github.com/redis/go-redis/v9: every replica of a
// receiver that shares one Redis recognises a retry that another replica
// handled, or is handling right now.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	srv, err := doordash.NewServer(h, doordash.WithBasicAuth(cred),
//		doordash.WithDeduper(redisdedup.New(rdb)))
//
// Each event id is one key, so Redis Cluster works:
//
//   - Claim is SET key token NX PX <in-flight limit> GET: a random token
//     names this claim. An absent key is acquired; "done" is a handled
//     event (200 without a call); another token is a delivery being
//     handled by some replica (409).
//   - Commit replaces the value with "done" and the long TTL, with a Lua
//     script, only while the value is still our token (or the key expired
//     and nobody took it since).
//   - Release deletes the key, with a Lua script, only while it holds our
//     token: a late Release never frees another delivery's claim.
//
// A delivery costs two round trips: the claim and the commit.
//
// It fails closed: when Redis cannot be reached or answers an error, Claim
// returns that error and the delivery is answered 500 without calling the
// handler, so the provider retries; an event is never acknowledged that
// the store did not record. The outage is logged once when it starts and
// once when Redis answers again, not per delivery.
package redisdedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/webhook"
)

// DefaultPrefix starts every key, so that the event ids share a Redis with
// other data without clashing.
const DefaultPrefix = "hookgen:dedup:"

// done is the value of a handled event's key.
const done = "done"

// ErrClaimLost is what Commit returns when the key holds another
// delivery's claim: ours expired (the handler ran longer than the
// in-flight limit) and a retry took the key meanwhile, so the event may be
// handled twice. Raise the in-flight limit above the handler timeout.
var ErrClaimLost = errors.New("redisdedup: the claim expired and another delivery took it before the commit")

// Option configures [New].
type Option func(*Deduper)

// WithPrefix sets the prefix of every key ([DefaultPrefix] by default).
func WithPrefix(prefix string) Option {
	return func(d *Deduper) { d.prefix = prefix }
}

// WithTTL sets how long a handled event is remembered
// ([webhook.DefaultDedupTTL], 24 hours, by default): a redelivery after it
// is handled again. Set it above the provider's retry horizon.
func WithTTL(ttl time.Duration) Option {
	return func(d *Deduper) {
		if ttl > 0 {
			d.ttl = ttl
		}
	}
}

// WithInFlightLimit sets how long a claim blocks its event without a
// Commit or Release ([webhook.DefaultInFlightLimit], 10 minutes, by
// default): a replica that died while handling an event holds it no longer
// than that. Set it above the handler timeout.
func WithInFlightLimit(limit time.Duration) Option {
	return func(d *Deduper) {
		if limit > 0 {
			d.inFlight = limit
		}
	}
}

// WithLogger receives the start and the end of an outage (slog.Default()
// by default).
func WithLogger(l *slog.Logger) Option {
	return func(d *Deduper) {
		if l != nil {
			d.logger = l
		}
	}
}

// Deduper is the Redis [webhook.Deduper]; safe for concurrent use.
type Deduper struct {
	client   redis.UniversalClient
	prefix   string
	ttl      time.Duration
	inFlight time.Duration
	logger   *slog.Logger

	// id is this Deduper's random name; seq numbers its claims, so that
	// every claim's token is unique.
	id  string
	seq atomic.Uint64

	// claims are this process's acquired claims, by key: their tokens,
	// for Commit and Release, and when each was taken.
	mu     sync.Mutex
	claims map[string]claim

	// down is set from the first failure of an outage to the next success.
	down     atomic.Bool
	outage   sync.Mutex // orders the two log lines of an outage
	since    time.Time
	failures atomic.Uint64
}

type claim struct {
	token string
	at    time.Time
}

var _ webhook.Deduper = (*Deduper)(nil)

// New returns a Deduper storing event ids in client, which may be a
// redis.Client, a redis.ClusterClient or a redis.FailoverClient (Sentinel).
func New(client redis.UniversalClient, opts ...Option) *Deduper {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	d := &Deduper{
		client:   client,
		prefix:   DefaultPrefix,
		ttl:      webhook.DefaultDedupTTL,
		inFlight: webhook.DefaultInFlightLimit,
		logger:   slog.Default(),
		id:       hex.EncodeToString(b[:]),
		claims:   map[string]claim{},
	}
	for _, o := range opts {
		if o != nil {
			o(d)
		}
	}
	return d
}

// commitScript sets done with the long TTL while the key holds our token,
// or nothing (our claim expired and nobody took it since: the event was
// handled all the same). It returns 1 when the key is done, 0 when it
// holds another delivery's claim.
var commitScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == false then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
if v == 'done' then
  return 1
end
return 0
`)

// releaseScript deletes the key while it holds our token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Claim implements [webhook.Deduper]. An event this process is handling
// right now is in flight without asking Redis.
func (d *Deduper) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	d.mu.Lock()
	c, mine := d.claims[key]
	d.mu.Unlock()
	if mine && time.Since(c.at) < d.inFlight {
		return webhook.ClaimInFlight, nil
	}
	token := "claim:" + d.id + ":" + strconv.FormatUint(d.seq.Add(1), 36)
	at := time.Now()
	// Once sent, the command runs to its answer whatever becomes of the
	// request: a claim taken in Redis but dropped here would block the
	// event for the whole in-flight limit.
	old, err := d.client.Do(context.WithoutCancel(ctx), "SET", d.prefix+key, token,
		"NX", "PX", d.inFlight.Milliseconds(), "GET").Text()
	switch {
	case errors.Is(err, redis.Nil):
		d.up()
		d.mu.Lock()
		// An entry still here is a claim of ours that outlived the
		// in-flight limit: Redis let this one in, so it is the one.
		d.claims[key] = claim{token: token, at: at}
		d.mu.Unlock()
		return webhook.ClaimAcquired, nil
	case err != nil:
		return 0, d.failed("claim", err)
	}
	d.up()
	if old == done {
		return webhook.ClaimDone, nil
	}
	return webhook.ClaimInFlight, nil
}

// take removes and returns this process's token for key; empty when there
// is none (a Commit or Release without a Claim).
func (d *Deduper) take(key string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.claims[key]
	delete(d.claims, key)
	return c.token
}

// Commit implements [webhook.Deduper]. It returns [ErrClaimLost] when
// another delivery's claim holds the key.
func (d *Deduper) Commit(ctx context.Context, key string) error {
	token := d.take(key)
	n, err := commitScript.Run(context.WithoutCancel(ctx), d.client, []string{d.prefix + key}, token, d.ttl.Milliseconds()).Int()
	if err != nil {
		return d.failed("commit", err)
	}
	d.up()
	if n == 0 {
		return ErrClaimLost
	}
	return nil
}

// Release implements [webhook.Deduper]. It deletes only our own claim: a
// key that is done, or claimed by another delivery, stays.
func (d *Deduper) Release(ctx context.Context, key string) error {
	token := d.take(key)
	if token == "" {
		return nil // nothing of ours to release
	}
	if err := releaseScript.Run(context.WithoutCancel(ctx), d.client, []string{d.prefix + key}, token).Err(); err != nil {
		return d.failed("release", err)
	}
	d.up()
	return nil
}

// failed counts a failed operation, logs the start of an outage and
// returns err wrapped: any error but [webhook.ErrDedupFull] answers 500.
func (d *Deduper) failed(op string, err error) error {
	d.failures.Add(1)
	if !d.down.Load() {
		d.outage.Lock()
		if !d.down.Load() {
			d.since = time.Now()
			d.down.Store(true)
			d.logger.Error("redisdedup: Redis failed: deliveries are answered 500 without calling the handler until it answers again",
				"op", op, "error", err)
		}
		d.outage.Unlock()
	}
	return &outageError{op: op, err: err}
}

// outageError is a failure of Redis. Its Outage method tells the generated
// Server that the outage was logged here, so that it does not log an error
// per delivery while it lasts.
type outageError struct {
	op  string
	err error
}

func (e *outageError) Error() string { return "redisdedup: " + e.op + ": " + e.err.Error() }
func (e *outageError) Unwrap() error { return e.err }
func (e *outageError) Outage() bool  { return true }

// up logs the end of an outage, if one was going on.
func (d *Deduper) up() {
	if !d.down.Load() {
		return
	}
	d.outage.Lock()
	defer d.outage.Unlock()
	if d.down.Load() {
		d.down.Store(false)
		d.logger.Info("redisdedup: Redis answers again",
			"outage", time.Since(d.since).Round(time.Millisecond), "failed_operations", d.failures.Swap(0))
	}
}
