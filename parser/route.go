package parser

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookgen/hookgen/model"
)

// Extensions hookgen reads; docs/spec-extensions.md documents them.
const (
	extDiscriminator = "x-hookgen-discriminator"
	extValue         = "x-hookgen-discriminator-value"
	extBatch         = "x-hookgen-batch"
)

// discriminate decides how deliveries on a channel are told apart.
//
// Inference, in order: a top-level payload property that every message
// fixes to its own value (const, or an enum of one value); the same for a
// message header; a payload enum whose values include every message's
// name. A channel with one message and none of those is routed by the
// channel alone. The x-hookgen-discriminator extension overrides all of it.
func (p *parser) discriminate(c *model.Channel) {
	if len(c.Messages) == 0 {
		return
	}
	if routed := routedMessages(c); len(routed) < len(c.Messages) {
		// Handshakes recognised by their query are not routed.
		if len(routed) == 0 {
			p.warnf(c.Pos, "channel %q carries only handshakes, no message to deliver: it is not served", c.Path)
			return
		}
		only := *c
		only.Messages = routed
		p.discriminate(&only)
		c.Discriminator = only.Discriminator
		return
	}
	if ext, ok := c.Extensions[extDiscriminator]; ok {
		c.Discriminator = p.explicitDiscriminator(c, ext)
		return
	}
	defer func() {
		if d := c.Discriminator; d != nil && d.In != model.InChannel {
			d.Confirm = confirmation(c, d)
		}
	}()
	var clash string
	for _, try := range []func(*model.Channel) (*model.Discriminator, string){
		fixedValues(model.InPayload), fixedValues(model.InHeader), namedByEnum,
	} {
		d, why := try(c)
		if d != nil {
			c.Discriminator = d
			return
		}
		if clash == "" {
			clash = why
		}
	}
	if len(c.Messages) == 1 {
		c.Discriminator = &model.Discriminator{In: model.InChannel, Routes: []model.Route{{Message: c.Messages[0]}}}
		return
	}
	for _, try := range []func(*model.Channel) *model.Discriminator{nestedValues, envelopeValues} {
		if d := try(c); d != nil {
			c.Discriminator = d
			return
		}
	}
	if clash != "" {
		p.errorf(c.Pos, "channel %q: the discriminator is ambiguous: %s; name it with %s (docs/spec-extensions.md)", c.Path, clash, extDiscriminator)
		return
	}
	p.errorf(c.Pos, "channel %q carries %d messages and nothing in their schemas tells them apart "+
		"(no property or header with a const per message, no enum of the message names); name the discriminator with %s (docs/spec-extensions.md)",
		c.Path, len(c.Messages), extDiscriminator)
}

// schemaOf returns the object type a discriminator is read from.
func schemaOf(m *model.Message, in string) *model.Type {
	t := m.Payload
	if in == model.InHeader {
		t = m.Headers
	}
	if t == nil || t.Kind != model.Object {
		return nil
	}
	return t
}

// valueField returns the field of m that holds a discriminator's value:
// its header name, or its payload's property at name (a top-level
// property's name or a JSON pointer); nil when m has none there.
func valueField(m *model.Message, in, name string) *model.Field {
	if in == model.InHeader {
		return fieldOf(schemaOf(m, in), name, in)
	}
	f, _ := resolve(m.Payload, model.PayloadPath(name))
	return f
}

// objectOf returns t as an object, seeing through a use of it that may be
// null; nil when t is no object.
func objectOf(t *model.Type) *model.Type {
	if of := t.NullableOf(); of != nil {
		t = of
	}
	if t == nil || t.Kind != model.Object {
		return nil
	}
	return t
}

// resolve follows path through the properties of the object t and returns
// the field at its end, or nil and what stops it. Through a union every
// variant but null must have the rest of the path; the field is then the
// first variant's, without the value it fixes unless each fixes the same.
func resolve(t *model.Type, path []string) (*model.Field, string) {
	if t == nil {
		return nil, "it has no payload"
	}
	for i, tok := range path {
		at := "the payload"
		if i > 0 {
			at = model.Pointer(model.PayloadName(path[:i]))
		}
		if t.NullableOf() == nil && t.Kind == model.Union {
			return resolveUnion(t, path[i:], at)
		}
		obj := objectOf(t)
		if obj == nil {
			return nil, fmt.Sprintf("%s is %s, not an object", at, article(t.Kind.String()))
		}
		f := fieldOf(obj, tok, model.InPayload)
		if f == nil {
			return nil, fmt.Sprintf("%s has no property %q", at, tok)
		}
		if i == len(path)-1 {
			return f, ""
		}
		t = f.Type
	}
	return nil, "the pointer is empty"
}

