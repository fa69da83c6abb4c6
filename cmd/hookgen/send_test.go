package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/generated/twilio"
	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/webhook"
)

// TestSendAPIKeyAndUnnamedExamples: -api-key puts the key where the spec's
// httpApiKey scheme says, and examples without a name are numbered.
func TestSendAPIKeyAndUnnamedExamples(t *testing.T) {
	t.Parallel()
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  r: {url: 'https://r.test', protocol: https, security: [{key: []}]}
channels:
  /hook:
    publish:
      message:
        name: Ping
        payload: {type: object, properties: {n: {type: integer}}}
        examples: [{payload: {n: 1}}, {payload: {n: 2}}]
components:
  securitySchemes:
    key: {type: httpApiKey, name: X-Api-Key, in: header}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path+" "+r.Header.Get("X-Api-Key"))
		if r.Header.Get("X-Api-Key") != "k-123" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-api-key", "k-123")
	if r.code != 0 || !strings.Contains(r.stdout, "Ping/#2 -> 200 OK") {
		t.Fatalf("send: %v", r)
	}
	if len(got) != 2 || got[0] != "/hook k-123" {
		t.Errorf("requests: %v", got)
	}
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-api-key", "wrong"); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("wrong key: %v", r)
	}
}

// TestSignatureConfigFields checks that every setting model.Signature
// hands to webhook.HMACConfig by name is a string field there.
func TestSignatureConfigFields(t *testing.T) {
	cfg := reflect.TypeFor[webhook.HMACConfig]()
	for _, kv := range new(model.Signature).ConfigFields() {
		if f, ok := cfg.FieldByName(kv[0]); !ok || f.Type.Kind() != reflect.String {
			t.Errorf("webhook.HMACConfig has no string field %s", kv[0])
		}
	}
}

// TestSendCustomHMAC: -secret signs as the spec's x-hookgen-hmac says, and
// a receiver configured by hand the same way accepts it.
func TestSendCustomHMAC(t *testing.T) {
	t.Parallel()
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  r: {url: 'https://r.test', protocol: https, security: [{sig: []}]}
channels:
  /hook:
    publish:
      message:
        name: Ping
        payload: {type: object, properties: {n: {type: integer}}}
        examples: [{payload: {n: 1}}]
components:
  securitySchemes:
    sig:
      type: httpApiKey
      name: X-Signature
      in: header
      x-hookgen-hmac: {algorithm: sha512, encoding: hex, prefix: v1=, timestampHeader: X-Timestamp, content: '{timestamp}:{body}', tolerance: 5m}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	verifier, err := webhook.NewHMAC(webhook.HMACConfig{
		Algorithm: "sha512", Encoding: "hex", Header: "X-Signature", Prefix: "v1=",
		TimestampHeader: "X-Timestamp", Content: "{timestamp}:{body}", Tolerance: 5 * time.Minute,
		Secrets: [][]byte{[]byte("s3cret")},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifier.Verify(r, body); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-secret", "s3cret"); r.code != 0 || !strings.Contains(r.stdout, "200 OK") {
		t.Fatalf("send: %v", r)
	}
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-secret", "wrong"); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("wrong secret: %v", r)
	}
}

