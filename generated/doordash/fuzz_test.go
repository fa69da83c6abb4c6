package doordash_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// fuzzBodyLimits are the body limits an input picks from: the default, and
// small ones that short fuzzed bodies cross.
var fuzzBodyLimits = [4]int64{webhook.DefaultBodyLimit, 512, 2048, 64}

// Fuzz handler behaviours, chosen by the fuzzer per request.
const (
	behaveOK = iota
	behaveError
	behavePanic
	behaviours
)

// messageOf maps each event_type the spec knows to the message it must reach.
var messageOf = map[string]string{
	"DASHER_CONFIRMED":                 "DasherConfirmed",
	"DASHER_CONFIRMED_PICKUP_ARRIVAL":  "DasherConfirmedPickupArrival",
	"DASHER_CONFIRMED_DROPOFF_ARRIVAL": "DasherConfirmedDropoffArrival",
	"DASHER_DROPPED_OFF":               "DasherDroppedOff",
	"DELIVERY_RETURN_INITIALIZED":      "DeliveryReturnInitialized",
	"DASHER_CONFIRMED_RETURN_ARRIVAL":  "DasherConfirmedReturnArrival",
	"DELIVERY_RETURNED":                "DeliveryReturned",
	"DELIVERY_CANCELLED":               "DeliveryCancelled",
	"DELIVERY_BATCHED":                 "DeliveryBatched",
}

