package jsonx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner: a cursor over a JSON document held whole in memory. A
// webhook body always is (signatures and de-duplication keys need all of
// it), so the reader needs no buffer refills, and the hot paths (white
// space, strings, keys) are tight loops over the slice; strings are
// scanned eight bytes at a time. It accepts exactly the JSON that
// encoding/json accepts, nesting included.

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// peek skips white space and returns the next byte without consuming it;
// 0 at the end of the input (a NUL byte is no JSON either).
func (d *Decoder) peek() byte {
	if d.pos < len(d.buf) && d.buf[d.pos] > ' ' {
		return d.buf[d.pos]
	}
	return d.skipSpace()
}

func (d *Decoder) skipSpace() byte {
	buf, i := d.buf, d.pos
	for ; i < len(buf); i++ {
		// One test per byte, no switch: indentation alternates between
		// newlines and spaces, which defeats branch prediction.
		if c := buf[i]; c > ' ' || space>>c&1 == 0 {
			d.pos = i
			return c
		}
	}
	d.pos = i
	return 0
}

// space has bit c set for each white space byte c.
const space uint64 = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r' // uint64: int may have 32 bits

// IsNull reports whether the next value is null (or starts like it).
func (d *Decoder) IsNull() bool { return d.peek() == 'n' }

// Null consumes the literal null.
func (d *Decoder) Null() error { return d.literal("null") }

// literal consumes lit, which the next byte starts.
func (d *Decoder) literal(lit string) error {
	d.peek()
	if len(d.buf)-d.pos >= len(lit) && string(d.buf[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return nil
	}
	for i := 0; i < len(lit); i++ {
		if d.pos >= len(d.buf) {
			break
		}
		if d.buf[d.pos] != lit[i] {
			return d.syntax("in literal " + lit)
		}
		d.pos++
	}
	return d.syntax("in literal " + lit)
}

// syntax is the error for the byte at d.pos, or for the end of the input.
func (d *Decoder) syntax(context string) error {
	if d.pos >= len(d.buf) {
		return fmt.Errorf("invalid JSON: %w", io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("invalid JSON: invalid character %q %s at offset %d", d.buf[d.pos], context, d.pos)
}

// Skip consumes the next value, checking that it is valid JSON.
func (d *Decoder) Skip() error {
	switch c := d.peek(); c {
	case '"':
		return d.skipString()
	case '{':
		it, err := d.ObjIter()
		if err != nil {
			return err
		}
		for it.Next() {
			if err := d.Skip(); err != nil {
				return err
			}
		}
		return it.Err()
	case '[':
		it, err := d.ArrIter()
		if err != nil {
			return err
		}
		for it.Next() {
			if err := d.Skip(); err != nil {
				return err
			}
		}
		return it.Err()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, err := d.number()
		return err
	}
}

// raw consumes the next value and returns its text.
func (d *Decoder) raw() ([]byte, error) {
	d.peek()
	start := d.pos
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return d.buf[start:d.pos], nil
}

// number consumes a number and returns its text, checked against the
// JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *Decoder) number() ([]byte, error) {
	buf, start := d.buf, d.pos
	i := start
	if i < len(buf) && buf[i] == '-' {
		i++
	}
	switch {
	case i < len(buf) && buf[i] == '0':
		i++
	case i < len(buf) && buf[i] >= '1' && buf[i] <= '9':
		i = digits(buf, i+1)
	default:
		d.pos = i
		return nil, d.syntax("looking for a value")
	}
	if i < len(buf) && buf[i] == '.' {
		j := digits(buf, i+1)
		if j == i+1 {
			d.pos = j
			return nil, d.syntax("after decimal point in number")
		}
		i = j
	}
	if i < len(buf) && (buf[i] == 'e' || buf[i] == 'E') {
		i++
		if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
			i++
		}
		j := digits(buf, i)
		if j == i {
			d.pos = j
			return nil, d.syntax("in exponent of number")
		}
		i = j
	}
	d.pos = i
	return buf[start:i], nil
}

func digits(buf []byte, i int) int {
	for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
		i++
	}
	return i
}

