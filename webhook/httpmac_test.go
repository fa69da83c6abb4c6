package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The expected MACs below are computed with crypto/hmac over normalized
// request strings written out by hand, never with HTTPMAC itself.

var (
	_ Verifier   = (*HTTPMAC)(nil)
	_ Challenger = (*HTTPMAC)(nil)
)

// macNormalized is the normalized request string: every field followed by
// a newline.
func macNormalized(nonce, method, uri, host, port, bodyhash, ext string) string {
	return nonce + "\n" + method + "\n" + uri + "\n" + host + "\n" + port + "\n" + bodyhash + "\n" + ext + "\n"
}

func macOf(newHash func() hash.Hash, secret, content string) string {
	m := hmac.New(newHash, []byte(secret))
	m.Write([]byte(content))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func bodyHashOf(newHash func() hash.Hash, body string) string {
	h := newHash()
	h.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// macAuth writes `MAC k1="v1",k2="v2"` from name/value pairs, unescaped:
// test values that need escaping are written escaped by the caller.
func macAuth(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+`="`+pairs[i+1]+`"`)
	}
	return "MAC " + strings.Join(parts, ",")
}

// macReq builds a real request; headers are name/value pairs.
func macReq(method, target, body string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// mustMAC builds a verifier for tests of the signature itself: keys without
// IssuedAt are issued now, and without a Tolerance any age passes.
func mustMAC(t *testing.T, cfg HTTPMACConfig) *HTTPMAC {
	t.Helper()
	cfg.Keys = slices.Clone(cfg.Keys)
	for i := range cfg.Keys {
		if cfg.Keys[i].IssuedAt.IsZero() {
			cfg.Keys[i].IssuedAt = time.Now()
		}
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = 100 * 365 * 24 * time.Hour
	}
	m, err := NewHTTPMAC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// verifyFresh verifies r with the spent nonces forgotten, for tests of the
// signature that send one genuine request many times.
func verifyFresh(m *HTTPMAC, r *http.Request, body []byte) error {
	m.nonces = newNonceStore(m.nonces.max)
	return m.Verify(r, body)
}

func TestHTTPMACDraftVector(t *testing.T) {
	// The example of draft-ietf-oauth-v2-http-mac-00 §1.1: HMAC-SHA-1, a
	// GET without body (no bodyhash), no ext, port 80.
	const (
		id     = "h480djs93hd8"
		secret = "489dks293j39"
		nonce  = "264095:dj83hs9s"
		want   = "SLDJd4mg43cjQfElUs3Qub4L6xE="
	)
	if got := macOf(sha1.New, secret, macNormalized(nonce, "GET", "/resource/1?b=1&a=2", "example.com", "80", "", "")); got != want {
		t.Fatalf("independent MAC %s, draft says %s", got, want)
	}
	m := mustMAC(t, HTTPMACConfig{Algorithm: "sha1", Keys: []MACKey{{ID: id, Secret: []byte(secret)}}})
	header := `MAC id="h480djs93hd8", nonce="264095:dj83hs9s", mac="SLDJd4mg43cjQfElUs3Qub4L6xE="`
	r := macReq(http.MethodGet, "http://example.com/resource/1?b=1&a=2", "", "Authorization", header)
	if err := verifyFresh(m, r, nil); err != nil {
		t.Fatalf("draft example rejected: %v", err)
	}
	r = macReq(http.MethodGet, "http://example.com/resource/1?a=2&b=1", "", "Authorization", header)
	mustContain(t, verifyFresh(m, r, nil), "mac mismatch")
}

func TestHTTPMACVerify(t *testing.T) {
	const (
		id     = "sv:v1:76529290-50af-11e5-bb6b-a737f7aae142"
		secret = "test-secret-0123456789abcdef"
		nonce  = "5847:dj83hs9s"
		target = "https://receiver.test/webhook/delivery-status?order=42&note=a%20b"
		uri    = "/webhook/delivery-status?order=42&note=a%20b"
		body   = `{"event_type":"DRIVER_ASSIGNED","order_uuid":"8a1b"}`
	)
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: id, Secret: []byte(secret)}}})
	if m.Challenge() != "MAC" {
		t.Fatalf("Challenge %q", m.Challenge())
	}
	bh := bodyHashOf(sha256.New, body)
	goodMAC := macOf(sha256.New, secret, macNormalized(nonce, "POST", uri, "receiver.test", "443", bh, ""))
	good := macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", goodMAC)

	if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", good), []byte(body)); err != nil {
		t.Fatalf("genuine request rejected: %v", err)
	}

	t.Run("accepted layouts", func(t *testing.T) {
		for _, h := range []string{
			`mac  id = "` + id + `" ,	nonce="` + nonce + `", bodyhash= "` + bh + `" ,mac="` + goodMAC + `"`,
			`MAC mac="` + goodMAC + `",bodyhash="` + bh + `",nonce="` + nonce + `",id="` + id + `"`,
		} {
			if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)); err != nil {
				t.Errorf("%s: %v", h, err)
			}
		}
		// Unknown parameters are ignored.
		h := macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", goodMAC, "ts", "1", "x-extra", "y")
		if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)); err != nil {
			t.Fatal(err)
		}
		// An unpadded bodyhash is accepted when the MAC covers it as sent.
		raw := strings.TrimRight(bh, "=")
		h = macAuth("id", id, "nonce", nonce, "bodyhash", raw, "mac",
			macOf(sha256.New, secret, macNormalized(nonce, "POST", uri, "receiver.test", "443", raw, "")))
		if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)); err != nil {
			t.Fatal(err)
		}
		// A lower-case method is normalized to upper case.
		r := macReq(http.MethodPost, target, body, "Authorization", good)
		r.Method = "post"
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ext and escapes", func(t *testing.T) {
		const ext, extEscaped = `a "quoted" \value`, `a \"quoted\" \\value`
		const n, nEscaped = `12:"x"`, `12:\"x\"`
		mac := macOf(sha256.New, secret, macNormalized(n, "POST", uri, "receiver.test", "443", bh, ext))
		h := macAuth("id", id, "nonce", nEscaped, "bodyhash", bh, "ext", extEscaped, "mac", mac)
		if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)); err != nil {
			t.Fatal(err)
		}
		h = macAuth("id", id, "nonce", nEscaped, "bodyhash", bh, "ext", "b", "mac", mac)
		mustContain(t, verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)), "mac mismatch")
		h = macAuth("id", id, "nonce", nEscaped, "bodyhash", bh, "mac", mac)
		mustContain(t, verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)), "mac mismatch")
	})

	otherBH := bodyHashOf(sha256.New, body+" ")
	var many []string
	for i := range 13 {
		many = append(many, fmt.Sprintf("p%d", i), "v")
	}
	sixteen := macAuth(append([]string{"id", id, "nonce", nonce, "bodyhash", bh, "mac", goodMAC}, many[:24]...)...)
	seventeen := macAuth(append([]string{"id", id, "nonce", nonce, "bodyhash", bh, "mac", goodMAC}, many...)...)
	if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", sixteen), []byte(body)); err != nil {
		t.Fatalf("16 parameters: %v", err)
	}
	pad := func(total int) string {
		h := good + `,pad=""`
		return good + `,pad="` + strings.Repeat("x", total-len(h)) + `"`
	}
	if h := pad(4096); len(h) != 4096 {
		t.Fatalf("pad %d", len(h))
	} else if err := verifyFresh(m, macReq(http.MethodPost, target, body, "Authorization", h), []byte(body)); err != nil {
		t.Fatalf("4096-byte header: %v", err)
	}

	cases := []struct {
		name, method, target, body, reason string
		headers                            []string
		missing                            bool // ErrNoCredentials expected
	}{
		{name: "wrong secret", reason: "mac mismatch", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", macOf(sha256.New, "other", macNormalized(nonce, "POST", uri, "receiver.test", "443", bh, "")))}},
		{name: "tampered body", body: body + " ", reason: "bodyhash does not match"},
		{name: "tampered bodyhash, MAC recomputed", reason: "bodyhash does not match", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "bodyhash", otherBH, "mac", macOf(sha256.New, secret, macNormalized(nonce, "POST", uri, "receiver.test", "443", otherBH, "")))}},
		{name: "tampered bodyhash", reason: "bodyhash does not match", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "bodyhash", otherBH, "mac", goodMAC)}},
		{name: "malformed bodyhash", reason: "malformed bodyhash", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "bodyhash", "!!", "mac", goodMAC)}},
		{name: "bodyhash too short", reason: "malformed bodyhash", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "bodyhash", bh[:20], "mac", goodMAC)}},
		{name: "missing bodyhash", reason: "missing bodyhash", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce, "mac", goodMAC)}},
		{name: "wrong method", method: http.MethodPut, reason: "mac mismatch"},
		{name: "wrong path", target: "https://receiver.test/webhook/delivery-refund?order=42&note=a%20b", reason: "mac mismatch"},
		{name: "wrong query", target: "https://receiver.test/webhook/delivery-status?order=43&note=a%20b", reason: "mac mismatch"},
		{name: "reordered query", target: "https://receiver.test/webhook/delivery-status?note=a%20b&order=42", reason: "mac mismatch"},
		{name: "no query", target: "https://receiver.test/webhook/delivery-status", reason: "mac mismatch"},
		{name: "wrong host", target: "https://other.test/webhook/delivery-status?order=42&note=a%20b", reason: "mac mismatch"},
		{name: "wrong port", target: "https://receiver.test:8443/webhook/delivery-status?order=42&note=a%20b", reason: "mac mismatch"},
		{name: "plain http (port 80)", target: "http://receiver.test/webhook/delivery-status?order=42&note=a%20b", reason: "mac mismatch"},
		{name: "other nonce", reason: "mac mismatch", headers: []string{"Authorization",
			macAuth("id", id, "nonce", nonce+"x", "bodyhash", bh, "mac", goodMAC)}},
		{name: "unknown id", reason: "unknown key id", headers: []string{"Authorization",
			macAuth("id", id+"x", "nonce", nonce, "bodyhash", bh, "mac", goodMAC)}},
		{name: "missing header", headers: []string{}, reason: "missing Authorization", missing: true},
		{name: "blank header", headers: []string{"Authorization", "  "}, reason: "missing Authorization", missing: true},
		{name: "Basic scheme", headers: []string{"Authorization", "Basic dXNlcjpwYXNz"}, reason: "another scheme", missing: true},
		{name: "Bearer scheme", headers: []string{"Authorization", "Bearer abc"}, reason: "another scheme", missing: true},
		{name: "MACX scheme", headers: []string{"Authorization", "MACX " + strings.TrimPrefix(good, "MAC ")}, reason: "another scheme", missing: true},
		{name: "several headers", headers: []string{"Authorization", good, "Authorization", good}, reason: "several"},
		{name: "no parameters", headers: []string{"Authorization", "MAC"}, reason: "no parameters"},
		{name: "unterminated quote", headers: []string{"Authorization", strings.TrimSuffix(good, `"`)}, reason: "unterminated"},
		{name: "escaped final quote", headers: []string{"Authorization", strings.TrimSuffix(good, `"`) + `\"`}, reason: "unterminated"},
		{name: "missing mac", headers: []string{"Authorization", macAuth("id", id, "nonce", nonce, "bodyhash", bh)}, reason: "missing mac"},
		{name: "empty mac", headers: []string{"Authorization", macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", "")}, reason: "missing mac"},
		{name: "missing id", headers: []string{"Authorization", macAuth("nonce", nonce, "bodyhash", bh, "mac", goodMAC)}, reason: "missing id"},
		{name: "missing nonce", headers: []string{"Authorization", macAuth("id", id, "bodyhash", bh, "mac", goodMAC)}, reason: "missing nonce"},
		{name: "upper-case names", headers: []string{"Authorization", macAuth("ID", id, "NONCE", nonce, "BODYHASH", bh, "MAC", goodMAC)}, reason: "missing id"},
		{name: "duplicate param", headers: []string{"Authorization", good + `,id="` + id + `"`}, reason: "duplicate parameter id"},
		{name: "duplicate mac", headers: []string{"Authorization", good + `,mac="AAAA"`}, reason: "duplicate parameter mac"},
		{name: "too many params", headers: []string{"Authorization", seventeen}, reason: "more than 16 parameters"},
		{name: "header too long", headers: []string{"Authorization", pad(4097)}, reason: "longer than 4096"},
		{name: "unquoted value", headers: []string{"Authorization", `MAC id=` + id + `,nonce="` + nonce + `",bodyhash="` + bh + `",mac="` + goodMAC + `"`}, reason: "not a quoted string"},
		{name: "trailing comma", headers: []string{"Authorization", good + ","}, reason: "trailing comma"},
		{name: "empty element", headers: []string{"Authorization", strings.Replace(good, ",", ",,", 1)}, reason: "expected a parameter name"},
		{name: "missing comma", headers: []string{"Authorization", strings.Replace(good, ",", " ", 1)}, reason: "expected ,"},
		{name: "missing equals", headers: []string{"Authorization", `MAC id "x"`}, reason: "expected ="},
		{name: "control character", headers: []string{"Authorization", macAuth("id", id, "nonce", "a\x01b", "bodyhash", bh, "mac", goodMAC)}, reason: "control character"},
		{name: "malformed mac", headers: []string{"Authorization", macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", "not base64!")}, reason: "malformed mac"},
		{name: "truncated mac", headers: []string{"Authorization", macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac", goodMAC[:20])}, reason: "malformed mac"},
		{name: "SHA-1 length mac", headers: []string{"Authorization", macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac",
			macOf(sha1.New, secret, macNormalized(nonce, "POST", uri, "receiver.test", "443", bh, "")))}, reason: "malformed mac"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, tgt, b, headers := http.MethodPost, target, body, []string{"Authorization", good}
			if c.method != "" {
				method = c.method
			}
			if c.target != "" {
				tgt = c.target
			}
			if c.body != "" {
				b = c.body
			}
			if c.headers != nil {
				headers = c.headers
			}
			err := verifyFresh(m, macReq(method, tgt, b, headers...), []byte(b))
			mustContain(t, err, c.reason)
			if got := errors.Is(err, ErrNoCredentials); got != c.missing {
				t.Fatalf("errors.Is(%v, ErrNoCredentials) = %v", err, got)
			}
		})
	}

	t.Run("odd requests do not panic", func(t *testing.T) {
		mustUnauthorized(t, verifyFresh(m, nil, nil))
		r := macReq(http.MethodPost, target, body, "Authorization", good)
		r.URL = nil
		mustUnauthorized(t, verifyFresh(m, r, []byte(body)))
		r = macReq(http.MethodPost, target, body, "Authorization", good)
		r.Method = "PO ST"
		mustContain(t, verifyFresh(m, r, []byte(body)), "malformed method")
		r = macReq(http.MethodPost, target, body, "Authorization", good)
		r.Host, r.URL.Host = "", ""
		mustContain(t, verifyFresh(m, r, []byte(body)), "missing Host")
	})
}

func TestHTTPMACEmptyBody(t *testing.T) {
	const id, secret, nonce = "k", "s3cret", "1:n1"
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: id, Secret: []byte(secret)}}})
	empty := bodyHashOf(sha256.New, "")
	sign := func(bodyhash string) string {
		return macOf(sha256.New, secret, macNormalized(nonce, "DELETE", "/hook", "receiver.test", "80", bodyhash, ""))
	}
	for name, h := range map[string]string{
		"absent":        macAuth("id", id, "nonce", nonce, "mac", sign("")),
		"empty":         macAuth("id", id, "nonce", nonce, "bodyhash", "", "mac", sign("")),
		"hash of empty": macAuth("id", id, "nonce", nonce, "bodyhash", empty, "mac", sign(empty)),
	} {
		if err := verifyFresh(m, macReq(http.MethodDelete, "http://receiver.test/hook", "", "Authorization", h), nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	other := bodyHashOf(sha256.New, "x")
	h := macAuth("id", id, "nonce", nonce, "bodyhash", other, "mac", sign(other))
	mustContain(t, verifyFresh(m, macReq(http.MethodDelete, "http://receiver.test/hook", "", "Authorization", h), nil), "bodyhash does not match")
	// A body added to a request signed without one.
	h = macAuth("id", id, "nonce", nonce, "bodyhash", "", "mac", sign(""))
	mustContain(t, verifyFresh(m, macReq(http.MethodDelete, "http://receiver.test/hook", "x", "Authorization", h), []byte("x")), "missing bodyhash")
}

func TestHTTPMACAlgorithms(t *testing.T) {
	const body, nonce = `{"a":1}`, "1:n"
	for _, c := range []struct {
		alg     string
		newHash func() hash.Hash
	}{
		{"", sha256.New}, {"sha256", sha256.New}, {"SHA-256", sha256.New}, {"hmac-sha-256", sha256.New},
		{"sha1", sha1.New}, {"hmac-sha-1", sha1.New}, {"sha512", sha512.New}, {"SHA-512", sha512.New},
	} {
		m := mustMAC(t, HTTPMACConfig{Algorithm: c.alg, Keys: []MACKey{{ID: "k", Secret: []byte("s")}}})
		bh := bodyHashOf(c.newHash, body)
		h := macAuth("id", "k", "nonce", nonce, "bodyhash", bh, "mac",
			macOf(c.newHash, "s", macNormalized(nonce, "POST", "/", "receiver.test", "443", bh, "")))
		if err := verifyFresh(m, macReq(http.MethodPost, "https://receiver.test/", body, "Authorization", h), []byte(body)); err != nil {
			t.Errorf("%q: %v", c.alg, err)
		}
	}
	// A SHA-256 bodyhash does not pass a SHA-512 verifier.
	m := mustMAC(t, HTTPMACConfig{Algorithm: "sha512", Keys: []MACKey{{ID: "k", Secret: []byte("s")}}})
	bh := bodyHashOf(sha256.New, body)
	h := macAuth("id", "k", "nonce", nonce, "bodyhash", bh, "mac",
		macOf(sha512.New, "s", macNormalized(nonce, "POST", "/", "receiver.test", "443", bh, "")))
	mustContain(t, verifyFresh(m, macReq(http.MethodPost, "https://receiver.test/", body, "Authorization", h), []byte(body)), "malformed bodyhash")
}

func TestHTTPMACRotation(t *testing.T) {
	const body, nonce = `{"event_type":"DELIVERY_CANCELLED"}`, "77:abc"
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "new", Secret: []byte("new-secret")}, {ID: "old", Secret: []byte("old-secret")}}})
	bh := bodyHashOf(sha256.New, body)
	header := func(id, secret string) string {
		return macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac",
			macOf(sha256.New, secret, macNormalized(nonce, "POST", "/hook", "receiver.test", "443", bh, "")))
	}
	for _, k := range [][2]string{{"new", "new-secret"}, {"old", "old-secret"}} {
		if err := verifyFresh(m, macReq(http.MethodPost, "https://receiver.test/hook", body, "Authorization", header(k[0], k[1])), []byte(body)); err != nil {
			t.Errorf("key %s: %v", k[0], err)
		}
	}
	// The id selects the key: a MAC made with the other key's secret fails.
	mustContain(t, verifyFresh(m, macReq(http.MethodPost, "https://receiver.test/hook", body, "Authorization", header("new", "old-secret")), []byte(body)), "mac mismatch")
	mustContain(t, verifyFresh(m, macReq(http.MethodPost, "https://receiver.test/hook", body, "Authorization", header("retired", "old-secret")), []byte(body)), "unknown key id")
}

