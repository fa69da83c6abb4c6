// Package jsontest holds generated JSON decoders and encoders to
// encoding/json: the generated tests of every package use it to compare
// the two on the spec's examples, on random valid payloads and on fuzzed
// bytes. It is for generated code only and may change between versions
// of hookgen without notice.
package jsontest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hookgen/hookgen/runtime/jsonx"
)

// Codec is one generated type: how to make a value, decode into it and
// encode it with the generated code, and how to write a random valid
// JSON value of it.
type Codec struct {
	Name string
	// New returns a pointer to a new zero value.
	New func() any
	// Decode decodes data into v (from New) with the generated decoder.
	Decode func(data []byte, v any) error
	// Encode encodes v with the generated encoder; nil skips encoding.
	Encode func(v any) ([]byte, error)
	// Random writes a random valid JSON value of the type.
	Random func(r *Rand, depth int)
}

// Compare decodes data with the generated decoder and with encoding/json
// and reports how they disagree: encoding/json must reject what the
// generated decoder rejects, but where the generated decoder is stricter
// (jsonx.Stricter: a required property absent or null, a routing or id
// property given twice, a value of a type the schema does not allow);
// what both accept must decode to deeply equal values; and those values
// must encode to the same bytes.
func Compare(c Codec, data []byte) error {
	std, gen := c.New(), c.New()
	errStd := json.Unmarshal(data, std)
	errGen := c.Decode(data, gen)
	switch {
	case errStd != nil && errGen == nil:
		return fmt.Errorf("%s: encoding/json rejects what the generated decoder accepts: %v\ninput: %q\ndecoded: %+v", c.Name, errStd, data, gen)
	case errStd == nil && errGen != nil && !jsonx.Stricter(errGen):
		return fmt.Errorf("%s: the generated decoder rejects what encoding/json accepts: %v\ninput: %q", c.Name, errGen, data)
	case errStd != nil || errGen != nil:
		return nil
	}
	if !reflect.DeepEqual(std, gen) {
		return fmt.Errorf("%s: the decoders disagree\ninput: %q\nencoding/json: %s\ngenerated:     %s", c.Name, data, dump(std), dump(gen))
	}
	if c.Encode == nil {
		return nil
	}
	want, errStd := json.Marshal(std)
	got, errGen := c.Encode(gen)
	switch {
	case (errStd == nil) != (errGen == nil):
		return fmt.Errorf("%s: encoding/json's error %v, the generated encoder's %v\ninput: %q", c.Name, errStd, errGen, data)
	case errStd == nil && !bytes.Equal(want, got):
		return fmt.Errorf("%s: the encoders disagree\ninput: %q\nencoding/json: %s\ngenerated:     %s", c.Name, data, want, got)
	}
	return nil
}

func dump(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}

// Rand writes random JSON, driven by a seed (fuzzed bytes): mostly what
// the schema allows, with the corners that decoders get wrong — escapes,
// invalid UTF-8, big and tiny numbers, time zones, unknown and repeated
// properties, case-folded names, white space, nulls.
type Rand struct {
	rng *rand.Rand
	buf []byte
	// MaxDepth bounds recursion; past it optional parts are left out.
	MaxDepth int
}

// NewRand returns a Rand seeded from seed.
func NewRand(seed []byte) *Rand {
	h := fnv.New128a()
	h.Write(seed)
	sum := h.Sum(nil)
	return &Rand{
		rng:      rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:]))),
		MaxDepth: 4,
	}
}

// Bytes returns the JSON written so far.
func (r *Rand) Bytes() []byte { return r.buf }

// Reset empties the buffer.
func (r *Rand) Reset() { r.buf = r.buf[:0] }

// Intn returns a number in [0, n).
func (r *Rand) Intn(n int) int { return r.rng.IntN(n) }

// Chance returns true once in n.
func (r *Rand) Chance(n int) bool { return r.rng.IntN(n) == 0 }

func (r *Rand) space() {
	if r.Chance(4) {
		r.buf = append(r.buf, []string{" ", "\n  ", "\t", "\r\n"}[r.Intn(4)]...)
	}
}

// ObjStart opens an object and returns the mark that Key needs.
func (r *Rand) ObjStart() int {
	r.space()
	r.buf = append(r.buf, '{')
	return len(r.buf)
}

// Key writes a member name, sometimes preceded by an unknown property and
// sometimes in another case (which encoding/json matches all the same).
func (r *Rand) Key(mark int, name string) {
	if r.Chance(12) {
		r.comma(mark)
		r.buf = jsonx.AppendString(r.buf, "x-unknown-"+strconv.Itoa(r.Intn(100)))
		r.buf = append(r.buf, ':')
		r.Any(2)
	}
	if r.Chance(20) {
		name = flipCase(name)
	}
	r.comma(mark)
	r.space()
	r.buf = jsonx.AppendString(r.buf, name)
	r.space()
	r.buf = append(r.buf, ':')
	r.space()
}

