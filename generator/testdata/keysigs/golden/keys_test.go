package keysigs

// The generated tests sign with the verifier they test. These sign with
// the standard library's crypto, as a provider would, and send the
// requests through the generated options, whose keys are given as the
// providers publish them: hex (Discord), base64 DER (SendGrid), PEM.

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

type calls struct{ n int }

func (c *calls) HandleTest(context.Context, *Test) error { c.n++; return nil }

func post(t *testing.T, opts []Option, body string, headers ...string) (int, int) {
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
	return w.Code, c.n
}

const body = `{"test": 2432232314}`

func spki(t *testing.T, k crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// check sends the good request and each bad one, wanting 200 with one
// call, then 401 with none.
func check(t *testing.T, opts []Option, good []string, bad map[string][]string) {
	t.Helper()
	if code, n := post(t, opts, body, good...); code != http.StatusOK || n != 1 {
		t.Fatalf("signed request: status %d, %d calls", code, n)
	}
	for name, h := range bad {
		b := body
		if name == "tampered body" {
			b = strings.Replace(body, "4}", "5}", 1)
		}
		if code, n := post(t, opts, b, h...); code != http.StatusUnauthorized || n != 0 {
			t.Errorf("%s: status %d, %d calls; want 401 and none", name, code, n)
		}
	}
}

func TestEd25519AsDiscordSigns(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	oldPub, oldPriv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)
	sign := func(k ed25519.PrivateKey, ts, b string) string {
		return hex.EncodeToString(ed25519.Sign(k, []byte(ts+b)))
	}
	// The portal's hex key, and a key being retired beside it.
	opts := []Option{WithEd25519(hex.EncodeToString(pub), hex.EncodeToString(oldPub))}
	check(t, opts, []string{"X-Signature-Ed25519", sign(priv, now, body), "X-Signature-Timestamp", now}, map[string][]string{
		"other key":      {"X-Signature-Ed25519", sign(other, now, body), "X-Signature-Timestamp", now},
		"tampered body":  {"X-Signature-Ed25519", sign(priv, now, body), "X-Signature-Timestamp", now},
		"stale":          {"X-Signature-Ed25519", sign(priv, stale, body), "X-Signature-Timestamp", stale},
		"not hex":        {"X-Signature-Ed25519", "x" + sign(priv, now, body)[1:], "X-Signature-Timestamp", now},
		"no timestamp":   {"X-Signature-Ed25519", sign(priv, now, body)},
		"no signature":   {"X-Signature-Timestamp", now},
		"base64 instead": {"X-Signature-Ed25519", base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(now+body))), "X-Signature-Timestamp", now},
	})
	if code, n := post(t, opts, body, "X-Signature-Ed25519", sign(oldPriv, now, body), "X-Signature-Timestamp", now); code != http.StatusOK || n != 1 {
		t.Errorf("the second key: status %d, %d calls", code, n)
	}
}

func TestECDSAAsSendGridSigns(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sign := func(k *ecdsa.PrivateKey, ts, b string) string {
		d := sha256.Sum256([]byte(ts + b))
		sig, err := ecdsa.SignASN1(rand.Reader, k, d[:])
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(sig)
	}
	opts := []Option{WithEcdsa(base64.StdEncoding.EncodeToString(spki(t, &key.PublicKey)))}
	check(t, opts, []string{"X-Signature-ECDSA", sign(key, now, body), "X-Timestamp", now}, map[string][]string{
		"other key":     {"X-Signature-ECDSA", sign(other, now, body), "X-Timestamp", now},
		"tampered body": {"X-Signature-ECDSA", sign(key, now, body), "X-Timestamp", now},
		"other time":    {"X-Signature-ECDSA", sign(key, now, body), "X-Timestamp", now + "1"},
		"not base64":    {"X-Signature-ECDSA", "%%" + sign(key, now, body), "X-Timestamp", now},
	})
}

func TestRSA(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki(t, &key.PublicKey)}))
	pkcs1 := func(k *rsa.PrivateKey, b string) string {
		d := sha256.Sum256([]byte(b))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
		return base64.StdEncoding.EncodeToString(sig)
	}
	check(t, []Option{WithPkcs1(pemKey)}, []string{"X-Signature-RSA", pkcs1(key, body)}, map[string][]string{
		"other key":     {"X-Signature-RSA", pkcs1(other, body)},
		"tampered body": {"X-Signature-RSA", pkcs1(key, body)},
	})
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-301*time.Second).Unix(), 10)
	pss := func(k *rsa.PrivateKey, ts, b string) string {
		d := sha256.Sum256([]byte(ts + "." + b))
		sig, _ := rsa.SignPSS(rand.Reader, k, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		return base64.RawURLEncoding.EncodeToString(sig)
	}
	check(t, []Option{WithPss(pemKey)}, []string{"X-Signature-PSS", pss(key, now, body), "X-Timestamp", now}, map[string][]string{
		"other key":         {"X-Signature-PSS", pss(other, now, body), "X-Timestamp", now},
		"tampered body":     {"X-Signature-PSS", pss(key, now, body), "X-Timestamp", now},
		"stale":             {"X-Signature-PSS", pss(key, stale, body), "X-Timestamp", stale},
		"PKCS #1 v1.5 sig.": {"X-Signature-PSS", strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(pkcs1(key, now+"."+body)), "="), "X-Timestamp", now},
	})
}

func TestOptionsRefuseBadKeys(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	for name, opt := range map[string]Option{
		"garbage":            WithEd25519("not a key"),
		"short hex":          WithEd25519(hex.EncodeToString(pub[:16])),
		"Ed25519 for ECDSA":  WithEcdsa(hex.EncodeToString(pub)),
		"no key":             WithPkcs1(),
		"PEM of another key": WithPss(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki(t, pub)}))),
	} {
		_, err := NewServer(new(calls), opt)
		if err == nil {
			t.Errorf("%s: NewServer started", name)
			continue
		}
		if !strings.Contains(err.Error(), "security scheme") {
			t.Errorf("%s: %v does not name the scheme", name, err)
		}
	}
}
