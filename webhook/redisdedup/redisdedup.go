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
//     and nobody took it since). CommitReply writes "done:" and the reply
//     instead, which Reply reads back for a duplicate (one more round
//     trip, for duplicates of replied events only).
//   - Release deletes the key, with a Lua script, only while it holds our
//     token: a late Release never frees another delivery's claim.
//
// A delivery costs two round trips: the claim and the commit.
//
// It fails closed: when Redis cannot be reached or answers an error, Claim
// returns that error and the delivery is answered 500 without calling the
// handler, so the provider retries; an event is never handled or
// acknowledged without its claim in Redis. The outage is logged once when
// it starts and once when Redis answers again, not per delivery. A commit
// or release that Redis missed (it died while the handler ran), and the
// release of a claim whose answer was lost, are kept and sent again until
// Redis takes them; meanwhile this process answers that event itself
// (done after a commit, 500 or 409 after a release).
package redisdedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/internal/outage"
	"github.com/hookgen/hookgen/webhook"
)

// DefaultPrefix starts every key, so that the event ids share a Redis with
// other data without clashing.
const DefaultPrefix = "hookgen:dedup:"

// done is the value of a handled event's key; replied, followed by its
// reply, of one handled with a reply.
const (
	done    = "done"
	replied = done + ":"
)

// ErrClaimLost is what Commit returns when the key holds another
// delivery's claim: ours expired (the handler ran longer than the
// in-flight limit) and a retry took the key meanwhile, so the event may be
// handled twice. Raise the in-flight limit above the handler timeout.
var ErrClaimLost = errors.New("redisdedup: the claim expired and another delivery took it before the commit")

// errRedisDown answers, while Redis is down, a Claim of an event whose
// release Redis has not taken yet.
var errRedisDown = errors.New("redis is down")

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

	mu sync.Mutex
	// claims are this process's acquired claims, by key: their tokens,
	// for Commit and Release, and when each was taken.
	claims map[string]claim
	// pending are the commits and releases that failed, by key, retried
	// by flush until Redis takes them; flushing says flush runs.
	pending  map[string]pendingOp
	flushing bool

	// health logs outages once.
	health outage.Tracker
}

type claim struct {
	token string
	at    time.Time
}

// pendingOp is a commit or a release Redis has not taken yet. A Claim that
// failed is one too, a release: Redis may have set the key before the
// connection broke, and our token would block the event for the whole
// in-flight limit.
type pendingOp struct {
	token  string
	commit bool
	value  string // a commit's: done, or replied and the reply
}

// maxPending bounds the pending operations kept through an outage; past
// it, claims are left to their in-flight limit.
const maxPending = 100_000

var _ webhook.ReplyDeduper = (*Deduper)(nil)

// New returns a Deduper storing event ids in client, which may be a
// redis.Client, a redis.ClusterClient or a redis.FailoverClient (Sentinel).
// The *Deduper is a webhook.Deduper, and a webhook.ReplyDeduper, passed
// as is to a generated package's WithDeduper; it is returned as itself,
// as Go constructors return their concrete type.
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
		pending:  map[string]pendingOp{},
	}
	for _, o := range opts {
		if o != nil {
			o(d)
		}
	}
	d.health = outage.Tracker{Name: "Redis", Effect: "deliveries are answered 500 until it answers again", Logger: d.logger}
	return d
}

// commitScript sets ARGV[3] (done, or replied and the reply) with the
// long TTL while the key holds our token, or nothing (our claim expired
// and nobody took it since: the event was handled all the same). It
// returns 1 when the key is done, 0 when it holds another delivery's
// claim.
var commitScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == false then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
  return 1
end
if string.sub(v, 1, 4) == 'done' then
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

// Claim implements [webhook.Deduper]. What this process knows answers
// without asking Redis: an event it is handling right now is in flight,
// and one whose commit Redis has not taken yet is done.
func (d *Deduper) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	d.mu.Lock()
	c, mine := d.claims[key]
	p, pending := d.pending[key]
	d.mu.Unlock()
	switch {
	case pending && p.commit:
		return webhook.ClaimDone, nil
	case pending && d.health.Down():
		return 0, &outage.Error{Op: "redisdedup: claim", Err: errRedisDown}
	case pending:
		return webhook.ClaimInFlight, nil // until flush releases our claim
	case mine && time.Since(c.at) < d.inFlight:
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
		d.retry(key, pendingOp{token: token})
		return 0, d.failed("claim", err)
	}
	d.up()
	if isDone(old) {
		return webhook.ClaimDone, nil
	}
	return webhook.ClaimInFlight, nil
}