// FuzzServer sends random bodies (spec examples, patched or not, and raw
// bytes), event types, content types and Authorization values to a
// generated Server, with a
// handler that succeeds, fails or panics as the input says. Properties: no
// panic escapes; every answer is exactly 200 or a JSON error; a 200 is never
// given for a body nobody took (the handler ran and succeeded, or the
// unknown-event hook ran) nor without valid credentials and a JSON content
// type; and the provider's re-send of a handled event is a duplicate (200,
// no call) while that of a failed one is handled.
func FuzzServer(f *testing.F) {
	validAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPass))
	examples := doordash.Examples()
	raw := uint8(len(examples)) // the base selector meaning "no example"
	// Every example, literally, and with its own message's event_type.
	for i, ex := range examples {
		f.Add(uint8(i), []byte{}, "", "application/json", validAuth, uint8(behaveOK))
		et := ""
		for k, m := range messageOf {
			if m == ex.Message {
				et = k
			}
		}
		f.Add(uint8(i), []byte{}, et, "application/json", validAuth, uint8(i%behaviours))
	}
	for _, s := range []struct {
		base         uint8
		patch        string
		et, ct, auth string
		behave       uint8
	}{
		{0, "", "DASHER_PICKED_UP", "application/json", validAuth, behaveOK},
		{7, "", "DELIVERY_CANCELLED", "application/json; charset=utf-8", validAuth, behaveError},
		{8, "", "DELIVERY_BATCHED", "application/vnd.doordash+json", validAuth, behavePanic},
		{0, "", "", "text/plain", validAuth, behaveOK},
		{0, "", "", "", validAuth, behaveOK},
		{0, "", "", "application/json", "", behaveOK},
		{0, "", "", "application/json", "Basic " + base64.RawStdEncoding.EncodeToString([]byte(testUser+":"+testPass)), behaveOK},
		{0, "", "", "application/json", "basic  " + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPass)) + " ", behaveOK},
		{0, "", "", "application/json", "Basic " + base64.StdEncoding.EncodeToString([]byte(testUser+":wrong")), behaveOK},
		{0, "", "", "application/json", "Bearer " + testPass, behaveOK},
		{0, `{"fee":"lots"}`, "", "application/json", validAuth, behaveOK},
		{3, `{"fee":4.5,"tip":null}`, "", "application/json", validAuth, behaveOK},
		{0, `{"created_at":"2026-13-40T99:00:00Z"}`, "", "application/json", validAuth, behaveOK},
		{0, `{"dasher_location":{"lat":1,"lng":2},"event_name":"DASHER_PICKED_UP"}`, "", "application/json", validAuth, behaveOK},
		{0, "", "", "application/json", validAuth, 1 << 2}, // example over the 512-byte limit
		{raw, `{"event_type":"DASHER_CONFIRMED","padding":"` + strings.Repeat("x", 64) + `"}`, "", "application/json", validAuth, 3 << 2},
		{raw, `{"EVENT_TYPE":"DASHER_DROPPED_OFF"}`, "", "application/json", validAuth, behaveOK},
		{raw, `{"event_type":"DASHER_PICKED_UP","event_type":"DASHER_CONFIRMED"}`, "", "application/json", validAuth, behaveOK},
		{raw, `null`, "", "application/json", validAuth, behaveOK},
		{raw, `{}`, "", "application/json", validAuth, behaveOK},
		{raw, `[]`, "", "application/json", validAuth, behaveOK},
		{raw, `{"event_type":null}`, "", "application/json", validAuth, behaveOK},
		{raw, `{"event_type":"DASHER_CONFIRMED"`, "", "application/json", validAuth, behaveOK},
		{raw, "", "", "application/json", validAuth, behaveOK},
	} {
		f.Add(s.base, []byte(s.patch), s.et, s.ct, s.auth, s.behave)
	}

	// One listener per fuzzing process, and a fresh generated Server per
	// input behind it: each input starts with empty de-duplication state,
	// so its outcome (and coverage) does not depend on earlier inputs.
	// Inputs run one at a time, so the counters' deltas belong to the
	// request just sent.
	var (
		current   atomic.Pointer[doordash.Server]
		behaviour atomic.Int32
		calls     atomic.Int64
		lastMsg   atomic.Value // string
		lastEvent atomic.Pointer[doordash.DeliveryWebhookPayload]
		hookCalls atomic.Int64
	)
	// quiet: the Recorder would keep every call of a long fuzzing run.
	h := &handler{quiet: true, behave: func(_ context.Context, msg string, ev *doordash.DeliveryWebhookPayload) error {
		calls.Add(1)
		lastMsg.Store(msg)
		lastEvent.Store(ev)
		switch behaviour.Load() {
		case behaveError:
			return errors.New("fuzz: handler failed")
		case behavePanic:
			panic("fuzz: handler panicked")
		}
		return nil
	}}
	newServer := func(t *testing.T, limit int64) *doordash.Server {
		srv, err := doordash.NewServer(h, basicAuth(),
			doordash.WithBodyLimit(limit),
			doordash.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
				hookCalls.Add(1)
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	// Seed runs (plain go test) go over loopback HTTP. While fuzzing, the
	// same Server is called in-process: net/http's background goroutines
	// would leak coverage from one input into the next, and the fuzzer
	// would spend its time minimizing that noise instead of fuzzing.
	roundTrip := loopback(f, &current)
	if isFuzzing() {
		roundTrip = inProcess(&current)
	}

	f.Fuzz(func(t *testing.T, base uint8, patch []byte, eventType, contentType, auth string, behave uint8) {
		body := fuzzBody(examples, base, patch)
		if eventType != "" {
			body = withEventType(body, eventType)
		}
		contentType, auth = headerSafe(contentType), headerSafe(auth)
		// The low bits of behave choose the handler's behaviour, the next
		// two the body limit.
		limit := fuzzBodyLimits[behave>>2&3]
		behave = behave & 3 % behaviours
		behaviour.Store(int32(behave))
		current.Store(newServer(t, limit))
		deliver := func() (a answer, ran, hooked int64) {
			calls0, hook0 := calls.Load(), hookCalls.Load()
			a, err := roundTrip(body, contentType, auth)
			if err != nil {
				t.Fatal(err)
			}
			return a, calls.Load() - calls0, hookCalls.Load() - hook0
		}

		a, ran, hooked := deliver()

		if ran+hooked > 1 {
			t.Fatalf("one request ran the handler %d and the hook %d times", ran, hooked)
		}
		if a.status/100 == 2 && a.status != http.StatusOK {
			t.Fatalf("status %d: DoorDash only takes exactly 200", a.status)
		}
		if a.status != http.StatusOK {
			checkErrorBody(t, a, "")
		}
		if ran == 1 && behave != behaveOK && a.status != http.StatusInternalServerError {
			t.Fatalf("failed handler answered %d, want 500", a.status)
		}
		switch a.status {
		case http.StatusOK:
			if ran == 0 && hooked == 0 {
				t.Fatalf("200 for a body nobody took: %q", body)
			}
			if ran == 1 && behave != behaveOK {
				t.Fatalf("200 although the handler failed: %q", body)
			}
			if !credentialsValid(auth) {
				t.Fatalf("200 with Authorization %q", auth)
			}
			if !jsonContentType(contentType) {
				t.Fatalf("200 with Content-Type %q", contentType)
			}
		case http.StatusConflict:
			t.Fatalf("409 without any concurrent delivery: %q", body)
		case http.StatusInternalServerError:
			if ran == 0 && hooked == 0 {
				t.Fatalf("500 but neither the handler nor the hook ran: %q", body)
			}
		default:
			if ran != 0 || hooked != 0 {
				t.Fatalf("status %d after the handler ran %d, the hook %d times", a.status, ran, hooked)
			}
		}
		// What the Server made of the body must be what encoding/json
		// makes of it: the generated decoders promise json.Unmarshal's
		// result (the spec has no required property).
		want := modelDispatch(body)
		switch {
		case a.status == http.StatusBadRequest && want.outcome != "invalid":
			t.Fatalf("400, but encoding/json reads %q as %s %s: %s", body, want.outcome, want.message, a.body)
		case hooked == 1 && want.outcome != "unknown":
			t.Fatalf("unknown-event hook ran, but encoding/json reads %q as %s %s", body, want.outcome, want.message)
		case ran == 1 && (want.outcome != "handle" || want.message != lastMsg.Load()):
			t.Fatalf("%v ran, but encoding/json reads %q as %s %s", lastMsg.Load(), body, want.outcome, want.message)
		case ran == 1:
			got, _ := json.Marshal(lastEvent.Load())
			exp, _ := json.Marshal(want.event)
			if !bytes.Equal(got, exp) {
				t.Fatalf("the handler got\n%s\nencoding/json decodes\n%s\nfrom %q", got, exp, body)
			}
		}
		// Past the request checks, the body alone decides.
		if auth == validAuth && contentType == "application/json" && int64(len(body)) <= limit {
			switch want.outcome {
			case "invalid":
				if a.status != http.StatusBadRequest {
					t.Fatalf("status %d for %q, which is no valid DoorDash event", a.status, body)
				}
			case "unknown":
				if hooked != 1 || a.status != http.StatusOK {
					t.Fatalf("status %d, hook ran %d times for an unknown event %q", a.status, hooked, body)
				}
			case "handle":
				if ran != 1 {
					t.Fatalf("status %d, handler ran %d times for %s %q", a.status, ran, want.message, body)
				}
			}
		}

		// The provider's re-send. A handled event is a duplicate now: 200
		// without a call. A failed one is handled again, now successfully.
		behaviour.Store(behaveOK)
		again, ranAgain, hookedAgain := deliver()
		switch {
		case a.status == http.StatusOK && ran == 1:
			if again.status != http.StatusOK || ranAgain != 0 {
				t.Fatalf("re-send of a handled event: status %d, handler ran %d times", again.status, ranAgain)
			}
		case a.status == http.StatusInternalServerError && ran == 1:
			if again.status != http.StatusOK || ranAgain != 1 {
				t.Fatalf("retry of a failed event: status %d, handler ran %d times", again.status, ranAgain)
			}
		case again.status != a.status || ranAgain != ran || hookedAgain != hooked:
			t.Fatalf("the same request answered %d (handler %d, hook %d), then %d (handler %d, hook %d)",
				a.status, ran, hooked, again.status, ranAgain, hookedAgain)
		}
	})
}

// dispatchModel is what a DoorDash delivery should come to, by
// encoding/json's reading of its body.
type dispatchModel struct {
	outcome string // "invalid", "unknown" or "handle"
	message string
	event   *doordash.DeliveryWebhookPayload
}

func modelDispatch(body []byte) dispatchModel {
	var probe struct {
		EventType string `json:"event_type"`
	}
	// By the contract, 400 for anything but an object, and for an object
	// whose event_type is absent, null or given twice (which of the two
	// would be a guess).
	if isNull(body) || json.Unmarshal(body, &probe) != nil || probe.EventType == "" || eventTypeKeys(body) > 1 {
		return dispatchModel{outcome: "invalid"}
	}
	msg, ok := messageOf[probe.EventType]
	if !ok {
		return dispatchModel{outcome: "unknown"}
	}
	ev := new(doordash.DeliveryWebhookPayload)
	if json.Unmarshal(body, ev) != nil {
		return dispatchModel{outcome: "invalid", message: msg}
	}
	return dispatchModel{outcome: "handle", message: msg, event: ev}
}

// eventTypeKeys counts the top-level keys of the object body that
// encoding/json would decode into the event_type field.
func eventTypeKeys(body []byte) int {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return 0
	}
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		if k, _ := tok.(string); bytes.Equal(jsonx.Fold(nil, []byte(k)), []byte("EVENT_TYPE")) {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return n
		}
	}
	return n
}

