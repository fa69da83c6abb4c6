package webhook

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// PayloadValue returns the value at a JSON pointer (RFC 6901) in a JSON
// body, for correlation ids such as $message.payload#/event_id: a string
// without its quotes, any other value as its JSON text (an id sent as the
// number 1201895966044343904 keeps every digit). It returns "" when the
// value is absent or the body is not JSON.
func PayloadValue(body []byte, pointer string) string {
	raw := json.RawMessage(body)
	var toks []string
	if pointer != "" {
		toks = strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	}
	for _, tok := range toks {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if raw = bytes.TrimSpace(raw); len(raw) == 0 {
			return ""
		}
		switch raw[0] {
		case '{':
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				return ""
			}
			var ok bool
			if raw, ok = m[tok]; !ok {
				return ""
			}
		case '[':
			var a []json.RawMessage
			i, err := strconv.Atoi(tok)
			if json.Unmarshal(raw, &a) != nil || err != nil || i < 0 || i >= len(a) {
				return ""
			}
			raw = a[i]
		default:
			return ""
		}
	}
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if bytes.Equal(raw, []byte("null")) {
		return ""
	}
	return string(raw)
}

// SetProperty returns a JSON object body with the top-level property name
// set to the string value: test kits use it to make an event carry its
// message's discriminator value.
func SetProperty(body []byte, name, value string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	v, _ := json.Marshal(value)
	m[name] = v
	return json.Marshal(m)
}
