package presets

// The generated tests sign with the verifier they test, so they cannot
// show that a preset accepts what its provider really sends. These tests
// send, through the generated options, each provider's published test
// vector or a request built byte for byte as its documentation describes,
// signed here with crypto/hmac, never with hookgen's verifiers.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// calls counts the Test events handled and keeps the last one.
type calls struct {
	n    int
	last *Test
}

func (c *calls) HandleTest(_ context.Context, e *Test) error {
	c.n++
	c.last = e
	return nil
}

// post sends body to a new Server with opts, with the given header
// name/value pairs, and returns the status and the events handled.
func post(t *testing.T, opts []Option, body string, headers ...string) (int, *calls) {
	t.Helper()
	c := new(calls)
	srv, err := NewServer(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "http://example.com/webhook", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w.Code, c
}

func hmacSHA256(key []byte, content string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(content))
	return m.Sum(nil)
}

// The Standard Webhooks test vector, from the specification's reference
// implementations (github.com/standard-webhooks/standard-webhooks,
// libraries' tests) as recorded in ../shared/PROVIDERS.md.
const (
	swSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swTS     = "1614265330"
	swBody   = `{"test": 2432232314}`
	swSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestStandardWebhooksVector(t *testing.T) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(swSecret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	if got := "v1," + base64.StdEncoding.EncodeToString(hmacSHA256(key, swID+"."+swTS+"."+swBody)); got != swSig {
		t.Fatalf("crypto/hmac gives %s, the vector says %s", got, swSig)
	}
	// Both schemes' verifiers sign the vector exactly, each under its
	// scheme's header names (the test kit's and hookgen send's signing).
	for name, c := range map[string]struct {
		build  func(...string) (*webhook.HMAC, error)
		prefix string
	}{"standard": {newStandardVerifier, "webhook-"}, "svix": {newSvixVerifier, "svix-"}} {
		v, err := c.build(swSecret)
		if err != nil {
			t.Fatal(err)
		}
		hdr := http.Header{}
		if err := v.Sign(hdr, []byte(swBody), swID, time.Unix(1614265330, 0)); err != nil {
			t.Fatal(err)
		}
		if hdr.Get(c.prefix+"signature") != swSig || hdr.Get(c.prefix+"id") != swID || hdr.Get(c.prefix+"timestamp") != swTS || len(hdr) != 3 {
			t.Errorf("%s: Sign wrote %v, want the vector under %s* names", name, hdr, c.prefix)
		}
	}
	// Through the server, the vector's secret, id and body with a current
	// timestamp (the vector's own is years old, so stale), under either
	// scheme and either set of header names.
	now := strconv.FormatInt(time.Now().Unix(), 10)
	fresh := "v1," + base64.StdEncoding.EncodeToString(hmacSHA256(key, swID+"."+now+"."+swBody))
	for name, opt := range map[string]Option{"standard": WithStandard(swSecret), "svix": WithSvix(swSecret)} {
		for _, prefix := range []string{"webhook-", "svix-"} {
			code, c := post(t, []Option{opt}, swBody, prefix+"id", swID, prefix+"timestamp", now, prefix+"signature", fresh)
			if code != http.StatusOK || c.n != 1 || c.last.GetTest() != 2432232314 {
				t.Errorf("%s, %s* headers: status %d, %d calls, event %+v", name, prefix, code, c.n, c.last)
			}
			code, c = post(t, []Option{opt}, swBody, prefix+"id", swID, prefix+"timestamp", swTS, prefix+"signature", swSig)
			if code != http.StatusUnauthorized || c.n != 0 {
				t.Errorf("%s, %s* headers, the vector's stale timestamp: status %d, %d calls", name, prefix, code, c.n)
			}
		}
	}
	// The whsec_ secret's text is not the key.
	raw := "v1," + base64.StdEncoding.EncodeToString(hmacSHA256([]byte(swSecret), swID+"."+now+"."+swBody))
	if code, _ := post(t, []Option{WithSvix(swSecret)}, swBody, "svix-id", swID, "svix-timestamp", now, "svix-signature", raw); code != http.StatusUnauthorized {
		t.Errorf("signed with the secret's text: status %d", code)
	}
}

func TestGitHubVector(t *testing.T) {
	// GitHub's "Validating webhook deliveries" page, "Testing the webhook
	// payload validation": secret "It's a Secret to Everybody", payload
	// "Hello, World!", X-Hub-Signature-256
	// sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
	const (
		secret = "It's a Secret to Everybody"
		body   = "Hello, World!"
		sig    = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	)
	v, err := newGithubVerifier(secret)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "http://example.com/webhook", strings.NewReader(body))
	r.Header.Set("X-Hub-Signature-256", sig)
	if err := v.Verify(r, []byte(body)); err != nil {
		t.Fatalf("GitHub's test values rejected: %v", err)
	}
	// Through the server the vector authenticates, and its body, not
	// JSON, is then refused as such (400, not 401).
	if code, c := post(t, []Option{WithGithub(secret)}, body, "X-Hub-Signature-256", sig); code != http.StatusBadRequest || c.n != 0 {
		t.Errorf("vector: status %d, %d calls, want 400 after authentication", code, c.n)
	}
	if code, _ := post(t, []Option{WithGithub(secret)}, body, "X-Hub-Signature-256", sig[:len(sig)-1]+"0"); code != http.StatusUnauthorized {
		t.Errorf("altered signature: status %d", code)
	}
	// A JSON delivery signed as the page describes: the hex HMAC-SHA256 of
	// the body with the secret, after "sha256=".
	doc := `{"test": 7}`
	signed := "sha256=" + hex.EncodeToString(hmacSHA256([]byte(secret), doc))
	if code, c := post(t, []Option{WithGithub(secret)}, doc, "X-Hub-Signature-256", signed); code != http.StatusOK || c.n != 1 || c.last.GetTest() != 7 {
		t.Errorf("documented delivery: status %d, %d calls", code, c.n)
	}
	if code, _ := post(t, []Option{WithGithub(secret)}, doc+" ", "X-Hub-Signature-256", signed); code != http.StatusUnauthorized {
		t.Errorf("tampered body: status %d", code)
	}
}

