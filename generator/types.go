package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/hookgen/hookgen/model"
)

// declarations writes a declaration for every named type of the API.
func (g *gen) declarations(f *jen.File) {
	for _, t := range g.api.Types {
		switch {
		case len(t.Enum) > 0:
			g.enum(f, t)
		case t.Kind == model.Object:
			g.object(f, t)
		case g.typeOf[t].Tagged:
			g.tagged(f, t)
		case t.Kind == model.Union:
			g.rawUnion(f, t)
		}
	}
}

// typeDoc is the comment above a declaration: where the schema comes from,
// then its description.
func (g *gen) typeDoc(t *model.Type, what string) string {
	doc := fmt.Sprintf("%s is %s defined at %s.", g.typeName(t), what, t.Ref)
	if t.Description != "" {
		doc += "\n\n" + t.Description
	}
	if t.Deprecated {
		doc += "\n\nDeprecated: the spec marks this schema deprecated."
	}
	return doc
}

func (g *gen) object(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	fileComment(f, g.typeDoc(t, "an object"))
	var fields []jen.Code
	for i, fl := range t.Fields {
		var doc []string
		if fl.Description != "" {
			doc = append(doc, fl.Description)
		}
		if fl.HasConst {
			doc = append(doc, fmt.Sprintf("The spec fixes its value to %s.", g.field(fl).Const))
		}
		if fl.Deprecated {
			doc = append(doc, "Deprecated: the spec marks this property deprecated.")
		}
		code := jen.Id(g.field(fl).Name).Add(g.fieldType(g.field(fl))).Tag(map[string]string{"json": g.field(fl).Tag})
		if len(doc) > 0 {
			if i > 0 {
				fields = append(fields, jen.Line())
			}
			fields = append(fields, comment(strings.Join(doc, "\n\n"))...)
		}
		fields = append(fields, code)
	}
	if hasExtras(t) {
		if len(fields) > 0 {
			fields = append(fields, jen.Line())
		}
		fields = append(fields, comment(g.typeOf[t].Extras+" holds the properties the schema does not name, "+
			"which its additionalProperties allows; MarshalJSON and UnmarshalJSON keep them.")...)
		fields = append(fields, jen.Id(g.typeOf[t].Extras).Map(jen.String()).Add(g.elemType(t.Elem)).Tag(map[string]string{"json": "-"}))
	}
	f.Type().Id(name).Struct(fields...)
	f.Line()
	if hasExtras(t) {
		// encoding/json knows nothing of the extra properties: the
		// generated codec, which keeps them, serves it too.
		fileComment(f, "UnmarshalJSON decodes data with the generated decoder, keeping the properties "+
			"the schema does not name in "+g.typeOf[t].Extras+". Like encoding/json, and unlike "+
			"Unmarshal, it lets required properties be absent.")
		f.Func().Params(jen.Id("x").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
			decodeWith("BeginLenient", "data", jen.Id("x"))...,
		)
		f.Line()
		fileComment(f, "MarshalJSON encodes x as Marshal does: the properties, then "+g.typeOf[t].Extras+".")
		f.Func().Params(jen.Id("x").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Id("Marshal").Call(jen.Op("&").Id("x"))),
		)
		f.Line()
	}
	g.getters(f, t)
	g.fieldConstBlock(f, t)
}

// getters writes a nil-safe getter per field, so that callers can chain
// event.GetDriver().GetName() without checking each level. A getter says
// "absent" and "null" alike, with nil for a struct and the zero value
// otherwise; the field itself tells them apart.
func (g *gen) getters(f *jen.File, t *model.Type) {
	recv := jen.Id("x").Op("*").Id(g.typeName(t))
	for _, fl := range t.Fields {
		name := g.field(fl).Getter
		field := jen.Id("x").Dot(g.field(fl).Name)
		base := g.goType(fl.Type)
		vt := valueType(fl.Type)
		struc := vt.Kind == model.Object && vt.Named
		var ret *jen.Statement
		var body []jen.Code
		absent := jen.Id("x").Op("==").Nil().Op("||").Op("!").Add(field.Clone()).Dot("Valid")
		switch shape := g.field(fl).Shape; {
		case shape == nullableRef:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when it is absent or null.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(absent).Block(jen.Return(jen.Nil())), jen.Return(field.Clone().Dot("Value"))}
		case shape == nullable && struc:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when it is absent or null.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(absent).Block(jen.Return(jen.Nil())), jen.Return(jen.Op("&").Add(field.Clone()).Dot("Value"))}
		case shape == nullable:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or the zero value when it is absent or null.", name, fl.Name))
			ret = base
			body = []jen.Code{
				jen.If(absent).Block(jen.Var().Id("zero").Add(base.Clone()), jen.Return(jen.Id("zero"))),
				jen.Return(field.Clone().Dot("Value")),
			}
		case shape == pointer && struc:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when it is absent.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())), jen.Return(field)}
		case shape == pointer:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or the zero value when it is absent.", name, fl.Name))
			ret = base
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil().Op("||").Add(field.Clone()).Op("==").Nil()).Block(
					jen.Var().Id("zero").Add(base.Clone()),
					jen.Return(jen.Id("zero")),
				),
				jen.Return(jen.Op("*").Add(field.Clone())),
			}
		case shape == byValue && struc:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or nil when x is nil.", name, fl.Name))
			ret = jen.Op("*").Add(base)
			body = []jen.Code{jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil())), jen.Return(jen.Op("&").Add(field))}
		default:
			fileComment(f, fmt.Sprintf("%s returns the %s property, or the zero value when x is nil.", name, fl.Name))
			ret = g.fieldType(g.field(fl))
			body = []jen.Code{
				jen.If(jen.Id("x").Op("==").Nil()).Block(
					jen.Var().Id("zero").Add(g.fieldType(g.field(fl))),
					jen.Return(jen.Id("zero")),
				),
				jen.Return(field),
			}
		}
		f.Func().Params(recv.Clone()).Id(name).Params().Add(ret).Block(body...)
		f.Line()
	}
}