func resolveUnion(t *model.Type, rest []string, at string) (*model.Field, string) {
	var first *model.Field
	same := true
	for _, v := range t.Variants {
		if v.Type.IsNull() {
			continue
		}
		f, why := resolve(v.Type, rest)
		if f == nil {
			return nil, fmt.Sprintf("a variant of %s: %s", at, strings.Replace(why, "the payload", at, 1))
		}
		if first == nil {
			first = f
			continue
		}
		a, okA := fixedValue(first)
		b, okB := fixedValue(f)
		same = same && okA == okB && a == b
	}
	if first == nil {
		return nil, at + " is always null"
	}
	if !same {
		return &model.Field{Name: first.Name, Type: &model.Type{Kind: model.String}, Pos: first.Pos}, ""
	}
	return first, ""
}

func fieldOf(t *model.Type, name string, in string) *model.Field {
	if t == nil {
		return nil
	}
	for _, f := range t.Fields {
		if f.Name == name || (in == model.InHeader && http.CanonicalHeaderKey(f.Name) == http.CanonicalHeaderKey(name)) {
			return f
		}
	}
	return nil
}

// fixedValue is the one string value a field may have, if the schema fixes
// it with const or a one-value enum.
func fixedValue(f *model.Field) (string, bool) {
	if f == nil {
		return "", false
	}
	if s, ok := f.Const.(string); ok && f.HasConst {
		return s, true
	}
	if len(f.Type.Enum) == 1 {
		if s, ok := f.Type.Enum[0].(string); ok {
			return s, true
		}
	}
	return "", false
}

// fixedLiteral is the one integer or boolean value a field of that type
// may have, as its JSON text ("1", "true"), if the schema fixes it with
// const or a one-value enum.
func fixedLiteral(f *model.Field) (string, model.Kind, bool) {
	if f == nil || f.Type == nil || (f.Type.Kind != model.Integer && f.Type.Kind != model.Bool) {
		return "", 0, false
	}
	v := f.Const
	if !f.HasConst {
		if len(f.Type.Enum) != 1 {
			return "", 0, false
		}
		v = f.Type.Enum[0]
	}
	switch x := v.(type) {
	case bool:
		if f.Type.Kind == model.Bool {
			return strconv.FormatBool(x), model.Bool, true
		}
	case json.Number, float64, int, int64:
		// The canonical text: what the decoder's int64 formats back.
		if n, err := strconv.ParseInt(fmt.Sprint(x), 10, 64); err == nil && f.Type.Kind == model.Integer {
			return strconv.FormatInt(n, 10), model.Integer, true
		}
	}
	return "", 0, false
}

// fixedValues finds a property that every message of the channel fixes to
// a value of its own: the one whose values are the messages' names if there
// is one (a payload may fix several properties, such as object: event and
// type: payout.paid), else the first in the first message's order. A
// payload property fixed to integers or booleans (Discord's type) is a
// candidate too, after every string one.
func fixedValues(in string) func(c *model.Channel) (*model.Discriminator, string) {
	return func(c *model.Channel) (*model.Discriminator, string) {
		first := schemaOf(c.Messages[0], in)
		if first == nil {
			return nil, ""
		}
		var clash string
		var found, literal []*model.Discriminator
	candidates:
		for _, cand := range first.Fields {
			d := &model.Discriminator{In: in, Name: cand.Name}
			if in == model.InPayload {
				d.Name = model.PayloadName([]string{cand.Name})
				if lit := literalValues(c, d); lit != nil {
					literal = append(literal, lit)
					continue
				}
			}
			seen := map[string]*model.Message{}
			for _, m := range c.Messages {
				v, ok := fixedValue(valueField(m, in, d.Name))
				if !ok {
					continue candidates
				}
				if other, dup := seen[v]; dup {
					if clash == "" {
						clash = fmt.Sprintf("messages %s and %s both have %s %s = %q", other.Key, m.Key, in, cand.Name, v)
					}
					continue candidates
				}
				seen[v] = m
				d.Routes = append(d.Routes, model.Route{Message: m, Value: v})
			}
			found = append(found, d)
		}
		for _, d := range found {
			if namesMatch(d) {
				return d, ""
			}
		}
		if len(found) > 0 {
			return found[0], ""
		}
		if len(literal) > 0 {
			return literal[0], ""
		}
		return nil, clash
	}
}