func TestHTTPMACHostPort(t *testing.T) {
	const id, secret, nonce, body = "k", "s", "1:n", "{}"
	bh := bodyHashOf(sha256.New, body)
	header := func(uri, host, port string) string {
		return macAuth("id", id, "nonce", nonce, "bodyhash", bh, "mac",
			macOf(sha256.New, secret, macNormalized(nonce, "POST", uri, host, port, bh, "")))
	}
	keys := []MACKey{{ID: id, Secret: []byte(secret)}}

	t.Run("from the Host header", func(t *testing.T) {
		m := mustMAC(t, HTTPMACConfig{Keys: keys})
		for _, c := range []struct{ target, host, wantHost, wantPort string }{
			{"https://receiver.test/hook", "", "receiver.test", "443"},
			{"http://receiver.test/hook", "", "receiver.test", "80"},
			{"http://receiver.test/hook", "Receiver.TEST:8080", "receiver.test", "8080"},
			{"https://receiver.test/hook", "receiver.test:80", "receiver.test", "80"},
			{"http://receiver.test/hook", "receiver.test:", "receiver.test", "80"},
			{"http://receiver.test/hook", "[::1]:9000", "[::1]", "9000"},
			{"https://receiver.test/hook", "[::1]", "[::1]", "443"},
			{"http://receiver.test/hook", "10.0.0.5", "10.0.0.5", "80"},
		} {
			r := macReq(http.MethodPost, c.target, body, "Authorization", header("/hook", c.wantHost, c.wantPort))
			if c.host != "" {
				r.Host = c.host
			}
			if err := verifyFresh(m, r, []byte(body)); err != nil {
				t.Errorf("%s Host %q: %v", c.target, c.host, err)
			}
		}
		for _, bad := range []string{"a:b:c", "receiver.test:http", "receiver.test:123456", "[::1", "[::1]x", "receiver.test\n:80", "recei ver.test"} {
			r := macReq(http.MethodPost, "http://receiver.test/hook", body, "Authorization", header("/hook", "receiver.test", "80"))
			r.Host = bad
			mustContain(t, verifyFresh(m, r, []byte(body)), "malformed Host")
		}
	})

	t.Run("proxied: X-Forwarded-Proto https means 443", func(t *testing.T) {
		m := mustMAC(t, HTTPMACConfig{Keys: keys})
		h := header("/hook", "receiver.test", "443")
		for _, proto := range []string{"https", "HTTPS", "https, http"} {
			r := macReq(http.MethodPost, "http://receiver.test/hook", body, "Authorization", h, "X-Forwarded-Proto", proto)
			if r.TLS != nil {
				t.Fatal("test request has TLS")
			}
			if err := verifyFresh(m, r, []byte(body)); err != nil {
				t.Errorf("X-Forwarded-Proto %q: %v", proto, err)
			}
		}
		for _, proto := range []string{"", "http", "http, https"} {
			r := macReq(http.MethodPost, "http://receiver.test/hook", body, "Authorization", h, "X-Forwarded-Proto", proto)
			mustContain(t, verifyFresh(m, r, []byte(body)), "mac mismatch")
		}
		// A port in the Host header wins over the forwarded scheme.
		r := macReq(http.MethodPost, "http://receiver.test:8080/hook", body, "Authorization", h, "X-Forwarded-Proto", "https")
		mustContain(t, verifyFresh(m, r, []byte(body)), "mac mismatch")
	})

	t.Run("Host and Port overrides", func(t *testing.T) {
		m := mustMAC(t, HTTPMACConfig{Keys: keys, Host: "Public.Example.COM", Port: "443"})
		// The receiver sees an internal address over plain HTTP.
		r := macReq(http.MethodPost, "http://10.0.0.5:8080/hook", body, "Authorization", header("/hook", "public.example.com", "443"))
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
		// Both overrides set: even a malformed Host header is not consulted.
		r.Host = "a:b:c"
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
		r = macReq(http.MethodPost, "http://10.0.0.5:8080/hook", body, "Authorization", header("/hook", "10.0.0.5", "8080"))
		mustContain(t, verifyFresh(m, r, []byte(body)), "mac mismatch")
	})

	t.Run("Port override only", func(t *testing.T) {
		m := mustMAC(t, HTTPMACConfig{Keys: keys, Port: "8443"})
		r := macReq(http.MethodPost, "https://Receiver.TEST:9999/hook", body, "Authorization", header("/hook", "receiver.test", "8443"))
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Host override only", func(t *testing.T) {
		m := mustMAC(t, HTTPMACConfig{Keys: keys, Host: "public.example.com"})
		r := macReq(http.MethodPost, "http://internal:9000/hook", body, "Authorization", header("/hook", "public.example.com", "9000"))
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
		r = macReq(http.MethodPost, "http://internal/hook", body, "Authorization", header("/hook", "public.example.com", "443"), "X-Forwarded-Proto", "https")
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
		m = mustMAC(t, HTTPMACConfig{Keys: keys, Host: "[2001:db8::1]"})
		r = macReq(http.MethodPost, "http://internal/hook", body, "Authorization", header("/hook", "[2001:db8::1]", "80"))
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHTTPMACSign(t *testing.T) {
	const body = `{"event_type":"DELIVERY_REFUND"}`
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "sv:v1:first", Secret: []byte("one")}, {ID: "sv:v1:second", Secret: []byte("two")}}})

	t.Run("matches the hand-built header", func(t *testing.T) {
		r := macReq(http.MethodPost, "https://receiver.test/webhook/delivery-refund?a=1", body)
		if err := m.Sign(r, []byte(body), "", "300:abc"); err != nil {
			t.Fatal(err)
		}
		bh := bodyHashOf(sha256.New, body)
		want := macAuth("id", "sv:v1:first", "nonce", "300:abc", "bodyhash", bh, "mac",
			macOf(sha256.New, "one", macNormalized("300:abc", "POST", "/webhook/delivery-refund?a=1", "receiver.test", "443", bh, "")))
		if got := r.Header.Get("Authorization"); got != want {
			t.Fatalf("Sign wrote\n%s\nwant\n%s", got, want)
		}
		if err := verifyFresh(m, r, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("empty body", func(t *testing.T) {
		r := macReq(http.MethodGet, "http://receiver.test/status", "")
		if err := m.Sign(r, nil, "sv:v1:second", "1:n"); err != nil {
			t.Fatal(err)
		}
		want := macAuth("id", "sv:v1:second", "nonce", "1:n", "bodyhash", "", "mac",
			macOf(sha256.New, "two", macNormalized("1:n", "GET", "/status", "receiver.test", "80", "", "")))
		if got := r.Header.Get("Authorization"); got != want {
			t.Fatalf("Sign wrote %s, want %s", got, want)
		}
		if err := verifyFresh(m, r, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		for _, alg := range []string{"sha1", "sha256", "sha512"} {
			m := mustMAC(t, HTTPMACConfig{Algorithm: alg, Keys: []MACKey{{ID: "a", Secret: []byte("k1")}, {ID: "b", Secret: []byte("k2")}}})
			for _, keyID := range []string{"", "a", "b"} {
				for _, nonce := range []string{"", `1:with "quotes" and \ backslash`, "2:café:ünïcode"} {
					r := macReq(http.MethodPatch, "https://receiver.test/x/y?z=%2F", body)
					if err := m.Sign(r, []byte(body), keyID, nonce); err != nil {
						t.Fatal(err)
					}
					if err := verifyFresh(m, r, []byte(body)); err != nil {
						t.Errorf("%s key %q nonce %q: %v (header %s)", alg, keyID, nonce, err, r.Header.Get("Authorization"))
					}
					if nonce != "" {
						if p, _ := macAuthorizationParams(r.Header.Get("Authorization")); p["nonce"] != nonce {
							t.Errorf("nonce %q came back as %q", nonce, p["nonce"])
						}
					}
					mustUnauthorized(t, verifyFresh(m, r, []byte(body+"x")))
				}
			}
		}
	})
	t.Run("random nonces differ", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			r := macReq(http.MethodPost, "https://receiver.test/", body)
			if err := m.Sign(r, []byte(body), "", ""); err != nil {
				t.Fatal(err)
			}
			p, ok := macAuthorizationParams(r.Header.Get("Authorization"))
			if !ok || len(p["nonce"]) < 20 || seen[p["nonce"]] {
				t.Fatalf("nonce %q (ok %v)", p["nonce"], ok)
			}
			seen[p["nonce"]] = true
		}
	})
	t.Run("client-side request to an https URL signs port 443", func(t *testing.T) {
		cr, err := http.NewRequest(http.MethodPost, "https://receiver.test/hook", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Sign(cr, []byte(body), "", "1:n"); err != nil {
			t.Fatal(err)
		}
		sr := macReq(http.MethodPost, "https://receiver.test/hook", body, "Authorization", cr.Header.Get("Authorization"))
		if err := verifyFresh(m, sr, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		r := macReq(http.MethodPost, "https://receiver.test/", body)
		if err := m.Sign(r, []byte(body), "nope", ""); err == nil || !strings.Contains(err.Error(), "unknown key") {
			t.Fatalf("unknown key: %v", err)
		}
		for _, nonce := range []string{"a\nb", "a\tb", "a\x7fb"} {
			if err := m.Sign(r, []byte(body), "", nonce); err == nil || !strings.Contains(err.Error(), "control") {
				t.Fatalf("nonce %q: %v", nonce, err)
			}
		}
		if err := m.Sign(nil, nil, "", ""); err == nil {
			t.Fatal("nil request signed")
		}
		r.Host = "a:b:c"
		if err := m.Sign(r, []byte(body), "", ""); err == nil || errors.Is(err, ErrUnauthorized) {
			t.Fatalf("malformed host: %v", err)
		}
		if r.Header.Get("Authorization") != "" {
			t.Fatal("a failed Sign set the header")
		}
	})
}

// TestHTTPMACOverTheWire signs real client requests and verifies them in a
// real server, plain and TLS.
func TestHTTPMACOverTheWire(t *testing.T) {
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: []byte("wire-secret")}}})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if err := verifyFresh(m, r, b); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	for _, srv := range []*httptest.Server{httptest.NewServer(handler), httptest.NewTLSServer(handler)} {
		t.Cleanup(srv.Close)
		for _, body := range []string{"", `{"event_type":"COURIER_LOCATION"}`} {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/webhook/delivery-status?v=1", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Sign(req, []byte(body), "", ""); err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("%s body %q: %d %s", srv.URL, body, resp.StatusCode, msg)
			}
		}
	}
}

