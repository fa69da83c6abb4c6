package jsonx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Encoder appends JSON to a buffer exactly as json.Marshal writes it: the
// same escaping (HTML characters included), number formatting, time
// format and compacted raw values. The first error sticks, and the
// generated encoders check it once at the end.
type Encoder struct {
	buf []byte
	err error
}

// Bytes returns the JSON written so far.
func (e *Encoder) Bytes() []byte { return e.buf }

// Err returns the first error, as json.Marshal would have reported it.
func (e *Encoder) Err() error { return e.err }

// Result returns the JSON, or nil and the first error.
func (e *Encoder) Result() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// ObjStart opens an object and returns the mark that Key needs.
func (e *Encoder) ObjStart() int {
	e.buf = append(e.buf, '{')
	return len(e.buf)
}

// Key writes a comma unless it is the first member since mark, then key,
// which is the member name already quoted and escaped, with its colon.
func (e *Encoder) Key(mark int, key string) {
	if len(e.buf) > mark {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, key...)
}

// StrKey is Key for a name known only at run time (a map key).
func (e *Encoder) StrKey(mark int, key string) {
	if len(e.buf) > mark {
		e.buf = append(e.buf, ',')
	}
	e.Str(key)
	e.buf = append(e.buf, ':')
}

// ObjEnd closes an object.
func (e *Encoder) ObjEnd() { e.buf = append(e.buf, '}') }

// ArrStart opens an array and returns the mark that Elem needs.
func (e *Encoder) ArrStart() int {
	e.buf = append(e.buf, '[')
	return len(e.buf)
}

// Elem writes a comma unless it is the first element since mark.
func (e *Encoder) Elem(mark int) {
	if len(e.buf) > mark {
		e.buf = append(e.buf, ',')
	}
}

// ArrEnd closes an array.
func (e *Encoder) ArrEnd() { e.buf = append(e.buf, ']') }

// Null writes null.
func (e *Encoder) Null() { e.buf = append(e.buf, "null"...) }

// Bool writes true or false.
func (e *Encoder) Bool(v bool) { e.buf = strconv.AppendBool(e.buf, v) }

// Int writes an integer.
func (e *Encoder) Int(v int64) { e.buf = strconv.AppendInt(e.buf, v, 10) }

// Uint writes an unsigned integer.
func (e *Encoder) Uint(v uint64) { e.buf = strconv.AppendUint(e.buf, v, 10) }

// Float writes a float of bits (32 or 64) as encoding/json does: the
// shortest text that reads back exactly, exponent form below 1e-6 and from
// 1e21 on; NaN and infinities are an error.
func (e *Encoder) Float(f float64, bits int) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.fail(&json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, bits)})
		e.Null()
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b := strconv.AppendFloat(e.buf, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf = b
}

// Time writes t as time.Time.MarshalJSON does (RFC 3339 with nanoseconds
// as needed); a year outside 0–9999 is an error.
func (e *Encoder) Time(t time.Time) {
	e.buf = append(e.buf, '"')
	b, err := t.AppendText(e.buf)
	if err != nil {
		e.fail(fmt.Errorf("json: error calling MarshalJSON for type time.Time: %w", err))
		e.buf = append(e.buf, '"')
		return
	}
	e.buf = append(b, '"')
}

// Raw writes a raw JSON value as encoding/json writes a json.RawMessage:
// nil is null, anything else is compacted, HTML characters escaped, and
// must be valid JSON.
func (e *Encoder) Raw(raw []byte) {
	if raw == nil {
		e.Null()
		return
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		e.fail(err)
		e.Null()
		return
	}
	var h bytes.Buffer
	json.HTMLEscape(&h, c.Bytes())
	e.buf = append(e.buf, h.Bytes()...)
}

// Str writes a string as json.Marshal does: ", \ and control characters
// escaped (\b \f \n \r \t short), <, > and & as \u003c \u003e \u0026,
// U+2028 and U+2029 escaped, and invalid UTF-8 as \ufffd.
func (e *Encoder) Str(s string) { e.buf = AppendString(e.buf, s) }

const hexDigits = "0123456789abcdef"

// AppendString appends s quoted and escaped as json.Marshal does.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// htmlSafe holds the ASCII bytes json.Marshal writes as they are.
var htmlSafe = func() (set [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		switch c {
		case '"', '\\', '<', '>', '&':
		default:
			set[c] = true
		}
	}
	return set
}()
