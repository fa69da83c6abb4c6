package redisdedup_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/generated/sendgrid"
	"github.com/hookgen/hookgen/internal/redistest"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/redisdedup"
)

// newClient is a client of srv that gives up fast when srv is down, so
// that an outage test does not wait for go-redis's retries.
func newClient(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:          srv.Addr,
		DialTimeout:   500 * time.Millisecond,
		DialerRetries: 1,
		MaxRetries:    1,
		// A test's Redis is new: skip go-redis's CLIENT SETINFO on connect.
		DisableIdentity: true,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// Claims, commits and releases follow the Deduper contract across two
// Dedupers, as two replicas hold them.
func TestClaimCommitRelease(t *testing.T) {
	srv := redistest.Start(t)
	checkContract(t, redisdedup.New(newClient(t, srv)), redisdedup.New(newClient(t, srv)), "")
}

// On a Redis Cluster the contract holds for keys of every node: each
// operation touches one key, so it goes to the node owning its slot.
func TestCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	newCluster := func() *redis.ClusterClient {
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs, DisableIdentity: true})
		t.Cleanup(func() { rdb.Close() })
		return rdb
	}
	a, b := redisdedup.New(newCluster()), redisdedup.New(newCluster())
	for i := range 12 {
		checkContract(t, a, b, fmt.Sprintf("-%d", i))
	}
	// The keys landed on every node, or the test proved nothing of routing.
	for _, addr := range c.Addrs {
		node := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
		n, err := node.DBSize(t.Context()).Result()
		node.Close()
		if err != nil || n == 0 {
			t.Errorf("node %s holds %d keys (%v); want some of the 24", addr, n, err)
		}
	}
}

