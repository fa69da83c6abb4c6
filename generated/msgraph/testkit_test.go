package msgraph_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hookgen/hookgen/generated/msgraph"
)

// TestNewValidationRequest: the test kit builds Graph's validation POST,
// whose validationToken (spaces and punctuation in it, as Graph sends it)
// the server echoes as text.
func TestNewValidationRequest(t *testing.T) {
	srv, err := msgraph.NewServer(msgraph.UnimplementedHandler{}, msgraph.WithClientState("secretClientValue"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	const token = "Validation: Testing client application reachability for subscription Request-Id: 9f1f4b1e-8d2a"
	req, err := msgraph.NewValidationRequest(ts.URL+msgraph.ChannelGraphNotifications+"?x=1", token)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.URL.Query().Get("x") != "1" {
		t.Errorf("request: %s %s", req.Method, req.URL)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != token || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("answer: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}
