package proptest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// obj is a JSON object as the document is written.
type obj = map[string]any

// propertyNames are the names properties are drawn from: plain, camel,
// Go keywords, a leading digit, dashes, unicode, @, and pairs that fold or
// collide as Go names.
var propertyNames = []string{
	"id", "ID", "get_id", "order_id", "orderId", "type", "func", "range", "map",
	"3d_secure", "x-request-id", "größe", "@type", "amount", "AMOUNT", "created_at",
	"items", "meta", "status", "url",
}

// messageKeys are the components.messages keys messages are drawn from.
var messageKeys = []string{"OrderCreated", "order.updated", "ping-1", "Type", "Handler", "delivery_cancelled", "événement"}

// doc builds one random document; schemas are registered as components.
type doc struct {
	r       *rand.Rand
	schemas obj
}

func newDoc(r *rand.Rand) *doc { return &doc{r: r, schemas: obj{}} }

func (d *doc) pick(from []string) string { return from[d.r.IntN(len(from))] }

// schema returns a random schema of at most depth levels and a valid
// example value of it.
func (d *doc) schema(depth int) (obj, any) {
	kinds := []string{"string", "date-time", "uuid", "integer", "number", "boolean", "enum"}
	if depth > 0 {
		kinds = append(kinds, "array", "map", "object", "object", "ref", "nullable", "allOf", "union", "anyOf", "intEnum", "typeList")
	}
	switch d.pick(kinds) {
	case "string":
		return obj{"type": "string"}, "text"
	case "date-time":
		return obj{"type": "string", "format": "date-time"}, "2026-01-02T03:04:05Z"
	case "uuid":
		return obj{"type": "string", "format": "uuid"}, "123e4567-e89b-12d3-a456-426614174000"
	case "integer":
		return obj{"type": "integer", "format": d.pick([]string{"int32", "int64"})}, 42
	case "number":
		return obj{"type": "number"}, 1.5
	case "boolean":
		return obj{"type": "boolean"}, true
	case "enum":
		values := []any{"a-b", "a_b", "READY", "3", ""}[:2+d.r.IntN(3)]
		return obj{"type": "string", "enum": values}, values[d.r.IntN(len(values))]
	case "array":
		items, ex := d.schema(depth - 1)
		return obj{"type": "array", "items": items}, []any{ex, ex}
	case "map":
		values, ex := d.schema(depth - 1)
		return obj{"type": "object", "additionalProperties": values}, obj{"k1": ex, "k 2": ex}
	case "nullable":
		s, _ := d.schema(0)
		s["type"] = []any{s["type"], "null"}
		return s, nil
	case "ref":
		name := fmt.Sprintf("Schema%d", len(d.schemas)+1)
		d.schemas[name] = nil // taken before the schemas inside it take theirs
		s, ex := d.object(depth - 1)
		d.schemas[name] = s
		return obj{"$ref": "#/components/schemas/" + name}, ex
	case "union":
		// A tagged union: each variant fixes its kind.
		var variants []any
		var examples []any
		for i := range 2 {
			name := fmt.Sprintf("Schema%d", len(d.schemas)+1)
			d.schemas[name] = nil
			v, ex := d.object(depth - 1)
			tag := fmt.Sprintf("variant-%d", i)
			v["properties"].(obj)["kind"] = obj{"type": "string", "const": tag}
			v["required"] = append(asList(v["required"]), "kind")
			ex.(obj)["kind"] = tag
			d.schemas[name] = v
			variants = append(variants, obj{"$ref": "#/components/schemas/" + name})
			examples = append(examples, ex)
		}
		return obj{"oneOf": variants, "discriminator": "kind"}, examples[d.r.IntN(2)]
	case "anyOf":
		// Untagged: JSON alone cannot say which, so it is kept raw.
		return obj{"anyOf": []any{obj{"type": "string"}, obj{"type": "integer"}}}, 7
	case "intEnum":
		return obj{"type": "integer", "enum": []any{-1, 0, 2}}, -1
	case "typeList":
		return obj{"type": []any{"integer", "string"}}, "either"
	case "allOf":
		a, exA := d.object(depth - 1)
		b, exB := d.object(depth - 1)
		// The branches name distinct properties: two schemas of one
		// property would be another document's question.
		for k := range a["properties"].(obj) {
			delete(b["properties"].(obj), k)
			delete(exB.(obj), k)
			if req := asList(b["required"]); len(req) > 0 {
				b["required"] = slices.DeleteFunc(req, func(v any) bool { return v == k })
			}
		}
		for k, v := range exB.(obj) {
			exA.(obj)[k] = v
		}
		return obj{"allOf": []any{a, b}}, exA
	}
	return d.object(depth - 1)
}