func TestHTTPMACAnyOf(t *testing.T) {
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: []byte("s")}}})
	v := AnyOf(BasicAuth("grubhub", Credential{"user", "pass"}), m)
	if got := challengeOf(v); got != `Basic realm="grubhub", MAC` {
		t.Fatalf("challenge %q", got)
	}
	r := macReq(http.MethodPost, "https://receiver.test/", "{}")
	if err := m.Sign(r, []byte("{}"), "", ""); err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(r, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	err := v.Verify(r, []byte("[]"))
	mustContain(t, err, "httpmac: bodyhash")
	if errors.Is(err, ErrNoCredentials) {
		t.Fatal("a wrong MAC reported as missing credentials")
	}
	r = macReq(http.MethodPost, "https://receiver.test/", "{}", "Authorization", "Basic dXNlcjpwYXNz")
	if err := v.Verify(r, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	err = v.Verify(macReq(http.MethodPost, "https://receiver.test/", "{}"), []byte("{}"))
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("no header: %v", err)
	}
}

func TestHTTPMACConcurrent(t *testing.T) {
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "a", Secret: []byte("1")}, {ID: "b", Secret: []byte("2")}}})
	var wg sync.WaitGroup
	errs := make(chan error, 16*20)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				body := fmt.Sprintf(`{"g":%d,"i":%d}`, g, i)
				r := macReq(http.MethodPost, "https://receiver.test/hook", body)
				if err := m.Sign(r, []byte(body), []string{"a", "b"}[i%2], ""); err != nil {
					errs <- err
					continue
				}
				// Sign's nonces are fresh, so the store needs no resetting.
				if err := m.Verify(r, []byte(body)); err != nil {
					errs <- err
				}
				if err := m.Verify(r, []byte(body+" ")); err == nil {
					errs <- errors.New("tampered body accepted")
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewHTTPMACConfigErrors(t *testing.T) {
	issued := time.Now()
	k := []MACKey{{ID: "k", Secret: []byte("s"), IssuedAt: issued}}
	cases := []struct {
		cfg  HTTPMACConfig
		want string
	}{
		{HTTPMACConfig{}, "at least one key"},
		{HTTPMACConfig{Keys: []MACKey{}}, "at least one key"},
		{HTTPMACConfig{Keys: []MACKey{{Secret: []byte("s"), IssuedAt: issued}}}, "empty ID"},
		{HTTPMACConfig{Keys: []MACKey{{ID: "k", IssuedAt: issued}}}, "empty secret"},
		{HTTPMACConfig{Keys: []MACKey{{ID: "k\n", Secret: []byte("s"), IssuedAt: issued}}}, "control"},
		{HTTPMACConfig{Keys: []MACKey{k[0], {ID: "k", Secret: []byte("t"), IssuedAt: issued}}}, "appears twice"},
		{HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: []byte("s")}}}, `key "k" has no IssuedAt`},
		{HTTPMACConfig{Keys: k, Tolerance: -time.Second}, "negative"},
		{HTTPMACConfig{Keys: k, MaxNonces: -1}, "negative"},
		{HTTPMACConfig{Keys: k, Algorithm: "md5"}, "Algorithm"},
		{HTTPMACConfig{Keys: k, Algorithm: "sha384"}, "Algorithm"},
		{HTTPMACConfig{Keys: k, Port: "https"}, "Port"},
		{HTTPMACConfig{Keys: k, Port: "123456"}, "Port"},
		{HTTPMACConfig{Keys: k, Host: "example.com:443"}, "put the port in Port"},
		{HTTPMACConfig{Keys: k, Host: "[::1]:443"}, "put the port in Port"},
		{HTTPMACConfig{Keys: k, Host: "::1"}, "bracket"},
		{HTTPMACConfig{Keys: k, Host: "https://example.com"}, "not a host name"},
		{HTTPMACConfig{Keys: k, Host: "exa mple.com"}, "not a host name"},
	}
	for _, c := range cases {
		_, err := NewHTTPMAC(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want error containing %q", c.cfg, err, c.want)
		}
	}
	// The configured secret is copied.
	secret := []byte("s")
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: secret}}})
	secret[0] = 'x'
	h := macAuth("id", "k", "nonce", "1:n", "mac", macOf(sha256.New, "s", macNormalized("1:n", "GET", "/", "receiver.test", "443", "", "")))
	if err := verifyFresh(m, macReq(http.MethodGet, "https://receiver.test/", "", "Authorization", h), nil); err != nil {
		t.Fatal(err)
	}
}

