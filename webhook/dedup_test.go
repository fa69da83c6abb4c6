package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func claim(t *testing.T, d Deduper, key string) ClaimState {
	t.Helper()
	s, err := d.Claim(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMemoryDeduperLifecycle(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(10, time.Hour)
	if s := claim(t, d, "evt-1"); s != ClaimAcquired {
		t.Fatalf("first claim %v", s)
	}
	if s := claim(t, d, "evt-1"); s != ClaimInFlight {
		t.Fatalf("concurrent redelivery %v", s)
	}
	// The handler failed: the provider's retry must be handled again.
	if err := d.Release(ctx, "evt-1"); err != nil {
		t.Fatal(err)
	}
	if s := claim(t, d, "evt-1"); s != ClaimAcquired {
		t.Fatalf("claim after release %v", s)
	}
	if err := d.Commit(ctx, "evt-1"); err != nil {
		t.Fatal(err)
	}
	if s := claim(t, d, "evt-1"); s != ClaimDone {
		t.Fatalf("claim after commit %v", s)
	}
	// A late Release cannot undo a Commit.
	_ = d.Release(ctx, "evt-1")
	if s := claim(t, d, "evt-1"); s != ClaimDone {
		t.Fatalf("claim after late release %v", s)
	}
	if s := claim(t, d, "evt-2"); s != ClaimAcquired {
		t.Fatalf("other key %v", s)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Claim(cctx, "evt-3"); err == nil {
		t.Fatal("claim with a cancelled context succeeded")
	}
}

func TestMemoryDeduperConcurrentClaim(t *testing.T) {
	d := NewMemoryDeduper(1000, time.Hour)
	const n = 50
	var wg sync.WaitGroup
	results := make(chan ClaimState, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			s, err := d.Claim(context.Background(), "same-event")
			if err != nil {
				t.Error(err)
			}
			results <- s
		})
	}
	close(start)
	wg.Wait()
	close(results)
	count := map[ClaimState]int{}
	for s := range results {
		count[s]++
	}
	if count[ClaimAcquired] != 1 || count[ClaimInFlight] != n-1 {
		t.Fatalf("states %v, want exactly one acquired", count)
	}
}

func TestMemoryDeduperConcurrentMixed(t *testing.T) {
	// Many keys, claims, commits and releases at once: run under -race.
	d := NewMemoryDeduper(64, time.Hour)
	d.Logger = slog.New(slog.DiscardHandler)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			ctx := context.Background()
			for i := range 200 {
				key := fmt.Sprintf("k%d", (g*7+i)%100)
				s, err := d.Claim(ctx, key)
				if err != nil {
					t.Error(err)
					return
				}
				if s == ClaimAcquired {
					if i%3 == 0 {
						_ = d.Release(ctx, key)
					} else {
						_ = d.Commit(ctx, key)
					}
				}
			}
		})
	}
	wg.Wait()
	if d.Len() > 64 {
		t.Fatalf("%d entries, cap 64", d.Len())
	}
}

func TestMemoryDeduperTTL(t *testing.T) {
	ctx := context.Background()
	clock := newClock(time.Unix(1_700_000_000, 0))
	d := NewMemoryDeduper(100, time.Hour)
	d.Now = clock.Now

	claim(t, d, "done")
	_ = d.Commit(ctx, "done")
	clock.Advance(59 * time.Minute)
	if s := claim(t, d, "done"); s != ClaimDone {
		t.Fatalf("before ttl: %v", s)
	}
	clock.Advance(time.Minute)
	if s := claim(t, d, "done"); s != ClaimAcquired {
		t.Fatalf("after ttl: %v", s)
	}

	// An in-flight claim that is never committed nor released (a handler
	// that hung) expires after the in-flight limit.
	claim(t, d, "hung")
	clock.Advance(DefaultInFlightLimit - time.Second)
	if s := claim(t, d, "hung"); s != ClaimInFlight {
		t.Fatalf("before in-flight expiry: %v", s)
	}
	clock.Advance(time.Second)
	if s := claim(t, d, "hung"); s != ClaimAcquired {
		t.Fatalf("after in-flight expiry: %v", s)
	}

	// A custom in-flight TTL, and a Commit after the claim expired still
	// records the event.
	d2 := NewMemoryDeduper(100, time.Hour)
	d2.Now = clock.Now
	d2.InFlightTTL = time.Minute
	claim(t, d2, "slow")
	clock.Advance(2 * time.Minute)
	_ = d2.Commit(ctx, "slow")
	if s := claim(t, d2, "slow"); s != ClaimDone {
		t.Fatalf("commit after expiry: %v", s)
	}

	// Expired entries are purged, not kept forever.
	d3 := NewMemoryDeduper(100, time.Minute)
	d3.Now = clock.Now
	for i := range 10 {
		k := fmt.Sprint(i)
		claim(t, d3, k)
		_ = d3.Commit(ctx, k)
	}
	clock.Advance(2 * time.Minute)
	claim(t, d3, "new")
	if got := d3.Len(); got != 1 {
		t.Fatalf("%d entries after expiry, want 1", got)
	}
}

