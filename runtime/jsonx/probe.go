package jsonx

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Probe returns the string property name of the JSON object data in one
// pass, without decoding anything else, and with the result
// json.Unmarshal(data, &struct{ V string `json:"<name>"` }) gives: data
// must be valid JSON; a null or absent property is ""; a key that matches
// name only case-insensitively counts; a value that is not a string or
// null is an error. Unlike json.Unmarshal, data must be an object (a
// top-level null is an error too, since no event is null), and a property
// given twice, exactly or case-folded, is an error wrapping ErrRepeated
// (json.Unmarshal would take the last): the generated decoders refuse the
// same body, so a routing value never comes from another key than the one
// the event is decoded from.
func Probe(data []byte, name string) (string, error) {
	d := Begin(data)
	v, err := probe(d, name)
	return v, Finish(d, err)
}

func probe(d *Decoder, name string) (string, error) {
	if d.peek() != '{' {
		return "", Want(d, "an object")
	}
	var fb [64]byte
	folded := Fold(fb[:0], []byte(name))
	ascii := isASCII(name)
	var value string
	var typeErr error
	found := false
	it, err := d.ObjIter()
	if err != nil {
		return "", err
	}
	for it.Next() {
		k := it.Key()
		if string(k) != name && !FoldMatch(k, name, folded, ascii) {
			if err := d.Skip(); err != nil {
				return "", err
			}
			continue
		}
		if found && typeErr == nil {
			typeErr = Field(ErrRepeated, name)
		}
		found = true
		switch d.peek() {
		case '"':
			b, err := StrBytes(d)
			if err != nil {
				return "", err
			}
			value = String(b)
		case 'n':
			if err := d.Null(); err != nil {
				return "", err
			}
		default:
			// encoding/json goes on and reports the first type error once
			// the whole document is known to be valid.
			if typeErr == nil {
				typeErr = Field(Want(d, "a string"), name)
			}
			if err := d.Skip(); err != nil {
				return "", err
			}
		}
	}
	if err := it.Err(); err != nil {
		return "", err
	}
	if typeErr != nil {
		if err := End(d); err != nil {
			return "", err
		}
		return "", typeErr
	}
	return value, nil
}

// ProbePath is Probe for a value inside the object data: path names the
// property at each level, as a JSON pointer's tokens do (Slack's
// ["event", "type"]), and the result is what json.Unmarshal gives into
// structs nested as deep. A property on the way that is absent or null
// makes the value absent (""); one that is neither an object nor null is an
// error, and so is a property on the way given twice, exactly or
// case-folded (wrapping ErrRepeated).
func ProbePath(data []byte, path []string) (string, error) {
	d := Begin(data)
	if len(path) == 0 {
		return "", Finish(d, errors.New("jsonx: ProbePath of no property"))
	}
	if d.peek() != '{' {
		return "", Finish(d, Want(d, "an object"))
	}
	v, typeErr, err := probeObject(d, path, leafString)
	if err == nil && typeErr != nil {
		if err = End(d); err == nil {
			err = typeErr
		}
	}
	return v, Finish(d, err)
}

// ProbeInteger is ProbePath for an integer: the value is its canonical
// text ("1"; "-0" is "0"), and a value that is no integer that fits int64
// (a string, even "1", a fraction, 1e3) is an error, as it is for
// json.Unmarshal into an int64. Generated dispatchers route by it where
// the spec fixes an integer (Discord's type).
func ProbeInteger(data []byte, path []string) (string, error) {
	return probeLeaf(data, path, leafInteger)
}

// ProbeBoolean is ProbePath for a boolean: the value is "true" or
// "false", and one that is no boolean (a string, even "true") is an error.
func ProbeBoolean(data []byte, path []string) (string, error) {
	return probeLeaf(data, path, leafBoolean)
}

// leaf is the JSON type a probe reads at the end of its path.
type leaf int

const (
	leafString leaf = iota
	leafInteger
	leafBoolean
)

func probeLeaf(data []byte, path []string, want leaf) (string, error) {
	d := Begin(data)
	if len(path) == 0 {
		return "", Finish(d, errors.New("jsonx: probe of no property"))
	}
	if d.peek() != '{' {
		return "", Finish(d, Want(d, "an object"))
	}
	v, typeErr, err := probeObject(d, path, want)
	if err == nil && typeErr != nil {
		if err = End(d); err == nil {
			err = typeErr
		}
	}
	return v, Finish(d, err)
}

// readLeaf reads the value at the end of a probe's path when it is of the
// JSON type want (ok false, nothing read, when it is not): its text and,
// apart, the error of a value of that type the Go type refuses.
func readLeaf(d *Decoder, want leaf) (value string, typeErr error, ok bool, err error) {
	c := d.peek()
	switch {
	case want == leafString && c == '"':
		b, err := StrBytes(d)
		if err != nil {
			return "", nil, true, err
		}
		return String(b), nil, true, nil
	case want == leafInteger && (c == '-' || ('0' <= c && c <= '9')):
		raw, err := number(d)
		if err != nil {
			return "", nil, true, err
		}
		n, perr := strconv.ParseInt(string(raw), 10, 64)
		if perr != nil {
			return "", fmt.Errorf("number %s is no int64", raw), true, nil
		}
		return strconv.FormatInt(n, 10), nil, true, nil
	case want == leafBoolean && (c == 't' || c == 'f'):
		b, err := Bool(d)
		return strconv.FormatBool(b), nil, true, err
	}
	return "", nil, false, nil
}

// leafName is how an error names the JSON type want.
func leafName(want leaf) string {
	return [...]string{"a string", "an integer", "a boolean"}[want]
}

