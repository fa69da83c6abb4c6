package providers_test

// Clerk's webhooks, sent to the generated clerk.Server the way Clerk sends
// them: Clerk delivers through Svix, which signs each request with the
// headers svix-id, svix-timestamp (unix seconds) and svix-signature, a
// space-separated list of "v1,<base64>" entries, each the base64
// HMAC-SHA256 of "{svix-id}.{svix-timestamp}.{raw body}" keyed with the
// base64-decoded part of the endpoint's "whsec_..." signing secret (Svix,
// "Verifying webhooks manually"; Clerk, "Webhooks overview"). The
// signatures are made here with crypto/hmac, not with hookgen's verifier
// or test kit.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hookgen/hookgen/generated/clerk"
)

// clerkSecret is an endpoint signing secret as the Clerk Dashboard shows
// one: whsec_ and the base64 of the key.
const clerkSecret = "whsec_" + "Y2xlcmstc2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz" // "clerk-signing-secret-for-tests"

// The user.created example of Clerk's "Webhooks overview", byte for byte
// as a receiver gets it (pretty-printed, as the page shows it).
const clerkUserCreated = `{
  "data": {
    "birthday": "",
    "created_at": 1654012591514,
    "email_addresses": [
      {
        "email_address": "example@example.org",
        "id": "idn_29w83yL7CwVlJXylYLxcslromF1",
        "linked_to": [],
        "object": "email_address",
        "verification": {
          "status": "verified",
          "strategy": "ticket"
        }
      }
    ],
    "external_accounts": [],
    "external_id": "567772",
    "first_name": "Example",
    "gender": "",
    "id": "user_29w83sxmDNGwOuEthce5gg56FcC",
    "image_url": "https://img.clerk.com/xxxxxx",
    "last_name": "Example",
    "last_sign_in_at": 1654012591514,
    "object": "user",
    "password_enabled": true,
    "phone_numbers": [],
    "primary_email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
    "primary_phone_number_id": null,
    "primary_web3_wallet_id": null,
    "private_metadata": {},
    "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
    "public_metadata": {},
    "two_factor_enabled": false,
    "unsafe_metadata": {},
    "updated_at": 1654012591835,
    "username": null,
    "web3_wallets": []
  },
  "event_attributes": {
    "http_request": {
      "client_ip": "0.0.0.0",
      "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36"
    }
  },
  "instance_id": "ins_123",
  "object": "event",
  "timestamp": 1654012591835,
  "type": "user.created"
}`

// A user.updated and a session.created in the shapes Clerk documents (the
// User and Session objects of its Backend API).
const (
	clerkUserUpdated    = `{"data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC","object":"user","first_name":"Ada","last_name":null,"username":"ada","public_metadata":{"plan":"pro"},"two_factor_enabled":true,"updated_at":1654012699000},"object":"event","type":"user.updated","timestamp":1654012699000,"instance_id":"ins_123"}`
	clerkSessionCreated = `{"data":{"abandon_at":1656604591514,"client_id":"client_29w83vQ1aIuQ0dE8KmSAdaHpAT3","created_at":1654012591514,"expire_at":1654617391514,"id":"sess_29w83tMZ0IW1S5t2QBTrl2PWvMc","last_active_at":1654012591514,"last_active_organization_id":null,"object":"session","status":"active","updated_at":1654012591514,"user_id":"user_29w83sxmDNGwOuEthce5gg56FcC"},"object":"event","type":"session.created","timestamp":1654012591600,"instance_id":"ins_123"}`
)

// svixSign is one "v1,<base64>" entry of svix-signature, as Svix computes it.
func svixSign(t *testing.T, secret, id, ts, body string) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + body))
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// clerkRequest is the POST Svix sends for Clerk: the body as is and the
// three svix headers (and the user agent Svix sends).
func clerkRequest(url, body, id, ts, signature string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Svix-Webhooks/1.24.0")
	r.Header.Set("svix-id", id)
	r.Header.Set("svix-timestamp", ts)
	r.Header.Set("svix-signature", signature)
	return r
}

// clerkHandler records what the generated Server hands over.
type clerkHandler struct {
	clerk.UnimplementedHandler
	created  []*clerk.UserCreatedEvent
	updated  []*clerk.UserUpdatedEvent
	sessions []*clerk.SessionCreatedEvent
}

func (h *clerkHandler) HandleUserCreated(_ context.Context, e *clerk.UserCreatedEvent) error {
	h.created = append(h.created, e)
	return nil
}