// checkContract runs the Deduper contract on a and b, two replicas'
// Dedupers of one store, with keys ending in suffix.
func checkContract(t *testing.T, a, b *redisdedup.Deduper, suffix string) {
	t.Helper()
	ctx := t.Context()
	k1, k2 := "k1"+suffix, "k2"+suffix
	claim := func(d *redisdedup.Deduper, key string, want webhook.ClaimState) {
		t.Helper()
		got, err := d.Claim(ctx, key)
		if err != nil || got != want {
			t.Fatalf("Claim(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	claim(a, k1, webhook.ClaimAcquired)
	claim(a, k1, webhook.ClaimInFlight) // the same replica, while it handles it
	claim(b, k1, webhook.ClaimInFlight) // another replica
	if err := b.Release(ctx, k1); err != nil {
		t.Fatal(err)
	}
	claim(b, k1, webhook.ClaimInFlight) // b's release freed nothing of a's
	if err := a.Commit(ctx, k1); err != nil {
		t.Fatal(err)
	}
	claim(a, k1, webhook.ClaimDone)
	claim(b, k1, webhook.ClaimDone)
	if err := a.Release(ctx, k1); err != nil {
		t.Fatal(err)
	}
	claim(b, k1, webhook.ClaimDone) // a late release keeps a handled event done

	claim(a, k2, webhook.ClaimAcquired)
	if err := a.Release(ctx, k2); err != nil {
		t.Fatal(err)
	}
	claim(b, k2, webhook.ClaimAcquired) // a failed event is handled again
	if err := b.Commit(ctx, k2); err != nil {
		t.Fatal(err)
	}
	claim(a, k2, webhook.ClaimDone)
}

// The keys and values in Redis are the documented ones: the prefix, a
// claim's token with the in-flight limit, then "done" with the TTL.
func TestKeysAndTTLs(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	rdb := newClient(t, srv)
	d := redisdedup.New(rdb, redisdedup.WithPrefix("test:"), redisdedup.WithTTL(time.Hour), redisdedup.WithInFlightLimit(time.Minute))
	if _, err := d.Claim(ctx, "doordash:abc"); err != nil {
		t.Fatal(err)
	}
	v, err := rdb.Get(ctx, "test:doordash:abc").Result()
	if err != nil || !strings.HasPrefix(v, "claim:") {
		t.Fatalf("claimed key = %q, %v; want a claim token", v, err)
	}
	if ttl := rdb.PTTL(ctx, "test:doordash:abc").Val(); ttl <= 59*time.Second || ttl > time.Minute {
		t.Errorf("claim TTL %v, want the in-flight limit, 1m", ttl)
	}
	if err := d.Commit(ctx, "doordash:abc"); err != nil {
		t.Fatal(err)
	}
	if v := rdb.Get(ctx, "test:doordash:abc").Val(); v != "done" {
		t.Errorf("committed key = %q, want done", v)
	}
	if ttl := rdb.PTTL(ctx, "test:doordash:abc").Val(); ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("done TTL %v, want 1h", ttl)
	}
	if n := rdb.DBSize(ctx).Val(); n != 1 {
		t.Errorf("%d keys in Redis, want 1", n)
	}
	// The default prefix.
	if _, err := redisdedup.New(rdb).Claim(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, redisdedup.DefaultPrefix+"x").Val(); n != 1 {
		t.Errorf("no key %sx", redisdedup.DefaultPrefix)
	}
}

// A claim past its in-flight limit frees the event for another replica;
// the first replica's late Commit then reports the lost claim and leaves
// the other's claim alone, and its late Release frees nothing.
func TestInFlightLimit(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	rdb := newClient(t, srv)
	a := redisdedup.New(rdb, redisdedup.WithInFlightLimit(50*time.Millisecond))
	b := redisdedup.New(rdb, redisdedup.WithInFlightLimit(time.Minute))
	for _, key := range []string{"commit", "release"} {
		if s, err := a.Claim(ctx, key); s != webhook.ClaimAcquired || err != nil {
			t.Fatalf("a.Claim = %v, %v", s, err)
		}
		time.Sleep(120 * time.Millisecond)
		if s, err := b.Claim(ctx, key); s != webhook.ClaimAcquired || err != nil {
			t.Fatalf("b.Claim after a's claim expired = %v, %v; want acquired", s, err)
		}
		if key == "commit" {
			if err := a.Commit(ctx, key); !errors.Is(err, redisdedup.ErrClaimLost) {
				t.Errorf("late a.Commit = %v, want ErrClaimLost", err)
			}
		} else if err := a.Release(ctx, key); err != nil {
			t.Fatal(err)
		}
		if s, _ := a.Claim(ctx, key); s != webhook.ClaimInFlight {
			t.Errorf("%s: b's claim is %v after a's late settle, want in-flight", key, s)
		}
	}
	// A commit whose claim expired with nobody taking the key records the
	// event all the same: it was handled.
	if _, err := a.Claim(ctx, "late"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	if err := a.Commit(ctx, "late"); err != nil {
		t.Fatal(err)
	}
	if s, _ := b.Claim(ctx, "late"); s != webhook.ClaimDone {
		t.Errorf("late commit left %v, want done", s)
	}
}

// A handled event is forgotten after the TTL.
func TestTTL(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	d := redisdedup.New(newClient(t, srv), redisdedup.WithTTL(50*time.Millisecond))
	if _, err := d.Claim(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Claim(ctx, "k"); s != webhook.ClaimDone {
		t.Fatalf("Claim = %v, want done", s)
	}
	time.Sleep(120 * time.Millisecond)
	if s, _ := d.Claim(ctx, "k"); s != webhook.ClaimAcquired {
		t.Errorf("Claim after the TTL = %v, want acquired", s)
	}
}

// Of many concurrent claims of one key from several Dedupers, exactly one
// is acquired.
func TestConcurrentClaims(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv)
	ds := []*redisdedup.Deduper{redisdedup.New(rdb), redisdedup.New(rdb), redisdedup.New(rdb)}
	for k := range 20 {
		key := fmt.Sprint("key-", k)
		var acquired atomic.Int32
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Go(func() {
				s, err := ds[i%len(ds)].Claim(t.Context(), key)
				if err != nil {
					t.Error(err)
				}
				if s == webhook.ClaimAcquired {
					acquired.Add(1)
				}
			})
		}
		wg.Wait()
		if n := acquired.Load(); n != 1 {
			t.Errorf("%s: %d claims acquired, want 1", key, n)
		}
	}
}

// lockedBuffer is a log destination for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// With Redis down the Server answers 500 of the contract and calls no
// handler (fail closed), the outage is logged once however many
// deliveries fail, and once Redis is back the retry is handled once and the
// recovery logged once.
func TestOutageFailsClosed(t *testing.T) {
	srv := redistest.Start(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	dd := redisdedup.New(newClient(t, srv), redisdedup.WithLogger(log))
	var calls atomic.Int32
	h := doordash.EventFunc(func(context.Context, string, any) error { calls.Add(1); return nil })
	s, err := doordash.NewServer(h, doordash.AllowUnauthenticated(), doordash.WithDeduper(dd), doordash.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	post := func(body string) (int, string) {
		t.Helper()
		resp, err := http.Post(hs.URL+"/webhook", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	event := `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"D-1"}`
	if code, _ := post(event); code != 200 {
		t.Fatalf("before the outage: %d", code)
	}
	srv.Stop()
	for i := range 10 {
		code, body := post(fmt.Sprintf(`{"event_type":"DASHER_CONFIRMED","external_delivery_id":"D-down-%d"}`, i%2))
		if code != http.StatusInternalServerError || !strings.Contains(body, `"error":{"code":`) {
			t.Fatalf("Redis down: %d %s, want 500 with the contract's body", code, body)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d handler calls, want 1 (none while Redis was down)", n)
	}
	if n := strings.Count(logs.String(), "Redis failed"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d error lines for one outage (the Server's log included), want 1:\n%s", n, logs.String())
	}
	srv.Restart()
	// The provider retries until it gets 200: go-redis's pool dials again
	// within about a second of Redis coming back.
	retry := `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"D-down-0"}`
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		code, body := post(retry)
		if code == 200 {
			break
		}
		if code != http.StatusInternalServerError || time.Now().After(deadline) {
			t.Fatalf("Redis back: %d %s", code, body)
		}
	}
	if code, _ := post(retry); code != 200 { // a duplicate of the handled retry
		t.Fatalf("duplicate after the outage: %d", code)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d handler calls, want 2: the retry once", n)
	}
	if n := strings.Count(logs.String(), "Redis answers again"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "failed_operations=") {
		t.Errorf("the recovery line does not count the failed claims:\n%s", logs.String())
	}
}

// A batch (SendGrid's array of events) with Redis down is 500 with no
// handler call, and its elements' failures are not an error line each, nor
// is the batch: the outage is logged once however many batches fail.
func TestBatchOutageLoggedOnce(t *testing.T) {
	srv := redistest.Start(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	dd := redisdedup.New(newClient(t, srv), redisdedup.WithLogger(log))
	var calls atomic.Int32
	h := sendgrid.EventFunc(func(context.Context, string, any) error { calls.Add(1); return nil })
	s, err := sendgrid.NewServer(h, sendgrid.AllowUnauthenticated(), sendgrid.WithDeduper(dd), sendgrid.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	srv.Stop()
	for i := range 3 {
		var events []string
		for j := range 3 {
			events = append(events, fmt.Sprintf(`{"email":"a@example.com","timestamp":1513299569,"event":"processed","sg_event_id":"sg-%d-%d","sg_message_id":"m"}`, i, j))
		}
		resp, err := http.Post(hs.URL+"/webhook", "application/json", strings.NewReader("["+strings.Join(events, ",")+"]"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("batch with Redis down: %d, want 500", resp.StatusCode)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d handler calls with Redis down, want none", n)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "Redis failed") {
		t.Errorf("%d error lines for one outage and three batches, want 1 (the outage):\n%s", n, logs.String())
	}
}

// A Claim whose request was cancelled asks nothing of Redis; one that was
// sent runs to its answer, so no claim is left behind unknown.
func TestCancelledClaim(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv)
	d := redisdedup.New(rdb)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d.Claim(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Claim with a cancelled context = %v", err)
	}
	if n := rdb.DBSize(t.Context()).Val(); n != 0 {
		t.Errorf("a cancelled Claim wrote %d keys", n)
	}
}

// TestMain quiets go-redis's own log of failed dials, which the outage
// tests provoke on purpose.
func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	os.Exit(m.Run())
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// A commit that fails because Redis died after the handler succeeded is
// kept: this process answers the event as done meanwhile, and the commit
// reaches Redis once it is back, so another replica finds it done too. A
// release that failed frees the claim once Redis is back.
func TestSettleDuringOutage(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	ctx := t.Context()
	quiet := redisdedup.WithLogger(slog.New(slog.DiscardHandler))
	a, b := redisdedup.New(newClient(t, srv), quiet), redisdedup.New(newClient(t, srv), quiet)
	for _, key := range []string{"committed", "released"} {
		if s, err := a.Claim(ctx, key); s != webhook.ClaimAcquired || err != nil {
			t.Fatalf("Claim(%s) = %v, %v", key, s, err)
		}
	}
	srv.Stop()
	if err := a.Commit(ctx, "committed"); err == nil {
		t.Fatal("Commit with Redis down succeeded")
	}
	if err := a.Release(ctx, "released"); err == nil {
		t.Fatal("Release with Redis down succeeded")
	}
	if s, err := a.Claim(ctx, "committed"); s != webhook.ClaimDone || err != nil {
		t.Errorf("Claim of the handled event with Redis down = %v, %v; want done", s, err)
	}
	if _, err := a.Claim(ctx, "released"); err == nil {
		t.Errorf("Claim of the released event with Redis down succeeded; want an error (500)")
	}
	srv.Restart()
	want := map[string]webhook.ClaimState{"committed": webhook.ClaimDone, "released": webhook.ClaimAcquired}
	for key, state := range want {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			s, err := b.Claim(ctx, key)
			if err == nil && s == state {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the other replica's Claim = %v, %v; want %v once the retried operation reached Redis", key, s, err, state)
			}
		}
	}
}

// Replies committed with an event are read back by any replica for its
// duplicates, kept through an outage like the commit itself, and told
// apart from an event committed without one.
func TestReplies(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	ctx := t.Context()
	quiet := redisdedup.WithLogger(slog.New(slog.DiscardHandler))
	a, b := redisdedup.New(newClient(t, srv), quiet), redisdedup.New(newClient(t, srv), quiet)
	commit := func(key string, reply []byte, withReply bool) {
		t.Helper()
		if s, err := a.Claim(ctx, key); s != webhook.ClaimAcquired || err != nil {
			t.Fatalf("Claim(%s) = %v, %v", key, s, err)
		}
		var err error
		if withReply {
			err = a.CommitReply(ctx, key, reply)
		} else {
			err = a.Commit(ctx, key)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	reply := func(d *redisdedup.Deduper, key string) (string, bool) {
		t.Helper()
		if s, err := d.Claim(ctx, key); s != webhook.ClaimDone || err != nil {
			t.Fatalf("Claim(%s) of a committed key = %v, %v", key, s, err)
		}
		r, ok, err := d.Reply(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(r), ok
	}
	commit("with", []byte(`{"type":4,"data":{"content":"done:yes"}}`), true)
	commit("empty", nil, true)
	commit("without", nil, false)
	if r, ok := reply(b, "with"); !ok || r != `{"type":4,"data":{"content":"done:yes"}}` {
		t.Errorf("the reply on another replica: %q, %v", r, ok)
	}
	if r, ok := reply(b, "empty"); !ok || r != "" {
		t.Errorf("an empty reply: %q, %v; want one, empty", r, ok)
	}
	if r, ok := reply(b, "without"); ok {
		t.Errorf("an event committed without a reply has reply %q", r)
	}
	if _, ok, err := b.Reply(ctx, "unknown"); ok || err != nil {
		t.Errorf("Reply of an unknown key: %v, %v", ok, err)
	}

	// Redis down while the reply is committed: this process answers the
	// duplicate with it, and Redis gets it once it is back.
	if s, err := a.Claim(ctx, "later"); s != webhook.ClaimAcquired || err != nil {
		t.Fatal(s, err)
	}
	srv.Stop()
	if err := a.CommitReply(ctx, "later", []byte(`"kept"`)); err == nil {
		t.Fatal("CommitReply with Redis down succeeded")
	}
	if r, ok := reply(a, "later"); !ok || r != `"kept"` {
		t.Errorf("the pending reply: %q, %v", r, ok)
	}
	if _, _, err := b.Reply(ctx, "with"); err == nil {
		t.Error("Reply with Redis down: no error")
	}
	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if s, _ := b.Claim(ctx, "later"); s == webhook.ClaimDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pending CommitReply never reached Redis")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r, ok, err := b.Reply(ctx, "later"); !ok || string(r) != `"kept"` || err != nil {
		t.Errorf("the reply after the outage on another replica: %q, %v, %v", r, ok, err)
	}
}
