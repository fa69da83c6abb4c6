package generator

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// dispatch writes the transport-agnostic routing core.
func (g *gen) dispatch(f *jen.File) {
	pkg := g.cfg.Package
	f.Comment("A compile error here means hookgen generated this package for another version")
	f.Comment("of its runtime than the one it builds against: regenerate the package, or")
	f.Comment("update the github.com/hookgen/hookgen module.")
	f.Const().Id("_").Op("=").Qual(implPkg, "SupportPackageIsVersion1")
	f.Line()
	f.Comment("provider names the package's deliveries: it starts their event ids, so that another")
	f.Comment("provider's id 42 is another event, and names them in hand-off stores and logs.")
	f.Const().Id("provider").Op("=").Lit(pkg)
	f.Line()
	fileComment(f, fmt.Sprintf("Dispatcher routes deliveries of %s to a Handler, whatever transport "+
		"brought them: Server is its HTTP adapter, and a queue consumer can call Dispatch. "+
		"It does not check credentials.", g.api.Title))
	f.Type().Id("Dispatcher").Struct(
		jen.Id("handler").Id("Handler"),
		jen.Id("runner").Op("*").Qual(implPkg, "Runner"),
	)
	f.Line()
	f.Comment("NewDispatcher returns a Dispatcher that calls h. Options about HTTP (credentials,")
	f.Comment("body limit) do not apply to it.")
	f.Func().Id("NewDispatcher").Params(jen.Id("h").Id("Handler"), jen.Id("opts").Op("...").Id("Option")).Op("*").Id("Dispatcher").Block(
		jen.Return(jen.Id("newDispatcher").Call(jen.Id("h"), jen.Qual(implPkg, "NewSettings").Call(jen.Id("opts").Op("...")))),
	)
	f.Line()
	f.Func().Id("newDispatcher").Params(jen.Id("h").Id("Handler"), jen.Id("s").Op("*").Qual(implPkg, "Settings")).Op("*").Id("Dispatcher").Block(
		jen.Id("s").Dot("Runner").Dot("KeyPrefix").Op("=").Id("provider").Op("+").Lit(":"),
		jen.Return(jen.Op("&").Id("Dispatcher").Values(jen.Dict{jen.Id("handler"): jen.Id("h"), jen.Id("runner"): jen.Op("&").Id("s").Dot("Runner")})),
	)
	f.Line()
	var cases []jen.Code
	for _, c := range g.routed() {
		route := jen.Id("d").Dot(g.channel(c).Route).Call(jen.Id("ctx"), jen.Id("del"))
		if g.channel(c).Replies {
			// A transport other than HTTP has nowhere to write a reply.
			cases = append(cases, jen.Case(jen.Id(g.channel(c).Const)).Block(
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(route),
				jen.Return(jen.Err()),
			))
			continue
		}
		cases = append(cases, jen.Case(jen.Id(g.channel(c).Const)).Block(jen.Return(route)))
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
		if h := m.Handshake; h != nil && len(h.Query) > 0 {
			continue // answered by the endpoint: see server.go
		}
		f.Line()
		g.deliverFunc(f, m)
	}
	for _, m := range g.api.Messages {
		if g.message(m).Answer != "" {
			f.Line()
			g.answerVar(f, m)
		}
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
	g.forms(f) // form.go
}

// returns says how a dispatcher method returns: an error alone, or a
// hookimpl.Reply and an error when the method may answer with a body.
type returns bool

// err returns the error e, with no reply where the method has one.
func (r returns) err(e jen.Code) jen.Code {
	if r {
		return jen.Return(jen.Qual(implPkg, "Reply").Values(), e)
	}
	return jen.Return(e)
}

// call returns what a call of a method of the message m returns: an
// error, with no reply where this method has one and m's does not.
func (r returns) call(g *gen, m *model.Message, call jen.Code) jen.Code {
	if r && !returns(g.message(m).replies()) {
		return r.err(call)
	}
	return jen.Return(call)
}

// results are the method's results.
func (r returns) results() *jen.Statement {
	if r {
		return jen.Params(jen.Qual(implPkg, "Reply"), jen.Error())
	}
	return jen.Error()
}

func (g *gen) routeFunc(f *jen.File, c *model.Channel) {
	d := c.Discriminator
	ret := returns(g.channel(c).Replies)
	var body []jen.Code
	var cases []jen.Code
	for _, r := range d.Routes {
		cases = append(cases, jen.Case(jen.Lit(r.Value)).Block(ret.call(g, r.Message, jen.Id("d").Dot(g.message(r.Message).Deliver).Call(jen.Id("ctx"), jen.Id("del")))))
	}
	fn, on := g.channel(c).Route, "a delivery on "+c.Path
	if item := g.channel(c).Item; item != "" {
		fn, on = item, "an event of a batch on "+c.Path
	}
	switch d.In {
	case model.InChannel:
		fileComment(f, fmt.Sprintf("%s passes every %s to its one message.", fn, strings.TrimPrefix(strings.TrimPrefix(on, "a "), "an ")))
		body = []jen.Code{ret.call(g, d.Routes[0].Message, jen.Id("d").Dot(g.message(d.Routes[0].Message).Deliver).Call(jen.Id("ctx"), jen.Id("del")))}
	case model.InHeader:
		what := fmt.Sprintf("its %s header", d.Name)
		for _, e := range envelopes(d) {
			what += fmt.Sprintf(", and one in the %s envelope by the value at %s in its body", e.value, model.Pointer(e.inner))
		}
		fileComment(f, fmt.Sprintf("%s routes %s by %s.", fn, on, what))
		if len(envelopes(d)) > 0 {
			cases = g.envelopeCases(c, ret)
		}
		body = []jen.Code{
			jen.Id("value").Op(":=").Id("del").Dot("Header").Dot("Get").Call(jen.Lit(http.CanonicalHeaderKey(d.Name))),
			jen.Switch(jen.Id("value")).Block(cases...),
			absentRoute(d, ret),
			ret.err(g.unknown(c)),
		}
	default:
		what := fmt.Sprintf("the %s property of its body", d.Name)
		if model.IsPointer(d.Name) {
			what = fmt.Sprintf("the value at %s in its body", d.Name)
		}
		for _, e := range envelopes(d) {
			what += fmt.Sprintf(", and one in the %s envelope by the value at %s", e.value, model.Pointer(e.inner))
		}
		fileComment(f, fmt.Sprintf("%s routes %s by %s.", fn, on, what))
		if len(envelopes(d)) > 0 {
			cases = g.envelopeCases(c, ret)
		}
		body = g.payloadRoute(f, c, cases, ret) // decode.go: one pass over the body
	}
	body = append(g.formDecode(c, ret), body...) // form.go: a form becomes JSON first
	name := g.channel(c).Route
	if item := g.channel(c).Item; item != "" {
		// The comment written above is the element's route's.
		name = item
		f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(name).Params(
			jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
		).Add(ret.results()).Block(body...)
		f.Line()
		what, run := "a JSON array of events", jen.Id("d").Dot("runner").Dot("RunBatch").Call(jen.Id("ctx"), jen.Id("del"), jen.Id("d").Dot(item))
		if at := c.BatchElements; at != "" {
			what = "a JSON body whose events are at " + at + ", each with the objects around it as its delivery's Envelope"
			run = jen.Id("d").Dot("runner").Dot("RunBatchAt").Call(jen.Id("ctx"), jen.Id("del"), jen.Lit(at), jen.Id("d").Dot(item))
		}
		fileComment(f, fmt.Sprintf("%s handles a batch on %s: %s, each routed by %s and "+
			"handled once per its own event id; 200 only when every event was handled, was a duplicate or is unknown "+
			"to the spec (docs/receiving.md).", g.channel(c).Route, c.Path, what, item))
		f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(g.channel(c).Route).Params(
			jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
		).Add(ret.results()).Block(jen.Return(run))
		return
	}
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(name).Params(
		jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
	).Add(ret.results()).Block(body...)
}

// unknown is the call that passes a delivery on c that the spec does not
// know to the unknown-event hook: once the batch is routed, on a batch
// channel.
func (g *gen) unknown(c *model.Channel) jen.Code {
	if g.channel(c).Item != "" {
		return jen.Id("d").Dot("runner").Dot("CollectUnknown").Call(jen.Id("ctx"), jen.Id("del"))
	}
	return jen.Id("d").Dot("runner").Dot("RunUnknown").Call(jen.Id("ctx"), jen.Id("del"))
}

// deliverFunc decodes one message and runs its handler. With a payload, it
// writes deliverX, which decodes, and runX, which runs the handler on what
// deliverX or a route that decoded the payload already passes it.
func (g *gen) deliverFunc(f *jen.File, m *model.Message) {
	mp := g.message(m)
	ret := returns(mp.replies())
	var body []jen.Code
	body = append(body, jen.Id("del").Dot("Message").Op("=").Lit(m.Key))
	args := []jen.Code{jen.Id("ctx")}
	if p := m.Payload; p != nil {
		g.deliverPayload(f, m) // decode.go
		body = append(body, jen.If(jen.Err().Op("!=").Nil()).Block(
			ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Err())),
		))
		args = append(args, jen.Id("event"))
	}
	body = append(body, g.confirmCheck(m, ret)...)
	if m.Headers != nil {
		body = append(body,
			jen.List(jen.Id("headers"), jen.Err()).Op(":=").Id("decode"+g.typeName(m.Headers)).Call(jen.Id("del").Dot("Header")),
			jen.If(jen.Err().Op("!=").Nil()).Block(ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Err()))),
		)
		if mp.handled() {
			args = append(args, jen.Id("headers"))
		} else {
			body = append(body, jen.Id("_").Op("=").Id("headers"))
		}
	}
	if mp.Answer != "" {
		body = append(body, jen.Return(jen.Id("d").Dot("runner").Dot("Answer").Call(jen.Id("ctx"), jen.Id("del"), jen.Op("&").Id(mp.Answer))))
	} else {
		if id := g.eventID(m); id != nil {
			body = append(body, id)
		}
		body = append(body, g.runHandler(m, args))
	}
	id := "its body's SHA-256"
	if mp.Nested {
		id = "the SHA-256 of its envelopes' ids and its body"
	}
	if m.CorrelationID != "" {
		id = m.CorrelationID
	}
	params := []jen.Code{jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery")}
	name := mp.Deliver
	what := fmt.Sprintf("calls %s once per event id (%s)", mp.Handle, id)
	if mp.Answer != "" {
		what = "answers the handshake, without a handler and before de-duplication,"
	}
	if m.Payload != nil {
		name = mp.Run
		params = append(params, jen.Id("event").Add(g.payloadType(m.Payload)), jen.Err().Error())
		fileComment(f, fmt.Sprintf("%s %s with the payload of %s, unless decoding it failed with err.", name, what, m.Key))
	} else {
		fileComment(f, fmt.Sprintf("%s decodes %s and %s.", name, m.Key, strings.TrimSuffix(what, ",")))
	}
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(name).Params(params...).Add(ret.results()).Block(body...)
}

