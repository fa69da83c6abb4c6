package hookimpl

import (
	"encoding/json"
)

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
