package batch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// batchHandler records the events each method gets, and fails the open
// events whose sg_event_id is in fail.
type batchHandler struct {
	UnimplementedHandler
	mu    sync.Mutex
	calls []string // message:sg_event_id, in order
	fail  map[string]bool
	open  []*Open
}

func (h *batchHandler) add(message, id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, message+":"+id)
}

func (h *batchHandler) HandleProcessed(_ context.Context, e *Processed) error {
	h.add("processed", e.SgEventID)
	return nil
}

func (h *batchHandler) HandleDelivered(ctx context.Context, e *Delivered) error {
	if d, ok := webhook.DeliveryFrom(ctx); !ok || d.Message != "Delivered" || d.EventID != e.SgEventID || !strings.HasPrefix(string(d.Body), `{"email"`) {
		return fmt.Errorf("the delivery in the context is not the element's: %+v", d)
	}
	h.add("delivered", e.SgEventID)
	return nil
}

func (h *batchHandler) HandleOpen(_ context.Context, e *Open) error {
	h.add("open", e.SgEventID)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open = append(h.open, e)
	if h.fail[e.SgEventID] {
		return errors.New("the store is down")
	}
	return nil
}

func (h *batchHandler) HandleBounce(_ context.Context, e *Bounce) error {
	h.add("bounce", e.SgEventID)
	return nil
}

func (h *batchHandler) took() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

func batchServer(t *testing.T, h Handler, opts ...Option) func(body string) int {
	t.Helper()
	srv, err := NewServer(h, append([]Option{WithKey("k")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", "k")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
}

const mixed = `[
  {"email":"a@example.com","timestamp":1513299569,"event":"processed","category":"cat facts","sg_event_id":"p1","sg_message_id":"m1"},
  {"email":"a@example.com","timestamp":1513299570,"event":"delivered","category":["cat facts","dogs"],"sg_event_id":"d1","sg_message_id":"m1","response":"250 OK"},
  {"email":"a@example.com","timestamp":1513299571,"event":"open","sg_event_id":"o1","sg_message_id":"m1","useragent":"Mozilla/4.0","ip":"255.255.255.255"},
  {"email":"b@example.com","timestamp":1513299572,"event":"group_unsubscribe","sg_event_id":"u1","asm_group_id":1},
  {"email":"b@example.com","timestamp":1513299573,"event":"bounce","sg_event_id":"b1","reason":"500 unknown recipient","status":"5.0.0","type":"bounce"},
  {"email":"a@example.com","timestamp":1513299570,"event":"delivered","sg_event_id":"d1","sg_message_id":"m1"}
]`

// TestBatchRetry: each event of a batch goes to its own method, once per
// sg_event_id (the repeated d1 too); one that fails makes the batch 500,
// and the provider's retry of the same batch runs that one alone again.
func TestBatchRetry(t *testing.T) {
	h := &batchHandler{fail: map[string]bool{"o1": true}}
	var unknown []string
	send := batchServer(t, h, WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		unknown = append(unknown, string(d.Body))
		return nil
	}))
	if got := send(mixed); got != http.StatusInternalServerError {
		t.Fatalf("a batch with a failed event: %d, want 500", got)
	}
	if got, want := strings.Join(h.took(), " "), "processed:p1 delivered:d1 open:o1 bounce:b1"; got != want {
		t.Errorf("first delivery ran %s, want %s", got, want)
	}
	if len(unknown) != 1 || !strings.Contains(unknown[0], "group_unsubscribe") {
		t.Errorf("unknown-event hook got %q", unknown)
	}
	// The provider retries; the open event still fails.
	if got := send(mixed); got != http.StatusInternalServerError {
		t.Fatalf("retry with the event still failing: %d, want 500", got)
	}
	if got, want := strings.Join(h.took(), " "), "open:o1"; got != want {
		t.Errorf("retry ran %s, want %s", got, want)
	}
	delete(h.fail, "o1")
	if got := send(mixed); got != http.StatusOK {
		t.Fatalf("retry once the event succeeds: %d, want 200", got)
	}
	if got, want := strings.Join(h.took(), " "), "open:o1"; got != want {
		t.Errorf("second retry ran %s, want %s", got, want)
	}
	if got := send(mixed); got != http.StatusOK || len(h.took()) != 0 {
		t.Errorf("a batch of handled events: %d, want 200 and no call", got)
	}
	if o := h.open[len(h.open)-1]; o.GetUseragent() != "Mozilla/4.0" || o.Timestamp != 1513299571 || o.Email != "a@example.com" {
		t.Errorf("open event = %+v", o)
	}
}

// TestBatchInvalid: a batch is routed and decoded whole before any handler
// runs, so a body that is no array of events, or one invalid event, is 400
// with no call; an empty batch is 200, and one event alone is a batch of one.
func TestBatchInvalid(t *testing.T) {
	h := &batchHandler{}
	send := batchServer(t, h)
	ok := `{"email":"a@example.com","timestamp":1,"event":"processed","sg_event_id":"p9"}`
	for _, body := range []string{
		`[` + ok + `,{"email":"a@example.com","timestamp":1,"event":"click","sg_event_id":"c1"}]`, // click's url is required
		`[` + ok + `,{"email":"a@example.com","timestamp":1,"sg_event_id":"x1"}]`,                 // no event
		`[` + ok + `,{"email":"a@example.com","timestamp":1,"event":"processed","sg_event_id":"x2","event":"open"}]`,
		`[` + ok + `,null]`, `[` + ok + `,"processed"]`, `[` + ok + `,[]]`,
		`[` + ok + `,`, `null`, `"[]"`, `7`, ``,
	} {
		if got := send(body); got != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", body, got)
		}
	}
	if calls := h.took(); len(calls) != 0 {
		t.Errorf("handlers ran for invalid batches: %v", calls)
	}
	if got := send(`[]`); got != http.StatusOK {
		t.Errorf("an empty batch: %d, want 200", got)
	}
	if got := send(ok); got != http.StatusOK || strings.Join(h.took(), " ") != "processed:p9" {
		t.Errorf("one event alone: %d", got)
	}
}

