package doordash_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
)

// TestLoad sends 20,000 deliveries (20% of them duplicates of an earlier
// one, 5% invalid) from 64 concurrent clients to a generated Server behind
// the shipped webhook.NewHTTPServer on a loopback listener, retrying what
// a provider retries (409, 5xx), and checks that every valid event was
// handled exactly once and no invalid one at all. Its figures are in
// docs/receiving.md ("Under load"); go test -v -run TestLoad prints them.
func TestLoad(t *testing.T) {
	const deliveries, clients = 20_000, 64
	var (
		mu      sync.Mutex
		handled = map[string]int{}
	)
	h := doordash.EventFunc(func(_ context.Context, _ string, event any) error {
		id := event.(*doordash.DeliveryWebhookPayload).GetExternalDeliveryID()
		mu.Lock()
		handled[id]++
		mu.Unlock()
		return nil
	})
	srv, err := doordash.NewServer(h, doordash.WithBasicAuth(webhook.Credential{Username: testUser, Password: testPass}))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := webhook.NewHTTPServer(ln.Addr().String(), srv)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	url := "http://" + ln.Addr().String() + doordash.ChannelWebhook

	// The plan: every fifth delivery repeats an earlier event (4,000), every
	// twentieth is invalid (1,000: no event_type, or not JSON), the rest are
	// new events (15,000).
	type delivery struct {
		id    string
		body  []byte
		valid bool
	}
	plan := make([]delivery, 0, deliveries)
	var valid []delivery
	for i := range deliveries {
		switch {
		case i%20 == 19:
			body := fmt.Appendf(nil, `{"external_delivery_id":"bad-%d","fee":1}`, i)
			if i%40 == 39 {
				body = fmt.Appendf(nil, `{"external_delivery_id":"bad-%d",`, i)
			}
			plan = append(plan, delivery{id: fmt.Sprintf("bad-%d", i), body: body})
		case i%5 == 2 && len(valid) > 0:
			plan = append(plan, valid[(i*7919)%len(valid)])
		default:
			d := delivery{id: fmt.Sprintf("D-%d", i), valid: true, body: fmt.Appendf(nil,
				`{"external_delivery_id":"D-%d","event_type":"DASHER_CONFIRMED","fee":%d,"currency":"USD","dasher_name":"Load Test"}`, i, i%900)}
			valid = append(valid, d)
			plan = append(plan, d)
		}
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var (
		next      atomic.Int64
		latencies = make([][]time.Duration, clients)
		failures  atomic.Int64
		peakHeap  atomic.Uint64
		wrong     = make(chan string, clients)
	)
	stopSampling := sampleHeap(&peakHeap)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(plan) {
					return
				}
				d := plan[i]
				status, took, err := deliverRetrying(ctx, client, url, d.body)
				latencies[c] = append(latencies[c], took)
				switch {
				case err != nil:
					failures.Add(1)
					select {
					case wrong <- fmt.Sprintf("%s: %v", d.id, err):
					default:
					}
				case d.valid && status != http.StatusOK, !d.valid && status != http.StatusBadRequest:
					failures.Add(1)
					select {
					case wrong <- fmt.Sprintf("%s (valid %v): status %d", d.id, d.valid, status):
					default:
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopSampling()
	if ctx.Err() != nil {
		t.Fatalf("the load did not finish within its bound: %d of %d sent", next.Load(), len(plan))
	}
	close(wrong)
	for w := range wrong {
		t.Error(w)
	}
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d deliveries got the wrong answer", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, d := range valid {
		if handled[d.id] != 1 {
			t.Errorf("event %s handled %d times, want once", d.id, handled[d.id])
		}
	}
	if len(handled) != len(valid) {
		t.Errorf("%d distinct events handled, want %d (no invalid one)", len(handled), len(valid))
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	t.Logf("%d deliveries (%d distinct valid events) from %d clients in %v: %.0f deliveries/s, p50 %v, p99 %v, peak heap %.1f MiB",
		len(plan), len(valid), clients, elapsed.Round(time.Millisecond), float64(len(plan))/elapsed.Seconds(),
		all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond), float64(peakHeap.Load())/(1<<20))
}

// deliverRetrying posts body as DoorDash would, retrying after 409 and 5xx
// (at most 50 times), and returns the final status and the time it took.
func deliverRetrying(ctx context.Context, client *http.Client, url string, body []byte) (int, time.Duration, error) {
	start := time.Now()
	for try := 0; try < 50; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(testUser, testPass)
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict && resp.StatusCode < 500 {
			return resp.StatusCode, time.Since(start), nil
		}
		time.Sleep(time.Millisecond)
	}
	return 0, 0, fmt.Errorf("still not acknowledged after 50 tries")
}

// sampleHeap records the largest HeapInuse it sees every 20 ms until the
// returned function is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
