package hookimpl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/hookgen/hookgen/runtime/jsonx"
	"github.com/hookgen/hookgen/webhook"
)

// FormType is the media type of a form-encoded body.
const FormType = "application/x-www-form-urlencoded"

// FormKind is how a form field's text becomes its JSON value.
type FormKind uint8

// The kinds of form fields.
const (
	FormString FormKind = iota // the text, as a JSON string
	FormNumber                 // the text, which must be a JSON number
	FormBool                   // "true" or "false"
	// FormJSON is a field whose text is JSON (contentMediaType:
	// application/json), such as Slack's payload=: it is decoded as its
	// schema says.
	FormJSON
)

// FormField is one field of a form payload, as the generated package
// describes it from the payload's schema.
type FormField struct {
	Name string
	Kind FormKind
	// List is set for an array property: each occurrence of the key is an
	// element. A key that is no list may be given once.
	List bool
}

// Form describes the form-encoded bodies of a channel: the fields of its
// messages' payloads. A generated dispatcher decodes a form delivery with
// it into the JSON the payload types decode, so that routing,
// de-duplication and decoding read a form as they read JSON.
type Form struct {
	// Only is set when the channel declares no other content type: a body
	// without a Content-Type is then a form.
	Only bool
	// Fields are sorted by Name. A key that is none of them is a string.
	Fields []FormField
}

// field returns the field named name.
func (f *Form) field(name string) (FormField, bool) {
	i := sort.Search(len(f.Fields), func(i int) bool { return f.Fields[i].Name >= name })
	if i < len(f.Fields) && f.Fields[i].Name == name {
		return f.Fields[i], true
	}
	return FormField{Name: name}, false
}

// IsForm reports whether contentType is application/x-www-form-urlencoded.
func IsForm(contentType string) bool {
	if contentType == FormType {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == FormType
}

// Decode turns a form-encoded delivery into JSON: d.Body becomes the
// form's JSON object and d.Header a copy whose Content-Type says
// application/json, so that a delivery handed off and dispatched again is
// read as the JSON it now is. A delivery that is no form is left as it is.
// An error is a malformed form (400).
func (f *Form) Decode(d *webhook.Delivery) error {
	ct := d.Header.Get("Content-Type")
	if !(IsForm(ct) || (ct == "" && f.Only)) {
		return nil
	}
	body, err := f.ToJSON(d.Body)
	if err != nil {
		return InvalidPayload(err)
	}
	h := d.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	d.Body, d.Header = body, h
	return nil
}

// formPair is one key and its values, in the order the form gives them.
type formPair struct {
	key    string
	values []string
}

// parseForm splits a form body into its keys, each with every value it
// is given, in order of first appearance.
func parseForm(body []byte) ([]formPair, error) {
	var pairs []formPair
	index := map[string]int{}
	for rest := string(body); rest != ""; {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("form key %q: %w", k, err)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("form field %s: %w", key, err)
		}
		if i, ok := index[key]; ok {
			pairs[i].values = append(pairs[i].values, value)
			continue
		}
		index[key] = len(pairs)
		pairs = append(pairs, formPair{key: key, values: []string{value}})
	}
	return pairs, nil
}

// ToJSON renders a form body as the JSON object its payload type decodes:
// strings as strings, numbers and booleans as such (an empty one is
// absent), a list field's occurrences as an array, a JSON field's text as
// the JSON it holds. A key given twice that is no list is an error, as
// a repeated key of a JSON body is; so is a key unknown to the form,
// given twice.
func (f *Form) ToJSON(body []byte) ([]byte, error) {
	pairs, err := parseForm(body)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+len(body)/4+2)
	out = append(out, '{')
	first := true
	for _, p := range pairs {
		fl, _ := f.field(p.key)
		if !fl.List && len(p.values) > 1 {
			return nil, fmt.Errorf("form field %s is given %d times: %w", p.key, len(p.values), errRepeatedForm)
		}
		mark := len(out)
		if !first {
			out = append(out, ',')
		}
		out = jsonx.AppendString(out, p.key)
		out = append(out, ':')
		if fl.List {
			out = append(out, '[')
			n := 0
			for _, v := range p.values {
				if v == "" && fl.Kind != FormString {
					continue
				}
				if n > 0 {
					out = append(out, ',')
				}
				n++
				if out, err = fl.appendValue(out, v); err != nil {
					return nil, err
				}
			}
			out = append(out, ']')
		} else {
			v := p.values[0]
			if v == "" && fl.Kind != FormString {
				out = out[:mark] // absent
				continue
			}
			if out, err = fl.appendValue(out, v); err != nil {
				return nil, err
			}
		}
		first = false
	}
	return append(out, '}'), nil
}

var errRepeatedForm = errors.New("a key that is no list may be given once")

// appendValue appends one value of the field as JSON.
func (fl FormField) appendValue(out []byte, v string) ([]byte, error) {
	switch fl.Kind {
	case FormNumber:
		if !isJSONNumber(v) {
			return nil, fmt.Errorf("form field %s: %q is not a number", fl.Name, v)
		}
		return append(out, v...), nil
	case FormBool:
		if v != "true" && v != "false" {
			return nil, fmt.Errorf("form field %s: %q is not true or false", fl.Name, v)
		}
		return append(out, v...), nil
	case FormJSON:
		if !json.Valid([]byte(v)) {
			return nil, fmt.Errorf("form field %s does not hold JSON", fl.Name)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(v)); err != nil {
			return nil, fmt.Errorf("form field %s: %w", fl.Name, err)
		}
		return append(out, buf.Bytes()...), nil
	}
	return jsonx.AppendString(out, v), nil
}

// isJSONNumber reports whether s is a number as JSON spells it.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	start := i
	if n := digits(); n == 0 || (n > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Encode renders a JSON object as the form body a provider would send for
// it, for test kits and `hookgen send`: a string as its text, a number or
// boolean as its JSON text, an array as one occurrence of the key per
// element, a JSON field (or any object) as its compact JSON text; null is
// left out. Keys keep their order.
func (f *Form) Encode(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("a form payload is a JSON object")
	}
	var out []byte
	add := func(key, value string) {
		if len(out) > 0 {
			out = append(out, '&')
		}
		out = append(out, url.QueryEscape(key)...)
		out = append(out, '=')
		out = append(out, url.QueryEscape(value)...)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		fl, _ := f.field(key)
		var values []json.RawMessage
		if raw[0] == '[' && fl.Kind != FormJSON || raw[0] == '[' && fl.List {
			if err := json.Unmarshal(raw, &values); err != nil {
				return nil, err
			}
		} else {
			values = []json.RawMessage{raw}
		}
		for _, v := range values {
			s, ok, err := formText(v, fl.Kind == FormJSON)
			if err != nil {
				return nil, fmt.Errorf("form field %s: %w", key, err)
			}
			if ok {
				add(key, s)
			}
		}
	}
	return out, nil
}

// formText is the text of one form value; ok is false for null.
func formText(v json.RawMessage, asJSON bool) (string, bool, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return "", false, err
	}
	s := buf.String()
	switch {
	case s == "null":
		return "", false, nil
	case asJSON:
		return s, true, nil
	case s[0] == '"':
		var str string
		err := json.Unmarshal(v, &str)
		return str, true, err
	}
	return s, true, nil
}
