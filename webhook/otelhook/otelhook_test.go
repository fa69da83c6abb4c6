package otelhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/otelhook"
)

// TestDeliveries sends a real generated DoorDash server a handled, a
// duplicate, an unauthorized, an invalid and a failing delivery, and reads
// back from in-memory exporters the span of each and the metrics.
func TestDeliveries(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	obs, err := otelhook.New(otelhook.WithTracerProvider(tp), otelhook.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	var handlerSpan trace.SpanContext
	h := doordash.EventFunc(func(ctx context.Context, message string, event any) error {
		handlerSpan = trace.SpanContextFromContext(ctx)
		if event.(*doordash.DeliveryWebhookPayload).GetExternalDeliveryID() == "fail" {
			return errors.New("database down")
		}
		return nil
	})
	srv, err := doordash.NewServer(h, doordash.WithBasicAuth(webhook.Credential{Username: "u", Password: "p"}), doordash.WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	send := func(body, password string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("u", password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ok := `{"event_type":"DASHER_CONFIRMED","external_delivery_id":"D-1"}`
	for _, c := range []struct {
		body, password string
		status         int
	}{
		{ok, "p", 200},
		{ok, "p", 200}, // the same event again
		{ok, "wrong", 401},
		{`{"event_type":"DASHER_CONFIRMED","external_delivery_id":7}`, "p", 400},
		{`{"event_type":"DASHER_CONFIRMED","external_delivery_id":"fail"}`, "p", 500},
	} {
		if got := send(c.body, c.password); got != c.status {
			t.Fatalf("status %d, want %d", got, c.status)
		}
	}

	ended := spans.Ended()
	if len(ended) != 5 {
		t.Fatalf("%d spans, want one per delivery", len(ended))
	}
	want := []struct {
		outcome string
		status  int64
	}{{"handled", 200}, {"duplicate", 200}, {"unauthorized", 401}, {"invalid", 400}, {"failed", 500}}
	for i, s := range ended {
		attrs := map[attribute.Key]attribute.Value{}
		for _, kv := range s.Attributes() {
			attrs[kv.Key] = kv.Value
		}
		if s.Name() != "webhook doordash /webhook" || s.SpanKind() != trace.SpanKindServer ||
			attrs["hookgen.outcome"].AsString() != want[i].outcome || attrs["http.response.status_code"].AsInt64() != want[i].status {
			t.Errorf("span %d: %s %v %v; want outcome %s, status %d", i, s.Name(), s.SpanKind(), attrs, want[i].outcome, want[i].status)
		}
		if want[i].outcome == "handled" && (attrs["hookgen.message"].AsString() != "DasherConfirmed" || attrs["hookgen.event_id"].AsString() == "") {
			t.Errorf("handled span without message and event id: %v", attrs)
		}
	}
	if last := ended[4]; handlerSpan.SpanID() != last.SpanContext().SpanID() || last.Status().Code.String() != "Error" {
		t.Errorf("the handler's context is not the delivery's span, or a 500 is not an error span: %v", last.Status())
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums := map[string]map[string]int64{} // instrument -> attribute set -> value
	var handled uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					if sums[m.Name] == nil {
						sums[m.Name] = map[string]int64{}
					}
					sums[m.Name][dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Value
				}
			case metricdata.Histogram[float64]:
				for _, dp := range data.DataPoints {
					handled += dp.Count
				}
			}
		}
	}
	for name, want := range map[string]map[string]int64{
		"hookgen.deliveries": {
			"message=DasherConfirmed,outcome=handled,provider=doordash":   1,
			"message=DasherConfirmed,outcome=duplicate,provider=doordash": 1,
			"message=,outcome=unauthorized,provider=doordash":             1,
			"message=DasherConfirmed,outcome=invalid,provider=doordash":   1,
			"message=DasherConfirmed,outcome=failed,provider=doordash":    1,
		},
		"hookgen.dedup.hits":    {"message=DasherConfirmed,provider=doordash": 1},
		"hookgen.auth.failures": {"provider=doordash,scheme=basicAuth": 1},
	} {
		for attrs, n := range want {
			if got := sums[name][attrs]; got != n {
				t.Errorf("%s{%s} = %d, want %d (all: %v)", name, attrs, got, n, sums[name])
			}
		}
	}
	if handled != 2 { // the handled and the failed delivery ran the handler
		t.Errorf("handler duration recorded %d times, want 2", handled)
	}
}

// TestOff: without providers there is no observer, and a server given
// that nil answers as one given none.
func TestOff(t *testing.T) {
	obs, err := otelhook.New()
	if err != nil || obs != nil {
		t.Fatalf("New() = %v, %v; want no observer", obs, err)
	}
	srv, err := doordash.NewServer(doordash.UnimplementedHandler{}, doordash.AllowUnauthenticated(), doordash.WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(`{"event_type":"DASHER_CONFIRMED"}`)))
	if w.Code != http.StatusInternalServerError { // UnimplementedHandler fails every event
		t.Errorf("status %d, want 500 from the unimplemented handler", w.Code)
	}
}

// TestOnlyMetrics: a meter provider alone gives metrics and no spans.
func TestOnlyMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	obs, err := otelhook.New(otelhook.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, done := obs.Begin(context.Background(), "p", "/c")
	if trace.SpanContextFromContext(ctx).IsValid() {
		t.Error("a span was started without a tracer provider")
	}
	done(webhook.Outcome{Status: 200, Result: "handled", Message: "M"})
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil || len(rm.ScopeMetrics) != 1 {
		t.Errorf("metrics: %v, %+v", err, rm)
	}
}
