package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

const jsontestPkg = "github.com/hookgen/hookgen/runtime/jsonx/jsontest"

// jsonTest writes json.gen_test.go: the generated decoders and
// encoders held against encoding/json on the spec's examples, on random
// valid payloads and on fuzzed bytes.
func (g *gen) jsonTest(f *jen.File) {
	f.ImportName(jsontestPkg, "jsontest")
	var codecs []jen.Code
	index := map[*model.Type]int{}
	for _, t := range g.api.Types {
		if !g.declared(t) {
			continue
		}
		name := g.typeName(t)
		v := jen.Id("v").Assert(jen.Op("*").Id(name))
		index[t] = len(codecs)
		codecs = append(codecs, jen.Values(jen.Dict{
			jen.Id("Name"): jen.Lit(name),
			jen.Id("New"):  jen.Func().Params().Any().Block(jen.Return(jen.New(jen.Id(name)))),
			jen.Id("Decode"): jen.Func().Params(jen.Id("data").Index().Byte(), jen.Id("v").Any()).Error().Block(
				jen.Return(jen.Id("Unmarshal").Call(jen.Id("data"), v.Clone())),
			),
			jen.Id("Encode"): jen.Func().Params(jen.Id("v").Any()).Params(jen.Index().Byte(), jen.Error()).Block(
				jen.Return(jen.Id("Marshal").Call(v.Clone())),
			),
			jen.Id("Random"): jen.Id(g.typeOf[t].Random),
		}))
	}
	var messages []jen.Code
	for _, m := range g.api.Messages {
		p := m.Payload
		if p == nil {
			continue
		}
		if i, ok := index[p]; ok {
			messages = append(messages, jen.Lit(m.Key).Op(":").Id("jsonCodecs").Index(jen.Lit(i)))
			continue
		}
		// A payload of an unnamed type is decoded by its own function.
		messages = append(messages, jen.Lit(m.Key).Op(":").Values(jen.Dict{
			jen.Id("Name"): jen.Lit(m.Key),
			jen.Id("New"):  jen.Func().Params().Any().Block(jen.Return(jen.New(g.goType(p)))),
			jen.Id("Decode"): jen.Func().Params(jen.Id("data").Index().Byte(), jen.Id("v").Any()).Error().Block(
				jen.Return(jen.Id(g.message(m).PayloadDecoder).Call(jen.Id("data"), jen.Id("v").Assert(jen.Op("*").Add(g.goType(p))))),
			),
		}))
	}
	f.Comment("jsonCodecs are the types with a generated decoder and encoder.")
	f.Var().Id("jsonCodecs").Op("=").Add(multiline(jen.Index().Qual(jsontestPkg, "Codec"), codecs))
	f.Line()
	f.Comment("jsonMessages are the payload codecs by message.")
	f.Var().Id("jsonMessages").Op("=").Add(multiline(jen.Map(jen.String()).Qual(jsontestPkg, "Codec"), messages))
	f.Line()

	tt := jen.Id("t").Op("*").Qual("testing", "T")
	f.Comment("TestJSONExamples decodes every example with the generated decoder and with")
	f.Comment("encoding/json, and encodes both results: they must agree.")
	f.Func().Id("TestJSONExamples").Params(tt.Clone()).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("ex")).Op(":=").Range().Id("Examples").Call()).Block(
			jen.List(jen.Id("c"), jen.Id("ok")).Op(":=").Id("jsonMessages").Index(jen.Id("ex").Dot("Message")),
			jen.If(jen.Op("!").Id("ok").Op("||").Id("ex").Dot("Payload").Op("==").Nil()).Block(jen.Continue()),
			jen.If(jen.Err().Op(":=").Id("c").Dot("Decode").Call(jen.Id("ex").Dot("Payload"), jen.Id("c").Dot("New").Call()), jen.Err().Op("!=").Nil()).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s/%s: %v"), jen.Id("ex").Dot("Message"), jen.Id("ex").Dot("Name"), jen.Err()),
			),
			jen.If(jen.Err().Op(":=").Qual(jsontestPkg, "Compare").Call(jen.Id("c"), jen.Id("ex").Dot("Payload")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s/%s: %v"), jen.Id("ex").Dot("Message"), jen.Id("ex").Dot("Name"), jen.Err()),
			),
		),
	)
	f.Line()
	f.Comment("TestJSONRandom holds the generated decoders and encoders against")
	f.Comment("encoding/json on random valid values of every type.")
	f.Func().Id("TestJSONRandom").Params(tt.Clone()).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("jsonCodecs")).Block(
			jen.For(jen.Id("seed").Op(":=").Range().Lit(300)).Block(
				jen.Id("r").Op(":=").Qual(jsontestPkg, "NewRand").Call(jen.Index().Byte().Values(jen.Byte().Call(jen.Id("seed")), jen.Byte().Call(jen.Id("seed").Op(">>").Lit(8)))),
				jen.If(jen.Err().Op(":=").Qual(jsontestPkg, "Check").Call(jen.Id("c"), jen.Id("r")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatal").Call(jen.Err()),
				),
			),
		),
	)
	f.Line()
	ff := jen.Id("f").Op("*").Qual("testing", "F")
	f.Comment("FuzzJSONRandom is the differential fuzz target: the fuzzed bytes seed random")
	f.Comment("valid values of every type, on which the generated code and encoding/json")
	f.Comment("must agree.")
	f.Func().Id("FuzzJSONRandom").Params(ff.Clone()).Block(
		jen.Id("f").Dot("Add").Call(jen.Index().Byte().Call(jen.Lit("hookgen"))),
		jen.Id("f").Dot("Fuzz").Call(jen.Func().Params(tt.Clone(), jen.Id("seed").Index().Byte()).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("jsonCodecs")).Block(
				jen.If(jen.Err().Op(":=").Qual(jsontestPkg, "Check").Call(jen.Id("c"), jen.Qual(jsontestPkg, "NewRand").Call(jen.Id("seed"))), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatal").Call(jen.Err()),
				),
			),
		)),
	)
	f.Line()
	f.Comment("FuzzJSONBytes mutates the examples: on any bytes, the generated decoders must")
	f.Comment("reject what encoding/json rejects and agree with it on the rest.")
	f.Func().Id("FuzzJSONBytes").Params(ff.Clone()).Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("ex")).Op(":=").Range().Id("Examples").Call()).Block(
			jen.If(jen.Id("ex").Dot("Payload").Op("!=").Nil()).Block(jen.Id("f").Dot("Add").Call(jen.Id("ex").Dot("Payload"))),
		),
		jen.Id("f").Dot("Fuzz").Call(jen.Func().Params(tt.Clone(), jen.Id("data").Index().Byte()).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("c")).Op(":=").Range().Id("jsonMessages")).Block(
				jen.If(jen.Err().Op(":=").Qual(jsontestPkg, "Compare").Call(jen.Id("c"), jen.Id("data")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("t").Dot("Fatal").Call(jen.Err()),
				),
			),
		)),
	)
	for _, t := range g.api.Types {
		if g.declared(t) {
			f.Line()
			g.randomFunc(f, t)
		}
	}
}