// object returns a random object schema, some properties required, and an
// example with every required property and some optional ones.
func (d *doc) object(depth int) (obj, any) {
	props, ex := obj{}, obj{}
	var required []any
	for _, name := range d.names(1 + d.r.IntN(4)) {
		s, v := d.schema(max(depth, 0))
		props[name] = s
		if d.r.IntN(2) == 0 {
			required = append(required, name)
			ex[name] = v
		} else if d.r.IntN(2) == 0 {
			ex[name] = v
		}
	}
	s := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, ex
}

// names draws n distinct property names.
func (d *doc) names(n int) []string {
	var out []string
	for len(out) < n {
		if name := d.pick(propertyNames); !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// build returns the document: one to three channels of one to three
// messages each, routed by an event property each message fixes with
// const, some with a header that carries the event id, and Basic auth or
// none.
func (d *doc) build() obj {
	messages, channels := obj{}, obj{}
	keys := slices.Clone(messageKeys)
	d.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for c := range 1 + d.r.IntN(3) {
		var refs []any
		for range 1 + d.r.IntN(3) {
			if len(keys) == 0 {
				break
			}
			key := keys[0]
			keys = keys[1:]
			payload, ex := d.object(2)
			payload["properties"].(obj)["event"] = obj{"type": "string", "const": key}
			payload["required"] = append(asList(payload["required"]), "event")
			ex.(obj)["event"] = key
			m := obj{"payload": payload}
			example := obj{"payload": ex}
			if d.r.IntN(2) == 0 {
				headers := obj{"X-Event-Id": obj{"type": "string"}}
				exHeaders := obj{"X-Event-Id": "evt_1"}
				if d.r.IntN(2) == 0 {
					// The header names the message too: it must agree
					// with the body's event.
					headers["X-Event-Type"] = obj{"type": "string", "const": key}
					exHeaders["X-Event-Type"] = key
				}
				m["headers"] = obj{"type": "object", "required": []any{"X-Event-Id"}, "properties": headers}
				m["correlationId"] = obj{"location": "$message.header#/X-Event-Id"}
				example["headers"] = exHeaders
			}
			if d.r.IntN(3) > 0 { // else the generator builds one from the schema
				m["examples"] = []any{example}
			}
			messages[key] = m
			refs = append(refs, obj{"$ref": "#/components/messages/" + key})
		}
		if len(refs) == 0 {
			break
		}
		path := fmt.Sprintf("/hooks/c%d", c)
		if d.r.IntN(3) == 0 {
			path = path[1:] // served at /hooks/cN all the same
		}
		channel := obj{"publish": obj{"message": obj{"oneOf": refs}}}
		if d.r.IntN(3) == 0 {
			path += "/{tenant}"
			channel["parameters"] = obj{"tenant": obj{"schema": obj{"type": "string"}}}
		}
		channels[path] = channel
		if d.r.IntN(4) == 0 {
			// The same messages on a second channel.
			channels[path+"/again"] = obj{"publish": obj{"message": obj{"oneOf": refs}}}
		}
	}
	components := obj{"messages": messages, "schemas": d.schemas}
	server := obj{"url": "https://receiver.example.com", "protocol": "https"}
	if d.r.IntN(2) == 0 {
		components["securitySchemes"] = obj{"basic": obj{"type": "userPassword"}}
		server["security"] = []any{obj{"basic": []any{}}}
	}
	return obj{
		"asyncapi":   "2.6.0",
		"info":       obj{"title": "Random", "version": "1.0.0"},
		"servers":    obj{"receiver": server},
		"channels":   channels,
		"components": components,
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
