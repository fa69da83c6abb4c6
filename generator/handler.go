package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

const ctxPkg = "context"

// handler writes the Handler interface and UnimplementedHandler.
func (g *gen) handler(f *jen.File) {
	var methods []jen.Code
	for _, m := range g.handledMessages() {
		methods = append(methods, comment(g.handleDoc(m))...)
		methods = append(methods, jen.Id(g.message(m).Handle).Params(g.handleParams(m, true)...).Add(g.handleResults(m)))
	}
	fileComment(f, fmt.Sprintf("Handler receives the events of %s, one method per message the spec "+
		"defines. A method is called once per event: deliveries of an event already handled are "+
		"acknowledged without a call. Return nil to acknowledge the event (200); return an error "+
		"and the provider gets 500 and retries.\n\n"+
		"Embed UnimplementedHandler to keep compiling when the spec gains messages.", g.api.Title))
	f.Type().Id("Handler").Interface(methods...)
	f.Line()
	fileComment(f, "UnimplementedHandler answers every event with webhook.ErrNotImplemented, "+
		"so an event no method handles is never acknowledged: the provider gets 500 and retries. "+
		"Embed it and implement the methods you need.")
	f.Type().Id("UnimplementedHandler").Struct()
	f.Line()
	f.Var().Id("_").Id("Handler").Op("=").Id("UnimplementedHandler").Values()
	f.Line()
	fileComment(f, "EventFunc is a Handler that passes every event to one function, with the "+
		"message's key (e.g. "+fmt.Sprintf("%q", g.firstKey())+") and the decoded payload: for logging, "+
		"forwarding to a queue, or handling many messages alike. Headers and the raw body are in "+
		"webhook.DeliveryFrom(ctx).")
	f.Type().Id("EventFunc").Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("message").String(), jen.Id("event").Any()).Error()
	f.Line()
	f.Var().Id("_").Id("Handler").Op("=").Id("EventFunc").Call(jen.Nil())
	for _, m := range g.handledMessages() {
		f.Line()
		doc := fmt.Sprintf("%s calls f with %q.", g.message(m).Handle, m.Key)
		if g.message(m).Reply != nil {
			doc += " It answers with no reply."
		}
		fileComment(f, doc)
		var event jen.Code = jen.Nil()
		if m.Payload != nil {
			event = jen.Id("event")
		}
		f.Func().Params(jen.Id("f").Id("EventFunc")).Id(g.message(m).Handle).Params(g.handleParams(m, true)...).Add(g.handleResults(m)).Block(
			g.handleReturn(m, jen.Id("f").Call(jen.Id("ctx"), jen.Lit(m.Key), event)),
		)
	}
	for _, m := range g.handledMessages() {
		f.Line()
		fileComment(f, fmt.Sprintf("%s returns webhook.ErrNotImplemented.", g.message(m).Handle))
		f.Func().Params(jen.Id("UnimplementedHandler")).Id(g.message(m).Handle).Params(g.handleParams(m, false)...).Add(g.handleResults(m)).Block(
			g.handleReturn(m, jen.Qual("fmt", "Errorf").Call(jen.Lit(g.cfg.Package+": "+m.Key+": %w"), jen.Qual(webhookPkg, "ErrNotImplemented"))),
		)
	}
}

// handledMessages are the messages that have a Handler method: all but
// the handshakes, which the package answers itself.
func (g *gen) handledMessages() []*model.Message {
	var out []*model.Message
	for _, m := range g.api.Messages {
		if g.message(m).handled() {
			out = append(out, m)
		}
	}
	return out
}

// handleResults are a Handle method's results: the reply and an error,
// or an error.
func (g *gen) handleResults(m *model.Message) *jen.Statement {
	if r := g.message(m).Reply; r != nil {
		return jen.Params(g.payloadType(r.Payload), jen.Error())
	}
	return jen.Error()
}

// handleReturn returns err from a Handle method, with no reply when the
// method has one.
func (g *gen) handleReturn(m *model.Message, err jen.Code) jen.Code {
	if r := g.message(m).Reply; r != nil {
		return jen.Return(g.zeroReply(r), err)
	}
	return jen.Return(err)
}

// zeroReply is the zero value of a reply's type.
func (g *gen) zeroReply(r *model.Message) jen.Code {
	t := r.Payload
	switch {
	case t.Kind == model.Object && g.declared(t), nilable(t):
		return jen.Nil()
	case g.declared(t):
	case t.Kind == model.String && t.Format != "date-time":
		return jen.Lit("")
	case t.Kind == model.Integer || t.Kind == model.Number:
		return jen.Lit(0)
	case t.Kind == model.Bool:
		return jen.False()
	}
	return jen.Op("*").New(g.payloadType(t))
}

func (g *gen) firstKey() string {
	if len(g.api.Messages) == 0 {
		return "Message"
	}
	return g.api.Messages[0].Key
}

func (g *gen) handleDoc(m *model.Message) string {
	doc := fmt.Sprintf("%s receives %s", g.message(m).Handle, m.Key)
	if m.Name != "" && m.Name != m.Key {
		doc += " (" + m.Name + ")"
	}
	doc += "."
	if m.Summary != "" {
		doc += " " + m.Summary
	}
	if m.Description != "" {
		doc += "\n\n" + m.Description
	}
	if r := g.message(m).Reply; r != nil {
		doc += fmt.Sprintf("\n\nIts reply, %s, is the answer to the provider (200, %s)", r.Key, g.message(m).ReplyType)
		if t := r.Payload; (t.Kind == model.Object && g.declared(t)) || nilable(t) {
			doc += "; a nil reply answers 200 with no body"
		}
		doc += ". A redelivery of the event, once handled, gets the same reply without a call."
	}
	if m.Deprecated {
		doc += "\n\nDeprecated: the spec marks this message deprecated."
	}
	return doc
}

// handleParams are a Handle method's parameters, named or not.
func (g *gen) handleParams(m *model.Message, named bool) []jen.Code {
	name := func(n string) *jen.Statement {
		if named {
			return jen.Id(n)
		}
		return jen.Null()
	}
	ps := []jen.Code{name("ctx").Qual(ctxPkg, "Context")}
	if m.Payload != nil {
		ps = append(ps, name("event").Add(g.payloadType(m.Payload)))
	}
	if m.Headers != nil {
		ps = append(ps, name("headers").Op("*").Id(g.typeName(m.Headers)))
	}
	return ps
}
