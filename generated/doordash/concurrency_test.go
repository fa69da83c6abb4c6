package doordash_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
)

// TestConcurrentDeliveriesHandledOnce sends 1,000 deliveries, 800 distinct
// events and 200 re-sends, from 32 parallel senders over a loopback listener.
// Every distinct event must be handled exactly once and every delivery must
// end in 200. A re-send that races its original may get 409 while the
// original runs; it is retried the way a provider would, and the retry must
// be acknowledged without running the handler again.
func TestConcurrentDeliveriesHandledOnce(t *testing.T) {
	const (
		distinct   = 800
		duplicates = 200
		workers    = 32
		maxTries   = 500 // per delivery; ~1 ms apart, far above a handler's run
	)

	var perEvent sync.Map // external_delivery_id -> *atomic.Int64
	var handled atomic.Int64
	h := &handler{behave: func(_ context.Context, _ string, ev *doordash.DeliveryWebhookPayload) error {
		n, _ := perEvent.LoadOrStore(ev.GetExternalDeliveryID(), new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		handled.Add(1)
		// A short, varying run keeps originals in flight while their
		// duplicates arrive.
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
		return nil
	}}
	ts := serve(t, h)
	tr := ts.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	bodies := make([][]byte, distinct)
	for i := range bodies {
		bodies[i] = event(t, "DASHER_CONFIRMED_PICKUP_ARRIVAL", fmt.Sprintf("D-%04d", i), nil)
	}
	// The schedule: every event once, in a shuffled order; half the
	// re-sends right behind their original (so they race it), half anywhere.
	rng := rand.New(rand.NewPCG(1, 2))
	order := rng.Perm(distinct)
	dupOf := rng.Perm(distinct)[:duplicates]
	for i, ev := range dupOf {
		if i%2 == 0 {
			at := indexOf(order, ev) + 1
			order = append(order[:at], append([]int{ev}, order[at:]...)...)
		} else {
			at := rng.IntN(len(order) + 1)
			order = append(order[:at], append([]int{ev}, order[at:]...)...)
		}
	}
	if len(order) != distinct+duplicates {
		t.Fatalf("schedule has %d deliveries", len(order))
	}

	jobs := make(chan int)
	var ok200, conflicts, tries atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, len(order))
	for range workers {
		wg.Go(func() {
			for ev := range jobs {
				status, n, err := deliverUntilAcknowledged(client, webhookURL(ts), bodies[ev], maxTries)
				tries.Add(int64(n))
				conflicts.Add(int64(n - 1))
				switch {
				case err != nil:
					errs <- fmt.Errorf("event %d: %w", ev, err)
				case status != http.StatusOK:
					errs <- fmt.Errorf("event %d: status %d after %d tries", ev, status, n)
				default:
					ok200.Add(1)
				}
			}
		})
	}
	for _, ev := range order {
		jobs <- ev
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	if got := ok200.Load(); got != distinct+duplicates {
		t.Errorf("%d deliveries acknowledged with 200, want %d", got, distinct+duplicates)
	}
	if got := handled.Load(); got != distinct {
		t.Errorf("handler ran %d times, want %d (once per distinct event)", got, distinct)
	}
	seen := 0
	perEvent.Range(func(k, v any) bool {
		seen++
		if n := v.(*atomic.Int64).Load(); n != 1 {
			t.Errorf("event %v handled %d times", k, n)
		}
		return true
	})
	if seen != distinct {
		t.Errorf("%d distinct events handled, want %d", seen, distinct)
	}
	for _, c := range h.Calls() {
		if c.Message != "DasherConfirmedPickupArrival" {
			t.Fatalf("routed to %s", c.Message)
		}
	}
	t.Logf("%d HTTP requests, %d answered 409 and retried", tries.Load(), conflicts.Load())
}

// deliverUntilAcknowledged posts body until the answer is not 409, at most
// max times, and returns the last status and the number of tries.
func deliverUntilAcknowledged(client *http.Client, url string, body []byte, max int) (status, tries int, err error) {
	for tries = 1; ; tries++ {
		a, err := post(client, url, body)
		if err != nil {
			return 0, tries, err
		}
		if a.status != http.StatusConflict {
			return a.status, tries, nil
		}
		if a.header.Get("Retry-After") == "" || a.header.Get("Content-Type") != "application/json" {
			return a.status, tries, fmt.Errorf("409 without Retry-After or JSON body: %v %q", a.header, a.body)
		}
		if tries == max {
			return a.status, tries, fmt.Errorf("still 409 after %d tries", tries)
		}
		time.Sleep(time.Millisecond)
	}
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
