package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// encodeValue writes the value at p as json.Marshal would.
func (g *gen) encodeValue(t *model.Type, p place, depth int) []jen.Code {
	e := jen.Id("e")
	if g.isJSONValue(t) {
		return []jen.Code{p.method("encodeJSON").Call(e)}
	}
	switch t.Kind {
	case model.Bool:
		return []jen.Code{e.Clone().Dot("Bool").Call(p.v())}
	case model.Integer:
		if strings.HasPrefix(t.Format, "uint") {
			return []jen.Code{e.Clone().Dot("Uint").Call(jen.Uint64().Call(p.v()))}
		}
		return []jen.Code{e.Clone().Dot("Int").Call(jen.Int64().Call(p.v()))}
	case model.Number:
		bits := 64
		if t.Format == "float" {
			bits = 32
		}
		return []jen.Code{e.Clone().Dot("Float").Call(jen.Float64().Call(p.v()), jen.Lit(bits))}
	case model.String:
		if t.Format == "date-time" {
			return []jen.Code{e.Clone().Dot("Time").Call(p.v())}
		}
		return []jen.Code{e.Clone().Dot("Str").Call(p.v())}
	case model.Array:
		m, i := fmt.Sprintf("m%d", depth), fmt.Sprintf("i%d", depth)
		loop := []jen.Code{e.Clone().Dot("Elem").Call(jen.Id(m))}
		loop = append(loop, g.encodeElem(t.Elem, p.index(jen.Id(i)), depth+1)...)
		return []jen.Code{jen.If(p.v().Op("==").Nil()).Block(e.Clone().Dot("Null").Call()).Else().Block(
			jen.Id(m).Op(":=").Add(e.Clone()).Dot("ArrStart").Call(),
			jen.For(jen.Id(i).Op(":=").Range().Add(p.v())).Block(loop...),
			e.Clone().Dot("ArrEnd").Call(),
		)}
	case model.Map:
		m, k, v := fmt.Sprintf("m%d", depth), fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
		loop := []jen.Code{
			e.Clone().Dot("StrKey").Call(jen.Id(m), jen.Id(k)),
			jen.Id(v).Op(":=").Add(p.index(jen.Id(k))),
		}
		loop = append(loop, g.encodeElem(t.Elem, jen.Id(v), depth+1)...)
		return []jen.Code{jen.If(p.v().Op("==").Nil()).Block(e.Clone().Dot("Null").Call()).Else().Block(
			jen.Id(m).Op(":=").Add(e.Clone()).Dot("ObjStart").Call(),
			jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(p.v()))).Block(loop...),
			e.Clone().Dot("ObjEnd").Call(),
		)}
	}
	return []jen.Code{e.Clone().Dot("Raw").Call(p.v())}
}

// encodeElem writes an array item or map value, a pointer when the schema
// allows null.
func (g *gen) encodeElem(t *model.Type, v *jen.Statement, depth int) []jen.Code {
	if t.Nullable && !nilable(t) {
		return []jen.Code{jen.If(v.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call()).Else().Block(
			g.encodeValue(t, ptrPlace(v), depth)...,
		)}
	}
	return g.encodeValue(t, valPlace(v), depth)
}

// objectEncoder writes the encodeJSON method of an object: fields in
// order, omitzero applied as encoding/json applies it.
func (g *gen) objectEncoder(f *jen.File, t *model.Type) {
	name := g.types[t]
	body := []jen.Code{jen.Id("m").Op(":=").Id("e").Dot("ObjStart").Call()}
	for _, fl := range t.Fields {
		field := jen.Id("x").Dot(g.fields[fl])
		key := jen.Id("e").Dot("Key").Call(jen.Id("m"), jen.Lit(jsonKey(g.jsonName(fl))))
		omit := strings.HasSuffix(tag(fl, g.shape(t, fl)), ",omitzero")
		isTime := fl.Type.Kind == model.String && fl.Type.Format == "date-time" && !g.isJSONValue(fl.Type)
		switch g.shape(t, fl) {
		case pointer:
			inner := g.encodeValue(fl.Type, ptrPlace(field), 0)
			if omit {
				cond := field.Clone().Op("!=").Nil()
				if isTime {
					// *time.Time has IsZero, which omitzero calls.
					cond = cond.Op("&&").Op("!").Add(field.Clone()).Dot("IsZero").Call()
				}
				body = append(body, jen.If(cond).Block(append([]jen.Code{key}, inner...)...))
			} else {
				body = append(body, key, jen.If(field.Clone().Op("==").Nil()).Block(jen.Id("e").Dot("Null").Call()).Else().Block(inner...))
			}
		case nullable:
			body = append(body, jen.If(jen.Op("!").Add(field.Clone()).Dot("IsZero").Call()).Block(
				key,
				jen.If(jen.Op("!").Add(field.Clone()).Dot("Valid")).Block(jen.Id("e").Dot("Null").Call()).Else().Block(
					g.encodeValue(fl.Type, valPlace(field.Clone().Dot("Value")), 0)...,
				),
			))
		default:
			inner := g.encodeValue(fl.Type, valPlace(field), 0)
			if omit && nilable(fl.Type) {
				body = append(body, jen.If(field.Clone().Op("!=").Nil()).Block(append([]jen.Code{key}, inner...)...))
			} else {
				body = append(body, key)
				body = append(body, inner...)
			}
		}
	}
	if hasExtras(t) {
		// Sorted, as encoding/json writes a map; a key that names a
		// property (as decoding would match it) is left out, so that no
		// key is written twice.
		extras := jen.Id("x").Dot(g.extras[t])
		loop := []jen.Code{
			jen.If(jen.Id("x").Dot("jsonField").Call(jen.Index().Byte().Parens(jen.Id("k"))).Op(">=").Lit(0)).Block(jen.Continue()),
			jen.Id("e").Dot("StrKey").Call(jen.Id("m"), jen.Id("k")),
			jen.Id("v").Op(":=").Add(extras.Clone()).Index(jen.Id("k")),
		}
		loop = append(loop, g.encodeElem(t.Elem, jen.Id("v"), 1)...)
		body = append(body, jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(extras))).Block(loop...))
	}
	body = append(body, jen.Id("e").Dot("ObjEnd").Call())
	f.Comment("encodeJSON encodes x as json.Marshal would.")
	f.Func().Params(jen.Id("x").Op("*").Id(name)).Id("encodeJSON").Params(jen.Id("e").Op("*").Qual(jsonxPkg, "Encoder")).Block(body...)
	f.Line()
}
