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

// Twilio's libraries (twilio-python's test_request_validator, twilio-go's
// request_validator_test) publish these: the parameters below under the
// auth token 12345, signed over the URL as given, with :443 or :80 added,
// or with a port the URL has dropped; and a JSON body, whose SHA-256 the
// URL carries in bodySHA256, signed over the URL alone.
const (
	twilioLibForm      = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
	twilioJSON         = `{"property": "value", "boolean": true}`
	twilioJSONHash     = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	twilioJSONURL      = twilioURL + "&bodySHA256=" + twilioJSONHash
	twilioJSONSig      = "a9nBmqA0ju/hNViExpshrM61xv4="
	twilioOnlyHashURL  = "https://mycompany.com/myapp.php?bodySHA256=" + twilioJSONHash
	twilioOnlyHashSig  = "y77kIzt2vzLz71DgmJGsen2scGs="
	twilioNoPortSig    = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
	twilioPort443Sig   = "kvajT1Ptam85bY51eRf/AJRuM3w="
	twilioPort80Sig    = "0ZXoZLH/DfblKGATFgpif+LLRf4="
	twilioPort1234Sig  = "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="
	twilioHTTPURL      = "http://mycompany.com/myapp.php?foo=1&bar=2"
	twilioHTTPSPortURL = "https://mycompany.com:1234/myapp.php?foo=1&bar=2"
)

// A signature over the URL holds with the port spelled as Twilio may
// spell it: none, the scheme's default, or the URL's own.
func TestHMACURLPortVariants(t *testing.T) {
	h := twilioHMAC(t, "12345")
	for _, c := range []struct {
		url, sig string
		ok       bool
	}{
		{twilioURL, twilioNoPortSig, true},
		{twilioURL, twilioPort443Sig, true},                                                // Twilio added :443
		{twilioHTTPURL, twilioPort80Sig, true},                                             // or :80
		{twilioHTTPSPortURL, twilioNoPortSig, true},                                        // or dropped the port
		{strings.Replace(twilioHTTPSPortURL, "https", "http", 1), twilioPort1234Sig, true}, // as given
		{twilioURL, twilioPort80Sig, false},                                                // another URL: http
		{twilioURL, twilioPort1234Sig, false},                                              // another port
	} {
		r := serverRequest(c.url, twilioLibForm, true)
		r.Header.Set("X-Twilio-Signature", c.sig)
		if err := h.Verify(r, []byte(twilioLibForm)); (err == nil) != c.ok {
			t.Errorf("%s signed %s: %v, want ok %v", c.url, c.sig, err, c.ok)
		}
	}
}

func twilioJSONHMAC(t *testing.T) *HMAC {
	t.Helper()
	h, err := NewHMAC(HMACConfig{Algorithm: "sha1", Encoding: "base64", Header: "X-Twilio-Signature", Content: "{url}",
		BodyHashQuery: "bodySHA256", Secrets: stringSecrets([]string{"12345"})})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A JSON body is covered by the hash in the signed URL: Twilio's
// published requests pass, a changed body or hash, or none, do not.
func TestHMACBodyHashQuery(t *testing.T) {
	h := twilioJSONHMAC(t)
	send := func(u, body, sig string) error {
		r := serverRequest(u, body, true)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Twilio-Signature", sig)
		return h.Verify(r, []byte(body))
	}
	if err := send(twilioJSONURL, twilioJSON, twilioJSONSig); err != nil {
		t.Errorf("Twilio's JSON request: %v", err)
	}
	if err := send(twilioOnlyHashURL, twilioJSON, twilioOnlyHashSig); err != nil {
		t.Errorf("Twilio's JSON request with only the hash in the URL: %v", err)
	}
	tampered := strings.Replace(twilioJSON, "value", "evil!", 1)
	if err := send(twilioJSONURL, tampered, twilioJSONSig); err == nil || !strings.Contains(err.Error(), "bodySHA256") {
		t.Errorf("tampered body: %v, want a refusal naming bodySHA256", err)
	}
	sum := sha256.Sum256([]byte(tampered))
	rehashed := strings.Replace(twilioJSONURL, twilioJSONHash, hex.EncodeToString(sum[:]), 1)
	if err := send(rehashed, tampered, twilioJSONSig); err == nil || !strings.Contains(err.Error(), "signature mismatch") {
		t.Errorf("tampered body with its own hash: %v, want a signature mismatch", err)
	}
	if err := send(twilioURL, twilioJSON, twilioJSONSig); err == nil {
		t.Error("no bodySHA256: verified")
	}
	if err := send(twilioJSONURL+"&bodySHA256="+twilioJSONHash, twilioJSON, twilioJSONSig); err == nil {
		t.Error("two bodySHA256: verified")
	}

	// SignRequest appends the hash after the URL's parameters, as Twilio
	// does, and signs what Twilio signs.
	r := serverRequest(twilioURL, twilioJSON, true)
	if err := h.SignRequest(r, []byte(twilioJSON), "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if r.URL.String() != twilioJSONURL || r.Header.Get("X-Twilio-Signature") != twilioJSONSig {
		t.Errorf("SignRequest: %s signed %s; want %s signed %s", r.URL, r.Header.Get("X-Twilio-Signature"), twilioJSONURL, twilioJSONSig)
	}

	if _, err := NewHMAC(HMACConfig{Header: "X", Content: "{body}", BodyHashQuery: "bodySHA256", Secrets: stringSecrets([]string{"k"})}); err == nil || !strings.Contains(err.Error(), "{url}") {
		t.Errorf("BodyHashQuery without {url}: %v", err)
	}
	if _, err := NewHMAC(HMACConfig{Header: "X", Content: "{url}", Secrets: stringSecrets([]string{"k"})}); err == nil {
		t.Error("{url} alone, no body hash: accepted")
	}
}