// isDone reports whether a key's value is a handled event's.
func isDone(v string) bool { return v == done || strings.HasPrefix(v, replied) }

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
// another delivery's claim holds the key. A commit Redis did not take is
// retried until it does, and meanwhile this process answers the event as
// done.
func (d *Deduper) Commit(ctx context.Context, key string) error {
	return d.commit(ctx, key, done)
}

// CommitReply implements [webhook.ReplyDeduper]: Commit, keeping reply
// with the key for Reply.
func (d *Deduper) CommitReply(ctx context.Context, key string, reply []byte) error {
	return d.commit(ctx, key, replied+string(reply))
}

// Reply implements [webhook.ReplyDeduper]: the reply a handled key was
// committed with, read from Redis (or from a commit Redis has not taken
// yet).
func (d *Deduper) Reply(ctx context.Context, key string) ([]byte, bool, error) {
	d.mu.Lock()
	p, pending := d.pending[key]
	d.mu.Unlock()
	v := p.value
	if !pending || !p.commit {
		var err error
		v, err = d.client.Get(context.WithoutCancel(ctx), d.prefix+key).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return nil, false, nil
		case err != nil:
			return nil, false, d.failed("reply", err)
		}
		d.up()
	}
	reply, ok := strings.CutPrefix(v, replied)
	return []byte(reply), ok, nil
}

// commit sets key to value (done, or replied and a reply).
func (d *Deduper) commit(ctx context.Context, key, value string) error {
	op := pendingOp{token: d.take(key), commit: true, value: value}
	err := d.run(ctx, key, op)
	if err != nil && !errors.Is(err, ErrClaimLost) {
		d.retry(key, op)
		return d.failed("commit", err)
	}
	d.up()
	return err
}

// Release implements [webhook.Deduper]. It deletes only our own claim: a
// key that is done, or claimed by another delivery, stays. A release Redis
// did not take is retried until it does.
func (d *Deduper) Release(ctx context.Context, key string) error {
	op := pendingOp{token: d.take(key)}
	if op.token == "" {
		return nil // nothing of ours to release
	}
	if err := d.run(ctx, key, op); err != nil {
		d.retry(key, op)
		return d.failed("release", err)
	}
	d.up()
	return nil
}

// run sends op's script for key.
func (d *Deduper) run(ctx context.Context, key string, op pendingOp) error {
	ctx = context.WithoutCancel(ctx)
	keys := []string{d.prefix + key}
	if !op.commit {
		return releaseScript.Run(ctx, d.client, keys, op.token).Err()
	}
	n, err := commitScript.Run(ctx, d.client, keys, op.token, d.ttl.Milliseconds(), op.value).Int()
	if err == nil && n == 0 {
		err = ErrClaimLost
	}
	return err
}

// retry keeps op for flush, unless too many are kept already.
func (d *Deduper) retry(key string, op pendingOp) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.pending) >= maxPending {
		return
	}
	d.pending[key] = op
	if !d.flushing {
		d.flushing = true
		go d.flush()
	}
}

// flush sends the pending operations, backing off while Redis fails, and
// returns once none is left.
func (d *Deduper) flush() {
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		time.Sleep(delay)
		d.mu.Lock()
		batch := make(map[string]pendingOp, len(d.pending))
		maps.Copy(batch, d.pending)
		d.mu.Unlock()
		for key, op := range batch {
			err := d.run(context.Background(), key, op)
			if err != nil && !errors.Is(err, ErrClaimLost) {
				_ = d.failed("retry", err)
				break
			}
			d.up()
			if err != nil {
				d.logger.Warn("redisdedup: "+err.Error()+"; the event may be handled twice", "key", d.prefix+key)
			}
			d.mu.Lock()
			if d.pending[key] == op {
				delete(d.pending, key)
			}
			d.mu.Unlock()
		}
		d.mu.Lock()
		if len(d.pending) == 0 {
			d.flushing = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
	}
}

// failed counts a failed operation, logs the start of an outage and
// returns err marked as an outage's: any error but [webhook.ErrDedupFull]
// answers 500.
func (d *Deduper) failed(op string, err error) error {
	return d.health.Failed("redisdedup", op, err)
}

// up logs the end of an outage, if one was going on.
func (d *Deduper) up() { d.health.Up("redisdedup") }