// Masks for eight bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns, of the eight bytes of w (the first in the lowest
// bits), the high bit of each that is a quote, a backslash or a control
// character: the bytes a string scan stops at. Above the first such byte
// the bits may be wrong (a borrow), so only the lowest counts.
func special(w uint64) uint64 {
	q := w ^ (ones * '"')
	b := w ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (w-ones*0x20)&^w) & highs
}

// readString consumes a string and returns its bytes, escapes resolved: a
// slice of the input when it has no escapes, else of *scratch. d.ascii
// tells whether the string is all ASCII (then it is valid UTF-8).
func (d *Decoder) readString(scratch *[]byte) ([]byte, error) {
	start := d.pos + 1 // after the quote
	i, ascii := scanString(d.buf, start)
	if i < len(d.buf) && d.buf[i] == '"' {
		d.pos, d.ascii = i+1, ascii
		return d.buf[start:i], nil
	}
	return d.readEscaped(start, i, scratch)
}

// readEscaped goes on where readString stopped at i, before the closing
// quote: an escape, a control character or the end of the input.
func (d *Decoder) readEscaped(start, i int, scratch *[]byte) ([]byte, error) {
	d.pos, d.ascii = i, false
	switch {
	case i >= len(d.buf):
		return nil, d.syntax("")
	case d.buf[i] == '\\':
		return d.unescape(start, scratch)
	}
	return nil, d.syntax("in string literal")
}

// scanString returns the index of the first quote, backslash or control
// character in buf[i:] (len(buf) if none), and whether the bytes before it
// are all ASCII. It is the hot loop of decoding: a leaf, with few enough
// live values to stay in registers, and bounds the compiler can prove.
func scanString(buf []byte, i int) (int, bool) {
	rest := buf[i:]
	var seen uint64 // the bytes passed, or-ed: a high bit means non-ASCII
	for len(rest) >= 8 {
		w := binary.LittleEndian.Uint64(rest)
		if m := special(w); m != 0 {
			n := bits.TrailingZeros64(m) / 8
			seen |= w & (1<<(8*n) - 1)
			return len(buf) - len(rest) + n, seen&highs == 0
		}
		seen |= w
		rest = rest[8:]
	}
	for j, c := range rest {
		if c == '"' || c == '\\' || c < 0x20 {
			return len(buf) - len(rest) + j, seen&highs == 0
		}
		seen |= uint64(c)
	}
	return len(buf), seen&highs == 0
}

