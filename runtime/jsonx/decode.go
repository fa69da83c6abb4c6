package jsonx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Decoder reads one JSON document in memory: the input of generated
// decoders. Strings it decodes share a few larger allocations (see keep),
// so that a payload costs about one string allocation, not one per field,
// or none when they may point into the document (see BeginShared).
type Decoder struct {
	buf   []byte
	pos   int
	depth int
	// ascii tells whether the last string read is all ASCII.
	ascii bool
	// keyBuf, strBuf and skip hold strings with escapes, resolved: the
	// current key, the last string value, the last string skipped.
	keyBuf, strBuf, skip []byte
	// arena holds the bytes of the strings decoded so far; strings point
	// into it, so bytes once appended are never changed.
	arena []byte
	// shared: strings without escapes point into buf (see BeginShared).
	shared bool
	// lenient: absent required properties are no error (see BeginLenient).
	lenient bool
}

// arenaChunk is the most a string arena allocates at once; a string longer
// than half of it gets an allocation of its own.
const arenaChunk = 512

var decoders = sync.Pool{New: func() any { return new(Decoder) }}

// Begin returns a pooled decoder over data; hand it back with Finish.
func Begin(data []byte) *Decoder {
	d := decoders.Get().(*Decoder)
	d.buf, d.pos, d.depth = data, 0, 0
	return d
}

// BeginShared is Begin for data that nothing changes while values decoded
// from it are in use, such as a request body read for one delivery:
// strings without escapes point into data instead of being copied, so
// data stays in memory as long as any of them does.
func BeginShared(data []byte) *Decoder {
	d := Begin(data)
	d.shared = true
	return d
}

// BeginLenient is Begin for decoding as encoding/json does, which has no
// notion of a required property: an absent one is no error. The MarshalJSON
// and UnmarshalJSON that some generated types have run on it.
func BeginLenient(data []byte) *Decoder {
	d := Begin(data)
	d.lenient = true
	return d
}

// Finish checks that nothing but white space follows the value that err
// reports on, returns d to the pool and returns the first error, located.
func Finish(d *Decoder, err error) error {
	if err == nil {
		err = End(d)
	}
	release(d)
	return located(err)
}

func release(d *Decoder) {
	d.buf, d.arena, d.shared, d.lenient = nil, nil, false, false
	// Scratch space for escaped strings is kept, unless a rare long
	// string made it large.
	for _, b := range []*[]byte{&d.keyBuf, &d.strBuf, &d.skip} {
		if cap(*b) > 4<<10 {
			*b = nil
		}
	}
	decoders.Put(d)
}

// str returns the string of b, bytes of the string just read from d, as
// String does; see keep.
func (d *Decoder) str(b []byte) string {
	if !d.ascii && !utf8.Valid(b) {
		return string(fixUTF8(b))
	}
	return d.keep(b)
}

// stringValue reads a string value; the quote is next.
func (d *Decoder) stringValue() (string, error) {
	// readString, inlined by hand: this is most of a payload's strings.
	start := d.pos + 1
	end, ascii := scanString(d.buf, start)
	if end >= len(d.buf) || d.buf[end] != '"' {
		b, err := d.readEscaped(start, end, &d.strBuf)
		if err != nil {
			return "", err
		}
		return d.str(b), nil
	}
	d.pos = end + 1
	if b := d.buf[start:end]; ascii || utf8.Valid(b) {
		if d.shared {
			return unsafeString(b), nil
		}
		return d.keep(b), nil
	}
	return string(fixUTF8(d.buf[start:end])), nil
}

// keep copies b, valid UTF-8, into an arena shared by the strings read
// from d and returns it as a string: a payload costs about one string
// allocation, not one per field. Every string of a payload keeps the arena
// it is in alive, which is at most the size of the strings of that payload.
func (d *Decoder) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(d.arena)-len(d.arena) < len(b) {
		if len(b) > arenaChunk/2 {
			return string(b)
		}
		d.arena = make([]byte, 0, min(arenaChunk, max(len(d.buf), len(b))))
	}
	n := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[n], len(b))
}

// End checks that only white space is left in d, as encoding/json does
// after the top-level value.
func End(d *Decoder) error {
	if d.peek(); d.pos < len(d.buf) {
		return d.syntax("after top-level value")
	}
	return nil
}

