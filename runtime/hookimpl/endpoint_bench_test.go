package hookimpl

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// BenchmarkEndpoint is the runtime's share of a delivery, without decoding:
// a 1 KB POST with Basic credentials through ServeMux, Endpoint, Basic,
// readBody and Runner.Run (the de-dup key is the body's SHA-256), to a
// handler that does nothing.
func BenchmarkEndpoint(b *testing.B) {
	body := []byte(`{"event_type":"DASHER_CONFIRMED","data":"` + strings.Repeat("x", 1000) + `"}`)
	runner := &Runner{Deduper: acquireDeduper{}, KeyPrefix: "bench:", Timeout: time.Minute}
	runner.Prepare()
	e := &Endpoint{
		Channel:  "/webhook",
		Verifier: webhook.BasicAuth("bench", webhook.Credential{Username: "hookgen", Password: "bench-secret"}),
		Logger:   runner.Logger,
		Dispatch: func(ctx context.Context, d *webhook.Delivery) error {
			d.Message = "Event"
			return runner.Run(ctx, d, func(context.Context) error { return nil })
		},
	}
	mux := http.NewServeMux()
	mux.Handle("/webhook", e)
	r, err := http.NewRequest(http.MethodPost, "http://receiver.test/webhook", nil)
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.SetBasicAuth("hookgen", "bench-secret")
	r.ContentLength = int64(len(body))
	var rd bytes.Reader
	w := &statusRecorder{h: http.Header{}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		r.Body = readCloser{&rd}
		w.status = 0
		ServeMux(mux, w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkBasicVerify checks one correct Authorization: Basic header.
func BenchmarkBasicVerify(b *testing.B) {
	v := webhook.BasicAuth("bench", webhook.Credential{Username: "hookgen", Password: "bench-secret"})
	r := newReq("")
	r.SetBasicAuth("hookgen", "bench-secret")
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// statusRecorder keeps the status and drops the body.
type statusRecorder struct {
	h      http.Header
	status int
}

func (w *statusRecorder) Header() http.Header         { return w.h }
func (w *statusRecorder) Write(p []byte) (int, error) { return len(p), nil }
func (w *statusRecorder) WriteHeader(status int)      { w.status = status }
