package proptest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
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
		if e, ok := s["enum"].([]any); ok {
			s["enum"] = append(e, nil) // else the enum refuses null
		}
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

// decoyKeys are the components.messages keys of the messages that go the
// way the receiver does not serve.
var decoyKeys = []string{"outbound.ack", "Reply-1"}

// api is one random webhook API before it is written down: build draws
// it, document writes it as AsyncAPI 2.6 or 3.x, and served says what the
// receiver must serve of it in either form.
type api struct {
	messages obj // components.messages: written alike in every version
	schemas  obj
	channels []*channel
	basic    bool   // the server asks for Basic auth
	pathname string // the server URL's path, "" for none
	// side is the document's x-hookgen-side, "" when every operation goes
	// one way.
	side string
}

// channel is a channel and its operations: one, or one each way.
type channel struct {
	id     string // its key in AsyncAPI 3's channels
	path   string // its key in AsyncAPI 2's channels, its address in 3
	params []param
	ops    []*operation
	// local is, by components.messages key, the key of the message in
	// AsyncAPI 3's channel messages map.
	local map[string]string
	// implicit leaves out AsyncAPI 3's operation messages, which then are
	// all the channel's, when the channel has one operation.
	implicit bool
}

// operation is what AsyncAPI 2 puts in its channel and 3 lists in
// operations.
type operation struct {
	id       string
	receive  bool     // receive in AsyncAPI 3, publish in 2; else send, subscribe
	served   bool     // the receiver serves its messages
	messages []string // components.messages keys
	// bare writes AsyncAPI 2's only message as itself, not as a oneOf
	// of one.
	bare bool
}

// param is a channel parameter. AsyncAPI 3 writes its fields as they are;
// AsyncAPI 2 puts enum, default and examples in a string schema.
type param struct {
	name, description string
	enum, examples    []any
	def               string // "" for none
}

// build returns the API: one to three channels of one to three messages
// each, routed by an event property each message fixes with const, some
// with a header that carries the event id, parameters on some channels,
// the same messages on a second channel sometimes, and Basic auth or none.
// Every served operation goes one way, receive or send (publish or
// subscribe in AsyncAPI 2): a document that goes one way is served as it
// is. Some documents say so with x-hookgen-side, and then may have
// operations the other way too, of messages of their own on channels
// served or not, which the receiver must leave out.
func (d *doc) build() *api {
	a := &api{messages: obj{}, schemas: d.schemas}
	receive := d.r.IntN(2) == 0
	if d.r.IntN(3) == 0 {
		a.side = "provider" // serves what the provider sends
		if receive {
			a.side = "receiver"
		}
	}
	idForm := d.pick([]string{"c%d", "hooks.c%d", "hooks-c%d", "hooksC%d"})
	opForm := d.pick([]string{"%s", "on-%s", "%s.handle", "Handle_%s"})
	keys := slices.Clone(messageKeys)
	d.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for c := range 1 + d.r.IntN(3) {
		var msgs []string
		for range 1 + d.r.IntN(3) {
			if len(keys) == 0 {
				break
			}
			key := keys[0]
			keys = keys[1:]
			a.messages[key] = d.message(key)
			msgs = append(msgs, key)
		}
		if len(msgs) == 0 {
			break
		}
		id := fmt.Sprintf(idForm, c)
		path := fmt.Sprintf("/hooks/c%d", c)
		if d.r.IntN(3) == 0 {
			path = path[1:] // served at /hooks/cN all the same
		}
		var params []param
		if d.r.IntN(3) == 0 {
			path += "/{tenant}"
			params = append(params, d.param("tenant"))
			if d.r.IntN(3) == 0 {
				path += "/{region}"
				params = append(params, d.param("region"))
			}
		}
		a.channels = append(a.channels, d.channel(id, path, params, &operation{
			id: fmt.Sprintf(opForm, id), receive: receive, served: true, messages: msgs,
		}))
		if d.r.IntN(4) == 0 {
			// The same messages on a second channel.
			id += "_again"
			a.channels = append(a.channels, d.channel(id, path+"/again", params, &operation{
				id: fmt.Sprintf(opForm, id), receive: receive, served: true, messages: msgs,
			}))
		}
	}
	if a.side != "" && d.r.IntN(3) > 0 {
		hosts := slices.Clone(a.channels) // the served ones
		for i := range 1 + d.r.IntN(len(decoyKeys)) {
			key := decoyKeys[i]
			a.messages[key] = d.message(key)
			if d.r.IntN(2) == 0 {
				// Beside a served operation, in AsyncAPI 3 among the
				// served messages of its channel.
				c := hosts[d.r.IntN(len(hosts))]
				if len(c.ops) == 2 {
					c.ops[1].messages = append(c.ops[1].messages, key)
				} else {
					c.ops = append(c.ops, &operation{id: fmt.Sprintf(opForm, c.id+"-out"), receive: !receive, messages: []string{key}})
				}
				c.local[key] = key
				continue
			}
			id := fmt.Sprintf("outbox%d", i)
			a.channels = append(a.channels, d.channel(id, fmt.Sprintf("/outbox/d%d", i), nil, &operation{
				id: fmt.Sprintf(opForm, id), receive: !receive, messages: []string{key},
			}))
		}
	}
	if d.r.IntN(3) == 0 {
		a.pathname = "/webhooks"
	}
	a.basic = d.r.IntN(2) == 0
	return a
}

// message returns a random message whose payload's event is key.
func (d *doc) message(key string) obj {
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
			// The header names the message too: it must agree with the
			// body's event.
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
	return m
}