// runHandler returns the statement that runs m's handler with args once
// per event id: through RunReply, encoding the reply, for a message that
// declares one.
func (g *gen) runHandler(m *model.Message, args []jen.Code) jen.Code {
	mp := g.message(m)
	call := jen.Id("d").Dot("handler").Dot(mp.Handle).Call(args...)
	if mp.Reply == nil {
		run := "Run"
		if mp.Batched {
			run = "Collect"
		}
		return jen.Return(jen.Id("d").Dot("runner").Dot(run).Call(jen.Id("ctx"), jen.Id("del"),
			jen.Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context")).Error().Block(jen.Return(call))))
	}
	t := mp.Reply.Payload
	var encode jen.Code
	fail := jen.Err().Op("!=").Nil()
	switch {
	case !model.IsJSONMediaType(mp.ReplyType): // text: a string payload, as the plan checked
		encode = jen.Return(jen.Index().Byte().Call(jen.Id("reply")), jen.Nil())
	case t.Kind == model.Object && g.declared(t):
		fail = fail.Op("||").Id("reply").Op("==").Nil()
		encode = jen.Return(jen.Id("Marshal").Call(jen.Id("reply")))
	case g.declared(t):
		encode = jen.Return(jen.Id("Marshal").Call(jen.Op("&").Id("reply")))
	default:
		if nilable(t) {
			fail = fail.Op("||").Id("reply").Op("==").Nil()
		}
		encode = jen.Return(jen.Qual(jsonPkg, "Marshal").Call(jen.Id("reply")))
	}
	return jen.Return(jen.Id("d").Dot("runner").Dot("RunReply").Call(jen.Id("ctx"), jen.Id("del"), jen.Lit(mp.ReplyType),
		jen.Func().Params(jen.Id("ctx").Qual(ctxPkg, "Context")).Params(jen.Index().Byte(), jen.Error()).Block(
			jen.List(jen.Id("reply"), jen.Err()).Op(":=").Add(call),
			jen.If(fail).Block(jen.Return(jen.Nil(), jen.Err())),
			encode,
		)))
}

// payloadDecode is the function the dispatcher decodes m's payload with:
// decodeDelivery for named types, decodeXPayload for the others.
func (g *gen) payloadDecode(m *model.Message) *jen.Statement {
	if g.declared(m.Payload) {
		return jen.Id("decodeDelivery")
	}
	return jen.Id(g.message(m).PayloadDecoder)
}

// deliverPayload writes deliverX: decode the payload of m, then runX.
func (g *gen) deliverPayload(f *jen.File, m *model.Message) {
	if !g.message(m).Delivered {
		return
	}
	p := m.Payload
	var decl jen.Code = jen.Var().Id("event").Add(g.goType(p))
	target := jen.Op("&").Id("event")
	if p.Kind == model.Object && p.Named {
		decl, target = jen.Id("event").Op(":=").New(g.goType(p)), jen.Id("event")
	}
	fileComment(f, fmt.Sprintf("%s decodes the payload of %s and passes it to %s.", g.message(m).Deliver, m.Key, g.message(m).Run))
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id(g.message(m).Deliver).Params(
		jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
	).Add(returns(g.message(m).replies()).results()).Block(
		decl,
		jen.Err().Op(":=").Add(g.payloadDecode(m)).Call(jen.Id("del").Dot("Body"), target),
		jen.Return(jen.Id("d").Dot(g.message(m).Run).Call(jen.Id("ctx"), jen.Id("del"), jen.Id("event"), jen.Err())),
	)
	f.Line()
}

// payloadRoute is the body of a route by a payload property. When every
// message of the channel has the same payload, it is decoded first and
// routed by the property it holds: one pass over the body. Otherwise, or
// when that decoding fails, jsonx.Probe reads the property alone, with
// encoding/json's rules, and the message's deliver method decodes.
func (g *gen) payloadRoute(f *jen.File, c *model.Channel, cases []jen.Code, ret returns) []jen.Code {
	d := c.Discriminator
	unknown := ret.err(g.unknown(c))
	probe := func(assign string) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("value"), jen.Id("perr")).Op(assign).Add(probeBody(d.Name, d.Values)),
			jen.If(jen.Id("perr").Op("!=").Nil()).Block(
				ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Id("perr"))),
			),
		}
	}
	shared := g.channel(c).Shared
	if shared == nil {
		return append(probe(":="), jen.Switch(jen.Id("value")).Block(cases...), absentRoute(d, ret), unknown)
	}
	field := jen.Id("event").Dot(shared.Name)
	var present, value *jen.Statement
	if shared.Shape == pointer {
		present, value = field.Clone().Op("!=").Nil(), jen.Op("*").Add(field.Clone())
	} else {
		present, value = field.Clone().Op("!=").Lit(""), field.Clone()
	}
	if g.declared(shared.Model.Type) {
		value = jen.String().Call(value)
	}
	var routes []jen.Code
	for _, r := range d.Routes {
		routes = append(routes, jen.Case(jen.Lit(r.Value)).Block(ret.call(g, r.Message,
			jen.Id("d").Dot(g.message(r.Message).Run).Call(jen.Id("ctx"), jen.Id("del"), jen.Id("event"), jen.Err()),
		)))
	}
	return []jen.Code{
		jen.Comment("Every message of the channel has this payload: decode it once and"),
		jen.Comment("route by the property; read the property alone when decoding fails."),
		jen.Id("event").Op(":=").New(jen.Id(shared.Owner.Name)),
		jen.Err().Op(":=").Id("decodeDelivery").Call(jen.Id("del").Dot("Body"), jen.Id("event")),
		jen.Var().Id("value").String(),
		jen.If(jen.Err().Op("==").Nil().Op("&&").Add(present)).Block(
			jen.Id("value").Op("=").Add(value),
		).Else().Block(append([]jen.Code{jen.Var().Id("perr").Error()}, probe("=")...)...),
		jen.Switch(jen.Id("value")).Block(routes...),
		absentRoute(d, ret),
		unknown,
	}
}

