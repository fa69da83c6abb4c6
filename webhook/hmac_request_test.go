package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// twilioForm is the request of Twilio's documentation of its request
// validation: its signature, under the auth token 12345, is the one the
// documentation gives.
const (
	twilioURL       = "https://mycompany.com/myapp.php?foo=1&bar=2"
	twilioForm      = "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212"
	twilioSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
)

func twilioHMAC(t *testing.T, secrets ...string) *HMAC {
	t.Helper()
	h, err := NewHMAC(HMACConfig{Algorithm: "sha1", Encoding: "base64", Header: "X-Twilio-Signature", Content: "{url}{form:sorted}", Secrets: stringSecrets(secrets)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serverRequest is the request a server gets for a POST to u: a URL with
// no scheme or host, unless the receiver's public URL is put back in.
func serverRequest(u, body string, public bool) *http.Request {
	r := httptest.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !public {
		r.URL.Scheme, r.URL.Host = "", ""
	}
	return r
}

func TestHMACTwilio(t *testing.T) {
	h := twilioHMAC(t, "other", "12345")
	r := serverRequest(twilioURL, twilioForm, true)
	r.Header.Set("X-Twilio-Signature", twilioSignature)
	if err := h.Verify(r, []byte(twilioForm)); err != nil {
		t.Fatalf("Twilio's documented request: %v", err)
	}
	// The parameters' order on the wire does not matter; their values do.
	reordered := "To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030"
	if err := h.Verify(r, []byte(reordered)); err != nil {
		t.Errorf("reordered form: %v", err)
	}
	if err := h.Verify(r, []byte(strings.Replace(twilioForm, "1234&", "1235&", 1))); err == nil {
		t.Error("changed Digits: verified")
	}
	other := serverRequest(strings.Replace(twilioURL, "foo=1", "foo=2", 1), twilioForm, true)
	other.Header.Set("X-Twilio-Signature", twilioSignature)
	if err := h.Verify(other, []byte(twilioForm)); err == nil {
		t.Error("another URL: verified")
	}
	noURL := serverRequest(twilioURL, twilioForm, false)
	noURL.Host = "mycompany.com" // the Host header is the client's
	noURL.Header.Set("X-Twilio-Signature", twilioSignature)
	if err := h.Verify(noURL, []byte(twilioForm)); err == nil || !strings.Contains(err.Error(), "public URL") {
		t.Errorf("no public URL: %v, want a refusal naming it", err)
	}

	signed := serverRequest(twilioURL, twilioForm, true)
	if err := twilioHMAC(t, "12345").SignRequest(signed, []byte(twilioForm), "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := signed.Header.Get("X-Twilio-Signature"); got != twilioSignature {
		t.Errorf("SignRequest wrote %q, want Twilio's %q", got, twilioSignature)
	}
	if err := h.Sign(http.Header{}, []byte(twilioForm), "", time.Time{}); err == nil {
		t.Error("Sign without the request: no error")
	}
}

func TestHMACRequestPlaceholders(t *testing.T) {
	h, err := NewHMAC(HMACConfig{Header: "X-Sig", Content: "{method} {url} {path} {query} {body}", Secrets: stringSecrets([]string{"k"})})
	if err != nil {
		t.Fatal(err)
	}
	const body = `{"a":1}`
	r := serverRequest("https://example.com/hooks/x?b=2&a=1", body, true)
	if err := h.SignRequest(r, []byte(body), "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	want := hmacHex("k", `POST https://example.com/hooks/x?b=2&a=1 /hooks/x b=2&a=1 `+body)
	if got := r.Header.Get("X-Sig"); got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if err := h.Verify(r, []byte(body)); err != nil {
		t.Error(err)
	}
	r.Method = http.MethodPut
	if err := h.Verify(r, []byte(body)); err == nil {
		t.Error("another method: verified")
	}
	for _, bad := range []string{"{url}", "{form}", "{path}{query}"} {
		if _, err := NewHMAC(HMACConfig{Header: "X-Sig", Content: bad, Secrets: stringSecrets([]string{"k"})}); err == nil {
			t.Errorf("Content %q: no error", bad)
		}
	}
}

func TestSortedForm(t *testing.T) {
	got, err := SortedForm([]byte("b=2&a=x+y&b=1&c="))
	if err != nil || got != "ax yb2b1c" {
		t.Errorf("SortedForm = %q, %v", got, err)
	}
	if _, err := SortedForm([]byte("a=%zz")); err == nil {
		t.Error("malformed form: no error")
	}
}

func hmacHex(key, text string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil))
}
