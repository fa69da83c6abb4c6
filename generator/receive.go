package generator

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

const ctxPkg = "context"

// handlerFile writes the Handler interface and UnimplementedHandler.
func (g *gen) handlerFile(f *jen.File) {
	var methods []jen.Code
	for _, m := range g.api.Messages {
		methods = append(methods, comment(g.handleDoc(m))...)
		methods = append(methods, jen.Id(g.handle(m)).Params(g.handleParams(m, true)...).Error())
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
		fileComment(f, fmt.Sprintf("%s calls f with %q.", g.handle(m), m.Key))
		var event jen.Code = jen.Nil()
		if m.Payload != nil {
			event = jen.Id("event")
		}
		f.Func().Params(jen.Id("f").Id("EventFunc")).Id(g.handle(m)).Params(g.handleParams(m, true)...).Error().Block(
			jen.Return(jen.Id("f").Call(jen.Id("ctx"), jen.Lit(m.Key), event)),
		)
	}
	for _, m := range g.api.Messages {
		f.Line()
		fileComment(f, fmt.Sprintf("%s returns webhook.ErrNotImplemented.", g.handle(m)))
		f.Func().Params(jen.Id("UnimplementedHandler")).Id(g.handle(m)).Params(g.handleParams(m, false)...).Error().Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(g.cfg.Package+": "+m.Key+": %w"), jen.Qual(webhookPkg, "ErrNotImplemented"))),
		)
	}
}

func (g *gen) handle(m *model.Message) string { return "Handle" + g.msgs[m] }

func (g *gen) firstKey() string {
	if len(g.api.Messages) == 0 {
		return "Message"
	}
	return g.api.Messages[0].Key
}

func (g *gen) handleDoc(m *model.Message) string {
	doc := fmt.Sprintf("%s receives %s", g.handle(m), m.Key)
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
		ps = append(ps, name("headers").Op("*").Id(g.types[m.Headers]))
	}
	return ps
}

// payloadType is what a handler receives: a pointer to a struct, or the
// value of anything else.
func (g *gen) payloadType(t *model.Type) *jen.Statement {
	if t.Kind == model.Object && t.Named {
		return jen.Op("*").Id(g.types[t])
	}
	return g.goType(t)
}

