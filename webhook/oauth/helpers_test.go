package oauth

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// newReq builds a real POST request carrying body and the given headers.
func newReq(body string, headers ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://receiver.test/hook", strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// mustUnauthorized fails unless err wraps ErrUnauthorized (the 401 contract).
func mustUnauthorized(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("got nil error, want ErrUnauthorized")
	}
	if !errors.Is(err, webhook.ErrUnauthorized) {
		t.Fatalf("error %q does not wrap ErrUnauthorized", err)
	}
}

// mustContain fails unless err's text contains want (the short reason).
func mustContain(t *testing.T, err error, want string) {
	t.Helper()
	mustUnauthorized(t, err)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not mention %q", err, want)
	}
}

// fakeClock is a settable clock shared by tests that must not sleep.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func basicHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
