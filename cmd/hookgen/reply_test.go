package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/generated/meta"
	"github.com/hookgen/hookgen/generated/msgraph"
	"github.com/hookgen/hookgen/generated/slack"
	"github.com/hookgen/hookgen/generated/zoom"
	replies "github.com/hookgen/hookgen/generator/testdata/replies/golden"
)

func specPath(name string) string { return filepath.Join("..", "..", "specs", name) }

// serveHTTP serves h over loopback for the test.
func serveHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestSendSlackHandshake: send posts Slack's url_verification signed, and
// checks that the generated receiver echoes its challenge in the reply's
// shape.
func TestSendSlackHandshake(t *testing.T) {
	t.Parallel()
	srv, err := slack.NewServer(slack.UnimplementedHandler{}, slack.WithSlackSignature("slack-secret"))
	if err != nil {
		t.Fatal(err)
	}
	url := serveHTTP(t, srv)
	r := runCLI(t, "send", "-spec", specPath("slack.yaml"), "-url", url, "-secret", "slack-secret", "-message", "UrlVerification")
	if r.code != 0 || !strings.Contains(r.stdout, "UrlVerification/UrlVerification -> 200 OK, reply ok") {
		t.Fatalf("send: %v", r)
	}
}

// TestSendZoomHandshake: Zoom's url_validation is answered with the
// plainToken and its HMAC under the secret, which send computes itself;
// without -secret the answer cannot be checked (nor is the request
// signed).
func TestSendZoomHandshake(t *testing.T) {
	t.Parallel()
	srv, err := zoom.NewServer(zoom.UnimplementedHandler{}, zoom.WithZoomSignature("zoom-secret"))
	if err != nil {
		t.Fatal(err)
	}
	url := serveHTTP(t, srv)
	r := runCLI(t, "send", "-spec", specPath("zoom.yaml"), "-url", url, "-secret", "zoom-secret", "-message", "EndpointUrlValidation")
	if r.code != 0 || !strings.Contains(r.stdout, "EndpointUrlValidation/UrlValidation -> 200 OK, reply ok") {
		t.Fatalf("send: %v", r)
	}
}

// TestSendQueryHandshakes: Meta's verification GET (with -verify-token)
// and Graph's validation POST are built from their handshakes, which have
// no examples, and the echoed challenge is checked.
func TestSendQueryHandshakes(t *testing.T) {
	t.Parallel()
	var seen []string
	m, err := meta.NewServer(meta.UnimplementedHandler{}, meta.WithAppSecret("app-secret"), meta.WithVerificationToken("meatyhamhock"))
	if err != nil {
		t.Fatal(err)
	}
	metaURL := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.Query().Get("hub.mode")+" "+r.URL.Query().Get("hub.verify_token"))
		m.ServeHTTP(w, r)
	}))
	r := runCLI(t, "send", "-spec", specPath("meta.yaml"), "-url", metaURL, "-message", "Verification", "-verify-token", "meatyhamhock")
	if r.code != 0 || !strings.Contains(r.stdout, "Verification/handshake -> 200 OK, reply ok") {
		t.Fatalf("meta: %v", r)
	}
	if len(seen) != 1 || seen[0] != "GET subscribe meatyhamhock" {
		t.Errorf("meta requests: %q", seen)
	}
	if r := runCLI(t, "send", "-spec", specPath("meta.yaml"), "-url", metaURL, "-message", "Verification", "-verify-token", "guessed"); r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("wrong verify token: %v", r)
	}
	if r := runCLI(t, "send", "-spec", specPath("meta.yaml"), "-url", metaURL, "-message", "Verification"); r.code != 1 || !strings.Contains(r.stdout, "-verify-token") {
		t.Errorf("no verify token: %v", r)
	}

	g, err := msgraph.NewServer(msgraph.UnimplementedHandler{}, msgraph.WithClientState("secretClientValue"))
	if err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "send", "-spec", specPath("msgraph.yaml"), "-url", serveHTTP(t, g), "-message", "Validation")
	if r.code != 0 || !strings.Contains(r.stdout, "Validation/handshake -> 200 OK, reply ok") {
		t.Fatalf("msgraph: %v", r)
	}
}

