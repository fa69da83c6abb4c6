package instacart_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hookgen/hookgen/generated/instacart"
	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// counter counts handler calls and unknown-event hook calls.
type counter struct{ handled, unknown atomic.Int32 }

// serveCounting serves a Server whose every handler and unknown-event hook
// counts its calls. It takes no credentials: these tests are about bodies.
func serveCounting(t *testing.T) (*httptest.Server, *counter) {
	t.Helper()
	c := new(counter)
	h := instacart.EventFunc(func(context.Context, string, any) error { c.handled.Add(1); return nil })
	srv, err := instacart.NewServer(h, instacart.AllowUnauthenticated(),
		instacart.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error { c.unknown.Add(1); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, c
}

func postEvent(t *testing.T, ts *httptest.Server, body string) int {
	t.Helper()
	resp, err := ts.Client().Post(ts.URL+instacart.ChannelWebhook, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const metadata = `"event_timestamp":"2026-01-02T03:04:05Z","event_metadata":{"order_id":"O-1"}`

// TestMalformedDeliveriesAreRefused: each body is not an event hookgen can
// hand to one handler, so the answer is 400 and nothing runs: a 200 would
// tell Instacart an event was handled that nobody saw.
func TestMalformedDeliveriesAreRefused(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"no event_name", `{"event_id":"E-1",` + metadata + `}`},
		{"null event_name", `{"event_id":"E-1","event_name":null,` + metadata + `}`},
		{"event_id twice", `{"event_id":"A","event_name":"fulfillment.picking",` + metadata + `,"event_id":"B"}`},
		{"event_id twice, case-folded", `{"event_id":"A","event_name":"fulfillment.picking",` + metadata + `,"EVENT_ID":"B"}`},
		{"event_name twice, case-folded", `{"event_id":"A","event_name":"fulfillment.picking","Event_Name":"fulfillment.staged",` + metadata + `}`},
		{"required event_timestamp null", `{"event_id":"E-1","event_name":"fulfillment.picking","event_timestamp":null,"event_metadata":{"order_id":"O-1"}}`},
		{"event_id an object", `{"event_id":{},"event_name":"fulfillment.picking",` + metadata + `}`},
		{"event_id true", `{"event_id":true,"event_name":"fulfillment.picking",` + metadata + `}`},
		{"event_id an array", `{"event_id":[],"event_name":"fulfillment.picking",` + metadata + `}`},
		{"event_id a fraction", `{"event_id":1.5,"event_name":"fulfillment.picking",` + metadata + `}`},
		{"a null body", `null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, c := serveCounting(t)
			if got := postEvent(t, ts, tc.body); got != http.StatusBadRequest {
				t.Errorf("status %d, want 400", got)
			}
			if c.handled.Load() != 0 || c.unknown.Load() != 0 {
				t.Errorf("handler ran %d times, unknown-event hook %d times; want 0", c.handled.Load(), c.unknown.Load())
			}
		})
	}
}

// TestEventIDIsReadAsTheEventIsDecoded: a key that matches event_id only
// case-insensitively is the event id, as it is the decoded EventID, so a
// retry spelled either way is the same event.
func TestEventIDIsReadAsTheEventIsDecoded(t *testing.T) {
	ts, c := serveCounting(t)
	for _, body := range []string{
		`{"event_id":"E-7","event_name":"fulfillment.picking",` + metadata + `}`,
		`{"EVENT_ID":"E-7","event_name":"fulfillment.picking",` + metadata + `,"retried":true}`,
	} {
		if got := postEvent(t, ts, body); got != http.StatusOK {
			t.Fatalf("status %d for %s", got, body)
		}
	}
	if n := c.handled.Load(); n != 1 {
		t.Errorf("handler ran %d times for one event id, want 1", n)
	}
	// A present value the spec does not know is an unknown event, not a
	// malformed one.
	if got := postEvent(t, ts, `{"event_id":"E-8","event_name":"fulfillment.teleported"}`); got != http.StatusOK || c.unknown.Load() != 1 {
		t.Errorf("unknown event: status %d, hook ran %d times", got, c.unknown.Load())
	}
}

// TestUnmarshalRefusesNull: no payload is null, and a required property
// that is null is as absent as a missing one; both name the path.
func TestUnmarshalRefusesNull(t *testing.T) {
	for body, path := range map[string]string{
		`null`: "$",
		`{"event_id":1,"event_name":"fulfillment.picking","event_timestamp":null}`: "$.event_timestamp",
	} {
		err := instacart.Unmarshal([]byte(body), new(instacart.FulfillmentPickingPayload))
		var jerr *jsonx.Error
		if !errors.Is(err, jsonx.ErrNull) || !errors.As(err, &jerr) || jerr.Path() != path {
			t.Errorf("Unmarshal(%s) = %v, want ErrNull at %s", body, err, path)
		}
	}
}
