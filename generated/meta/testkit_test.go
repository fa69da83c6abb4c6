package meta_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hookgen/hookgen/generated/meta"
)

// TestNewVerificationRequest: the test kit builds Meta's verification GET,
// which the server answers with the challenge once the verify token is
// the configured one.
func TestNewVerificationRequest(t *testing.T) {
	srv, err := meta.NewServer(meta.UnimplementedHandler{}, meta.WithAppSecret("app-secret"), meta.WithVerificationToken("meatyhamhock"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, tc := range []struct {
		token  string
		status int
		body   string
	}{{"meatyhamhock", http.StatusOK, "1158201444"}, {"guessed", http.StatusUnauthorized, ""}} {
		req, err := meta.NewVerificationRequest(ts.URL+meta.ChannelMetaWebhooks, "1158201444", tc.token)
		if err != nil {
			t.Fatal(err)
		}
		if req.Method != http.MethodGet || req.URL.Query().Get("hub.mode") != "subscribe" || req.Body != nil {
			t.Errorf("request: %s %s, body %v", req.Method, req.URL, req.Body)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.body != "" && string(body) != tc.body) {
			t.Errorf("token %q: %d %q, want %d %q", tc.token, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}