// probeBody reads the routing value at name (a top-level property or a
// JSON pointer) from the delivery's body, with the generated decoders'
// rules.
// An integer or boolean value (values Integer or Bool) is read as its JSON
// text, and a value of another JSON type is invalid.
func probeBody(name string, values model.Kind) *jen.Statement {
	probe := map[model.Kind]string{model.Integer: "ProbeInteger", model.Bool: "ProbeBoolean"}[values]
	if !model.IsPointer(name) && probe == "" {
		return jen.Qual(jsonxPkg, "Probe").Call(jen.Id("del").Dot("Body"), jen.Lit(name))
	}
	var path []jen.Code
	for _, tok := range model.PayloadPath(name) {
		path = append(path, jen.Lit(tok))
	}
	return jen.Qual(jsonxPkg, cmp.Or(probe, "ProbePath")).Call(jen.Id("del").Dot("Body"), jen.Index().String().Values(path...))
}

// envelope is a value of a discriminator that wraps several messages,
// told apart by the payload value at inner.
type envelope struct {
	value, inner string
	routes       []model.Route
}

// envelopes returns d's envelopes, in the order of their first route.
func envelopes(d *model.Discriminator) []*envelope {
	var out []*envelope
	byValue := map[string]*envelope{}
	for _, r := range d.Routes {
		if r.Inner == nil {
			continue
		}
		e := byValue[r.Value]
		if e == nil {
			e = &envelope{value: r.Value, inner: r.Inner.Name}
			byValue[r.Value] = e
			out = append(out, e)
		}
		e.routes = append(e.routes, r)
	}
	return out
}

