package providers_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/sendgrid"
	"github.com/hookgen/hookgen/webhook"
)

// sendgridBatch is a batch of n events cycling through the page's eleven
// examples, each with an id of its own, as SendGrid posts when much
// happens at once.
func sendgridBatch(n int) []byte {
	kinds := append(append([]string{}, sendgridReference...), sendgridOthers...)
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		e := kinds[i%len(kinds)]
		at := strings.Index(e, `"sg_event_id":"`) + len(`"sg_event_id":"`)
		end := at + strings.IndexByte(e[at:], '"')
		fmt.Fprintf(&b, "%s%d-%s%s", e[:at], i, e[at:end], e[end:])
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// sendgridNew is a Deduper that has seen nothing: every event runs, so
// the same batch can be dispatched again and again.
type sendgridNew struct{}

func (sendgridNew) Claim(context.Context, string) (webhook.ClaimState, error) {
	return webhook.ClaimAcquired, nil
}
func (sendgridNew) Commit(context.Context, string) error  { return nil }
func (sendgridNew) Release(context.Context, string) error { return nil }

// sendgridQuiet acknowledges every event.
type sendgridQuiet struct{}

func (sendgridQuiet) HandleProcessed(context.Context, *sendgrid.Processed) error     { return nil }
func (sendgridQuiet) HandleDropped(context.Context, *sendgrid.Dropped) error         { return nil }
func (sendgridQuiet) HandleDelivered(context.Context, *sendgrid.Delivered) error     { return nil }
func (sendgridQuiet) HandleDeferred(context.Context, *sendgrid.Deferred) error       { return nil }
func (sendgridQuiet) HandleBounce(context.Context, *sendgrid.Bounce) error           { return nil }
func (sendgridQuiet) HandleOpen(context.Context, *sendgrid.Open) error               { return nil }
func (sendgridQuiet) HandleClick(context.Context, *sendgrid.Click) error             { return nil }
func (sendgridQuiet) HandleSpamReport(context.Context, *sendgrid.SpamReport) error   { return nil }
func (sendgridQuiet) HandleUnsubscribe(context.Context, *sendgrid.Unsubscribe) error { return nil }
func (sendgridQuiet) HandleGroupUnsubscribe(context.Context, *sendgrid.GroupUnsubscribe) error {
	return nil
}
func (sendgridQuiet) HandleGroupResubscribe(context.Context, *sendgrid.GroupResubscribe) error {
	return nil
}

// sendgridDispatch decodes and dispatches body as the Server does once
// the signature is checked, and fails t unless every event was handled.
func sendgridDispatch(t testing.TB, d *sendgrid.Dispatcher, body []byte) {
	t.Helper()
	if err := d.Dispatch(context.Background(), sendgrid.ChannelWebhook, http.Header{}, body); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSendGridBatch decodes and dispatches batches of 100 and 1,000
// SendGrid events: ns/event should not grow with the batch.
func BenchmarkSendGridBatch(b *testing.B) {
	d := sendgrid.NewDispatcher(sendgridQuiet{}, sendgrid.WithDeduper(sendgridNew{}))
	for _, n := range []int{100, 1000} {
		body := sendgridBatch(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				sendgridDispatch(b, d, body)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
		})
	}
}

// TestSendGridBatchLinear: a batch of 1,000 events allocates ten times
// what a batch of 100 does, give or take the batch's own slices, and takes
// no more than twenty times as long (ten, and room for a noisy machine; a
// cost per event that grew with the batch would be a hundred).
func TestSendGridBatchLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("times batches")
	}
	d := sendgrid.NewDispatcher(sendgridQuiet{}, sendgrid.WithDeduper(sendgridNew{}))
	small, large := sendgridBatch(100), sendgridBatch(1000)
	as := testing.AllocsPerRun(20, func() { sendgridDispatch(t, d, small) })
	al := testing.AllocsPerRun(20, func() { sendgridDispatch(t, d, large) })
	if al > 10.5*as {
		t.Errorf("1,000 events allocate %.0f times, 100 events %.0f: not linear", al, as)
	}
	// The best of three runs of about 10 ms each.
	best := func(body []byte, reps int) float64 {
		fastest := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			for range reps {
				sendgridDispatch(t, d, body)
			}
			fastest = min(fastest, time.Since(start))
		}
		return float64(fastest) / float64(reps)
	}
	ts, tl := best(small, 100), best(large, 10)
	if tl > 20*ts {
		t.Errorf("1,000 events take %.0f ns, 100 events %.0f ns: %.1fx, not linear", tl, ts, tl/ts)
	}
	t.Logf("100 events: %.0f ns/event, %.1f allocs/event; 1,000 events: %.0f ns/event, %.1f allocs/event", ts/100, as/100, tl/1000, al/1000)
}
