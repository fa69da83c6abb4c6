package generator

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// What keeps a delivery's routing value, its event id and its decoded
// event from disagreeing: each is read from the same key of the body, a
// body that gives such a key twice is invalid (jsonx.ErrRepeated), and
// where the spec names the message in two places (Discriminator.Confirm)
// the two must agree.

// onceFields are the properties a delivery may give only once: those that
// route it or confirm its route, and those on the path of its event id.
func (g *gen) onceFields() map[*model.Field]bool {
	if g.once != nil {
		return g.once
	}
	g.once = map[*model.Field]bool{}
	for _, c := range g.routed() {
		for d := c.Discriminator; d != nil; d = d.Confirm {
			if d.In != model.InPayload {
				continue
			}
			for _, r := range d.Routes {
				if fl := property(r.Message.Payload, d.Name); fl != nil {
					g.once[fl] = true
				}
			}
		}
	}
	for _, m := range g.api.Messages {
		for _, fl := range payloadIDPath(m) {
			g.once[fl] = true
		}
	}
	return g.once
}

// property returns the field of the object t with the wire name name.
func property(t *model.Type, name string) *model.Field {
	if t == nil || t.Kind != model.Object {
		return nil
	}
	for _, fl := range t.Fields {
		if fl.Name == name {
			return fl
		}
	}
	return nil
}

// payloadIDPath returns the fields that lead from m's payload to its event
// id, when its correlationId is a pointer into the payload through object
// properties alone; nil otherwise.
func payloadIDPath(m *model.Message) []*model.Field {
	where, ptr, ok := strings.Cut(m.CorrelationID, "#")
	if !ok || where != "$message.payload" || ptr == "" {
		return nil
	}
	var path []*model.Field
	t := m.Payload
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		fl := property(t, strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"))
		if fl == nil {
			return nil
		}
		path = append(path, fl)
		t = fl.Type
	}
	return path
}

// eventID returns the statement that sets del.EventID from the message's
// correlationId: from the decoded event where the id is a scalar property
// reached through properties (the same reading the handler gets), else
// from the body.
func (g *gen) eventID(m *model.Message) jen.Code {
	where, ptr, ok := strings.Cut(m.CorrelationID, "#")
	if !ok {
		return nil
	}
	target := jen.Id("del").Dot("EventID")
	if where == "$message.header" {
		return target.Op("=").Id("del").Dot("Header").Dot("Get").Call(jen.Lit(http.CanonicalHeaderKey(strings.TrimPrefix(ptr, "/"))))
	}
	if where != "$message.payload" {
		return nil
	}
	if guard, value, ok := g.idFromEvent(m); ok {
		set := target.Op("=").Add(value)
		if guard == nil {
			return set
		}
		return jen.If(guard).Block(set)
	}
	return target.Op("=").Qual(jsonxPkg, "PayloadValue").Call(jen.Id("del").Dot("Body"), jen.Lit(ptr))
}

// idFromEvent returns the condition under which the decoded event holds
// its id (nil: always) and the id as a string.
func (g *gen) idFromEvent(m *model.Message) (guard, value jen.Code, ok bool) {
	path := payloadIDPath(m)
	if len(path) == 0 || !(m.Payload.Named && g.isJSONValue(m.Payload)) {
		return nil, nil, false
	}
	var guards []jen.Code
	expr := jen.Id("event")
	owner := m.Payload
	for i, fl := range path {
		last := i == len(path)-1
		if !last && (fl.Type.Kind != model.Object || !g.isJSONValue(fl.Type)) {
			return nil, nil, false
		}
		field := expr.Clone().Dot(g.fields[fl])
		switch g.shape(owner, fl) {
		case pointer:
			guards = append(guards, field.Clone().Op("!=").Nil())
			if last {
				field = jen.Op("*").Add(field)
			}
		case nullable:
			guards = append(guards, field.Clone().Dot("Valid"))
			field = field.Dot("Value")
		}
		expr, owner = field, fl.Type
	}
	t := path[len(path)-1].Type
	// as converts expr to the Go type want unless it has that type.
	as := func(want *jen.Statement) *jen.Statement {
		if fmt.Sprintf("%#v", g.goType(t)) == fmt.Sprintf("%#v", want) {
			return expr
		}
		return want.Call(expr)
	}
	switch {
	case t.Kind == model.String && t.Format != "date-time":
		value = as(jen.String())
	case t.Kind == model.Integer && strings.HasPrefix(t.Format, "uint"):
		value = jen.Qual("strconv", "FormatUint").Call(as(jen.Uint64()), jen.Lit(10))
	case t.Kind == model.Integer:
		value = jen.Qual("strconv", "FormatInt").Call(as(jen.Int64()), jen.Lit(10))
	case t.Kind == model.Any:
		value = jen.Qual(jsonxPkg, "RawText").Call(expr)
	default:
		return nil, nil, false
	}
	if len(guards) > 0 {
		guard = guards[0]
		for _, gd := range guards[1:] {
			guard = jen.Add(guard).Op("&&").Add(gd)
		}
	}
	return guard, value, true
}