// envelopeCases returns the cases of a route two levels deep: a message
// by its value, an envelope by the value inside it that names its message.
func (g *gen) envelopeCases(c *model.Channel, ret returns) []jen.Code {
	d := c.Discriminator
	var cases []jen.Code
	done := map[string]bool{}
	for _, r := range d.Routes {
		deliver := func(r model.Route) jen.Code {
			return ret.call(g, r.Message, jen.Id("d").Dot(g.message(r.Message).Deliver).Call(jen.Id("ctx"), jen.Id("del")))
		}
		if r.Inner == nil {
			cases = append(cases, jen.Case(jen.Lit(r.Value)).Block(deliver(r)))
			continue
		}
		if done[r.Value] {
			continue
		}
		done[r.Value] = true
		var e *envelope
		for _, x := range envelopes(d) {
			if x.value == r.Value {
				e = x
			}
		}
		var inner []jen.Code
		for _, ir := range e.routes {
			inner = append(inner, jen.Case(jen.Lit(ir.Inner.Value)).Block(deliver(ir)))
		}
		cases = append(cases, jen.Case(jen.Lit(e.value)).Block(
			jen.List(jen.Id("inner"), jen.Id("perr")).Op(":=").Add(probeBody(e.inner, model.String)),
			jen.If(jen.Id("perr").Op("!=").Nil()).Block(ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Id("perr")))),
			jen.Switch(jen.Id("inner")).Block(inner...),
			absentValue("inner", fmt.Sprintf("the body's %s is absent or null: it names the event in the %s envelope", model.Pointer(e.inner), e.value), ret),
			ret.err(g.unknown(c)),
		))
	}
	return cases
}

