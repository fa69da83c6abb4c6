package parser

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hookgen/hookgen/model"
)

// Extensions hookgen reads; docs/spec-extensions.md documents them.
const (
	extDiscriminator = "x-hookgen-discriminator"
	extValue         = "x-hookgen-discriminator-value"
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

// fixedValues finds a property that every message of the channel fixes to
// a value of its own: the one whose values are the messages' names if there
// is one (a payload may fix several properties, such as object: event and
// type: payout.paid), else the first in the first message's order.
func fixedValues(in string) func(c *model.Channel) (*model.Discriminator, string) {
	return func(c *model.Channel) (*model.Discriminator, string) {
		first := schemaOf(c.Messages[0], in)
		if first == nil {
			return nil, ""
		}
		var clash string
		var found []*model.Discriminator
	candidates:
		for _, cand := range first.Fields {
			d := &model.Discriminator{In: in, Name: cand.Name}
			seen := map[string]*model.Message{}
			for _, m := range c.Messages {
				v, ok := fixedValue(fieldOf(schemaOf(m, in), cand.Name, in))
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
		return nil, clash
	}
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
		d := &model.Discriminator{In: model.InPayload, Name: cand.Name}
		seen := map[string]bool{}
		for _, m := range c.Messages {
			f := fieldOf(schemaOf(m, model.InPayload), cand.Name, model.InPayload)
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

// explicitDiscriminator reads x-hookgen-discriminator: {property: name},
// {header: name}, or both, where the header routes and the property must
// agree with it (Confirm). Each message's value is its
// x-hookgen-discriminator-value, else what its schema fixes, else its name.
func (p *parser) explicitDiscriminator(c *model.Channel, ext any) *model.Discriminator {
	spec, _ := ext.(map[string]any)
	prop, isProp := spec["property"].(string)
	hdr, isHdr := spec["header"].(string)
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
		p.errorf(c.Pos, "channel %q: %s must be {property: NAME}, {header: NAME} or both (the header routes, the property must agree)", c.Path, extDiscriminator)
		return nil
	}
	seen := map[string]*model.Message{}
	for _, m := range c.Messages {
		v, ok := m.Extensions[extValue].(string)
		if !ok {
			if v, ok = fixedValue(fieldOf(schemaOf(m, d.In), d.Name, d.In)); !ok {
				v = m.Name
			}
		}
		if v == "" {
			p.errorf(m.Pos, "message %s has no value for the discriminator %s %s: give it %s", m.Key, d.In, d.Name, extValue)
			continue
		}
		if other, dup := seen[v]; dup {
			p.errorf(m.Pos, "channel %q: the discriminator is ambiguous: messages %s and %s both have %s %s = %q",
				c.Path, other.Key, m.Key, d.In, d.Name, v)
			continue
		}
		seen[v] = m
		d.Routes = append(d.Routes, model.Route{Message: m, Value: v})
		if cf := d.Confirm; cf != nil {
			cv, ok := fixedValue(fieldOf(schemaOf(m, cf.In), cf.Name, cf.In))
			if !ok {
				cv = v
			}
			cf.Routes = append(cf.Routes, model.Route{Message: m, Value: cv})
		}
	}
	if d.In == model.InHeader {
		d.Name = http.CanonicalHeaderKey(strings.TrimSpace(d.Name))
	}
	return d
}