func (h *clerkHandler) HandleUserUpdated(_ context.Context, e *clerk.UserUpdatedEvent) error {
	h.updated = append(h.updated, e)
	return nil
}

func (h *clerkHandler) HandleSessionCreated(_ context.Context, e *clerk.SessionCreatedEvent) error {
	h.sessions = append(h.sessions, e)
	return nil
}

func (h *clerkHandler) calls() int { return len(h.created) + len(h.updated) + len(h.sessions) }

func newClerk(t *testing.T, secrets ...string) (*httptest.Server, *clerkHandler) {
	t.Helper()
	h := new(clerkHandler)
	srv, err := clerk.NewServer(h, clerk.WithSvix(secrets...))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, h
}

func TestClerkUserCreatedDuringRotation(t *testing.T) {
	ts, h := newClerk(t, clerkSecret)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	const id = "msg_2pLqRsTuVwXyZaBcDeFgHiJkLmN"
	// While a secret rolls, Svix signs with the old and the new one; this
	// endpoint knows only the new.
	old := svixSign(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte("the-previous-signing-secret")), id, now, clerkUserCreated)
	sig := old + " " + svixSign(t, clerkSecret, id, now, clerkUserCreated)
	if code := do(t, clerkRequest(ts.URL+"/webhook", clerkUserCreated, id, now, sig)).status; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if len(h.created) != 1 || h.calls() != 1 {
		t.Fatalf("calls: %d created, %d in all", len(h.created), h.calls())
	}
	e := h.created[0]
	u := e.GetData()
	if e.Type != clerk.UserCreatedEventType || e.Object != "event" || e.GetInstanceID() != "ins_123" || e.GetTimestamp() != 1654012591835 {
		t.Errorf("envelope %+v", e)
	}
	if ip := e.GetEventAttributes().GetHTTPRequest().GetClientIP(); ip != "0.0.0.0" {
		t.Errorf("client_ip %q", ip)
	}
	if u.GetID() != "user_29w83sxmDNGwOuEthce5gg56FcC" || u.GetCreatedAt() != 1654012591514 || !u.GetPasswordEnabled() || u.GetTwoFactorEnabled() {
		t.Errorf("user %+v", u)
	}
	if name, ok := u.FirstName.Get(); !ok || name != "Example" {
		t.Errorf("first_name %v %v", name, ok)
	}
	if !u.Username.IsNull() || !u.PrimaryPhoneNumberID.IsNull() || u.LastSignInAt.Value != 1654012591514 {
		t.Errorf("username %+v, primary_phone_number_id %+v, last_sign_in_at %+v", u.Username, u.PrimaryPhoneNumberID, u.LastSignInAt)
	}
	if id, _ := u.PrimaryEmailAddressID.Get(); len(u.EmailAddresses) != 1 || u.EmailAddresses[0].GetID() != id {
		t.Fatalf("email addresses %+v, primary %q", u.EmailAddresses, id)
	}
	addr := u.EmailAddresses[0]
	if addr.GetEmailAddress() != "example@example.org" || addr.GetVerification().GetStatus() != clerk.VerificationStatusVerified || addr.GetVerification().GetStrategy() != "ticket" {
		t.Errorf("email address %+v, verification %+v", addr, addr.GetVerification())
	}
	if u.PhoneNumbers == nil || len(u.PhoneNumbers) != 0 || u.PublicMetadata == nil {
		t.Errorf("empty lists and objects: phone_numbers %#v, public_metadata %#v", u.PhoneNumbers, u.PublicMetadata)
	}

	// Svix retries with the same svix-id: acknowledged, not handled again.
	if code := do(t, clerkRequest(ts.URL+"/webhook", clerkUserCreated, id, now, sig)).status; code != http.StatusOK || h.calls() != 1 {
		t.Errorf("retry: status %d, %d calls", code, h.calls())
	}
}