// literalValues returns d routed by the integer or boolean value that
// every message of c fixes at d.Name, each its own and all of one JSON
// type; nil when they do not.
func literalValues(c *model.Channel, d *model.Discriminator) *model.Discriminator {
	seen := map[string]bool{}
	out := *d
	for _, m := range c.Messages {
		v, kind, ok := fixedLiteral(valueField(m, d.In, d.Name))
		if !ok || seen[v] || (out.Values != 0 && kind != out.Values) {
			return nil
		}
		seen[v] = true
		out.Values = kind
		out.Routes = append(out.Routes, model.Route{Message: m, Value: v})
	}
	return &out
}

// namesMatch reports whether each route's value is its message's name.
func namesMatch(d *model.Discriminator) bool {
	for _, r := range d.Routes {
		if r.Value != r.Message.Name && r.Value != r.Message.Key {
			return false
		}
	}
	return true
}

// namedByEnum finds a payload property whose enum lists every message's
// name, as DoorDash's event_type does.
func namedByEnum(c *model.Channel) (*model.Discriminator, string) {
	first := schemaOf(c.Messages[0], model.InPayload)
	if first == nil || len(c.Messages) < 2 {
		return nil, ""
	}
candidates:
	for _, cand := range first.Fields {
		d := &model.Discriminator{In: model.InPayload, Name: model.PayloadName([]string{cand.Name})}
		seen := map[string]bool{}
		for _, m := range c.Messages {
			f := valueField(m, model.InPayload, d.Name)
			if f == nil || m.Name == "" || seen[m.Name] || !enumHas(f.Type.Enum, m.Name) {
				continue candidates
			}
			seen[m.Name] = true
			d.Routes = append(d.Routes, model.Route{Message: m, Value: m.Name})
		}
		return d, ""
	}
	return nil, ""
}

func enumHas(enum []any, v string) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

// confirmation finds, for a discriminator d inferred in one place, a
// second one in the other place that names every message too (a payload
// property when d is a header, a header when d is a property): Confirm.
func confirmation(c *model.Channel, d *model.Discriminator) *model.Discriminator {
	tries := []func(*model.Channel) (*model.Discriminator, string){fixedValues(model.InHeader)}
	if d.In == model.InHeader {
		tries = []func(*model.Channel) (*model.Discriminator, string){fixedValues(model.InPayload), namedByEnum}
	}
	for _, try := range tries {
		if other, _ := try(c); other != nil {
			return other
		}
	}
	return nil
}

// fixedPointers returns where the object t fixes a string value (const,
// or an enum of one value), from depth min to depth max, as payload
// discriminator names, shallower first and in schema order within a depth.
func fixedPointers(t *model.Type, min, max int) []string {
	type step struct {
		t    *model.Type
		path []string
	}
	var out []string
	seen := map[*model.Type]bool{}
	level := []step{{t, nil}}
	for depth := 1; depth <= max && len(level) > 0; depth++ {
		var next []step
		for _, s := range level {
			obj := objectOf(s.t)
			if obj == nil || seen[obj] {
				continue
			}
			seen[obj] = true
			for _, f := range obj.Fields {
				path := append(append([]string(nil), s.path...), f.Name)
				if _, ok := fixedValue(f); ok && depth >= min {
					out = append(out, model.PayloadName(path))
				}
				if objectOf(f.Type) != nil {
					next = append(next, step{f.Type, path})
				}
			}
		}
		level = next
	}
	return out
}

// maxDepth is how deep inference looks for a value inside the payload.
const maxDepth = 3

// distinctAt returns the routes of msgs by the payload value at name, when
// each fixes a value there of its own.
func distinctAt(msgs []*model.Message, name string) []model.Route {
	seen := map[string]bool{}
	var routes []model.Route
	for _, m := range msgs {
		v, ok := fixedValue(valueField(m, model.InPayload, name))
		if !ok || seen[v] {
			return nil
		}
		seen[v] = true
		routes = append(routes, model.Route{Message: m, Value: v})
	}
	return routes
}

