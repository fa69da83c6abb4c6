// Package webhooktest helps test hookgen-generated receivers: a recorder to
// embed in a test Handler, and a check that sends every spec example
// through a server and asserts where it lands.
package webhooktest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

// Call is one handler call a Recorder saw.
type Call struct {
	Message string
	Event   any
	Headers any
}

// Recorder records handler calls; safe for concurrent use. Generated test
// handlers embed it and call Record from every Handle method.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Record notes a call and returns nil.
func (r *Recorder) Record(message string, event, headers any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, Call{message, event, headers})
	return nil
}

// Calls returns the calls so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Route says how a message is recognised: the discriminator of its
// channel (In is "payload", "header" or "channel") and its value. Path is
// where the server serves the channel, its parameters filled in: a
// channel's name need not be a path.
type Route struct {
	Message, Channel, Path string
	In, Name, Value        string
	// JSON marks a Value that is the JSON text of a number or boolean
	// (an integer route's 1), set into the body as that value.
	JSON bool
	// Handshake marks a handshake, which the server answers itself:
	// no handler is called.
	Handshake bool
	// Form marks a message sent form-encoded: its JSON example is sent
	// as the form Target.FormBody makes of it.
	Form bool
}

// Target describes a generated package under test.
type Target struct {
	Routes   []Route
	Examples []webhook.Example
	// NewServer returns a fresh server and the recorder behind it.
	NewServer func(t *testing.T) (http.Handler, *Recorder)
	// Authenticate adds valid credentials to a request.
	Authenticate func(r *http.Request, body []byte)
	// NewPayload returns a pointer to a new payload value of a message.
	NewPayload func(message string) any
	// FormBody returns the form a provider sends for a message's JSON
	// payload, for routes marked Form.
	FormBody func(message string, body []byte) ([]byte, error)
	// CheckAnswer, when set, checks the answer to a delivery of a message
	// answered with a body: a reply its handler returned, or the answer a
	// handshake requires. req is the request sent and body its JSON (for
	// a form, the JSON the form was made of).
	CheckAnswer func(t *testing.T, message string, req *http.Request, body []byte, answer *httptest.ResponseRecorder)
}

// BaseURL is where Target.Request sends: a server under test whose
// signatures cover the request's URL is configured with it as its
// public URL.
const BaseURL = "http://receiver.test"

