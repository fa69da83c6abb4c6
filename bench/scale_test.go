package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	njs "github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/internal/natstest"
	"github.com/hookgen/hookgen/internal/redistest"
	"github.com/hookgen/hookgen/webhook"
	hookjs "github.com/hookgen/hookgen/webhook/jetstream"
	"github.com/hookgen/hookgen/webhook/redisdedup"
)

// The scale benchmarks send deliveries over a loopback HTTP connection to
// the generated DoorDash Server behind webhook.NewHTTPServer, as a
// provider does, each a new event, so that every one is claimed, handled
// and committed: receiver=memory with the in-memory Deduper, receiver=redis with
// webhook/redisdedup on a redis-server on loopback (started by the
// benchmark; `make services` installs it); receiver=jetstream hands each
// off to JetStream instead (webhook/jetstream, on an in-process
// nats-server). BenchmarkScale sends one
// delivery at a time (the time a delivery takes), BenchmarkScaleParallel
// from 64 concurrent clients (ns/op is then the inverse of throughput).
// receiver=redis also reports the Redis round trips per delivery
// (redis-rt/op), counted by a go-redis hook once the connections are
// open. receiver=redis-floor is the in-memory Deduper plus a PING to
// such a redis-server in each claim and commit: the two round trips
// without the Redis store, what receiver=redis is judged against one
// delivery at a time. internal/benchcheck -receive judges them (make
// bench-receive).

// roundTrips counts the commands and pipelines a go-redis client sends:
// each is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (*roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// scaleReceiver is one receiver under test: the Server's options, and
// the round-trip counter of its Redis client (nil without Redis).
type scaleReceiver struct {
	name string
	opts func(tb testing.TB) ([]doordash.Option, *roundTrips)
}

var scaleReceivers = []scaleReceiver{
	{"memory", func(testing.TB) ([]doordash.Option, *roundTrips) {
		return []doordash.Option{doordash.WithDeduper(webhook.NewMemoryDeduper(0, 0))}, nil
	}},
	{"redis", func(tb testing.TB) ([]doordash.Option, *roundTrips) {
		rdb, rt := startRedis(tb)
		return []doordash.Option{doordash.WithDeduper(redisdedup.New(rdb))}, rt
	}},
	{"redis-floor", func(tb testing.TB) ([]doordash.Option, *roundTrips) {
		rdb, rt := startRedis(tb)
		return []doordash.Option{doordash.WithDeduper(pingDeduper{webhook.NewMemoryDeduper(0, 0), rdb})}, rt
	}},
	// Hand-off mode: each delivery is published to JetStream (an
	// in-process nats-server on loopback, file storage) and answered once
	// stored; no consumer runs.
	{"jetstream", func(tb testing.TB) ([]doordash.Option, *roundTrips) {
		ns := natstest.Start(tb)
		nc, err := nats.Connect(ns.URL)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(nc.Close)
		js, err := njs.New(nc)
		if err != nil {
			tb.Fatal(err)
		}
		pub, err := hookjs.NewPublisher(tb.Context(), js)
		if err != nil {
			tb.Fatal(err)
		}
		return []doordash.Option{doordash.WithHandoff(pub)}, nil
	}},
}

// startRedis starts a redis-server on loopback and returns a client of it
// that counts its round trips.
func startRedis(tb testing.TB) (*redis.Client, *roundTrips) {
	srv := redistest.Start(tb)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 64, DisableIdentity: true})
	tb.Cleanup(func() { rdb.Close() })
	rt := new(roundTrips)
	rdb.AddHook(rt)
	return rdb, rt
}

// pingDeduper is a Deduper that sends Redis a PING before each claim and
// commit: a Redis store's round trips at no cost of its own.
type pingDeduper struct {
	webhook.Deduper
	rdb *redis.Client
}

func (d pingDeduper) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	if err := d.rdb.Ping(ctx).Err(); err != nil {
		return 0, err
	}
	return d.Deduper.Claim(ctx, key)
}

func (d pingDeduper) Commit(ctx context.Context, key string) error {
	if err := d.rdb.Ping(ctx).Err(); err != nil {
		return err
	}
	return d.Deduper.Commit(ctx, key)
}

// receiver serves the DoorDash Server with opts on a loopback port and
// returns its webhook URL and a client keeping up to conns connections.
func receiver(tb testing.TB, opts []doordash.Option, conns int) (string, *http.Client) {
	srv, err := doordash.NewServer(noop{},
		append([]doordash.Option{doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass})}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := webhook.NewHTTPServer(ln.Addr().String(), srv)
	go hs.Serve(ln)
	tb.Cleanup(func() { hs.Close() })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}, Timeout: 10 * time.Second}
	tb.Cleanup(client.CloseIdleConnections)
	return "http://" + ln.Addr().String() + doordash.ChannelWebhook, client
}

// eventSeq numbers the benchmark's events, so that every delivery is a
// new event in every store.
var eventSeq atomic.Int64

// deliverNew posts a new DASHER_CONFIRMED event; anything but 200 is an
// error. buf is the caller's, reused.
func deliverNew(client *http.Client, url string, buf *bytes.Buffer) error {
	buf.Reset()
	buf.WriteString(`{"event_type":"DASHER_CONFIRMED","external_delivery_id":"B-`)
	buf.WriteString(strconv.FormatInt(eventSeq.Add(1), 10))
	buf.WriteString(`","fee":42,"currency":"USD"}`)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(user, pass)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %d", resp.StatusCode)
	}
	return nil
}

// reportRoundTrips adds redis-rt/op: the round trips of the b.N deliveries.
func reportRoundTrips(b *testing.B, rt *roundTrips, before int64) {
	if rt != nil {
		b.ReportMetric(float64(rt.n.Load()-before)/float64(b.N), "redis-rt/op")
	}
}

// BenchmarkScale sends one delivery at a time over loopback HTTP.
func BenchmarkScale(b *testing.B) {
	for _, s := range scaleReceivers {
		b.Run("receiver="+s.name, func(b *testing.B) {
			opts, rt := s.opts(b)
			url, client := receiver(b, opts, 1)
			var buf bytes.Buffer
			if err := deliverNew(client, url, &buf); err != nil { // connect, load the scripts
				b.Fatal(err)
			}
			var before int64
			if rt != nil {
				before = rt.n.Load()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := deliverNew(client, url, &buf); err != nil {
					b.Fatal(err)
				}
			}
			reportRoundTrips(b, rt, before)
		})
	}
}

// BenchmarkScaleParallel sends deliveries from 64 concurrent clients.
func BenchmarkScaleParallel(b *testing.B) {
	const clients = 64
	for _, s := range scaleReceivers {
		b.Run("receiver="+s.name, func(b *testing.B) {
			opts, rt := s.opts(b)
			url, client := receiver(b, opts, clients)
			// Open the connections (each opens with a HELLO of its own to
			// Redis) before counting.
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					var buf bytes.Buffer
					if err := deliverNew(client, url, &buf); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
			var before int64
			if rt != nil {
				before = rt.n.Load()
			}
			b.ReportAllocs()
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((clients + procs - 1) / procs) // goroutines: this times GOMAXPROCS
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var buf bytes.Buffer
				for pb.Next() {
					if err := deliverNew(client, url, &buf); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
			reportRoundTrips(b, rt, before)
		})
	}
}
