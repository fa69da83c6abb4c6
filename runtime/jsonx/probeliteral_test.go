package jsonx_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/hookgen/hookgen/runtime/jsonx"
)

// ProbeInteger reads what json.Unmarshal reads into an *int64 field, as
// its canonical text, and refuses what json.Unmarshal refuses.
func TestProbeInteger(t *testing.T) {
	for _, b := range []string{
		`{"type":1}`, `{"type":2,"data":{"type":1}}`, `{"TYPE":5}`, `{"type":-0}`,
		`{"type":"1"}`, `{"type":1.0}`, `{"type":1e0}`, `{"type":true}`, `{"type":null}`, `{}`,
		`{"type":9223372036854775808}`, `{"type":{"a":1}}`, `{"type":1,"x":}`, `{"type":01}`, `[1]`,
	} {
		var want struct {
			Type *int64 `json:"type"`
		}
		errStd := json.Unmarshal([]byte(b), &want)
		got, err := jsonx.ProbeInteger([]byte(b), []string{"type"})
		if (err != nil) != (errStd != nil) {
			t.Errorf("%s: ProbeInteger %q, %v; encoding/json %v", b, got, err, errStd)
			continue
		}
		wantText := ""
		if want.Type != nil {
			wantText = strconv.FormatInt(*want.Type, 10)
		}
		if err == nil && got != wantText {
			t.Errorf("%s: ProbeInteger %q, want %q", b, got, wantText)
		}
	}
	if v, err := jsonx.ProbeInteger([]byte(`{"data":{"type":3},"type":"x"}`), []string{"data", "type"}); err != nil || v != "3" {
		t.Errorf("nested: %q, %v", v, err)
	}
	if _, err := jsonx.ProbeInteger([]byte(`{"type":1,"Type":2}`), []string{"type"}); !errors.Is(err, jsonx.ErrRepeated) {
		t.Errorf("type given twice: %v, want ErrRepeated", err)
	}
}

func TestProbeBoolean(t *testing.T) {
	for b, want := range map[string]string{`{"ok":true}`: "true", `{"ok":false}`: "false", `{"ok":null}`: "", `{}`: ""} {
		if got, err := jsonx.ProbeBoolean([]byte(b), []string{"ok"}); err != nil || got != want {
			t.Errorf("%s: %q, %v, want %q", b, got, err, want)
		}
	}
	for _, b := range []string{`{"ok":"true"}`, `{"ok":1}`, `{"ok":tru}`} {
		if got, err := jsonx.ProbeBoolean([]byte(b), []string{"ok"}); err == nil {
			t.Errorf("%s: %q, want an error", b, got)
		}
	}
}
