package generator

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/dave/jennifer/jen"
)

// examples writes Examples: the spec's example deliveries as values a test
// can send.
func (g *gen) examples(f *jen.File) {
	var items, payloads []jen.Code
	for _, m := range g.api.Messages {
		for _, ex := range g.message(m).Examples {
			d := jen.Dict{
				jen.Id("Message"): jen.Lit(m.Key),
				jen.Id("Channel"): jen.Lit(g.message(m).Channel),
			}
			if ex.Name != "" {
				d[jen.Id("Name")] = jen.Lit(ex.Name)
			}
			if ex.Summary != "" {
				d[jen.Id("Summary")] = jen.Lit(ex.Summary)
			}
			if len(ex.Headers) > 0 {
				h := jen.Dict{}
				for k, v := range ex.Headers {
					h[jen.Lit(k)] = jen.Lit(v)
				}
				d[jen.Id("Headers")] = jen.Map(jen.String()).String().Values(h)
			}
			if ex.Body != "" {
				d[jen.Id("Payload")] = jen.Index().Byte().Call(jen.Id(ex.Body))
			}
			if ex.Const != "" {
				payloads = append(payloads, jen.Id(ex.Const).Op("=").Add(rawLit(indentJSON(ex.Payload))))
			}
			items = append(items, jen.Values(d))
		}
	}
	f.Comment("Examples returns the spec's example deliveries, every example of every")
	f.Comment("message in spec order. Each call returns fresh values.")
	f.Func().Id("Examples").Params().Index().Qual(webhookPkg, "Example").Block(
		jen.Return(multiline(jen.Index().Qual(webhookPkg, "Example"), items)),
	)
	if len(payloads) > 0 {
		f.Line()
		f.Comment("The payloads of the examples, as the spec gives them.")
		f.Const().Defs(payloads...)
	}
}

// multiline is a composite literal of typ with each element on its own line.
func multiline(typ *jen.Statement, items []jen.Code) *jen.Statement {
	return typ.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, items...)
}

func indentJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return string(b)
	}
	return buf.String()
}

// rawLit spells s as a raw string literal when it can, which keeps JSON
// readable in the generated source.
func rawLit(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}