func flipCase(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r *Rand) comma(mark int) {
	if len(r.buf) > mark {
		r.buf = append(r.buf, ',')
	}
}

// ObjEnd closes an object.
func (r *Rand) ObjEnd() {
	r.space()
	r.buf = append(r.buf, '}')
}

// Times returns how often to write a property: required ones once (rarely
// twice: encoding/json merges repeats), optional ones not at all half of
// the time, and never past MaxDepth unless required.
func (r *Rand) Times(required bool, depth int) int {
	switch {
	case !required && (depth > r.MaxDepth || r.Chance(2)):
		return 0
	case r.Chance(16):
		return 2
	}
	return 1
}

// Null writes null, when allowed is set, once in n calls, and reports
// whether it did.
func (r *Rand) Null(allowed bool, n int) bool {
	if !allowed || !r.Chance(n) {
		return false
	}
	r.buf = append(r.buf, "null"...)
	return true
}

// Len returns the length of a random array or map.
func (r *Rand) Len(depth int) int {
	if depth > r.MaxDepth {
		return 0
	}
	return r.Intn(4)
}

// ArrStart opens an array and returns the mark that Elem needs.
func (r *Rand) ArrStart() int {
	r.space()
	r.buf = append(r.buf, '[')
	return len(r.buf)
}

// Elem starts an array element.
func (r *Rand) Elem(mark int) {
	r.comma(mark)
	r.space()
}

// ArrEnd closes an array.
func (r *Rand) ArrEnd() { r.buf = append(r.buf, ']') }

var strs = []string{
	"", "a", "D-12345", "hello world", "Ünïcödé ✓", "emoji 😀", "<b>&amp;</b>",
	"line\nbreak", "tab\there", "quote \" and \\ backslash", "\u2028\u2029",
	"nul \x00 bell \x07", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "DASHER_CONFIRMED",
}

// String writes a random string: plain, with escapes (\u, surrogate
// pairs, lone surrogates), HTML characters or invalid UTF-8.
func (r *Rand) String() {
	r.space()
	switch r.Intn(6) {
	case 0:
		r.buf = append(r.buf, `"esc \u00e9 \ud83d\ude00 \ud800 \udc00x \/ \b\f\n\r\t \u0041"`...)
	case 1:
		r.buf = append(r.buf, "\"bad \xff\xfe utf8 \xc3\x28 \xe2\x82\""...)
	case 2:
		r.buf = append(r.buf, `"\ud800\u0041 then \ud83d"`...)
	default:
		r.buf = jsonx.AppendString(r.buf, strs[r.Intn(len(strs))])
	}
}

// Name writes one of names as a string (a map key or a property name
// known to the caller).
func (r *Rand) Name(names ...string) string {
	n := names[r.Intn(len(names))]
	r.buf = jsonx.AppendString(r.buf, n)
	return n
}

// MapKey writes a random key of a map and its colon.
func (r *Rand) MapKey(mark int) {
	r.comma(mark)
	r.space()
	switch r.Intn(4) {
	case 0:
		r.buf = append(r.buf, "\"k\xff\""...)
	default:
		r.buf = jsonx.AppendString(r.buf, strs[r.Intn(len(strs))])
	}
	r.buf = append(r.buf, ':')
}

// Enum writes one of the listed values, or now and then one the spec does
// not list.
func (r *Rand) Enum(values ...string) {
	r.space()
	if len(values) == 0 || r.Chance(8) {
		r.String()
		return
	}
	r.buf = jsonx.AppendString(r.buf, values[r.Intn(len(values))])
}

// IntEnum writes one of the listed integers, or now and then another.
func (r *Rand) IntEnum(bits int, values ...int64) {
	if len(values) == 0 || r.Chance(8) {
		r.Int(bits)
		return
	}
	r.buf = strconv.AppendInt(r.buf, values[r.Intn(len(values))], 10)
}

// Int writes an integer that fits bits, now and then at the edges, and
// rarely one that does not fit or is not an integer at all.
func (r *Rand) Int(bits int) {
	r.space()
	lim := int64(math.MaxInt64)
	if bits < 64 {
		lim = 1<<(bits-1) - 1
	}
	switch r.Intn(12) {
	case 0:
		r.buf = strconv.AppendInt(r.buf, lim, 10)
	case 1:
		r.buf = strconv.AppendInt(r.buf, -lim-1, 10)
	case 2:
		r.buf = append(r.buf, "-0"...)
	case 3:
		r.buf = append(r.buf, []string{"1.0", "1e3", "99999999999999999999", "-9223372036854775809"}[r.Intn(4)]...)
	default:
		r.buf = strconv.AppendInt(r.buf, r.rng.Int64N(lim)-r.rng.Int64N(lim), 10)
	}
}

