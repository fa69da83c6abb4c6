package parser

import (
	"bytes"
	"encoding/json"
	"mime"
	"sort"

	"github.com/hookgen/hookgen/model"
)

// formType is the media type of a form-encoded body.
const formType = "application/x-www-form-urlencoded"

// isForm reports whether a message's content type is a form.
func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == formType
}

// checkForms refuses the payload of a form message that a form cannot
// carry: a form is flat, so its payload is an object whose properties are
// strings, numbers, booleans or lists of them, and a property of any
// other shape says its text is JSON (contentMediaType: application/json,
// as Slack's payload= is). An example that no form could carry is
// refused too.
func (p *parser) checkForms(api *model.API) {
	for _, m := range api.Messages {
		if !isForm(m.ContentType) || m.Payload == nil {
			continue
		}
		t := m.Payload
		if t.Kind != model.Object && t.Kind != model.Map {
			p.errorf(t.Pos, "message %s is form-encoded (%s), but its payload is %s, not an object of fields", m.Key, m.ContentType, aKind(t.Kind))
			continue
		}
		jsonField := map[string]bool{}
		for _, f := range t.Fields {
			if f.Type.HoldsJSON() {
				jsonField[f.Name] = true
				continue
			}
			if !formScalar(f.Type) && !(f.Type.Kind == model.Array && f.Type.Elem != nil && formScalar(f.Type.Elem)) {
				p.errorf(f.Pos, "message %s is form-encoded, but its field %s is %s: a form field holds text; give it contentMediaType: application/json if its text is JSON", m.Key, f.Name, aKind(f.Type.Kind))
			}
		}
		for _, ex := range m.Examples {
			if key, ok := formExample(ex.Payload, jsonField); !ok {
				p.errorf(ex.Pos, "example %q of %s: a form cannot carry its %s, an object (give the field contentMediaType: application/json)", ex.Name, m.Key, key)
			}
		}
	}
}

// formScalar reports whether a form field's text can be t's value.
func formScalar(t *model.Type) bool {
	if of := t.NullableOf(); of != nil {
		t = of
	}
	switch t.Kind {
	case model.String, model.Integer, model.Number, model.Bool:
		return true
	}
	return false
}

// formExample reports whether a form can carry an example payload; when
// not, the key it cannot carry.
func formExample(payload []byte, jsonField map[string]bool) (string, bool) {
	var fields map[string]json.RawMessage
	if payload == nil || json.Unmarshal(payload, &fields) != nil {
		return "payload", payload == nil
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fields[k]
		if jsonField[k] {
			continue
		}
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '{' {
			return k, false
		}
		if len(v) > 0 && v[0] == '[' {
			var elems []json.RawMessage
			_ = json.Unmarshal(v, &elems)
			for _, e := range elems {
				if e = bytes.TrimSpace(e); len(e) > 0 && (e[0] == '{' || e[0] == '[') {
					return k, false
				}
			}
		}
	}
	return "", true
}

// aKind names a kind with its article.
func aKind(k model.Kind) string {
	switch k {
	case model.Any:
		return "any value"
	case model.Array, model.Integer, model.Object:
		return "an " + k.String()
	}
	return "a " + k.String()
}
