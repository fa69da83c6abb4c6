package bench

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/twilio"
	"github.com/hookgen/hookgen/webhook"
)

// The form benchmark: Twilio's SMS status callback, form-encoded and
// signed with X-Twilio-Signature (HMAC-SHA1 over the URL and the sorted
// form), beside the JSON deliveries of BenchmarkServer.

const (
	twilioToken  = "bench-auth-token"
	twilioPublic = "https://receiver.test"
)

type twilioNoop struct{ twilio.UnimplementedHandler }

func (twilioNoop) HandleMessageStatus(context.Context, *twilio.MessageStatusCallback) error {
	return nil
}

// twilioForm is the delivered example of the Twilio spec as Twilio sends
// it, and the same event as JSON.
func twilioForm(tb testing.TB) (form, asJSON []byte) {
	for _, ex := range twilio.Examples() {
		if ex.Message == "MessageStatus" && ex.Name == "delivered" {
			req, err := twilio.NewMessageStatusRequest(twilioPublic+"/twilio/sms/status", nil, twilio.Credentials{})
			if err != nil {
				tb.Fatal(err)
			}
			form, err := io.ReadAll(req.Body)
			if err != nil {
				tb.Fatal(err)
			}
			return form, ex.Payload
		}
	}
	tb.Fatal("twilio has no delivered example")
	return nil, nil
}

// twilioRequest is the signed form POST, rewound for each round.
func twilioRequest(tb testing.TB, form []byte) *request {
	r, err := http.NewRequest(http.MethodPost, twilioPublic+"/twilio/sms/status", nil)
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h, err := webhook.NewHMAC(webhook.HMACConfig{Algorithm: "sha1", Encoding: "base64", Header: "X-Twilio-Signature",
		Content: "{url}{form:sorted}", Secrets: [][]byte{[]byte(twilioToken)}})
	if err != nil {
		tb.Fatal(err)
	}
	if err := h.SignRequest(r, form, "", time.Time{}); err != nil {
		tb.Fatal(err)
	}
	// As a server gets it: a path, not a whole URL.
	r.URL = &url.URL{Path: "/twilio/sms/status"}
	r.ContentLength = int64(len(form))
	return &request{r: r, data: form}
}

func twilioServer(tb testing.TB) http.Handler {
	srv, err := twilio.NewServer(twilioNoop{}, twilio.WithTwilioSignature(twilioToken),
		twilio.WithPublicURL(twilioPublic), twilio.WithDeduper(everyEventNew{}))
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}

// BenchmarkReceiveForm sends Twilio's status callback through the
// generated Server (receiver=server: signature over URL and form, the
// form turned into JSON, decoded, handled), and the same event through
// the Dispatcher as a form and as JSON, which prices reading a form.
func BenchmarkReceiveForm(b *testing.B) {
	form, asJSON := twilioForm(b)
	b.Run("receiver=server", func(b *testing.B) {
		srv := twilioServer(b)
		q := twilioRequest(b, form)
		w := &recorder{h: http.Header{}}
		b.SetBytes(int64(len(form)))
		b.ReportAllocs()
		for b.Loop() {
			w.reset()
			srv.ServeHTTP(w, q.rewind())
			if w.status != http.StatusOK {
				b.Fatalf("answered %d", w.status)
			}
		}
	})
	d := twilio.NewDispatcher(twilioNoop{}, twilio.WithDeduper(everyEventNew{}))
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"dispatch-form", "application/x-www-form-urlencoded", form},
		{"dispatch-json", "application/json", asJSON},
	} {
		b.Run("receiver="+tc.name, func(b *testing.B) {
			h := http.Header{"Content-Type": {tc.contentType}}
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := d.Dispatch(context.Background(), twilio.ChannelTwilioSmsStatus, h, tc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestReceiveForm checks the benchmark's requests: the signed form is
// accepted, a wrong signature refused, and both bodies dispatched.
func TestReceiveForm(t *testing.T) {
	form, asJSON := twilioForm(t)
	srv := twilioServer(t)
	q := twilioRequest(t, form)
	w := &recorder{h: http.Header{}}
	w.reset()
	srv.ServeHTTP(w, q.rewind())
	if w.status != http.StatusOK {
		t.Fatalf("signed form: %d", w.status)
	}
	q.r.Header.Set("X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	w.reset()
	srv.ServeHTTP(w, q.rewind())
	if w.status != http.StatusUnauthorized {
		t.Errorf("bad signature: %d", w.status)
	}
	d := twilio.NewDispatcher(twilioNoop{}, twilio.WithDeduper(everyEventNew{}))
	for ct, body := range map[string][]byte{"application/x-www-form-urlencoded": form, "application/json": asJSON} {
		if err := d.Dispatch(context.Background(), twilio.ChannelTwilioSmsStatus, http.Header{"Content-Type": {ct}}, body); err != nil {
			t.Errorf("%s: %v", ct, err)
		}
	}
}
