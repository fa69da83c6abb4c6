// Package bench measures what a receiver pays per delivery: the same
// DoorDash DASHER_CONFIRMED POST through the hookgen-generated Server, a
// hand-written encoding/json handler, an ogen server generated from an
// OpenAPI twin of the spec, and the floor every receiver pays (auth, read,
// one syntax-only pass); and decoding alone, hookgen's generated decoder
// against encoding/json into the same struct.
//
// It has its own module so that hookgen's users never download ogen. Run
// it with `make bench` (interleaved runs and a benchstat table), or:
//
//	go test -run '^$' -bench . -benchmem
package bench

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/go-faster/jx"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/hookgen/hookgen/bench/ogen"
	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/generated/grubhub"
	"github.com/hookgen/hookgen/generated/instacart"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/otelhook"
)

const user, pass = "hookgen", "bench-secret"

// payload is the DASHER_CONFIRMED example of the DoorDash spec, as the
// generated package ships it.
func payload(tb testing.TB) []byte {
	for _, ex := range doordash.Examples() {
		if ex.Message == "DasherConfirmed" {
			return ex.Payload
		}
	}
	tb.Fatal("doordash has no DasherConfirmed example")
	return nil
}

// checkAuth is the basic-auth check every baseline does: the header parsed
// by net/http, both parts compared in constant time.
func checkAuth(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && constantEqual(u, user) && constantEqual(p, pass)
}

func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// servers are the four receivers, each answering 200 to the payload.
func servers(tb testing.TB) []struct {
	name string
	h    http.Handler
} {
	hg, err := doordash.NewServer(noop{},
		doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass}),
		doordash.WithDeduper(everyEventNew{}))
	if err != nil {
		tb.Fatal(err)
	}
	og, err := ogen.NewServer(ogenHandler{}, ogenSecurity{})
	if err != nil {
		tb.Fatal(err)
	}
	// OpenTelemetry off (no provider given) must cost nothing; on, with
	// the SDK's providers and nothing exported, it is measured for the
	// record.
	off, err := otelhook.New()
	if err != nil {
		tb.Fatal(err)
	}
	on, err := otelhook.New(otelhook.WithTracerProvider(sdktrace.NewTracerProvider()),
		otelhook.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))))
	if err != nil {
		tb.Fatal(err)
	}
	withObserver := func(o webhook.Observer) http.Handler {
		s, err := doordash.NewServer(noop{},
			doordash.WithBasicAuth(webhook.Credential{Username: user, Password: pass}),
			doordash.WithDeduper(everyEventNew{}), doordash.WithObserver(o))
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
	return []struct {
		name string
		h    http.Handler
	}{
		{"floor", http.HandlerFunc(floor)},
		{"hookgen", hg},
		{"hookgen_otel_off", withObserver(off)},
		{"hookgen_otel", withObserver(on)},
		{"ogen", og},
		{"encoding_json", http.HandlerFunc(handWritten)},
	}
}

// noop handles DASHER_CONFIRMED and does nothing.
type noop struct{ doordash.UnimplementedHandler }

func (noop) HandleDasherConfirmed(context.Context, *doordash.DeliveryWebhookPayload) error {
	return nil
}

// everyEventNew is a Deduper that has seen nothing: the benchmark sends the
// same body again and again, and each must run the handler as a new event
// would (the default store would answer every repeat as a duplicate).
type everyEventNew struct{}

func (everyEventNew) Claim(context.Context, string) (webhook.ClaimState, error) {
	return webhook.ClaimAcquired, nil
}
func (everyEventNew) Commit(context.Context, string) error  { return nil }
func (everyEventNew) Release(context.Context, string) error { return nil }

type ogenHandler struct{}

func (ogenHandler) ReceiveDeliveryWebhook(context.Context, *ogen.DeliveryWebhookPayload) error {
	return nil
}

type ogenSecurity struct{}

var errUnauthorized = errors.New("unauthorized")

func (ogenSecurity) HandleBasicAuth(ctx context.Context, _ ogen.OperationName, t ogen.BasicAuth) (context.Context, error) {
	if !constantEqual(t.Username, user) || !constantEqual(t.Password, pass) {
		return ctx, errUnauthorized
	}
	return ctx, nil
}

