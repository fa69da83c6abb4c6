package hookimpl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

func TestRunnerClaimsCommitsReleases(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	d := func() *webhook.Delivery { return &webhook.Delivery{EventID: "e1", Body: []byte(`{}`)} }
	var calls atomic.Int32
	fail := errors.New("boom")
	if err := r.Run(context.Background(), d(), func(context.Context) error { calls.Add(1); return fail }); !errors.Is(err, fail) {
		t.Fatalf("first run: %v", err)
	}
	// The failure released the claim: the retry is handled.
	if err := r.Run(context.Background(), d(), func(context.Context) error { calls.Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	// Now it is done: a duplicate is acknowledged without a call.
	if err := r.Run(context.Background(), d(), func(context.Context) error { calls.Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Fatalf("handler ran %d times, want 2", calls.Load())
	}
}

func TestRunnerPanicAndTimeout(t *testing.T) {
	r := &Runner{Timeout: 20 * time.Millisecond}
	r.Prepare()
	err := r.Run(context.Background(), &webhook.Delivery{EventID: "p"}, func(context.Context) error { panic("kaboom") })
	if err == nil || webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Fatalf("panic: %v", err)
	}
	// The panic released the claim: the retry runs.
	if err := r.Run(context.Background(), &webhook.Delivery{EventID: "p"}, func(context.Context) error { return nil }); err != nil {
		t.Fatalf("retry after a panic: %v", err)
	}
	err = r.Run(context.Background(), &webhook.Delivery{EventID: "slow"}, func(ctx context.Context) error {
		<-ctx.Done() // a handler that honours its deadline
		return ctx.Err()
	})
	if !errors.Is(err, webhook.ErrTimeout) || webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Fatalf("timeout: %v", err)
	}
	// The timed-out event was released: the provider's retry is handled.
	if err := r.Run(context.Background(), &webhook.Delivery{EventID: "slow"}, func(context.Context) error { return nil }); err != nil {
		t.Fatalf("retry after a timeout: %v", err)
	}
}

// While one delivery of an event is being handled, a concurrent duplicate
// gets ErrInFlight (409) and does not run the handler.
func TestRunnerInFlight(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- r.Run(context.Background(), &webhook.Delivery{EventID: "e"}, func(context.Context) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	if err := r.Run(context.Background(), &webhook.Delivery{EventID: "e"}, func(context.Context) error {
		t.Error("duplicate ran")
		return nil
	}); !errors.Is(err, webhook.ErrInFlight) || webhook.StatusOf(err) != http.StatusConflict {
		t.Fatalf("duplicate in flight: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunnerDeliveryInContext(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	d := &webhook.Delivery{EventID: "ctx", Body: []byte("x")}
	err := r.Run(context.Background(), d, func(ctx context.Context) error {
		got, ok := webhook.DeliveryFrom(ctx)
		if !ok || got != d {
			return errors.New("delivery not in context")
		}
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("no deadline")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSettingsVerifierFailsClosed(t *testing.T) {
	if _, err := NewSettings().Verifier([][]string{{"basic"}}); !errors.Is(err, webhook.ErrNoVerifier) {
		t.Fatalf("no verifier: %v", err)
	}
	if v, err := NewSettings(AllowUnauthenticated()).Verifier([][]string{{"basic"}}); v != nil || err != nil {
		t.Fatalf("allowed: %v %v", v, err)
	}
	// One requirement of two schemes: both must pass.
	s := NewSettings(WithScheme("a", webhook.APIKey("header", "X-A", "ka")), WithScheme("b", webhook.APIKey("header", "X-B", "kb")))
	v, err := s.Verifier([][]string{{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-A", "ka")
	if err := v.Verify(req, nil); err == nil {
		t.Fatal("one of two required schemes accepted")
	}
	req.Header.Set("X-B", "kb")
	if err := v.Verify(req, nil); err != nil {
		t.Fatalf("both schemes: %v", err)
	}
	// A configured scheme no requirement names is an alternative of its own.
	s = NewSettings(WithScheme("extra", webhook.APIKey("header", "X-E", "ke")))
	if v, err = s.Verifier([][]string{{"basic"}}); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-E", "ke")
	if err := v.Verify(req, nil); err != nil {
		t.Fatalf("extra scheme: %v", err)
	}
}

// A handler's error is a 500 whatever it wraps: the event was not handled.
// A nil option, such as one a caller left unset in a conditional list, is
// skipped rather than a panic.
func TestNewSettingsSkipsNilOptions(t *testing.T) {
	var unset Option
	s := NewSettings(unset, WithBodyLimit(7), nil)
	if s.BodyLimit != 7 {
		t.Errorf("BodyLimit %d, want 7", s.BodyLimit)
	}
}

func TestHandlerErrorIsAlways500(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	for i, herr := range []error{webhook.ErrInvalidPayload, webhook.ErrUnauthorized, webhook.ErrInFlight, webhook.ErrBodyTooLarge, errors.New("db down")} {
		err := r.Run(context.Background(), &webhook.Delivery{EventID: string(rune('a' + i))}, func(context.Context) error { return herr })
		if webhook.StatusOf(err) != http.StatusInternalServerError || !errors.Is(err, herr) {
			t.Errorf("handler returned %v: status %d, err %v", herr, webhook.StatusOf(err), err)
		}
	}
}

func TestServeMuxRefusesUncleanPaths(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/webhook", func(w http.ResponseWriter, r *http.Request) {})
	for path, want := range map[string]int{"/webhook": 200, "//webhook": 404, "/a/../webhook": 404, "/./webhook": 404} {
		w := httptest.NewRecorder()
		ServeMux(mux, w, httptest.NewRequest(http.MethodPost, "http://receiver.test"+path, nil))
		if w.Code != want {
			t.Errorf("%s: status %d, want %d", path, w.Code, want)
		}
		if want == 404 && w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: no JSON body", path)
		}
	}
}

// serveRunner serves one channel over real HTTP, dispatching every
// delivery through r (or r.RunUnknown when unknown is set) to handle.
func serveRunner(t *testing.T, r *Runner, unknown bool, handle func(context.Context) error) *httptest.Server {
	t.Helper()
	if unknown {
		r.Unknown = func(ctx context.Context, _ *webhook.Delivery) error { return handle(ctx) }
	}
	r.Prepare()
	srv := httptest.NewServer(&Endpoint{Channel: "/webhook", Dispatch: func(ctx context.Context, d *webhook.Delivery) error {
		if unknown {
			return r.RunUnknown(ctx, d)
		}
		return r.Run(ctx, d, handle)
	}})
	t.Cleanup(srv.Close)
	return srv
}

// post delivers body to url and returns what the client saw.
func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("delivery of %s: %v", body, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer to %s: %v", body, err)
	}
	return resp, string(b)
}

// A handler (or unknown-event hook) that ends its goroutine, as t.FailNow
// does, did not handle the event: the provider gets 500, not a dropped
// connection, and its retry runs the handler again instead of finding the
// event done.
func TestEndpointHandlerGoexit(t *testing.T) {
	for _, unknown := range []bool{false, true} {
		var calls atomic.Int32
		srv := serveRunner(t, &Runner{}, unknown, func(context.Context) error {
			if calls.Add(1) == 1 {
				runtime.Goexit()
			}
			return nil
		})
		resp, body := post(t, srv.URL, `{"id":"goexit"}`)
		if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, `"handler_failed"`) {
			t.Fatalf("unknown=%v: first delivery %d %q, want 500 handler_failed", unknown, resp.StatusCode, body)
		}
		if resp, body := post(t, srv.URL, `{"id":"goexit"}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("unknown=%v: retry %d %q", unknown, resp.StatusCode, body)
		}
		if n := calls.Load(); n != 2 {
			t.Fatalf("unknown=%v: handler ran %d times, want 2 (the retry must run it)", unknown, n)
		}
	}
}

// Without HTTP: a handler's Goexit releases the claim, so the retry runs.
func TestRunnerGoexitReleases(t *testing.T) {
	r := &Runner{}
	r.Prepare()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_ = r.Run(context.Background(), &webhook.Delivery{EventID: "g"}, func(context.Context) error {
			runtime.Goexit()
			return nil
		})
		t.Error("Run returned after the handler's Goexit")
	}()
	<-exited
	calls := 0
	if err := r.Run(context.Background(), &webhook.Delivery{EventID: "g"}, func(context.Context) error { calls++; return nil }); err != nil || calls != 1 {
		t.Fatalf("retry after Goexit: err %v, %d calls, want nil and 1", err, calls)
	}
}

// stateDeduper is a buggy store whose Claim answers a state outside the
// defined ones.
type stateDeduper webhook.ClaimState

func (s stateDeduper) Claim(context.Context, string) (webhook.ClaimState, error) {
	return webhook.ClaimState(s), nil
}
func (stateDeduper) Commit(context.Context, string) error  { return nil }
func (stateDeduper) Release(context.Context, string) error { return nil }

// An invalid ClaimState is a store error (500), never permission to run.
func TestRunnerInvalidClaimState(t *testing.T) {
	for _, state := range []webhook.ClaimState{0, 42, -1} {
		var logs bytes.Buffer
		var calls atomic.Int32
		r := &Runner{Deduper: stateDeduper(state), Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		srv := serveRunner(t, r, false, func(context.Context) error { calls.Add(1); return nil })
		resp, body := post(t, srv.URL, `{"id":"x"}`)
		if resp.StatusCode != http.StatusInternalServerError || calls.Load() != 0 {
			t.Errorf("state %d: %d %q, %d handler calls; want 500 and none", state, resp.StatusCode, body, calls.Load())
		}
		if !strings.Contains(logs.String(), "invalid state") {
			t.Errorf("state %d: not logged: %q", state, logs.String())
		}
	}
}

// handoffFunc is a webhook.Handoff.
type handoffFunc func(ctx context.Context, id string, d *webhook.Delivery) error

func (f handoffFunc) Handoff(ctx context.Context, id string, d *webhook.Delivery) error {
	return f(ctx, id, d)
}

// In hand-off mode Run stores the delivery under its provider-qualified
// id instead of calling the handler or the store: 200 once stored, 500
// when storing failed. A Stored context runs the handler.
func TestRunHandoff(t *testing.T) {
	var (
		mu   sync.Mutex
		ids  []string
		fail atomic.Bool
	)
	h := newCountHandler()
	r := &Runner{KeyPrefix: "p:", Deduper: failingStore{errors.New("the store must not be asked")},
		Handoff: handoffFunc(func(_ context.Context, id string, d *webhook.Delivery) error {
			if fail.Load() {
				return errors.New("stream unreachable")
			}
			mu.Lock()
			defer mu.Unlock()
			ids = append(ids, id+" "+string(d.Body))
			return nil
		})}
	srv := serveRunner(t, r, false, h.handle)
	if resp, body := post(t, srv.URL, `{"n":1}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("hand-off: %d %s", resp.StatusCode, body)
	}
	fail.Store(true)
	if resp, _ := post(t, srv.URL, `{"n":2}`); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("failed hand-off: %d, want 500", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{`p:` + prefixedBodyKey("", []byte(`{"n":1}`)) + ` {"n":1}`}; !slices.Equal(ids, want) {
		t.Errorf("handed off %q, want %q", ids, want)
	}
	if n := h.count(`{"n":1}`) + h.count(`{"n":2}`); n != 0 {
		t.Errorf("handler ran %d times in hand-off mode", n)
	}
	r.Deduper = webhook.NewMemoryDeduper(0, 0)
	d := &webhook.Delivery{Body: []byte(`{"n":1}`)}
	if err := r.Run(Stored(t.Context()), d, h.handle); err != nil || h.count(`{"n":1}`) != 1 {
		t.Errorf("stored delivery: %v, %d calls; want the handler called once", err, h.count(`{"n":1}`))
	}
}