// testDeduper is a store of size ids kept for an hour, on a test clock,
// logging to log.
func testDeduper(size int, log slog.Handler) (*MemoryDeduper, *fakeClock) {
	c := newClock(time.Unix(1_700_000_000, 0))
	d := NewMemoryDeduper(size, time.Hour)
	d.Now, d.Logger = c.Now, slog.New(log)
	return d, c
}

func TestMemoryDeduperCapacity(t *testing.T) {
	ctx := context.Background()
	d, clock := testDeduper(3, slog.DiscardHandler)
	for _, k := range []string{"a", "b", "c"} {
		claim(t, d, k)
		_ = d.Commit(ctx, k)
		clock.Advance(time.Second)
	}
	// Touching "a" makes "b" the oldest.
	claim(t, d, "a")
	_ = d.Commit(ctx, "a")
	claim(t, d, "d")
	if d.Len() != 3 {
		t.Fatalf("len %d", d.Len())
	}
	if s := claim(t, d, "b"); s != ClaimAcquired {
		t.Fatalf("oldest entry not evicted: %v", s)
	}
	// Claiming "b" evicted "c", the next oldest; "a" survives.
	if s := claim(t, d, "a"); s != ClaimDone {
		t.Fatalf("recent entry evicted: %v", s)
	}
	if s := claim(t, d, "c"); s != ClaimAcquired {
		t.Fatalf("c: %v", s)
	}
}

// In-flight claims are never evicted: a store full of them refuses new
// claims with ErrDedupFull, makes room by evicting a handled id once there
// is one, and drops a claim only when it expires.
func TestMemoryDeduperFullOfClaims(t *testing.T) {
	ctx := context.Background()
	d, clock := testDeduper(3, slog.DiscardHandler)
	for _, k := range []string{"a", "b", "c"} {
		claim(t, d, k)
	}
	if s, err := d.Claim(ctx, "d"); !errors.Is(err, ErrDedupFull) {
		t.Fatalf("claim in a store full of claims: %v %v, want ErrDedupFull", s, err)
	}
	for _, k := range []string{"a", "b", "c"} {
		if s := claim(t, d, k); s != ClaimInFlight {
			t.Fatalf("%s: %v, want in-flight", k, s)
		}
	}
	_ = d.Commit(ctx, "a")
	if s := claim(t, d, "d"); s != ClaimAcquired || d.Evicted() != 1 {
		t.Fatalf("claim after a commit: %v, %d evicted; want acquired, a evicted", s, d.Evicted())
	}
	if s := claim(t, d, "b"); s != ClaimInFlight {
		t.Fatalf("b evicted: %v", s)
	}
	clock.Advance(d.inFlightTTL())
	if s := claim(t, d, "e"); s != ClaimAcquired {
		t.Fatalf("claim after the claims expired: %v", s)
	}
}

// Evicting a handled id before its TTL is counted and warned about once;
// expiry by TTL is neither.
func TestMemoryDeduperEvictedCounts(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	d, clock := testDeduper(2, slog.NewTextHandler(&logs, nil))
	handle := func(keys ...string) {
		for _, k := range keys {
			claim(t, d, k)
			_ = d.Commit(ctx, k)
		}
	}
	handle("a", "b")
	clock.Advance(time.Hour)
	handle("c", "d")
	if d.Evicted() != 0 || logs.Len() != 0 {
		t.Fatalf("expiry by TTL: %d evicted, log %q; want neither", d.Evicted(), logs.String())
	}
	handle("e", "f", "g")
	if d.Evicted() != 3 {
		t.Fatalf("%d evicted, want 3", d.Evicted())
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "before its TTL") {
		t.Fatalf("%d warnings, want 1: %q", n, logs.String())
	}
}

func TestMemoryDeduperDefaults(t *testing.T) {
	d := NewMemoryDeduper(0, 0)
	if d.max != DefaultDedupEntries || d.ttl != DefaultDedupTTL || d.inFlightTTL() != DefaultInFlightLimit {
		t.Fatalf("%d %v %v", d.max, d.ttl, d.inFlightTTL())
	}
	if NewMemoryDeduper(1, time.Minute).inFlightTTL() != time.Minute {
		t.Fatal("in-flight TTL not capped by ttl")
	}
	var _ Deduper = d
	if ClaimState(0).String() != "invalid" || ClaimInFlight.String() != "in-flight" {
		t.Fatal("String")
	}
}

// BenchmarkMemoryDeduper is the store's share of a delivery in steady
// state: Claim and Commit of a new id into a full store, which evicts the
// oldest handled id.
func BenchmarkMemoryDeduper(b *testing.B) {
	const size = 10_000
	keys := make([]string, 4*size)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench:%064d", i)
	}
	d := NewMemoryDeduper(size, time.Hour)
	d.Logger = slog.New(slog.DiscardHandler)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := keys[i%len(keys)]
		i++
		if s, err := d.Claim(ctx, k); err != nil || s != ClaimAcquired {
			b.Fatal(s, err)
		}
		if err := d.Commit(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
}
