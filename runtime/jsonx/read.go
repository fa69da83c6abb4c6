package jsonx

import (
	"time"
	"unsafe"
)

// The Read functions decode the next value into *p with the semantics
// encoding/json has for a value that is not a pointer: null leaves *p
// alone, a value of another JSON type is an error. Generated decoders call
// them; pointer, webhook.Nullable and slice handling is generated around
// them.

// ReadStr decodes a string (or a string-based type) into *p.
func ReadStr[T ~string](d *Decoder, p *T) error {
	switch d.peek() {
	case '"':
		s, err := d.stringValue()
		if err != nil {
			return err
		}
		*p = T(s)
		return nil
	case 'n':
		return d.Null()
	}
	return Want(d, "a string")
}

// ReadInt decodes an integer that fits *p's size into *p.
func ReadInt[T ~int8 | ~int16 | ~int32 | ~int64](d *Decoder, p *T) error {
	if d.IsNull() {
		return d.Null()
	}
	n, err := Int(d, int(unsafe.Sizeof(*p))*8)
	if err != nil {
		return err
	}
	*p = T(n)
	return nil
}

// ReadUint decodes an unsigned integer that fits *p's size into *p.
func ReadUint[T ~uint8 | ~uint16 | ~uint32 | ~uint64](d *Decoder, p *T) error {
	if d.IsNull() {
		return d.Null()
	}
	n, err := Uint(d, int(unsafe.Sizeof(*p))*8)
	if err != nil {
		return err
	}
	*p = T(n)
	return nil
}

// ReadFloat decodes a number into *p, rounded to *p's size.
func ReadFloat[T ~float32 | ~float64](d *Decoder, p *T) error {
	if d.IsNull() {
		return d.Null()
	}
	f, err := Float(d, int(unsafe.Sizeof(*p))*8)
	if err != nil {
		return err
	}
	*p = T(f)
	return nil
}

// ReadBool decodes true or false into *p.
func ReadBool[T ~bool](d *Decoder, p *T) error {
	if d.IsNull() {
		return d.Null()
	}
	b, err := Bool(d)
	if err != nil {
		return err
	}
	*p = T(b)
	return nil
}

// ReadTime decodes an RFC 3339 time into *p (null leaves it alone, as
// time.Time.UnmarshalJSON does).
func ReadTime(d *Decoder, p *time.Time) error { return Time(d, p) }

// Opt decodes the next value into the optional value *p with read: null
// sets *p to nil; any other value is read into *p, which is first pointed
// at slot when nil (at a new T when slot is nil too).
func Opt[T any](d *Decoder, p **T, slot *T, read func(*Decoder, *T) error) error {
	if d.IsNull() {
		*p = nil
		return d.Null()
	}
	if *p == nil {
		if slot == nil {
			slot = new(T)
		}
		*p = slot
	}
	return read(d, *p)
}

// OptValue is Opt for a type that decodes itself, as the method expression
// decode, e.g. (*Order).decodeJSON.
func OptValue[T any](d *Decoder, p **T, slot *T, decode func(*T, *Decoder) error) error {
	if d.IsNull() {
		*p = nil
		return d.Null()
	}
	if *p == nil {
		if slot == nil {
			slot = new(T)
		}
		*p = slot
	}
	return decode(*p, d)
}

// Nullable decodes the next value into the parts of a webhook.Nullable:
// set is set either way, and null clears value and valid; any other value
// is read into value with read, and sets valid.
func Nullable[T any](d *Decoder, value *T, valid, set *bool, read func(*Decoder, *T) error) error {
	*set = true
	if d.IsNull() {
		var zero T
		*value, *valid = zero, false
		return d.Null()
	}
	if err := read(d, value); err != nil {
		return err
	}
	*valid = true
	return nil
}

// NullableValue is Nullable for a type that decodes itself, as the method
// expression decode, e.g. (*Order).decodeJSON.
func NullableValue[T any](d *Decoder, value *T, valid, set *bool, decode func(*T, *Decoder) error) error {
	*set = true
	if d.IsNull() {
		var zero T
		*value, *valid = zero, false
		return d.Null()
	}
	if err := decode(value, d); err != nil {
		return err
	}
	*valid = true
	return nil
}

// Alloc returns *p, allocating it first when nil: the storage the optional
// values of one object share, made when the first of them arrives.
func Alloc[S any](p **S) *S {
	if *p == nil {
		*p = new(S)
	}
	return *p
}