// channel returns a channel of one operation. Its messages keep their
// component keys in AsyncAPI 3's channel messages map, or some channels
// give them keys of their own.
func (d *doc) channel(id, path string, params []param, op *operation) *channel {
	c := &channel{id: id, path: path, params: params, ops: []*operation{op}, local: map[string]string{}}
	own := d.r.IntN(4) == 0
	for i, key := range op.messages {
		c.local[key] = key
		if own {
			c.local[key] = fmt.Sprintf("m%d", i+1)
		}
	}
	op.bare = len(op.messages) == 1 && d.r.IntN(2) == 0
	c.implicit = d.r.IntN(4) == 0
	return c
}

// param returns a random channel parameter named name.
func (d *doc) param(name string) param {
	p := param{name: name}
	if d.r.IntN(2) == 0 {
		p.description = "The " + name + " the delivery is for."
	}
	switch d.r.IntN(3) {
	case 0:
		p.enum = []any{"acme", "globex"}
		if d.r.IntN(2) == 0 {
			p.def = "globex"
		}
	case 1:
		p.examples = []any{"acme", "initech"}
	}
	if p.enum == nil && d.r.IntN(4) == 0 {
		p.def = "acme"
	}
	return p
}

// served returns, by the path (AsyncAPI 2's channel key, 3's address) of
// each served channel, the components.messages keys of the messages received on it, sorted.
func (a *api) served() map[string][]string {
	out := map[string][]string{}
	for _, c := range a.channels {
		for _, op := range c.ops {
			if op.served {
				out[c.path] = slices.Sorted(slices.Values(op.messages))
			}
		}
	}
	return out
}

// document writes the API in the given AsyncAPI version: 2.6.0, 3.0.0 or
// 3.1.0.
func (a *api) document(version string) obj {
	var doc obj
	if strings.HasPrefix(version, "2.") {
		doc = a.asyncapi2()
	} else {
		doc = a.asyncapi3()
	}
	doc["asyncapi"] = version
	doc["info"] = obj{"title": "Random", "version": "1.0.0"}
	if a.side != "" {
		doc["x-hookgen-side"] = a.side
	}
	return doc
}

// asyncapi2 writes the API as AsyncAPI 2: channels keyed by their paths,
// each holding its operations; a server URL; security requirements as
// mappings of scheme names to scopes.
func (a *api) asyncapi2() obj {
	channels := obj{}
	for _, c := range a.channels {
		ch := obj{}
		for _, op := range c.ops {
			var refs []any
			for _, key := range op.messages {
				refs = append(refs, ref("components", "messages", key))
			}
			var message any = obj{"oneOf": refs}
			if op.bare {
				message = refs[0]
			}
			verb := "subscribe"
			if op.receive {
				verb = "publish"
			}
			ch[verb] = obj{"operationId": op.id, "message": message}
		}
		if len(c.params) > 0 {
			params := obj{}
			for _, p := range c.params {
				schema := obj{"type": "string"}
				put(schema, "enum", p.enum)
				put(schema, "default", p.def)
				put(schema, "examples", p.examples)
				params[p.name] = put(obj{"schema": schema}, "description", p.description)
			}
			ch["parameters"] = params
		}
		channels[c.path] = ch
	}
	components := obj{"messages": a.messages, "schemas": a.schemas}
	server := obj{"url": "https://receiver.example.com" + a.pathname, "protocol": "https"}
	if a.basic {
		components["securitySchemes"] = obj{"basic": obj{"type": "userPassword"}}
		server["security"] = []any{obj{"basic": []any{}}}
	}
	return obj{"servers": obj{"receiver": server}, "channels": channels, "components": components}
}

// asyncapi3 writes the API as AsyncAPI 3: channels keyed by an id, with
// the path as their address and a map of their messages, $refs to
// components; top-level operations keyed by their ids, naming their
// channel and its messages by $ref, or some none when they are all the
// channel's; a server host and pathname; security
// as a list of $refs to schemes.
func (a *api) asyncapi3() obj {
	channels, operations := obj{}, obj{}
	for _, c := range a.channels {
		messages := obj{}
		for _, op := range c.ops {
			var refs []any
			for _, key := range op.messages {
				messages[c.local[key]] = ref("components", "messages", key)
				refs = append(refs, ref("channels", c.id, "messages", c.local[key]))
			}
			action := "send"
			if op.receive {
				action = "receive"
			}
			operation := obj{"action": action, "channel": ref("channels", c.id), "messages": refs}
			if c.implicit && len(c.ops) == 1 {
				delete(operation, "messages")
			}
			operations[op.id] = operation
		}
		ch := obj{"address": c.path, "messages": messages}
		if len(c.params) > 0 {
			params := obj{}
			for _, p := range c.params {
				param := obj{}
				put(param, "description", p.description)
				put(param, "enum", p.enum)
				put(param, "default", p.def)
				put(param, "examples", p.examples)
				params[p.name] = param
			}
			ch["parameters"] = params
		}
		channels[c.id] = ch
	}
	components := obj{"messages": a.messages, "schemas": a.schemas}
	server := obj{"host": "receiver.example.com", "protocol": "https"}
	put(server, "pathname", a.pathname)
	if a.basic {
		components["securitySchemes"] = obj{"basic": obj{"type": "userPassword"}}
		server["security"] = []any{ref("components", "securitySchemes", "basic")}
	}
	return obj{"servers": obj{"receiver": server}, "channels": channels, "operations": operations, "components": components}
}

// ref is a $ref to the local JSON pointer of the given tokens.
func ref(tokens ...string) obj {
	ptr := "#"
	for _, t := range tokens {
		ptr += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
	}
	return obj{"$ref": ptr}
}

// put sets o[key] to v unless v is empty, and returns o.
func put[T string | []any](o obj, key string, v T) obj {
	if len(v) > 0 {
		o[key] = v
	}
	return o
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
