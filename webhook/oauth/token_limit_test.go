package oauth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// tokenAttempt is the answer to one token request over HTTP.
type tokenAttempt struct {
	status     int
	retryAfter string
	code       string
}

// attempt posts a client_secret_post token request to srv as if from addr
// (read by testAddr; "" is the loopback address itself).
func attempt(t *testing.T, srv *httptest.Server, addr, id, secret string) tokenAttempt {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if addr != "" {
		req.Header.Set("X-Test-Addr", addr)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error       string `json:"error"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("status %d: body is not JSON: %v", resp.StatusCode, err)
	}
	if resp.StatusCode == http.StatusOK && body.AccessToken == "" {
		t.Fatal("200 without a token")
	}
	return tokenAttempt{resp.StatusCode, resp.Header.Get("Retry-After"), body.Error}
}

// testAddr stands for a proxy-aware RemoteAddr: the address a test names
// in X-Test-Addr, else the connection's.
func testAddr(r *http.Request) string { return cmp.Or(r.Header.Get("X-Test-Addr"), remoteHost(r)) }

// failUntilLimited sends wrong secrets until the answer is not a failed
// authentication, and returns how many failed and the answer that ended it.
func failUntilLimited(t *testing.T, srv *httptest.Server, addr, id string) (int, tokenAttempt) {
	t.Helper()
	for n := 0; n < 1000; n++ {
		a := attempt(t, srv, addr, id, fmt.Sprintf("guess-%04d", n))
		if a.status != http.StatusBadRequest || a.code != InvalidClient {
			return n, a
		}
	}
	t.Fatal("1000 wrong secrets and no limit")
	return 0, tokenAttempt{}
}

func wantLimited(t *testing.T, a tokenAttempt, retryAfter string) {
	t.Helper()
	if a.status != http.StatusTooManyRequests || a.code != SlowDown || a.retryAfter != retryAfter {
		t.Fatalf("got %+v, want 429 %s with Retry-After %s", a, SlowDown, retryAfter)
	}
}

// TestTokenEndpointBruteForce: guessing a client's secret from one address
// with the default limits gets 10 answers, then 429 with Retry-After, and
// the right secret is not checked any more from there either.
func TestTokenEndpointBruteForce(t *testing.T) {
	// A stopped clock, so Retry-After does not depend on the machine's speed.
	clock := newClock(time.Now())
	te := testEndpoint(t, func(c *TokenEndpointConfig) { c.Now = clock.Now })
	srv := receiver(t, te, te.Verifier())
	n, a := failUntilLimited(t, srv, "", testClientID)
	if n != DefaultAddrFailureLimit.Burst {
		t.Fatalf("%d wrong secrets answered before the limit, want %d", n, DefaultAddrFailureLimit.Burst)
	}
	wantLimited(t, a, "6")
	wantLimited(t, attempt(t, srv, "", testClientID, testClientSecret), "6")
}

// TestTokenEndpointAddrLimitCoversClientIDs: once an address has spent its
// budget on one client id, other client ids, configured or not, are
// refused from it too; another address is not affected.
func TestTokenEndpointAddrLimitCoversClientIDs(t *testing.T) {
	clock := newClock(time.Now())
	te := testEndpoint(t, func(c *TokenEndpointConfig) {
		c.Now = clock.Now
		c.RemoteAddr = testAddr
	})
	srv := receiver(t, te, te.Verifier())
	if n, _ := failUntilLimited(t, srv, "198.51.100.7", testClientID); n != DefaultAddrFailureLimit.Burst {
		t.Fatalf("%d failures before the limit", n)
	}
	wantLimited(t, attempt(t, srv, "198.51.100.7", "noscope", "wrong"), "6")
	wantLimited(t, attempt(t, srv, "198.51.100.7", "no-such-client", "wrong"), "6")
	// The IPv4-mapped form is the same address; another address is not limited.
	wantLimited(t, attempt(t, srv, "::ffff:198.51.100.7", "noscope", noscopeSecret), "6")
	if a := attempt(t, srv, "198.51.100.8", testClientID, testClientSecret); a.status != http.StatusOK {
		t.Fatalf("the client at another address: %+v", a)
	}
}

// TestTokenEndpointClientLimit: failures naming one client id from many
// addresses share its budget, and spending it refuses that client id
// everywhere (the documented price), but not other clients; successful
// requests spend nothing.
func TestTokenEndpointClientLimit(t *testing.T) {
	clock := newClock(time.Now())
	te := testEndpoint(t, func(c *TokenEndpointConfig) {
		c.Now = clock.Now
		c.RemoteAddr = testAddr
		c.ClientLimit = FailureLimit{Burst: 3, Every: time.Minute}
	})
	srv := receiver(t, te, te.Verifier())
	for i := range 3 {
		if a := attempt(t, srv, fmt.Sprintf("2001:db8:%d::1", i), testClientID, "wrong"); a.code != InvalidClient {
			t.Fatalf("failure %d: %+v", i, a)
		}
	}
	wantLimited(t, attempt(t, srv, "2001:db8:99::1", testClientID, "wrong"), "60")
	wantLimited(t, attempt(t, srv, "2001:db8:99::1", testClientID, testClientSecret), "60")
	for i := range 3 * DefaultAddrFailureLimit.Burst {
		if a := attempt(t, srv, "2001:db8:99::1", "noscope", noscopeSecret); a.status != http.StatusOK {
			t.Fatalf("another client, request %d: %+v", i, a)
		}
	}
}

// TestTokenEndpointLimitRefills: after the wait Retry-After names, attempts
// are checked again, one per interval.
func TestTokenEndpointLimitRefills(t *testing.T) {
	clock := newClock(time.Unix(1_800_000_000, 0))
	te := testEndpoint(t, func(c *TokenEndpointConfig) {
		c.Now = clock.Now
		c.AddrLimit = FailureLimit{Burst: 2, Every: time.Minute}
	})
	srv := receiver(t, te, te.Verifier())
	if n, a := failUntilLimited(t, srv, "", testClientID); n != 2 {
		t.Fatalf("%d failures before the limit", n)
	} else {
		wantLimited(t, a, "60")
	}
	clock.Advance(59*time.Second + 500*time.Millisecond)
	wantLimited(t, attempt(t, srv, "", testClientID, testClientSecret), "1")
	clock.Advance(500 * time.Millisecond)
	if a := attempt(t, srv, "", testClientID, "wrong"); a.code != InvalidClient {
		t.Fatalf("after the wait: %+v", a)
	}
	wantLimited(t, attempt(t, srv, "", testClientID, testClientSecret), "60")
	clock.Advance(time.Minute)
	if a := attempt(t, srv, "", testClientID, testClientSecret); a.status != http.StatusOK {
		t.Fatalf("the right secret after the wait: %+v", a)
	}
}

// TestTokenEndpointAddrBudgetsBounded: a spray from ever new addresses
// keeps at most MaxAddrs budgets, refilled ones are forgotten, and random
// client ids add none.
func TestTokenEndpointAddrBudgetsBounded(t *testing.T) {
	clock := newClock(time.Unix(1_800_000_000, 0))
	te := testEndpoint(t, func(c *TokenEndpointConfig) {
		c.Now = clock.Now
		c.RemoteAddr = testAddr
		c.MaxAddrs = 50
	})
	srv := receiver(t, te, te.Verifier())
	for i := range 200 {
		attempt(t, srv, fmt.Sprintf("203.0.113.%d", i), fmt.Sprintf("random-%d", i), "wrong")
	}
	if n := te.limits.order.Len(); n != 50 || len(te.limits.addrs) != 50 {
		t.Fatalf("%d budgets (%d in the map) after 200 addresses, want MaxAddrs 50", n, len(te.limits.addrs))
	}
	if len(te.limits.clients) != 2 {
		t.Fatalf("%d client budgets, want the 2 configured clients", len(te.limits.clients))
	}
	lim := DefaultAddrFailureLimit
	clock.Advance(time.Duration(lim.Burst) * lim.Every)
	attempt(t, srv, "192.0.2.1", testClientID, "wrong")
	if n := te.limits.order.Len(); n != 1 {
		t.Fatalf("%d budgets once the others refilled, want 1", n)
	}
}

// TestTokenEndpointConcurrentGuesses: concurrent wrong guesses cannot
// overdraw a budget: exactly Burst are checked.
func TestTokenEndpointConcurrentGuesses(t *testing.T) {
	te := testEndpoint(t, nil)
	srv := receiver(t, te, te.Verifier())
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			a := attempt(t, srv, "", testClientID, "guess-"+strconv.Itoa(i))
			mu.Lock()
			counts[a.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[http.StatusBadRequest] != DefaultAddrFailureLimit.Burst || counts[http.StatusTooManyRequests] != 40-DefaultAddrFailureLimit.Burst {
		t.Fatalf("answers %v, want %d checked and the rest 429", counts, DefaultAddrFailureLimit.Burst)
	}
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":             "192.0.2.1",
		"::ffff:192.0.2.1":      "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"2001:db8:1:2::ffff":    "2001:db8:1:2::/64",
		"not an address":        "not an address",
		"fe80::1%eth0":          "fe80::/64",
		"2001:0db8:0001:0002::": "2001:db8:1:2::/64",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q) = %q, want %q", in, got, want)
		}
	}
}
