package redisdedup_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/internal/redistest"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/redisdedup"
)

// The replica tests run three replicas of the generated DoorDash Server,
// each its own webhook.NewHTTPServer on a loopback port with its own
// Redis client and Deduper, behind a round-robin reverse proxy, as a load
// balancer spreads a provider's deliveries and retries.

const replicas = 3

// ledger counts handler calls per event (the external_delivery_id), across
// every replica: what exactly-once is judged on.
type ledger struct {
	mu    sync.Mutex
	calls map[string]int
	// hold, when set, runs in every handler call (to keep it in flight).
	hold func()
}

func newLedger() *ledger { return &ledger{calls: map[string]int{}} }

func (l *ledger) handler() doordash.Handler {
	return doordash.EventFunc(func(_ context.Context, _ string, event any) error {
		id := event.(*doordash.DeliveryWebhookPayload).GetExternalDeliveryID()
		l.mu.Lock()
		l.calls[id]++
		hold := l.hold
		l.mu.Unlock()
		if hold != nil {
			hold()
		}
		return nil
	})
}

func (l *ledger) count(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls[id]
}

// checkOnce fails t for every id not handled exactly once.
func (l *ledger) checkOnce(t *testing.T, ids []string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	bad := 0
	for _, id := range ids {
		if n := l.calls[id]; n != 1 {
			if bad++; bad <= 10 {
				t.Errorf("event %s handled %d times, want once", id, n)
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d events in all not handled exactly once", bad)
	}
}

// replica is one receiver process: a Server with its own Redis client and
// Deduper behind its own http.Server.
type replica struct {
	addr string
	hs   *http.Server
	rdb  redis.UniversalClient
}

// startReplica starts a replica on addr whose store is Redis at
// redisAddrs (one server, or the nodes of a cluster), or memory when there
// are none (the control: what one replica cannot know of another).
func startReplica(t *testing.T, addr string, redisAddrs []string, h doordash.Handler) *replica {
	t.Helper()
	var store webhook.Deduper = webhook.NewMemoryDeduper(0, 0)
	var rdb redis.UniversalClient
	if len(redisAddrs) > 0 {
		rdb = redis.NewUniversalClient(&redis.UniversalOptions{Addrs: redisAddrs, DialTimeout: 500 * time.Millisecond, DialerRetries: 1, MaxRetries: 1, DisableIdentity: true})
		store = redisdedup.New(rdb, redisdedup.WithLogger(slog.New(slog.DiscardHandler)))
	}
	srv, err := doordash.NewServer(h, doordash.WithBasicAuth(webhook.Credential{Username: "dd", Password: "dd-secret"}),
		doordash.WithDeduper(store))
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	for range 50 { // the address of a replica restarting may still be held briefly
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{addr: ln.Addr().String(), hs: webhook.NewHTTPServer(ln.Addr().String(), srv), rdb: rdb}
	go r.hs.Serve(ln)
	t.Cleanup(r.stop)
	return r
}

// stop ends the replica as a deploy does: its listener and its requests,
// then its Redis client. (Shutdown waits 5 s for a connection a client
// opened and never used, so the wait is cut short.)
func (r *replica) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_ = r.hs.Shutdown(ctx)
	_ = r.hs.Close()
	if r.rdb != nil {
		_ = r.rdb.Close()
	}
}

// fleet is the replicas behind a round-robin proxy.
type fleet struct {
	t          *testing.T
	redisAddrs []string
	h          doordash.Handler
	mu         sync.Mutex
	replicas   []*replica
	next       atomic.Uint64
	proxy      *httptest.Server
	client     *http.Client
	failures   atomic.Int32 // 5xx answers
}

func startFleet(t *testing.T, redisAddrs []string, h doordash.Handler) *fleet {
	f := &fleet{t: t, redisAddrs: redisAddrs, h: h}
	for range replicas {
		f.replicas = append(f.replicas, startReplica(t, "127.0.0.1:0", redisAddrs, h))
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			i := int((f.next.Add(1) - 1) % replicas)
			f.mu.Lock()
			addr := f.replicas[i].addr
			f.mu.Unlock()
			pr.SetURL(&url.URL{Scheme: "http", Host: addr})
			pr.Out.Header.Set("X-Replica", strconv.Itoa(i))
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Replica", resp.Request.Header.Get("X-Replica"))
			return nil
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		ErrorLog:  nil,
	}
	f.proxy = httptest.NewServer(rp)
	t.Cleanup(f.proxy.Close)
	f.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	return f
}

// restart replaces replica i by a new process: a new Server, Deduper and
// Redis client on the same address, sharing the same Redis.
func (f *fleet) restart(i int) {
	f.mu.Lock()
	old := f.replicas[i]
	f.mu.Unlock()
	old.stop()
	r := startReplica(f.t, old.addr, f.redisAddrs, f.h)
	f.mu.Lock()
	f.replicas[i] = r
	f.mu.Unlock()
}

// event is a DoorDash delivery; its id is its external_delivery_id, and
// the event id hookgen de-duplicates on is the body's SHA-256.
func event(id string) string {
	return `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"` + id + `","fee":42}`
}

// send posts body to url (the proxy's, or a replica's) and returns the
// status and the replica that answered (-1 when not through the proxy).
func (f *fleet) send(url, body string) (int, int) {
	req, err := http.NewRequest(http.MethodPost, url+doordash.ChannelWebhook, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.SetBasicAuth("dd", "dd-secret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Error(err)
		return 0, -1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 500 {
		f.failures.Add(1)
	}
	replica := -1
	if v := resp.Header.Get("X-Replica"); v != "" {
		replica, _ = strconv.Atoi(v)
	}
	return resp.StatusCode, replica
}

// deliver sends body until it is acknowledged, as a provider retries a
// 409 or a 5xx, and returns the replica that acknowledged it.
func (f *fleet) deliver(url, body string) int {
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		code, replica := f.send(url, body)
		switch {
		case code == http.StatusOK:
			return replica
		case code != http.StatusConflict && code < 500 || time.Now().After(deadline):
			f.t.Errorf("%s: %d", body, code)
			return replica
		}
	}
}

func (f *fleet) url(i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return "http://" + f.replicas[i].addr
}

// parallel runs do(i) for i in [0, n) on workers goroutines.
func parallel(n, workers int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}

// TestReplicasRetries: 3,000 events, each delivered and then retried
// through the round-robin proxy (so most retries land on another replica
// than the first delivery), are each handled exactly once with the shared
// Deduper, on one Redis or on a Redis Cluster. With each replica's own
// memory instead (the control), retries on other replicas are handled
// again: the test can tell the two apart.
func TestReplicasRetries(t *testing.T) {
	const events = 3000
	for _, store := range []string{"redis", "cluster", "memory"} {
		t.Run(store, func(t *testing.T) {
			var addrs []string
			switch store {
			case "redis":
				addrs = []string{redistest.Start(t).Addr}
			case "cluster":
				addrs = redistest.StartCluster(t, 3).Addrs
			}
			shared := addrs != nil
			l := newLedger()
			f := startFleet(t, addrs, l.handler())
			ids := make([]string, events)
			var elsewhere atomic.Int32
			parallel(events, 16, func(i int) {
				ids[i] = fmt.Sprintf("R-%d", i)
				first := f.deliver(f.proxy.URL, event(ids[i]))
				if retry := f.deliver(f.proxy.URL, event(ids[i])); retry != first {
					elsewhere.Add(1)
				}
			})
			t.Logf("%d of %d retries landed on another replica", elsewhere.Load(), events)
			if elsewhere.Load() < events/3 {
				t.Fatalf("only %d retries landed on another replica", elsewhere.Load())
			}
			if shared {
				l.checkOnce(t, ids)
				return
			}
			again := 0
			for _, id := range ids {
				if l.count(id) > 1 {
					again++
				}
			}
			t.Logf("memory: %d of %d events handled again", again, events)
			if again < events/3 {
				t.Errorf("with per-replica memory only %d events were handled again; the proxy does not spread retries", again)
			}
		})
	}
}

// TestReplicasSimultaneousCopies: two copies of each event sent at once
// to two different replicas run the handler once; the copy that finds
// the other being handled gets 409, retries and gets 200.
func TestReplicasSimultaneousCopies(t *testing.T) {
	const events = 300
	srv := redistest.Start(t)
	l := newLedger()
	l.hold = func() { time.Sleep(2 * time.Millisecond) } // keep the first copy in flight
	f := startFleet(t, []string{srv.Addr}, l.handler())
	ids := make([]string, events)
	var conflicts atomic.Int32
	parallel(events, 8, func(i int) {
		ids[i] = fmt.Sprintf("S-%d", i)
		a, b := f.url(i%replicas), f.url((i+1)%replicas)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, u := range []string{a, b} {
			wg.Go(func() {
				<-start
				code, _ := f.send(u, event(ids[i]))
				if code == http.StatusConflict {
					conflicts.Add(1)
					f.deliver(u, event(ids[i]))
				} else if code != http.StatusOK {
					t.Errorf("%s: %d", ids[i], code)
				}
			})
		}
		close(start)
		wg.Wait()
	})
	l.checkOnce(t, ids)
	t.Logf("%d of %d copies found the other in flight on another replica (409)", conflicts.Load(), events)
	if conflicts.Load() == 0 {
		t.Error("no copy got 409: the copies never overlapped, so the test proves nothing")
	}
}

// TestReplicaRestart: a replica replaced by a new process (new Server,
// Deduper and Redis client, same Redis) handles none of the retries of
// events handled before it restarted, by it or by the others.
func TestReplicaRestart(t *testing.T) {
	const events = 300
	srv := redistest.Start(t)
	l := newLedger()
	f := startFleet(t, []string{srv.Addr}, l.handler())
	ids := make([]string, events)
	parallel(events, 8, func(i int) {
		ids[i] = fmt.Sprintf("P-%d", i)
		f.deliver(f.proxy.URL, event(ids[i]))
	})
	f.restart(0)
	parallel(events, 8, func(i int) {
		if code, _ := f.send(f.url(0), event(ids[i])); code != http.StatusOK {
			t.Errorf("retry of %s on the restarted replica: %d", ids[i], code)
		}
	})
	// And through the proxy, which now reaches the restarted replica too.
	parallel(events, 8, func(i int) { f.deliver(f.proxy.URL, event(ids[i])) })
	l.checkOnce(t, ids)
}

// TestReplicasRedisOutage: Redis is killed in the middle of a run, while
// deliveries stream through the proxy, and started again a moment later
// (keeping what it acknowledged: appendfsync always). While it is down
// deliveries are answered 5xx and no handler starts; each is retried, as a
// provider does, and once Redis is back every event is handled exactly
// once: claims and commits that Redis missed are sent again when it
// returns.
func TestReplicasRedisOutage(t *testing.T) {
	const events = 600
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	l := newLedger()
	var (
		mu                 sync.Mutex
		stopped, restarted time.Time
		lateCalls          int // calls that started while Redis was down
		handled            atomic.Int32
	)
	l.hold = func() {
		handled.Add(1)
		now := time.Now()
		mu.Lock()
		// A claim Redis granted just before it died may still start its
		// handler a moment after.
		if !stopped.IsZero() && now.After(stopped.Add(50*time.Millisecond)) && restarted.IsZero() {
			lateCalls++
		}
		mu.Unlock()
	}
	f := startFleet(t, []string{srv.Addr}, l.handler())
	go func() {
		for handled.Load() < events/3 {
			time.Sleep(time.Millisecond)
		}
		srv.Stop()
		mu.Lock()
		stopped = time.Now()
		mu.Unlock()
		time.Sleep(300 * time.Millisecond)
		mu.Lock()
		restarted = time.Now()
		mu.Unlock()
		srv.Restart()
	}()
	ids := make([]string, events)
	parallel(events, 8, func(i int) {
		ids[i] = fmt.Sprintf("O-%d", i)
		f.deliver(f.proxy.URL, event(ids[i]))
		time.Sleep(time.Millisecond) // spread the run over the outage
	})
	mu.Lock()
	if stopped.IsZero() || restarted.IsZero() {
		t.Fatal("the run ended before the outage")
	}
	if lateCalls != 0 {
		t.Errorf("%d handler calls started while Redis was down", lateCalls)
	}
	mu.Unlock()
	t.Logf("%d deliveries answered 5xx during the outage", f.failures.Load())
	if f.failures.Load() == 0 {
		t.Error("no delivery got 5xx: the outage missed the run")
	}
	l.checkOnce(t, ids)
	// Every event's retry, now that Redis is back, is a duplicate.
	parallel(events, 8, func(i int) { f.deliver(f.proxy.URL, event(ids[i])) })
	l.checkOnce(t, ids)
}
