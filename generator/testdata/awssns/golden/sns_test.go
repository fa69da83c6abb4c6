package awssns

// What the generated tests do not check of an aws-sns scheme: its
// tolerance, the spec's certificate hosts as the default, the content
// types a channel accepts, and the options' refusals.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook/webhooktest"
)

type counter struct {
	UnimplementedHandler
	n int
}

func (c *counter) HandleNotification(context.Context, *Notification) error {
	c.n++
	return nil
}

// send posts the example of message, signed by the test host at signedAt,
// with Content-Type ct.
func send(t *testing.T, srv http.Handler, message string, signedAt time.Time, ct string) *httptest.ResponseRecorder {
	t.Helper()
	body, err := webhooktest.SNS().Signer.Sign(exampleOf(message).Payload, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/topic", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

func testServer(t *testing.T, h Handler, opts ...Option) *Server {
	t.Helper()
	host := webhooktest.SNS()
	srv, err := NewServer(h, append([]Option{WithTopics(host.Topic), WithTopicsCertificates(host.Client, host.Host)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestTolerance: the spec's 15m bounds the age of a message's Timestamp.
func TestTolerance(t *testing.T) {
	h := &counter{}
	srv := testServer(t, h)
	if w := send(t, srv, "Notification", time.Now().Add(-time.Hour), "text/plain; charset=UTF-8"); w.Code != http.StatusUnauthorized {
		t.Errorf("an hour old: %d %s", w.Code, w.Body)
	}
	if w := send(t, srv, "Notification", time.Now().Add(20*time.Minute), "text/plain; charset=UTF-8"); w.Code != http.StatusUnauthorized {
		t.Errorf("from the future: %d %s", w.Code, w.Body)
	}
	if h.n != 0 {
		t.Fatalf("handled %d", h.n)
	}
	if w := send(t, srv, "Notification", time.Now().Add(-10*time.Minute), "text/plain; charset=UTF-8"); w.Code != http.StatusOK || h.n != 1 {
		t.Errorf("ten minutes old: %d %s, handled %d", w.Code, w.Body, h.n)
	}
}

// TestContentTypes: SNS's text/plain is read as JSON, and so is JSON;
// anything else is 415 (after the signature, which is checked first).
func TestContentTypes(t *testing.T) {
	h := &counter{}
	for ct, want := range map[string]int{
		"text/plain; charset=UTF-8":         http.StatusOK,
		"text/plain":                        http.StatusOK,
		"application/json":                  http.StatusOK,
		"text/html":                         http.StatusUnsupportedMediaType,
		"application/x-www-form-urlencoded": http.StatusUnsupportedMediaType,
	} {
		h.n = 0
		// A fresh server each time: the example's MessageId repeats.
		srv := testServer(t, h)
		if w := send(t, srv, "Notification", time.Now(), ct); w.Code != want || h.n != map[bool]int{true: 1}[want == http.StatusOK] {
			t.Errorf("%s: %d %s, handled %d", ct, w.Code, w.Body, h.n)
		}
	}
	// Badly signed is 401 whatever the content type.
	body, err := webhooktest.SNS().Other.Sign(exampleOf("Notification").Payload, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/topic", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "text/html")
	w := httptest.NewRecorder()
	testServer(t, h).ServeHTTP(w, r)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("badly signed text/html: %d %s", w.Code, w.Body)
	}
}

// TestDefaultHosts: without WithTopicsCertificates the certificate must
// be on the spec's certHosts, which the test host is not: refused, and
// not fetched.
func TestDefaultHosts(t *testing.T) {
	srv, err := NewServer(&counter{}, WithTopics(webhooktest.SNS().Topic))
	if err != nil {
		t.Fatal(err)
	}
	before := webhooktest.SNS().CertFetches()
	if w := send(t, srv, "Notification", time.Now(), "text/plain"); w.Code != http.StatusUnauthorized {
		t.Errorf("certificate off the spec's hosts: %d %s", w.Code, w.Body)
	}
	if webhooktest.SNS().CertFetches() != before {
		t.Error("the certificate was fetched")
	}
	v, err := newTopicsVerifier(nil, nil, "arn:aws:sns:eu-west-1:1:t")
	if err != nil || v == nil {
		t.Fatal(err)
	}
	if err := v.ConfirmSubscription(t.Context(), "https://sns.eu-west-1.example.com.evil.test/"); err == nil || !strings.Contains(err.Error(), "not on an allowed") {
		t.Errorf("a host off the spec's patterns: %v", err)
	}
}

// TestConfirm: the confirmation GETs the signed SubscribeURL, which the
// test kit puts on the test host, and calls no handler.
func TestConfirm(t *testing.T) {
	h := &counter{}
	srv := testServer(t, h)
	before := len(webhooktest.SNS().Confirmed())
	if w := send(t, srv, "SubscriptionConfirmation", time.Now(), "text/plain; charset=UTF-8"); w.Code != http.StatusOK || w.Body.Len() != 0 || h.n != 0 {
		t.Fatalf("%d %q, handled %d", w.Code, w.Body, h.n)
	}
	got := webhooktest.SNS().Confirmed()[before:]
	if len(got) != 1 || !strings.Contains(got[0], "Action=ConfirmSubscription") {
		t.Errorf("GETs %q", got)
	}
}

// TestTopicsRequired: no topic, or an empty one, is a NewServer error.
func TestTopicsRequired(t *testing.T) {
	for _, opt := range []Option{WithTopics(), WithTopics("")} {
		if _, err := NewServer(&counter{}, opt); err == nil || !strings.Contains(err.Error(), "WithTopics") {
			t.Errorf("NewServer: %v", err)
		}
	}
}