// dispatchFile writes the transport-agnostic routing core.
func (g *gen) dispatchFile(f *jen.File) {
	pkg := g.cfg.Package
	fileComment(f, fmt.Sprintf("Dispatcher routes deliveries of %s to a Handler, whatever transport "+
		"brought them: Server is its HTTP adapter, and a queue consumer can call Dispatch. "+
		"It does not check credentials.", g.api.Title))
	f.Type().Id("Dispatcher").Struct(
		jen.Id("handler").Id("Handler"),
		jen.Id("runner").Op("*").Qual(webhookPkg, "Runner"),
	)
	f.Line()
	f.Comment("NewDispatcher returns a Dispatcher that calls h. Options about HTTP (credentials,")
	f.Comment("body limit) do not apply to it.")
	f.Func().Id("NewDispatcher").Params(jen.Id("h").Id("Handler"), jen.Id("opts").Op("...").Id("Option")).Op("*").Id("Dispatcher").Block(
		jen.Return(jen.Id("newDispatcher").Call(jen.Id("h"), jen.Qual(webhookPkg, "NewSettings").Call(jen.Id("opts").Op("...")))),
	)
	f.Line()
	f.Func().Id("newDispatcher").Params(jen.Id("h").Id("Handler"), jen.Id("s").Op("*").Qual(webhookPkg, "Settings")).Op("*").Id("Dispatcher").Block(
		jen.Comment("Event ids are per provider: another provider's id 42 is another event."),
		jen.Id("s").Dot("Runner").Dot("KeyPrefix").Op("=").Lit(pkg+":"),
		jen.Return(jen.Op("&").Id("Dispatcher").Values(jen.Dict{jen.Id("handler"): jen.Id("h"), jen.Id("runner"): jen.Op("&").Id("s").Dot("Runner")})),
	)
	f.Line()
	var cases []jen.Code
	for _, c := range g.routed() {
		cases = append(cases, jen.Case(jen.Id(g.chanConst(c))).Block(jen.Return(jen.Id("d").Dot(g.route(c)).Call(jen.Id("ctx"), jen.Id("del")))))
	}
	fileComment(f, "Dispatch routes one delivery on channel (one of the Channel constants), with its "+
		"headers and raw body, to the Handler. webhook.StatusOf(err) is the answer the "+
		"status-code contract gives it. It keeps a copy of body, which the decoded event's "+
		"strings share, so a transport may reuse body once Dispatch returns.")
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id("Dispatch").Params(
		jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("channel").String(), jen.Id("header").Qual("net/http", "Header"), jen.Id("body").Index().Byte(),
	).Error().Block(
		jen.Id("del").Op(":=").Op("&").Qual(webhookPkg, "Delivery").Values(jen.Dict{
			jen.Id("Channel"): jen.Id("channel"), jen.Id("Header"): jen.Id("header"),
			jen.Id("Body"): jen.Qual("bytes", "Clone").Call(jen.Id("body")), jen.Id("Received"): jen.Qual("time", "Now").Call(),
		}),
		jen.Switch(jen.Id("channel")).Block(cases...),
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(pkg+": the spec has no channel %q"), jen.Id("channel"))),
	)
	for _, c := range g.routed() {
		f.Line()
		g.routeFunc(f, c)
	}
	for _, m := range g.api.Messages {
		f.Line()
		g.deliverFunc(f, m)
	}
	decoded := map[*model.Type]bool{}
	for _, m := range g.api.Messages {
		// One decoder per headers type: messages often share one (a trait).
		if m.Headers != nil && !decoded[m.Headers] {
			decoded[m.Headers] = true
			f.Line()
			g.headerDecoder(f, m.Headers)
		}
	}
}

// routed are the channels that carry messages.
func (g *gen) routed() []*model.Channel {
	var out []*model.Channel
	for _, c := range g.api.Channels {
		if c.Discriminator != nil {
			out = append(out, c)
		}
	}
	return out
}

func (g *gen) chanConst(c *model.Channel) string { return "Channel" + g.chans[c] }
func (g *gen) route(c *model.Channel) string     { return "route" + g.chans[c] }
func (g *gen) deliver(m *model.Message) string   { return "deliver" + g.msgs[m] }

func (g *gen) routeFunc(f *jen.File, c *model.Channel) {
	d := c.Discriminator
	var body []jen.Code
	var cases []jen.Code
	for _, r := range d.Routes {
		cases = append(cases, jen.Case(jen.Lit(r.Value)).Block(jen.Return(jen.Id("d").Dot(g.deliver(r.Message)).Call(jen.Id("ctx"), jen.Id("del")))))
	}
	switch d.In {
	case model.InChannel:
		fileComment(f, fmt.Sprintf("%s passes every delivery on %s to its one message.", g.route(c), c.Path))
		body = []jen.Code{jen.Return(jen.Id("d").Dot(g.deliver(d.Routes[0].Message)).Call(jen.Id("ctx"), jen.Id("del")))}
	case model.InHeader:
		fileComment(f, fmt.Sprintf("%s routes a delivery on %s by its %s header.", g.route(c), c.Path, d.Name))
		body = []jen.Code{
			jen.Id("value").Op(":=").Id("del").Dot("Header").Dot("Get").Call(jen.Lit(http.CanonicalHeaderKey(d.Name))),
			jen.Switch(jen.Id("value")).Block(cases...),
			absentRoute(d),
			jen.Return(jen.Id("d").Dot("runner").Dot("RunUnknown").Call(jen.Id("ctx"), jen.Id("del"))),
		}
	default:
		fileComment(f, fmt.Sprintf("%s routes a delivery on %s by the %s property of its body.", g.route(c), c.Path, d.Name))
		body = g.payloadRoute(f, c, cases) // decode.go: one pass over the body
	}
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(g.route(c)).Params(
		jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
	).Error().Block(body...)
}

