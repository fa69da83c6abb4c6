package instacart_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/hookgen/hookgen/generated/instacart"
	"github.com/hookgen/hookgen/webhook/oauth"
)

// instacartSecret is the client secret the retailer gives Instacart: the
// token endpoint wants at least 32 bytes.
const instacartSecret = "instacart-client-secret-0123456789"

var signingKeys = []oauth.SigningKey{{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}}

func tokenEndpoint(t *testing.T, keys []oauth.SigningKey, now func() time.Time) *oauth.TokenEndpoint {
	t.Helper()
	te, err := oauth.NewTokenEndpoint(oauth.TokenEndpointConfig{
		Clients: []oauth.Client{{ID: "instacart", Secret: instacartSecret}},
		Keys:    keys,
		TTL:     time.Hour,
		Now:     now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return te
}

// handled records the events that reached the handler.
type handled struct {
	mu     sync.Mutex
	events []string
}

func (h *handled) record(_ context.Context, message string, _ any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, message)
	return nil
}

func (h *handled) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.events)
}

// receiver hosts the token endpoint and the webhook on one loopback
// listener, as a retailer does for Instacart.
func receiver(t *testing.T, te *oauth.TokenEndpoint) (*httptest.Server, *handled) {
	t.Helper()
	h := &handled{}
	srv, err := instacart.NewServer(instacart.EventFunc(h.record), instacart.WithRetailerOAuth(te.Verifier()))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/oauth/token", te)
	mux.Handle("/", srv)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, h
}

func post(t *testing.T, client *http.Client, url string, body []byte, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestOAuthEndToEnd: a real OAuth 2.0 client obtains a token from the
// receiver's token endpoint and delivers every example with it.
func TestOAuthEndToEnd(t *testing.T) {
	te := tokenEndpoint(t, signingKeys, nil)
	ts, h := receiver(t, te)
	cc := clientcredentials.Config{ClientID: "instacart", ClientSecret: instacartSecret, TokenURL: ts.URL + "/oauth/token"}
	client := cc.Client(context.Background())
	examples := instacart.Examples()
	for _, ex := range examples {
		if code := post(t, client, ts.URL+ex.Channel, ex.Payload, ""); code != http.StatusOK {
			t.Errorf("%s: status %d", ex.Name, code)
		}
	}
	if h.count() != len(examples) {
		t.Errorf("%d events handled, want %d", h.count(), len(examples))
	}

	// Without a token, the callback is refused and nothing runs.
	if code := post(t, http.DefaultClient, ts.URL+examples[0].Channel, examples[0].Payload, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: status %d", code)
	}

	// A wrong client secret gets invalid_client from the token endpoint.
	bad := clientcredentials.Config{ClientID: "instacart", ClientSecret: "wrong", TokenURL: ts.URL + "/oauth/token"}
	_, err := bad.Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret: %v", err)
	}
	if h.count() != len(examples) {
		t.Errorf("a refused callback reached the handler")
	}
}

// TestOAuthRejectsForgedAndExpiredTokens: tokens signed with another key,
// or expired, get 401.
func TestOAuthRejectsForgedAndExpiredTokens(t *testing.T) {
	ts, h := receiver(t, tokenEndpoint(t, signingKeys, nil))
	ex := instacart.Examples()[0]

	forger := tokenEndpoint(t, []oauth.SigningKey{{ID: "k1", Secret: []byte("ffffffffffffffffffffffffffffffff")}}, nil)
	forged := token(t, forger)
	if code := post(t, http.DefaultClient, ts.URL+ex.Channel, ex.Payload, forged); code != http.StatusUnauthorized {
		t.Errorf("forged token: status %d", code)
	}

	past := func() time.Time { return time.Now().Add(-3 * time.Hour) }
	expired := token(t, tokenEndpoint(t, signingKeys, past))
	if code := post(t, http.DefaultClient, ts.URL+ex.Channel, ex.Payload, expired); code != http.StatusUnauthorized {
		t.Errorf("expired token: status %d", code)
	}
	if h.count() != 0 {
		t.Errorf("%d events handled with bad tokens", h.count())
	}
}

// TestOAuthTokenAcceptedByAnotherReplica: a token one receiver issued is
// accepted by another with the same keys and no shared state.
func TestOAuthTokenAcceptedByAnotherReplica(t *testing.T) {
	first, _ := receiver(t, tokenEndpoint(t, signingKeys, nil))
	second, h := receiver(t, tokenEndpoint(t, signingKeys, nil))
	cc := clientcredentials.Config{ClientID: "instacart", ClientSecret: instacartSecret, TokenURL: first.URL + "/oauth/token"}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ex := instacart.Examples()[0]
	if code := post(t, http.DefaultClient, second.URL+ex.Channel, ex.Payload, tok.AccessToken); code != http.StatusOK {
		t.Fatalf("replica refused the token: %d", code)
	}
	if h.count() != 1 {
		t.Fatalf("%d events handled", h.count())
	}
}

// TestRevertedStatusIsHandledAgain: Instacart may send the same status
// again after an order reverts, with a new event id: it is a new event.
func TestRevertedStatusIsHandledAgain(t *testing.T) {
	te := tokenEndpoint(t, signingKeys, nil)
	ts, h := receiver(t, te)
	tok := token(t, te)
	ex := instacart.Examples()[0]
	var body map[string]any
	if err := json.Unmarshal(ex.Payload, &body); err != nil {
		t.Fatal(err)
	}
	send := func(id string) int {
		body["event_id"] = json.Number(id)
		b, _ := json.Marshal(body)
		return post(t, http.DefaultClient, ts.URL+ex.Channel, b, tok)
	}
	for i, id := range []string{"1", "1", "2"} {
		if code := send(id); code != http.StatusOK {
			t.Fatalf("send %d: status %d", i, code)
		}
	}
	// The retry of event 1 is a duplicate; the same status with id 2 is not.
	if h.count() != 2 {
		t.Fatalf("%d events handled, want 2 (%v)", h.count(), h.events)
	}
	if !strings.EqualFold(h.events[0], h.events[1]) {
		t.Errorf("both deliveries should be the same message: %v", h.events)
	}
}

func token(t *testing.T, te *oauth.TokenEndpoint) string {
	t.Helper()
	ts := httptest.NewServer(te)
	defer ts.Close()
	cc := clientcredentials.Config{ClientID: "instacart", ClientSecret: instacartSecret, TokenURL: ts.URL}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}
