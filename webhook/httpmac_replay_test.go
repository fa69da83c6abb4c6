package webhook

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// macIssued is when the replay tests' key was issued.
var macIssued = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// replayReceiver serves a handler verifying HTTP MAC with the default
// tolerance on the clock, and counts the deliveries that reach dispatch.
func replayReceiver(t *testing.T, clock *fakeClock, maxNonces int) (*HTTPMAC, *httptest.Server, *atomic.Int32) {
	t.Helper()
	m, err := NewHTTPMAC(HTTPMACConfig{
		Keys:      []MACKey{{ID: "sv:v1:partner", Secret: []byte("c2VjcmV0"), IssuedAt: macIssued}},
		MaxNonces: maxNonces,
		Now:       clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	var handled atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		if err := m.Verify(r, body); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		handled.Add(1)
	}))
	t.Cleanup(srv.Close)
	return m, srv, &handled
}

// signedAt signs a POST of body to srv with a nonce of the given age.
func signedAt(t *testing.T, m *HTTPMAC, srv *httptest.Server, age time.Duration, unique, body string) string {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, srv.URL+"/hook", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Sign(r, []byte(body), "", strconv.Itoa(int(age/time.Second))+":"+unique); err != nil {
		t.Fatal(err)
	}
	return r.Header.Get("Authorization")
}

