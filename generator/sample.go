package generator

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/hookgen/hookgen/model"
)

// sampleDepth bounds how deep a built value nests: a recursive schema
// whose recursion is required has no finite value, and a deep one
// makes an unreadable example.
const sampleDepth = 6

// sampleExample builds the delivery of m that the generated tests and the
// test kit send when the spec gives no example payload: a valid value
// of its schema and its required headers, with the values that route it
// on its first channel, so the server accepts it.
func sampleExample(api *model.API, m *model.Message) *model.Example {
	ex := &model.Example{Summary: "Built from the schema: the spec gives no example.", Pos: m.Pos}
	props := map[string]any{}
	if h := m.Headers; h != nil && h.Kind == model.Object {
		ex.Headers = map[string]string{}
		for _, f := range h.Fields {
			if f.Required {
				ex.Headers[f.Name] = headerText(sampleField(f, 0))
			}
		}
	}
	for d := firstRoute(api, m); d != nil; d = d.Confirm {
		for _, r := range d.Routes {
			if r.Message != m {
				continue
			}
			switch d.In {
			case model.InPayload:
				setAt(props, model.PayloadPath(d.Name), d.JSONValue(r.Value))
				if r.Inner != nil {
					setAt(props, model.PayloadPath(r.Inner.Name), r.Inner.Value)
				}
			case model.InHeader:
				if ex.Headers == nil {
					ex.Headers = map[string]string{}
				}
				ex.Headers[d.Name] = r.Value
			}
		}
	}
	if m.Payload != nil {
		ex.Payload = sampleValue(m.Payload, props, 0)
	}
	return ex
}

// firstRoute is the discriminator of the first channel that carries m.
func firstRoute(api *model.API, m *model.Message) *model.Discriminator {
	for _, c := range api.Channels {
		if c.Discriminator != nil && c.Discriminator.In != model.InChannel {
			for _, r := range c.Discriminator.Routes {
				if r.Message == m {
					return c.Discriminator
				}
			}
		}
	}
	return nil
}

// setAt sets the string v at path in set, a tree of the values
// sampleValue sets.
func setAt(set map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := set[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			set[k] = next
		}
		set = next
	}
	set[path[len(path)-1]] = v
}

// sampleValue is a valid JSON value of t, compact and with keys in spec
// order: an object's required properties, with set overriding (or
// adding) the string properties named in it, and the properties of the
// objects named in it with a set of their own (a map[string]any).
func sampleValue(t *model.Type, set map[string]any, depth int) json.RawMessage {
	if len(t.Enum) > 0 {
		return mustJSON(t.Enum[0])
	}
	switch t.Kind {
	case model.Bool:
		return json.RawMessage("true")
	case model.Integer, model.Number:
		return json.RawMessage("1")
	case model.String:
		return mustJSON(sampleString(t.Format))
	case model.Array:
		if depth >= sampleDepth {
			return json.RawMessage("[]")
		}
		return json.RawMessage("[" + string(sampleValue(t.Elem, nil, depth+1)) + "]")
	case model.Map:
		return json.RawMessage("{}")
	case model.Object:
		var b bytes.Buffer
		b.WriteByte('{')
		member := func(k string, v []byte) {
			if b.Len() > 1 {
				b.WriteByte(',')
			}
			b.Write(mustJSON(k))
			b.WriteByte(':')
			b.Write(v)
		}
		done := map[string]bool{}
		for _, f := range t.Fields {
			switch v := set[f.Name].(type) {
			case string, json.Number, bool:
				member(f.Name, mustJSON(v))
				done[f.Name] = true
			case map[string]any:
				member(f.Name, sampleValue(f.Type, v, depth+1))
				done[f.Name] = true
			default:
				if f.Required && depth < sampleDepth {
					member(f.Name, sampleField(f, depth+1))
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if done[k] {
				continue
			}
			if v, ok := set[k].(map[string]any); ok {
				member(k, sampleValue(&model.Type{Kind: model.Object}, v, depth+1))
			} else {
				member(k, mustJSON(set[k]))
			}
		}
		b.WriteByte('}')
		return b.Bytes()
	case model.Union:
		for _, v := range t.Variants {
			if isNull(v.Type) {
				continue
			}
			if t.Discriminator != "" && len(v.Tags) > 0 {
				tagged := map[string]any{t.Discriminator: v.Tags[0]}
				maps.Copy(tagged, set)
				return sampleValue(v.Type, tagged, depth)
			}
			return sampleValue(v.Type, set, depth)
		}
	case model.Any:
		if len(t.Kinds) > 0 {
			return sampleValue(&model.Type{Kind: t.Kinds[0]}, set, depth)
		}
	}
	return json.RawMessage("{}")
}

// sampleField is a value of the property f: its const, or a value of
// its type.
func sampleField(f *model.Field, depth int) json.RawMessage {
	if f.HasConst {
		return mustJSON(f.Const)
	}
	return sampleValue(f.Type, nil, depth)
}

// sampleString is a string of the format that a validator of it accepts.
func sampleString(format string) string {
	switch format {
	case "date-time":
		return "2024-01-02T03:04:05Z"
	case "date":
		return "2024-01-02"
	case "time":
		return "03:04:05Z"
	case "uuid":
		return "4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e"
	case "email":
		return "user@example.com"
	case "uri", "url", "iri":
		return "https://example.com/"
	case "hostname":
		return "example.com"
	case "ipv4":
		return "192.0.2.1"
	case "ipv6":
		return "2001:db8::1"
	}
	return "string"
}

// headerText is a header's value for a JSON value: a string as it is,
// anything else as its JSON.
func headerText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // v is a value the parser read from JSON or YAML
	}
	return b
}
