package hookimpl

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// plainDeduper is a Deduper that keeps no replies.
type plainDeduper struct{ webhook.Deduper }

// TestRunReply: a handled event's reply is kept with its id, so a
// duplicate gets the same reply without a call; a failure keeps nothing
// and the retry runs; a store that keeps no replies answers the duplicate
// with none.
func TestRunReply(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int32
	handle := func(reply string, err error) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) {
			calls.Add(1)
			if err != nil {
				return nil, err
			}
			return []byte(reply), nil
		}
	}
	r := &Runner{}
	r.Prepare()
	del := func() *webhook.Delivery { return &webhook.Delivery{EventID: "e1"} }
	if _, err := r.RunReply(ctx, del(), "application/json", handle("", errors.New("boom"))); webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Fatalf("failing handler: %v", err)
	}
	rep, err := r.RunReply(ctx, del(), "application/json", handle(`{"ok":true}`, nil))
	if err != nil || rep.ContentType != "application/json" || string(rep.Body) != `{"ok":true}` {
		t.Fatalf("retry: %+v, %v", rep, err)
	}
	rep, err = r.RunReply(ctx, del(), "application/json", handle(`{"ok":false}`, nil))
	if err != nil || string(rep.Body) != `{"ok":true}` {
		t.Fatalf("duplicate: %+v, %v; want the first reply", rep, err)
	}
	if calls.Load() != 2 {
		t.Errorf("handler ran %d times, want 2", calls.Load())
	}

	// A nil reply is no body, the first time and again.
	for range 2 {
		rep, err := r.RunReply(ctx, &webhook.Delivery{EventID: "e2"}, "application/json", func(context.Context) ([]byte, error) { return nil, nil })
		if err != nil || rep.ContentType != "" || rep.Body != nil {
			t.Fatalf("nil reply: %+v, %v", rep, err)
		}
	}

	// A store that keeps no replies: the duplicate is acknowledged without
	// one.
	plain := &Runner{Deduper: plainDeduper{webhook.NewMemoryDeduper(0, 0)}}
	plain.Prepare()
	if rep, err := plain.RunReply(ctx, del(), "text/plain", handle("hi", nil)); err != nil || string(rep.Body) != "hi" {
		t.Fatalf("first: %+v, %v", rep, err)
	}
	if rep, err := plain.RunReply(ctx, del(), "text/plain", handle("hi", nil)); err != nil || rep.ContentType != "" {
		t.Fatalf("duplicate without a reply store: %+v, %v; want 200 with no body", rep, err)
	}
}

// TestEndpointWritesReply: a channel that replies answers 200 with the
// reply's content type and body; the zero Reply is a bare 200.
func TestEndpointWritesReply(t *testing.T) {
	for _, rep := range []Reply{{ContentType: "application/json", Body: []byte(`{"ok":true}`)}, {}} {
		e := &Endpoint{Channel: "/hook", DispatchReply: func(context.Context, *webhook.Delivery) (Reply, error) { return rep, nil }}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, newReq(`{}`, "Content-Type", "application/json"))
		if w.Code != http.StatusOK || w.Body.String() != string(rep.Body) || w.Header().Get("Content-Type") != rep.ContentType {
			t.Errorf("reply %+v: answered %d %q %q", rep, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		if rep.ContentType != "" && w.Header().Get("Content-Length") != "11" {
			t.Errorf("Content-Length = %q", w.Header().Get("Content-Length"))
		}
	}
	// An error still answers the contract's error, not the reply.
	e := &Endpoint{Channel: "/hook", DispatchReply: func(context.Context, *webhook.Delivery) (Reply, error) {
		return Reply{ContentType: "text/plain", Body: []byte("x")}, webhook.ErrInFlight
	}}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, newReq(`{}`))
	if w.Code != http.StatusConflict || w.Body.String() == "x" || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("in flight: %d %q", w.Code, w.Body)
	}
}

