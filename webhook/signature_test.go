package webhook

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The signatures below are made with the standard library's crypto
// directly, the way each provider documents it, not with Signature.Sign
// (except where Sign itself is tested).

// testRSAKeys are generated once: RSA key generation is slow.
var testRSAKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func newEd25519(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func newP256(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// discordConfig is Discord's layout: hex Ed25519 over timestamp + body.
func discordConfig(now time.Time, keys ...crypto.PublicKey) SignatureConfig {
	return SignatureConfig{
		Algorithm:       Ed25519,
		Header:          "X-Signature-Ed25519",
		TimestampHeader: "X-Signature-Timestamp",
		Content:         "{timestamp}{body}",
		Tolerance:       5 * time.Minute,
		PublicKeys:      keys,
		Now:             fixedNow(now),
	}
}

func mustSignature(t *testing.T, cfg SignatureConfig) *Signature {
	t.Helper()
	s, err := NewSignature(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSignatureDiscordEd25519(t *testing.T) {
	pub, priv := newEd25519(t)
	otherPub, other := newEd25519(t)
	now := time.Unix(1700000000, 0)
	const body = `{"type":1}`
	ts := strconv.FormatInt(now.Unix(), 10)
	sign := func(k ed25519.PrivateKey, ts, body string) string {
		return hex.EncodeToString(ed25519.Sign(k, []byte(ts+body)))
	}
	s := mustSignature(t, discordConfig(now, pub))
	if err := s.Verify(newReq(body, "X-Signature-Ed25519", sign(priv, ts, body), "X-Signature-Timestamp", ts), []byte(body)); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	// Rotation: the second key verifies what the first does not.
	both := mustSignature(t, discordConfig(now, otherPub, pub))
	if err := both.Verify(newReq(body, "X-Signature-Ed25519", sign(priv, ts, body), "X-Signature-Timestamp", ts), []byte(body)); err != nil {
		t.Fatalf("second key: %v", err)
	}
	stale := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	sig := sign(priv, ts, body)
	for _, c := range []struct {
		name, body string
		headers    []string
		want       string
	}{
		{"other key", body, []string{"X-Signature-Ed25519", sign(other, ts, body), "X-Signature-Timestamp", ts}, "signature mismatch"},
		{"tampered body", `{"type":2}`, []string{"X-Signature-Ed25519", sig, "X-Signature-Timestamp", ts}, "signature mismatch"},
		{"other timestamp", body, []string{"X-Signature-Ed25519", sig, "X-Signature-Timestamp", strconv.FormatInt(now.Unix()+1, 10)}, "signature mismatch"},
		{"stale timestamp", body, []string{"X-Signature-Ed25519", sign(priv, stale, body), "X-Signature-Timestamp", stale}, "too old"},
		{"future timestamp", body, []string{"X-Signature-Ed25519", sign(priv, future, body), "X-Signature-Timestamp", future}, "future"},
		{"no timestamp", body, []string{"X-Signature-Ed25519", sig}, "missing X-Signature-Timestamp"},
		{"malformed timestamp", body, []string{"X-Signature-Ed25519", sign(priv, "+"+ts, body), "X-Signature-Timestamp", "+" + ts}, "malformed timestamp"},
		{"not hex", body, []string{"X-Signature-Ed25519", "zz" + sig[2:], "X-Signature-Timestamp", ts}, "malformed signature"},
		{"odd hex", body, []string{"X-Signature-Ed25519", sig[1:], "X-Signature-Timestamp", ts}, "malformed signature"},
		{"short signature", body, []string{"X-Signature-Ed25519", sig[:64], "X-Signature-Timestamp", ts}, "signature mismatch"},
		{"huge signature", body, []string{"X-Signature-Ed25519", strings.Repeat("00", 5000), "X-Signature-Timestamp", ts}, "malformed signature"},
		{"base64 signature", body, []string{"X-Signature-Ed25519", base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(ts+body))), "X-Signature-Timestamp", ts}, "malformed signature"},
		{"two headers", body, []string{"X-Signature-Ed25519", sig, "X-Signature-Ed25519", sig, "X-Signature-Timestamp", ts}, "several"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.Verify(newReq(c.body, c.headers...), []byte(c.body))
			mustContain(t, err, c.want)
			if errors.Is(err, ErrNoCredentials) {
				t.Errorf("%v: a presented signature is not missing credentials", err)
			}
		})
	}
	err := s.Verify(newReq(body, "X-Signature-Timestamp", ts), []byte(body))
	if !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no signature: %v, want ErrNoCredentials", err)
	}
	if err := s.VerifyHeader(newReq(body, "X-Signature-Timestamp", ts)); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("VerifyHeader without signature: %v", err)
	}
	if err := s.VerifyHeader(newReq(body, "X-Signature-Ed25519", sig)); err != ErrNeedBody {
		t.Errorf("VerifyHeader with signature: %v, want ErrNeedBody", err)
	}
}

