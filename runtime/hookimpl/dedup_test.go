package hookimpl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// failingStore fails every Claim with err.
type failingStore struct{ err error }

func (s failingStore) Claim(context.Context, string) (webhook.ClaimState, error) { return 0, s.err }
func (failingStore) Commit(context.Context, string) error                        { return nil }
func (failingStore) Release(context.Context, string) error                       { return nil }

// outage is the error of a store that logs its outages itself.
type outage struct{}

func (outage) Error() string { return "store unreachable" }
func (outage) Outage() bool  { return true }

// A store failure is 500 without a handler call; it is logged as an error
// per delivery unless the store says it logged the outage itself
// (webhook/redisdedup does), so that an outage is not an error line per
// delivery.
func TestEndpointStoreFailureLog(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		errors int
	}{
		{"plain", errors.New("store unreachable"), 3},
		{"outage", fmt.Errorf("wrapped: %w", outage{}), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs strings.Builder
			var mu sync.Mutex
			log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return logs.Write(p)
			}), &slog.HandlerOptions{Level: slog.LevelDebug}))
			h := newCountHandler()
			srv := serveLogged(t, &Runner{Deduper: failingStore{c.err}, Logger: log}, log, h.handle)
			for i := range 3 {
				resp, body := post(t, srv.URL, fmt.Sprintf(`{"n":%d}`, i))
				if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, `"error":{"code":`) {
					t.Fatalf("%d %q, want 500 with the contract's body", resp.StatusCode, body)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if n := strings.Count(logs.String(), "level=ERROR"); n != c.errors {
				t.Errorf("%d error lines, want %d:\n%s", n, c.errors, logs.String())
			}
			if n := strings.Count(logs.String(), "store unreachable"); n != 3 {
				t.Errorf("the failure is in %d lines, want 3 (debug or error):\n%s", n, logs.String())
			}
			for i := range 3 {
				if n := h.count(fmt.Sprintf(`{"n":%d}`, i)); n != 0 {
					t.Errorf("handler ran %d times with the store down", n)
				}
			}
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// serveLogged is serveRunner with the Endpoint logging to log.
func serveLogged(t *testing.T, r *Runner, log *slog.Logger, handle func(context.Context) error) *httptest.Server {
	t.Helper()
	r.Prepare()
	srv := httptest.NewServer(&Endpoint{Channel: "/webhook", Logger: log, Dispatch: func(ctx context.Context, d *webhook.Delivery) error {
		return r.Run(ctx, d, handle)
	}})
	t.Cleanup(srv.Close)
	return srv
}
