package hookimpl

import "encoding/json"

// ParseHeader reads a header value as JSON into T: numbers, booleans and
// structured values that a spec declares for a message header.
func ParseHeader[T any](v string) (T, error) {
	var x T
	err := json.Unmarshal([]byte(v), &x)
	return x, err
}