func TestSignatureSendGridECDSA(t *testing.T) {
	key, other := newP256(t), newP256(t)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	// SendGrid shows its verification key as the base64 of the DER
	// SubjectPublicKeyInfo.
	pub, err := ParsePublicKey(base64.StdEncoding.EncodeToString(der))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1700000000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	const body = `[{"email":"example@test.com","timestamp":1513299569,"event":"delivered","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id"}]` + "\r\n"
	const sigHeader, tsHeader = "X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"
	s := mustSignature(t, SignatureConfig{
		Algorithm: ECDSAP256SHA256, Encoding: "base64",
		Header: sigHeader, TimestampHeader: tsHeader, Content: "{timestamp}{body}",
		PublicKeys: []crypto.PublicKey{pub}, Now: fixedNow(now),
	})
	sign := func(k *ecdsa.PrivateKey, ts, body string) string {
		digest := sha256.Sum256([]byte(ts + body))
		sig, err := ecdsa.SignASN1(rand.Reader, k, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(sig)
	}
	if err := s.Verify(newReq(body, sigHeader, sign(key, ts, body), tsHeader, ts), []byte(body)); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	// The same signature as the 64 bytes of r and s.
	digest := sha256.Sum256([]byte(ts + body))
	r, ss, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	raw := append(r.FillBytes(make([]byte, 32)), ss.FillBytes(make([]byte, 32))...)
	if err := s.Verify(newReq(body, sigHeader, base64.StdEncoding.EncodeToString(raw), tsHeader, ts), []byte(body)); err != nil {
		t.Fatalf("r||s signature: %v", err)
	}
	// Without a tolerance an old timestamp is accepted, as signed.
	old := "1513299569"
	if err := s.Verify(newReq(body, sigHeader, sign(key, old, body), tsHeader, old), []byte(body)); err != nil {
		t.Fatalf("old timestamp without tolerance: %v", err)
	}
	for _, c := range []struct {
		name, body string
		headers    []string
		want       string
	}{
		{"other key", body, []string{sigHeader, sign(other, ts, body), tsHeader, ts}, "signature mismatch"},
		{"tampered body", strings.Replace(body, "delivered", "bounce", 1), []string{sigHeader, sign(key, ts, body), tsHeader, ts}, "signature mismatch"},
		{"body without its CRLF", strings.TrimSuffix(body, "\r\n"), []string{sigHeader, sign(key, ts, body), tsHeader, ts}, "signature mismatch"},
		{"not base64", body, []string{sigHeader, "MEUCIQ*" + sign(key, ts, body)[7:], tsHeader, ts}, "malformed signature"},
		{"DER cut short", body, []string{sigHeader, base64.StdEncoding.EncodeToString([]byte{0x30, 0x44, 0x02}), tsHeader, ts}, "signature mismatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, s.Verify(newReq(c.body, c.headers...), []byte(c.body)), c.want)
		})
	}
}