// randomFunc writes the function that writes a random valid JSON value of
// the named type t.
func (g *gen) randomFunc(f *jen.File, t *model.Type) {
	r := jen.Id("r")
	var body []jen.Code
	switch {
	case len(t.Enum) > 0:
		body = g.randomValue(t, 0, true)
	case t.Kind == model.Object && len(t.Fields) == 0 && !hasExtras(t):
		body = append(body, r.Clone().Dot("ObjStart").Call(), r.Clone().Dot("ObjEnd").Call())
	case t.Kind == model.Object:
		body = append(body, jen.Id("m").Op(":=").Add(r.Clone()).Dot("ObjStart").Call())
		for _, fl := range t.Fields {
			write := []jen.Code{r.Clone().Dot("Key").Call(jen.Id("m"), jen.Lit(g.field(fl).JSONName))}
			var value []jen.Code
			if fl.HasConst {
				value = []jen.Code{g.randomConst(fl)}
			} else {
				value = g.randomValue(fl.Type, 0, false)
			}
			var null jen.Code
			switch shape := g.field(fl).Shape; {
			case shape == pointer || shape == nullable || shape == nullableRef:
				odds := 16
				if admitsNull(fl.Type) {
					odds = 4
				}
				null = r.Clone().Dot("Nullable").Call(jen.Id("depth"), jen.Lit(odds))
			case shape == plain:
				null = r.Clone().Dot("Null").Call(jen.True(), jen.Lit(8))
			default:
				null = r.Clone().Dot("Null").Call(jen.True(), jen.Lit(32))
			}
			write = append(write, jen.If(jen.Op("!").Add(null)).Block(value...))
			body = append(body, jen.For(jen.Range().Add(r.Clone()).Dot("Times").Call(jen.Lit(fl.Required), jen.Id("depth"))).Block(write...))
		}
		if hasExtras(t) {
			loop := []jen.Code{r.Clone().Dot("MapKey").Call(jen.Id("m"))}
			loop = append(loop, g.randomValue(t.Elem, 1, false)...)
			body = append(body, jen.For(jen.Range().Add(r.Clone()).Dot("Len").Call(jen.Id("depth"))).Block(loop...))
		}
		body = append(body, r.Clone().Dot("ObjEnd").Call())
	case t.Kind == model.Union:
		var cases []jen.Code
		for i, v := range t.Variants {
			cases = append(cases, jen.Case(jen.Lit(i)).Block(g.randomValue(v.Type, 0, false)...))
		}
		cases = append(cases, jen.Default().Block(r.Clone().Dot("Any").Call(jen.Lit(1))))
		body = append(body, jen.Switch(r.Clone().Dot("Intn").Call(jen.Lit(len(t.Variants)+1))).Block(cases...))
	}
	f.Commentf("%s writes a random valid JSON value of %s.", g.typeOf[t].Random, g.typeName(t))
	f.Func().Id(g.typeOf[t].Random).Params(jen.Id("r").Op("*").Qual(jsontestPkg, "Rand"), jen.Id("depth").Int()).Block(body...)
}

