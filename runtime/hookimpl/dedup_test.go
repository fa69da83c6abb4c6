package hookimpl

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// countHandler counts calls per body and holds the first call of each
// body in hold until release is closed.
type countHandler struct {
	mu      sync.Mutex
	calls   map[string]int
	hold    []string
	started chan struct{}
	release chan struct{}
}

func newCountHandler(hold ...string) *countHandler {
	return &countHandler{calls: map[string]int{}, hold: hold, started: make(chan struct{}, len(hold)), release: make(chan struct{})}
}

func (h *countHandler) handle(ctx context.Context) error {
	d, _ := webhook.DeliveryFrom(ctx)
	body := string(d.Body)
	h.mu.Lock()
	h.calls[body]++
	n := h.calls[body]
	h.mu.Unlock()
	if n == 1 && slices.Contains(h.hold, body) {
		h.started <- struct{}{}
		<-h.release
	}
	return nil
}

func (h *countHandler) count(body string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls[body]
}

// A store full of events being handled answers 503 with Retry-After and
// the contract's body, and does not call the handler.
func TestEndpointDedupFull(t *testing.T) {
	h := newCountHandler(`{"n":1}`, `{"n":2}`)
	srv := serveRunner(t, &Runner{Deduper: webhook.NewMemoryDeduper(2, time.Hour)}, false, h.handle)
	var wg sync.WaitGroup
	for _, body := range []string{`{"n":1}`, `{"n":2}`} {
		wg.Go(func() {
			if resp, _ := post(t, srv.URL, body); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", body, resp.StatusCode)
			}
		})
		<-h.started
	}
	resp, body := post(t, srv.URL, `{"n":3}`)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, `"error":{"code":"unavailable"`) {
		t.Errorf("full store: %d Retry-After %q %q; want 503 with Retry-After and a JSON error", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if n := h.count(`{"n":3}`); n != 0 {
		t.Errorf("handler ran %d times for a delivery answered 503", n)
	}
	close(h.release)
	wg.Wait()
}

// Newer events do not evict the claim of an event still being handled: a
// duplicate of it gets 409 and the handler runs once.
func TestEndpointInFlightNotEvicted(t *testing.T) {
	const slow = `{"n":"slow"}`
	h := newCountHandler(slow)
	d := webhook.NewMemoryDeduper(3, time.Hour)
	d.Logger = slog.New(slog.DiscardHandler)
	srv := serveRunner(t, &Runner{Deduper: d}, false, h.handle)
	first := make(chan int)
	go func() {
		resp, _ := post(t, srv.URL, slow)
		first <- resp.StatusCode
	}()
	<-h.started
	for i := range 20 {
		if resp, body := post(t, srv.URL, fmt.Sprintf(`{"n":%d}`, i)); resp.StatusCode != http.StatusOK {
			t.Fatalf("event %d: %d %q", i, resp.StatusCode, body)
		}
	}
	if resp, body := post(t, srv.URL, slow); resp.StatusCode != http.StatusConflict {
		t.Errorf("duplicate of a running event: %d %q, want 409", resp.StatusCode, body)
	}
	close(h.release)
	if status := <-first; status != http.StatusOK {
		t.Errorf("first delivery: %d", status)
	}
	if n := h.count(slow); n != 1 {
		t.Errorf("handler ran %d times for one event, want 1", n)
	}
}

// The Runner's logger reaches the store Prepare creates.
func TestRunnerLoggerReachesDefaultStore(t *testing.T) {
	r := &Runner{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.Prepare()
	if m, ok := r.Deduper.(*webhook.MemoryDeduper); !ok || m.Logger != r.Logger {
		t.Fatalf("default store %T without the Runner's logger", r.Deduper)
	}
}

func TestPrefixedBodyKey(t *testing.T) {
	// sha256("abc"), FIPS 180-2 test vector.
	if got := prefixedBodyKey("p:", []byte("abc")); got != "p:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal(got)
	}
	if prefixedBodyKey("", []byte(`{"a":1}`)) == prefixedBodyKey("", []byte(`{"a": 1}`)) {
		t.Fatal("different bodies, same key")
	}
}