// Object checks that an object is next. null is reported as (false, nil):
// encoding/json leaves a struct alone for null.
func Object(d *Decoder) (bool, error) {
	switch d.peek() {
	case '{':
		return true, nil
	case 'n':
		return false, d.Null()
	}
	return false, Want(d, "an object")
}

// Array checks that an array is next; null is (false, nil).
func Array(d *Decoder) (bool, error) {
	switch d.peek() {
	case '[':
		return true, nil
	case 'n':
		return false, d.Null()
	}
	return false, Want(d, "an array")
}

// Grow makes s[i] addressable the way encoding/json does when it decodes
// element i of an array into an existing slice: elements already there are
// decoded into, not replaced.
func Grow[T any](s []T, i int) []T {
	switch {
	case i < len(s):
		return s
	case i < cap(s):
		return s[:i+1]
	}
	var zero T
	return append(s, zero)
}

// Trim ends a decoded array of n elements as encoding/json does: the slice
// is cut to n, and an empty array is an empty, non-nil slice.
func Trim[T any](s []T, n int) []T {
	if n == 0 {
		return []T{}
	}
	return s[:n]
}

// StrBytes reads a string and returns its bytes, unescaped, valid until
// the next call on d. Invalid UTF-8 is left as it is: see String.
func StrBytes(d *Decoder) ([]byte, error) {
	if d.peek() != '"' {
		return nil, Want(d, "a string")
	}
	return d.readString(&d.strBuf)
}

// Str reads a string as encoding/json does: escapes resolved, invalid
// UTF-8 replaced by U+FFFD byte by byte.
func Str(d *Decoder) (string, error) {
	if d.peek() != '"' {
		return "", Want(d, "a string")
	}
	return d.stringValue()
}

// String converts unescaped string bytes as encoding/json does: every byte
// of invalid UTF-8 becomes U+FFFD.
func String(b []byte) string {
	if !isASCII(b) && !utf8.Valid(b) {
		return string(fixUTF8(b))
	}
	return string(b)
}

func fixUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, unicode.ReplacementChar)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// Key returns an object key as a string, as encoding/json does.
func Key(b []byte) string { return String(b) }

// Fold appends the case-folded form of an object key to dst, exactly as
// encoding/json folds keys to match struct fields case-insensitively:
// ASCII letters upper-cased, other runes as ToUpper(ToLower(r)).
func Fold(dst, key []byte) []byte {
	for i := 0; i < len(key); {
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(key[i:])
		dst = utf8.AppendRune(dst, unicode.ToUpper(unicode.ToLower(r)))
		i += n
	}
	return dst
}

// Bool reads true or false.
func Bool(d *Decoder) (bool, error) {
	switch d.peek() {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	}
	return false, Want(d, "a boolean")
}

// number returns the text of the next number, checked against the JSON
// grammar.
func number(d *Decoder) ([]byte, error) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return nil, Want(d, "a number")
	}
	return d.number()
}

// Int reads an integer that fits bits (8, 16, 32 or 64), exactly as
// encoding/json does: 1.0 and 1e3 are not integers, and every digit counts.
func Int(d *Decoder, bits int) (int64, error) {
	raw, err := number(d)
	if err != nil {
		return 0, err
	}
	n, ok := smallInt(raw)
	if !ok {
		n, err = strconv.ParseInt(unsafeString(raw), 10, 64)
	}
	if err != nil || (bits < 64 && (n < -1<<(bits-1) || n > 1<<(bits-1)-1)) {
		return 0, fmt.Errorf("number %s does not fit int%d", raw, bits)
	}
	return n, nil
}

// Uint reads an unsigned integer that fits bits (8, 16, 32 or 64).
func Uint(d *Decoder, bits int) (uint64, error) {
	raw, err := number(d)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(unsafeString(raw), 10, 64)
	if err != nil || (bits < 64 && n > 1<<bits-1) {
		return 0, fmt.Errorf("number %s does not fit uint%d", raw, bits)
	}
	return n, nil
}

// Float reads a number as a float of bits (32 or 64), rounded exactly as
// strconv (and so encoding/json) rounds it; out of range is an error.
func Float(d *Decoder, bits int) (float64, error) {
	raw, err := number(d)
	if err != nil {
		return 0, err
	}
	if bits == 64 {
		if f, ok := exactFloat(raw); ok {
			return f, nil
		}
	}
	f, err := strconv.ParseFloat(unsafeString(raw), bits)
	if err != nil {
		return 0, fmt.Errorf("number %s does not fit float%d", raw, bits)
	}
	return f, nil
}

