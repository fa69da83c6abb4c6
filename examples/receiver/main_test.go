package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/generated/fulflld"
	"github.com/hookgen/hookgen/generated/github"
	"github.com/hookgen/hookgen/generated/grubhub"
	"github.com/hookgen/hookgen/generated/instabee"
	"github.com/hookgen/hookgen/generated/instacart"
	"github.com/hookgen/hookgen/generated/stripe"
	"github.com/hookgen/hookgen/webhook"
)

// icSecret is Instacart's client secret: the token endpoint wants 32+ bytes.
const icSecret = "ic-secret-0123456789abcdef0123456789"

var testEnv = map[string]string{
	"DOORDASH_USERNAME": "dd", "DOORDASH_PASSWORD": "dd-secret",
	"GRUBHUB_USERNAME": "gh", "GRUBHUB_PASSWORD": "gh-secret",
	"GRUBHUB_MAC_KEY_ID": "gh-key", "GRUBHUB_MAC_KEY": "gh-mac-secret",
	"GRUBHUB_MAC_KEY_ISSUED_AT": "2026-01-02T09:00:00Z",
	"INSTACART_CLIENT_ID":       "ic", "INSTACART_CLIENT_SECRET": icSecret,
	"INSTACART_SIGNING_KEY": "0123456789abcdef0123456789abcdef",
	"INSTABEE_USERNAME":     "ib", "INSTABEE_PASSWORD": "ib-secret",
	"FULFLLD_USERNAME": "ff", "FULFLLD_PASSWORD": "ff-secret",
	"GITHUB_WEBHOOK_SECRET": "gh-webhook-secret",
	"STRIPE_WEBHOOK_SECRET": "whsec_receiver-test",
}

// hexMAC is the hex HMAC-SHA256 of msg under secret.
func hexMAC(secret string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil))
}

// signGitHub and signStripe sign a delivery as GitHub and Stripe do.
func signGitHub(r *http.Request, body []byte) {
	r.Header.Set("X-Hub-Signature-256", "sha256="+hexMAC(testEnv["GITHUB_WEBHOOK_SECRET"], body))
}

func signStripe(r *http.Request, body []byte) {
	t := strconv.FormatInt(time.Now().Unix(), 10)
	r.Header.Set("Stripe-Signature", "t="+t+",v1="+hexMAC(testEnv["STRIPE_WEBHOOK_SECRET"], append([]byte(t+"."), body...)))
}

func newTestServer(t *testing.T, env map[string]string, insecure bool) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	mux, err := newMux(config{insecure: insecure, env: func(k string) string { return env[k] }}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &logs
}

// TestReceiverDeliversEveryExample sends every example of every provider
// over a loopback listener with the provider's credentials.
func TestReceiverDeliversEveryExample(t *testing.T) {
	srv, logs := newTestServer(t, testEnv, false)
	cc := clientcredentials.Config{ClientID: "ic", ClientSecret: icSecret, TokenURL: srv.URL + "/instacart/oauth/token"}
	tok, err := cc.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		provider, user, pass string
		examples             []webhook.Example
		sign                 func(*http.Request, []byte)
	}{
		{"doordash", "dd", "dd-secret", doordash.Examples(), nil},
		{"grubhub", "gh", "gh-secret", grubhub.Examples(), nil},
		{"instacart", "", "", instacart.Examples(), nil},
		{"instabee", "ib", "ib-secret", instabee.Examples(), nil},
		{"fulflld", "ff", "ff-secret", fulflld.Examples(), nil},
		{"github", "", "", github.Examples(), signGitHub},
		{"stripe", "", "", stripe.Examples(), signStripe},
	}
	for _, c := range cases {
		for _, ex := range c.examples {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/"+c.provider+ex.Channel, bytes.NewReader(ex.Payload))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for k, v := range ex.Headers {
				req.Header.Set(k, v)
			}
			switch {
			case c.sign != nil:
				c.sign(req, ex.Payload)
			case c.user != "":
				req.SetBasicAuth(c.user, c.pass)
			default:
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d", c.provider, ex.Name, resp.StatusCode)
			}
		}
	}
	if !strings.Contains(logs.String(), "message=DasherConfirmed") {
		t.Errorf("events are not logged:\n%s", logs)
	}
}

func TestReceiverRefusesWrongCredentials(t *testing.T) {
	srv, _ := newTestServer(t, testEnv, false)
	ex := doordash.Examples()[0]
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/doordash"+ex.Channel, bytes.NewReader(ex.Payload))
	req.SetBasicAuth("dd", "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
}

func TestReceiverNeedsCredentialsOrInsecure(t *testing.T) {
	none := func(string) string { return "" }
	if _, err := newMux(config{env: none}, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("started with no provider configured")
	}
	srv, _ := newTestServer(t, map[string]string{}, true)
	ex := grubhub.Examples()[4]
	resp, err := http.Post(srv.URL+"/grubhub"+ex.Channel, "application/json", bytes.NewReader(ex.Payload))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("insecure: status %d", resp.StatusCode)
	}
}

// TestMetrics: a Prometheus scrape of /metrics shows the deliveries sent,
// by provider, message and outcome, and the authentication failures.
func TestMetrics(t *testing.T) {
	srv, _ := newTestServer(t, testEnv, false)
	send := func(pass string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/doordash/webhook", strings.NewReader(`{"event_type":"DASHER_CONFIRMED","external_delivery_id":"M-1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("dd", pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		pass   string
		status int
	}{{"dd-secret", 200}, {"dd-secret", 200}, {"wrong", 401}} { // handled, duplicate, refused
		if got := send(c.pass); got != c.status {
			t.Fatalf("status %d, want %d", got, c.status)
		}
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	if _, err := io.Copy(&body, resp.Body); err != nil {
		t.Fatal(err)
	}
	scrape := body.String()
	for _, want := range []string{
		`hookgen_deliveries_total{message="DasherConfirmed",otel_scope_name="github.com/hookgen/hookgen/webhook/otelhook",otel_scope_schema_url="",otel_scope_version="",outcome="handled",provider="doordash"} 1`,
		`hookgen_deliveries_total{message="DasherConfirmed",otel_scope_name="github.com/hookgen/hookgen/webhook/otelhook",otel_scope_schema_url="",otel_scope_version="",outcome="duplicate",provider="doordash"} 1`,
		`hookgen_dedup_hits_total{message="DasherConfirmed"`,
		`hookgen_auth_failures_total{otel_scope_name="github.com/hookgen/hookgen/webhook/otelhook",otel_scope_schema_url="",otel_scope_version="",provider="doordash",scheme="basicAuth"} 1`,
		`hookgen_handler_duration_seconds_count{message="DasherConfirmed"`,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", scrape)
	}
}