// fieldConstBlock declares the values that const properties must have.
func (g *gen) fieldConstBlock(f *jen.File, t *model.Type) {
	var defs []jen.Code
	for _, fl := range t.Fields {
		if fl.HasConst {
			defs = append(defs, jen.Id(g.field(fl).Const).Op("=").Lit(constValue(fl.Const)))
		}
	}
	if len(defs) == 0 {
		return
	}
	f.Commentf("The values the spec fixes for properties of %s.", g.typeName(t))
	f.Const().Defs(defs...)
}

// constValue turns a JSON value into a Go literal value.
func constValue(v any) any {
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return int(f) // jennifer spells int as an untyped literal
	}
	return v
}

func (g *gen) enum(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	fileComment(f, g.typeDoc(t, "an enumeration"))
	f.Comment("")
	f.Comment("A value the spec does not list still decodes and is kept: providers add")
	f.Comment("values without notice. Known tells the two apart.")
	base := jen.String()
	if t.Kind == model.Integer {
		base = g.goType(&model.Type{Kind: model.Integer, Format: t.Format})
	}
	f.Type().Id(name).Add(base)
	f.Line()
	var defs, names []jen.Code
	for i, v := range t.Enum {
		c := g.typeOf[t].EnumConsts[i]
		defs = append(defs, jen.Id(c).Id(name).Op("=").Lit(constValue(v)))
		names = append(names, jen.Id(c))
	}
	f.Commentf("The values of %s that the spec lists.", name)
	f.Const().Defs(defs...)
	f.Line()
	fileComment(f, fmt.Sprintf("Known reports whether v is one of the values of %s that the spec lists.", name))
	f.Func().Params(jen.Id("v").Id(name)).Id("Known").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(jen.Case(names...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	)
}

// tagged writes a sum type: one pointer per variant, set by the value of
// the discriminator property. A value no mapping names is kept raw.
func (g *gen) tagged(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	names := g.typeOf[t].Variants
	kind := "exactly one"
	if !t.Exclusive {
		kind = "one"
	}
	fileComment(f, g.typeDoc(t, fmt.Sprintf("%s of %d object types", kind, len(t.Variants))))
	f.Comment("")
	f.Commentf("The %s property tells which; exactly one field is set after decoding.", t.Discriminator)
	f.Comment("A value of it that the spec does not map leaves all of them nil and the")
	f.Comment("JSON in Raw.")
	var fields []jen.Code
	for i, v := range t.Variants {
		fields = append(fields, jen.Commentf("%s is set when %s is %s.", names[i], t.Discriminator, quoteAll(v.Tags)))
		fields = append(fields, jen.Id(names[i]).Op("*").Id(g.typeName(v.Type)))
	}
	fields = append(fields, jen.Commentf("Raw holds the JSON of a variant the spec does not name."))
	fields = append(fields, jen.Id("Raw").Qual(jsonPkg, "RawMessage"))
	f.Type().Id(name).Struct(fields...)
	f.Line()

	cases := g.variantCases(t, names, func(field *jen.Statement) jen.Code {
		return jen.Qual(jsonPkg, "Unmarshal").Call(jen.Id("data"), field)
	})
	cases = append(cases, jen.Default().Block(
		jen.Id("u").Dot("Raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("data").Op("...")),
		jen.Return(jen.Nil()),
	))
	f.Commentf("UnmarshalJSON decodes the variant that the %s property names.", t.Discriminator)
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Op("*").Id("u").Op("=").Id(name).Values(),
		jen.Var().Id("probe").Struct(jen.Id("Tag").String().Tag(map[string]string{"json": t.Discriminator})),
		jen.If(jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("probe")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(name+": %w"), jen.Err())),
		),
		jen.Switch(jen.Id("probe").Dot("Tag")).Block(cases...),
	)
	f.Line()
	var mcases []jen.Code
	for i := range t.Variants {
		mcases = append(mcases, jen.Case(jen.Id("u").Dot(names[i]).Op("!=").Nil()).Block(
			jen.Return(jen.Qual(jsonPkg, "Marshal").Call(jen.Id("u").Dot(names[i]))),
		))
	}
	mcases = append(mcases, jen.Case(jen.Id("u").Dot("Raw").Op("!=").Nil()).Block(jen.Return(jen.Id("u").Dot("Raw"), jen.Nil())))
	f.Comment("MarshalJSON encodes the variant that is set, or null.")
	f.Func().Params(jen.Id("u").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Switch().Block(mcases...),
		jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil()),
	)
}