func TestClerkRefused(t *testing.T) {
	ts, h := newClerk(t, clerkSecret)
	now := time.Now()
	fresh := strconv.FormatInt(now.Unix(), 10)
	stale := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
	cases := []struct {
		name string
		r    *http.Request
	}{
		{"stale timestamp", clerkRequest(ts.URL+"/webhook", clerkUserCreated, "msg_stale", stale, svixSign(t, clerkSecret, "msg_stale", stale, clerkUserCreated))},
		{"tampered body", clerkRequest(ts.URL+"/webhook", strings.Replace(clerkUserCreated, "example@example.org", "attacker@example.org", 1), "msg_tampered", fresh,
			svixSign(t, clerkSecret, "msg_tampered", fresh, clerkUserCreated))},
		{"other svix-id", clerkRequest(ts.URL+"/webhook", clerkUserCreated, "msg_other", fresh, svixSign(t, clerkSecret, "msg_signed", fresh, clerkUserCreated))},
		{"secret's text as key", clerkRequest(ts.URL+"/webhook", clerkUserCreated, "msg_text", fresh,
			svixSign(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte(clerkSecret)), "msg_text", fresh, clerkUserCreated))},
		{"both signatures wrong", clerkRequest(ts.URL+"/webhook", clerkUserCreated, "msg_wrong", fresh,
			svixSign(t, "whsec_b2xk", "msg_wrong", fresh, clerkUserCreated)+" "+svixSign(t, "whsec_b3RoZXI=", "msg_wrong", fresh, clerkUserCreated))},
	}
	for _, c := range cases {
		if code := do(t, c.r).status; code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, code)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

func TestClerkUserUpdatedAndSessionCreated(t *testing.T) {
	// The endpoint keeps both secrets while it rolls its own.
	ts, h := newClerk(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte("the-previous-signing-secret")), clerkSecret)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	for i, body := range []string{clerkUserUpdated, clerkSessionCreated} {
		id := "msg_" + strconv.Itoa(i)
		if code := do(t, clerkRequest(ts.URL+"/webhook", body, id, now, svixSign(t, clerkSecret, id, now, body))).status; code != http.StatusOK {
			t.Fatalf("%s: status %d", body, code)
		}
	}
	if len(h.updated) != 1 || len(h.sessions) != 1 || h.calls() != 2 {
		t.Fatalf("calls: %d updated, %d sessions, %d in all", len(h.updated), len(h.sessions), h.calls())
	}
	u := h.updated[0].GetData()
	if name, _ := u.Username.Get(); name != "ada" || !u.LastName.IsNull() || u.FirstName.Value != "Ada" || !u.GetTwoFactorEnabled() || string(u.PublicMetadata["plan"]) != `"pro"` {
		t.Errorf("user.updated data %+v", u)
	}
	s := h.sessions[0].GetData()
	if h.sessions[0].Type != clerk.SessionCreatedEventType || s.GetID() != "sess_29w83tMZ0IW1S5t2QBTrl2PWvMc" || s.GetUserID() != "user_29w83sxmDNGwOuEthce5gg56FcC" ||
		s.GetStatus() != clerk.SessionStatusActive || !s.GetStatus().Known() || s.GetExpireAt() != 1654617391514 || !s.LastActiveOrganizationID.IsNull() {
		t.Errorf("session.created data %+v", s)
	}
}

// TestStandardWebhooksVectorBothPrefixes sends the Standard Webhooks test
// vector (../shared/PROVIDERS.md) to the generated Clerk server at the
// vector's own time, under Standard Webhooks' header names and under
// Svix's: Svix's libraries accept both, and so does the verifier.
func TestStandardWebhooksVectorBothPrefixes(t *testing.T) {
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		id     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		ts     = "1614265330"
		body   = `{"test": 2432232314}`
		sig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	if got := svixSign(t, secret, id, ts, body); got != sig {
		t.Fatalf("crypto/hmac gives %s, the vector says %s", got, sig)
	}
	// The fake clock of a synctest bubble starts in 2000; sleeping moves it
	// to the vector's time at once.
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(time.Unix(1614265330, 0)))
		h := new(clerkHandler)
		srv, err := clerk.NewServer(h, clerk.WithSvix(secret))
		if err != nil {
			t.Fatal(err)
		}
		for _, prefix := range []string{"webhook-", "svix-"} {
			for _, c := range []struct {
				body string
				want int
			}{
				// The vector's body names no event (it has no type): once
				// authenticated, it is refused as a body (400), not as a
				// signature (401).
				{body, http.StatusBadRequest},
				{body[:len(body)-1] + "5}", http.StatusUnauthorized},
			} {
				r := httptest.NewRequest(http.MethodPost, "http://example.com/webhook", strings.NewReader(c.body))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set(prefix+"id", id)
				r.Header.Set(prefix+"timestamp", ts)
				r.Header.Set(prefix+"signature", sig)
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if w.Code != c.want || (c.want == http.StatusBadRequest && !strings.Contains(w.Body.String(), "invalid_payload")) {
					t.Errorf("%s* headers, body %s: status %d, want %d: %s", prefix, c.body, w.Code, c.want, w.Body)
				}
			}
		}
		if h.calls() != 0 {
			t.Errorf("handler called %d times", h.calls())
		}
	})
}
