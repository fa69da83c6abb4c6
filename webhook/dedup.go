package webhook

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// ClaimState is the outcome of [Deduper.Claim]. The zero value is not a
// valid state, so an implementation that forgets to set it is noticed.
type ClaimState int

const (
	// ClaimAcquired: the caller owns the key and must handle the event, then
	// Commit (success) or Release (failure).
	ClaimAcquired ClaimState = iota + 1
	// ClaimDone: the event was already handled; answer 200 without calling
	// the handler.
	ClaimDone
	// ClaimInFlight: another delivery of the same event is being handled
	// right now; answer an error so the provider retries later, and never
	// 200, since that delivery may still fail.
	ClaimInFlight
)

// String names the state for logs.
func (s ClaimState) String() string {
	switch s {
	case ClaimAcquired:
		return "acquired"
	case ClaimDone:
		return "done"
	case ClaimInFlight:
		return "in-flight"
	default:
		return "invalid"
	}
}

// Deduper records which events were handled, keyed by the event's
// idempotency key (the spec's correlationId, else [BodyKey]). The handler
// is called only after ClaimAcquired; then exactly one of Commit or Release
// follows. Implementations backed by a shared store (Redis SET NX PX, a SQL
// unique key) make de-duplication work across replicas.
type Deduper interface {
	// Claim tries to take key for handling.
	Claim(ctx context.Context, key string) (ClaimState, error)
	// Commit marks key handled, after the handler succeeded.
	Commit(ctx context.Context, key string) error
	// Release forgets an acquired key, after the handler failed, so the
	// provider's retry is handled again.
	Release(ctx context.Context, key string) error
}

// Defaults of [NewMemoryDeduper].
const (
	DefaultDedupEntries  = 100_000
	DefaultDedupTTL      = 24 * time.Hour
	DefaultInFlightLimit = 10 * time.Minute
)

// MemoryDeduper is an in-memory [Deduper] for a single process: bounded,
// with expiry, safe for concurrent use. Several replicas each keep their own
// memory, so a retry landing on another replica is handled again; use a
// shared store there.
type MemoryDeduper struct {
	// Now returns the current time; default time.Now. Set it, if at all,
	// before first use (tests inject a clock).
	Now func() time.Time
	// InFlightTTL is how long a claim without Commit or Release blocks its
	// key, so a handler that never returned does not block the event
	// forever; default the smaller of ttl and DefaultInFlightLimit.
	// Set it, if at all, before first use.
	InFlightTTL time.Duration

	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]*list.Element
	// order holds entries by last change, oldest first: the eviction order.
	// Purging expired entries from the front stops at the first live one,
	// so an expired in-flight claim queued behind a live done entry lingers
	// until it is looked up or evicted; lookups check expiry, so it is
	// never honoured.
	order *list.List
}

type dedupEntry struct {
	key     string
	done    bool
	expires time.Time
}

// NewMemoryDeduper returns a deduper holding at most maxEntries keys
// (DefaultDedupEntries when <= 0), evicting the oldest when full, and
// remembering handled keys for ttl (DefaultDedupTTL when <= 0): past it, or
// once evicted, a redelivery is handled again. Size maxEntries above the
// number of events received in ttl.
func NewMemoryDeduper(maxEntries int, ttl time.Duration) *MemoryDeduper {
	if maxEntries <= 0 {
		maxEntries = DefaultDedupEntries
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &MemoryDeduper{
		max:     maxEntries,
		ttl:     ttl,
		entries: make(map[string]*list.Element),
		order:   list.New(),
	}
}

func (d *MemoryDeduper) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *MemoryDeduper) inFlightTTL() time.Duration {
	if d.InFlightTTL > 0 {
		return d.InFlightTTL
	}
	return min(d.ttl, DefaultInFlightLimit)
}

// purge drops expired entries from the front; called with mu held.
func (d *MemoryDeduper) purge(now time.Time) {
	for e := d.order.Front(); e != nil; e = d.order.Front() {
		ent := e.Value.(*dedupEntry)
		if now.Before(ent.expires) {
			return
		}
		d.order.Remove(e)
		delete(d.entries, ent.key)
	}
}

// lookup returns key's live entry, dropping it if expired; mu held.
func (d *MemoryDeduper) lookup(key string, now time.Time) *list.Element {
	e, ok := d.entries[key]
	if !ok {
		return nil
	}
	if !now.Before(e.Value.(*dedupEntry).expires) {
		d.order.Remove(e)
		delete(d.entries, key)
		return nil
	}
	return e
}

// put inserts or refreshes key, evicting the oldest entries beyond
// capacity; mu held.
func (d *MemoryDeduper) put(key string, done bool, now time.Time) {
	exp := d.ttl
	if !done {
		exp = d.inFlightTTL()
	}
	if e, ok := d.entries[key]; ok {
		ent := e.Value.(*dedupEntry)
		ent.done, ent.expires = done, now.Add(exp)
		d.order.MoveToBack(e)
		return
	}
	d.entries[key] = d.order.PushBack(&dedupEntry{key: key, done: done, expires: now.Add(exp)})
	for d.order.Len() > d.max {
		front := d.order.Front()
		d.order.Remove(front)
		delete(d.entries, front.Value.(*dedupEntry).key)
	}
}

// Claim implements [Deduper].
func (d *MemoryDeduper) Claim(ctx context.Context, key string) (ClaimState, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.purge(now)
	if e := d.lookup(key, now); e != nil {
		if e.Value.(*dedupEntry).done {
			return ClaimDone, nil
		}
		return ClaimInFlight, nil
	}
	d.put(key, false, now)
	return ClaimAcquired, nil
}

// Commit implements [Deduper]. A key whose claim expired or was evicted in
// the meantime is recorded anyway: the event was handled.
func (d *MemoryDeduper) Commit(ctx context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.purge(now)
	d.put(key, true, now)
	return nil
}

// Release implements [Deduper]. It forgets only an in-flight claim: a key
// already committed stays done, so a late Release cannot cause a handled
// event to be handled twice.
func (d *MemoryDeduper) Release(ctx context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.entries[key]; ok && !e.Value.(*dedupEntry).done {
		d.order.Remove(e)
		delete(d.entries, key)
	}
	return nil
}

// Len reports how many keys are held, expired ones included until purged.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// BodyKey is the de-duplication key of a message without a correlationId:
// the hex SHA-256 of its raw body.
func BodyKey(body []byte) string { return prefixedBodyKey("", body) }

// prefixedBodyKey returns prefix + BodyKey(body) in one allocation.
func prefixedBodyKey(prefix string, body []byte) string {
	sum := sha256.Sum256(body)
	var buf [64 + 2*sha256.Size]byte
	b := append(buf[:0], prefix...)
	b = hex.AppendEncode(b, sum[:])
	return string(b)
}