func hexHMAC(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// TestAnswer renders each kind of value, as JSON and as text, and never
// de-duplicates: the same handshake twice is answered twice.
func TestAnswer(t *testing.T) {
	r := &Runner{Secrets: map[string][][]byte{"zoom": {[]byte("new"), []byte("old")}}}
	r.Prepare()
	body := []byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","n":12}}`)
	d := &webhook.Delivery{Body: body, Header: http.Header{"X-Token": {"h\"1"}}}
	zoom := &Answer{Message: "V", ContentType: "application/json", Value: Value{Fields: []Field{
		{Name: "plainToken", Value: Value{From: FromPayload, Name: "/payload/plainToken"}},
		{Name: "encryptedToken", Value: Value{From: FromPayload, Name: "/payload/plainToken", HMAC: "zoom", Algorithm: "sha256", Encoding: "hex"}},
		{Name: "n", Value: Value{From: FromPayload, Name: "/payload/n"}},
		{Name: "h", Value: Value{From: FromHeader, Name: "X-Token"}},
		{Name: "type", Value: Value{Const: "1"}},
	}}}
	want := `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"` + hexHMAC("new", "qgg8vlvZRS6UYooatFL8Aw") + `","n":12,"h":"h\"1","type":1}`
	for range 2 {
		rep, err := r.Answer(context.Background(), d, zoom)
		if err != nil || rep.ContentType != "application/json" || string(rep.Body) != want {
			t.Fatalf("answer = %s, %v\nwant %s", rep.Body, err, want)
		}
	}
	text := &Answer{Message: "E", ContentType: "text/plain", Value: Value{From: FromPayload, Name: "/payload/plainToken"}}
	if rep, err := r.Answer(context.Background(), d, text); err != nil || string(rep.Body) != "qgg8vlvZRS6UYooatFL8Aw" {
		t.Errorf("text answer = %q, %v", rep.Body, err)
	}
	missing := &Answer{Message: "E", ContentType: "text/plain", Value: Value{From: FromPayload, Name: "/challenge"}}
	if _, err := r.Answer(context.Background(), d, missing); webhook.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("a value the body lacks: %v, want 400", err)
	}
	nosecret := &Answer{Message: "V", ContentType: "text/plain", Value: Value{From: FromPayload, Name: "/event", HMAC: "other"}}
	if _, err := r.Answer(context.Background(), d, nosecret); err == nil || webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Errorf("an HMAC without a secret: %v, want 500", err)
	}
}

// TestQueryHandshake: a handshake recognised by its query is answered
// before credentials and the body; its verify token, when it has one, is
// checked; other requests go on as before.
func TestQueryHandshake(t *testing.T) {
	var dispatched atomic.Int32
	e := &Endpoint{
		Channel:  "/hook",
		Verifier: webhook.APIKey("header", "X-Key", "k"),
		Dispatch: func(context.Context, *webhook.Delivery) error { dispatched.Add(1); return nil },
		Handshakes: []*QueryHandshake{
			{Method: http.MethodPost, Query: [][2]string{{"validationToken", ""}},
				Answer: Answer{Message: "Validation", ContentType: "text/plain", Value: Value{From: FromQuery, Name: "validationToken"}}},
			{Method: http.MethodGet, Query: [][2]string{{"hub.mode", "subscribe"}, {"hub.challenge", ""}}, VerifyToken: "hub.verify_token", Tokens: []string{"old", "meatyhamhock"},
				Answer: Answer{Message: "Verification", ContentType: "text/plain", Value: Value{From: FromQuery, Name: "hub.challenge"}}},
		},
	}
	serve := func(method, target string, headers ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, strings.NewReader(""))
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		return w
	}
	w := serve(http.MethodPost, "/hook?validationToken=Validation%3A+Testing+client+application+reachability+for+subscription+Request-Id%3A+25b4c3b8", "Content-Type", "text/plain; charset=utf-8")
	if w.Code != http.StatusOK || w.Body.String() != "Validation: Testing client application reachability for subscription Request-Id: 25b4c3b8" || w.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("validation: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	w = serve(http.MethodGet, "/hook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock")
	if w.Code != http.StatusOK || w.Body.String() != "1158201444" {
		t.Errorf("verification: %d %q", w.Code, w.Body)
	}
	w = serve(http.MethodGet, "/hook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong")
	if w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "1158201444") {
		t.Errorf("wrong verify token: %d %q, want 401", w.Code, w.Body)
	}
	// Not a handshake: the request is authenticated (401 without the key)
	// and then served as before.
	if w := serve(http.MethodGet, "/hook?hub.mode=unsubscribe&hub.challenge=1"); w.Code != http.StatusUnauthorized {
		t.Errorf("GET that is no handshake: %d, want 401", w.Code)
	}
	if w := serve(http.MethodPost, "/hook?other=1", "X-Key", "k"); w.Code != http.StatusOK || dispatched.Load() != 1 {
		t.Errorf("delivery: %d, dispatched %d", w.Code, dispatched.Load())
	}
}