// deliverFunc decodes one message and runs its handler. With a payload, it
// writes deliverX, which decodes, and runX, which runs the handler on what
// deliverX or a route that decoded the payload already passes it.
func (g *gen) deliverFunc(f *jen.File, m *model.Message) {
	var body []jen.Code
	body = append(body, jen.Id("del").Dot("Message").Op("=").Lit(m.Key))
	args := []jen.Code{jen.Id("ctx")}
	if p := m.Payload; p != nil {
		g.deliverPayload(f, m) // decode.go
		body = append(body, jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Err())),
		))
		args = append(args, jen.Id("event"))
	}
	body = append(body, g.confirmCheck(m)...)
	if m.Headers != nil {
		body = append(body,
			jen.List(jen.Id("headers"), jen.Err()).Op(":=").Id("decode"+g.types[m.Headers]).Call(jen.Id("del").Dot("Header")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(webhookPkg, "InvalidPayload").Call(jen.Err()))),
		)
		args = append(args, jen.Id("headers"))
	}
	if id := g.eventID(m); id != nil {
		body = append(body, id)
	}
	body = append(body, jen.Return(jen.Id("d").Dot("runner").Dot("Run").Call(jen.Id("ctx"), jen.Id("del"),
		jen.Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context")).Error().Block(
			jen.Return(jen.Id("d").Dot("handler").Dot(g.handle(m)).Call(args...)),
		))))
	id := "its body's SHA-256"
	if m.CorrelationID != "" {
		id = m.CorrelationID
	}
	params := []jen.Code{jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery")}
	name := g.deliver(m)
	if m.Payload != nil {
		name = g.runMessage(m)
		params = append(params, jen.Id("event").Add(g.payloadType(m.Payload)), jen.Err().Error())
		fileComment(f, fmt.Sprintf("%s calls %s once per event id (%s) with the payload of %s, unless decoding it failed with err.", name, g.handle(m), id, m.Key))
	} else {
		fileComment(f, fmt.Sprintf("%s decodes %s and calls %s once per event id (%s).", name, m.Key, g.handle(m), id))
	}
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(name).Params(params...).Error().Block(body...)
}

// headerDecoder reads a message's typed headers from HTTP headers.
func (g *gen) headerDecoder(f *jen.File, t *model.Type) {
	name := g.types[t]
	body := []jen.Code{jen.Id("out").Op(":=").New(jen.Id(name))}
	for _, fl := range t.Fields {
		key := http.CanonicalHeaderKey(fl.Name)
		conv, fails := g.fromString(fl.Type)
		var set *jen.Statement
		switch g.shape(t, fl) {
		case pointer:
			set = jen.Id("out").Dot(g.fields[fl]).Op("=").Op("&").Id("x")
		case nullable:
			set = jen.Id("out").Dot(g.fields[fl]).Op("=").Qual(webhookPkg, "NewNullable").Call(jen.Id("x"))
		default:
			set = jen.Id("out").Dot(g.fields[fl]).Op("=").Id("x")
		}
		var inner []jen.Code
		if fails {
			inner = []jen.Code{
				jen.List(jen.Id("x"), jen.Err()).Op(":=").Add(conv),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("header "+key+": %w"), jen.Err()))),
				set,
			}
		} else {
			inner = []jen.Code{jen.Id("x").Op(":=").Add(conv), set}
		}
		stmt := jen.If(jen.Id("v").Op(":=").Id("h").Dot("Get").Call(jen.Lit(key)), jen.Id("v").Op("!=").Lit("")).Block(inner...)
		if fl.Required {
			stmt = stmt.Else().Block(jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("missing header "+key))))
		}
		body = append(body, stmt)
	}
	body = append(body, jen.Return(jen.Id("out"), jen.Nil()))
	fileComment(f, fmt.Sprintf("decode%s reads %s from HTTP headers.", name, name))
	f.Func().Id("decode"+name).Params(jen.Id("h").Qual("net/http", "Header")).Params(jen.Op("*").Id(name), jen.Error()).Block(body...)
}