// unescape decodes the rest of a string whose first escape is at d.pos
// into *scratch, as encoding/json does: a \u escape of a lone surrogate
// becomes U+FFFD.
func (d *Decoder) unescape(start int, scratch *[]byte) ([]byte, error) {
	buf := d.buf
	out := append((*scratch)[:0], buf[start:d.pos]...)
	i := d.pos
	for i < len(buf) {
		c := buf[i]
		switch {
		case c == '"':
			d.pos = i + 1
			*scratch = out
			return out, nil
		case c < 0x20:
			d.pos = i
			return nil, d.syntax("in string literal")
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(buf) {
			break
		}
		switch e := buf[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(buf, i+2)
			if !ok {
				d.pos = min(i+2, len(buf))
				return nil, d.syntax("in \\u hexadecimal character escape")
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(buf, i+2); ok && i+1 < len(buf) && buf[i] == '\\' && buf[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						out = utf8.AppendRune(out, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			d.pos = i + 1
			return nil, d.syntax("in string escape code")
		}
		i += 2
	}
	d.pos = len(buf)
	return nil, d.syntax("")
}

// hex4 reads the four hex digits at buf[i:].
func hex4(buf []byte, i int) (rune, bool) {
	if i+4 > len(buf) {
		return 0, false
	}
	var r rune
	for _, c := range buf[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipString consumes a string, checking its escapes.
func (d *Decoder) skipString() error {
	_, err := d.readString(&d.skip)
	return err
}

// ObjIter iterates over the members of an object: Next reads a key and
// its colon, and the caller consumes the value.
type ObjIter struct {
	d       *Decoder
	key     []byte
	err     error
	started bool
	done    bool
}

// ObjIter consumes the opening brace of an object.
func (d *Decoder) ObjIter() (ObjIter, error) {
	if err := d.enter('{', "an object"); err != nil {
		return ObjIter{}, err
	}
	return ObjIter{d: d}, nil
}

// enter consumes open, which begins a value of the kind want names, one
// level deeper.
func (d *Decoder) enter(open byte, want string) error {
	if d.peek() != open {
		return Want(d, want)
	}
	if d.depth++; d.depth > maxDepth {
		return errors.New("invalid JSON: exceeded max depth")
	}
	d.pos++
	return nil
}

// Next reads the next key; false at the end of the object or on an error
// (see Err).
func (it *ObjIter) Next() bool {
	if it.done {
		return false
	}
	d := it.d
	c := d.peek()
	if it.started {
		switch c {
		case ',':
			d.pos++
			c = d.peek()
		case '}':
			return it.end()
		default:
			return it.fail(d.syntax("after object key:value pair"))
		}
	} else {
		it.started = true
		if c == '}' {
			return it.end()
		}
	}
	if c != '"' {
		return it.fail(d.syntax("looking for beginning of object key string"))
	}
	// readString, inlined by hand: keys are a third of a payload's strings.
	start := d.pos + 1
	end, _ := scanString(d.buf, start)
	var key []byte
	if end < len(d.buf) && d.buf[end] == '"' {
		key, d.pos = d.buf[start:end], end+1
	} else {
		var err error
		if key, err = d.readEscaped(start, end, &d.keyBuf); err != nil {
			return it.fail(err)
		}
		// Its own copy (rare): keys of nested objects reuse keyBuf, and
		// the key must last while the value is read.
		key = bytes.Clone(key)
	}
	if d.peek() != ':' {
		return it.fail(d.syntax("after object key"))
	}
	d.pos++
	it.key = key
	return true
}

func (it *ObjIter) end() bool {
	it.d.pos++
	it.d.depth--
	it.done = true
	return false
}

func (it *ObjIter) fail(err error) bool {
	it.err, it.done = err, true
	return false
}

// Key returns the current key, escapes resolved; valid until Next is
// called again.
func (it *ObjIter) Key() []byte { return it.key }

// Err returns the error that ended the iteration, if any.
func (it *ObjIter) Err() error { return it.err }

// ArrIter iterates over the elements of an array: the caller consumes
// each element after Next.
type ArrIter struct {
	d       *Decoder
	err     error
	started bool
	done    bool
}

// ArrIter consumes the opening bracket of an array.
func (d *Decoder) ArrIter() (ArrIter, error) {
	if err := d.enter('[', "an array"); err != nil {
		return ArrIter{}, err
	}
	return ArrIter{d: d}, nil
}

// Next reports whether an element follows; false at the end of the array
// or on an error (see Err).
func (it *ArrIter) Next() bool {
	if it.done {
		return false
	}
	d := it.d
	c := d.peek()
	if it.started {
		switch c {
		case ',':
			d.pos++
			if d.peek() == ']' {
				return it.fail(d.syntax("looking for beginning of value"))
			}
			return true
		case ']':
		default:
			return it.fail(d.syntax("after array element"))
		}
	} else if it.started = true; c != ']' {
		return true
	}
	d.pos++
	d.depth--
	it.done = true
	return false
}

func (it *ArrIter) fail(err error) bool {
	it.err, it.done = err, true
	return false
}

// Err returns the error that ended the iteration, if any.
func (it *ArrIter) Err() error { return it.err }