func TestSignatureRSA(t *testing.T) {
	keys := testRSAKeys()
	const body = `{"id":"evt_1"}`
	digest := sha256.Sum256([]byte(body))
	for _, c := range []struct {
		alg  string
		sign func(k *rsa.PrivateKey) []byte
	}{
		{RSAPKCS1v15SHA256, func(k *rsa.PrivateKey) []byte {
			sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
			if err != nil {
				t.Fatal(err)
			}
			return sig
		}},
		{RSAPSSSHA256, func(k *rsa.PrivateKey) []byte {
			// The largest salt, as some signers use: any length verifies.
			sig, err := rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
			if err != nil {
				t.Fatal(err)
			}
			return sig
		}},
	} {
		t.Run(c.alg, func(t *testing.T) {
			block := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&keys[0].PublicKey)})
			pub, err := ParsePublicKey(string(block))
			if err != nil {
				t.Fatal(err)
			}
			s := mustSignature(t, SignatureConfig{Algorithm: c.alg, Encoding: "base64url", Header: "Signature", PublicKeys: []crypto.PublicKey{pub}})
			ok := base64.RawURLEncoding.EncodeToString(c.sign(keys[0]))
			if err := s.Verify(newReq(body, "Signature", ok), []byte(body)); err != nil {
				t.Fatalf("valid: %v", err)
			}
			mustContain(t, s.Verify(newReq(body, "Signature", base64.RawURLEncoding.EncodeToString(c.sign(keys[1]))), []byte(body)), "mismatch")
			mustContain(t, s.Verify(newReq(body+" ", "Signature", ok), []byte(body+" ")), "mismatch")
		})
	}
	// A PKCS #1 v1.5 signature is not a PSS one, nor the other way round.
	pkcs, _ := rsa.SignPKCS1v15(rand.Reader, keys[0], crypto.SHA256, digest[:])
	pss := mustSignature(t, SignatureConfig{Algorithm: RSAPSSSHA256, Header: "Signature", PublicKeys: []crypto.PublicKey{&keys[0].PublicKey}})
	mustContain(t, pss.Verify(newReq(body, "Signature", hex.EncodeToString(pkcs)), []byte(body)), "mismatch")
}

