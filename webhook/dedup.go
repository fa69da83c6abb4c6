package webhook

import (
	"context"
	"log/slog"
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
// idempotency key (the spec's correlationId, else the hex SHA-256 of the raw body). The handler
// is called only after ClaimAcquired; then exactly one of Commit or Release
// follows. Implementations backed by a shared store (Redis SET NX PX, a SQL
// unique key) make de-duplication work across replicas.
type Deduper interface {
	// Claim tries to take key for handling. An error wrapping
	// [ErrDedupFull] is answered 503, any other error 500.
	Claim(ctx context.Context, key string) (ClaimState, error)
	// Commit marks key handled, after the handler succeeded.
	Commit(ctx context.Context, key string) error
	// Release forgets an acquired key, after the handler failed, so the
	// provider's retry is handled again.
	Release(ctx context.Context, key string) error
}

// ReplyDeduper is a [Deduper] that also keeps the reply an event was
// answered with (for a message whose spec declares a reply), so that a
// redelivery of the event gets the same answer. With a Deduper that is not
// one, a redelivery of a replied event is answered 200 with no body.
type ReplyDeduper interface {
	Deduper
	// CommitReply marks key handled, as Commit does, and keeps reply with
	// it (nil for an empty answer) for as long as it keeps the key.
	CommitReply(ctx context.Context, key string, reply []byte) error
	// Reply returns the reply kept with a handled key; ok is false when
	// there is none (the key was committed without one, or is unknown).
	// The caller must not modify it.
	Reply(ctx context.Context, key string) (reply []byte, ok bool, err error)
}

// Defaults of [NewMemoryDeduper]. The size wins over the TTL: once the
// store is full, the oldest handled id is evicted, however young, and a
// redelivery of it would be handled again. A million ids cover 24 hours
// at 11.5 deliveries a second on average (a million a day), in about 200 MB
// once full; size the store for your rate (see [MemoryDeduper.Evicted]).
const (
	DefaultDedupEntries  = 1_000_000
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
	// Logger receives the warning that the store evicted a handled id
	// before its TTL; default slog.Default(). Set it, if at all, before
	// first use.
	Logger *slog.Logger

	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]*dedupEntry
	// inFlight and done hold the claims and the handled ids, oldest
	// first. Each list's entries share one TTL, so the oldest expires
	// first and purging stops at the first live one. Only done entries
	// are evicted: evicting a claim would let a duplicate run the handler
	// while the first call still runs.
	inFlight, done dedupList
	evicted        uint64
	// replies are the replies kept with handled keys, apart from the
	// entries so that keys without one cost nothing more.
	replies map[string][]byte
}

// dedupEntry is a key's state, linked into the list its state names.
type dedupEntry struct {
	key        string
	done       bool
	expires    time.Time
	prev, next *dedupEntry
}

// dedupList is a doubly linked list of entries around a sentinel. The
// links live in the entries, so moving a claim to the done list allocates
// nothing (container/list would allocate an element per move).
type dedupList struct {
	root dedupEntry
	len  int
}

func (l *dedupList) front() *dedupEntry {
	if l.len == 0 {
		return nil
	}
	return l.root.next
}

func (l *dedupList) pushBack(e *dedupEntry) {
	if l.root.next == nil {
		l.root.next, l.root.prev = &l.root, &l.root
	}
	e.prev, e.next = l.root.prev, &l.root
	e.prev.next, l.root.prev = e, e
	l.len++
}

func (l *dedupList) remove(e *dedupEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	l.len--
}

