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
	for _, m := range g.api.Messages {
		methods = append(methods, comment(g.handleDoc(m))...)
		methods = append(methods, jen.Id(g.message(m).Handle).Params(g.handleParams(m, true)...).Error())
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
	for _, m := range g.api.Messages {
		f.Line()
		fileComment(f, fmt.Sprintf("%s calls f with %q.", g.message(m).Handle, m.Key))
		var event jen.Code = jen.Nil()
		if m.Payload != nil {
			event = jen.Id("event")
		}
		f.Func().Params(jen.Id("f").Id("EventFunc")).Id(g.message(m).Handle).Params(g.handleParams(m, true)...).Error().Block(
			jen.Return(jen.Id("f").Call(jen.Id("ctx"), jen.Lit(m.Key), event)),
		)
	}
	for _, m := range g.api.Messages {
		f.Line()
		fileComment(f, fmt.Sprintf("%s returns webhook.ErrNotImplemented.", g.message(m).Handle))
		f.Func().Params(jen.Id("UnimplementedHandler")).Id(g.message(m).Handle).Params(g.handleParams(m, false)...).Error().Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(g.cfg.Package+": "+m.Key+": %w"), jen.Qual(webhookPkg, "ErrNotImplemented"))),
		)
	}
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