// nestedValues finds a value inside the payload, below its top level, that
// every message of the channel fixes to a value of its own (Mailgun's
// /event-data/event): the one whose values are the messages' names if
// there is one, else the shallowest.
func nestedValues(c *model.Channel) *model.Discriminator {
	var found *model.Discriminator
	for _, name := range fixedPointers(c.Messages[0].Payload, 2, maxDepth) {
		routes := distinctAt(c.Messages, name)
		if routes == nil {
			continue
		}
		d := &model.Discriminator{In: model.InPayload, Name: name, Routes: routes}
		if namesMatch(d) {
			return d
		}
		if found == nil {
			found = d
		}
	}
	return found
}

// envelopeValues finds a route two levels deep: a payload value that every
// message fixes, where the messages that share one (an envelope, Slack's
// event_callback) are told apart by another value inside the payload that
// each of them fixes to its own (Slack's /event/type).
func envelopeValues(c *model.Channel) *model.Discriminator {
outer:
	for _, name := range fixedPointers(c.Messages[0].Payload, 1, maxDepth) {
		groups := map[string][]*model.Message{}
		for _, m := range c.Messages {
			v, ok := fixedValue(valueField(m, model.InPayload, name))
			if !ok {
				continue outer
			}
			groups[v] = append(groups[v], m)
		}
		inner := map[string][]model.Route{}
		for v, msgs := range groups {
			if len(msgs) < 2 {
				continue
			}
			for _, in := range fixedPointers(msgs[0].Payload, 1, maxDepth) {
				if in == name {
					continue
				}
				if routes := distinctAt(msgs, in); routes != nil {
					for i := range routes {
						routes[i].Inner = &model.InnerRoute{Name: in, Value: routes[i].Value}
					}
					inner[v] = routes
					break
				}
			}
			if inner[v] == nil {
				continue outer
			}
		}
		if len(inner) == 0 {
			continue
		}
		d := &model.Discriminator{In: model.InPayload, Name: name}
		for _, m := range c.Messages {
			v, _ := fixedValue(valueField(m, model.InPayload, name))
			r := model.Route{Message: m, Value: v}
			for _, ir := range inner[v] {
				if ir.Message == m {
					r.Inner = ir.Inner
				}
			}
			d.Routes = append(d.Routes, r)
		}
		return d
	}
	return nil
}