// NewMemoryDeduper returns a deduper holding at most maxEntries keys
// (DefaultDedupEntries when <= 0) and remembering handled keys for ttl
// (DefaultDedupTTL when <= 0): past it, or once evicted to make room, a
// redelivery is handled again. Size maxEntries above the number of events
// received in ttl; each costs about 200 bytes with a 73-byte key.
func NewMemoryDeduper(maxEntries int, ttl time.Duration) *MemoryDeduper {
	if maxEntries <= 0 {
		maxEntries = DefaultDedupEntries
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &MemoryDeduper{max: maxEntries, ttl: ttl, entries: make(map[string]*dedupEntry)}
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

func (d *MemoryDeduper) list(e *dedupEntry) *dedupList {
	if e.done {
		return &d.done
	}
	return &d.inFlight
}

// drop forgets e; mu held.
func (d *MemoryDeduper) drop(e *dedupEntry) {
	d.list(e).remove(e)
	delete(d.entries, e.key)
	if len(d.replies) > 0 {
		delete(d.replies, e.key)
	}
}

// purge drops expired entries; mu held.
func (d *MemoryDeduper) purge(now time.Time) {
	d.expire(&d.inFlight, now)
	d.expire(&d.done, now)
}

// expire drops l's expired entries, oldest first; mu held.
func (d *MemoryDeduper) expire(l *dedupList, now time.Time) {
	for e := l.front(); e != nil && !now.Before(e.expires); e = l.front() {
		d.drop(e)
	}
}

// evict drops the oldest handled id before its TTL to make room, counts
// it, and warns the first time, so an operator learns that the store is
// too small before a provider retries into it; mu held, done not empty.
func (d *MemoryDeduper) evict() {
	d.drop(d.done.front())
	d.evicted++
	if d.evicted == 1 {
		l := d.Logger
		if l == nil {
			l = slog.Default()
		}
		l.Warn("webhook: de-duplication store full: evicted a handled event id before its TTL, so a redelivery of it would be handled again; raise the store's size",
			"max_entries", d.max, "ttl", d.ttl)
	}
}

// Claim implements [Deduper]. It returns [ErrDedupFull] when the store
// holds nothing but in-flight claims.
func (d *MemoryDeduper) Claim(ctx context.Context, key string) (ClaimState, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.purge(now)
	if e, ok := d.entries[key]; ok {
		if e.done {
			return ClaimDone, nil
		}
		return ClaimInFlight, nil
	}
	if len(d.entries) >= d.max {
		if d.done.len == 0 {
			return 0, ErrDedupFull
		}
		d.evict()
	}
	e := &dedupEntry{key: key, expires: now.Add(d.inFlightTTL())}
	d.entries[key] = e
	d.inFlight.pushBack(e)
	return ClaimAcquired, nil
}

// Commit implements [Deduper]. A key whose claim expired in the meantime
// is recorded anyway: the event was handled.
func (d *MemoryDeduper) Commit(ctx context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.commit(key) && len(d.replies) > 0 {
		delete(d.replies, key) // committed again without one
	}
	return nil
}

// CommitReply implements [ReplyDeduper]: Commit, keeping reply with the
// key until the key is forgotten (expired or evicted). Replies are kept in
// full, beside the about 200 bytes of each key.
func (d *MemoryDeduper) CommitReply(ctx context.Context, key string, reply []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.commit(key) {
		if d.replies == nil {
			d.replies = map[string][]byte{}
		}
		d.replies[key] = reply
	}
	return nil
}

// Reply implements [ReplyDeduper].
func (d *MemoryDeduper) Reply(ctx context.Context, key string) ([]byte, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.entries[key]; !ok || !e.done || !d.now().Before(e.expires) {
		return nil, false, nil
	}
	r, ok := d.replies[key]
	return r, ok, nil
}

// commit marks key done and reports whether it is still held (it is
// evicted at once when every other entry is in flight); mu held.
func (d *MemoryDeduper) commit(key string) bool {
	now := d.now()
	d.purge(now)
	e, ok := d.entries[key]
	if ok {
		d.list(e).remove(e)
	} else {
		e = &dedupEntry{key: key}
		d.entries[key] = e
	}
	e.done, e.expires = true, now.Add(d.ttl)
	d.done.pushBack(e)
	if len(d.entries) > d.max {
		d.evict() // the oldest handled id, e itself when all else is in flight
		return d.entries[key] == e
	}
	return true
}

// Release implements [Deduper]. It forgets only an in-flight claim: a key
// already committed stays done, so a late Release cannot cause a handled
// event to be handled twice.
func (d *MemoryDeduper) Release(ctx context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.entries[key]; ok && !e.done {
		d.drop(e)
	}
	return nil
}

// Len reports how many keys are held, expired ones included until purged.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

// Evicted reports how many handled ids were dropped before their TTL to
// make room. Anything but 0 means the store is smaller than the number of
// events received in its TTL: a redelivery of an evicted id is handled
// again.
func (d *MemoryDeduper) Evicted() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.evicted
}
