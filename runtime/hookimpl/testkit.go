package hookimpl

import (
	"github.com/hookgen/hookgen/runtime/jsonx"

	"encoding/json"
	"errors"
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