// confirmCheck returns the statements that refuse a delivery of m whose
// second naming of the message (Discriminator.Confirm) says another one.
func (g *gen) confirmCheck(m *model.Message) []jen.Code {
	cf, want, ok := g.confirmOf(m)
	if !ok {
		return nil
	}
	var where string
	var read []jen.Code
	if cf.In == model.InHeader {
		name := http.CanonicalHeaderKey(cf.Name)
		where = "the " + name + " header"
		read = []jen.Code{jen.Id("v").Op(":=").Id("del").Dot("Header").Dot("Get").Call(jen.Lit(name))}
	} else if check := g.confirmFromEvent(m, cf.Name, want); check != nil {
		return []jen.Code{check}
	} else {
		where = "the body's " + cf.Name
		read = []jen.Code{
			jen.List(jen.Id("v"), jen.Id("perr")).Op(":=").Qual(jsonxPkg, "Probe").Call(jen.Id("del").Dot("Body"), jen.Lit(cf.Name)),
			jen.If(jen.Id("perr").Op("!=").Nil()).Block(jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Id("perr")))),
		}
	}
	msg := fmt.Sprintf("%s says %%q, not %q as %s does", where, want, g.routeWhere(m))
	return append(read, jen.If(jen.Id("v").Op("!=").Lit("").Op("&&").Id("v").Op("!=").Lit(want)).Block(
		jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Qual("fmt", "Errorf").Call(jen.Lit(msg), jen.Id("v")))),
	))
}

// confirmFromEvent returns the check of confirmCheck on the decoded event,
// when the property is a string field of it; nil otherwise.
func (g *gen) confirmFromEvent(m *model.Message, name, want string) jen.Code {
	fl := property(m.Payload, name)
	if fl == nil || !m.Payload.Named || !g.isJSONValue(m.Payload) || fl.Type.Kind != model.String || fl.Type.Format == "date-time" {
		return nil
	}
	field := jen.Id("event").Dot(g.fields[fl])
	var present, value *jen.Statement
	switch g.shape(m.Payload, fl) {
	case pointer:
		present, value = jen.Id("v").Op("!=").Nil(), jen.Op("*").Id("v")
	case nullable:
		present, value = jen.Id("v").Dot("Valid"), jen.Id("v").Dot("Value")
	default:
		present, value = jen.Id("v").Op("!=").Lit(""), jen.Id("v")
	}
	msg := fmt.Sprintf("the body's %s says %%q, not %q as %s does", name, want, g.routeWhere(m))
	if g.isJSONValue(fl.Type) {
		value = jen.String().Call(value) // an enum's named type
	}
	return jen.If(jen.Id("v").Op(":=").Add(field), present.Op("&&").Add(value.Clone()).Op("!=").Lit(want)).Block(
		jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Qual("fmt", "Errorf").Call(jen.Lit(msg), value))),
	)
}

// confirmOf returns the second naming of m and its value there, when every
// channel that carries m has the same.
func (g *gen) confirmOf(m *model.Message) (*model.Discriminator, string, bool) {
	var found *model.Discriminator
	var value string
	for _, c := range g.routed() {
		for _, r := range c.Discriminator.Routes {
			if r.Message != m {
				continue
			}
			cf := c.Discriminator.Confirm
			if cf == nil {
				return nil, "", false
			}
			v, ok := routeValue(cf, m)
			if !ok || (found != nil && (found.In != cf.In || found.Name != cf.Name || value != v)) {
				return nil, "", false
			}
			found, value = cf, v
		}
	}
	return found, value, found != nil
}

func routeValue(d *model.Discriminator, m *model.Message) (string, bool) {
	for _, r := range d.Routes {
		if r.Message == m {
			return r.Value, true
		}
	}
	return "", false
}

// routeWhere names where the route of m is read, for error messages.
func (g *gen) routeWhere(m *model.Message) string {
	for _, c := range g.routed() {
		if _, ok := routeValue(c.Discriminator, m); !ok {
			continue
		}
		if d := c.Discriminator; d.In == model.InHeader {
			return "the " + http.CanonicalHeaderKey(d.Name) + " header"
		} else if d.In == model.InPayload {
			return "the body's " + d.Name
		}
	}
	return "the route"
}

// absentRoute returns the statement that refuses a delivery whose routing
// value is absent, null or empty: a malformed delivery, not an unknown
// event.
func absentRoute(d *model.Discriminator) jen.Code {
	what := fmt.Sprintf("the %s header is missing", http.CanonicalHeaderKey(d.Name))
	if d.In == model.InPayload {
		what = fmt.Sprintf("the body's %s is absent or null", d.Name)
	}
	return jen.If(jen.Id("value").Op("==").Lit("")).Block(
		jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Qual("errors", "New").Call(jen.Lit(what + ": it names the event")))),
	)
}