// headerDecoder reads a message's typed headers from HTTP headers.
func (g *gen) headerDecoder(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	body := []jen.Code{jen.Id("out").Op(":=").New(jen.Id(name))}
	for _, fl := range t.Fields {
		key := http.CanonicalHeaderKey(fl.Name)
		conv, fails := g.fromString(fl.Type)
		var set *jen.Statement
		switch g.field(fl).Shape {
		case pointer:
			set = jen.Id("out").Dot(g.field(fl).Name).Op("=").Op("&").Id("x")
		case nullable:
			set = jen.Id("out").Dot(g.field(fl).Name).Op("=").Qual(webhookPkg, "NewNullable").Call(jen.Id("x"))
		default:
			set = jen.Id("out").Dot(g.field(fl).Name).Op("=").Id("x")
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
		if c, ok := fl.Const.(string); ok && fl.HasConst {
			// A value the spec fixes is checked where the header is
			// sent: a delivery saying otherwise is another message.
			inner = append([]jen.Code{jen.If(jen.Id("v").Op("!=").Lit(c)).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("header "+key+" is %q; the spec fixes it to "+strconv.Quote(c)), jen.Id("v"))),
			)}, inner...)
		}
		stmt := jen.If(jen.Id("v").Op(":=").Id("h").Dot("Get").Call(jen.Lit(key)), jen.Id("v").Op("!=").Lit("")).Block(inner...)
		if fl.Required {
			stmt = stmt.Else().Block(jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("missing header "+key))))
		}
		body = append(body, stmt)
	}
	body = append(body, jen.Return(jen.Id("out"), jen.Nil()))
	dec := g.typeOf[t].HeaderDecoder
	fileComment(f, fmt.Sprintf("%s reads %s from HTTP headers.", dec, name))
	f.Func().Id(dec).Params(jen.Id("h").Qual("net/http", "Header")).Params(jen.Op("*").Id(name), jen.Error()).Block(body...)
}