// isNull reports whether body is the JSON literal null.
func isNull(body []byte) bool {
	return string(bytes.TrimLeft(bytes.TrimRight(body, " \t\r\n"), " \t\r\n")) == "null"
}

// fuzzBody builds the body of an input. The fuzzed bytes stay small, a
// patch over a spec example rather than a whole example, because the fuzzing
// engine's minimizer is quadratic in the length of a []byte argument: with
// 1 KiB examples as the mutated value it spends the whole run minimizing.
// base selects an example (past the last: none); patch, when it is a JSON
// object, overrides the example's properties, and otherwise is the body.
func fuzzBody(examples []webhook.Example, base uint8, patch []byte) []byte {
	i := int(base) % (len(examples) + 1)
	if i == len(examples) {
		return patch
	}
	ex := examples[i].Payload
	if len(patch) == 0 {
		return ex
	}
	var m, p map[string]json.RawMessage
	if json.Unmarshal(patch, &p) != nil || p == nil || json.Unmarshal(ex, &m) != nil {
		return patch
	}
	for k, v := range p {
		m[k] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		return patch
	}
	return out
}

// roundTripper delivers one request to the current Server.
type roundTripper func(body []byte, contentType, auth string) (answer, error)

// setHeaders sets the fuzzed headers; an empty value means none.
func setHeaders(r *http.Request, contentType, auth string) {
	r.Header.Del("Authorization")
	r.Header.Del("Content-Type")
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
}

