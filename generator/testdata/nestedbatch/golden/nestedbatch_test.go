package nestedbatch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// nestedHandler records each change with its group's id, read from the
// delivery's Envelope, and fails the removals named in fail.
type nestedHandler struct {
	UnimplementedHandler
	mu    sync.Mutex
	calls []string // kind:id-or-name@group
	fail  map[string]bool
}

func (h *nestedHandler) add(ctx context.Context, what string) error {
	d, ok := webhook.DeliveryFrom(ctx)
	if !ok || len(d.Envelope) != 2 {
		return errors.New("no envelope")
	}
	group := strings.Join(strings.Fields(string(d.Envelope[1])), "")
	group = group[:strings.Index(group, `,"changes"`)] + "}"
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, what+"@"+group)
	if h.fail[what] {
		delete(h.fail, what)
		return errors.New("failed")
	}
	return nil
}

func (h *nestedHandler) HandleAdded(ctx context.Context, e *Added) error {
	return h.add(ctx, "added:"+e.ID)
}

func (h *nestedHandler) HandleRemoved(ctx context.Context, e *Removed) error {
	return h.add(ctx, "removed:"+e.Name)
}

// TestNestedBatch: each change of each group reaches its method with its
// group as its envelope; a failure is 500, and the retry runs only the
// failed change, found again by its correlationId or, for Removed, by its
// group's id and itself.
func TestNestedBatch(t *testing.T) {
	h := &nestedHandler{fail: map[string]bool{"removed:x": true}}
	srv, err := NewServer(h, WithKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	send := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/changes", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", "k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	body := `{"groups":[{"id":"g1","changes":[{"kind":"added","id":"a1"},{"kind":"removed","name":"x"}]},` +
		`{"id":"g2","changes":[{"kind":"removed","name":"x"}]}]}`
	if s := send(body); s != http.StatusInternalServerError {
		t.Fatalf("a failed change: %d, want 500", s)
	}
	if s := send(body); s != http.StatusOK {
		t.Fatalf("retry: %d", s)
	}
	want := `added:a1@{"id":"g1"},removed:x@{"id":"g1"},removed:x@{"id":"g2"},removed:x@{"id":"g1"}`
	if got := strings.Join(h.calls, ","); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}
	if s := send(`{"groups":[{"id":"g1","changes":[{"kind":"added"}]}]}`); s != http.StatusBadRequest {
		t.Errorf("an invalid change: %d, want 400", s)
	}
}
