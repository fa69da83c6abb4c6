package literalroute_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	literalroute "github.com/hookgen/hookgen/generator/testdata/literalroute/golden"
	"github.com/hookgen/hookgen/webhook"
)

// An integer or boolean route matches the JSON value only: the string
// that spells it is a value of a type the schema does not allow (400),
// a number the spec does not list is an unknown event (200, to the hook).
func TestLiteralRoutes(t *testing.T) {
	var got []string
	var unknown int
	srv, err := literalroute.NewServer(literalroute.EventFunc(func(_ context.Context, m string, event any) error {
		got = append(got, m)
		if c, ok := event.(*literalroute.Command); ok && (c.Type != 2 || c.Name != "hi") {
			t.Errorf("command %+v", c)
		}
		return nil
	}), literalroute.AllowUnauthenticated(), literalroute.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, body string
		status     int
		message    string
	}{
		{"/interactions", `{"type":1}`, 200, "Ping"},
		{"/interactions", `{"name":"hi","type":2}`, 200, "Command"},
		{"/interactions", `{"type":"1"}`, 400, ""},
		{"/interactions", `{"type":"2","name":"hi"}`, 400, ""},
		{"/interactions", `{"type":1.0}`, 400, ""},
		{"/interactions", `{"type":null}`, 400, ""},
		{"/interactions", `{"type":1,"TYPE":2}`, 400, ""},
		{"/interactions", `{"type":3}`, 200, "unknown"},
		{"/checks", `{"ok":true,"check":"lint"}`, 200, "Passed"},
		{"/checks", `{"ok":false,"check":"lint","reason":"x"}`, 200, "Failed"},
		{"/checks", `{"ok":"true","check":"lint"}`, 400, ""},
	} {
		got, unknown = nil, 0
		r := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != c.status {
			t.Errorf("%s %s: status %d, want %d (%s)", c.path, c.body, w.Code, c.status, w.Body)
		}
		switch {
		case c.message == "unknown" && (unknown != 1 || len(got) != 0):
			t.Errorf("%s: unknown hook %d times, handler %v", c.body, unknown, got)
		case c.message != "unknown" && c.message != "" && (len(got) != 1 || got[0] != c.message):
			t.Errorf("%s: handler %v, want %s", c.body, got, c.message)
		case c.message == "" && (len(got) != 0 || unknown != 0):
			t.Errorf("%s: handler %v, unknown %d, want neither", c.body, got, unknown)
		}
	}
}

// The test kit sets the route as the JSON value, whatever the event says.
func TestKitSendsLiteral(t *testing.T) {
	r, err := literalroute.NewCommandRequest("http://x/interactions", &literalroute.Command{Name: "hi"}, literalroute.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := io.Copy(&b, r.Body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"type":2`) {
		t.Errorf("body %s, want type 2", b.String())
	}
}
