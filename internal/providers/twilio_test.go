package providers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/generated/twilio"
)

// Twilio's status callback, as its "Track the Message Status of Outbound
// Messages" guide shows one: the parameters of a delivered SMS, POSTed as
// application/x-www-form-urlencoded to the message's StatusCallback URL.
const (
	twilioAuthToken = "12345" // the Auth Token of Twilio's signature example
	// twilioPublic is the StatusCallback URL Twilio was given: the
	// receiver is behind a proxy, at another address.
	twilioPublic   = "https://sms.example.com"
	twilioCallback = "/twilio/sms/status?ref=order-42"
)

var twilioDelivered = url.Values{
	"AccountSid":     {"ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
	"ApiVersion":     {"2010-04-01"},
	"From":           {"+15017122661"},
	"MessageSid":     {"SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
	"MessageStatus":  {"delivered"},
	"RawDlrDoneDate": {"2402051214"},
	"SmsSid":         {"SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
	"SmsStatus":      {"delivered"},
	"To":             {"+15558675310"},
}

// twilioSign is X-Twilio-Signature as Twilio's "Webhooks security" page
// computes it: the base64 HMAC-SHA1, under the Auth Token, of the full URL
// followed by each POST parameter, sorted by name, name then value.
func twilioSign(token, fullURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	s := fullURL
	for _, k := range names {
		for _, v := range params[k] {
			s += k + v
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// twilioHandler records the status callbacks it handles.
type twilioHandler struct {
	twilio.UnimplementedHandler
	calls
}

func (h *twilioHandler) HandleMessageStatus(_ context.Context, e *twilio.MessageStatusCallback) error {
	h.add(e)
	return nil
}

func twilioServer(t *testing.T) (*twilioHandler, string) {
	t.Helper()
	h := &twilioHandler{}
	srv, err := twilio.NewServer(h, twilio.WithTwilioSignature("old-token", twilioAuthToken), twilio.WithPublicURL(twilioPublic))
	if err != nil {
		t.Fatal(err)
	}
	return h, serve(t, srv)
}

// twilioHeaders are the headers of a Twilio request.
func twilioHeaders(contentType, signature string) map[string]string {
	return map[string]string{
		"Content-Type":               contentType,
		"User-Agent":                 "TwilioProxy/1.1",
		"I-Twilio-Idempotency-Token": "8c4b5e0e-4c3f-4b6a-9d4c-7b8e2a1f0c3d",
		"X-Twilio-Signature":         signature,
	}
}

const formType = "application/x-www-form-urlencoded"

func TestTwilioStatusCallback(t *testing.T) {
	h, base := twilioServer(t)
	sig := twilioSign(twilioAuthToken, twilioPublic+twilioCallback, twilioDelivered)
	body := twilioDelivered.Encode()

	a := post(t, base+twilioCallback, body, twilioHeaders(formType, sig))
	if a.status != http.StatusOK {
		t.Fatalf("Twilio's status callback: %d %s", a.status, a.body)
	}
	got := h.all()
	if len(got) != 1 {
		t.Fatalf("calls %v, want one", got)
	}
	e := got[0].(*twilio.MessageStatusCallback)
	if e.MessageStatus != twilio.MessageStatusValueDelivered || !e.MessageStatus.Known() || e.MessageSid != "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" ||
		e.GetFrom() != "+15017122661" || e.GetTo() != "+15558675310" || e.GetRawDlrDoneDate() != "2402051214" || e.ErrorCode != nil {
		t.Errorf("decoded %+v", e)
	}

	// Twilio retries a callback it got no 2xx for: the same form again.
	if a := post(t, base+twilioCallback, body, twilioHeaders(formType, sig)); a.status != http.StatusOK || len(h.all()) != 1 {
		t.Errorf("retry: %d, calls %d; want 200 and no second call", a.status, len(h.all()))
	}

	// Undelivered, with its error code: a number in the form, an int64.
	failed := url.Values{}
	for k, v := range twilioDelivered {
		failed[k] = v
	}
	delete(failed, "RawDlrDoneDate")
	failed.Set("MessageStatus", "undelivered")
	failed.Set("SmsStatus", "undelivered")
	failed.Set("ErrorCode", "30003")
	a = post(t, base+twilioCallback, failed.Encode(), twilioHeaders(formType+"; charset=utf-8", twilioSign(twilioAuthToken, twilioPublic+twilioCallback, failed)))
	if a.status != http.StatusOK || len(h.all()) != 2 {
		t.Fatalf("undelivered: %d %s, calls %d", a.status, a.body, len(h.all()))
	}
	if e := h.all()[1].(*twilio.MessageStatusCallback); e.MessageStatus != twilio.MessageStatusValueUndelivered || e.GetErrorCode() != 30003 {
		t.Errorf("undelivered decoded %+v", e)
	}
}

// TestTwilioAuthenticatesFirst checks the rows of the status contract
// that a form touches: a bad signature is 401 whatever the content type,
// and a content type the channel does not declare is 415 only once the
// signature holds.
func TestTwilioAuthenticatesFirst(t *testing.T) {
	h, base := twilioServer(t)
	body := twilioDelivered.Encode()
	good := twilioSign(twilioAuthToken, twilioPublic+twilioCallback, twilioDelivered)
	// Signed for the URL the request reached, not the public one: what a
	// receiver that trusted the Host header would check.
	local := twilioSign(twilioAuthToken, base+twilioCallback, twilioDelivered)
	tests := []struct {
		name, contentType, signature, body string
		want                               int
	}{
		{"wrong token", formType, twilioSign("not-the-token", twilioPublic+twilioCallback, twilioDelivered), body, 401},
		{"wrong token, text/plain", "text/plain", twilioSign("not-the-token", twilioPublic+twilioCallback, twilioDelivered), body, 401},
		{"wrong token, JSON", "application/json", "bm90IGEgc2lnbmF0dXJlIGF0IGFsbCE=", body, 401},
		{"signed for another URL", formType, local, body, 401},
		{"changed parameter", formType, good, strings.Replace(body, "delivered", "failed", 1), 401},
		{"no signature", formType, "", body, 401},
		{"good signature, text/plain", "text/plain", good, body, 415},
		{"good signature, JSON", "application/json", good, body, 415},
	}
	for _, tc := range tests {
		hd := twilioHeaders(tc.contentType, tc.signature)
		if tc.signature == "" {
			delete(hd, "X-Twilio-Signature")
		}
		if a := post(t, base+twilioCallback, tc.body, hd); a.status != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, a.status, a.body, tc.want)
		}
	}
	if n := len(h.all()); n != 0 {
		t.Errorf("%d handler calls, want none", n)
	}
}

// TestTwilioNeedsPublicURL checks that a server whose scheme signs the URL
// does not start without the receiver's public URL, rather than rebuild
// it from the request's Host header.
func TestTwilioNeedsPublicURL(t *testing.T) {
	if _, err := twilio.NewServer(&twilioHandler{}, twilio.WithTwilioSignature(twilioAuthToken)); err == nil || !strings.Contains(err.Error(), "WithPublicURL") {
		t.Errorf("NewServer without a public URL: %v", err)
	}
}