// explicitDiscriminator reads x-hookgen-discriminator: {property: name},
// {header: name}, or both, where the header routes and the property must
// agree with it (Confirm), and envelopes: {value: name} for routes two
// levels deep. A property is a top-level property's name or a JSON
// pointer. Each message's value is its x-hookgen-discriminator-value, else
// what its schema fixes, else its name; a message whose schema fixes an
// envelope's value is in that envelope, and that rule gives its value at
// the envelope's property instead.
func (p *parser) explicitDiscriminator(c *model.Channel, ext any) *model.Discriminator {
	spec, _ := ext.(map[string]any)
	node, _ := p.chans[c].get(extDiscriminator)
	for _, kv := range node.pairs() {
		if kv.key != "property" && kv.key != "header" && kv.key != "envelopes" {
			p.errorf(kv.keyAt.pos(), "channel %q: %s has no field %q (it reads property, header and envelopes)", c.Path, extDiscriminator, kv.key)
			return nil
		}
	}
	prop, isProp := spec["property"].(string)
	hdr, isHdr := spec["header"].(string)
	propAt, _ := node.get("property")
	d := &model.Discriminator{Explicit: true}
	switch {
	case isProp && isHdr && prop != "" && hdr != "":
		d.In, d.Name = model.InHeader, hdr
		d.Confirm = &model.Discriminator{In: model.InPayload, Name: prop, Explicit: true}
	case isProp && !isHdr && prop != "":
		d.In, d.Name = model.InPayload, prop
	case isHdr && !isProp && hdr != "":
		d.In, d.Name = model.InHeader, hdr
	default:
		p.errorf(node.pos(), "channel %q: %s must be {property: NAME}, {header: NAME} or both (the header routes, the property must agree)", c.Path, extDiscriminator)
		return nil
	}
	ok := true
	payloadName := func(name string, at at, msgs []*model.Message) string {
		out, good := p.payloadName(c, name, at, msgs)
		ok = ok && good
		return out
	}
	if d.In == model.InPayload {
		d.Name = payloadName(d.Name, propAt, c.Messages)
	} else if cf := d.Confirm; cf != nil {
		cf.Name = payloadName(cf.Name, propAt, c.Messages)
	}
	envelopes := p.envelopes(c, d, node, spec["envelopes"])
	if envelopes == nil {
		return nil
	}
	inEnvelope := map[string][]*model.Message{}
	for _, m := range c.Messages {
		if v, fixed := fixedValue(valueField(m, d.In, d.Name)); fixed && envelopes[v] != "" {
			inEnvelope[v] = append(inEnvelope[v], m)
		}
	}
	envAt, _ := node.get("envelopes")
	for _, kv := range envAt.pairs() {
		if len(inEnvelope[kv.key]) == 0 {
			p.errorf(kv.keyAt.pos(), "channel %q: no message fixes %s %s to the envelope %q (with const, or an enum of one value)", c.Path, d.In, d.Name, kv.key)
			ok = false
			continue
		}
		envelopes[kv.key] = payloadName(envelopes[kv.key], kv.v, inEnvelope[kv.key])
	}
	if !ok {
		return nil
	}
	type key struct{ outer, inner string }
	seen := map[key]*model.Message{}
	for _, m := range c.Messages {
		// own is the value that selects m at the level that tells it apart.
		own, where, in := "", d.Name, d.In
		r := model.Route{Message: m}
		if v, fixed := fixedValue(valueField(m, d.In, d.Name)); fixed && envelopes[v] != "" {
			r.Value, r.Inner = v, &model.InnerRoute{Name: envelopes[v]}
			where, in = envelopes[v], model.InPayload
		}
		own, isExt := m.Extensions[extValue].(string)
		if !isExt {
			if own, isExt = fixedValue(valueField(m, in, where)); !isExt {
				own = m.Name
			}
		}
		if own == "" {
			p.errorf(m.Pos, "message %s has no value for the discriminator %s %s: give it %s", m.Key, in, where, extValue)
			continue
		}
		k := key{own, ""}
		if r.Inner != nil {
			r.Inner.Value = own
			k = key{r.Value, own}
		} else {
			r.Value = own
		}
		if other, dup := seen[k]; dup {
			p.errorf(m.Pos, "channel %q: the discriminator is ambiguous: messages %s and %s both have %s %s = %q",
				c.Path, other.Key, m.Key, in, where, own)
			continue
		}
		seen[k] = m
		d.Routes = append(d.Routes, r)
		if cf := d.Confirm; cf != nil {
			cv, ok := fixedValue(valueField(m, cf.In, cf.Name))
			if !ok {
				cv = r.Value
			}
			cf.Routes = append(cf.Routes, model.Route{Message: m, Value: cv})
		}
	}
	if d.In == model.InHeader {
		d.Name = http.CanonicalHeaderKey(strings.TrimSpace(d.Name))
	}
	return d
}

// envelopes reads the envelopes field of x-hookgen-discriminator: each
// value of the discriminator that wraps several messages, and where inside
// the payload they are told apart. It returns nil after an error.
func (p *parser) envelopes(c *model.Channel, d *model.Discriminator, node at, v any) map[string]string {
	out := map[string]string{}
	if v == nil {
		return out
	}
	envAt, _ := node.get("envelopes")
	spec, isMap := v.(map[string]any)
	if !isMap || len(spec) == 0 {
		p.errorf(envAt.pos(), "channel %q: %s envelopes must map each value that wraps several messages to the property that tells them apart, e.g. {event_callback: /event/type}", c.Path, extDiscriminator)
		return nil
	}
	if d.Confirm != nil {
		p.errorf(envAt.pos(), "channel %q: %s envelopes go with property or header alone, not both", c.Path, extDiscriminator)
		return nil
	}
	for _, kv := range envAt.pairs() {
		name, isStr := spec[kv.key].(string)
		if !isStr || name == "" {
			p.errorf(kv.v.pos(), "channel %q: the envelope %q must name a property or a JSON pointer", c.Path, kv.key)
			return nil
		}
		out[kv.key] = name
	}
	return out
}