// loopback serves the current Server on a loopback listener.
func loopback(f *testing.F, current *atomic.Pointer[doordash.Server]) roundTripper {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().ServeHTTP(w, r)
	}))
	f.Cleanup(ts.Close)
	client := ts.Client()
	client.Timeout = 5 * time.Second
	return func(body []byte, contentType, auth string) (answer, error) {
		return post(client, webhookURL(ts), body, func(r *http.Request) { setHeaders(r, contentType, auth) })
	}
}

// inProcess calls the current Server's ServeHTTP directly.
func inProcess(current *atomic.Pointer[doordash.Server]) roundTripper {
	return func(body []byte, contentType, auth string) (answer, error) {
		r := httptest.NewRequest(http.MethodPost, doordash.ChannelWebhook, bytes.NewReader(body))
		setHeaders(r, contentType, auth)
		w := httptest.NewRecorder()
		current.Load().ServeHTTP(w, r)
		return answer{status: w.Code, header: w.Result().Header, body: w.Body.Bytes()}, nil
	}
}

// isFuzzing reports whether this process runs with -test.fuzz (the
// coordinator and its workers), not just the seed corpus.
func isFuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// withEventType sets event_type in a JSON object body; any other body is
// left alone.
func withEventType(body []byte, eventType string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m == nil {
		return body
	}
	m["event_type"], _ = json.Marshal(eventType)
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// headerSafe drops the bytes an HTTP client refuses in a header value, so
// the input reaches the server instead of failing in the client.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// credentialsValid is a deliberately lenient model of Basic auth (any
// whitespace, padded or not): the server may accept less, never more.
func credentialsValid(h string) bool {
	f := strings.Fields(h)
	if len(f) != 2 || !strings.EqualFold(f[0], "Basic") {
		return false
	}
	want := []byte(testUser + ":" + testPass)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(f[1]); err == nil && bytes.Equal(b, want) {
			return true
		}
	}
	return false
}

