package jsonx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error is a JSON value that does not fit its Go type, located by the path
// of the value: "$.order.line_items[2].quantity: want an integer, got 1.5".
// Generated decoders return it; errors.As finds it behind
// webhook.ErrInvalidPayload.
type Error struct {
	// Err says what is wrong with the value.
	Err error
	// segs is the path, innermost first: decoders add a segment each time
	// the error leaves a level, so the success path pays nothing.
	segs []segment
}

type segment struct {
	name  string
	index int // -1 for a property name
}

// Path returns the JSONPath of the bad value, e.g. "$.order.items[2].sku"
// ("$" for the document itself; names that are not identifiers are
// bracketed: $["3ds_secure"]).
func (e *Error) Path() string {
	var b strings.Builder
	b.WriteByte('$')
	for i := len(e.segs) - 1; i >= 0; i-- {
		s := e.segs[i]
		switch {
		case s.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case isIdentifier(s.name):
			b.WriteByte('.')
			b.WriteString(s.name)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.name))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// Pointer returns the JSON Pointer (RFC 6901) of the bad value, e.g.
// "/order/items/2/sku"; "" for the document itself.
func (e *Error) Pointer() string {
	var b strings.Builder
	for i := len(e.segs) - 1; i >= 0; i-- {
		s := e.segs[i]
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
			continue
		}
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s.name))
	}
	return b.String()
}

func (e *Error) Error() string { return e.Path() + ": " + e.Err.Error() }

// Unwrap returns what is wrong with the value.
func (e *Error) Unwrap() error { return e.Err }

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

// at returns err as an *Error with seg added as its outermost segment.
func at(err error, seg segment) error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Err: err}
	}
	e.segs = append(e.segs, seg)
	return e
}

// Field locates err inside the property name of an object.
func Field(err error, name string) error { return at(err, segment{name: name, index: -1}) }

// FieldBytes is Field for a key that the decoder still owns.
func FieldBytes(err error, key []byte) error { return Field(err, string(key)) }

// Index locates err inside element i of an array.
func Index(err error, i int) error { return at(err, segment{index: i}) }

// located wraps an error that has no path yet, so that every error a
// generated decoder returns is an *Error (the document itself is "$").
func located(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return &Error{Err: err}
}

// ErrMissing is the error of a required property that is absent.
var ErrMissing = errors.New("required property is missing")

// Missing reports the first required property, in the order of names,
// whose bit is clear in seen (bit i of seen[i/64] for names[i]); nil on a
// decoder from BeginLenient.
func (d *Decoder) Missing(seen []uint64, names []string) error {
	if d.lenient {
		return nil
	}
	for i, n := range names {
		if seen[i/64]&(1<<(uint(i)%64)) == 0 {
			return Field(ErrMissing, n)
		}
	}
	return nil
}

// Want returns the error for a value of another JSON type than the Go
// type accepts, or the syntax error when there is no valid value at all.
func Want(d *Decoder, want string) error {
	var got string
	switch d.peek() {
	case '{':
		got = "an object"
	case '[':
		got = "an array"
	case '"':
		got = "a string"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		got = "a number"
	case 't', 'f':
		got = "a boolean"
	case 'n':
		got = "null"
	default:
		return d.syntax("looking for beginning of value")
	}
	return fmt.Errorf("want %s, got %s", want, got)
}