// Uint writes an unsigned integer that fits bits, rarely one that does not.
func (r *Rand) Uint(bits int) {
	r.space()
	lim := uint64(math.MaxUint64)
	if bits < 64 {
		lim = 1<<bits - 1
	}
	switch r.Intn(10) {
	case 0:
		r.buf = strconv.AppendUint(r.buf, lim, 10)
	case 1:
		r.buf = append(r.buf, []string{"-1", "18446744073709551616", "0.5"}[r.Intn(3)]...)
	default:
		r.buf = strconv.AppendUint(r.buf, r.rng.Uint64N(lim), 10)
	}
}

var floats = []string{
	"0", "-0", "-0.0", "1.5", "37.422", "-122.084", "1e10", "1E-7", "2.5e+3",
	"123456789012345678901234567890", "0.1", "4.9e-324", "1e-400", "1.7976931348623157e308",
	"3.4028235e38", "3.5e38", "1e400", "0.000001", "1e21", "9007199254740993",
}

// Float writes a number: plain, in exponent form, at the edges of float32
// and float64, and rarely out of range.
func (r *Rand) Float(bits int) {
	r.space()
	if r.Chance(2) {
		r.buf = append(r.buf, floats[r.Intn(len(floats))]...)
		return
	}
	f := r.rng.NormFloat64() * math.Pow(10, float64(r.Intn(40)-20))
	r.buf = strconv.AppendFloat(r.buf, f, 'g', -1, bits)
}

// Bool writes true or false.
func (r *Rand) Bool() {
	r.space()
	r.buf = strconv.AppendBool(r.buf, r.Chance(2))
}

var times = []string{
	"2026-06-02T14:30:00Z", "2026-06-02T14:30:00.123456789Z", "2026-06-02T14:30:00+02:00",
	"2026-06-02T14:30:00.5-07:30", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
	"2026-06-02t14:30:00z", "2026-13-02T14:30:00Z", "2026-06-02 14:30:00Z",
	"2026-06-02T14:30:00\\u005a", "2026-06-02T24:00:00Z", "2026-06-02T14:30:00+24:00",
}

// Time writes an RFC 3339 time: UTC, offsets, fractions, the zero time, and
// rarely one RFC 3339 does not allow.
func (r *Rand) Time() {
	r.space()
	if r.Chance(3) {
		r.buf = append(r.buf, '"')
		r.buf = append(r.buf, times[r.Intn(len(times))]...)
		r.buf = append(r.buf, '"')
		return
	}
	t := time.Unix(r.rng.Int64N(1<<35)-1<<34, r.rng.Int64N(1e9)).UTC()
	if r.Chance(2) {
		t = t.In(time.FixedZone("", (r.Intn(48)-24)*1800))
	}
	r.buf = append(r.buf, '"')
	r.buf = t.AppendFormat(r.buf, time.RFC3339Nano)
	r.buf = append(r.buf, '"')
}

// Any writes any JSON value, nested at most depth levels.
func (r *Rand) Any(depth int) {
	r.space()
	k := r.Intn(7)
	if depth <= 0 && k >= 5 {
		k = r.Intn(5)
	}
	switch k {
	case 0:
		r.buf = append(r.buf, "null"...)
	case 1:
		r.Bool()
	case 2:
		r.Float(64)
	case 3, 4:
		r.String()
	case 5:
		m := r.ArrStart()
		for range r.Intn(3) {
			r.Elem(m)
			r.Any(depth - 1)
		}
		r.ArrEnd()
	default:
		m := r.ObjStart()
		for range r.Intn(3) {
			r.MapKey(m)
			r.Any(depth - 1)
		}
		r.ObjEnd()
	}
	r.space()
}

// Check writes a random value with c.Random for every seed and compares the
// decoders on it; it returns the first disagreement.
func Check(c Codec, r *Rand) error {
	r.Reset()
	c.Random(r, 0)
	return Compare(c, r.Bytes())
}

// Nullable writes null once in n calls, and always past a depth at which
// a recursive schema must stop, and reports whether it did: for values
// whose Go type is a pointer.
func (r *Rand) Nullable(depth, n int) bool {
	if depth > r.MaxDepth+4 {
		n = 1
	}
	return r.Null(true, n)
}