func TestMACAuthorizationParams(t *testing.T) {
	good := []struct {
		in   string
		want map[string]string
	}{
		{`MAC id="a",nonce="b"`, map[string]string{"id": "a", "nonce": "b"}},
		{`mac id = "a" ,	x="\"q\\"`, map[string]string{"id": "a", "x": `"q\`}},
		{`MAC id=""`, map[string]string{"id": ""}},
		{"  MAC\tid=\"a\"  ", map[string]string{"id": "a"}},
		{`MAC ID="A",id="a"`, map[string]string{"ID": "A", "id": "a"}},
		{`MAC id="\a\b"`, map[string]string{"id": "ab"}},
		{"MAC id=\"caf\xc3\xa9\"", map[string]string{"id": "caf\xc3\xa9"}},
	}
	for _, c := range good {
		got, ok := macAuthorizationParams(c.in)
		if !ok || len(got) != len(c.want) {
			t.Errorf("%q: %v %v", c.in, got, ok)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%q: %s=%q, want %q", c.in, k, got[k], v)
			}
		}
	}
	var seventeen []string
	for i := range 17 {
		seventeen = append(seventeen, fmt.Sprintf(`p%d="v"`, i))
	}
	bad := []string{
		"", "Basic abc", "MAC", "MAC ", "MACid=\"a\"", `MAC id=a`, `MAC id="a`, `MAC id="a",`, `MAC ,id="a"`,
		`MAC id="a",,nonce="b"`, `MAC id="a" nonce="b"`, `MAC id="a",id="b"`, `MAC id="a\"`, "MAC id=\"a\nb\"",
		"MAC id=\"a\\\x01\"", `MAC i d="a"`, `MAC ="a"`, `MAC id="a"x`, `MAC id=`, `MAC id`, `MAC "id"="a"`,
		"MAC " + strings.Join(seventeen, ","),
		`MAC id="` + strings.Repeat("a", 4096) + `"`,
	}
	for _, in := range bad {
		if p, ok := macAuthorizationParams(in); ok || p != nil {
			t.Errorf("%q accepted: %v", in, p)
		}
	}
	if _, ok := macAuthorizationParams("MAC " + strings.Join(seventeen[:16], ",")); !ok {
		t.Error("16 parameters rejected")
	}
}

// A receiver mounted under http.StripPrefix verifies the path the sender
// signed, not the stripped one.
func TestHTTPMACUnderStripPrefix(t *testing.T) {
	m := mustMAC(t, HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: []byte("secret")}}})
	var verr error
	h := http.StripPrefix("/grubhub", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		verr = verifyFresh(m, r, body)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := []byte(`{"a":1}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/grubhub/webhook?x=1", strings.NewReader(string(body)))
	if err := m.Sign(req, body, "", ""); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if verr != nil {
		t.Fatalf("verify under StripPrefix: %v", verr)
	}
}
