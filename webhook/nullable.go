package webhook

import (
	"bytes"
	"encoding/json"
)

// Nullable is an optional field whose schema also admits null: it tells
// apart a field that was absent, one that was null, and one with a value,
// and re-encodes each as it came (with the json tag option omitzero).
type Nullable[T any] struct {
	Value T
	// Valid is set when the field held a value; Set when it was present at
	// all, null or not.
	Valid bool
	Set   bool
}

// NewNullable returns a Nullable holding v.
func NewNullable[T any](v T) Nullable[T] { return Nullable[T]{Value: v, Valid: true, Set: true} }

// Null returns a Nullable that encodes as null.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// Get returns the value and whether there is one.
func (n Nullable[T]) Get() (T, bool) { return n.Value, n.Valid }

// IsNull reports whether the field was present and null.
func (n Nullable[T]) IsNull() bool { return n.Set && !n.Valid }

// IsZero reports whether the field was absent, so omitzero leaves it out.
func (n Nullable[T]) IsZero() bool { return !n.Set }

// MarshalJSON encodes the value, or null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

// UnmarshalJSON decodes a value or null; encoding/json does not call it for
// an absent field, which stays unset.
func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		var zero T
		n.Value, n.Valid = zero, false
		return nil
	}
	if err := json.Unmarshal(data, &n.Value); err != nil {
		return err
	}
	n.Valid = true
	return nil
}