// TestBatchDispatch: a queue consumer's Dispatch gives a batch the same
// answer as the server, through webhook.StatusOf.
func TestBatchDispatch(t *testing.T) {
	h := &batchHandler{fail: map[string]bool{"o1": true}}
	d := NewDispatcher(h)
	err := d.Dispatch(context.Background(), ChannelEvents, http.Header{}, []byte(mixed))
	if webhook.StatusOf(err) != http.StatusInternalServerError || !strings.Contains(err.Error(), "1 of 6 events of the batch were not handled") {
		t.Errorf("Dispatch = %v (status %d)", err, webhook.StatusOf(err))
	}
	h.fail = nil
	if err := d.Dispatch(context.Background(), ChannelEvents, http.Header{}, []byte(mixed)); err != nil {
		t.Errorf("retry: %v", err)
	}
	if got, want := strings.Join(h.took(), " "), "processed:p1 delivered:d1 open:o1 bounce:b1 open:o1"; got != want {
		t.Errorf("ran %s, want %s", got, want)
	}
}

// everNew is a Deduper that has seen nothing: every event runs.
type everNew struct{}

func (everNew) Claim(context.Context, string) (webhook.ClaimState, error) {
	return webhook.ClaimAcquired, nil
}
func (everNew) Commit(context.Context, string) error  { return nil }
func (everNew) Release(context.Context, string) error { return nil }

// batchOf is a batch of n events of the five kinds, each id its own.
func batchOf(n int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `{"email":"a@example.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"e%d","sg_message_id":"m"}`, i)
		case 1:
			fmt.Fprintf(&b, `{"email":"a@example.com","timestamp":1513299569,"event":"delivered","category":["cat facts","dogs"],"sg_event_id":"e%d","sg_message_id":"m","response":"250 OK"}`, i)
		case 2:
			fmt.Fprintf(&b, `{"email":"a@example.com","timestamp":1513299569,"event":"open","sg_event_id":"e%d","sg_message_id":"m","useragent":"Mozilla/4.0","ip":"255.255.255.255"}`, i)
		default:
			fmt.Fprintf(&b, `{"email":"a@example.com","timestamp":1513299569,"event":"bounce","sg_event_id":"e%d","reason":"500 unknown recipient","status":"5.0.0","type":"bounce"}`, i)
		}
	}
	b.WriteByte(']')
	return []byte(b.String())
}

type quiet struct{ UnimplementedHandler }

func (quiet) HandleProcessed(context.Context, *Processed) error { return nil }
func (quiet) HandleDelivered(context.Context, *Delivered) error { return nil }
func (quiet) HandleOpen(context.Context, *Open) error           { return nil }
func (quiet) HandleBounce(context.Context, *Bounce) error       { return nil }

// BenchmarkBatch dispatches batches of 10, 100 and 1,000 events: the time
// per event should not grow with the batch.
func BenchmarkBatch(b *testing.B) {
	d := NewDispatcher(quiet{}, WithDeduper(everNew{}))
	for _, n := range []int{10, 100, 1000} {
		body := batchOf(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := d.Dispatch(context.Background(), ChannelEvents, http.Header{}, body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
		})
	}
}

// TestBatchLinear: a batch of 1,000 events allocates ten times what a
// batch of 100 does, give or take the batch's own slices, and takes no
// more than twenty times as long (ten, and room for a noisy machine; a
// cost per event that grew with the batch would be a hundred).
func TestBatchLinear(t *testing.T) {
	d := NewDispatcher(quiet{}, WithDeduper(everNew{}))
	small, large := batchOf(100), batchOf(1000)
	run := func(body []byte) func() {
		return func() {
			if err := d.Dispatch(context.Background(), ChannelEvents, http.Header{}, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	as, al := testing.AllocsPerRun(20, run(small)), testing.AllocsPerRun(20, run(large))
	if al > 10.5*as {
		t.Errorf("1,000 events allocate %.0f times, 100 events %.0f: not linear", al, as)
	}
	// The best of three runs of about 10 ms each.
	best := func(body []byte, reps int) float64 {
		fastest := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			for range reps {
				run(body)()
			}
			fastest = min(fastest, time.Since(start))
		}
		return float64(fastest) / float64(reps)
	}
	ts, tl := best(small, 100), best(large, 10)
	if tl > 20*ts {
		t.Errorf("1,000 events take %.0f ns, 100 events %.0f ns: %.1fx, not linear", tl, ts, tl/ts)
	}
}
