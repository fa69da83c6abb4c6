package generator

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// examplesTest writes a test that decodes every example into its payload
// type and re-encodes it: a field the types cannot hold fails it.
func (g *gen) examplesTest(f *jen.File) {
	var entries []jen.Code
	for _, m := range g.api.Messages {
		if m.Payload == nil {
			continue
		}
		entries = append(entries, jen.Lit(m.Key).Op(":").Func().Params().Any().Block(jen.Return(jen.New(g.goType(m.Payload)))))
	}
	f.Comment("testPayloads make a new payload value per message.")
	f.Var().Id("testPayloads").Op("=").Add(multiline(jen.Map(jen.String()).Func().Params().Any(), entries))
	f.Line()
	undeclared := jen.Dict{}
	seen := map[string]bool{}
	for _, m := range g.api.Messages {
		for _, ex := range g.message(m).Examples {
			var v any
			if ex.Const == "" || seen[string(ex.Payload)] || json.Unmarshal(ex.Payload, &v) != nil {
				continue
			}
			seen[string(ex.Payload)] = true
			if key := undeclaredKey(m.Payload, v, map[*model.Type]bool{}); key != "" {
				undeclared[jen.Id(ex.Const)] = jen.Lit(key)
			}
		}
	}
	if len(undeclared) > 0 {
		f.Comment("undeclaredKeys names, for the example payloads that have one, a key")
		f.Comment("their schema does not declare: decoding drops it (docs/type-mapping.md).")
		f.Var().Id("undeclaredKeys").Op("=").Map(jen.String()).String().Values(undeclared)
		f.Line()
	}
	f.Comment("newTestPayload returns a pointer to a new payload of message, or nil.")
	f.Func().Id("newTestPayload").Params(jen.Id("message").String()).Any().Block(
		jen.If(jen.List(jen.Id("f"), jen.Id("ok")).Op(":=").Id("testPayloads").Index(jen.Id("message")), jen.Id("ok")).Block(jen.Return(jen.Id("f").Call())),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("TestExamplesRoundTrip decodes every example of the spec into its payload")
	f.Comment("type and encodes it again: nothing may be lost or changed on the way (a")
	f.Comment("date-time may be written another way for the same instant).")
	f.Func().Id("TestExamplesRoundTrip").Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("ex")).Op(":=").Range().Id("Examples").Call()).Block(
			jen.Id("newPayload").Op(",").Id("ok").Op(":=").Id("testPayloads").Index(jen.Id("ex").Dot("Message")),
			jen.If(jen.Op("!").Id("ok").Op("||").Id("ex").Dot("Payload").Op("==").Nil()).Block(jen.Continue()),
			jen.Id("t").Dot("Run").Call(jen.Id("ex").Dot("Message").Op("+").Lit("/").Op("+").Id("ex").Dot("Name"), jen.Func().Params(jen.Id("t").Op("*").Qual("testing", "T")).Block(
				jen.Id("v").Op(":=").Id("newPayload").Call(),
				jen.If(jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("ex").Dot("Payload"), jen.Id("v")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatalf").Call(jen.Lit("decode: %v"), jen.Err()),
				),
				jen.List(jen.Id("out"), jen.Err()).Op(":=").Qual(jsonPkg, "Marshal").Call(jen.Id("v")),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatalf").Call(jen.Lit("encode: %v"), jen.Err())),
				jen.Do(func(s *jen.Statement) {
					if len(undeclared) > 0 {
						s.If(jen.List(jen.Id("key"), jen.Id("ok")).Op(":=").Id("undeclaredKeys").Index(jen.String().Call(jen.Id("ex").Dot("Payload"))), jen.Id("ok")).Block(
							jen.Id("t").Dot("Skipf").Call(jen.Lit("the example has %s, which its schema does not declare: decoding drops it"), jen.Id("key")),
						)
					}
				}),
				jen.Var().List(jen.Id("want"), jen.Id("got")).Any(),
				jen.If(jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("ex").Dot("Payload"), jen.Op("&").Id("want")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatal").Call(jen.Err()),
				),
				jen.If(jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("out"), jen.Op("&").Id("got")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatal").Call(jen.Err()),
				),
				jen.If(jen.Op("!").Qual(implPkg, "SameJSON").Call(jen.Id("want"), jen.Id("got"))).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("the round trip changed the payload:\n got %s\nwant %s"), jen.Id("out"), jen.Id("ex").Dot("Payload")),
				),
			)),
		),
	)
}

// undeclaredKey returns the JSON pointer of the first key in v that a value
// of type t drops on decoding (one its object schema does not declare and
// keeps no extras for), or "". A union keeps what no variant takes as raw
// JSON, so nothing below one is dropped.
func undeclaredKey(t *model.Type, v any, visiting map[*model.Type]bool) string {
	if t == nil || visiting[t] {
		return ""
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t = valueType(t); t.Kind {
	case model.Object:
		obj, _ := v.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			i := slices.IndexFunc(t.Fields, func(f *model.Field) bool { return f.Name == k })
			switch {
			case i >= 0:
				if key := undeclaredKey(t.Fields[i].Type, obj[k], visiting); key != "" {
					return "/" + k + key
				}
			case t.Elem == nil:
				return "/" + k
			default:
				if key := undeclaredKey(t.Elem, obj[k], visiting); key != "" {
					return "/" + k + key
				}
			}
		}
	case model.Map:
		obj, _ := v.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if key := undeclaredKey(t.Elem, obj[k], visiting); key != "" {
				return "/" + k + key
			}
		}
	case model.Array:
		items, _ := v.([]any)
		for i, e := range items {
			if key := undeclaredKey(t.Elem, e, visiting); key != "" {
				return "/" + strconv.Itoa(i) + key
			}
		}
	}
	return ""
}