// fromString converts the header value v to t's Go type, and says whether
// the conversion can fail.
func (g *gen) fromString(t *model.Type) (jen.Code, bool) {
	t = valueType(t)
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
	return jen.Qual(implPkg, "ParseHeader").Index(base).Call(jen.Id("v")), true
}

// What keeps a delivery's routing value, its event id and its decoded
// event from disagreeing: each is read from the same key of the body, a
// body that gives such a key twice is invalid (jsonx.ErrRepeated), and
// where the spec names the message in two places (Discriminator.Confirm)
// the two must agree.

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
	if len(path) == 0 || !(m.Payload.Named && g.declared(m.Payload)) {
		return nil, nil, false
	}
	var guards []jen.Code
	expr := jen.Id("event")
	for i, fl := range path {
		last := i == len(path)-1
		if vt := valueType(fl.Type); !last && (vt.Kind != model.Object || !g.declared(vt)) {
			return nil, nil, false
		}
		field := expr.Clone().Dot(g.field(fl).Name)
		switch g.field(fl).Shape {
		case pointer:
			guards = append(guards, field.Clone().Op("!=").Nil())
			if last {
				field = jen.Op("*").Add(field)
			}
		case nullable, nullableRef:
			guards = append(guards, field.Clone().Dot("Valid"))
			field = field.Dot("Value")
		}
		expr = field
	}
	t := valueType(path[len(path)-1].Type)
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
func (g *gen) confirmCheck(m *model.Message, ret returns) []jen.Code {
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
	} else if check := g.confirmFromEvent(m, cf.Name, want, ret); check != nil {
		return []jen.Code{check}
	} else {
		where = "the body's " + cf.Name
		read = []jen.Code{
			jen.List(jen.Id("v"), jen.Id("perr")).Op(":=").Add(probeBody(cf.Name, cf.Values)),
			jen.If(jen.Id("perr").Op("!=").Nil()).Block(ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Id("perr")))),
		}
	}
	msg := fmt.Sprintf("%s says %%q, not %q as %s does", where, want, g.routeWhere(m))
	return append(read, jen.If(jen.Id("v").Op("!=").Lit("").Op("&&").Id("v").Op("!=").Lit(want)).Block(
		ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Qual("fmt", "Errorf").Call(jen.Lit(msg), jen.Id("v")))),
	))
}