// commandHandler answers Command with a typed reply.
type commandHandler struct {
	replies.UnimplementedHandler
	reply *replies.CommandResult
}

func (h commandHandler) HandleCommand(context.Context, *replies.Command) (*replies.CommandResult, error) {
	return h.reply, nil
}

// TestSendTypedReply: a message's typed reply, written by the generated
// receiver, is read back and checked against the reply's schema; a nil
// reply is no reply, which the receiver may answer.
func TestSendTypedReply(t *testing.T) {
	t.Parallel()
	spec := filepath.Join("..", "..", "generator", "testdata", "replies", "spec.yaml")
	for _, tc := range []struct {
		reply *replies.CommandResult
		want  string
	}{
		{&replies.CommandResult{Ok: true}, "-> 200 OK, reply ok"},
		{nil, "-> 200 OK, no reply"},
	} {
		srv, err := replies.NewServer(commandHandler{reply: tc.reply}, replies.WithSigned("s"))
		if err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, "send", "-spec", spec, "-url", serveHTTP(t, srv), "-secret", "s", "-message", "Command")
		if r.code != 0 || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("send: %v, want %q", r, tc.want)
		}
	}
}

// TestSendWrongReplies: a receiver that answers 200 with a reply that
// breaks its schema, a wrong echo, a wrong HMAC or the wrong content type
// makes send fail and say why.
func TestSendWrongReplies(t *testing.T) {
	t.Parallel()
	answer := func(ct, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", ct)
			_, _ = io.WriteString(w, body)
		})
	}
	zoomMAC := func(s string) string {
		m := hmac.New(sha256.New, []byte("zoom-secret"))
		m.Write([]byte(s))
		return hex.EncodeToString(m.Sum(nil))
	}
	right, _ := json.Marshal(map[string]string{"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": zoomMAC("qgg8vlvZRS6UYooatFL8Aw")})
	for _, tc := range []struct {
		name, spec, message string
		handler             http.Handler
		args                []string
		code                int
		want                []string
	}{
		{"slack challenge a number", "slack.yaml", "UrlVerification", answer("application/json", `{"challenge":5}`), nil, 1,
			[]string{"reply invalid", "payload /challenge: ", "handshake answered"}},
		{"slack wrong echo", "slack.yaml", "UrlVerification", answer("application/json", `{"challenge":"guessed"}`), nil, 1,
			[]string{"reply invalid", `handshake answered "{\"challenge\":\"guessed\"}", want "{\"challenge\":\"3eZb`}},
		{"slack text", "slack.yaml", "UrlVerification", answer("text/plain", `3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P`), nil, 1,
			[]string{`content type "text/plain", want application/json`, "payload: not a JSON value"}},
		{"slack empty", "slack.yaml", "UrlVerification", answer("application/json", ``), nil, 1,
			[]string{"no body, want the handshake's answer"}},
		{"zoom wrong hmac", "zoom.yaml", "EndpointUrlValidation", answer("application/json", `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"`+zoomMAC("other")+`"}`), []string{"-secret", "zoom-secret"}, 1,
			[]string{"reply invalid", "handshake answered"}},
		{"zoom missing token", "zoom.yaml", "EndpointUrlValidation", answer("application/json", `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}`), []string{"-secret", "zoom-secret"}, 1,
			[]string{"payload: ", "encryptedToken"}},
		{"zoom right", "zoom.yaml", "EndpointUrlValidation", answer("application/json", string(right)), []string{"-secret", "zoom-secret"}, 0,
			[]string{"reply ok"}},
		{"zoom no secret", "zoom.yaml", "EndpointUrlValidation", answer("application/json", string(right)), nil, 1,
			[]string{"give -secret"}},
		{"graph wrong echo", "msgraph.yaml", "Validation", answer("text/plain; charset=utf-8", `hookgen challenge`), nil, 1,
			[]string{`handshake answered "hookgen challenge"`}},
	} {
		url := serveHTTP(t, tc.handler)
		args := append([]string{"send", "-spec", specPath(tc.spec), "-url", url, "-message", tc.message}, tc.args...)
		r := runCLI(t, args...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d: %v", tc.name, r.code, tc.code, r)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: output lacks %q: %v", tc.name, w, r)
			}
		}
	}
}
