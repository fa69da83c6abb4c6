package hookimpl

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// confirmer records the URLs it is asked to confirm, failing with err.
type confirmer struct {
	urls []string
	err  error
}

func (c *confirmer) ConfirmSubscription(_ context.Context, url string) error {
	c.urls = append(c.urls, url)
	return c.err
}

// TestAnswerConfirm: a handshake with Confirm GETs (through its scheme's
// Confirmer) the URL in the body, then answers with no body; a failed
// GET is 500, a body without the URL 400, a scheme not configured 500.
func TestAnswerConfirm(t *testing.T) {
	c := &confirmer{}
	r := &Runner{Confirmers: map[string]Confirmer{"sns": c}}
	r.Prepare()
	a := &Answer{Message: "SubscriptionConfirmation", Confirm: "/SubscribeURL", ConfirmWith: "sns"}
	d := &webhook.Delivery{Body: []byte(`{"Type":"SubscriptionConfirmation","SubscribeURL":"https://sns.us-east-1.amazonaws.com/?Token=t"}`)}
	rep, err := r.Answer(context.Background(), d, a)
	if err != nil || rep.ContentType != "" || rep.Body != nil {
		t.Fatalf("answer %+v, %v", rep, err)
	}
	if len(c.urls) != 1 || c.urls[0] != "https://sns.us-east-1.amazonaws.com/?Token=t" {
		t.Errorf("confirmed %q", c.urls)
	}
	c.err = errors.New("403 Forbidden")
	if _, err := r.Answer(context.Background(), d, a); webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Errorf("a failed confirmation: %v, want 500", err)
	}
	for _, body := range []string{`{"Type":"SubscriptionConfirmation"}`, `{"SubscribeURL":7}`, `{"SubscribeURL":""}`} {
		if _, err := r.Answer(context.Background(), &webhook.Delivery{Body: []byte(body)}, a); webhook.StatusOf(err) != http.StatusBadRequest {
			t.Errorf("%s: %v, want 400", body, err)
		}
	}
	other := *a
	other.ConfirmWith = "other"
	if _, err := r.Answer(context.Background(), d, &other); webhook.StatusOf(err) != http.StatusInternalServerError {
		t.Errorf("an unconfigured scheme: %v, want 500", err)
	}
	// A confirmed handshake may also answer with a body.
	withBody := *a
	withBody.ContentType, withBody.Value = "application/json", Value{Const: `{"ok":true}`}
	c.err = nil
	if rep, err := r.Answer(context.Background(), d, &withBody); err != nil || string(rep.Body) != `{"ok":true}` {
		t.Errorf("answer %q, %v", rep.Body, err)
	}
}

// TestPlainJSON: an endpoint told that its JSON comes as text/plain
// accepts that, and still JSON; others do not.
func TestPlainJSON(t *testing.T) {
	for _, c := range []struct {
		plain bool
		ct    string
		want  int
	}{
		{true, "text/plain; charset=UTF-8", http.StatusOK},
		{true, "text/plain", http.StatusOK},
		{true, "application/json", http.StatusOK},
		{true, "text/html", http.StatusUnsupportedMediaType},
		{false, "text/plain; charset=UTF-8", http.StatusUnsupportedMediaType},
	} {
		e := &Endpoint{Channel: "/sns", PlainJSON: c.plain, Dispatch: func(context.Context, *webhook.Delivery) error { return nil }}
		r := newReq(`{"Type":"Notification"}`, "Content-Type", c.ct)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("PlainJSON %v, %s: %d %s", c.plain, c.ct, w.Code, w.Body)
		}
		if w.Code == http.StatusUnsupportedMediaType && c.plain && !strings.Contains(w.Body.String(), "text/plain") {
			t.Errorf("the 415 does not say text/plain is accepted: %s", w.Body)
		}
	}
}

// TestCertScheme: the verifier of a scheme that fetches certificates is
// built after every option, with the certificates option's hosts and
// client whatever the order; its build error fails the settings, and it
// confirms subscriptions.
func TestCertScheme(t *testing.T) {
	client := &http.Client{}
	var got CertConfig
	build := func(c CertConfig) (*webhook.Signature, error) {
		got = c
		return webhook.NewSignature(webhook.SignatureConfig{Format: "aws-sns", CertHosts: c.Hosts, HTTPClient: c.Client})
	}
	s := NewSettings(WithCertScheme("sns", build), WithCertificates("sns", client, []string{"127.0.0.1:8443"}))
	if got.Client != client || len(got.Hosts) != 1 || got.Hosts[0] != "127.0.0.1:8443" {
		t.Errorf("built with %+v", got)
	}
	if v, err := s.Verifier([][]string{{"sns"}}); err != nil || v == nil {
		t.Fatalf("verifier %v, %v", v, err)
	}
	if s.Runner.Confirmers["sns"] == nil {
		t.Error("no confirmer for the scheme")
	}
	s = NewSettings(WithCertScheme("sns", func(CertConfig) (*webhook.Signature, error) { return nil, errors.New("no topic") }))
	if _, err := s.Verifier([][]string{{"sns"}}); err == nil || !strings.Contains(err.Error(), "security scheme sns: no topic") {
		t.Errorf("build error: %v", err)
	}
}
