package providers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// calls records handler calls, safe for concurrent use.
type calls struct {
	mu   sync.Mutex
	seen []any
}

func (c *calls) add(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = append(c.seen, v)
}

func (c *calls) all() []any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]any(nil), c.seen...)
}

// ledger records, under one lock, what a provider's handler was given
// and the event id of each call (webhook.DeliveryFrom(ctx).EventID).
type ledger struct {
	mu  sync.Mutex
	ids []string
}

// record runs add, which keeps the call's values, under the lock and
// notes the call's event id.
func (l *ledger) record(ctx context.Context, add func()) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	add()
	d, _ := webhook.DeliveryFrom(ctx)
	l.ids = append(l.ids, d.EventID)
	return nil
}

// calls is how many calls were recorded.
func (l *ledger) calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ids)
}

// hexHMAC is the hex HMAC-SHA256 of msg under secret.
func hexHMAC(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// answer is what a provider reads back.
type answer struct {
	status      int
	contentType string
	body        string
}

// post sends body to url with headers, as a provider's HTTP client does.
func post(t *testing.T, url, body string, headers map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

// do sends req, which may come from httptest.NewRequest, and reads the
// answer.
func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	req.RequestURI = "" // set by httptest.NewRequest; a client refuses it
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(b)}
}

// serve starts h on a loopback listener for the test.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
