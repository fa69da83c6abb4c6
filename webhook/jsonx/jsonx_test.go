package jsonx_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/hookgen/hookgen/webhook"
	"github.com/hookgen/hookgen/webhook/jsonx"
)

var bodies = []string{
	`{"event_type":"DASHER_CONFIRMED","fee":42}`,
	`{"EVENT_TYPE":"A"}`,
	`{"event_type":"A","event_type":"B"}`,
	`{"event_type":"A","Event_Type":null}`,
	`{"event_type":"A","event_type":1}`,
	`{"event_type":"\u00e9\ud800x"}`,
	"{\"event_type\":\"bad \xff utf8\"}",
	`{"event_id":1201895966044343904,"data":{"id":"x","list":[1,{"k":"v"}]}}`,
	`{"ev\u0065nt_type":"escaped key"}`,
	`{"event_type":"A"} x`,
	`{"event_type":"A"`,
	`[]`, `true`, `"s"`, `null`, ` null `, ``, `{}`, `{"a":[1,2,{"b":null}]}`,
}

// TestProbe holds Probe against json.Unmarshal into a one-field struct.
func TestProbe(t *testing.T) {
	for _, b := range bodies {
		checkProbe(t, []byte(b))
	}
}

func FuzzProbe(f *testing.F) {
	for _, b := range bodies {
		f.Add([]byte(b))
	}
	f.Fuzz(checkProbe)
}

func checkProbe(t *testing.T, data []byte) {
	var want struct {
		V string `json:"event_type"`
	}
	errStd := json.Unmarshal(data, &want)
	got, err := jsonx.Probe(data, "event_type")
	switch {
	case errStd != nil && err == nil:
		t.Fatalf("%q: Probe accepts what encoding/json rejects (%v)", data, errStd)
	case errStd == nil && err != nil && !isTopLevelNull(data):
		t.Fatalf("%q: Probe rejects what encoding/json accepts: %v", data, err)
	case errStd == nil && err == nil && got != want.V:
		t.Fatalf("%q: Probe = %q, encoding/json %q", data, got, want.V)
	}
}

func isTopLevelNull(data []byte) bool {
	var v any
	return json.Unmarshal(data, &v) == nil && v == nil
}

// TestPayloadValue holds PayloadValue against webhook.PayloadValue.
func TestPayloadValue(t *testing.T) {
	for _, b := range bodies {
		for _, p := range []string{"/event_type", "/event_id", "/data/id", "/data/list/1/k", "/data/list/0", "/a/2", "/missing", ""} {
			checkPayloadValue(t, []byte(b), p)
		}
	}
}

func FuzzPayloadValue(f *testing.F) {
	for _, b := range bodies {
		f.Add([]byte(b), "/event_id")
	}
	f.Fuzz(checkPayloadValue)
}

func checkPayloadValue(t *testing.T, body []byte, pointer string) {
	if want, got := webhook.PayloadValue(body, pointer), jsonx.PayloadValue(body, pointer); got != want {
		t.Fatalf("PayloadValue(%q, %q) = %q, webhook.PayloadValue %q", body, pointer, got, want)
	}
}

// TestEncoderMatchesMarshal checks strings and floats byte for byte.
func TestEncoderMatchesMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&</a>", "\u2028\u2029", "\x00\x01\b\f\n\r\t\x1f", "bad \xff\xfe", "é😀", "\\/"} {
		checkString(t, s)
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, 1e20, 1e21, 123456789, 3.4028235e38, 5e-324, math.MaxFloat64, 0.1} {
		checkFloat(t, f)
	}
}

func FuzzEncoder(f *testing.F) {
	f.Add("x<y", 1.5)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		checkString(t, s)
		checkFloat(t, x)
	})
}

func checkString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	var e jsonx.Encoder
	e.Str(s)
	if got := e.Bytes(); string(got) != string(want) {
		t.Fatalf("Str(%q) = %s, json.Marshal %s", s, got, want)
	}
}

func checkFloat(t *testing.T, x float64) {
	for _, bits := range []int{32, 64} {
		var v any = x
		if bits == 32 {
			v = float32(x)
		}
		want, errStd := json.Marshal(v)
		var e jsonx.Encoder
		if bits == 32 {
			e.Float(float64(float32(x)), 32)
		} else {
			e.Float(x, 64)
		}
		got, err := e.Result()
		if (errStd == nil) != (err == nil) || string(got) != string(want) {
			t.Fatalf("Float(%v, %d) = %s, %v; json.Marshal %s, %v", x, bits, got, err, want, errStd)
		}
	}
}

// TestErrorPath checks the path of a nested error and its pointer form.
func TestErrorPath(t *testing.T) {
	err := jsonx.Field(jsonx.Index(jsonx.Field(jsonx.ErrMissing, "sku"), 2), "line_items")
	err = jsonx.Field(err, "3ds secure")
	var e *jsonx.Error
	if !errors.As(err, &e) || !errors.Is(err, jsonx.ErrMissing) {
		t.Fatalf("%v is no *jsonx.Error wrapping ErrMissing", err)
	}
	if got, want := e.Path(), `$["3ds secure"].line_items[2].sku`; got != want {
		t.Errorf("Path() = %s, want %s", got, want)
	}
	if got, want := e.Pointer(), `/3ds secure/line_items/2/sku`; got != want {
		t.Errorf("Pointer() = %s, want %s", got, want)
	}
}
