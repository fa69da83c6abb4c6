package hookimpl

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/hookgen/hookgen/runtime/jsonx"
)

// SetProperty returns a JSON object body with the property name set to
// the string value: test kits use it to make an event carry its message's
// discriminator value. name is a top-level property's name, or a JSON
// pointer (starting with "/") to a property inside the body, whose
// objects on the way are made when absent.
func SetProperty(body []byte, name, value string) ([]byte, error) {
	v, _ := json.Marshal(value)
	return setRawAt(body, jsonx.SplitPointer(name), v)
}

// SetPropertyJSON is SetProperty for a value given as its JSON text (an
// integer route's 1), set as that value.
func SetPropertyJSON(body []byte, name, value string) ([]byte, error) {
	if !json.Valid([]byte(value)) {
		return nil, errors.New("hookimpl: SetPropertyJSON of no JSON value")
	}
	return setRawAt(body, jsonx.SplitPointer(name), json.RawMessage(value))
}

func setRawAt(body []byte, path []string, v json.RawMessage) ([]byte, error) {
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
		inner, err := setRawAt(m[path[0]], path[1:], v)
		if err != nil {
			return nil, err
		}
		v = inner
	}
	m[path[0]] = v
	return json.Marshal(m)
}

// SameJSON reports whether two decoded JSON values (of encoding/json's
// any) are equal, two strings also when both are RFC 3339 date-times of
// the same instant: a date-time property decodes to a time.Time, which
// keeps the instant and not its text, so "2021-05-27T16:39:28.153000+00:00"
// comes back as "2021-05-27T16:39:28.153Z". A round-trip test compares
// with it.
func SameJSON(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			if gv, ok := g[k]; !ok || !SameJSON(wv, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !SameJSON(w[i], g[i]) {
				return false
			}
		}
		return true
	case string:
		g, ok := got.(string)
		if !ok {
			return false
		}
		if g == w {
			return true
		}
		wt, werr := time.Parse(time.RFC3339Nano, w)
		gt, gerr := time.Parse(time.RFC3339Nano, g)
		return werr == nil && gerr == nil && wt.Equal(gt)
	default:
		return want == got
	}
}