// fromString converts the header value v to t's Go type, and says whether
// the conversion can fail.
func (g *gen) fromString(t *model.Type) (jen.Code, bool) {
	base := g.goType(t)
	named := t.Named
	switch {
	case t.Kind == model.String && t.Format == "date-time":
		return jen.Qual("time", "Parse").Call(jen.Qual("time", "RFC3339"), jen.Id("v")), true
	case t.Kind == model.String && named:
		return base.Call(jen.Id("v")), false
	case t.Kind == model.String:
		return jen.Id("v"), false
	}
	// Numbers, booleans and structured values are JSON in the header.
	return jen.Qual(webhookPkg, "ParseHeader").Index(base).Call(jen.Id("v")), true
}

// serverFile writes the HTTP adapter and the options.
func (g *gen) serverFile(f *jen.File) {
	pkg := g.cfg.Package
	f.Comment("The channels of the spec, as Dispatch takes them.")
	var defs []jen.Code
	for _, c := range g.routed() {
		defs = append(defs, jen.Id(g.chanConst(c)).Op("=").Lit(c.Path))
	}
	f.Const().Defs(defs...)
	f.Line()
	fields := []jen.Code{jen.Id("mux").Op("*").Qual("net/http", "ServeMux")}
	for _, c := range g.routed() {
		fields = append(fields, jen.Id("endpoint"+g.chans[c]).Op("*").Qual(webhookPkg, "Endpoint"))
	}
	fileComment(f, fmt.Sprintf("Server receives %s deliveries over HTTP at the spec's channel paths. "+
		"Its per-channel handlers serve one channel at whatever path the provider was given.", g.api.Title))
	f.Type().Id("Server").Struct(fields...)
	f.Line()

	var reqs []jen.Code
	for _, s := range g.api.Servers {
		for _, req := range s.Security {
			var keys []jen.Code
			for _, u := range req {
				keys = append(keys, jen.Lit(u.Scheme.Key))
			}
			reqs = append(reqs, jen.Values(keys...))
		}
	}
	f.Comment("securityRequirements are the spec's alternatives: any one authenticates.")
	f.Var().Id("securityRequirements").Op("=").Index().Index().String().Values(reqs...)
	f.Line()

	var hint []string
	for _, s := range g.api.SecuritySchemes {
		if _, ok := g.schemeOpts[s]; ok {
			hint = append(hint, g.schemeOpts[s])
		}
	}
	hint = append(hint, "WithVerifier")
	body := []jen.Code{
		jen.Id("s").Op(":=").Qual(webhookPkg, "NewSettings").Call(jen.Id("opts").Op("...")),
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id("s").Dot("Verifier").Call(jen.Id("securityRequirements")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(
			jen.Lit(pkg+": %w: configure "+strings.Join(hint, " or ")+", or pass AllowUnauthenticated() to accept unauthenticated deliveries"), jen.Err()))),
		jen.Id("d").Op(":=").Id("newDispatcher").Call(jen.Id("h"), jen.Id("s")),
		jen.Id("srv").Op(":=").Op("&").Id("Server").Values(jen.Dict{jen.Id("mux"): jen.Qual("net/http", "NewServeMux").Call()}),
	}
	for _, c := range g.routed() {
		ep := jen.Id("srv").Dot("endpoint" + g.chans[c])
		d := jen.Dict{
			jen.Id("Channel"):   jen.Id(g.chanConst(c)),
			jen.Id("Verifier"):  jen.Id("v"),
			jen.Id("BodyLimit"): jen.Id("s").Dot("BodyLimit"),
			jen.Id("Logger"):    jen.Id("s").Dot("Runner").Dot("Logger"),
			jen.Id("Dispatch"):  jen.Id("d").Dot(g.route(c)),
		}
		if len(c.Parameters) > 0 {
			var ps []jen.Code
			for _, p := range c.Parameters {
				ps = append(ps, jen.Lit(p.Name))
			}
			d[jen.Id("Params")] = jen.Index().String().Values(ps...)
		}
		body = append(body,
			ep.Clone().Op("=").Op("&").Qual(webhookPkg, "Endpoint").Values(d),
			jen.Id("srv").Dot("mux").Dot("Handle").Call(jen.Lit(model.ServePath(c.Path)), ep.Clone()),
		)
	}
	body = append(body,
		jen.Id("srv").Dot("mux").Dot("Handle").Call(jen.Lit("/"), jen.Qual(webhookPkg, "NotFound")),
		jen.Return(jen.Id("srv"), jen.Nil()),
	)
	fileComment(f, "NewServer returns a Server that passes authenticated deliveries to h. It fails "+
		"when no credentials are configured for any of the spec's security requirements, unless "+
		"AllowUnauthenticated is among opts: it never silently accepts anyone's deliveries.")
	f.Func().Id("NewServer").Params(jen.Id("h").Id("Handler"), jen.Id("opts").Op("...").Id("Option")).Params(jen.Op("*").Id("Server"), jen.Error()).Block(body...)
	f.Line()
	// Channels without parameters are found by a switch on the path before
	// the ServeMux, whose lookup costs several percent of a delivery. With
	// no RawPath, the path has no escaped slash, so the switch matches
	// exactly what the ServeMux pattern matches.
	var static []jen.Code
	for _, c := range g.routed() {
		if len(c.Parameters) == 0 {
			static = append(static, jen.Case(jen.Lit(model.ServePath(c.Path))).Block(
				// As the ServeMux would, for middleware that reports the route.
				jen.Id("r").Dot("Pattern").Op("=").Lit(model.ServePath(c.Path)),
				jen.Id("s").Dot("endpoint"+g.chans[c]).Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")),
				jen.Return(),
			))
		}
	}
	serve := []jen.Code{}
	if len(static) > 0 {
		serve = append(serve, jen.If(jen.Id("r").Dot("URL").Dot("RawPath").Op("==").Lit("")).Block(
			jen.Switch(jen.Id("r").Dot("URL").Dot("Path")).Block(static...),
		))
	}
	serve = append(serve, jen.Qual(webhookPkg, "ServeMux").Call(jen.Id("s").Dot("mux"), jen.Id("w"), jen.Id("r")))
	f.Comment("ServeHTTP serves every channel at its path in the spec.")
	f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id("ServeHTTP").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(serve...)
	for _, c := range g.routed() {
		f.Line()
		m := g.chans[c] + "Handler"
		doc := fmt.Sprintf("%s serves channel %s alone, to mount at the path the provider was given.", m, c.Path)
		if len(c.Parameters) > 0 {
			doc += " Channel parameters are read from the request path, so mount it with a pattern that names them."
		}
		fileComment(f, doc)
		f.Func().Params(jen.Id("s").Op("*").Id("Server")).Id(m).Params().Qual("net/http", "Handler").Block(jen.Return(jen.Id("s").Dot("endpoint" + g.chans[c])))
	}
	g.options(f)
}

