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

// Errors of values that encoding/json accepts but the schema does not:
// generated decoders are stricter than encoding/json in these ways alone.
var (
	// ErrMissing is the error of a required property that is absent.
	ErrMissing = errors.New("required property is missing")
	// ErrNull is the error of a required property, or a whole document,
	// that is null where the schema does not allow null.
	ErrNull = errors.New("null where the schema does not allow it")
	// ErrRepeated is the error of a property that routes a delivery or
	// identifies its event, given twice (exactly or case-folded): which
	// of the two counts would be a guess, and a routing value or an event
	// id read from one while the event is decoded from the other loses an
	// event.
	ErrRepeated = errors.New("property given twice")
	// ErrKind is the error of a value of a JSON type its schema does not
	// allow, where the Go type (json.RawMessage) would take any.
	ErrKind = errors.New("value of a type the schema does not allow")
)

// Stricter reports whether err is one of the ways a generated decoder is
// stricter than encoding/json: ErrMissing, ErrNull, ErrRepeated, ErrKind.
func Stricter(err error) bool {
	return errors.Is(err, ErrMissing) || errors.Is(err, ErrNull) || errors.Is(err, ErrRepeated) || errors.Is(err, ErrKind)
}

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

// NotNull returns ErrNull when the next value is null: for a required
// property whose schema does not allow null, and for a whole payload (no
// event is null). It is nil on a decoder from BeginLenient, which decodes
// as encoding/json does.
func (d *Decoder) NotNull() error {
	if !d.lenient && d.IsNull() {
		return ErrNull
	}
	return nil
}

// Required records in seen the bit of a required property just found,
// and returns ErrNull when its value is null (see NotNull): for required
// properties whose schema does not allow null.
func (d *Decoder) Required(seen *uint64, bit uint64) error {
	*seen |= bit
	return d.NotNull()
}

// Once records in seen the bit of a property that may be given only once
// in an object: one that routes a delivery or identifies its event. A
// second time, it returns ErrRepeated; nil on a decoder from BeginLenient.
func (d *Decoder) Once(seen *uint64, bit uint64) error {
	if *seen&bit != 0 && !d.lenient {
		return ErrRepeated
	}
	*seen |= bit
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