// Time decodes into t exactly as encoding/json does, with
// time.Time.UnmarshalJSON on the raw value: RFC 3339, null leaves t alone.
func Time(d *Decoder, t *time.Time) error {
	if d.peek() == '"' {
		// A string without escapes is its own JSON text.
		start := d.pos
		if end, _ := scanString(d.buf, start+1); end < len(d.buf) && d.buf[end] == '"' {
			d.pos = end + 1
			return parseTime(d.buf[start:d.pos], t)
		}
	}
	raw, err := d.raw()
	if err != nil {
		return err
	}
	return parseTime(raw, t)
}

// RawBytes returns the next value as it is in the input, without the
// white space around it; valid until the next call on d.
func RawBytes(d *Decoder) ([]byte, error) { return d.raw() }

// Raw decodes into m as json.RawMessage.UnmarshalJSON does: a copy of the
// value, null included, in m's own storage.
func Raw(d *Decoder, m *json.RawMessage) error {
	raw, err := RawBytes(d)
	if err != nil {
		return err
	}
	*m = append((*m)[0:0], raw...)
	return nil
}

// Within decodes raw with fn on a pooled decoder.
func Within(raw []byte, fn func(*Decoder) error) error {
	d := Begin(raw)
	err := fn(d)
	release(d)
	return err
}

// smallInt parses an integer of at most 18 digits, which cannot overflow;
// ok is false for anything else (a fraction, an exponent, more digits).
func smallInt(raw []byte) (n int64, ok bool) {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) < len(raw) {
		n = -n
	}
	return n, true
}

// unsafeString views b as a string for strconv, which copies what it keeps
// (the text of a NumError).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// exactFloat parses a number (checked against the grammar) without an
// exponent and with at most 15 digits, the usual coordinate or amount, as
// ParseFloat would: the digits and the power of ten are exact float64s,
// so the one division is correctly rounded (Clinger's fast path, which
// strconv takes too, after a much longer parse). ok is false otherwise.
func exactFloat(raw []byte) (f float64, ok bool) {
	var mant uint64
	n, frac, dot := 0, 0, false
	for _, c := range raw {
		switch {
		case c >= '0' && c <= '9':
			if n++; n > 15 {
				return 0, false
			}
			mant = mant*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.':
			dot = true
		case c != '-':
			return 0, false // an exponent
		}
	}
	f = float64(mant) / pow10[frac]
	if raw[0] == '-' {
		f = -f
	}
	return f, true
}

// Kinds is a set of JSON types: those a schema allows for a value that is
// decoded as raw JSON because it may be of several (type: [integer,
// string]).
type Kinds uint8

// The JSON types of Kinds. KindNumber includes integers.
const (
	KindNull Kinds = 1 << iota
	KindBool
	KindInteger
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = []struct {
	k    Kinds
	name string
}{
	{KindNull, "null"}, {KindBool, "a boolean"}, {KindInteger, "an integer"}, {KindNumber, "a number"},
	{KindString, "a string"}, {KindArray, "an array"}, {KindObject, "an object"},
}

func (k Kinds) String() string {
	var names []string
	for _, n := range kindNames {
		if k&n.k != 0 {
			names = append(names, n.name)
		}
	}
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// RawOf is Raw for a value whose JSON type must be one of allowed; a value
// of another type is an error wrapping ErrKind. An integer is a number
// without a fraction or an exponent.
func RawOf(d *Decoder, m *json.RawMessage, allowed Kinds) error {
	var k Kinds
	switch d.peek() {
	case '{':
		k = KindObject
	case '[':
		k = KindArray
	case '"':
		k = KindString
	case 't', 'f':
		k = KindBool
	case 'n':
		k = KindNull
	default:
		k = KindNumber
	}
	raw, err := RawBytes(d)
	if err != nil {
		return err
	}
	if k == KindNumber && !bytes.ContainsAny(raw, ".eE") {
		k |= KindInteger
	}
	if k&allowed == 0 {
		return fmt.Errorf("%w: want %s, got %s", ErrKind, allowed, k&^KindInteger)
	}
	*m = append((*m)[0:0], raw...)
	return nil
}
