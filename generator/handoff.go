package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// handoff writes the glue of hand-off mode: the Server's WithHandoff
// option, and what a consumer (webhook/jetstream) needs of the
// Dispatcher to handle the stored deliveries with the same Handler. It
// is a file of its own so that the Server and Dispatcher files stay as
// they are.
func (g *gen) handoff(f *jen.File) {
	pkg := g.cfg.Package
	fileComment(f, "WithHandoff puts the Server in hand-off mode: each delivery that was "+
		"authenticated, routed and decoded is given to h (a webhook/jetstream Publisher, say) "+
		"and answered 200 once h stored it, without calling the Handler; a consumer calls it "+
		"later, through Dispatcher.DispatchDelivery.")
	f.Func().Id("WithHandoff").Params(jen.Id("h").Qual(webhookPkg, "Handoff")).Id("Option").Block(
		jen.Return(jen.Qual(implPkg, "WithHandoff").Call(jen.Id("h"))),
	)
	f.Line()
	fileComment(f, fmt.Sprintf("Provider returns %q, which starts the package's event ids and "+
		"names its deliveries in a hand-off store.", pkg))
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id("Provider").Params().String().Block(
		jen.Return(jen.Id("provider")),
	)
	f.Line()
	var cases []jen.Code
	for _, c := range g.routed() {
		route := jen.Id("d").Dot(g.channel(c).Route).Call(jen.Id("ctx"), jen.Id("del"))
		if g.channel(c).Replies {
			// A replied message is answered inline, never stored: its
			// reply has no one to go to here.
			cases = append(cases, jen.Case(jen.Id(g.channel(c).Const)).Block(
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(route), jen.Return(jen.Err())))
			continue
		}
		cases = append(cases, jen.Case(jen.Id(g.channel(c).Const)).Block(jen.Return(route)))
	}
	fileComment(f, "DispatchDelivery routes a delivery that a Server in hand-off mode stored "+
		"to the Handler, as Dispatch does, keeping its headers, parameters, event id and "+
		"receive time; it never hands the delivery off again. del.Body must not change "+
		"while the event is in use.")
	f.Func().Params(jen.Id("d").Op("*").Id("Dispatcher")).Id("DispatchDelivery").Params(
		jen.Id("ctx").Qual(ctxPkg, "Context"), jen.Id("del").Op("*").Qual(webhookPkg, "Delivery"),
	).Error().Block(
		jen.Id("ctx").Op("=").Qual(implPkg, "Stored").Call(jen.Id("ctx")),
		jen.Switch(jen.Id("del").Dot("Channel")).Block(cases...),
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(pkg+": the spec has no channel %q"), jen.Id("del").Dot("Channel"))),
	)
}