// payloadName checks a payload discriminator's name as the extension
// writes it at at, and returns it as the model writes it: a JSON pointer
// must be well formed and resolve in the payload of each of msgs; a name
// with a dot that only resolves as a path is refused with the pointer
// that says it. ok is false after an error.
func (p *parser) payloadName(c *model.Channel, name string, at at, msgs []*model.Message) (string, bool) {
	if !model.IsPointer(name) {
		if !strings.Contains(name, ".") {
			return name, true
		}
		dotted := strings.Split(name, ".")
		for _, m := range msgs {
			if f, _ := resolve(m.Payload, []string{name}); f == nil {
				if f, _ := resolve(m.Payload, dotted); f != nil {
					p.errorf(at.pos(), "channel %q: %s is read as the top-level property %q, which message %s's payload does not have; "+
						"write a value inside the payload as a JSON pointer: %s", c.Path, extDiscriminator, name, m.Key, model.PayloadName(dotted))
					return name, false
				}
			}
		}
		return name, true
	}
	for _, tok := range strings.Split(name[1:], "/") {
		bad := tok == ""
		for i := 0; i < len(tok) && !bad; i++ {
			bad = tok[i] == '~' && (i+1 == len(tok) || (tok[i+1] != '0' && tok[i+1] != '1'))
		}
		if bad {
			p.errorf(at.pos(), "channel %q: %s %q is not a JSON pointer to a property (RFC 6901: /name/name, with ~0 for ~ and ~1 for /, no empty name)", c.Path, extDiscriminator, name)
			return name, false
		}
	}
	ok := true
	for _, m := range msgs {
		if m.Handshake != nil && m.Payload == nil {
			continue
		}
		if _, why := resolve(m.Payload, model.PayloadPath(name)); why != "" {
			p.errorf(at.pos(), "channel %q: the discriminator %s does not resolve in message %s: %s", c.Path, name, m.Key, why)
			ok = false
		}
	}
	return model.PayloadName(model.PayloadPath(name)), ok
}

// batches reads x-hookgen-batch: a channel whose deliveries are JSON
// arrays of its messages. Each element is handled on its own and the
// batch has one answer, so its messages can neither reply nor be
// handshakes, nor be routed by a header (one for every element), and a
// message on a batch channel is on no other channel: its handler runs as
// an element of a batch.
func (p *parser) batches(api *model.API) {
	// x-hookgen-batch: {elements: /entry/*/changes/*} names where the
	// events are when the array is nested (Meta's entry[].changes[]).
	batchOf := map[*model.Message]*model.Channel{}
	for _, c := range api.Channels {
		v, ok := c.Extensions[extBatch]
		if !ok {
			continue
		}
		node, _ := p.chans[c].get(extBatch)
		on, isBool := v.(bool)
		if !isBool {
			elems, ok := batchElements(v)
			if !ok {
				p.errorf(node.pos(), "channel %q: %s is true (the body is a JSON array of the channel's messages), false, or {elements: <JSON pointer>} naming where the events are (/entry/*/changes/*, \"*\" for every element of an array, ending in one)", c.Path, extBatch)
				continue
			}
			on, c.BatchElements = true, elems
		}
		if !on || c.Discriminator == nil {
			continue
		}
		c.Batch = true
		if d := c.Discriminator; d.In == model.InHeader {
			p.errorf(node.pos(), "channel %q: a batch is routed by a value of each event, not by the %s header, which is one for them all", c.Path, d.Name)
		}
		for _, r := range c.Discriminator.Routes {
			m := r.Message
			switch {
			case m.Handshake != nil:
				p.errorf(m.Pos, "message %s is a handshake, which a batch (%s on channel %q) cannot carry: it has one answer for all its events", m.Key, extBatch, c.Path)
			case m.Reply.Answered():
				p.errorf(m.Pos, "message %s declares a reply, which a batch (%s on channel %q) cannot give: it has one answer for all its events", m.Key, extBatch, c.Path)
			}
			batchOf[m] = c
		}
	}
	for _, c := range api.Channels {
		if c.Batch || c.Discriminator == nil {
			continue
		}
		for _, r := range c.Discriminator.Routes {
			if b := batchOf[r.Message]; b != nil {
				p.errorf(c.Pos, "message %s is on channel %q, a batch (%s), and on channel %q, which is not: give the batch's events messages of their own", r.Message.Key, b.Path, extBatch, c.Path)
			}
		}
	}
}

// batchElements reads the {elements: pointer} form of x-hookgen-batch: a
// JSON pointer whose "*" steps each stand for every element of an array,
// ending in one, with no empty step. "/*" alone is the top-level array,
// the same as true, and is returned as "".
func batchElements(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	ptr, ok := m["elements"].(string)
	if !ok || !strings.HasPrefix(ptr, "/") || !strings.HasSuffix(ptr, "/*") {
		return "", false
	}
	for _, step := range strings.Split(ptr[1:], "/") {
		if step == "" {
			return "", false
		}
	}
	if ptr == "/*" {
		return "", true
	}
	return ptr, true
}