// jsonContentType: no type at all, application/json or application/*+json.
func jsonContentType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// FuzzDecode holds the generated decoder to its promise without HTTP in the
// way (so it runs fast): the routing probe and Unmarshal give what
// encoding/json gives, error for error and value for value.
func FuzzDecode(f *testing.F) {
	for _, ex := range doordash.Examples() {
		f.Add(ex.Payload)
	}
	for _, s := range []string{
		`{"event\u005ftype":"DASHER_CONFIRMED","FEE":7,"fee":8}`,
		`{"event_type":"A","EVENT_TYPE":"DASHER_CONFIRMED","Fee":1e2}`,
		`{"event_type":"DASHER_CONFIRMED","created_at":"2026-06-02T14:30:00.123+02:00","fee":null}`,
		"{\"event_type\":\"DASHER_CONFIRMED\",\"external_delivery_id\":\"\\ud800\xff\"}",
		`{"event_type":"DASHER_CONFIRMED","dasher_location_lat":1e400}`,
		`{"event_type":"DASHER_CONFIRMED","x":[1,{"a":[]}],"tip":-0}`,
		`null`, `[]`, `{}`, ``, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var probe struct {
			EventType string `json:"event_type"`
		}
		jerr := json.Unmarshal(body, &probe)
		got, gerr := jsonx.Probe(body, "event_type")
		// Stricter than encoding/json, and only there: a top-level null is
		// refused (no event is null), and so is event_type given twice.
		stricter := isNull(body) || eventTypeKeys(body) > 1
		if (gerr != nil) != (jerr != nil || stricter) || (gerr == nil && got != probe.EventType) {
			t.Fatalf("Probe(%q) = %q, %v; encoding/json: %q, %v", body, got, gerr, probe.EventType, jerr)
		}
		var want, have doordash.DeliveryWebhookPayload
		jerr = json.Unmarshal(body, &want)
		gerr = doordash.Unmarshal(body, &have)
		if (gerr != nil) != (jerr != nil || stricter) {
			t.Fatalf("Unmarshal(%q): %v; encoding/json: %v", body, gerr, jerr)
		}
		if gerr != nil {
			return
		}
		w, _ := json.Marshal(&want)
		h, _ := json.Marshal(&have)
		if !bytes.Equal(w, h) {
			t.Fatalf("Unmarshal(%q):\n%s\nencoding/json:\n%s", body, h, w)
		}
		// And Marshal is json.Marshal, byte for byte.
		m, err := doordash.Marshal(&have)
		if err != nil || !bytes.Equal(m, h) {
			t.Fatalf("Marshal: %s, %v; json.Marshal: %s", m, err, h)
		}
	})
}