// confirmFromEvent returns the check of confirmCheck on the decoded event,
// when the property is a string field of it; nil otherwise.
func (g *gen) confirmFromEvent(m *model.Message, name, want string, ret returns) jen.Code {
	fl := property(m.Payload, name)
	if fl == nil || !m.Payload.Named || !g.declared(m.Payload) || valueType(fl.Type).Kind != model.String || valueType(fl.Type).Format == "date-time" {
		return nil
	}
	field := jen.Id("event").Dot(g.field(fl).Name)
	var present, value *jen.Statement
	switch g.field(fl).Shape {
	case pointer:
		present, value = jen.Id("v").Op("!=").Nil(), jen.Op("*").Id("v")
	case nullable:
		present, value = jen.Id("v").Dot("Valid"), jen.Id("v").Dot("Value")
	default:
		present, value = jen.Id("v").Op("!=").Lit(""), jen.Id("v")
	}
	msg := fmt.Sprintf("the body's %s says %%q, not %q as %s does", name, want, g.routeWhere(m))
	if g.declared(fl.Type) {
		value = jen.String().Call(value) // an enum's named type
	}
	return jen.If(jen.Id("v").Op(":=").Add(field), present.Op("&&").Add(value.Clone()).Op("!=").Lit(want)).Block(
		ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Qual("fmt", "Errorf").Call(jen.Lit(msg), value))),
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
func absentRoute(d *model.Discriminator, ret returns) jen.Code {
	what := fmt.Sprintf("the %s header is missing", http.CanonicalHeaderKey(d.Name))
	if d.In == model.InPayload {
		what = fmt.Sprintf("the body's %s is absent or null", d.Name)
	}
	return absentValue("value", what+": it names the event", ret)
}

// absentValue returns the statement that refuses a delivery whose routing
// value, in the variable v, is empty, with the error message what.
func absentValue(v, what string, ret returns) jen.Code {
	return jen.If(jen.Id(v).Op("==").Lit("")).Block(
		ret.err(jen.Qual(implPkg, "InvalidPayload").Call(jen.Qual("errors", "New").Call(jen.Lit(what)))),
	)
}

// answerVar writes the variable that describes a handshake's answer, for
// the runner (a routed handshake) or the endpoint (one recognised by its
// query).
func (g *gen) answerVar(f *jen.File, m *model.Message) {
	h := m.Handshake
	d := jen.Dict{jen.Id("Message"): jen.Lit(m.Key)}
	doc := fmt.Sprintf("%s is the answer to the handshake %s (x-hookgen-handshake)", g.message(m).Answer, m.Key)
	if h.Answer != nil {
		d[jen.Id("ContentType")] = jen.Lit(h.ContentType)
		d[jen.Id("Value")] = answerValue(h.Answer)
	}
	if h.Confirm != "" {
		d[jen.Id("Confirm")] = jen.Lit(h.Confirm)
		d[jen.Id("ConfirmWith")] = jen.Lit(h.ConfirmScheme.Key)
		doc += fmt.Sprintf(", given once the GET of the URL at %s, with scheme %s's hosts, succeeds", h.Confirm, h.ConfirmScheme.Key)
	}
	fileComment(f, doc+".")
	f.Var().Id(g.message(m).Answer).Op("=").Qual(implPkg, "Answer").Values(d)
}

// answerValue is the hookimpl.Value of an answer.
func answerValue(a *model.Answer) jen.Code {
	d := jen.Dict{}
	switch {
	case a.Const != nil:
		d[jen.Id("Const")] = jen.Lit(string(a.Const))
	case len(a.Fields) > 0:
		var fields []jen.Code
		for _, fl := range a.Fields {
			fields = append(fields, jen.Values(jen.Dict{jen.Id("Name"): jen.Lit(fl.Name), jen.Id("Value"): answerValue(fl.Value)}))
		}
		d[jen.Id("Fields")] = multiline(jen.Index().Qual(implPkg, "Field"), fields)
	default:
		from := map[string]string{model.FromPayload: "FromPayload", model.FromHeader: "FromHeader", model.FromQuery: "FromQuery"}[a.From]
		d[jen.Id("From")] = jen.Qual(implPkg, from)
		d[jen.Id("Name")] = jen.Lit(a.Name)
		if s := a.HMAC; s != nil {
			d[jen.Id("HMAC")] = jen.Lit(s.Key)
			d[jen.Id("Algorithm")] = jen.Lit(cmp.Or(s.Signature.Algorithm, "sha256"))
			d[jen.Id("Encoding")] = jen.Lit(cmp.Or(s.Signature.Encoding, "hex"))
		}
	}
	return jen.Qual(implPkg, "Value").Values(d)
}