func TestSignatureSignRoundTrip(t *testing.T) {
	edPub, edPriv := newEd25519(t)
	ec := newP256(t)
	rk := testRSAKeys()[0]
	now := time.Unix(1700000000, 0)
	for _, c := range []struct {
		alg  string
		pub  crypto.PublicKey
		priv crypto.Signer
	}{
		{Ed25519, edPub, edPriv},
		{ECDSAP256SHA256, &ec.PublicKey, ec},
		{RSAPKCS1v15SHA256, &rk.PublicKey, rk},
		{RSAPSSSHA256, &rk.PublicKey, rk},
	} {
		t.Run(c.alg, func(t *testing.T) {
			cfg := SignatureConfig{Algorithm: c.alg, Encoding: "base64", Header: "X-Sig", TimestampHeader: "X-Ts", Content: "{timestamp}.{body}",
				Tolerance: time.Minute, PublicKeys: []crypto.PublicKey{c.pub}, Now: fixedNow(now)}
			s := mustSignature(t, cfg)
			const body = `{"a":1}`
			r := newReq(body)
			if err := s.Sign(r.Header, []byte(body), c.priv, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("X-Ts"); got != "1700000000" {
				t.Errorf("timestamp %q", got)
			}
			if err := s.Verify(r, []byte(body)); err != nil {
				t.Fatalf("verify what Sign made: %v", err)
			}
			mustContain(t, s.Verify(r, []byte(`{"a":2}`)), "mismatch")
			// A key of another kind is refused.
			if err := s.Sign(r.Header, []byte(body), wrongKind(c.alg, t), time.Time{}); err == nil {
				t.Error("Sign with a key of another kind succeeded")
			}
		})
	}
}

// wrongKind is a private key that alg does not use.
func wrongKind(alg string, t *testing.T) crypto.Signer {
	if alg == Ed25519 {
		return newP256(t)
	}
	_, k := newEd25519(t)
	return k
}

func TestNewSignatureRefuses(t *testing.T) {
	edPub, _ := newEd25519(t)
	ec := newP256(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	keys := []crypto.PublicKey{edPub}
	base := SignatureConfig{Algorithm: Ed25519, Header: "X-Sig", PublicKeys: keys}
	for _, c := range []struct {
		name string
		edit func(*SignatureConfig)
		want string
	}{
		{"no algorithm", func(c *SignatureConfig) { c.Algorithm = "" }, "Algorithm is required"},
		{"unknown algorithm", func(c *SignatureConfig) { c.Algorithm = "rsa-sha1" }, `Algorithm "rsa-sha1"`},
		{"unknown encoding", func(c *SignatureConfig) { c.Encoding = "base32" }, `Encoding "base32"`},
		{"no header", func(c *SignatureConfig) { c.Header = " " }, "Header is required"},
		{"unknown format", func(c *SignatureConfig) { c.Format = "paypal" }, `Format "paypal"`},
		{"timestamp not signed", func(c *SignatureConfig) { c.TimestampHeader = "X-Ts" }, "does not sign {timestamp}"},
		{"timestamp without header", func(c *SignatureConfig) { c.Content = "{timestamp}{body}" }, "TimestampHeader is not set"},
		{"tolerance without timestamp", func(c *SignatureConfig) { c.Tolerance = time.Minute }, "Tolerance is set"},
		{"negative tolerance", func(c *SignatureConfig) { c.Tolerance = -time.Minute }, "negative"},
		{"id", func(c *SignatureConfig) { c.Content = "{id}{body}" }, "not {id}"},
		{"no body", func(c *SignatureConfig) { c.Content = "x" }, "must include {body}"},
		{"no key", func(c *SignatureConfig) { c.PublicKeys = nil }, "at least one public key"},
		{"nil key", func(c *SignatureConfig) { c.PublicKeys = []crypto.PublicKey{nil} }, "public key 0"},
		{"key of another algorithm", func(c *SignatureConfig) { c.PublicKeys = []crypto.PublicKey{edPub, &ec.PublicKey} }, "public key 1: a *ecdsa.PublicKey is not a key of ed25519"},
		{"small RSA key", func(c *SignatureConfig) {
			c.Algorithm, c.PublicKeys = RSAPKCS1v15SHA256, []crypto.PublicKey{&small.PublicKey}
		}, "1024 bits"},
		{"P-384 key", func(c *SignatureConfig) {
			k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			c.Algorithm, c.PublicKeys = ECDSAP256SHA256, []crypto.PublicKey{&k.PublicKey}
		}, "not a key of ecdsa-p256-sha256"},
		{"cert hosts for a header", func(c *SignatureConfig) { c.CertHosts = []string{"example.com"} }, "for Format aws-sns"},
		{"aws-sns with keys", func(c *SignatureConfig) { c.Format, c.Algorithm = "aws-sns", "" }, "aws-sns takes"},
		{"aws-sns bad host", func(c *SignatureConfig) {
			*c = SignatureConfig{Format: "aws-sns", CertHosts: []string{"https://sns.example.com/"}}
		}, "not a host[:port] pattern"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			c.edit(&cfg)
			_, err := NewSignature(cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	edPub, _ := newEd25519(t)
	ec := newP256(t)
	rk := testRSAKeys()[0]
	spki := func(k crypto.PublicKey) []byte {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "signer"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ec.PublicKey, ec)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	for _, c := range []struct {
		name, text string
		want       crypto.PublicKey
	}{
		{"Discord hex", hex.EncodeToString(edPub), edPub},
		{"hex upper case with spaces", "  " + strings.ToUpper(hex.EncodeToString(edPub)) + "\n", edPub},
		{"Ed25519 base64", base64.StdEncoding.EncodeToString(edPub), edPub},
		{"Ed25519 PEM", pemOf("PUBLIC KEY", spki(edPub)), edPub},
		{"SendGrid base64 DER", base64.StdEncoding.EncodeToString(spki(&ec.PublicKey)), &ec.PublicKey},
		{"base64url DER unpadded", base64.RawURLEncoding.EncodeToString(spki(&ec.PublicKey)), &ec.PublicKey},
		{"hex DER", hex.EncodeToString(spki(&ec.PublicKey)), &ec.PublicKey},
		{"ECDSA PEM", pemOf("PUBLIC KEY", spki(&ec.PublicKey)), &ec.PublicKey},
		{"certificate PEM", pemOf("CERTIFICATE", cert), &ec.PublicKey},
		{"certificate base64", base64.StdEncoding.EncodeToString(cert), &ec.PublicKey},
		{"RSA PKIX PEM", pemOf("PUBLIC KEY", spki(&rk.PublicKey)), &rk.PublicKey},
		{"RSA PKCS1 PEM", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rk.PublicKey)), &rk.PublicKey},
		{"RSA PKCS1 base64", base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&rk.PublicKey)), &rk.PublicKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParsePublicKey(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if eq, ok := got.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(c.want) {
				t.Fatalf("got %T %v, want %T", got, got, c.want)
			}
		})
	}
	for _, bad := range []string{
		"", "not a key", hex.EncodeToString(edPub[:31]), base64.StdEncoding.EncodeToString([]byte("thirty-three bytes of nothing....")),
		"-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n",
		pemOf("EC PRIVATE KEY", []byte{1, 2, 3}),
		pemOf("PUBLIC KEY", []byte{1, 2, 3}),
		pemOf("PUBLIC KEY", spki(edPub)) + pemOf("PUBLIC KEY", spki(edPub)),
	} {
		if k, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) = %T, want an error", bad, k)
		}
	}
}