// options writes the Option type, the generic options and one option per
// security scheme.
func (g *gen) options(f *jen.File) {
	f.Line()
	f.Comment("Option configures a Server or a Dispatcher.")
	f.Type().Id("Option").Op("=").Qual(webhookPkg, "Option")
	for _, o := range []struct {
		name, doc string
		params    []jen.Code
		args      []jen.Code
	}{
		{"WithDeduper", "WithDeduper keeps event ids in d instead of memory; share one store between replicas.", []jen.Code{jen.Id("d").Qual(webhookPkg, "Deduper")}, []jen.Code{jen.Id("d")}},
		{"WithHandlerTimeout", "WithHandlerTimeout bounds each handler call (webhook.DefaultHandlerTimeout by default); past it the provider gets 500 and retries.", []jen.Code{jen.Id("d").Qual("time", "Duration")}, []jen.Code{jen.Id("d")}},
		{"WithLogger", "WithLogger logs every delivery and every failure to l.", []jen.Code{jen.Id("l").Op("*").Qual("log/slog", "Logger")}, []jen.Code{jen.Id("l")}},
		{"WithBodyLimit", "WithBodyLimit sets the largest body accepted (webhook.DefaultBodyLimit by default); larger deliveries get 413.", []jen.Code{jen.Id("n").Int64()}, []jen.Code{jen.Id("n")}},
		{"WithUnknownEventHandler", "WithUnknownEventHandler receives events the spec does not know, with their raw body and headers in d; they are acknowledged with 200 unless f fails.", []jen.Code{jen.Id("f").Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("d").Op("*").Qual(webhookPkg, "Delivery")).Error()}, []jen.Code{jen.Id("f")}},
		{"WithVerifier", "WithVerifier also accepts deliveries that v accepts: for authentication the spec does not describe.", []jen.Code{jen.Id("v").Qual(webhookPkg, "Verifier")}, []jen.Code{jen.Id("v")}},
		{"AllowUnauthenticated", "AllowUnauthenticated lets NewServer start without any credentials configured. Only for tests and for endpoints protected some other way.", nil, nil},
	} {
		f.Line()
		fileComment(f, o.doc)
		f.Func().Id(o.name).Params(o.params...).Id("Option").Block(jen.Return(jen.Qual(webhookPkg, o.name).Call(o.args...)))
	}
	for _, s := range g.api.SecuritySchemes {
		name, ok := g.schemeOpts[s]
		if !ok {
			continue
		}
		f.Line()
		var doc string
		var params []jen.Code
		var verifier jen.Code
		switch schemeKind(s) {
		case "basic":
			doc = fmt.Sprintf("%s authenticates deliveries with HTTP Basic credentials: any of creds passes, so several allow rotation.", name)
			params = []jen.Code{jen.Id("creds").Op("...").Qual(webhookPkg, "Credential")}
			verifier = jen.Qual(webhookPkg, "BasicAuth").Call(jen.Lit(g.cfg.Package), jen.Id("creds").Op("..."))
		case "apikey":
			in := s.In
			if in == "" {
				in = "header"
			}
			doc = fmt.Sprintf("%s authenticates deliveries by a key in the %s %s: any of keys passes, so several allow rotation.", name, in, s.Name)
			params = []jen.Code{jen.Id("keys").Op("...").String()}
			verifier = jen.Qual(webhookPkg, "APIKey").Call(jen.Lit(in), jen.Lit(s.Name), jen.Id("keys").Op("..."))
		case "hmac":
			g.signatureOption(f, s, name)
			continue
		default:
			doc = fmt.Sprintf("%s authenticates deliveries with v, e.g. the Verifier of a webhook.TokenEndpoint the receiver hosts, webhook.StaticBearer or webhook.NewJWKSBearer.", name)
			params = []jen.Code{jen.Id("v").Qual(webhookPkg, "Verifier")}
			verifier = jen.Id("v")
		}
		doc += fmt.Sprintf(" It configures the spec's security scheme %s (%s).", s.Key, s.Type)
		if s.Description != "" {
			doc += "\n\n" + s.Description
		}
		fileComment(f, doc)
		f.Func().Id(name).Params(params...).Id("Option").Block(
			jen.Return(jen.Qual(webhookPkg, "WithScheme").Call(jen.Lit(s.Key), verifier)),
		)
	}
}