func TestStripeDocumented(t *testing.T) {
	// Stripe's "Verify webhook signatures manually" (docs.stripe.com,
	// webhooks): Stripe-Signature is t=<unix>,v1=<hex> (more v1 entries
	// while secrets roll, v0 for test-mode's legacy scheme), the v1 being
	// the hex HMAC-SHA256, keyed with the endpoint's signing secret as
	// shown (whsec_ included), of "<t>.<raw body>"; a 5 minute tolerance by
	// default in Stripe's libraries.
	const secret = "whsec_test_secret"
	body := `{"id":"evt_1","object":"event","test":42}`
	sign := func(ts int64) string {
		return hex.EncodeToString(hmacSHA256([]byte(secret), strconv.FormatInt(ts, 10)+"."+body))
	}
	now := time.Now().Unix()
	t0 := strconv.FormatInt(now, 10)
	for _, header := range []string{
		"t=" + t0 + ",v1=" + sign(now),
		"t=" + t0 + ",v1=" + hex.EncodeToString(hmacSHA256([]byte("whsec_old"), t0+"."+body)) + ",v1=" + sign(now) + ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39",
	} {
		if code, c := post(t, []Option{WithStripe(secret)}, body, "Stripe-Signature", header); code != http.StatusOK || c.n != 1 || c.last.GetTest() != 42 {
			t.Errorf("%s: status %d, %d calls", header, code, c.n)
		}
	}
	for name, header := range map[string]string{
		"stale":          "t=" + strconv.FormatInt(now-301, 10) + ",v1=" + sign(now-301),
		"other t":        "t=" + strconv.FormatInt(now+1, 10) + ",v1=" + sign(now),
		"secret decoded": "t=" + t0 + ",v1=" + hex.EncodeToString(hmacSHA256([]byte("test_secret"), t0+"."+body)),
		"v0 only":        "t=" + t0 + ",v0=" + sign(now),
	} {
		if code, c := post(t, []Option{WithStripe(secret)}, body, "Stripe-Signature", header); code != http.StatusUnauthorized || c.n != 0 {
			t.Errorf("%s: status %d, %d calls", name, code, c.n)
		}
	}
}

func TestHTTPMACDocumented(t *testing.T) {
	// draft-ietf-oauth-v2-http-mac-00 §3.2 (the scheme Grubhub documents
	// for its API): mac is the base64 HMAC over nonce, method, request URI,
	// host, port, bodyhash and ext, each followed by a newline; bodyhash
	// the base64 hash of the body; the nonce "<age>:<random>", the age in
	// seconds since the key was issued. The key and nonce are the draft's
	// §1.1 example's, with SHA-256 as this spec's algorithm says.
	const id, secret = "h480djs93hd8", "489dks293j39"
	body := `{"test": 1}`
	bh := sha256.Sum256([]byte(body))
	bodyhash := base64.StdEncoding.EncodeToString(bh[:])
	nonce := "264095:dj83hs9s"
	normalized := nonce + "\nPOST\n/webhook\nexample.com\n80\n" + bodyhash + "\n\n"
	mac := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(secret), normalized))
	key := webhook.MACKey{ID: id, Secret: []byte(secret), IssuedAt: time.Now().Add(-264095 * time.Second)}
	auth := `MAC id="` + id + `", nonce="` + nonce + `", bodyhash="` + bodyhash + `", mac="` + mac + `"`
	if code, c := post(t, []Option{WithMac(key)}, body, "Authorization", auth); code != http.StatusOK || c.n != 1 || c.last.GetTest() != 1 {
		t.Errorf("documented request: status %d, %d calls", code, c.n)
	}
	if code, _ := post(t, []Option{WithMac(key)}, `{"test": 2}`, "Authorization", auth); code != http.StatusUnauthorized {
		t.Errorf("tampered body: status %d", code)
	}
	old := key
	old.IssuedAt = old.IssuedAt.Add(-time.Hour) // the nonce's age now points an hour back
	if code, _ := post(t, []Option{WithMac(old)}, body, "Authorization", auth); code != http.StatusUnauthorized {
		t.Errorf("stale: status %d", code)
	}
}
