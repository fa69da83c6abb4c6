package replies_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	replies "github.com/hookgen/hookgen/generator/testdata/replies/golden"
	"github.com/hookgen/hookgen/webhook"
)

// handler answers Command with what it was asked, fails while fail is
// set, and counts its calls.
type handler struct {
	replies.UnimplementedHandler
	mu    sync.Mutex
	calls map[string]int
	fail  bool
}

func (h *handler) called(m string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls[m]
}

func (h *handler) count(m string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.calls == nil {
		h.calls = map[string]int{}
	}
	h.calls[m]++
}

func (h *handler) HandleCommand(_ context.Context, c *replies.Command) (*replies.CommandResult, error) {
	h.count("Command")
	if h.fail {
		return nil, errors.New("down")
	}
	msg := "ran " + c.GetText()
	return &replies.CommandResult{Ok: true, Message: &msg}, nil
}

func (h *handler) HandleLookup(_ context.Context, l *replies.Lookup) (string, error) {
	h.count("Lookup")
	return "found " + l.Query, nil
}

func (h *handler) HandleNotice(context.Context, *replies.Notice) error {
	h.count("Notice")
	return nil
}

const secret = "test-secret"

func newServer(t *testing.T, opts ...replies.Option) (*replies.Server, *handler) {
	t.Helper()
	h := new(handler)
	srv, err := replies.NewServer(h, append([]replies.Option{replies.WithSigned(secret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, h
}

func send(t *testing.T, srv http.Handler, build func(string, replies.Credentials) (*http.Request, error), creds replies.Credentials) *httptest.ResponseRecorder {
	t.Helper()
	req, err := build("http://receiver.test", creds)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

// TestReplyWritten: a message that declares a reply is answered 200 with
// the reply, in its content type, after its handler succeeds; a handler
// that fails gets 500 and no reply is kept, so the retry is handled; a
// redelivery of the handled event gets the same reply without a call.
func TestReplyWritten(t *testing.T) {
	srv, h := newServer(t)
	creds := replies.Credentials{Signed: secret}
	command := func(url string, c replies.Credentials) (*http.Request, error) {
		return replies.NewCommandRequest(url+"/interactions", nil, c)
	}
	h.fail = true
	if w := send(t, srv, command, creds); w.Code != http.StatusInternalServerError {
		t.Fatalf("failing handler: %d %s", w.Code, w.Body)
	}
	h.fail = false
	const want = `{"ok":true,"message":"ran hello"}`
	for i := range 2 {
		w := send(t, srv, command, creds)
		if w.Code != http.StatusOK || w.Body.String() != want || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("delivery %d: %d %q %q, want 200 %s", i+1, w.Code, w.Header().Get("Content-Type"), w.Body, want)
		}
	}
	if n := h.called("Command"); n != 2 {
		t.Errorf("HandleCommand ran %d times, want 2 (the failure, then once)", n)
	}
	lookup := func(url string, c replies.Credentials) (*http.Request, error) {
		q := "pizza"
		return replies.NewLookupRequest(url+"/interactions", &replies.Lookup{Kind: replies.LookupKind, Query: q}, c)
	}
	if w := send(t, srv, lookup, creds); w.Code != http.StatusOK || w.Body.String() != "found pizza" || w.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("text reply: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	// A message without a reply on the same channel: 200, no body.
	notice := func(url string, c replies.Credentials) (*http.Request, error) {
		return replies.NewNoticeOnInteractionsRequest(url+"/interactions", nil, c)
	}
	if w := send(t, srv, notice, creds); w.Code != http.StatusOK || w.Body.Len() != 0 || h.called("Notice") != 1 {
		t.Errorf("no reply: %d %q, %d calls", w.Code, w.Body, h.called("Notice"))
	}
	// Wrong secrets: 401, no call and no reply.
	if w := send(t, srv, command, replies.Credentials{Signed: "wrong"}); w.Code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", w.Code)
	}
}

// plainDeduper keeps no replies: it is a webhook.Deduper only.
type plainDeduper struct{ webhook.Deduper }

// TestReplyWithoutReplyStore: with a Deduper that keeps no replies, the
// redelivery of a handled event is acknowledged 200 with no body, without
// a call.
func TestReplyWithoutReplyStore(t *testing.T) {
	srv, h := newServer(t, replies.WithDeduper(plainDeduper{webhook.NewMemoryDeduper(0, 0)}))
	command := func(url string, c replies.Credentials) (*http.Request, error) {
		return replies.NewCommandRequest(url+"/interactions", nil, c)
	}
	creds := replies.Credentials{Signed: secret}
	if w := send(t, srv, command, creds); w.Code != http.StatusOK || w.Body.Len() == 0 {
		t.Fatalf("first: %d %q", w.Code, w.Body)
	}
	if w := send(t, srv, command, creds); w.Code != http.StatusOK || w.Body.Len() != 0 || h.called("Command") != 1 {
		t.Fatalf("duplicate: %d %q, %d calls", w.Code, w.Body, h.called("Command"))
	}
}

// TestHandshakeAnswered: a handshake is answered as its spec says, with
// no handler (UnimplementedHandler would answer 500) and afresh every
// time, since it is answered before de-duplication; it is authenticated
// like every delivery.
func TestHandshakeAnswered(t *testing.T) {
	srv, _ := newServer(t)
	creds := replies.Credentials{Signed: secret}
	validation := func(url string, c replies.Credentials) (*http.Request, error) {
		return replies.NewValidationRequest(url+"/validate", nil, c)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("qgg8vlvZRS6UYooatFL8Aw"))
	want := `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"` + hex.EncodeToString(mac.Sum(nil)) + `"}`
	for i := range 2 {
		if w := send(t, srv, validation, creds); w.Code != http.StatusOK || w.Body.String() != want {
			t.Fatalf("validation %d: %d %s, want %s", i+1, w.Code, w.Body, want)
		}
	}
	ping := func(url string, c replies.Credentials) (*http.Request, error) {
		return replies.NewPingRequest(url+"/interactions", nil, c)
	}
	if w := send(t, srv, ping, creds); w.Code != http.StatusOK || w.Body.String() != `{"type":1}` {
		t.Errorf("ping: %d %s", w.Code, w.Body)
	}
	if w := send(t, srv, validation, replies.Credentials{Signed: "wrong"}); w.Code != http.StatusUnauthorized {
		t.Errorf("badly signed handshake: %d, want 401", w.Code)
	}
	// A handshake body that does not fit its schema is no handshake.
	body := `{"event":"endpoint.url_validation","payload":{}}`
	req := httptest.NewRequest(http.MethodPost, "/validate", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := creds.Authenticate(req, []byte(body)); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != http.StatusBadRequest {
		t.Errorf("validation without its token: %d %s, want 400", w.Code, w.Body)
	}
}

// TestDispatcherDropsReplies: a queue consumer calling Dispatch gets the
// outcome alone; there is no request to write a reply to.
func TestDispatcherDropsReplies(t *testing.T) {
	h := new(handler)
	d := replies.NewDispatcher(h)
	if err := d.Dispatch(context.Background(), replies.ChannelInteractions, http.Header{}, []byte(`{"kind":"command","id":"c-9","text":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if h.called("Command") != 1 {
		t.Errorf("calls = %v", h.calls)
	}
}
