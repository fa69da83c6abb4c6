package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The expected values below are computed with crypto/hmac directly, not
// with the code under test.

func hexHMACSHA256(secret string, content []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(content)
	return hex.EncodeToString(m.Sum(nil))
}

func b64HMACSHA256(secret []byte, content string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(content))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

// withNow returns a copy of h reading the given clock, for the presets
// whose constructors take only secrets.
func withNow(h *HMAC, now func() time.Time) *HMAC {
	c := *h
	c.now = now
	return &c
}

func TestStandardWebhooksVector(t *testing.T) {
	// Published test vector of the Standard Webhooks specification (its
	// reference libraries' tests, github.com/standard-webhooks), as recorded
	// in ../shared/PROVIDERS.md.
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		id     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		ts     = "1614265330"
		body   = `{"test": 2432232314}`
		sig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	h, err := StandardWebhooks(secret)
	if err != nil {
		t.Fatal(err)
	}
	h = withNow(h, fixedNow(time.Unix(1614265330, 0)))
	r := newReq(body, "webhook-id", id, "webhook-timestamp", ts, "webhook-signature", sig)
	if err := h.Verify(r, []byte(body)); err != nil {
		t.Fatalf("published vector rejected: %v", err)
	}
	// Independent computation agrees with the vector.
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if got := "v1," + b64HMACSHA256(key, id+"."+ts+"."+body); got != sig {
		t.Fatalf("independent HMAC %s != vector", got)
	}
	// Sign reproduces the vector.
	hdr := http.Header{}
	if err := h.Sign(hdr, []byte(body), id, time.Unix(1614265330, 0)); err != nil {
		t.Fatal(err)
	}
	if hdr.Get("webhook-signature") != sig || hdr.Get("webhook-id") != id || hdr.Get("webhook-timestamp") != ts {
		t.Fatalf("Sign headers %v", hdr)
	}
	// The prefix is optional on the secret.
	h2, err := StandardWebhooks(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	if err := withNow(h2, fixedNow(time.Unix(1614265330, 0))).Verify(r, []byte(body)); err != nil {
		t.Fatal(err)
	}

	t.Run("rotation: several signatures, one matching", func(t *testing.T) {
		r := newReq(body, "webhook-id", id, "webhook-timestamp", ts,
			"webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,xyz "+sig)
		if err := h.Verify(r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("rotation: two secrets", func(t *testing.T) {
		other := "whsec_" + base64.StdEncoding.EncodeToString([]byte("another-secret-another-secret-32"))
		hr, err := StandardWebhooks(other, secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := withNow(hr, fixedNow(time.Unix(1614265330, 0))).Verify(r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("tampered id", func(t *testing.T) {
		r := newReq(body, "webhook-id", id+"x", "webhook-timestamp", ts, "webhook-signature", sig)
		mustContain(t, h.Verify(r, []byte(body)), "signature mismatch")
	})
	t.Run("tampered timestamp", func(t *testing.T) {
		r := newReq(body, "webhook-id", id, "webhook-timestamp", "1614265331", "webhook-signature", sig)
		mustContain(t, h.Verify(r, []byte(body)), "signature mismatch")
	})
	t.Run("stale and future", func(t *testing.T) {
		stale := withNow(h, fixedNow(time.Unix(1614265330, 0).Add(5*time.Minute+time.Second)))
		mustContain(t, stale.Verify(r, []byte(body)), "too old")
		future := withNow(h, fixedNow(time.Unix(1614265330, 0).Add(-5*time.Minute-time.Second)))
		mustContain(t, future.Verify(r, []byte(body)), "future")
		edge := withNow(h, fixedNow(time.Unix(1614265330, 0).Add(5*time.Minute)))
		if err := edge.Verify(r, []byte(body)); err != nil {
			t.Fatalf("exactly at tolerance: %v", err)
		}
	})
	t.Run("missing headers", func(t *testing.T) {
		mustContain(t, h.Verify(newReq(body, "webhook-id", id, "webhook-timestamp", ts), []byte(body)), "missing webhook-signature")
		mustContain(t, h.Verify(newReq(body, "webhook-id", id, "webhook-signature", sig), []byte(body)), "missing timestamp")
		mustContain(t, h.Verify(newReq(body, "webhook-timestamp", ts, "webhook-signature", sig), []byte(body)), "missing webhook-id")
	})
	t.Run("bad secret", func(t *testing.T) {
		if _, err := StandardWebhooks("whsec_not base64!"); err == nil {
			t.Fatal("accepted")
		}
		if _, err := StandardWebhooks(); err == nil {
			t.Fatal("no secrets accepted")
		}
	})
}

func TestStandardWebhooksSvixHeaders(t *testing.T) {
	// The Standard Webhooks vector again (../shared/PROVIDERS.md; the spec's
	// own test vector), sent with Svix's header names, as Svix-signed
	// providers (Clerk, Resend) send it: svix-id, svix-timestamp,
	// svix-signature. Svix's libraries accept both sets of names.
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		id     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		ts     = "1614265330"
		body   = `{"test": 2432232314}`
		sig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	at := fixedNow(time.Unix(1614265330, 0))
	std, err := StandardWebhooks(secret)
	if err != nil {
		t.Fatal(err)
	}
	svix, err := SvixSignature(secret)
	if err != nil {
		t.Fatal(err)
	}
	std, svix = withNow(std, at), withNow(svix, at)
	for _, prefix := range []string{"webhook-", "svix-"} {
		r := newReq(body, prefix+"id", id, prefix+"timestamp", ts, prefix+"signature", sig)
		for name, h := range map[string]*HMAC{"StandardWebhooks": std, "SvixSignature": svix} {
			if err := h.VerifyHeader(r); err != ErrNeedBody {
				t.Errorf("%s, %s* headers: VerifyHeader %v", name, prefix, err)
			}
			if err := h.Verify(r, []byte(body)); err != nil {
				t.Errorf("%s, %s* headers: vector rejected: %v", name, prefix, err)
			}
			mustContain(t, h.Verify(r, []byte(body+" ")), "signature mismatch")
		}
	}
	t.Run("Sign writes the preset's names", func(t *testing.T) {
		for name, c := range map[string]struct {
			h      *HMAC
			prefix string
		}{"StandardWebhooks": {std, "webhook-"}, "SvixSignature": {svix, "svix-"}} {
			hdr := http.Header{}
			if err := c.h.Sign(hdr, []byte(body), id, time.Unix(1614265330, 0)); err != nil {
				t.Fatal(err)
			}
			want := http.Header{}
			want.Set(c.prefix+"id", id)
			want.Set(c.prefix+"timestamp", ts)
			want.Set(c.prefix+"signature", sig)
			if fmt.Sprint(hdr) != fmt.Sprint(want) {
				t.Errorf("%s Sign wrote %v, want %v", name, hdr, want)
			}
		}
	})
	t.Run("one set, never a mix", func(t *testing.T) {
		// webhook-signature is read with webhook-id and webhook-timestamp
		// only: Svix's id does not stand in for a missing webhook-id.
		r := newReq(body, "svix-id", id, "webhook-timestamp", ts, "webhook-signature", sig)
		mustContain(t, std.Verify(r, []byte(body)), "missing webhook-id")
		r = newReq(body, "webhook-id", id, "svix-timestamp", ts, "svix-signature", sig)
		mustContain(t, svix.Verify(r, []byte(body)), "missing svix-id")
		// With both sets, webhook-* is read, whichever preset verifies.
		r = newReq(body, "webhook-id", id, "webhook-timestamp", ts, "webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
			"svix-id", id, "svix-timestamp", ts, "svix-signature", sig)
		mustContain(t, std.Verify(r, []byte(body)), "signature mismatch")
		mustContain(t, svix.Verify(r, []byte(body)), "signature mismatch")
	})
	t.Run("stale under either name", func(t *testing.T) {
		late := withNow(svix, fixedNow(time.Unix(1614265330, 0).Add(5*time.Minute+time.Second)))
		r := newReq(body, "svix-id", id, "svix-timestamp", ts, "svix-signature", sig)
		mustContain(t, late.Verify(r, []byte(body)), "too old")
	})
	t.Run("no signature header", func(t *testing.T) {
		r := newReq(body, "svix-id", id, "svix-timestamp", ts)
		err := svix.VerifyHeader(r)
		mustContain(t, err, "missing webhook-signature or svix-signature header")
		if StatusOf(err) != http.StatusUnauthorized {
			t.Fatalf("status %d", StatusOf(err))
		}
	})
	t.Run("whsec_ secrets are decoded", func(t *testing.T) {
		// The key is the base64 of the part after whsec_, not the text.
		raw, err := NewHMAC(HMACConfig{Encoding: "base64", Header: "svix-signature", SignatureKey: "v1", Separator: " ", KeyValueSeparator: ",",
			TimestampHeader: "svix-timestamp", IDHeader: "svix-id", Content: "{id}.{timestamp}.{body}", Secrets: [][]byte{[]byte(secret)}})
		if err != nil {
			t.Fatal(err)
		}
		r := newReq(body, "svix-id", id, "svix-timestamp", ts, "svix-signature", sig)
		mustContain(t, raw.Verify(r, []byte(body)), "signature mismatch")
		if _, err := SvixSignature("whsec_"); err == nil {
			t.Fatal("empty secret accepted")
		}
	})
}

func TestGitHubSignature(t *testing.T) {
	// GitHub's published test values (docs.github.com, "Validating webhook
	// deliveries", "Testing the webhook payload validation"): secret
	// "It's a Secret to Everybody", payload "Hello, World!", signature
	// sha256=757107ea...8b043e17.
	const secret, body = "It's a Secret to Everybody", "Hello, World!"
	const want = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := hexHMACSHA256(secret, []byte(body)); got != want {
		t.Fatalf("independent HMAC %s", got)
	}
	h, err := GitHubSignature(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Verify(newReq(body, "X-Hub-Signature-256", "sha256="+want), []byte(body)); err != nil {
		t.Fatal(err)
	}
	// Upper-case hex is still the same signature.
	if err := h.Verify(newReq(body, "X-Hub-Signature-256", "sha256="+strings.ToUpper(want)), []byte(body)); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, header, body, reason string }{
		{"tampered body", "sha256=" + want, "Hello, World?", "signature mismatch"},
		{"no prefix", want, body, "prefix"},
		{"wrong prefix", "sha1=" + want, body, "prefix"},
		{"bad hex", "sha256=" + want[:63] + "g", body, "malformed signature"},
		{"odd length", "sha256=" + want[:63], body, "malformed signature"},
		{"truncated", "sha256=" + want[:32], body, "malformed signature"},
		{"empty", "sha256=", body, "empty signature"},
		{"wrong secret", "sha256=" + hexHMACSHA256("other", []byte(body)), body, "signature mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, h.Verify(newReq(c.body, "X-Hub-Signature-256", c.header), []byte(c.body)), c.reason)
		})
	}
	r := newReq(body, "X-Hub-Signature-256", "sha256="+want, "X-Hub-Signature-256", "sha256="+want)
	mustContain(t, h.Verify(r, []byte(body)), "several")

	hr, err := GitHubSignature("new-secret", secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := hr.Verify(newReq(body, "X-Hub-Signature-256", "sha256="+want), []byte(body)); err != nil {
		t.Fatalf("rotation: %v", err)
	}
	if _, err := GitHubSignature(""); err == nil {
		t.Fatal("empty secret accepted")
	}
}

func TestStripeSignature(t *testing.T) {
	// Stripe publishes no vector; the header is built as its "Verify
	// webhook signatures manually" (docs.stripe.com/webhooks) describes:
	// Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">,
	// keyed with the endpoint secret as shown, whsec_ included, several v1
	// while a secret rolls, a 300 s default tolerance in its libraries.
	const secret = "whsec_test_secret"
	body := []byte(`{"id":"evt_1","type":"delivery.created"}`)
	now := time.Unix(1700000000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := hexHMACSHA256(secret, []byte(ts+"."+string(body)))
	h, err := StripeSignature(secret)
	if err != nil {
		t.Fatal(err)
	}
	h = withNow(h, fixedNow(now.Add(10*time.Second)))

	good := []string{
		"t=" + ts + ",v1=" + sig,
		"v1=" + sig + ",t=" + ts,
		"t=" + ts + ", v1=" + hexHMACSHA256("old", []byte(ts+"."+string(body))) + ", v1=" + sig,
		"t=" + ts + ",v0=deadbeef,v1=" + sig + ",unknown",
	}
	for _, v := range good {
		if err := h.Verify(newReq(string(body), "Stripe-Signature", v), body); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	bad := []struct{ name, value, reason string }{
		{"no timestamp", "v1=" + sig, "missing timestamp"},
		{"no v1", "t=" + ts + ",v0=" + sig, `no "v1" signature`},
		{"non-numeric t", "t=abc,v1=" + sig, "malformed timestamp"},
		{"signed t", "t=+" + ts + ",v1=" + sig, "malformed timestamp"},
		{"negative t", "t=-1,v1=" + sig, "malformed timestamp"},
		{"two t", "t=" + ts + ",t=" + ts + ",v1=" + sig, "several timestamps"},
		{"t mismatch", "t=" + strconv.FormatInt(now.Unix()+1, 10) + ",v1=" + sig, "signature mismatch"},
		{"garbage", ",,,=,=", `no "v1" signature`},
		{"too many parts", "t=" + ts + strings.Repeat(",v1=00", MaxSignatureParts) + ",v1=" + sig, "more than 16"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, h.Verify(newReq(string(body), "Stripe-Signature", c.value), body), c.reason)
		})
	}
	t.Run("stale", func(t *testing.T) {
		old := withNow(h, fixedNow(now.Add(301*time.Second)))
		mustContain(t, old.Verify(newReq(string(body), "Stripe-Signature", good[0]), body), "too old")
	})
	t.Run("future", func(t *testing.T) {
		early := withNow(h, fixedNow(now.Add(-301*time.Second)))
		mustContain(t, early.Verify(newReq(string(body), "Stripe-Signature", good[0]), body), "future")
	})
	t.Run("sign round trip", func(t *testing.T) {
		hdr := http.Header{}
		if err := h.Sign(hdr, body, "", now); err != nil {
			t.Fatal(err)
		}
		if got, want := hdr.Get("Stripe-Signature"), "t="+ts+",v1="+sig; got != want {
			t.Fatalf("Sign wrote %q, want %q", got, want)
		}
	})
}

// TestHMACRFC3339Timestamp: Twitch EventSub's signature, built as its
// "Handling webhook events" (dev.twitch.tv/docs/eventsub) describes and
// the Twitch CLI sends it: Twitch-Eventsub-Message-Signature: sha256=<hex
// HMAC-SHA256 of id + timestamp + body>, the timestamp an RFC 3339 time
// with nanoseconds in Twitch-Eventsub-Message-Timestamp, signed as sent,
// and refused when older than 10 minutes.
func TestHMACRFC3339Timestamp(t *testing.T) {
	const secret = "s3cRe7s3cRe7"
	const id = "befa7b53-d79d-478f-86b9-120f112b044e"
	const ts = "2019-11-16T10:11:12.634234626Z"
	body := []byte(`{"subscription":{"type":"channel.follow"},"event":{"user_id":"1234"}}`)
	sig := "sha256=" + hexHMACSHA256(secret, []byte(id+ts+string(body)))
	sent, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHMAC(HMACConfig{
		Header: "Twitch-Eventsub-Message-Signature", Prefix: "sha256=",
		TimestampHeader: "Twitch-Eventsub-Message-Timestamp", TimestampFormat: "rfc3339",
		IDHeader: "Twitch-Eventsub-Message-Id", Content: "{id}{timestamp}{body}",
		Tolerance: 10 * time.Minute, Secrets: [][]byte{[]byte(secret)},
	})
	if err != nil {
		t.Fatal(err)
	}
	h = withNow(h, fixedNow(sent.Add(9*time.Minute)))
	req := func(ts, sig string) *http.Request {
		r := newReq(string(body), "Twitch-Eventsub-Message-Signature", sig)
		r.Header.Set("Twitch-Eventsub-Message-Id", id)
		r.Header.Set("Twitch-Eventsub-Message-Timestamp", ts)
		return r
	}
	if err := h.Verify(req(ts, sig), body); err != nil {
		t.Fatalf("Twitch's request: %v", err)
	}
	// The text is signed as sent: the same instant spelled otherwise is
	// another signed text.
	if err := h.Verify(req("2019-11-16T10:11:12.634234626+00:00", sig), body); err == nil {
		t.Error("a respelled timestamp passed")
	}
	offset := "2019-11-16T11:11:12.5+01:00"
	if err := h.Verify(req(offset, "sha256="+hexHMACSHA256(secret, []byte(id+offset+string(body)))), body); err != nil {
		t.Errorf("an offset and a fraction: %v", err)
	}
	for name, bad := range map[string]string{
		"unix seconds": strconv.FormatInt(sent.Unix(), 10),
		"no zone":      "2019-11-16T10:11:12.634234626",
		"too long":     "2019-11-16T10:11:12.6342346260000000000Z",
		"date only":    "2019-11-16",
	} {
		t.Run(name, func(t *testing.T) {
			mustContain(t, h.Verify(req(bad, "sha256="+hexHMACSHA256(secret, []byte(id+bad+string(body)))), body), "malformed timestamp")
		})
	}
	mustContain(t, withNow(h, fixedNow(sent.Add(10*time.Minute+time.Second))).Verify(req(ts, sig), body), "too old")
	mustContain(t, withNow(h, fixedNow(sent.Add(-10*time.Minute-time.Second))).Verify(req(ts, sig), body), "future")

	hdr := http.Header{}
	if err := h.Sign(hdr, body, id, sent); err != nil {
		t.Fatal(err)
	}
	if got := hdr.Get("Twitch-Eventsub-Message-Timestamp"); got != ts {
		t.Errorf("Sign wrote timestamp %q, want %q", got, ts)
	}
	if got := hdr.Get("Twitch-Eventsub-Message-Signature"); got != sig {
		t.Errorf("Sign wrote signature %q, want %q", got, sig)
	}
}

func TestHMACGeneric(t *testing.T) {
	body := []byte(`{"event":"ORDER_IN_TRANSIT_TO_PICKUP"}`)
	secret := []byte("0123456789abcdef")
	mac := func(newHash func() hash.Hash, content string) []byte {
		m := hmac.New(newHash, secret)
		m.Write([]byte(content))
		return m.Sum(nil)
	}
	t.Run("sha1 base64 no prefix", func(t *testing.T) {
		h, err := NewHMAC(HMACConfig{Algorithm: "SHA1", Encoding: "base64", Header: "X-Signature", Secrets: [][]byte{secret}})
		if err != nil {
			t.Fatal(err)
		}
		want := mac(sha1.New, string(body))
		for _, enc := range []string{base64.StdEncoding.EncodeToString(want), base64.RawStdEncoding.EncodeToString(want)} {
			if err := h.Verify(newReq(string(body), "X-Signature", enc), body); err != nil {
				t.Errorf("%s: %v", enc, err)
			}
		}
		// A base64url-alphabet value is not standard base64.
		mustUnauthorized(t, h.Verify(newReq(string(body), "X-Signature", hex.EncodeToString(want)), body))
	})
	t.Run("sha512 base64url with timestamp header", func(t *testing.T) {
		now := time.Unix(1_700_000_000, 0)
		h, err := NewHMAC(HMACConfig{
			Algorithm: "sha-512", Encoding: "base64url", Header: "X-Sig", Prefix: "HMAC ",
			TimestampHeader: "X-Timestamp", Content: "{timestamp}:{body}", Tolerance: time.Minute,
			Secrets: [][]byte{secret}, Now: fixedNow(now),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := mac(sha512.New, "1700000000:"+string(body))
		for _, enc := range []string{base64.URLEncoding.EncodeToString(want), base64.RawURLEncoding.EncodeToString(want)} {
			r := newReq(string(body), "X-Sig", "hmac "+enc, "X-Timestamp", "1700000000")
			if err := h.Verify(r, body); err != nil {
				t.Errorf("%s: %v", enc, err)
			}
		}
		r := newReq(string(body), "X-Sig", "HMAC "+base64.URLEncoding.EncodeToString(want), "X-Timestamp", "1699999000")
		mustContain(t, h.Verify(r, body), "too old")
	})
	t.Run("space-separated bare list", func(t *testing.T) {
		h, err := NewHMAC(HMACConfig{Header: "X-Sigs", Separator: " ", Secrets: [][]byte{[]byte("new"), secret}})
		if err != nil {
			t.Fatal(err)
		}
		good := hex.EncodeToString(mac(sha256.New, string(body)))
		r := newReq(string(body), "X-Sigs", "00ff zz "+good)
		if err := h.Verify(r, body); err != nil {
			t.Fatal(err)
		}
		// Repeated header lines are one list.
		r = newReq(string(body), "X-Sigs", "00ff", "X-Sigs", good)
		if err := h.Verify(r, body); err != nil {
			t.Fatal(err)
		}
		mustContain(t, h.Verify(newReq(string(body), "X-Sigs", "   "), body), "missing")
		mustContain(t, h.Verify(newReq(string(body), "X-Sigs", "zz yy"), body), "malformed signature")
	})
	t.Run("sign round trip over every layout", func(t *testing.T) {
		cfgs := []HMACConfig{
			{Header: "X-S"},
			{Header: "X-S", Prefix: "sha256=", Encoding: "base64"},
			{Header: "X-S", Separator: " ", Encoding: "base64url", Algorithm: "sha384"},
			{Header: "X-S", SignatureKey: "v1", TimestampKey: "t", Content: "{timestamp}.{body}", Tolerance: time.Minute},
			{Header: "X-S", SignatureKey: "s", Separator: ";", KeyValueSeparator: ":", TimestampKey: "ts", IDHeader: "X-Id", Content: "{id}|{timestamp}|{body}"},
			{Header: "X-S", SignatureKey: "v1", Separator: " ", KeyValueSeparator: ",", IDHeader: "X-Id", TimestampHeader: "X-T", Content: "{id}.{timestamp}.{body}", Tolerance: time.Minute},
		}
		now := time.Unix(1_700_000_000, 0)
		for i, cfg := range cfgs {
			cfg.Secrets = [][]byte{secret, []byte("older")}
			cfg.Now = fixedNow(now)
			h, err := NewHMAC(cfg)
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			hdr := http.Header{}
			if err := h.Sign(hdr, body, "msg_1", now); err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			r := newReq(string(body))
			r.Header = hdr
			if err := h.Verify(r, body); err != nil {
				t.Errorf("%d %+v: round trip: %v (headers %v)", i, cfg, err, hdr)
			}
			tampered := append([]byte(nil), body...)
			tampered[0] = '['
			mustUnauthorized(t, h.Verify(r, tampered))
		}
	})
	t.Run("sign needs id", func(t *testing.T) {
		h, err := StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Sign(http.Header{}, body, "", time.Time{}); err == nil {
			t.Fatal("Sign without id accepted")
		}
		hdr := http.Header{}
		if err := h.Sign(hdr, body, "msg", time.Time{}); err != nil {
			t.Fatal(err)
		}
		r := newReq(string(body))
		r.Header = hdr
		if err := h.Verify(r, body); err != nil {
			t.Fatalf("zero ts signs with now: %v", err)
		}
	})
}

func TestNewHMACConfigErrors(t *testing.T) {
	s := [][]byte{[]byte("k")}
	cases := []struct {
		cfg  HMACConfig
		want string
	}{
		{HMACConfig{Secrets: s}, "Header is required"},
		{HMACConfig{Header: "X", Algorithm: "md5", Secrets: s}, "Algorithm"},
		{HMACConfig{Header: "X", Encoding: "base32", Secrets: s}, "Encoding"},
		{HMACConfig{Header: "X"}, "at least one secret"},
		{HMACConfig{Header: "X", Secrets: [][]byte{{}}}, "secret 0 is empty"},
		{HMACConfig{Header: "X", Secrets: s, Content: "{timestamp}.{body}"}, "neither TimestampKey nor TimestampHeader"},
		{HMACConfig{Header: "X", Secrets: s, Content: "{id}.{body}"}, "IDHeader"},
		{HMACConfig{Header: "X", Secrets: s, Content: "{id}"}, "must include {body}"},
		{HMACConfig{Header: "X", Secrets: s, IDHeader: "I", Content: "{id}"}, "must include {body}"},
		{HMACConfig{Header: "X", Secrets: s, Content: "{body"}, "unclosed"},
		{HMACConfig{Header: "X", Secrets: s, Content: "{Body}"}, "unknown placeholder"},
		{HMACConfig{Header: "X", Secrets: s, TimestampKey: "t"}, "needs SignatureKey"},
		{HMACConfig{Header: "X", Secrets: s, SignatureKey: "v1", TimestampKey: "t", TimestampHeader: "T"}, "both set"},
		{HMACConfig{Header: "X", Secrets: s, SignatureKey: "v1", TimestampKey: "v1"}, "equals SignatureKey"},
		{HMACConfig{Header: "X", Secrets: s, SignatureKey: "v1", Separator: ",", KeyValueSeparator: ","}, "both"},
		{HMACConfig{Header: "X", Secrets: s, TimestampHeader: "T", Tolerance: time.Minute}, "does not sign {timestamp}"},
		{HMACConfig{Header: "X", Secrets: s, TimestampHeader: "T", Content: "{timestamp}{body}", Tolerance: -time.Second}, "negative"},
		{HMACConfig{Header: "X", Secrets: s, TimestampHeader: "T", Content: "{timestamp}{body}", TimestampFormat: "iso"}, "TimestampFormat"},
		{HMACConfig{Header: "X", Secrets: s, TimestampFormat: "rfc3339"}, "TimestampFormat is set"},
	}
	for _, c := range cases {
		_, err := NewHMAC(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want error containing %q", c.cfg, err, c.want)
		}
	}
}

func TestHMACHugeTimestamp(t *testing.T) {
	h, err := StripeSignature("s")
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{"99999999999999999999999", "9223372036854775807", "0"} {
		v := fmt.Sprintf("t=%s,v1=%s", ts, hexHMACSHA256("s", []byte(ts+".{}")))
		mustUnauthorized(t, h.Verify(newReq("{}", "Stripe-Signature", v), []byte("{}")))
	}
}