// schemeKind is how hookgen verifies a security scheme: "basic", "apikey",
// "bearer", or "" when it cannot.
func schemeKind(s *model.SecurityScheme) string {
	switch s.Type {
	case "userPassword":
		return "basic"
	case "http":
		switch strings.ToLower(s.Scheme) {
		case "basic":
			return "basic"
		case "bearer":
			return "bearer"
		}
		return ""
	case "httpApiKey":
		if s.Signature != nil {
			return "hmac"
		}
		return "apikey"
	case "apiKey":
		if s.Signature != nil {
			return "hmac"
		}
		return "bearer"
	case "oauth2", "openIdConnect":
		return "bearer"
	}
	return ""
}

// signatureOption writes the option of a scheme whose deliveries are
// signed (x-hookgen-hmac), and the function that builds its verifier, which
// tests and request helpers share to sign.
func (g *gen) signatureOption(f *jen.File, s *model.SecurityScheme, name string) {
	sig := s.Signature
	build := "new" + ident(s.Key, "Scheme") + "Verifier"
	var doc string
	var params []jen.Code
	var body []jen.Code
	arg := "secrets"
	ret := jen.Params(jen.Op("*").Qual(webhookPkg, "HMAC"), jen.Error())
	switch sig.Format {
	case model.SignatureHTTPMAC:
		doc = fmt.Sprintf("%s authenticates deliveries signed with the HTTP MAC scheme (Authorization: MAC id, nonce, bodyhash, mac): the request's key id selects one of keys, so several allow rotation.", name)
		params = []jen.Code{jen.Id("keys").Op("...").Qual(webhookPkg, "MACKey")}
		arg = "keys"
		ret = jen.Params(jen.Op("*").Qual(webhookPkg, "HTTPMAC"), jen.Error())
		d := jen.Dict{jen.Id("Keys"): jen.Id("keys")}
		if sig.Algorithm != "" {
			d[jen.Id("Algorithm")] = jen.Lit(sig.Algorithm)
		}
		body = []jen.Code{jen.Return(jen.Qual(webhookPkg, "NewHTTPMAC").Call(jen.Qual(webhookPkg, "HTTPMACConfig").Values(d)))}
	case model.SignatureStandardWebhooks, model.SignatureGitHub, model.SignatureStripe:
		preset := map[string]string{model.SignatureStandardWebhooks: "StandardWebhooks", model.SignatureGitHub: "GitHubSignature", model.SignatureStripe: "StripeSignature"}[sig.Format]
		doc = fmt.Sprintf("%s authenticates deliveries signed as %s signs them (webhook.%s): any of secrets passes, so several allow rotation.", name, sig.Format, preset)
		params = []jen.Code{jen.Id("secrets").Op("...").String()}
		body = []jen.Code{jen.Return(jen.Qual(webhookPkg, preset).Call(jen.Id("secrets").Op("...")))}
	default:
		doc = fmt.Sprintf("%s authenticates deliveries by an HMAC signature in the %s header: any of secrets passes, so several allow rotation.", name, sig.Header)
		params = []jen.Code{jen.Id("secrets").Op("...").String()}
		d := jen.Dict{}
		for _, kv := range sig.ConfigFields() {
			if kv[1] != "" {
				d[jen.Id(kv[0])] = jen.Lit(kv[1])
			}
		}
		if sig.Tolerance != "" {
			d[jen.Id("Tolerance")] = durationLit(sig.Tolerance)
		}
		body = []jen.Code{jen.Id("cfg").Op(":=").Qual(webhookPkg, "HMACConfig").Values(d)}
		body = append(body,
			jen.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("secrets")).Block(
				jen.Id("cfg").Dot("Secrets").Op("=").Append(jen.Id("cfg").Dot("Secrets"), jen.Index().Byte().Call(jen.Id("s"))),
			),
			jen.Return(jen.Qual(webhookPkg, "NewHMAC").Call(jen.Id("cfg"))),
		)
	}
	doc += fmt.Sprintf(" It configures the spec's security scheme %s (%s, x-hookgen-hmac format %s).", s.Key, s.Type, sig.Format)
	if s.Description != "" {
		doc += "\n\n" + s.Description
	}
	fileComment(f, doc)
	f.Func().Id(name).Params(params...).Id("Option").Block(
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(build).Call(jen.Id(arg).Op("...")),
		jen.Return(jen.Qual(webhookPkg, "WithSchemeErr").Call(jen.Lit(s.Key), jen.Id("v"), jen.Err())),
	)
	f.Line()
	fileComment(f, fmt.Sprintf("%s builds the verifier of scheme %s; it also signs, for tests.", build, s.Key))
	f.Func().Id(build).Params(params...).Add(ret).Block(body...)
}

// durationLit spells a duration the parser has checked as Go source:
// "5m" is 5 * time.Minute.
func durationLit(text string) jen.Code {
	d, _ := time.ParseDuration(text)
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}} {
		if d%u.unit == 0 {
			return jen.Lit(int(d/u.unit)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}