// TestSendStandardWebhooks: -secret signs a standard-webhooks scheme with
// the header names the scheme's name picks (Svix's for svix-signature),
// keyed with the base64-decoded whsec_ secret. The receiver checks it the
// way Svix documents, without hookgen's verifier.
func TestSendStandardWebhooks(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"svix-", "webhook-"} {
		t.Run(prefix, func(t *testing.T) {
			t.Parallel()
			spec := filepath.Join(t.TempDir(), "spec.yaml")
			if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  r: {url: 'https://r.test', protocol: https, security: [{sig: []}]}
channels:
  /hook:
    publish:
      message:
        name: Ping
        payload: {type: object, properties: {n: {type: integer}}}
        examples: [{payload: {n: 1}}]
components:
  securitySchemes:
    sig:
      type: httpApiKey
      name: `+prefix+`signature
      in: header
      x-hookgen-hmac: {format: standard-webhooks}
`), 0o644); err != nil {
				t.Fatal(err)
			}
			other := map[string]string{"svix-": "webhook-", "webhook-": "svix-"}[prefix]
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				id, ts, sig := r.Header.Get(prefix+"id"), r.Header.Get(prefix+"timestamp"), r.Header.Get(prefix+"signature")
				m := hmac.New(sha256.New, key)
				m.Write([]byte(id + "." + ts + "." + string(body)))
				want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
				if id == "" || ts == "" || sig != want || r.Header.Get(other+"signature") != "" {
					http.Error(w, "bad signature "+sig, http.StatusUnauthorized)
				}
			}))
			defer srv.Close()
			if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-secret", secret); r.code != 0 || !strings.Contains(r.stdout, "200 OK") {
				t.Fatalf("send: %v", r)
			}
			if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-secret", "whsec_d3JvbmctLXdyb25nLS13cm9uZy0td3Jvbmc="); r.code != 1 || !strings.Contains(r.stdout, "401") {
				t.Errorf("wrong secret: %v", r)
			}
		})
	}
}

// TestSendSameDelivery: DoorDash's seed examples are nine copies of one
// DASHER_CONFIRMED delivery. send says so, sends it once to a real
// generated receiver, and reports that one answer; with the project's
// overlay the nine are distinct and each is sent.
func TestSendSameDelivery(t *testing.T) {
	t.Parallel()
	var calls []string
	receiver := func() *httptest.Server { // a new one de-duplicates nothing yet
		handler := doordash.EventFunc(func(_ context.Context, message string, _ any) error {
			calls = append(calls, message)
			return nil
		})
		srv, err := doordash.NewServer(handler, doordash.WithBasicAuth(webhook.Credential{Username: "u", Password: "p"}))
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return ts
	}
	ts := receiver()
	r := runCLI(t, "send", "-spec", doordashSpec, "-url", ts.URL, "-basic", "u:p")
	if r.code != 0 || strings.Count(r.stdout, " -> ") != 1 {
		t.Fatalf("send: want one delivery reported:\n%v", r)
	}
	for _, want := range []string{"note: every example routes to DasherConfirmed", "the same delivery) -> 200 OK", "1 sent, 0 not answered 200"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout does not say %q:\n%s", want, r.stdout)
		}
	}
	if len(calls) != 1 || calls[0] != "DasherConfirmed" {
		t.Errorf("handler calls %v, want [DasherConfirmed]", calls)
	}
	calls = nil
	r = runCLI(t, "send", "-spec", doordashSpec, "-overlay", "../../specs/overlays/doordash.yaml", "-url", receiver().URL, "-basic", "u:p")
	if r.code != 0 || strings.Contains(r.stdout, "note:") || !strings.Contains(r.stdout, "9 sent") || len(calls) != 9 {
		t.Errorf("with the overlay: %d calls\n%v", len(calls), r)
	}
}

// TestSendPrivateKey: -private-key signs as the spec's x-hookgen-signature
// says; the receiver checks the signature with crypto/ecdsa, as SendGrid's
// documentation does, not with hookgen's verifier.
func TestSendPrivateKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`asyncapi: 2.6.0
info: {title: T, version: '1'}
servers:
  r: {url: 'https://r.test', protocol: https, security: [{sig: []}]}
channels:
  /hook:
    publish:
      message:
        name: Ping
        payload: {type: object, properties: {n: {type: integer}}}
        examples: [{payload: {n: 1}}]
components:
  securitySchemes:
    sig:
      type: asymmetricEncryption
      x-hookgen-signature:
        algorithm: ecdsa-p256-sha256
        encoding: base64
        header: X-Twilio-Email-Event-Webhook-Signature
        timestampHeader: X-Twilio-Email-Event-Webhook-Timestamp
        content: '{timestamp}{body}'
`), 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	writeKey := func(name string, k *ecdsa.PrivateKey, pkcs8 bool) string {
		der, typ := []byte(nil), "EC PRIVATE KEY"
		if pkcs8 {
			der, err = x509.MarshalPKCS8PrivateKey(k)
			typ = "PRIVATE KEY"
		} else {
			der, err = x509.MarshalECPrivateKey(k)
		}
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Twilio-Email-Event-Webhook-Signature"))
		digest := sha256.Sum256([]byte(r.Header.Get("X-Twilio-Email-Event-Webhook-Timestamp") + string(body)))
		if err != nil || r.Header.Get("X-Twilio-Email-Event-Webhook-Timestamp") == "" || !ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig) {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	for _, pkcs8 := range []bool{false, true} {
		if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-private-key", writeKey("key.pem", key, pkcs8)); r.code != 0 || !strings.Contains(r.stdout, "200 OK") {
			t.Fatalf("send (PKCS #8 %v): %v", pkcs8, r)
		}
	}
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-private-key", writeKey("other.pem", other, true)); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("other key: %v", r)
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ed)
	edPath := filepath.Join(dir, "ed.pem")
	os.WriteFile(edPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	if r := runCLI(t, "send", "-spec", spec, "-url", srv.URL, "-private-key", edPath); r.code != 1 || !strings.Contains(r.stderr, "not a key of ecdsa-p256-sha256") {
		t.Errorf("Ed25519 key for an ECDSA scheme: %v", r)
	}
}

// TestSendSNSRefused: an aws-sns scheme's signature needs a certificate
// on AWS's hosts, so -private-key refuses it, naming why, before anything
// is sent.
func TestSendSNSRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	sent := 0
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent++ }))
	defer srv.Close()
	r := runCLI(t, "send", "-spec", "../../specs/sns.yaml", "-url", srv.URL, "-private-key", path)
	if r.code != 1 || !strings.Contains(r.stderr, "scheme SNS is Amazon SNS's (x-hookgen-signature format aws-sns)") || sent != 0 {
		t.Errorf("send -private-key to an aws-sns spec: %v, %d sent", r, sent)
	}
}

// TestKeySignatureConfigFields checks that every setting
// model.KeySignature hands to webhook.SignatureConfig by name is a string
// field there.
func TestKeySignatureConfigFields(t *testing.T) {
	cfg := reflect.TypeFor[webhook.SignatureConfig]()
	for _, kv := range new(model.KeySignature).ConfigFields() {
		if f, ok := cfg.FieldByName(kv[0]); !ok || f.Type.Kind() != reflect.String {
			t.Errorf("webhook.SignatureConfig has no string field %s", kv[0])
		}
	}
}

// twilioRecorder counts Twilio's status callbacks.
type twilioRecorder struct {
	twilio.UnimplementedHandler
	got chan *twilio.MessageStatusCallback
}

func (r *twilioRecorder) HandleMessageStatus(_ context.Context, e *twilio.MessageStatusCallback) error {
	r.got <- e
	return nil
}

// TestSendTwilio: send encodes a form message's examples as forms and signs
// them as Twilio does (the URL and the sorted form), which the generated
// receiver accepts.
func TestSendTwilio(t *testing.T) {
	t.Parallel()
	rec := &twilioRecorder{got: make(chan *twilio.MessageStatusCallback, 4)}
	var srv http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	s, err := twilio.NewServer(rec, twilio.WithTwilioSignature("auth-token"), twilio.WithPublicURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	srv = s
	spec := filepath.Join("..", "..", "specs", "twilio.yaml")
	if r := runCLI(t, "send", "-spec", spec, "-url", ts.URL, "-secret", "auth-token"); r.code != 0 || strings.Count(r.stdout, "200 OK") != 2 {
		t.Fatalf("send: %v", r)
	}
	statuses := map[twilio.MessageStatusValue]int64{}
	for range 2 {
		e := <-rec.got
		statuses[e.MessageStatus] = e.GetErrorCode()
	}
	if want := map[twilio.MessageStatusValue]int64{"delivered": 0, "undelivered": 30003}; !reflect.DeepEqual(statuses, want) {
		t.Errorf("handled %v, want %v", statuses, want)
	}
	if r := runCLI(t, "send", "-spec", spec, "-url", ts.URL, "-secret", "wrong"); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("wrong secret: %v", r)
	}
}