// variantCases are the switch cases of a tagged union's decoder: each
// variant's discriminator values allocate its field and decode into it.
func (g *gen) variantCases(t *model.Type, names []string, decode func(field *jen.Statement) jen.Code) []jen.Code {
	cases := make([]jen.Code, 0, len(t.Variants))
	for i, v := range t.Variants {
		var tags []jen.Code
		for _, tg := range v.Tags {
			tags = append(tags, jen.Lit(tg))
		}
		field := jen.Id("u").Dot(names[i])
		cases = append(cases, jen.Case(tags...).Block(
			field.Clone().Op("=").New(jen.Id(g.typeName(v.Type))),
			jen.Return(decode(field.Clone())),
		))
	}
	return cases
}

func quoteAll(tags []string) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = fmt.Sprintf("%q", t)
	}
	return strings.Join(q, " or ")
}

// rawUnion writes a union that JSON alone cannot resolve as the raw JSON
// with one typed accessor per variant. Nothing is decoded until asked, so
// nothing is silently decoded as the wrong variant.
func (g *gen) rawUnion(f *jen.File, t *model.Type) {
	name := g.typeName(t)
	names := g.typeOf[t].Variants
	kind := "any of"
	if t.Exclusive {
		kind = "one of"
	}
	fileComment(f, g.typeDoc(t, fmt.Sprintf("a value that is %s %d schemas", kind, len(t.Variants))))
	f.Comment("")
	f.Comment("JSON alone does not say which, so it keeps the raw JSON; the As methods")
	f.Comment("decode it as one of them.")
	f.Type().Id(name).Struct(jen.Id("raw").Qual(jsonPkg, "RawMessage"))
	f.Line()
	for i, v := range t.Variants {
		m := "As" + names[i]
		typ := g.goType(v.Type)
		f.Commentf("%s decodes the value as %s.", m, fmt.Sprintf("%#v", typ))
		f.Func().Params(jen.Id("u").Id(name)).Id(m).Params().Params(typ.Clone(), jen.Error()).Block(
			jen.Var().Id("v").Add(typ.Clone()),
			jen.Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(jen.Id("u").Dot("raw"), jen.Op("&").Id("v")),
			jen.Return(jen.Id("v"), jen.Err()),
		)
		f.Line()
		set := "Set" + names[i]
		f.Commentf("%s replaces the value with v.", set)
		f.Func().Params(jen.Id("u").Op("*").Id(name)).Id(set).Params(jen.Id("v").Add(typ.Clone())).Error().Block(
			jen.List(jen.Id("raw"), jen.Err()).Op(":=").Qual(jsonPkg, "Marshal").Call(jen.Id("v")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("u").Dot("raw").Op("=").Id("raw"),
			jen.Return(jen.Nil()),
		)
		f.Line()
	}
	f.Comment("Raw returns the value's JSON.")
	f.Func().Params(jen.Id("u").Id(name)).Id("Raw").Params().Qual(jsonPkg, "RawMessage").Block(jen.Return(jen.Id("u").Dot("raw")))
	f.Line()
	f.Comment("MarshalJSON returns the JSON as it came, or null for a zero value.")
	f.Func().Params(jen.Id("u").Id(name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.If(jen.Id("u").Dot("raw").Op("==").Nil()).Block(jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil())),
		jen.Return(jen.Id("u").Dot("raw"), jen.Nil()),
	)
	f.Line()
	f.Comment("UnmarshalJSON keeps a copy of the JSON.")
	f.Func().Params(jen.Id("u").Op("*").Id(name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Id("u").Dot("raw").Op("=").Append(jen.Qual(jsonPkg, "RawMessage").Values(), jen.Id("data").Op("...")),
		jen.Return(jen.Nil()),
	)
}