func postMAC(t *testing.T, srv *httptest.Server, authz, body string) int {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, srv.URL+"/hook", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", authz)
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHTTPMACReplay: a signed request is handled once; the identical
// request again is 401, right away and 25 hours later, when its nonce is
// long forgotten and the signing time refuses it.
func TestHTTPMACReplay(t *testing.T) {
	age := 30 * 24 * time.Hour
	clock := newClock(macIssued.Add(age))
	m, srv, handled := replayReceiver(t, clock, 0)
	const body = `{"event_type":"DELIVERY_CANCELLED"}`
	authz := signedAt(t, m, srv, age, "7d8f3e4a", body)
	if got := postMAC(t, srv, authz, body); got != http.StatusOK || handled.Load() != 1 {
		t.Fatalf("genuine request: %d, handled %d", got, handled.Load())
	}
	clock.Advance(2 * time.Second)
	if got := postMAC(t, srv, authz, body); got != http.StatusUnauthorized || handled.Load() != 1 {
		t.Fatalf("replay: %d, handled %d", got, handled.Load())
	}
	mustContain(t, m.Verify(macReq(http.MethodPost, srv.URL+"/hook", body, "Authorization", authz), []byte(body)), "nonce already used")

	clock.Advance(25 * time.Hour)
	if got := postMAC(t, srv, authz, body); got != http.StatusUnauthorized || handled.Load() != 1 {
		t.Fatalf("replay 25 h later: %d, handled %d", got, handled.Load())
	}
	mustContain(t, m.Verify(macReq(http.MethodPost, srv.URL+"/hook", body, "Authorization", authz), []byte(body)), "outside the 5m0s tolerance")
	// A request signed now passes, and one signed too far ahead does not.
	age += 25*time.Hour + 2*time.Second
	if got := postMAC(t, srv, signedAt(t, m, srv, age, "fresh", body), body); got != http.StatusOK {
		t.Fatalf("fresh request: %d", got)
	}
	if got := postMAC(t, srv, signedAt(t, m, srv, age+6*time.Minute, "ahead", body), body); got != http.StatusUnauthorized {
		t.Fatalf("request signed 6 minutes ahead: %d", got)
	}
	if handled.Load() != 2 {
		t.Fatalf("handled %d, want 2", handled.Load())
	}
	if n := len(m.nonces.until); n != 1 {
		t.Fatalf("%d nonces kept, want only the fresh one", n)
	}
}

// TestHTTPMACNonceStoreFull: with MaxNonces spent within the tolerance,
// further requests are refused rather than an unexpired nonce forgotten;
// once the oldest expire, requests pass again.
func TestHTTPMACNonceStoreFull(t *testing.T) {
	age := time.Hour
	clock := newClock(macIssued.Add(age))
	m, srv, handled := replayReceiver(t, clock, 2)
	const body = `{}`
	first := signedAt(t, m, srv, age, "a", body)
	for _, unique := range []string{"a", "b"} {
		if got := postMAC(t, srv, signedAt(t, m, srv, age, unique, body), body); got != http.StatusOK {
			t.Fatalf("nonce %s: %d", unique, got)
		}
	}
	mustContain(t, m.Verify(macReq(http.MethodPost, srv.URL+"/hook", body, "Authorization", signedAt(t, m, srv, age, "c", body)), []byte(body)), "MaxNonces")
	mustContain(t, m.Verify(macReq(http.MethodPost, srv.URL+"/hook", body, "Authorization", first), []byte(body)), "nonce already used")
	// Exactly Tolerance later the first request still passes the time
	// check, so its nonce is still kept; a second later both have expired.
	clock.Advance(DefaultMACTolerance)
	mustContain(t, m.Verify(macReq(http.MethodPost, srv.URL+"/hook", body, "Authorization", first), []byte(body)), "nonce already used")
	clock.Advance(time.Second)
	age += DefaultMACTolerance + time.Second
	if got := postMAC(t, srv, signedAt(t, m, srv, age, "c", body), body); got != http.StatusOK {
		t.Fatalf("after the first nonces expired: %d", got)
	}
	if got := postMAC(t, srv, first, body); got != http.StatusUnauthorized {
		t.Fatalf("the expired nonce's request: %d", got)
	}
	if handled.Load() != 3 {
		t.Fatalf("handled %d, want 3", handled.Load())
	}
}

// TestHTTPMACNonceOnlyAfterMAC: requests without a valid MAC, or too old,
// spend no nonce, so they can neither fill the store nor burn the nonce of
// a genuine request yet to come.
func TestHTTPMACNonceOnlyAfterMAC(t *testing.T) {
	clock := newClock(macIssued.Add(time.Hour))
	m, srv, _ := replayReceiver(t, clock, 0)
	const body = `{}`
	genuine := signedAt(t, m, srv, time.Hour, "n", body)
	// A forger knows the key id but not the secret.
	forger, err := NewHTTPMAC(HTTPMACConfig{Keys: []MACKey{{ID: "sv:v1:partner", Secret: []byte("guess"), IssuedAt: macIssued}}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if got := postMAC(t, srv, signedAt(t, forger, srv, time.Hour, "n"+strconv.Itoa(i), body), body); got != http.StatusUnauthorized {
			t.Fatalf("forged request: %d", got)
		}
	}
	if got := postMAC(t, srv, signedAt(t, forger, srv, time.Hour, "n", body), body); got != http.StatusUnauthorized {
		t.Fatalf("forged request with the genuine nonce: %d", got)
	}
	if got := postMAC(t, srv, signedAt(t, m, srv, 0, "old", body), body); got != http.StatusUnauthorized {
		t.Fatalf("stale request: %d", got)
	}
	if n := len(m.nonces.until); n != 0 {
		t.Fatalf("%d nonces recorded for rejected requests", n)
	}
	if got := postMAC(t, srv, genuine, body); got != http.StatusOK {
		t.Fatalf("genuine request after the forgeries: %d", got)
	}
}

// TestHTTPMACConcurrentDuplicates: of 50 concurrent copies of one signed
// request exactly one is handled.
func TestHTTPMACConcurrentDuplicates(t *testing.T) {
	clock := newClock(macIssued.Add(time.Hour))
	m, srv, handled := replayReceiver(t, clock, 0)
	const body = `{}`
	authz := signedAt(t, m, srv, time.Hour, "dup", body)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if postMAC(t, srv, authz, body) == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || handled.Load() != 1 {
		t.Fatalf("%d of 50 duplicates answered 200, %d handled; want exactly 1", ok.Load(), handled.Load())
	}
}

func TestHTTPMACNonceFormat(t *testing.T) {
	clock := newClock(macIssued.Add(time.Hour))
	m, srv, _ := replayReceiver(t, clock, 0)
	for _, nonce := range []string{"dj83hs9s", "3600", "3600:", ":x", "03600:x", "-1:x", "+3600:x", "36_00:x", "99999999999999999999:x"} {
		r := macReq(http.MethodPost, srv.URL+"/hook", "", "Authorization", macAuth("id", "sv:v1:partner", "nonce", nonce, "mac", "AAAA"))
		mustContain(t, m.Verify(r, nil), "nonce is not")
	}
	if a, ok := nonceAge("0:x"); !ok || a != 0 {
		t.Fatalf("age 0: %v %v", a, ok)
	}
}

// TestHTTPMACSignAge: Sign's own nonce carries the key's age on its clock
// and a fresh random part each time.
func TestHTTPMACSignAge(t *testing.T) {
	clock := newClock(macIssued.Add(264095*time.Second + 900*time.Millisecond))
	m, srv, handled := replayReceiver(t, clock, 0)
	seen := map[string]bool{}
	for range 3 {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+"/hook", nil)
		if err := m.Sign(r, nil, "", ""); err != nil {
			t.Fatal(err)
		}
		p, _ := macAuthorizationParams(r.Header.Get("Authorization"))
		age, unique, _ := strings.Cut(p["nonce"], ":")
		if age != "264095" || len(unique) < 20 || seen[unique] {
			t.Fatalf("nonce %q", p["nonce"])
		}
		seen[unique] = true
		if got := postMAC(t, srv, r.Header.Get("Authorization"), ""); got != http.StatusOK {
			t.Fatalf("signed request: %d", got)
		}
	}
	if handled.Load() != 3 {
		t.Fatalf("handled %d", handled.Load())
	}
	early, err := NewHTTPMAC(HTTPMACConfig{Keys: []MACKey{{ID: "k", Secret: []byte("s"), IssuedAt: time.Now().Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodPost, srv.URL+"/hook", nil)
	if err := early.Sign(r, nil, "", ""); err == nil || !strings.Contains(err.Error(), "future") {
		t.Fatalf("Sign with a key issued in the future: %v", err)
	}
}

// The store keys (id, nonce) pairs: one nonce under two keys is two.
func TestNonceStoreKeys(t *testing.T) {
	s := newNonceStore(10)
	now := time.Now()
	for _, c := range []struct {
		id, nonce string
		want      nonceOutcome
	}{{"a", "1:x", nonceFresh}, {"b", "1:x", nonceFresh}, {"a", "1:x", nonceReused}} {
		if got := s.spend(c.id, c.nonce, now.Add(time.Minute), now); got != c.want {
			t.Errorf("spend(%q, %q) = %v, want %v", c.id, c.nonce, got, c.want)
		}
	}
}