// Request builds an authenticated POST of body (JSON, or for a route
// marked Form the form Target.FormBody makes of it) on a channel, at
// BaseURL, setting the discriminator of route and the example's headers.
func (tg Target) Request(t testing.TB, route Route, body []byte, headers map[string]string) *http.Request {
	t.Helper()
	ct := "application/json"
	if route.Form {
		form, err := tg.FormBody(route.Message, body)
		if err != nil {
			t.Fatalf("%s: %v", route.Message, err)
		}
		body, ct = form, "application/x-www-form-urlencoded"
	}
	req := httptest.NewRequest(http.MethodPost, BaseURL+route.Path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if route.In == "header" {
		req.Header.Set(route.Name, route.Value)
	}
	if tg.Authenticate != nil {
		tg.Authenticate(req, body)
	}
	return req
}

// WithDiscriminator returns body with its discriminator property set to
// the route's value, so that an example listed under a message is sent as
// that message even when the spec's example says otherwise. A Name that
// starts with "/" is a JSON pointer to a property inside the body.
func WithDiscriminator(t testing.TB, route Route, body []byte) []byte {
	t.Helper()
	if route.In != "payload" {
		return body
	}
	path := []string{route.Name}
	if strings.HasPrefix(route.Name, "/") {
		path = strings.Split(route.Name[1:], "/")
		for i, tok := range path {
			path[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		}
	}
	v, _ := json.Marshal(route.Value)
	if route.JSON {
		v = json.RawMessage(route.Value)
	}
	out, err := setAt(body, path, v)
	if err != nil {
		t.Fatalf("%s: example is not a JSON object at %s: %v", route.Message, route.Name, err)
	}
	return out
}

// setAt returns the JSON object body with v at path, making the objects
// on the way that it lacks.
func setAt(body []byte, path []string, v json.RawMessage) ([]byte, error) {
	var m map[string]json.RawMessage
	if len(body) > 0 {
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	if len(path) > 1 {
		inner, err := setAt(m[path[0]], path[1:], v)
		if err != nil {
			return nil, err
		}
		v = inner
	}
	m[path[0]] = v
	return json.Marshal(m)
}

// CheckRoutes sends every example of every message through a fresh server,
// with the message's own discriminator value and valid credentials, and
// checks that the answer is 200 and that exactly that message's method ran,
// once, with the example's values; for a handshake, that the answer is 200
// with a body and that no method ran. Target.CheckAnswer, when set,
// checks the answer's body.
func CheckRoutes(t *testing.T, tg Target) {
	for _, route := range tg.Routes {
		bodies := map[string][]byte{}
		headers := map[string]map[string]string{}
		for _, ex := range tg.Examples {
			if ex.Message == route.Message {
				bodies[ex.Name] = ex.Payload
				headers[ex.Name] = ex.Headers
			}
		}
		if len(bodies) == 0 {
			bodies["empty object"] = []byte(`{}`)
		}
		for name, body := range bodies {
			t.Run(route.Message+"/"+name, func(t *testing.T) {
				body := WithDiscriminator(t, route, body)
				srv, rec := tg.NewServer(t)
				w := httptest.NewRecorder()
				req := tg.Request(t, route, body, headers[name])
				// What was sent, which authenticating may have changed (a
				// key that travels in the body).
				sent, err := io.ReadAll(req.Body)
				if err != nil {
					t.Fatal(err)
				}
				req.Body = io.NopCloser(bytes.NewReader(sent))
				if !route.Form {
					body = sent // a form's values are those of the JSON it was made of
				}
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				if tg.CheckAnswer != nil {
					tg.CheckAnswer(t, route.Message, req, body, w)
				}
				calls := rec.Calls()
				if route.Handshake {
					// CheckAnswer checks the answer, which may have no body
					// (a subscription confirmed by a GET).
					if len(calls) != 0 || (w.Body.Len() == 0 && tg.CheckAnswer == nil) {
						t.Fatalf("handshake: answer %q, calls %+v; want an answer and no call", w.Body, calls)
					}
					return
				}
				if len(calls) != 1 || calls[0].Message != route.Message {
					t.Fatalf("want one call of %s, got %+v", route.Message, calls)
				}
				want := tg.NewPayload(route.Message)
				if want == nil {
					return // a message without a payload
				}
				if err := json.Unmarshal(body, want); err != nil {
					t.Fatal(err)
				}
				if got, exp := mustJSON(t, calls[0].Event), mustJSON(t, want); !bytes.Equal(got, exp) {
					t.Errorf("the handler got\n%s\nwant\n%s", got, exp)
				}
			})
		}
	}
}

// CheckBody checks that an answer has the content type ct and the body
// want. For a JSON content type, want is marshalled (a json.RawMessage
// is taken as it is) and the two are compared as JSON values; for any
// other, want is a string (anything else is marshalled), compared byte
// for byte.
func CheckBody(t testing.TB, answer *httptest.ResponseRecorder, ct string, want any) {
	t.Helper()
	if got := answer.Header().Get("Content-Type"); got != ct {
		t.Errorf("answer content type %q, want %q", got, ct)
	}
	if !isJSON(ct) {
		s, ok := want.(string)
		if !ok {
			s = string(mustJSON(t, want))
		}
		if answer.Body.String() != s {
			t.Errorf("answer %q, want %q", answer.Body, s)
		}
		return
	}
	var got, exp any
	if err := json.Unmarshal(answer.Body.Bytes(), &got); err != nil {
		t.Fatalf("answer %q is not JSON: %v", answer.Body, err)
	}
	if err := json.Unmarshal(mustJSON(t, want), &exp); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("answer\n%s\nwant\n%s", answer.Body, mustJSON(t, want))
	}
}

// isJSON reports whether a content type is JSON's.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// JSONAt returns the JSON value at the JSON pointer ptr in body; it fails
// t when there is none.
func JSONAt(t testing.TB, body []byte, ptr string) json.RawMessage {
	t.Helper()
	raw := json.RawMessage(body)
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var m map[string]json.RawMessage
		var l []json.RawMessage
		if json.Unmarshal(raw, &m) == nil && m != nil {
			raw = m[tok]
		} else if i, err := strconv.Atoi(tok); err == nil && json.Unmarshal(raw, &l) == nil && i >= 0 && i < len(l) {
			raw = l[i]
		} else {
			raw = nil
		}
		if raw == nil {
			t.Fatalf("the body has no value at %s: %s", ptr, body)
		}
	}
	return raw
}

// TextAt returns the value at the JSON pointer ptr in body as text: a
// string's value, else its JSON.
func TextAt(t testing.TB, body []byte, ptr string) string {
	t.Helper()
	raw := JSONAt(t, body, ptr)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