// randomConst writes the value a const property must have, or now and then
// another.
func (g *gen) randomConst(fl *model.Field) jen.Code {
	r := jen.Id("r")
	switch v := fl.Const.(type) {
	case string:
		return r.Clone().Dot("Enum").Call(jen.Lit(v))
	case float64:
		if fl.Type.Kind == model.Integer {
			return r.Clone().Dot("IntEnum").Call(jen.Lit(intBits(fl.Type)), jen.Lit(int64(v)))
		}
	}
	return jen.Block(g.randomValue(fl.Type, 0, false)...)
}

func intBits(t *model.Type) int {
	switch t.Format {
	case "int32", "uint32":
		return 32
	case "int16":
		return 16
	case "int8":
		return 8
	}
	return 64
}

// randomValue writes a random value of t. self is set inside t's own
// writer, where a named type is written rather than delegated.
func (g *gen) randomValue(t *model.Type, depth int, self bool) []jen.Code {
	t = valueType(t)
	r := jen.Id("r")
	next := jen.Id("depth").Op("+").Lit(1)
	if g.declared(t) && !self {
		return []jen.Code{jen.Id(g.typeOf[t].Random).Call(r, next)}
	}
	if len(t.Enum) > 0 {
		var vals []jen.Code
		for _, v := range t.Enum {
			if t.Kind == model.Integer {
				vals = append(vals, jen.Lit(toInt64(v)))
			} else {
				vals = append(vals, jen.Lit(fmt.Sprint(v)))
			}
		}
		if t.Kind == model.Integer {
			return []jen.Code{r.Clone().Dot("IntEnum").Call(append([]jen.Code{jen.Lit(intBits(t))}, vals...)...)}
		}
		return []jen.Code{r.Clone().Dot("Enum").Call(vals...)}
	}
	switch t.Kind {
	case model.Bool:
		return []jen.Code{r.Clone().Dot("Bool").Call()}
	case model.Integer:
		if strings.HasPrefix(t.Format, "uint") {
			return []jen.Code{r.Clone().Dot("Uint").Call(jen.Lit(intBits(t)))}
		}
		return []jen.Code{r.Clone().Dot("Int").Call(jen.Lit(intBits(t)))}
	case model.Number:
		bits := 64
		if t.Format == "float" {
			bits = 32
		}
		return []jen.Code{r.Clone().Dot("Float").Call(jen.Lit(bits))}
	case model.String:
		if t.Format == "date-time" {
			return []jen.Code{r.Clone().Dot("Time").Call()}
		}
		return []jen.Code{r.Clone().Dot("String").Call()}
	case model.Array, model.Map:
		m := fmt.Sprintf("m%d", depth)
		start, elem, end := "ArrStart", jen.Id("r").Dot("Elem").Call(jen.Id(m)), "ArrEnd"
		if t.Kind == model.Map {
			start, elem, end = "ObjStart", jen.Id("r").Dot("MapKey").Call(jen.Id(m)), "ObjEnd"
		}
		loop := []jen.Code{elem}
		inner := g.randomValue(t.Elem, depth+1, false)
		if admitsNull(t.Elem) && !nilable(t.Elem) {
			loop = append(loop, jen.If(jen.Op("!").Add(r.Clone()).Dot("Nullable").Call(jen.Id("depth"), jen.Lit(4))).Block(inner...))
		} else {
			loop = append(loop, inner...)
		}
		return []jen.Code{
			jen.Id(m).Op(":=").Add(r.Clone()).Dot(start).Call(),
			jen.For(jen.Range().Add(r.Clone()).Dot("Len").Call(jen.Id("depth"))).Block(loop...),
			r.Clone().Dot(end).Call(),
		}
	}
	return []jen.Code{r.Clone().Dot("Any").Call(jen.Lit(2))}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int:
		return int64(n)
	case int64:
		return n
	}
	return 0
}