// handWritten is what a team writes without a generator: basic auth, read
// the body, encoding/json into the same struct hookgen generates.
func handWritten(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if !checkAuth(r) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var event doordash.DeliveryWebhookPayload
	if err := json.Unmarshal(body, &event); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// floor is what any receiver pays: basic auth, read the body, one
// syntax-only pass over the JSON.
func floor(w http.ResponseWriter, r *http.Request) {
	if !checkAuth(r) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || !jx.Valid(body) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// request is one POST that is sent again and again: its body is rewound
// before each round, so that the benchmark measures the servers, not the
// building of requests.
type request struct {
	r    *http.Request
	body rewindable
	data []byte
}

type rewindable struct{ bytes.Reader }

func (*rewindable) Close() error { return nil }

func newRequest(tb testing.TB, data []byte) *request {
	r, err := http.NewRequest(http.MethodPost, "http://receiver.test/webhook", nil)
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.SetBasicAuth(user, pass)
	r.ContentLength = int64(len(data))
	return &request{r: r, data: data}
}

func (q *request) rewind() *http.Request {
	q.body.Reset(q.data)
	q.r.Body = &q.body
	return q.r
}

// recorder is a ResponseWriter that keeps the status and drops the body.
type recorder struct {
	h      http.Header
	status int
}

func (w *recorder) Header() http.Header         { return w.h }
func (w *recorder) Write(p []byte) (int, error) { return len(p), nil }
func (w *recorder) WriteHeader(status int)      { w.status = status }

func (w *recorder) reset() {
	clear(w.h)
	w.status = http.StatusOK
}

// BenchmarkServer sends the DoorDash DASHER_CONFIRMED example through each
// server. Sub-benchmark names carry server=<name>, so that
// `benchstat -col /server` lays them side by side.
func BenchmarkServer(b *testing.B) {
	data := payload(b)
	for _, s := range servers(b) {
		b.Run("server="+s.name, func(b *testing.B) {
			q := newRequest(b, data)
			w := &recorder{h: http.Header{}}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				s.h.ServeHTTP(w, q.rewind())
				if w.status != http.StatusOK {
					b.Fatalf("%s answered %d", s.name, w.status)
				}
			}
		})
	}
}

// TestServersAgree checks that every server accepts the benchmark's
// request and refuses it without credentials, so that the benchmark
// compares servers doing the same work.
func TestServersAgree(t *testing.T) {
	data := payload(t)
	for _, s := range servers(t) {
		q := newRequest(t, data)
		w := &recorder{h: http.Header{}}
		w.reset()
		s.h.ServeHTTP(w, q.rewind())
		if w.status != http.StatusOK {
			t.Errorf("%s: %d for a valid delivery, want 200", s.name, w.status)
		}
		q.r.Header.Del("Authorization")
		w.reset()
		s.h.ServeHTTP(w, q.rewind())
		if w.status != http.StatusUnauthorized {
			t.Errorf("%s: %d without credentials, want 401", s.name, w.status)
		}
		q.r.SetBasicAuth(user, pass)
		q.data = []byte(`{"event_type": "DASHER_CONFIRMED", "fee": "not a number"}`)
		q.r.ContentLength = int64(len(q.data))
		w.reset()
		s.h.ServeHTTP(w, q.rewind())
		if w.status != http.StatusBadRequest && s.name != "floor" {
			t.Errorf("%s: %d for a fee that is a string, want 400", s.name, w.status)
		}
	}
}

// decodeCase is one payload decoded both ways into the same struct.
type decodeCase struct {
	name    string
	message string
	data    func() []byte
	// hookgen decodes with the generated decoder, std with encoding/json,
	// ogen (DoorDash only) with ogen's generated decoder on go-faster/jx
	// into its own struct.
	hookgen, std, ogen func([]byte) error
}

func decodeCases() []decodeCase {
	first := func(exs []webhook.Example, message string) func() []byte {
		return func() []byte {
			for _, ex := range exs {
				if ex.Message == message {
					return ex.Payload
				}
			}
			return nil
		}
	}
	return []decodeCase{
		{
			name: "doordash", message: "DasherConfirmed", data: first(doordash.Examples(), "DasherConfirmed"),
			hookgen: func(b []byte) error { return doordash.Unmarshal(b, new(doordash.DeliveryWebhookPayload)) },
			std:     func(b []byte) error { return json.Unmarshal(b, new(doordash.DeliveryWebhookPayload)) },
			ogen:    func(b []byte) error { return new(ogen.DeliveryWebhookPayload).Decode(jx.DecodeBytes(b)) },
		},
		{
			name: "grubhub", message: "DriverAssigned", data: first(grubhub.Examples(), "DriverAssigned"),
			hookgen: func(b []byte) error { return grubhub.Unmarshal(b, new(grubhub.DriverAssignedPayload)) },
			std:     func(b []byte) error { return json.Unmarshal(b, new(grubhub.DriverAssignedPayload)) },
		},
		{
			name: "instacart", message: "FulfillmentStaged", data: first(instacart.Examples(), "FulfillmentStaged"),
			hookgen: func(b []byte) error { return instacart.Unmarshal(b, new(instacart.FulfillmentStagedPayload)) },
			std:     func(b []byte) error { return json.Unmarshal(b, new(instacart.FulfillmentStagedPayload)) },
		},
	}
}

// BenchmarkDecode decodes one example payload per provider into its
// generated struct: decoder=hookgen with the generated decoder,
// decoder=encoding_json with json.Unmarshal; decoder=ogen decodes the
// DoorDash payload with ogen's decoder into ogen's struct.
func BenchmarkDecode(b *testing.B) {
	for _, c := range decodeCases() {
		data := c.data()
		if data == nil {
			b.Fatalf("%s has no %s example", c.name, c.message)
		}
		for _, d := range []struct {
			name   string
			decode func([]byte) error
		}{{"hookgen", c.hookgen}, {"encoding_json", c.std}, {"ogen", c.ogen}} {
			if d.decode == nil {
				continue
			}
			b.Run("payload="+c.name+"/decoder="+d.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					if err := d.decode(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestDecodeCases checks that the payloads decode both ways.
func TestDecodeCases(t *testing.T) {
	for _, c := range decodeCases() {
		data := c.data()
		if data == nil {
			t.Fatalf("%s has no %s example", c.name, c.message)
		}
		if err := c.hookgen(data); err != nil {
			t.Errorf("%s: hookgen: %v", c.name, err)
		}
		if err := c.std(data); err != nil {
			t.Errorf("%s: encoding/json: %v", c.name, err)
		}
		if c.ogen != nil {
			if err := c.ogen(data); err != nil {
				t.Errorf("%s: ogen: %v", c.name, err)
			}
		}
	}
}