// probeObject reads the object next in d for the value at path, of the
// JSON type want. A type error is returned apart, once the object is read,
// so that a syntax error later in the document wins as it does in
// encoding/json.
func probeObject(d *Decoder, path []string, want leaf) (value string, typeErr, err error) {
	name := path[0]
	var fb [64]byte
	folded := Fold(fb[:0], []byte(name))
	ascii := isASCII(name)
	found := false
	it, err := d.ObjIter()
	if err != nil {
		return "", nil, err
	}
	for it.Next() {
		k := it.Key()
		if string(k) != name && !FoldMatch(k, name, folded, ascii) {
			if err := d.Skip(); err != nil {
				return "", nil, err
			}
			continue
		}
		if found && typeErr == nil {
			typeErr = Field(ErrRepeated, name)
		}
		found = true
		expect := "an object"
		if len(path) == 1 {
			expect = leafName(want)
		}
		if len(path) == 1 {
			v, te, ok, err := readLeaf(d, want)
			if err != nil {
				return "", nil, err
			}
			if ok {
				if te != nil && typeErr == nil {
					typeErr = Field(te, name)
				}
				value = v
				continue
			}
		}
		switch c := d.peek(); {
		case c == '{' && len(path) > 1:
			v, te, err := probeObject(d, path[1:], want)
			if err != nil {
				return "", nil, err
			}
			if te != nil && typeErr == nil {
				typeErr = Field(te, name)
			}
			value = v
		case c == 'n':
			if err := d.Null(); err != nil {
				return "", nil, err
			}
			value = ""
		default:
			if typeErr == nil {
				typeErr = Field(Want(d, expect), name)
			}
			if err := d.Skip(); err != nil {
				return "", nil, err
			}
		}
	}
	if err := it.Err(); err != nil {
		return "", nil, err
	}
	return value, typeErr, nil
}

// FoldMatch reports whether key matches name case-insensitively the way
// encoding/json matches keys to fields; folded is Fold(nil, name) and ascii
// whether name is all ASCII. Generated decoders call it for keys that match
// no property exactly.
func FoldMatch(key []byte, name string, folded []byte, ascii bool) bool {
	if ascii && len(key) != len(name) && isASCII(key) {
		return false
	}
	var kb [64]byte
	return bytes.Equal(Fold(kb[:0], key), folded)
}

func isASCII[S string | []byte](s S) bool {
	// Eight bytes at a time: a byte of 0x80 or more sets its top bit.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// PayloadValue returns the value at a JSON pointer (RFC 6901) in a JSON
// body, in one pass per level and without decoding into maps: a string without its quotes, any other value
// as its JSON text (every digit of a number kept), "" when the value is
// absent, null, or the body is not JSON.
func PayloadValue(body []byte, pointer string) string {
	raw, ok := Pointer(body, pointer)
	if !ok {
		return ""
	}
	return RawText(raw)
}

// Pointer returns the JSON text of the value at a JSON pointer in body,
// trimmed; false when there is none, it is null, or body is not JSON on
// the way there.
func Pointer(body []byte, pointer string) ([]byte, bool) {
	raw := body
	var toks []string
	if pointer != "" {
		toks = SplitPointer(pointer)
	}
	for _, tok := range toks {
		if raw = bytes.TrimSpace(raw); len(raw) == 0 {
			return nil, false
		}
		var ok bool
		switch raw[0] {
		case '{':
			raw, ok = member(raw, tok)
		case '[':
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 {
				return nil, false
			}
			raw, ok = element(raw, i)
		}
		if !ok {
			return nil, false
		}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false
	}
	return raw, true
}

// SplitPointer returns the unescaped tokens of a JSON pointer ("/a~1b/c"
// is ["a/b", "c"]); a name without the leading slash is one token, so
// that a top-level property name and "/name" mean the same.
func SplitPointer(pointer string) []string {
	if !strings.HasPrefix(pointer, "/") {
		return []string{pointer}
	}
	toks := strings.Split(pointer[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// RawText returns a JSON value as an event id: a string without its
// quotes, null as "", anything else as its JSON text.
func RawText(raw []byte) string {
	if bytes.Equal(raw, []byte("null")) {
		return ""
	}
	if len(raw) > 0 && raw[0] == '"' {
		d := Begin(raw)
		s, err := Str(d)
		if err = Finish(d, err); err == nil {
			return s
		}
	}
	return string(raw)
}

// member returns the last value of key in the object raw, which must be
// valid JSON as a whole.
func member(raw []byte, key string) ([]byte, bool) {
	d := Begin(raw)
	defer release(d)
	it, err := d.ObjIter()
	if err != nil {
		return nil, false
	}
	var found []byte
	for it.Next() {
		if !keyIs(it.Key(), key) {
			if d.Skip() != nil {
				return nil, false
			}
			continue
		}
		if found, err = RawBytes(d); err != nil {
			return nil, false
		}
	}
	if it.Err() != nil || End(d) != nil || found == nil {
		return nil, false
	}
	return found, true
}

// element returns element i of the array raw, which must be valid JSON as
// a whole.
func element(raw []byte, i int) ([]byte, bool) {
	d := Begin(raw)
	defer release(d)
	it, err := d.ArrIter()
	if err != nil {
		return nil, false
	}
	var found []byte
	for n := 0; it.Next(); n++ {
		if n != i {
			if d.Skip() != nil {
				return nil, false
			}
			continue
		}
		if found, err = RawBytes(d); err != nil {
			return nil, false
		}
	}
	if it.Err() != nil || End(d) != nil || found == nil {
		return nil, false
	}
	return found, true
}

// keyIs reports whether the object key k, as encoding/json reads it, is key.
func keyIs(k []byte, key string) bool {
	if utf8.Valid(k) {
		return string(k) == key
	}
	return String(k) == key
}
